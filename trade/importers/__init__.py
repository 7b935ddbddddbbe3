"""Trade figures from UN Comtrade and IMF files, in whichever format each file turns out to be.

`TradeImporter` (what `import_trade` runs) reads each file's header line, picks the format's
importer, and hands it that file. Figures for groups of countries and "nes" areas are
skipped and counted, not stored; see trade.importers.codes.
"""

from pathlib import Path

from imports.importer import FileRefused, Importer
from trade.importers.base import TradeCsvImporter, read_header
from trade.importers.codes import CountryCodes
from trade.importers.comtrade import ComtradeApiImporter, ComtradeBulkImporter
from trade.importers.imf import ImfDotsImporter
from trade.models import TradeFlow

FORMATS: tuple[type[TradeCsvImporter], ...] = (ComtradeApiImporter, ComtradeBulkImporter, ImfDotsImporter)

__all__ = ["FORMATS", "ComtradeApiImporter", "ComtradeBulkImporter", "ImfDotsImporter", "TradeImporter"]


class TradeImporter(Importer):
    """Any of FORMATS, detected file by file; one run may mix them.

    The formats' keys cannot collide across datasets ('A/2021/52/RUS/W00/X/TOTAL' in
    Comtrade, 'A/2021/RUS/W00/TXG_FOB_USD' in the IMF's), so the runner's duplicate check
    over the whole run stays right.
    """

    name = "trade"
    model = TradeFlow
    key_field = "external_key"
    upsert_in_sql = TradeCsvImporter.upsert_in_sql
    batch_size = TradeCsvImporter.batch_size

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        countries = CountryCodes()  # shared, so the country table is read once per run
        self._importers = [format_class(countries=countries) for format_class in FORMATS]
        self._by_path: dict[Path, TradeCsvImporter] = {}
        self._current: TradeCsvImporter | None = None

    def check_file(self, path: Path) -> None:
        header = read_header(path)
        importer = next((importer for importer in self._importers if importer.reads(header)), None)
        if importer is None:
            accepted = "; ".join(
                f"{importer.description} (columns {', '.join(sorted(importer.marker_columns))}, ...)"
                for importer in self._importers
            )
            raise FileRefused(f"{path.name}: the header matches no trade format; import_trade reads {accepted}")
        importer.check_columns_and_rows(path, header)
        self._by_path[path] = importer
        self.format = ", ".join(dict.fromkeys(importer.format for importer in self._by_path.values()))

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
