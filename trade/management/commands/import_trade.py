"""import_trade PATH...: trade figures from UN Comtrade (API or classic bulk CSV), IMF CSV and IMF DOTS xlsx files."""

from django.core.management.base import CommandError

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

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--release",
            default="",
            help="The dataset's release the files are from, e.g. '2023-06' (kept on each figure; a later "
            "release that changes a figure records a revision from this one).",
        )

    def make_importer(self, options):
        release = options["release"].strip()
        if len(release) > 40:
            raise CommandError("--release is at most 40 characters")
        return TradeImporter(release=release)
