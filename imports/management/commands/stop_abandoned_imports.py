from django.core.management.base import BaseCommand

from imports import liveness


class Command(BaseCommand):
    help = (
        "Mark as stopped the import runs still 'running' whose process has ended (killed, machine lost): "
        "they stored nothing. Beat does this every five minutes; this does it now."
    )

    def handle(self, *args, **options):
        stopped = liveness.stop_abandoned()
        for run in stopped:
            self.stdout.write(
                f"#{run.pk} {run.importer} ({run.files.splitlines()[0] if run.files else ''}): {run.message}"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(stopped)} abandoned run(s) marked stopped."))
