"""The machinery every importer shares: checking, streaming, batched upserts, reporting.

An importer says how to read its format and how to turn one raw record into field values;
`run_import` does the rest the same way for all of them:

1. every file is checked from end to end before anything is written (truncated XML, wrong
   encoding, a binary file, a missing header): a file that is not what it claims is refused
   and nothing changes;
2. records stream through in batches; each batch is matched on the importer's external key
   and created, updated (only the fields that differ, version bumped) or left unchanged,
   with audit history written in bulk (on PostgreSQL, importers that allow it are written
   by imports.upsert: COPY and one upsert statement per batch);
3. a record that cannot be imported is rejected with its file, line and reason, and the
   rest goes on; the reasons go to the ImportRun and, in full, to an optional CSV report
   (a record the format carries but Chancery does not keep is skipped and counted instead);
4. the whole run is one transaction: a crash leaves nothing half-written, and --dry-run
   rolls it back after counting.
"""

import csv
import dataclasses
import os
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import DataError, IntegrityError, connection, models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.csvsafe import safe_text
from imports import staged
from imports.importer import FileRefused, Importer, Pending, RowError, RowProblem, SkipRow, Tally
from imports.models import ImportRun
from imports.seen_keys import SeenKeys
from imports.seen_sql import SeenInDatabase
from imports.signals import records_imported
from imports.upsert import PostgresUpsert, Upsert
from imports.upsert_sqlite import SqliteUpsert

# The databases whose batches an importer with upsert_in_sql writes in SQL, and how.
SET_BASED: dict[str, type[Upsert]] = {"postgresql": PostgresUpsert, "sqlite": SqliteUpsert}


