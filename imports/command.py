"""The management command every importer shares: paths in, progress bar, summary out."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from imports.importer import FileRefused, Importer
from imports.models import ImportRun
from imports.runner import run_import


class ImportCommand(BaseCommand):
    importer_class: type[Importer]

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--dry-run", action="store_true", help="Read, check and count everything, then save nothing."
        )
        parser.add_argument(
            "--report", type=Path, help="Write every rejected row (file, line, reason) to this CSV file."
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=None,
            help=f"Records written per batch (default {self.importer_class.batch_size:,}).",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="No progress bar (it is off anyway when not on a terminal)."
        )
        if self.importer_class.whole_files:
            parser.add_argument(
                "--skip-bad-rows",
                action="store_true",
                help="Store a file's good rows even if some are rejected (listed with their reasons). "
                "Without it, a file with a bad row is refused whole, its bad rows listed.",
            )

    def make_importer(self, options: dict) -> Importer:
        """The importer for this run; a command with options of its own passes them on."""
        return self.importer_class()

    def handle(self, *args, paths, dry_run, report, batch_size, no_progress, verbosity, **options):
        if batch_size is not None and batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        importer = self.make_importer(options)
        bar, on_progress = progress_bar(importer.name, stream=self.stderr._out, disable=no_progress or verbosity == 0)
        try:
            run = run_import(
                importer,
                paths,
                dry_run=dry_run,
                batch_size=batch_size,
                report_path=report,
                on_progress=on_progress,
                skip_bad_rows=options.get("skip_bad_rows", False),
            )
        except FileRefused as exc:
            bar.close()
            if verbosity and getattr(exc, "run", None) and exc.run.errors:
                write_rejections(self, exc.run, report=report)
            raise CommandError(f"Refused, nothing imported: {exc}") from None
        bar.close()
        if verbosity:
            write_summary(self, run, report=report)
            if dry_run:
                self.stdout.write("Dry run: nothing was saved.")
            self.stdout.write(f"Recorded as import run #{run.pk}.")
        if run.refused:
            raise CommandError(
                f"Refused {len(run.refused)} of {len(paths)} files, nothing of them imported (the others were): "
                + "; ".join(run.refused)
            )


def progress_bar(name: str, *, stream, disable: bool):
    """A progress bar of rows read (off when not on a terminal), and the callback that moves it."""
    bar = tqdm(unit=" rows", desc=name, disable=disable or None, file=stream)

    def on_progress(tally):
        bar.update(tally.read - bar.n)
        bar.set_postfix(created=tally.created, updated=tally.updated, rejected=tally.rejected, refresh=False)

    return bar, on_progress


def write_summary(command: BaseCommand, run: ImportRun, *, report: Path | None = None, limit: int = 20) -> None:
    """Read, created, updated, unchanged, rejected; what was skipped; the first rejections with reasons."""
    summary = (
        f"{run.importer} ({run.format or 'detected format'}): read {run.rows_read}, created {run.created}, "
        f"updated {run.updated}, unchanged {run.unchanged}, rejected {run.rejected}"
    )
    command.stdout.write(command.style.SUCCESS(summary) if not run.rejected else command.style.WARNING(summary))
    for name, count in sorted(run.extra_counts.items()):
        command.stdout.write(f"  {name}: {count}")
    write_rejections(command, run, report=report, limit=limit)


def write_rejections(command: BaseCommand, run: ImportRun, *, report: Path | None = None, limit: int = 20) -> None:
    for problem in run.errors[:limit]:
        command.stdout.write(f"  rejected {problem['file']} line {problem['line']}: {problem['reason']}")
    if run.rejected > limit:
        hint = f"all of them are in {report}" if report else "use --report FILE to list them all"
        command.stdout.write(f"  ... and {run.rejected - limit} more rejected rows; {hint}")
