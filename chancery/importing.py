"""The machinery every importer shares: checking, streaming, batched upserts, reporting.

An importer says how to read its format and how to turn one raw record into field values;
`run_import` does the rest the same way for all of them:

1. every file is checked from end to end before anything is written (truncated XML, wrong
   encoding, a binary file, a missing header): a file that is not what it claims is refused
   and nothing changes;
2. records stream through in batches; each batch is matched on the importer's external key
   and created, updated (only the fields that differ, version bumped) or left unchanged,
   with audit history written in bulk (on PostgreSQL, importers that allow it are written
   by chancery.import_upsert: COPY and one upsert statement per batch);
3. a record that cannot be imported is rejected with its file, line and reason, and the
   rest goes on; the reasons go to the ImportRun and, in full, to an optional CSV report
   (a record the format carries but Chancery does not keep is skipped and counted instead);
4. the whole run is one transaction: a crash leaves nothing half-written, and --dry-run
   rolls it back after counting.
"""

import codecs
import csv
import datetime
import os
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from chancery.import_upsert import PostgresUpsert
from chancery.models import ImportRun
from chancery.signals import records_imported


class FileRefused(Exception):
    """The file is not what the importer reads; nothing was written."""


class RowError(Exception):
    """One record cannot be imported; the reason is shown to the user as is."""


class SkipRow(Exception):
    """One record is deliberately left out (not an error); counted under "skipped: <reason>"."""


@dataclass
class RowProblem:
    file: str
    line: int
    reason: str


@dataclass
class Tally:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    extra: Counter = field(default_factory=Counter)


@dataclass(slots=True)
class Pending:
    """A built record waiting for its batch: where it came from and the values to store."""

    file: str
    line: int
    key: str
    values: dict[str, Any]
    context: Any = None


def parse_iso_date(raw: str | None, *, what: str, required: bool = True) -> datetime.date | None:
    """A YYYY-MM-DD date, or a RowError that says which field and what was wrong."""
    raw = (raw or "").strip()
    if not raw:
        if required:
            raise RowError(f"{what} is missing")
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise RowError(f"{what} {raw!r} is not a valid date (expected YYYY-MM-DD)") from None


def check_not_binary(path: Path) -> None:
    """Refuse files that are plainly not text (NUL bytes in the first block)."""
    with open(path, "rb") as handle:
        head = handle.read(8192)
    if not head:
        raise FileRefused(f"{path.name}: the file is empty")
    if b"\x00" in head:
        raise FileRefused(f"{path.name}: this is a binary file, not text")


def check_utf8(path: Path) -> None:
    """Decode the whole file as UTF-8 in chunks, so a bad byte anywhere refuses it up front."""
    decoder_position = 0
    with open(path, "rb") as handle:
        decoder = codecs.getincrementaldecoder("utf-8")()
        while chunk := handle.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise FileRefused(
                    f"{path.name}: not valid UTF-8 near byte {decoder_position + exc.start} "
                    "(save the file as UTF-8 and try again)"
                ) from None
            decoder_position += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise FileRefused(f"{path.name}: the file ends in the middle of a UTF-8 character (truncated?)") from None


class Importer:
    """One file format. Subclasses set the class attributes and implement check/read/build."""

    name: str = ""  # ImportRun.importer, e.g. "hsg-travels"
    model: type[models.Model]
    key_field: str = "external_id"
    # Fields that fix the key's namespace, e.g. {"external_source": "hsg-travels"}.
    scope: dict[str, Any] = {}
    # Fields written when the record is created but never overwritten by a re-import
    # (a visit's status belongs to its history once it exists).
    create_only_fields: frozenset[str] = frozenset()
    change_reason = "import"
    batch_size = 1000  # records written per batch, unless the command says otherwise
    # On PostgreSQL, write batches in SQL (chancery.import_upsert) instead of through the ORM:
    # for records that are one row each, with nothing written beside them (no after_save,
    # no create_only_fields), under a unique constraint on the scope's fields and the key
    # field. Rows are not validated one by one first: build() must check its values, and
    # only if the database refuses a batch is each of its rows validated as on the ORM path.
    upsert_in_sql = False

    def __init__(self, *, user=None, run: ImportRun | None = None):
        self.user = user
        self.run = run
        self.extra = Counter()
        self.format = ""

    def check_file(self, path: Path) -> None:
        """Read the whole file without writing; raise FileRefused if it is not this format."""
        raise NotImplementedError

    def read(self, path: Path) -> Iterator[tuple[int, Any]]:
        """Yield (line number, raw record) in file order."""
        raise NotImplementedError

    def build(self, raw: Any) -> tuple[dict[str, Any], Any]:
        """Field values for one record (including key_field), and any context after_create needs."""
        raise NotImplementedError

    def after_save(
        self, created: list[tuple[models.Model, Pending]], updated: list[tuple[models.Model, Pending]]
    ) -> None:
        """Write related records (history rows, citations) for a batch just saved."""

    def existing(self, keys: Iterable[str]) -> dict[str, models.Model]:
        rows = self.model._default_manager.filter(**self.scope, **{f"{self.key_field}__in": list(keys)})
        return {getattr(row, self.key_field): row for row in rows}


