"""IMF Direction of Trade Statistics workbooks (xlsx, one per reporter): dataset "imf-dots".

Layout (data/imf-dots/SOURCE.md): sheets `Exports, FOB` and `Imports, CIF`; the reporter's
IMF name in B4, the unit in B5 ("US Dollars, Millions"), row 7 a header of years (only those
with data, so columns are found by their header), then a row per partner: its name in
column B, a value under each year. A value is a number, or text ending in " e" (an IMF
estimate, e.g. "2,528.04 e"); an empty cell is no figure. Figures are stored in US dollars to
the cent, with their valuation (exports FOB, imports CIF) and estimate mark, under the key the
IMF CSV importer gives them ('A/2016/TJK/RUS/TXG_FOB_USD'), so a figure read from either is
one record.

What is refused, what is rejected (imports.runner leaves a refused file out whole, nothing
of it stored, and imports the command's other files):

- check_file refuses a file that is not a safe, intact xlsx (trade.importers.xlsx), a sheet
  declaring more rows or columns than MAX_ROWS / MAX_COLUMNS, a workbook that is not a DOTS
  workbook (no such sheets, no unit in B5), and a DOTS workbook whose structure cannot be
  read safely (a sheet whose year header is not in row 7, a header cell that is not a year,
  no reporter in B4 or another in each sheet, a reporter the crosswalk does not know), each
  with its file, sheet and cell: "DOTS_192.xlsx, sheet 'Exports, FOB', cell B7: ...";
- a cell that cannot be a figure is rejected with its sheet and cell (text other than a
  number with an " e" mark, a negative value, a year outside 1900-2100, an unknown partner);
- aggregates (trade.importers.imf_names: World as reporter, regions, "not specified" areas)
  are skipped and counted, as is a partner row the IMF repeats with the same figures (every
  sheet lists Australia first, then again in its place) and a workbook whose parts are the
  same as those of one read before in the run (the published set has Nicaragua twice).
"""

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from imports.importer import FileRefused, RowError, SkipRow
from trade.importers.base import CENT, VALUE_LIMIT, TradeFileImporter, within_rule
from trade.importers.codes import NOT_A_COUNTRY
from trade.importers.imf import imf_key
from trade.importers.imf_names import IMF_AGGREGATES, IMF_NAMES, WORLD, normalise
from trade.importers.xlsx import check_zip, content_identity, sheet_dimension
from trade.models import TOTAL, TradeFlow

# sheet -> (flow, valuation, the IMF indicator the key names)
SHEETS = {
    "Exports, FOB": (TradeFlow.Flow.EXPORT, TradeFlow.Valuation.FOB, "TXG_FOB_USD"),
    "Imports, CIF": (TradeFlow.Flow.IMPORT, TradeFlow.Valuation.CIF, "TMG_CIF_USD"),
}
UNIT = "US Dollars, Millions"
MILLION = Decimal(1_000_000)
REPORTER_ROW, UNIT_ROW, HEADER_ROW = 4, 5, 7
PARTNER_COLUMN = 2  # B
FIRST_YEAR, LAST_YEAR = 1900, 2100
# A DOTS sheet has some 250 partners and at most a column a year: far below these.
MAX_ROWS = 2_000
MAX_COLUMNS = 256
ESTIMATE = re.compile(r"(-?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)? e")
YEAR_TEXT = re.compile(r"\d{4}")
REPEATED = "partner row repeated with the same figures"


@dataclass(slots=True)
class Sheet:
    title: str
    flow: str
    valuation: str
    indicator: str
    # column number -> year, or the reason its values are rejected
    years: dict[int, int | str] = field(default_factory=dict)


@dataclass
class Plan:
    """What check_file found in one workbook, for read() to follow."""

    reporter: str | None = None  # alpha-3, or None for an aggregate
    sheets: list[Sheet] = field(default_factory=list)
    repeats: str = ""  # the earlier file of the run with the same parts


def coordinate(column: int, row: int) -> str:
    return f"{get_column_letter(column)}{row}"


def millions(raw) -> tuple[Decimal, bool]:
    """(US dollars to the cent, estimated) from a cell holding USD millions."""
    estimated = False
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise RowError(f"{raw!r} is not a number")
    if isinstance(raw, str):
        found = ESTIMATE.fullmatch(raw.strip())
        if not found:
            raise RowError(f"text {raw.strip()!r} is neither a number nor an IMF estimate ('1,234.5 e')")
        sign, whole, fraction = found.groups()
        number = f"{sign}{whole.replace(',', '')}{fraction or ''}"
        estimated = True
    else:
        number = repr(raw) if isinstance(raw, float) else str(raw)
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise RowError(f"{raw!r} is not a number") from None
    if not value.is_finite():
        raise RowError(f"{raw!r} is not a number")
    if value < 0:
        raise RowError(f"negative trade value {raw} (USD millions)")
    value = (value * MILLION).quantize(CENT, rounding=ROUND_HALF_UP)
    if value >= VALUE_LIMIT:
        raise RowError(f"trade value {raw} (USD millions) is too large")
    return within_rule(value, f"trade value {raw} (USD millions)"), estimated


