from imports.command import ImportCommand
from visits.importers import HsgTravelsImporter


class Command(ImportCommand):
    help = (
        "Import the Office of the Historian's travels XML (trips by the President or the Secretary of State). "
        "Give presidents.xml among the paths to date the presidents' terms of office."
    )
    importer_class = HsgTravelsImporter
