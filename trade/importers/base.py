"""What the trade file formats share: CSV checks and streaming, values, years, flows, sources."""

import csv
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection

from core.values import validate_amount
from directory.models import Organisation, Source
from imports.importer import FileRefused, Importer, RowError, check_not_binary, check_utf8
from imports.staged import StagedFormat
from imports.upsert import Revisions
from trade.importers.codes import CountryCodes
from trade.models import FlowRevision, TradeFlow

CENT = Decimal("0.01")
VALUE_LIMIT = Decimal(10) ** 18  # value_usd has 20 digits, 2 of them after the point
FIRST_YEAR, LAST_YEAR = 1800, 2200  # as TradeFlow's tradeflow_year_plausible constraint

Flow = TradeFlow.Flow
# Names and codes of flows as the formats write them, lower-cased without spaces or hyphens.
FLOWS = {
    "export": Flow.EXPORT,
    "x": Flow.EXPORT,
    "import": Flow.IMPORT,
    "m": Flow.IMPORT,
    "reexport": Flow.RE_EXPORT,
    "rx": Flow.RE_EXPORT,
    "reimport": Flow.RE_IMPORT,
    "rm": Flow.RE_IMPORT,
}
# Comtrade's flow codes, used in external keys.
FLOW_CODES = {Flow.EXPORT: "X", Flow.IMPORT: "M", Flow.RE_EXPORT: "RX", Flow.RE_IMPORT: "RM"}

# The dataset each figure cites, and who publishes it; created on first import.
SOURCES = {
    "comtrade": {
        "external_id": "dataset:un-comtrade",
        "title": "UN Comtrade",
        "url": "https://comtradeplus.un.org/",
        "outlet": {
            "name": "United Nations Statistics Division",
            "abbreviation": "UNSD",
            "kind": Organisation.Kind.STATISTICS_OFFICE,
            "url": "https://unstats.un.org/",
        },
    },
    "imf-dots": {
        "external_id": "dataset:imf-dots",
        "title": "IMF Direction of Trade Statistics",
        "url": "https://data.imf.org/",
        "outlet": {
            "name": "International Monetary Fund",
            "abbreviation": "IMF",
            "kind": Organisation.Kind.BLOC,
            "url": "https://www.imf.org/",
        },
    },
}


def open_csv(path: Path):
    # utf-8-sig: files saved by Excel start with a byte-order mark, which is not part of the header.
    return open(path, newline="", encoding="utf-8-sig")


def read_header(path: Path, *, checked: bool = False) -> list[str]:
    """The column names of a CSV file, after refusing binary, non-UTF-8 and empty files (unless `checked` already)."""
    if not checked:
        check_not_binary(path)
        check_utf8(path)
    with open_csv(path) as handle:
        reader = csv.reader(handle)
        try:
            for row in reader:
                if any(cell.strip() for cell in row):
                    return [cell.strip() for cell in row]
        except csv.Error as exc:
            raise FileRefused(f"{path.name} line {reader.line_num}: not a readable CSV file ({exc})") from None
    raise FileRefused(f"{path.name}: the file has no header line")


def check_rows(path: Path, width: int) -> None:
    """Stream through the whole file once: every row must have as many fields as the header.

    A row with fewer or more fields is a file cut off mid-row or one whose quoting is broken
    (an unquoted "China, Hong Kong SAR" shifts every later column), so the whole file is
    refused rather than read into the wrong columns. So is a file whose last line has no line
    ending: cut off inside its last field, it would still have the right number of fields.
    """
    check_fields(path, width)
    check_ending(path)


def check_fields(path: Path, width: int) -> None:
    with open_csv(path) as handle:
        reader = csv.reader(handle)
        try:
            for row in reader:
                if row and len(row) != width:
                    raise FileRefused(
                        f"{path.name} line {reader.line_num}: {len(row)} fields where the header has {width} "
                        "(the file is truncated or its quoting is broken)"
                    )
        except csv.Error as exc:
            raise FileRefused(f"{path.name} line {reader.line_num}: not a readable CSV file ({exc})") from None


def check_ending(path: Path) -> None:
    with open(path, "rb") as handle:
        handle.seek(-1, 2)
        if handle.read(1) not in (b"\n", b"\r"):
            raise FileRefused(
                f"{path.name}: the last line has no line ending, so the file looks truncated "
                "(if it is complete, end it with a newline)"
            )


def parse_value(raw: str) -> Decimal:
    """A trade value in US dollars, to the cent."""
    raw = raw.strip()
    if not raw:
        raise RowError("trade value is missing")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise RowError(f"trade value {raw!r} is not a number")
    if value < 0:
        raise RowError(f"negative trade value {raw}")
    if value >= VALUE_LIMIT:
        raise RowError(f"trade value {raw} is too large")
    return within_rule(value.quantize(CENT, rounding=ROUND_HALF_UP), f"trade value {raw}")


def within_rule(value: Decimal, what: str) -> Decimal:
    """The value, if the model's amount rule (core.values) allows it: refused here, on every path
    and database alike, rather than by whichever of them validates the model."""
    try:
        validate_amount(value)
    except ValidationError as exc:
        raise RowError(f"{what}: {exc.messages[0]}") from None
    return value


def parse_year(raw: str, *, what: str = "year") -> int:
    raw = raw.strip()
    if not raw.isdigit():
        raise RowError(f"{what} {raw!r} is not a year")
    year = int(raw)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise RowError(f"{what} {year} is outside {FIRST_YEAR}-{LAST_YEAR}")
    return year


