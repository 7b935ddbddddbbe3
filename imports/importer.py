"""What an importer is: the base class a format importer subclasses, and the file checks and
row outcomes (refused, rejected, skipped) it reports with."""

import codecs
import datetime
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models

from imports.models import ImportRun
from imports.upsert import Revisions


class FileRefused(Exception):
    """The file is not what the importer reads; nothing was written."""


class BadRows(FileRefused):
    """The file has rows the importer rejected, and the run keeps files whole (Importer.whole_files):
    none of it is stored; the rows stay listed, with their reasons, for the user to mend."""


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
    # Write batches in SQL (imports.upsert on PostgreSQL, imports.upsert_sqlite on SQLite)
    # instead of through the ORM:
    # for records that are one row each, with nothing written beside them (no after_save,
    # no create_only_fields), under a unique constraint on the scope's fields and the key
    # field. Rows are not validated one by one first: build() must check its values, and
    # only if the database refuses a batch is each of its rows validated as on the ORM path.
    upsert_in_sql = False
    # Refuse a file with any rejected row, listing the rows, unless the run is told to skip bad
    # rows (import_trade --skip-bad-rows): a release is loaded whole or not at all.
    whole_files = False
    # With upsert_in_sql, for statistics: a revision row per record whose value a batch changes,
    # and no audit-history rows for what the import writes (imports.upsert.Revisions).
    revisions: Revisions | None = None

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

    def staged_format(self, path: Path):
        """The importer that reads `path` in SQL (an imports.staged.StagedFormat, this one or a
        format it delegates to), or None for the row path."""
        return None

    def forget_rolled_back(self) -> None:
        """A file was refused while it was read and its savepoint rolled back: forget any row
        this importer created and keeps for later files (a dataset's Source, say)."""

    def existing(self, keys: Iterable[str]) -> dict[str, models.Model]:
        rows = self.model._default_manager.filter(**self.scope, **{f"{self.key_field}__in": list(keys)})
        return {getattr(row, self.key_field): row for row in rows}
