"""The keys a set-based import run has read, kept in the database, so memory stays flat.

imports.seen_keys holds a hash and a place per key in the process: some 30 bytes a key once
its tables grow, 300 MB at ten million rows. A run that writes its batches in SQL
(Importer.upsert_in_sql) keeps them instead in a temporary table of its own connection, a
row per key (its 64-bit hash, the number of the file and the line it was first read at),
and checks a whole batch in two statements when the batch is written: the keys the insert
could not add were read before, and the second statement says where. Only the batch's own
keys stay in Python (a duplicate inside one batch is caught as it is read).

A key is its hash, as in imports.seen_keys: two different keys with one hash (about n^2 / 2^65
for n keys) would make the second a reported duplicate of the first, never a silent merge.
The table is made outside the files' savepoints; a file refused while it is read takes its
keys with it, so a later file may hold them.
"""

import json
from collections.abc import Sequence

from django.db import connection

from imports.importer import Pending

TABLE = "import_seen"


class SeenInDatabase:
    def __init__(self):
        self._files: dict[str, int] = {}
        self._names: list[str] = []

    def prepare(self) -> None:
        postgres = connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            # A run inside an outer transaction, or an earlier run on this connection (SQLite
            # keeps a temporary table until the connection closes), finds the last run's table.
            cursor.execute(f"DROP TABLE IF EXISTS {'pg_temp' if postgres else 'temp'}.{TABLE}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {TABLE} (hash bigint PRIMARY KEY, file integer NOT NULL, line integer NOT NULL)"
                + (" ON COMMIT DROP" if postgres else "")
            )

    def first_reads(self, batch: Sequence[Pending]) -> list[tuple[str, int] | None]:
        """Record the batch's keys (distinct within it) as read; for each, where it was read
        first if an earlier batch of the run read it, else None."""
        hashes = [hash(pending.key) for pending in batch]
        rows = [[h, self._number(pending.file), pending.line] for h, pending in zip(hashes, batch, strict=True)]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"""INSERT INTO {TABLE} (hash, file, line)
                    SELECT * FROM unnest(%s::bigint[], %s::integer[], %s::integer[])
                    ON CONFLICT (hash) DO NOTHING RETURNING hash""",
                    [list(column) for column in zip(*rows, strict=True)],
                )
            else:
                # "WHERE true": without it SQLite would read ON CONFLICT as part of the SELECT's join.
                cursor.execute(
                    f"""INSERT INTO {TABLE} (hash, file, line)
                    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]')
                    FROM json_each(%s) WHERE true
                    ON CONFLICT (hash) DO NOTHING RETURNING hash""",
                    [json.dumps(rows)],
                )
            added = {row[0] for row in cursor.fetchall()}
            seen_before = [h for h in hashes if h not in added]
            places = {}
            if seen_before:
                if connection.vendor == "postgresql":
                    cursor.execute(f"SELECT hash, file, line FROM {TABLE} WHERE hash = ANY(%s)", [seen_before])
                else:
                    cursor.execute(
                        f"SELECT hash, file, line FROM {TABLE} WHERE hash IN (SELECT value FROM json_each(%s))",
                        [json.dumps(seen_before)],
                    )
                places = {h: (self._names[file], line) for h, file, line in cursor.fetchall()}
        return [places.get(h) if h not in added else None for h in hashes]

    def _number(self, file: str) -> int:
        number = self._files.get(file)
        if number is None:
            number = self._files[file] = len(self._names)
            self._names.append(file)
        return number
