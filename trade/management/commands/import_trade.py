"""import_trade PATH...: trade figures from UN Comtrade (API or classic bulk CSV) and IMF CSV files."""

from imports.command import ImportCommand
from trade.importers import TradeImporter


class Command(ImportCommand):
    help = (
        "Import trade figures from UN Comtrade CSV files (API or classic bulk) and IMF Direction of Trade "
        "CSV files; each file's format is detected from its header line. Figures for groups of countries "
        "and 'nes' areas are skipped and counted."
    )
    importer_class = TradeImporter
