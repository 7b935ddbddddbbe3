"""PostgreSQL's way of writing an import batch: COPY, one upsert, audit history in the same statement.

The runner's portable path reads the batch's existing rows, compares them in Python and
writes creates and updates through the ORM and django-simple-history, an object at a time
in Python. At a million rows that is most of an import's time. Here a batch costs three
statements whatever its size:

1. TRUNCATE a temporary staging table shaped like the model's table, and COPY the batch in;
2. INSERT ... SELECT from it ON CONFLICT on the importer's external key, updating only rows
   whose values differ (their version bumped), and, in the same statement, insert a history
   row (history_type "+" or "~", the run's user and change reason) for every row the upsert
   returned: an unchanged row returns nothing, so it gets no version bump and no history.
   Every created or changed record is still attributable in the audit history.

It is used for importers whose records are one row each, keyed by their scope's fields
and key field under a unique constraint of the model (see Importer.upsert_in_sql).

Statistics (an importer with `revisions`, trade figures) are not audited row by row: their
import run records who loaded which file. Instead of history rows, the statement writes a
revision row (old value, new value, old and new release, the run) for each existing record
whose value the batch changes, read from the rows as they were before it. The release column
is written but not compared, so a new release that repeats a figure changes nothing.
"""

import csv
import io
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.db.models.sql.query import Query

STAGING = "import_staging"
WRITTEN = "import_written"  # the pks a staged upsert wrote (imports.staged)


@dataclass(frozen=True)
class Revisions:
    """Where an importer's changed figures are recorded instead of audit history.

    `model` has a foreign key `record_field` to the imported model and the columns old_value,
    new_value, old_release, new_release, import_run and recorded_at; `value_field` is the
    figure compared, `release_field` the imported model's release (written, never compared)."""

    model: type[models.Model]
    record_field: str
    value_field: str
    release_field: str


@dataclass
class Written:
    created: int
    updated: int
    pks: list[Any]  # of the rows created or updated


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


