from imports.command import ImportCommand
from visits.importers import HsgVisitsImporter


class Command(ImportCommand):
    help = "Import the Office of the Historian's visits by foreign leaders to the United States (XML)."
    importer_class = HsgVisitsImporter
