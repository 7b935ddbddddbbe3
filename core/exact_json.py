"""Django's JSON serialisation without its loss of precision, for backups.

Django's encoder follows ECMA-262 and cuts datetimes and times to milliseconds, so a backup
written with it restores `12:00:00.000456` as `12:00:00`: history ordered by time can swap
two entries, and an `updated` stamp no longer matches the one a client holds. This format
writes the full ISO 8601 value; Django's own JSON deserializer reads it back unchanged, so a
file written here loads with `loaddata` like any `.json` fixture.
"""

import datetime

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder

FORMAT = "exact_json"


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time) and o.utcoffset() is None:
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactJSONEncoder


Deserializer = django_json.Deserializer
