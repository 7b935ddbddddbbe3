"""The keys a set-based import run has read, kept in the database, so memory stays flat.

A dict of keys in the process (the ORM path's) would grow with the file: hundreds of MB at
ten million rows. A run that writes its batches in SQL
(Importer.upsert_in_sql) keeps them instead in a temporary table of its own connection, a
row per key (its 64-bit hash, the number of the file and the line it was first read at),
and checks a whole batch when the batch is written: the keys the insert could not add were
read before, and the table says where. Only the batch's own keys stay in Python (a duplicate
inside one batch is caught as it is read). A file imports.staged reads in SQL is checked and
recorded from its staging table, in two statements whatever its size.

A key is its hash (on PostgreSQL the database's hashtextextended, so that a staged file's keys
are hashed where they are; on SQLite Python's): two different keys with one hash (about n^2 / 2^65
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
        self.recorded = False  # whether any key is in the table yet

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
        self.recorded = True
        files = [self._number(pending.file) for pending in batch]
        lines = [pending.line for pending in batch]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Hashed by the database, as record_staged() hashes what imports.staged reads. The
                # SELECT reads the table as it was before the statement: the keys read before.
                cursor.execute(
                    f"""WITH batch AS (
                        SELECT number, hashtextextended(key, 0) AS hash, file, line
                        FROM unnest(%s::text[], %s::integer[], %s::integer[]) WITH ORDINALITY AS b(key, file, line, number)
                    ), added AS (
                        INSERT INTO {TABLE} (hash, file, line) SELECT hash, file, line FROM batch
                        ON CONFLICT (hash) DO NOTHING
                    )
                    SELECT batch.number, seen.file, seen.line FROM batch JOIN {TABLE} seen ON seen.hash = batch.hash""",
                    [[pending.key for pending in batch], files, lines],
                )
                places = {number - 1: (self._names[file], line) for number, file, line in cursor.fetchall()}
                return [places.get(index) for index in range(len(batch))]
            hashes = [hash(pending.key) for pending in batch]
            # "WHERE true": without it SQLite would read ON CONFLICT as part of the SELECT's join.
            cursor.execute(
                f"""INSERT INTO {TABLE} (hash, file, line)
                SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]')
                FROM json_each(%s) WHERE true
                ON CONFLICT (hash) DO NOTHING RETURNING hash""",
                [json.dumps(list(zip(hashes, files, lines, strict=True)))],
            )
            added = {row[0] for row in cursor.fetchall()}
            seen_before = [h for h in hashes if h not in added]
            places = {}
            if seen_before:
                cursor.execute(
                    f"SELECT hash, file, line FROM {TABLE} WHERE hash IN (SELECT value FROM json_each(%s))",
                    [json.dumps(seen_before)],
                )
                places = {h: (self._names[file], line) for h, file, line in cursor.fetchall()}
        return [places.get(h) if h not in added else None for h in hashes]

    def staged_first_reads(self, staging: str, key_column: str, file: str) -> list[tuple[int, str, tuple[str, int]]]:
        """The rows of a staging table (imports.staged) whose key an earlier file or batch of the
        run read: (line, key, where it was read first)."""
        if not self.recorded:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT s._line, s.{key_column}, seen.file, seen.line FROM {staging} s
                JOIN {TABLE} seen ON seen.hash = hashtextextended(s.{key_column}, 0) ORDER BY s._line"""
            )
            return [(line, key, (self._names[number], first)) for line, key, number, first in cursor.fetchall()]

    def record_staged(self, staging: str, key_column: str, file: str) -> None:
        """Record the keys of a staging table (distinct, none read before) as read in `file`."""
        self.recorded = True
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {TABLE} (hash, file, line)
                SELECT hashtextextended({key_column}, 0), %s, _line FROM {staging} ON CONFLICT (hash) DO NOTHING""",
                [self._number(file)],
            )

    def _number(self, file: str) -> int:
        number = self._files.get(file)
        if number is None:
            number = self._files[file] = len(self._names)
            self._names.append(file)
        return number