class ImportRunner:
    def __init__(
        self, importer: Importer, *, batch_size: int | None = None, report_path: Path | None = None, on_progress=None
    ):
        self.importer = importer
        self.batch_size = batch_size or importer.batch_size
        self.tally = Tally()
        self.problems: list[RowProblem] = []
        self.report_path = report_path
        self.on_progress = on_progress
        # Where each key was first read: in the process (ORM path), or in the database for a
        # run that writes in SQL, so memory does not grow with the file (imports.seen_sql).
        self._seen = SeenKeys()
        self.seen_in_db: SeenInDatabase | None = None
        self.refused: list[str] = []  # a reason per file left out, starting with the file's name
        self._in_sql = False
        self._upsert: Upsert | None = None
        self._report_file = None
        self._report = None

    def reject(self, file: str, line: int, reason: str) -> None:
        self.tally.rejected += 1
        problem = RowProblem(file, line, reason)
        if len(self.problems) < ImportRun.MAX_STORED_ERRORS:
            self.problems.append(problem)
        if self._report:
            # A file's name and a reason quote what the file holds: text cells, by core.csvsafe's rule.
            self._report.writerow([safe_text(file), line, safe_text(reason)])

    def run(self, paths: list[Path], *, dry_run: bool = False) -> Tally:
        """Import the files; a file refused is left out whole and the others go on.

        If every file is refused, FileRefused is raised (with each file's reason) and nothing
        is written; otherwise the refusals are in `refused` and the run succeeds for the rest.
        """
        accepted = []
        for path in paths:
            try:
                if not path.is_file():
                    raise FileRefused(f"{path}: no such file")
                self.importer.check_file(path)
            except FileRefused as exc:
                self.refused.append(str(exc))
                continue
            accepted.append(path)
        if not accepted:
            raise FileRefused("; ".join(self.refused))
        if self.report_path:
            self._report_file = open(self.report_path, "w", newline="", encoding="utf-8")
            self._report = csv.writer(self._report_file)
            self._report.writerow(["file", "line", "reason"])
        self._in_sql = self.importer.upsert_in_sql and connection.vendor in SET_BASED
        try:
            with transaction.atomic():
                if self._in_sql:
                    self.seen_in_db = SeenInDatabase()
                    self.seen_in_db.prepare()
                for number, path in enumerate(accepted, start=1):
                    self._import_file_or_refuse(path, last=number == len(accepted))
                if len(self.refused) == len(paths):
                    raise FileRefused("; ".join(self.refused))
                if dry_run:
                    transaction.set_rollback(True)
        finally:
            if self._report_file:
                self._report_file.close()
        self.tally.extra = self.importer.extra
        return self.tally

    def _import_file_or_refuse(self, path: Path, *, last: bool) -> None:
        """The file in a savepoint of its own: refused while it is read, none of it stays, counts included."""
        snapshot = self.snapshot()
        try:
            with transaction.atomic():
                if not (self._in_sql and staged.import_file(self, path, last=last)):
                    self._import_file(path)
        except FileRefused as exc:
            self.restore(snapshot)
            self.refused.append(str(exc))

    def snapshot(self) -> tuple[Tally, Counter, int]:
        """What restore() needs to undo the counts of work a savepoint's rollback undoes."""
        return dataclasses.replace(self.tally), self.importer.extra.copy(), len(self.problems)

    def restore(self, snapshot: tuple[Tally, Counter, int]) -> None:
        tally, extra, problems = snapshot
        self.tally = tally
        # In place: a composite importer's formats share this Counter (trade.importers.TradeImporter).
        self.importer.extra.clear()
        self.importer.extra.update(extra)
        del self.problems[problems:]
        self._upsert = None  # its staging table may have gone with the savepoint
        self.importer.forget_rolled_back()  # and so did what the importer created in it

    def _import_file(self, path: Path) -> None:
        batch: list[Pending] = []
        # With the run's keys in the database, the batch's own are noted here (a line per key, in
        # this file; `repeats` the later lines) and all are checked when the batch is written.
        batch_lines: dict[str, int] = {}
        repeats: list[tuple[int, str, int]] = []
        for line, raw in self.importer.read(path):
            self.tally.read += 1
            try:
                values, context = self.importer.build(raw)
            except RowError as exc:
                self.reject(path.name, line, str(exc))
                continue
            except SkipRow as exc:
                self.importer.extra[f"skipped: {exc}"] += 1
                continue
            key = str(values[self.importer.key_field])
            if self._in_sql:
                if key in batch_lines:
                    repeats.append((line, key, batch_lines[key]))
                    continue
                batch_lines[key] = line
            elif first := self._seen.first_read(key, path.name, line):
                self._reject_duplicate(path.name, line, key, first)
                continue
            batch.append(Pending(path.name, line, key, values, context))
            if len(batch) >= self.batch_size:
                self._flush(batch, repeats)
                batch, batch_lines, repeats = [], {}, []
        if batch:
            self._flush(batch, repeats)

    def _reject_duplicate(self, file: str, line: int, key: str, first: tuple[str, int]) -> None:
        self.reject(file, line, self.duplicate_reason(key, first))

    @staticmethod
    def duplicate_reason(key: str, first: tuple[str, int]) -> str:
        return f"duplicate id {key!r}: already read at {first[0]} line {first[1]}"

    def _change_reason(self) -> str:
        importer = self.importer
        return f"{importer.change_reason} (import run {importer.run.pk})" if importer.run else importer.change_reason

    def _flush(self, batch: list[Pending], repeats: list[tuple[int, str, int]]) -> None:
        written = self._write_in_sql(batch, repeats) if self._in_sql else self._write_with_orm(batch)
        if written:
            records_imported.send(sender=self.importer.model, pks=written)
        if self.on_progress:
            self.on_progress(self.tally)

    def _write_in_sql(self, batch: list[Pending], repeats: list[tuple[int, str, int]]) -> list[Any]:
        """The batch through the database's set-based upsert (SET_BASED); returns the pks of the rows created or updated.

        A key read before this batch is a duplicate, and so is a key repeated inside it (`repeats`:
        line, key, the batch's first line of it), which cites the first read of the run, as the
        ORM path and imports.staged do."""
        file = batch[0].file
        firsts = self.seen_in_db.first_reads(batch)
        earlier = {pending.key: first for pending, first in zip(batch, firsts, strict=True) if first}
        duplicates = [(pending.line, pending.key, earlier[pending.key]) for pending in batch if pending.key in earlier]
        duplicates += [(line, key, earlier.get(key, (file, first))) for line, key, first in repeats]
        for line, key, first in sorted(duplicates):
            self._reject_duplicate(file, line, key, first)
        batch = [pending for pending in batch if pending.key not in earlier]
        if not batch:
            return []
        rows = [{**self.importer.scope, **pending.values} for pending in batch]
        self.upsert_for(list(rows[0]))
        now = timezone.now()
        if overlong := set(self._upsert.misfits(rows)):
            # What PostgreSQL refuses by itself below, SQLite would store: validate those rows now.
            kept = [
                (values, pending)
                for index, (values, pending) in enumerate(zip(rows, batch, strict=False))
                if index not in overlong or self._valid(values, pending)
            ]
            rows, batch = [values for values, _ in kept], [pending for _, pending in kept]
            if not rows:
                return []
        try:
            with transaction.atomic():  # a savepoint: a refused batch is undone alone
                written = self._upsert.write(rows, now=now)
        except (DataError, IntegrityError):
            # Some value does not fit: find the rows to blame as the ORM path would, reject
            # them and write the rest. If no row is to blame, the error is the run's.
            valid = [values for values, pending in zip(rows, batch, strict=False) if self._valid(values, pending)]
            if len(valid) == len(rows):
                raise
            rows = valid
            written = self._upsert.write(rows, now=now)
        self.tally.created += written.created
        self.tally.updated += written.updated
        self.tally.unchanged += len(rows) - written.created - written.updated
        return written.pks

    def upsert_for(self, columns: list[str]) -> Upsert:
        """The run's set-based writer, made on first use (not in run(): an importer's scope may
        depend on the file being read); every batch of a run fills the same columns."""
        if self._upsert is None:
            self._upsert = SET_BASED[connection.vendor](
                self.importer.model,
                columns=columns,
                key_fields=[*self.importer.scope, self.importer.key_field],
                user_id=self.importer.user.pk if self.importer.user else None,
                change_reason=self._change_reason(),
                revisions=self.importer.revisions,
                run_id=self.importer.run.pk if self.importer.run else None,
            )
            self._upsert.prepare()
        elif set(columns) != set(self._upsert.columns):
            raise ImproperlyConfigured(
                f"{self.importer.name}: batches fill {columns}, earlier ones {self._upsert.columns}"
            )
        return self._upsert

    def _valid(self, values: dict[str, Any], pending: Pending) -> bool:
        try:
            _validate(self.importer.model(**values))
        except ValidationError as exc:
            self.reject(pending.file, pending.line, _validation_message(exc))
            return False
        return True

    def _write_with_orm(self, batch: list[Pending]) -> list[Any]:
        """The batch through the ORM and simple_history; returns the pks of the rows created or updated."""
        importer = self.importer
        model = importer.model
        existing = importer.existing(p.key for p in batch)
        to_create: list[tuple[models.Model, Pending]] = []
        to_update: list[tuple[models.Model, Pending]] = []
        changed_fields: set[str] = set()
        for pending in batch:
            values = {**importer.scope, **pending.values}
            current = existing.get(pending.key)
            if current is None:
                obj = model(**values)
                try:
                    _validate(obj)
                except ValidationError as exc:
                    self.reject(pending.file, pending.line, _validation_message(exc))
                    continue
                to_create.append((obj, pending))
                continue
            differing = {
                name: value
                for name, value in values.items()
                if name not in importer.create_only_fields and _differs(getattr(current, name), value)
            }
            if not differing:
                self.tally.unchanged += 1
                continue
            for name, value in differing.items():
                setattr(current, name, value)
            try:
                _validate(current)
            except ValidationError as exc:
                current.refresh_from_db()
                self.reject(pending.file, pending.line, _validation_message(exc))
                continue
            if hasattr(current, "version"):
                current.version += 1
                differing["version"] = current.version
            if hasattr(current, "updated_at"):
                current.updated_at = timezone.now()
                differing["updated_at"] = current.updated_at
            changed_fields |= differing.keys()
            to_update.append((current, pending))

        reason = self._change_reason()
        if to_create:
            created = bulk_create_with_history(
                [obj for obj, _ in to_create],
                model,
                batch_size=self.batch_size,
                default_user=importer.user,
                default_change_reason=reason,
            )
            to_create = list(zip(created, (p for _, p in to_create), strict=False))
            self.tally.created += len(to_create)
        if to_update:
            bulk_update_with_history(
                [obj for obj, _ in to_update],
                model,
                sorted(changed_fields),
                batch_size=self.batch_size,
                default_user=importer.user,
                default_change_reason=reason,
            )
            self.tally.updated += len(to_update)
        importer.after_save(to_create, to_update)
        return [obj.pk for obj, _ in to_create + to_update]


