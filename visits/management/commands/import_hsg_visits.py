from visits.importers import HsgVisitsImporter
from visits.management.hsg import HsgImportCommand


class Command(HsgImportCommand):
    help = "Import the Office of the Historian's visits by foreign leaders to the United States (XML)."
    importer_class = HsgVisitsImporter
