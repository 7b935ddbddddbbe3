from visits.importers import HsgTravelsImporter
from visits.management.hsg import HsgImportCommand


class Command(HsgImportCommand):
    help = (
        "Import the Office of the Historian's travels XML (trips by the President or the Secretary of State). "
        "Give presidents.xml among the paths to date the presidents' terms of office."
    )
    importer_class = HsgTravelsImporter