def parse_flow(raw: str) -> str:
    flow = FLOWS.get(raw.strip().lower().replace("-", "").replace(" ", ""))
    if flow is None:
        raise RowError(f"unknown trade flow {raw.strip()!r} (expected Export, Import, Re-export or Re-import)")
    return flow


class TradeFileImporter(Importer):
    """What every trade format shares, CSV or workbook: the dataset's Source and the values of one figure."""

    name = "trade"
    model = TradeFlow
    key_field = "external_key"
    # A figure is one row with nothing beside it, and figure() checks the rules across its
    # fields, so on PostgreSQL batches go through one upsert each (imports.upsert).
    upsert_in_sql = True
    # A file of figures is one release's: stored whole or, with a bad row, not at all (--skip-bad-rows).
    whole_files = True
    # Figures are statistics: the run records who loaded which file; a figure a later release
    # changes gets a FlowRevision, not an audit-history row (README, "What is audited").
    revisions = Revisions(FlowRevision, record_field="flow", value_field="value_usd", release_field="release")
    batch_size = 10_000
    format_name: str  # ImportRun.format, e.g. "comtrade-api"
    description: str  # for messages, e.g. "a UN Comtrade API CSV"

    def __init__(self, *, countries: CountryCodes | None = None, release: str = "", **kwargs):
        super().__init__(**kwargs)
        self.countries = countries or CountryCodes()
        self.release = release  # the dataset's release the files are from (import_trade --release)
        self._source: Source | None = None

    def forget_rolled_back(self) -> None:
        self._source = None

    @property
    def source(self) -> Source:
        """The dataset's Source, created on first use (inside the run, so a dry run leaves none)."""
        if self._source is None:
            values = dict(SOURCES[self.scope["dataset"]])
            outlet_values = dict(values.pop("outlet"))
            outlet, _ = Organisation.objects.get_or_create(
                name=outlet_values.pop("name"), country=None, defaults=outlet_values
            )
            self._source, _ = Source.objects.get_or_create(
                external_id=values.pop("external_id"),
                defaults={**values, "kind": Source.Kind.DATASET, "outlet": outlet, "language": "en"},
            )
        return self._source

    def figure(
        self,
        *,
        key: str,
        reporter: str,
        partner: str,
        year: int,
        month: int | None,
        flow: str,
        commodity: str,
        value: Decimal,
        valuation: str = "",
        estimated: bool = False,
    ) -> tuple[dict[str, Any], None]:
        """The values build() returns for one figure, of the release the run was told (files do not say it).

        `valuation` is TradeFlow.Valuation (FOB, CIF) where the format says it, and `estimated`
        the publisher's own estimate mark; both travel with the figure to every page and answer.
        """
        if reporter == partner:
            raise RowError(f"reporter and partner are the same country ({reporter})")
        return {
            "external_key": key,
            "reporter_id": reporter,
            "partner_id": partner,
            "year": year,
            "month": month,
            "flow": flow,
            "commodity_code": commodity,
            "value_usd": value,
            "valuation": valuation,
            "estimated": estimated,
            "source_id": self.source.pk,
            "release": self.release,
        }, None


class TradeCsvImporter(TradeFileImporter):
    """One CSV format of trade figures; subclasses say which columns it has and build a figure."""

    # Columns that tell the format apart from the others.
    marker_columns: frozenset[str]
    # Columns a row needs; a tuple means any one of them.
    required_columns: tuple[str | tuple[str, ...], ...]

    @classmethod
    def reads(cls, header: list[str]) -> bool:
        return cls.marker_columns <= set(header)

    def check_file(self, path: Path) -> None:
        header = read_header(path)
        if not self.reads(header):
            raise FileRefused(
                f"{path.name}: not {self.description} (expected columns {', '.join(sorted(self.marker_columns))})"
            )
        self.check_columns_and_rows(path, header)

    def check_columns_and_rows(self, path: Path, header: list[str]) -> None:
        """The rest of check_file, once the header has shown the file is in this format."""
        columns = set(header)
        missing = [
            " or ".join(names) if isinstance(names, tuple) else names
            for names in self.required_columns
            if not columns.intersection(names if isinstance(names, tuple) else (names,))
        ]
        if missing:
            raise FileRefused(f"{path.name}: looks like {self.description} but has no column {', '.join(missing)}")
        if isinstance(self, StagedFormat) and connection.vendor == "postgresql":
            try:
                check_ending(path)  # COPY checks every row's fields as it reads (imports.staged)
            except FileRefused:
                check_fields(path, len(header))  # a row cut short, if any, is what to say first
                raise
        else:
            check_rows(path, len(header))
        self.format = self.format_name

    # What imports.staged needs of a CSV format that reads its files in SQL (StagedFormat).
    def header_of(self, path: Path) -> list[str]:
        return read_header(path, checked=True)

    def check_rows(self, path: Path) -> None:
        check_rows(path, len(read_header(path, checked=True)))

    def read(self, path: Path) -> Iterator[tuple[int, dict[str, str]]]:
        """Rows as {column: text}, numbered by the physical line they end on."""
        with open_csv(path) as handle:
            reader = csv.reader(handle)
            header = None
            for row in reader:
                if not row:
                    continue
                if header is None:
                    header = [cell.strip() for cell in row]
                elif len(row) != len(header):  # the file changed since check_file
                    raise FileRefused(
                        f"{path.name} line {reader.line_num}: {len(row)} fields where the header has {len(header)}"
                    )
                else:
                    yield reader.line_num, dict(zip(header, row, strict=False))
