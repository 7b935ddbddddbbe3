"""Trade figures from UN Comtrade and IMF files, in whichever format each file turns out to be.

`TradeImporter` (what `import_trade` runs) looks at each file's content, not its name: a zip
(or an OLE file, which is how a password-protected workbook starts) goes to the IMF DOTS
workbook importer (trade.importers.dots), which refuses it unless it is a safe DOTS
workbook; anything else is read as a CSV, and its header line picks the CSV format's
importer. Figures for groups of countries and "nes" areas are skipped and counted, not
stored; see trade.importers.codes and trade.importers.imf_names.
"""

from pathlib import Path

from imports.importer import FileRefused, Importer
from imports.staged import StagedFormat
from trade.importers.base import TradeCsvImporter, TradeFileImporter, read_header
from trade.importers.codes import CountryCodes
from trade.importers.comtrade import ComtradeApiImporter, ComtradeBulkImporter
from trade.importers.dots import DotsWorkbookImporter
from trade.importers.imf import ImfDotsImporter
from trade.importers.xlsx import magic
from trade.models import TradeFlow

FORMATS: tuple[type[TradeCsvImporter], ...] = (ComtradeApiImporter, ComtradeBulkImporter, ImfDotsImporter)
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")

__all__ = [
    "FORMATS",
    "ComtradeApiImporter",
    "ComtradeBulkImporter",
    "DotsWorkbookImporter",
    "ImfDotsImporter",
    "TradeImporter",
]


class TradeImporter(Importer):
    """Any of FORMATS, detected file by file; one run may mix them.

    The formats' keys cannot collide across datasets ('A/2021/52/RUS/W00/X/TOTAL' in
    Comtrade, 'A/2021/RUS/W00/TXG_FOB_USD' in the IMF's), so the runner's duplicate check
    over the whole run stays right; an IMF figure from a CSV and from a workbook has the
    same key, so it is one record (and given twice in one run, a duplicate).
    """

    name = "trade"
    model = TradeFlow
    key_field = "external_key"
    upsert_in_sql = TradeCsvImporter.upsert_in_sql
    whole_files = TradeCsvImporter.whole_files
    revisions = TradeCsvImporter.revisions
    batch_size = TradeCsvImporter.batch_size

    def __init__(self, *, release: str = "", **kwargs):
        super().__init__(**kwargs)
        countries = CountryCodes()  # shared, so the country table is read once per run
        self._importers = [format_class(countries=countries, release=release) for format_class in FORMATS]
        self._workbooks = DotsWorkbookImporter(countries=countries, release=release)
        for importer in (*self._importers, self._workbooks):
            importer.extra = self.extra  # what a format counts itself is the run's count
        self._by_path: dict[Path, TradeFileImporter] = {}
        self._current: TradeFileImporter | None = None

    def forget_rolled_back(self) -> None:
        for importer in (*self._importers, self._workbooks):
            importer.forget_rolled_back()

    def check_file(self, path: Path) -> None:
        if magic(path) or path.suffix.lower() in WORKBOOK_SUFFIXES:
            self._workbooks.check_file(path)  # refuses an OLE file, and a non-zip named .xlsx
            self._found(path, self._workbooks)
            return
        header = read_header(path)
        importer = next((importer for importer in self._importers if importer.reads(header)), None)
        if importer is None:
            accepted = "; ".join(
                f"{importer.description} (columns {', '.join(sorted(importer.marker_columns))}, ...)"
                for importer in self._importers
            )
            raise FileRefused(
                f"{path.name}: the header matches no trade format; import_trade reads {accepted}, "
                f"or {self._workbooks.description}"
            )
        importer.check_columns_and_rows(path, header)
        self._found(path, importer)

    def _found(self, path: Path, importer: TradeFileImporter) -> None:
        self._by_path[path] = importer
        self.format = ", ".join(dict.fromkeys(importer.format for importer in self._by_path.values()))

    def staged_format(self, path: Path):
        importer = self._by_path[path]
        if not isinstance(importer, StagedFormat):
            return None
        self._current = importer
        return importer

    # The runner reads a file to its end and saves its last batch before it reads the next,
    # so the importer of the file being read is the one that builds and matches its records.
    def read(self, path: Path):
        self._current = self._by_path[path]
        yield from self._current.read(path)

    def build(self, raw):
        return self._current.build(raw)

    @property
    def scope(self):
        return self._current.scope
