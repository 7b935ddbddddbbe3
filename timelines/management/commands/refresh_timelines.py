"""Reconcile the timelines now, in this process, with a progress bar.

python manage.py refresh_timelines               catch up: the outbox, then unfinished runs
python manage.py refresh_timelines --full        recompute everything, repair and report drift
python manage.py refresh_timelines --pair RUS-TJK   the same for one country pair
"""

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from timelines import reconcile
from timelines.models import RefreshRun
from timelines.outbox import drain_outbox


class Command(BaseCommand):
    help = "Recompute timeline entries from their records and repair any drift (see README: Timelines)."

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--full", action="store_true", help="Reconcile every timeline entry.")
        scope.add_argument("--pair", metavar="AAA-BBB", help="Reconcile one country pair, e.g. RUS-TJK.")
        parser.add_argument(
            "--batch-size", type=int, default=None, help="Units per batch (default TIMELINE_REFRESH_BATCH_SIZE)."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (for logs and cron).")

    def handle(self, *args, full=False, pair=None, batch_size=None, no_progress=False, verbosity=1, **options):
        if batch_size is not None and batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        started = time.monotonic()
        quiet = no_progress or verbosity == 0
        if full or pair:
            try:
                parsed = reconcile.parse_pair(pair) if pair else None
            except reconcile.BadPair as exc:
                raise CommandError(str(exc)) from None
            runs = [reconcile.plan_run(trigger="command", pair=parsed, batch_size=batch_size)]
        else:
            drained = drain_outbox()
            if verbosity:
                self.stdout.write(f"Outbox: {drained} waiting refresh(es) done.")
            runs = list(reconcile.unfinished_runs())
            if not runs and verbosity:
                self.stdout.write("No unfinished reconciliation runs. Use --full or --pair to start one.")

        for run in runs:
            pending = list(reconcile.pending_batches(run))
            with tqdm(total=run.units_total, desc=str(run), unit="unit", disable=quiet, file=self.stderr) as bar:
                bar.update(
                    run.units_total
                    - sum(
                        len(units) for units in run.batches.filter(done_at__isnull=True).values_list("units", flat=True)
                    )
                )
                reconcile.run_batches(pending, on_batch=lambda batch: bar.update(len(batch.units)))
            run.refresh_from_db()
            if verbosity:
                self._summary(run, time.monotonic() - started)

    def _summary(self, run: RefreshRun, seconds: float) -> None:
        self.stdout.write(
            f"{run}: {run.units_total} unit(s) in {run.batches_total} batch(es), {seconds:.1f}s. "
            f"Repaired {run.repairs_total} entr{'y' if run.repairs_total == 1 else 'ies'}: "
            f"{run.entries_created} missing, {run.entries_updated} different, {run.entries_deleted} without a record."
        )
        if run.repairs_total:
            for repair in run.repairs.all()[:20]:
                fields = f" ({', '.join(repair.fields)})" if repair.fields else ""
                self.stdout.write(f"  {repair.get_action_display()}: {repair.key}{fields}")
            if run.repairs_total > 20:
                self.stdout.write(f"  … and {run.repairs_total - 20} more (admin: Timelines › Refresh runs #{run.pk})")
