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
from django.db import DataError, IntegrityError, connection, transaction
from django.utils import timezone

from core.csvsafe import safe_text
from imports import liveness, staged
from imports.importer import BadRows, FileRefused, Importer, Pending, RowError, RowProblem, SkipRow, Tally
from imports.models import ImportRun
from imports.orm_path import validate, validation_message, write_with_orm
from imports.seen_sql import SeenInDatabase
from imports.signals import records_imported
from imports.upsert import PostgresUpsert, Upsert
from imports.upsert_sqlite import SqliteUpsert

# The databases whose batches an importer with upsert_in_sql writes in SQL, and how.
SET_BASED: dict[str, type[Upsert]] = {"postgresql": PostgresUpsert, "sqlite": SqliteUpsert}


class ImportRunner:
    def __init__(
        self,
        importer: Importer,
        *,
        batch_size: int | None = None,
        report_path: Path | None = None,
        on_progress=None,
        skip_bad_rows: bool = False,
    ):
        self.importer = importer
        self.whole_files = importer.whole_files and not skip_bad_rows
        self.batch_size = batch_size or importer.batch_size
        self.tally = Tally()
        self.problems: list[RowProblem] = []
        self.report_path = report_path
        self.on_progress = on_progress
        # Where each key was first read: in the process on the ORM path (the XML importers'
        # files, thousands of rows), or in the database for a run that writes in SQL, so memory
        # does not grow with the file (imports.seen_sql).
        self._seen: dict[str, tuple[str, int]] = {}
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
                if self.whole_files and self.tally.rejected > snapshot[0].rejected:
                    raise self._bad_rows(path, snapshot)
        except BadRows as exc:
            read, rejected = self.tally.read, self.tally.rejected
            self.restore(snapshot, keep_problems=True)  # the rows to mend stay listed
            self.tally.read, self.tally.rejected = read, rejected
            self.refused.append(str(exc))
        except FileRefused as exc:
            self.restore(snapshot)
            self.refused.append(str(exc))

    def _bad_rows(self, path: Path, snapshot) -> BadRows:
        count = self.tally.rejected - snapshot[0].rejected
        first = self.problems[snapshot[2]] if len(self.problems) > snapshot[2] else None
        where = f"; the first, line {first.line}: {first.reason}" if first else ""
        return BadRows(
            f"{path.name}: {count:,} bad row{'s' if count != 1 else ''}{where}. None of the file was stored; "
            "mend the rows, or import it with --skip-bad-rows to store the rest"
        )

    def snapshot(self) -> tuple[Tally, Counter, int]:
        """What restore() needs to undo the counts of work a savepoint's rollback undoes."""
        return dataclasses.replace(self.tally), self.importer.extra.copy(), len(self.problems)

    def restore(self, snapshot: tuple[Tally, Counter, int], *, keep_problems: bool = False) -> None:
        tally, extra, problems = snapshot
        self.tally = dataclasses.replace(tally)
        # In place: a composite importer's formats share this Counter (trade.importers.TradeImporter).
        self.importer.extra.clear()
        self.importer.extra.update(extra)
        if not keep_problems:
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
            elif first := self._seen.get(key):
                self._reject_duplicate(path.name, line, key, first)
                continue
            else:
                self._seen[key] = (path.name, line)
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

    def change_reason(self) -> str:
        importer = self.importer
        return f"{importer.change_reason} (import run {importer.run.pk})" if importer.run else importer.change_reason

    def _flush(self, batch: list[Pending], repeats: list[tuple[int, str, int]]) -> None:
        written = self._write_in_sql(batch, repeats) if self._in_sql else write_with_orm(self, batch)
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
                change_reason=self.change_reason(),
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
            validate(self.importer.model(**values))
        except ValidationError as exc:
            self.reject(pending.file, pending.line, validation_message(exc))
            return False
        return True


def run_import(
    importer: Importer,
    paths: list[Path],
    *,
    dry_run: bool = False,
    batch_size: int | None = None,
    report_path: Path | None = None,
    run: ImportRun | None = None,
    on_progress=None,
    skip_bad_rows: bool = False,
) -> ImportRun:
    """Run an importer over files and record the run; FileRefused propagates after being recorded.

    An importer with `whole_files` refuses a file with a bad row, unless `skip_bad_rows`."""
    run = run or ImportRun.objects.create(
        importer=importer.name,
        files="\n".join(os.fspath(p) for p in paths),
        user=importer.user,
        dry_run=dry_run,
        release=getattr(importer, "release", ""),
        skip_bad_rows=skip_bad_rows,
    )
    # Marked as this process's before it says "running", so a sweep never takes it for abandoned.
    with liveness.held(run):
        return _run(run, importer, paths, dry_run, batch_size, report_path, on_progress, skip_bad_rows)


def _run(run, importer, paths, dry_run, batch_size, report_path, on_progress, skip_bad_rows) -> ImportRun:
    importer.run = run
    run.status = ImportRun.Status.RUNNING
    run.started_at = timezone.now()
    run.worker = liveness.worker_label()
    run.save(update_fields=["status", "started_at", "worker"])

    def progress(tally: Tally) -> None:
        cache.set(run.progress_cache_key, {"read": tally.read, "rejected": tally.rejected}, timeout=3600)
        if on_progress:
            on_progress(tally)

    runner = ImportRunner(
        importer, batch_size=batch_size, report_path=report_path, on_progress=progress, skip_bad_rows=skip_bad_rows
    )
    try:
        tally = runner.run(paths, dry_run=dry_run)
    except FileRefused as exc:
        _finish(run, ImportRun.Status.REFUSED, str(exc), runner, importer)
        exc.run = run  # for the caller to list what was rejected
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
