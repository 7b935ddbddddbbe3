from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from core.backup import content_counts


class Command(BaseCommand):
    help = "Load a file written by export_data into a freshly migrated, otherwise empty database (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--force", action="store_true", help="Load even though the database already holds records.")

    def handle(self, *args, path, force, verbosity, **options):
        existing = {label: count for label, count in content_counts().items() if count}
        if existing and not force:
            raise CommandError(
                "This database already holds records ("
                + ", ".join(f"{n} {label}" for label, n in existing.items())
                + "); restore into a freshly migrated database, or pass --force to load over them."
            )
        call_command("loaddata", path, verbosity=verbosity)
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Imported {path}."))
