from django.core.management import call_command
from django.core.management.base import BaseCommand

from core.backup import EXCLUDED_FROM_BACKUP
from core.exact_json import FORMAT


class Command(BaseCommand):
    help = (
        "Write every record, audit history included, to a JSON file that import_data reads back "
        "into a freshly migrated database (of either engine)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The file to write, e.g. chancery-backup.json")

    def handle(self, *args, path, verbosity, **options):
        call_command(
            # Full-precision timestamps; import_data reads the file as ordinary JSON.
            "dumpdata",
            format=FORMAT,
            natural_foreign=True,
            natural_primary=True,
            exclude=EXCLUDED_FROM_BACKUP,
            output=path,
            verbosity=verbosity,
        )
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Exported to {path}."))