class Upsert:
    """What the set-based writers share: the columns a batch fills, those filled for it, the key's constraint.

    Values go in by attname; fields a batch does not carry are filled as save() fills them on
    create (`filled`: attname to the name of its parameter, "now" for auto_now fields).
    """

    def __init__(
        self,
        model: type[models.Model],
        *,
        columns: list[str],
        key_fields: list[str],
        user_id: Any,
        change_reason: str,
        revisions: Revisions | None = None,
        run_id: Any = None,
    ):
        self.model = model
        self.revisions = revisions
        self.columns = columns  # the attnames every batch carries
        self.key_fields = key_fields
        meta = model._meta
        self.fields = {field.attname: field for field in meta.concrete_fields}
        unknown = [name for name in columns if name not in self.fields]
        if unknown:
            raise ImproperlyConfigured(f"{meta.label} has no fields {', '.join(unknown)}")
        self.params: dict[str, Any] = {"user_id": user_id, "reason": change_reason, "run_id": run_id}
        self.filled: dict[str, str] = {}
        for name, field in self.fields.items():
            if name in columns or field is meta.pk:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                self.filled[name] = "now"
            elif field.has_default() or field.null or field.empty_strings_allowed:
                self.filled[name] = f"default_{name}"
                self.params[f"default_{name}"] = field.get_default()
            else:
                raise ImproperlyConfigured(f"{meta.label}.{name} has no default and the import does not set it")

    def values_with(self, **extra: Any) -> dict[str, Any]:
        return {**self.params, **extra}

    def upsert_clause(self, *, where_differs: str) -> str:
        """INSERT ... SELECT from the staging table ON CONFLICT on the key, updating only rows
        whose values differ (`where_differs` is the dialect's "row values differ" operator), with
        %(name)s parameters; the dialect adds its RETURNING."""
        meta = self.model._meta
        conflict_columns, conflict_where = self.arbiter()
        written = [name for name in self.columns if name not in conflict_columns]
        compared = self.compared()
        updates = [f"{quote(name)} = EXCLUDED.{quote(name)}" for name in written]
        if "version" in self.fields:
            updates.append('"version" = t."version" + 1')
        if "updated_at" in self.fields:
            updates.append('"updated_at" = %(now)s')
        columns = self.column_list
        filled_values = "".join(f", %({param})s" for param in self.filled.values())
        # "WHERE true": without it SQLite would read ON CONFLICT as part of the SELECT's join.
        return f"""
            INSERT INTO {quote(meta.db_table)} AS t ({columns([*self.columns, *self.filled])})
            SELECT {columns(self.columns, "s.")}{filled_values}
            FROM {STAGING} s WHERE true
            ON CONFLICT ({columns(conflict_columns)}) {conflict_where}
            DO UPDATE SET {", ".join(updates)}
            WHERE ({columns(compared, "t.")}) {where_differs} ({columns(compared, "EXCLUDED.")})
        """

    def compared(self) -> list[str]:
        """The columns whose values decide whether a row changed: all it writes but the key and the release."""
        conflict_columns, _ = self.arbiter()
        unrevised = {self.revisions.release_field} if self.revisions else set()
        return [name for name in self.columns if name not in conflict_columns and name not in unrevised]

    def history_insert(self, *, source: str, history_type: str) -> str:
        """INSERT INTO the history table, its columns SELECTed from `source` (the written rows),
        the run's user, reason and time as %(name)s parameters, `history_type` an expression."""
        history = self.model.history.model
        special = {
            "history_date": "%(now)s",
            "history_change_reason": "%(reason)s",
            "history_user_id": "%(user_id)s",
            "history_type": history_type,
        }
        names = [field.attname for field in history._meta.concrete_fields if field.attname != "history_id"]
        values = []
        for name in names:
            if name in self.fields:
                values.append(f"{source}.{quote(name)}")
            elif name in special:
                values.append(special[name])
            else:
                raise ImproperlyConfigured(f"{history._meta.label}.{name} is a column the import cannot fill")
        return f"INSERT INTO {quote(history._meta.db_table)} ({self.column_list(names)}) SELECT {', '.join(values)}"

    def revision_insert(self, *, old: str, new: str, source: str, differs: str) -> str:
        """INSERT INTO the revisions table (record, old_value, new_value, old_release, new_release,
        import_run, recorded_at) a row per record whose value differs between the rows `old` and
        `new`, aliases joined in `source` (the dialect's FROM), `differs` its "values differ"."""
        revisions = self.revisions
        meta = revisions.model._meta
        record = meta.get_field(revisions.record_field).column
        names = [record, "old_value", "new_value", "old_release", "new_release", "import_run_id", "recorded_at"]
        pk = quote(self.model._meta.pk.column)
        value, release = quote(revisions.value_field), quote(revisions.release_field)
        return f"""INSERT INTO {quote(meta.db_table)} ({self.column_list(names)})
            SELECT {old}.{pk}, {old}.{value}, {new}.{value}, {old}.{release}, {new}.{release}, %(run_id)s, %(now)s
            FROM {source} WHERE {old}.{value} {differs} {new}.{value}"""

    def key_join(self, table: str, staging: str) -> str:
        """`table` and `staging` rows matched on the upsert's key columns."""
        columns, _ = self.arbiter()
        return " AND ".join(f"{table}.{quote(name)} = {staging}.{quote(name)}" for name in columns)

    def misfits(self, rows: list[dict[str, Any]]) -> list[int]:
        """Indexes of rows the database would store although the ORM refuses them (none: PostgreSQL refuses them)."""
        return []

    @staticmethod
    def column_list(names, prefix: str = "") -> str:
        return ", ".join(prefix + quote(name) for name in names)

    def arbiter(self) -> tuple[list[str], str]:
        """The columns and WHERE clause of the unique constraint on the key fields (ON CONFLICT's target)."""
        meta = self.model._meta
        for constraint in meta.constraints:
            if isinstance(constraint, models.UniqueConstraint) and set(constraint.fields) == set(self.key_fields):
                columns = [meta.get_field(name).column for name in constraint.fields]
                if constraint.condition is None:
                    return columns, ""
                # As Django writes the constraint's own index, so that PostgreSQL matches the two.
                query = Query(model=self.model, alias_cols=False)
                where = query.build_where(constraint.condition)
                sql, params = where.as_sql(query.get_compiler(connection=connection), connection)
                editor = connection.schema_editor()
                condition = sql % tuple(editor.quote_value(param) for param in params)
                return columns, "WHERE " + condition.replace("%", "%%")  # literal, not a placeholder
        raise ImproperlyConfigured(
            f"{meta.label} has no unique constraint on {', '.join(self.key_fields)} to upsert on"
        )


