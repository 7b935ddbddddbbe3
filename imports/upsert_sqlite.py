"""SQLite's way of writing an import batch: one staging insert, one upsert, one history insert.

The embedded default (SQLite, `make run`) would otherwise write each batch through the ORM and
django-simple-history, an object at a time in Python: most of an import's time (bench/RESULTS.md).
Here, as imports.upsert does for PostgreSQL, a batch costs a few statements whatever its size:

1. DELETE the temporary staging table and executemany() the batch into it;
2. INSERT ... SELECT from it ON CONFLICT on the importer's external key, updating only rows
   whose values differ (version bumped), RETURNING each written row's pk and version: a row
   the statement created has the version a new row starts with, an updated one a later one;
3. INSERT the history rows ('+' or '~', the run's user and change reason) for the pks returned,
   read back from the table, so every created or changed record stays attributable.

SQLite has no data-modifying CTE, hence the separate history statement, and it does not enforce
a text column's length, hence `misfits()`: rows the ORM would refuse for length are found first
and validated one by one by the runner, as PostgreSQL's refusal makes it do.
"""

import json
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models

from imports.upsert import STAGING, Upsert, Written, quote


class SqliteUpsert(Upsert):
    """Writes batches of field values (dicts keyed by attname) for one model, within the caller's transaction."""

    def __init__(self, model: type[models.Model], **kwargs):
        super().__init__(model, **kwargs)
        version = self.fields.get("version")
        if version is None:
            raise ImproperlyConfigured(f"{model._meta.label} has no version field to tell created rows from updated")
        self._first_version = version.get_default()
        self._insert_staging = (
            f"INSERT INTO {STAGING} ({self.column_list(self.columns)}) VALUES ({', '.join(['%s'] * len(self.columns))})"
        )
        self._lengths = [
            (name, field.max_length)
            for name, field in self.fields.items()
            if name in self.columns and isinstance(field, models.CharField) and field.max_length
        ]
        self._sql, self._history_sql = self._statements()
        self._revision_sql = self._revision_statement() if self.revisions else None

    def prepare(self) -> None:
        table = quote(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{STAGING}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGING} AS SELECT {self.column_list(self.columns)} FROM {table} WHERE 0"
            )

    def misfits(self, rows: list[dict[str, Any]]) -> list[int]:
        """Indexes of the rows with text longer than its column allows (SQLite would store it)."""
        return [
            index
            for index, row in enumerate(rows)
            if any(row[name] is not None and len(row[name]) > limit for name, limit in self._lengths)
        ]

    def write(self, rows: list[dict[str, Any]], *, now) -> Written:
        values = self.values_with(now=connection.ops.adapt_datetimefield_value(now))
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {STAGING}")
            cursor.executemany(self._insert_staging, [tuple(row[name] for name in self.columns) for row in rows])
            if self.revisions:  # before the upsert, which is what changes the old values
                cursor.execute(self._revision_sql, values)
            cursor.execute(self._sql, values)
            returned = cursor.fetchall()
            pks = [pk for pk, _ in returned]
            if pks and not self.revisions:
                cursor.execute(self._history_sql, {**values, "pks": json.dumps(pks)})
        created = sum(1 for _, version in returned if version == self._first_version)
        return Written(created=created, updated=len(returned) - created, pks=pks)

    def _statements(self) -> tuple[str, str]:
        """The upsert, returning each written row's pk and version, and the history insert for those pks."""
        meta = self.model._meta
        upsert = self.upsert_clause(where_differs="IS NOT")
        first = int(self._first_version)
        history = self.history_insert(
            source="t", history_type=f"""CASE WHEN t."version" = {first} THEN '+' ELSE '~' END"""
        )
        return (
            f'{upsert} RETURNING {quote(meta.pk.column)}, "version"',
            f"""{history} FROM {quote(meta.db_table)} t
            WHERE t.{quote(meta.pk.column)} IN (SELECT value FROM json_each(%(pks)s))""",
        )

    def _revision_statement(self) -> str:
        """A revision row per existing record whose value the staged batch changes, read before the upsert."""
        table = quote(self.model._meta.db_table)
        return self.revision_insert(
            old="t", new="s", source=f"{table} t JOIN {STAGING} s ON {self.key_join('t', 's')}", differs="IS NOT"
        )
