"""import_trade PATH...: trade figures from UN Comtrade (API or classic bulk CSV), IMF CSV and IMF DOTS xlsx files."""

from imports.command import ImportCommand
from trade.importers import TradeImporter


class Command(ImportCommand):
    help = (
        "Import trade figures from UN Comtrade CSV files (API or classic bulk), IMF Direction of Trade "
        "CSV files and IMF DOTS per-reporter workbooks (xlsx); each file's format is detected from its content "
        "(a workbook from its zip signature, sheets and unit; a CSV from its header line). Figures for groups "
        "of countries and 'nes' areas are skipped and counted."
    )
    importer_class = TradeImporter
