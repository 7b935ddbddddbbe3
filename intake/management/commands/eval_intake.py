"""eval_intake [--gold data/intake-gold] [--record bench/RESULTS.md]: the news intake scored
against a gold set; fails when a target is missed (intake.evaluation)."""

import datetime
import json
import os
import platform
import re
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from directory.selectors import names_for_matching
from intake.evaluation import Scores, judged, render, score_report
from intake.gold_set import load_reports, reading_tools
from intake.pipeline import read_report


class Command(BaseCommand):
    help = (
        "Read every report of a gold set with the intake pipeline, against the gold set's own directory and the "
        "database's countries, and print precision, recall and F1 per proposal type, accuracy per field and how "
        "many stated targets were proposed as statistics. Exits non-zero when a target is missed. Nothing is "
        "written to the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--gold", default="data/intake-gold", help="The gold set's folder.")
        parser.add_argument(
            "--record",
            help="A Markdown file whose eval-intake section (between its markers; appended when missing) is "
            "replaced with the scores, the date, the commit and the machine.",
        )
        parser.add_argument(
            "--section",
            default="eval-intake",
            help="The name of the section --record replaces (between <!-- NAME:start --> and <!-- NAME:end -->).",
        )
        parser.add_argument(
            "--misses", action="store_true", help="Also print each missed and extra proposal and each wrong field."
        )

    def handle(self, *args, **options):
        folder = Path(options["gold"])
        if not (folder / "gold.json").is_file() or not (folder / "directory.json").is_file():
            raise CommandError(f"{folder}: no gold.json and directory.json there.")
        reports = load_reports(folder)
        directory = json.loads((folder / "directory.json").read_text(encoding="utf-8"))
        matcher, posts, topics = reading_tools(directory, names_for_matching()["countries"])
        scores = Scores()
        for report in reports:
            proposals = read_report(report.text, report.published, matcher, posts, topics=topics)
            score_report(scores, report.file, report.proposals, [p.as_json() for p in proposals], report.targets)
        table = render(scores, len(reports))
        self.stdout.write(table)
        if options["misses"]:
            for label, found in (("missed", scores.misses), ("extra", scores.extras)):
                for name, kind, fields in found:
                    self.stdout.write(f"{label}: {name} {kind} {json.dumps(fields, ensure_ascii=False)}")
            for name, kind, label, expected, found in scores.wrong:
                self.stdout.write(f"wrong: {name} {kind} {label}: {expected!r}, proposed {found!r}")
        if options["record"]:
            record(Path(options["record"]), folder, table, options["section"])
            self.stdout.write(f"recorded in {options['record']}")
        missed = [f"{label} {measured} (target {least})" for label, least, measured, met in judged(scores) if not met]
        if missed:
            raise CommandError("targets missed: " + "; ".join(missed))


def record(path: Path, folder: Path, table: str, name: str = "eval-intake") -> None:
    """Replace the file's section `name` (bench/report.py keeps such sections as they are)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    section = "\n".join(
        [
            start,
            f"## News intake against the gold set in `{folder}`",
            "",
            f"Written by `manage.py eval_intake --record`; gold set `{folder}`. "
            f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M UTC}; commit {_commit()}; "
            f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}, Python {platform.python_version()}.",
            "",
            table,
            end,
        ]
    )
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else f"{text.rstrip()}\n\n{section}\n".lstrip()
    path.write_text(text, encoding="utf-8")


def _commit() -> str:
    try:
        run = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return run.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")
