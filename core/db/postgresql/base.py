"""Django's PostgreSQL backend, with a health check that costs no round trip.

With CONN_HEALTH_CHECKS (settings.py turns them on, so a connection broken by a PostgreSQL
restart is replaced rather than failing a request), Django checks a persistent connection at
the start of each request by sending `SELECT 1` and waiting for the answer: a round trip to
the database on every request, as long as the query a cheap API page exists for.

An idle connection receives nothing until it sends something. When PostgreSQL ends a session
(a restart, pg_terminate_backend, a crash) it sends an error and closes the socket, so the
socket turns readable. Here a connection whose socket has nothing to read is usable without
asking; one with something to read is checked the old way, which reads it (a notice, or the
goodbye) and fails if the session is gone. A peer vanished without a word (a cable pulled)
is found by the request's first query, as before, and the connection is closed after it.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        if self.connection is None or self.connection.closed:
            return False
        try:
            poller = select.poll()
            poller.register(self.connection.fileno(), select.POLLIN | select.POLLPRI)
            pending = poller.poll(0)
        except (OSError, ValueError, base.Database.Error):
            return False
        return super().is_usable() if pending else True
