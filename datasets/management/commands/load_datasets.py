"""load_datasets: the real datasets shipped in data/, each through its importer, with a summary each."""

import logging
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from datasets.loading import load
from datasets.registry import BY_NAME, DATASETS
from imports.command import progress_bar, write_summary


class Command(BaseCommand):
    help = (
        "Load the real datasets shipped in data/ (the Office of the Historian's travels and visits, UN Comtrade "
        "2021, IMF Direction of Trade Statistics). Safe to run again: a dataset whose files are unchanged since "
        "its last load is skipped, and records already present are matched by their keys, never duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--only",
            action="append",
            choices=[dataset.name for dataset in DATASETS],
            metavar="NAME",
            help=f"Load this dataset only (repeatable): {', '.join(d.name for d in DATASETS)}.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Import even the datasets whose files have not changed."
        )
        parser.add_argument(
            "--imf-dots-dir",
            type=Path,
            metavar="DIR",
            help="Read IMF DOTS workbooks (DOTS_*.xlsx) from DIR instead of the subset in data/, e.g. the full set "
            "of 224 (data/imf-dots/SOURCE.md says where to get it).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bars.")

    def handle(self, *args, only, force, imf_dots_dir, no_progress, verbosity, **options):
        chosen = [BY_NAME[name] for name in dict.fromkeys(only)] if only else list(DATASETS)
        plans = []
        for dataset in chosen:
            try:
                files = dataset.files()
                if imf_dots_dir is not None and dataset.name == "imf-dots":
                    workbooks = sorted(imf_dots_dir.glob("DOTS_*.xlsx"))
                    if not workbooks:
                        raise FileNotFoundError(f"--imf-dots-dir: no DOTS_*.xlsx in {imf_dots_dir}")
                    files = workbooks + [path for path in files if path.suffix != ".xlsx"]
            except FileNotFoundError as exc:
                raise CommandError(f"{exc} (is data/ complete? see its SOURCE.md files)") from None
            plans.append((dataset, files))

        with ExitStack() as stack:
            if verbosity < 2:  # the timeline refresh each import queues (in-process without Redis) logs per batch
                stack.enter_context(quieter("celery.app.trace", "timelines.tasks"))
            self._load(plans, force=force, no_progress=no_progress, verbosity=verbosity)

    def _load(self, plans, *, force, no_progress, verbosity):
        failed = []
        started = time.monotonic()
        for number, (dataset, files) in enumerate(plans, 1):
            if verbosity:
                self.stdout.write(f"[{number}/{len(plans)}] {dataset.name}: {dataset.title} ({len(files)} files)")
            began = time.monotonic()
            bar, on_progress = progress_bar(
                dataset.name, stream=self.stderr._out, disable=no_progress or verbosity == 0
            )
            outcome = load(dataset, files, force=force, on_progress=on_progress)
            bar.close()
            if outcome.refused:
                failed.append(dataset.name)
                if outcome.run is not None and verbosity:
                    write_summary(self, outcome.run, limit=10)
                what = "these files of" if outcome.run is not None else "nothing of"
                self.stderr.write(f"  refused, {what} {dataset.name} not imported: {outcome.refused}")
                continue
            if verbosity == 0:
                continue
            if outcome.run is None:
                previous = outcome.previous
                self.stdout.write(
                    f"  unchanged since its load of {previous.loaded_at:%Y-%m-%d %H:%M}"
                    + (f" (import run #{previous.import_run_id})" if previous.import_run_id else "")
                    + "; skipped (--force imports it again)"
                )
                continue
            write_summary(self, outcome.run, limit=10)
            self.stdout.write(f"  {dataset.citation}. {time.monotonic() - began:.1f} s, import run #{outcome.run.pk}.")
        if failed:
            raise CommandError(f"Not loaded: {', '.join(failed)} (reasons above); the other datasets were loaded.")
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(f"{len(plans)} dataset(s) ready in {time.monotonic() - started:.1f} s.")
            )


@contextmanager
def quieter(*names: str):
    """Those loggers at WARNING for the duration."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
