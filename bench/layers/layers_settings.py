"""Settings for bench/layers: the app's, with the layers' URLs; LAYERS_MIDDLEWARE=none drops the middleware."""

import os

from chancery.settings import *  # noqa: F403

ROOT_URLCONF = "layers_urls"
if os.environ.get("LAYERS_MIDDLEWARE") == "none":
    MIDDLEWARE = []
