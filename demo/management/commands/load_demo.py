from django.core.management.base import BaseCommand
from django.db import models

from demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo case, the Russian president's February 2017 visit to Dushanbe, as real records. "
        "Safe to run again: records already present are left untouched."
    )

    def handle(self, *args, verbosity: int, **options):
        def report_record(outcome: str, record: models.Model) -> None:
            if verbosity >= 2:
                self.stdout.write(f"  {outcome}: {record._meta.verbose_name} {record}")

        load = load_demo(on_record=report_record)
        if verbosity < 1:
            return
        summary = load.summary()
        width = max(len(name) for name, *_ in summary)
        for name, created, updated, present in summary:
            self.stdout.write(f"{name:<{width}}  {created} created, {updated} updated, {present} already present")
        created, updated, present = (sum(row[i] for row in summary) for i in (1, 2, 3))
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded: {created} created, {updated} updated, {present} already present.")
        )
