"""News intake's settings (issue 18): how far the fetcher of reports and feeds may go.

A module of its own because chancery/settings.py is at its length limit; settings.py imports
everything here. Only chancery.env is imported, so the order of the two does not matter.
"""

from chancery.env import env_int, env_list

# "host:port" pairs the fetcher may reach although they are not public addresses (it refuses
# loopback, private, link-local and the like, so that a report's URL cannot make the server
# reach its own network). Empty in every deployment; the tests allow their local server.
INTAKE_FETCH_ALLOW_HOSTS = env_list("INTAKE_FETCH_ALLOW_HOSTS", [])
# Seconds: to connect to a site, to wait for each read from it, and for the whole fetch with
# its redirects (a site that sends a byte every few seconds is stopped by the last).
INTAKE_FETCH_CONNECT_TIMEOUT = env_int("INTAKE_FETCH_CONNECT_TIMEOUT", 5, minimum=1)
INTAKE_FETCH_READ_TIMEOUT = env_int("INTAKE_FETCH_READ_TIMEOUT", 10, minimum=1)
INTAKE_FETCH_TIMEOUT = env_int("INTAKE_FETCH_TIMEOUT", 30, minimum=1)
# A page or feed larger than this (decompressed) is refused; news articles are a few hundred KB.
INTAKE_FETCH_MAX_BYTES = env_int("INTAKE_FETCH_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