def _validate(obj: models.Model) -> None:
    """Field and model validation without a query per foreign key.

    Importers map codes to rows they have already looked up, so re-checking each foreign key
    against the database would only multiply the queries by the batch size.
    """
    foreign_keys = [f.name for f in obj._meta.concrete_fields if f.is_relation]
    obj.clean_fields(exclude=foreign_keys)
    obj.clean()


def _differs(current: Any, new: Any) -> bool:
    return current != new


def _validation_message(exc: ValidationError) -> str:
    message_dict = getattr(exc, "message_dict", None)
    if message_dict:
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in message_dict.items())
    return " ".join(getattr(exc, "messages", [str(exc)]))


def run_import(
    importer: Importer,
    paths: list[Path],
    *,
    dry_run: bool = False,
    batch_size: int | None = None,
    report_path: Path | None = None,
    run: ImportRun | None = None,
    on_progress=None,
) -> ImportRun:
    """Run an importer over files and record the run; FileRefused propagates after being recorded."""
    run = run or ImportRun.objects.create(
        importer=importer.name, files="\n".join(os.fspath(p) for p in paths), user=importer.user, dry_run=dry_run
    )
    importer.run = run
    run.status = ImportRun.Status.RUNNING
    run.started_at = timezone.now()
    run.save(update_fields=["status", "started_at"])

    def progress(tally: Tally) -> None:
        cache.set(run.progress_cache_key, {"read": tally.read, "rejected": tally.rejected}, timeout=3600)
        if on_progress:
            on_progress(tally)

    runner = ImportRunner(importer, batch_size=batch_size, report_path=report_path, on_progress=progress)
    try:
        tally = runner.run(paths, dry_run=dry_run)
    except FileRefused as exc:
        _finish(run, ImportRun.Status.REFUSED, str(exc), runner, importer)
        raise
    except Exception as exc:
        _finish(run, ImportRun.Status.FAILED, f"{type(exc).__name__}: {exc}", runner, importer)
        raise
    message = "Dry run: counted, then rolled back; nothing was saved." if dry_run else ""
    if runner.refused:
        message = " ".join([f"Refused, nothing of it imported: {'; '.join(runner.refused)}.", message]).strip()
    run.refused = runner.refused  # for the caller to report; the message keeps them
    _finish(run, ImportRun.Status.SUCCEEDED, message, runner, importer, tally)
    return run


def _finish(
    run: ImportRun, status: str, message: str, runner: ImportRunner, importer: Importer, tally: Tally | None = None
) -> None:
    # A refused or failed run rolled back: it read rows but saved none of them.
    tally = tally or Tally(read=runner.tally.read, rejected=runner.tally.rejected)
    run.status = status
    run.message = message
    run.format = importer.format or run.format
    run.finished_at = timezone.now()
    run.rows_read = tally.read
    run.created = tally.created
    run.updated = tally.updated
    run.unchanged = tally.unchanged
    run.rejected = tally.rejected
    run.extra_counts = dict(importer.extra) if status == ImportRun.Status.SUCCEEDED else {}
    run.errors = [problem.__dict__ for problem in runner.problems]
    run.save()