class SeenKeys:
    """The keys read so far in a run, and where each was first read, in 16 bytes a key.

    A dict of key strings grew to some 300 MB over a million rows. This keeps only a 64-bit
    hash of each key (Python's string hash, salted per process) in an open-addressing table
    of two arrays, beside the key's file and line, packed in 8 bytes. Two different keys
    with the same hash would make the second look like a duplicate of the first; for n keys
    the chance that any pair collides is about n^2 / 2^65, some 3 in 100 million at a
    million keys, and the row would be rejected (never silently merged) with both lines
    named, so that a user could see the mistake.
    """

    EMPTY = 0
    LINE_BITS = 40

    def __init__(self, capacity: int = 1 << 16):
        self._files: dict[str, int] = {}
        self._names: list[str] = []
        self._hashes = array("Q", bytes(8 * capacity))
        self._places = array("Q", bytes(8 * capacity))
        self._used = 0

    def first_read(self, key: str, file: str, line: int) -> tuple[str, int] | None:
        """Record the key as read at file:line; if it was read before, where it was read first."""
        wanted = hash(key) & 0xFFFF_FFFF_FFFF_FFFF or 1  # 0 marks an empty slot
        hashes = self._hashes
        mask = len(hashes) - 1
        slot = wanted & mask
        while (found := hashes[slot]) != self.EMPTY:
            if found == wanted:
                place = self._places[slot]
                return self._names[place >> self.LINE_BITS], place & ((1 << self.LINE_BITS) - 1)
            slot = (slot + 1) & mask
        file_number = self._files.get(file)
        if file_number is None:
            file_number = self._files[file] = len(self._names)
            self._names.append(file)
        hashes[slot] = wanted
        self._places[slot] = file_number << self.LINE_BITS | line
        self._used += 1
        if self._used * 2 > len(hashes):  # kept at most half full, so probes stay short
            self._grow()
        return None

    def _grow(self) -> None:
        old_hashes, old_places = self._hashes, self._places
        capacity = 2 * len(old_hashes)
        self._hashes = hashes = array("Q", bytes(8 * capacity))
        self._places = places = array("Q", bytes(8 * capacity))
        mask = capacity - 1
        for wanted, place in zip(old_hashes, old_places):
            if wanted != self.EMPTY:
                slot = wanted & mask
                while hashes[slot] != self.EMPTY:
                    slot = (slot + 1) & mask
                hashes[slot] = wanted
                places[slot] = place


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
        self._seen = SeenKeys()
        self._in_sql = False
        self._upsert: PostgresUpsert | None = None
        self._report_file = None
        self._report = None

    def reject(self, file: str, line: int, reason: str) -> None:
        self.tally.rejected += 1
        problem = RowProblem(file, line, reason)
        if len(self.problems) < ImportRun.MAX_STORED_ERRORS:
            self.problems.append(problem)
        if self._report:
            self._report.writerow([file, line, reason])

    def run(self, paths: list[Path], *, dry_run: bool = False) -> Tally:
        for path in paths:
            if not path.is_file():
                raise FileRefused(f"{path}: no such file")
            self.importer.check_file(path)
        if self.report_path:
            self._report_file = open(self.report_path, "w", newline="", encoding="utf-8")
            self._report = csv.writer(self._report_file)
            self._report.writerow(["file", "line", "reason"])
        self._in_sql = self.importer.upsert_in_sql and connection.vendor == "postgresql"
        try:
            with transaction.atomic():
                for path in paths:
                    self._import_file(path)
                if dry_run:
                    transaction.set_rollback(True)
        finally:
            if self._report_file:
                self._report_file.close()
        self.tally.extra = self.importer.extra
        return self.tally

    def _import_file(self, path: Path) -> None:
        batch: list[Pending] = []
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
            if first := self._seen.first_read(key, path.name, line):
                self.reject(path.name, line, f"duplicate id {key!r}: already read at {first[0]} line {first[1]}")
                continue
            batch.append(Pending(path.name, line, key, values, context))
            if len(batch) >= self.batch_size:
                self._flush(batch)
                batch = []
        if batch:
            self._flush(batch)

    def _change_reason(self) -> str:
        importer = self.importer
        return f"{importer.change_reason} (import run {importer.run.pk})" if importer.run else importer.change_reason

    def _flush(self, batch: list[Pending]) -> None:
        written = self._write_in_sql(batch) if self._in_sql else self._write_with_orm(batch)
        if written:
            records_imported.send(sender=self.importer.model, pks=written)
        if self.on_progress:
            self.on_progress(self.tally)

    def _write_in_sql(self, batch: list[Pending]) -> list[Any]:
        """The batch through PostgresUpsert; returns the pks of the rows created or updated."""
        scope = self.importer.scope
        rows = [{**scope, **pending.values} for pending in batch]
        if self._upsert is None:  # here, not in run(): an importer's scope may depend on the file being read
            self._upsert = PostgresUpsert(
                self.importer.model,
                columns=list(rows[0]),
                key_fields=[*scope, self.importer.key_field],
                user_id=self.importer.user.pk if self.importer.user else None,
                change_reason=self._change_reason(),
            )
            self._upsert.prepare()
        now = timezone.now()
        try:
            with transaction.atomic():  # a savepoint: a refused batch is undone alone
                written = self._upsert.write(rows, now=now)
        except (DataError, IntegrityError):
            # Some value does not fit: find the rows to blame as the ORM path would, reject
            # them and write the rest. If no row is to blame, the error is the run's.
            valid = [values for values, pending in zip(rows, batch) if self._valid(values, pending)]
            if len(valid) == len(rows):
                raise
            rows = valid
            written = self._upsert.write(rows, now=now)
        self.tally.created += written.created
        self.tally.updated += written.updated
        self.tally.unchanged += len(rows) - written.created - written.updated
        return written.pks

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
            to_create = list(zip(created, (p for _, p in to_create)))
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