class PostgresUpsert(Upsert):
    """Writes batches of field values (dicts keyed by attname) for one model, within the caller's transaction.

    prepare() makes the staging table, dropped at commit. Values go to COPY as CSV,
    written by the csv module: str() of each value, None as an empty field. COPY reads an
    empty field as NULL only in nullable columns (FORCE_NOT_NULL for the others), so an
    empty string stays one except in a nullable text column, which Django avoids anyway.
    """

    def __init__(self, model: type[models.Model], **kwargs):
        super().__init__(model, **kwargs)
        columns = self.columns
        self._row = itemgetter(*columns) if len(columns) > 1 else (lambda values: (values[columns[0]],))
        not_null = [quote(name) for name in columns if not self.fields[name].null]
        force = f", FORCE_NOT_NULL ({', '.join(not_null)})" if not_null else ""
        self._copy_sql = f"COPY {STAGING} ({', '.join(map(quote, columns))}) FROM STDIN WITH (FORMAT csv{force})"
        self._copy_lines_sql = (
            f"COPY {STAGING} ({', '.join(map(quote, columns))}, _line, _outcome) FROM STDIN WITH (FORMAT csv{force})"
        )
        self._sql = self._upsert_sql()
        if self.revisions:
            pk = quote(self.model._meta.pk.column)
            self._staged_sql = self._revising_sql(
                self.upsert_clause(where_differs="IS DISTINCT FROM"),
                tail=f"""kept AS (INSERT INTO {WRITTEN} (pk) SELECT {pk} FROM written)
                SELECT count(*) FILTER (WHERE inserted), count(*) FROM written""",
            )

    def write(self, rows: list[dict[str, Any]], *, now) -> Written:
        """Create or update the rows (their keys are distinct) and their history; report what was written."""
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {STAGING}")
        self.stage(rows)
        with connection.cursor() as cursor:
            cursor.execute(self._sql, self.values_with(now=now))
            returned = cursor.fetchall()
        created = sum(1 for _, history_type in returned if history_type == "+")
        return Written(created=created, updated=len(returned) - created, pks=[pk for pk, _ in returned])

    def stage(self, rows: list[dict[str, Any]], lines: list[int] | None = None) -> None:
        """COPY rows into the staging table, beside what it holds (with their lines, for imports.staged)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        if lines is None:
            writer.writerows(map(self._row, rows))
        else:
            writer.writerows((*self._row(values), line, "ok") for values, line in zip(rows, lines, strict=True))
        buffer.seek(0)
        # wrap_database_errors: copy_expert is psycopg2's own, so its errors need Django's names.
        with connection.cursor() as cursor, connection.wrap_database_errors:
            cursor.copy_expert(self._copy_sql if lines is None else self._copy_lines_sql, buffer)

    def write_staged(self, *, now) -> tuple[int, int]:
        """Upsert every row the staging table holds (imports.staged: keys distinct, revisions kept);
        the pks of the rows written go to the temporary table WRITTEN; returns (created, updated)."""
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{WRITTEN}")
            cursor.execute(f"CREATE TEMPORARY TABLE {WRITTEN} (pk bigint) ON COMMIT DROP")
            cursor.execute(self._staged_sql, self.values_with(now=now))
            created, written = cursor.fetchone()
            # For the receivers' joins to it (autovacuum never analyses a temporary table).
            cursor.execute(f"ANALYZE {WRITTEN}")
        return created, written - created

    def prepare(self) -> None:
        """Make the staging table (outside any savepoint a batch is written in, so that it survives one's rollback)."""
        table = quote(self.model._meta.db_table)
        with connection.cursor() as cursor:
            # A run inside an outer transaction (a test, or a second run on one connection
            # before it commits) finds the last run's table still there.
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{STAGING}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGING} ON COMMIT DROP AS "
                f"SELECT {', '.join(map(quote, self.columns))} FROM {table} WITH NO DATA"
            )
            # Where imports.staged keeps each row's line and what became of it (empty for batches).
            cursor.execute(f"ALTER TABLE {STAGING} ADD COLUMN _line integer, ADD COLUMN _outcome text")

    def _upsert_sql(self) -> str:
        """The statement for every batch, with %(name)s parameters (values_with(now=...))."""
        upsert = self.upsert_clause(where_differs="IS DISTINCT FROM")
        if self.revisions:
            return self._revising_sql(upsert)
        history = self.history_insert(source="written", history_type="CASE WHEN written.inserted THEN '+' ELSE '~' END")
        return f"""
            WITH written AS ({upsert} RETURNING t.*, (t.xmax = 0) AS inserted)
            {history} FROM written
            RETURNING {quote(self.model._meta.pk.attname)}, "history_type"
        """

    def _revising_sql(self, upsert: str, *, tail: str = "") -> str:
        """The upsert with a revision row per record whose value it changed: every part of one
        statement reads the table as it was before the statement, so `old` holds the old values.
        It returns each written row's pk and history type, or whatever `tail` (CTEs, then a
        SELECT) reads from `written`."""
        revisions = self.revisions
        table, pk = quote(self.model._meta.db_table), quote(self.model._meta.pk.column)
        value, release = quote(revisions.value_field), quote(revisions.release_field)
        revised = self.revision_insert(
            old="o", new="w", source=f"written w JOIN old o ON o.{pk} = w.{pk}", differs="IS DISTINCT FROM"
        )
        return f"""
            WITH old AS (
                SELECT t.{pk}, t.{value}, t.{release} FROM {table} t JOIN {STAGING} s ON {self.key_join("t", "s")}
            ),
            written AS ({upsert} RETURNING t.{pk}, t.{value}, t.{release}, (t.xmax = 0) AS inserted),
            revised AS ({revised}){"," if tail else ""}
            {tail or f"SELECT {pk}, CASE WHEN inserted THEN '+' ELSE '~' END FROM written"}
        """