class DotsWorkbookImporter(TradeFileImporter):
    format_name = "imf-dots-xlsx"
    description = "an IMF Direction of Trade Statistics workbook (xlsx)"
    scope = {"dataset": "imf-dots"}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._plans: dict[Path, Plan] = {}
        self._identities: dict[tuple, str] = {}
        self._partners: dict[str, str | None] = {}  # IMF name -> alpha-3, None for an aggregate

    # --- checking --------------------------------------------------------------------------
    def check_file(self, path: Path) -> None:
        archive = check_zip(path)
        try:
            identity = content_identity(archive)
            for part in archive.namelist():
                if part.startswith("xl/worksheets/") and part.endswith(".xml"):
                    self._check_dimension(path, archive, part)
        finally:
            archive.close()
        plan = Plan()
        if earlier := self._identities.get(identity):
            plan.repeats = earlier
        else:
            self._check_sheets(path, plan)
            self._identities[identity] = path.name  # only once accepted: a copy of a refused file is refused too
        self._plans[path] = plan
        self.format = self.format_name

    @staticmethod
    def _check_dimension(path: Path, archive, part: str) -> None:
        dimension = sheet_dimension(archive, part)
        if dimension is None:
            raise FileRefused(
                f"{path.name}: {part} declares no dimension, so its size cannot be checked before reading"
            )
        rows, columns = dimension
        if rows > MAX_ROWS or columns > MAX_COLUMNS:
            raise FileRefused(
                f"{path.name}: {part} declares {rows:,} rows and {columns:,} columns (a DOTS sheet has at most "
                f"{MAX_ROWS:,} rows and {MAX_COLUMNS} columns; refused before reading)"
            )

    def _check_sheets(self, path: Path, plan: Plan) -> None:
        try:
            book = load_workbook(path, read_only=True, data_only=True, keep_links=False)
        except Exception as exc:  # openpyxl raises many kinds on a malformed part
            raise FileRefused(f"{path.name}: not a readable xlsx workbook ({type(exc).__name__}: {exc})") from None
        try:
            missing = [title for title in SHEETS if title not in book.sheetnames]
            if missing:
                raise FileRefused(
                    f"{path.name}: an xlsx workbook but not an IMF DOTS workbook (no sheet "
                    f"{' or '.join(repr(title) for title in missing)}; it has {', '.join(map(repr, book.sheetnames))})"
                )
            reporters = {}
            for title, (flow, valuation, indicator) in SHEETS.items():
                sheet = Sheet(title, flow, valuation, indicator)
                top = list(book[title].iter_rows(min_row=1, max_row=HEADER_ROW, values_only=True))
                top += [()] * (HEADER_ROW - len(top))
                unit = cell_text(top[UNIT_ROW - 1], PARTNER_COLUMN)
                if unit != UNIT:
                    raise FileRefused(
                        f"{path.name}: not an IMF DOTS workbook: sheet {title!r}, cell B{UNIT_ROW} is {unit!r}, "
                        f"where a DOTS workbook gives its unit, {UNIT!r}"
                    )
                reporters[title] = cell_text(top[REPORTER_ROW - 1], PARTNER_COLUMN)
                self._check_header(path, sheet, top[HEADER_ROW - 1], rows=book[title].max_row or 0)
                plan.sheets.append(sheet)
        finally:
            book.close()
        plan.reporter = self._check_reporter(path, reporters)

    @staticmethod
    def _check_header(path: Path, sheet: Sheet, header: tuple, *, rows: int) -> None:
        """Row 7's years by column, or the first cell that is not what a year header holds.

        No years at all is refused too, unless the sheet (by its declared dimension) ends
        above row 8: a reporter with no figures in one direction.
        """
        problem = header_problem(sheet, header)
        if problem is None and not sheet.years and rows > HEADER_ROW:
            problem = (
                f"row {HEADER_ROW}: no year header where a DOTS workbook has it (the headers are shifted or missing)"
            )
        if problem:
            raise FileRefused(f"{path.name}, sheet {sheet.title!r}, {problem}")

    @staticmethod
    def _check_reporter(path: Path, reporters: dict[str, str]) -> str | None:
        """The reporter's alpha-3, or None for an aggregate."""
        names = set(reporters.values())
        if names == {""}:
            raise FileRefused(f"{path.name}, cell B{REPORTER_ROW}: no reporter name in either sheet")
        if len(names) > 1:
            described = "; ".join(f"sheet {title!r}: {name!r}" for title, name in reporters.items())
            raise FileRefused(f"{path.name}, cell B{REPORTER_ROW}: the sheets name different reporters ({described})")
        name = names.pop()
        if name in IMF_AGGREGATES or name == WORLD:
            return None
        if name in IMF_NAMES:
            return IMF_NAMES[name]
        raise FileRefused(
            f"{path.name}, sheet {next(iter(reporters))!r}, cell B{REPORTER_ROW}: unknown reporter {name!r} "
            "(not in trade.importers.imf_names)"
        )

    # --- reading ---------------------------------------------------------------------------
    def read(self, path: Path):
        """(row, raw) per filled value cell of the two sheets."""
        plan = self._plans[path]
        if plan.repeats:
            self.extra[f"skipped workbooks: the same parts as {plan.repeats}"] += 1
            return
        book = load_workbook(path, read_only=True, data_only=True, keep_links=False)
        try:
            for sheet in plan.sheets:
                yield from self._read_sheet(book[sheet.title], sheet, plan)
        finally:
            book.close()

    def _read_sheet(self, worksheet, sheet: Sheet, plan: Plan):
        seen: dict[str, tuple[int, int]] = {}  # partner -> (row, hash of its figures)
        columns = sorted(sheet.years)
        for number, row in enumerate(worksheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True), HEADER_ROW + 1):
            cells = [(column, row[column - 1]) for column in columns if column <= len(row)]
            cells = [(column, value) for column, value in cells if value is not None and value != ""]
            if not cells:
                continue
            partner = cell_text(row, PARTNER_COLUMN)
            note = ""
            if partner:
                figures = hash(tuple(cells))
                if first := seen.get(partner):
                    note = (
                        REPEATED
                        if first[1] == figures
                        else f"{partner!r} is listed again, with other figures than row {first[0]}"
                    )
                else:
                    seen[partner] = (number, figures)
            for column, value in cells:
                yield number, (sheet, plan.reporter, partner, number, column, value, note)

    def build(self, raw):
        sheet, reporter, partner_name, row, column, value, note = raw
        if reporter is None:
            raise SkipRow(NOT_A_COUNTRY)
        if note == REPEATED:
            raise SkipRow(REPEATED)
        try:
            if note:
                raise RowError(note)
            partner = self.partner(partner_name, row)
            year = sheet.years[column]
            if isinstance(year, str):
                raise RowError(f"{year} (header cell {coordinate(column, HEADER_ROW)})")
            value_usd, estimated = millions(value)
            return self.figure(
                key=imf_key(year=year, month=None, reporter=reporter, partner=partner, indicator=sheet.indicator),
                reporter=reporter,
                partner=partner,
                year=year,
                month=None,
                flow=sheet.flow,
                commodity=TOTAL,
                value=value_usd,
                valuation=sheet.valuation,
                estimated=estimated,
            )
        except RowError as exc:  # the reason, with where it is: "sheet 'Exports, FOB', cell F12: ..."
            raise RowError(f"sheet {sheet.title!r}, cell {coordinate(column, row)}: {exc}") from None

    def partner(self, name: str, row: int) -> str:
        if name not in self._partners:
            if name == WORLD:
                self._partners[name] = IMF_NAMES[WORLD]  # the reporter's total
            elif name in IMF_AGGREGATES:
                self._partners[name] = None
            elif name in IMF_NAMES:
                self._partners[name] = IMF_NAMES[name]
            elif not name:
                raise RowError(f"a figure with no partner name in cell B{row}")
            else:
                raise RowError(f"unknown partner {name!r} in cell B{row} (not in trade.importers.imf_names)")
        code = self._partners[name]
        if code is None:
            raise SkipRow(NOT_A_COUNTRY)
        return code


def header_problem(sheet: Sheet, header: tuple) -> str | None:
    """Fill sheet.years from the header row; the first cell that is not what a year header holds."""
    for column, raw in enumerate(header, 1):
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        where = f"cell {coordinate(column, HEADER_ROW)}"
        if column <= PARTNER_COLUMN:
            return f"{where}: {raw!r} where the year header has no heading (the headers are shifted)"
        text = str(raw).strip() if isinstance(raw, int | str) and not isinstance(raw, bool) else ""
        if not YEAR_TEXT.fullmatch(text):
            return f"{where}: header {raw!r} is not a year (the year header must be row {HEADER_ROW}, from column C)"
        year = int(text)
        if year in sheet.years.values():
            return f"{where}: year {year} heads another column too"
        in_range = FIRST_YEAR <= year <= LAST_YEAR
        sheet.years[column] = year if in_range else f"year {year} is outside {FIRST_YEAR}-{LAST_YEAR}"
    return None


def cell_text(row: tuple, column: int) -> str:
    value = row[column - 1] if len(row) >= column else None
    return normalise(str(value)) if value is not None else ""
