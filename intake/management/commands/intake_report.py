"""intake_report FILE --published YYYY-MM-DD: the proposals a report's text gives, printed; nothing is written."""

import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from intake.directory_names import current
from intake.pipeline import read_report

MAX_BYTES = 2 * 1024 * 1024  # a long feature is 100 kB; more is not a report


class Command(BaseCommand):
    help = (
        "Read a news report (a UTF-8 text file) against the directory and print the records it proposes: visits "
        "and tours, trade claims, agreements, negotiation topics, commission sessions and people the directory "
        "does not know, each with its quote, reliability and speaker. "
        "Nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The report's text, UTF-8.")
        parser.add_argument("--published", required=True, help="The report's publication date, YYYY-MM-DD.")
        parser.add_argument("--outlet", default="", help="Who published it.")
        parser.add_argument("--url", default="", help="Where it was published.")
        parser.add_argument("--json", action="store_true", help="Print exactly one JSON object on stdout.")

    def handle(self, *args, **options):
        text = _text(Path(options["file"]))
        try:
            published = datetime.date.fromisoformat(options["published"])
        except ValueError:
            raise CommandError(f"--published {options['published']!r} is not a date: give YYYY-MM-DD.") from None
        matcher, posts = current()
        proposals = read_report(text, published, matcher, posts)
        report = {
            "published": published.isoformat(),
            "outlet": options["outlet"],
            "url": options["url"],
            "characters": len(text),
        }
        if options["json"]:
            self.stdout.write(
                json.dumps({"report": report, "proposals": [p.as_json() for p in proposals]}, ensure_ascii=False)
            )
            return
        for proposal in proposals:
            fields = ", ".join(
                f"{name}={value}" for name, value in proposal.as_json()["fields"].items() if value not in ("", None)
            )
            self.stdout.write(f"{proposal.type} ({proposal.reliability}, {proposal.confidence:.2f}): {fields}")
            self.stdout.write(f"    “{proposal.quote}”")
        self.stdout.write(f"{len(proposals)} proposals from {len(text):,} characters; nothing written.")


def _text(path: Path) -> str:
    if not path.is_file():
        raise CommandError(f"{path}: no such file.")
    if path.stat().st_size > MAX_BYTES:
        raise CommandError(f"{path}: {path.stat().st_size:,} bytes is over the {MAX_BYTES:,} a report may have.")
    data = path.read_bytes()
    if b"\x00" in data:
        raise CommandError(f"{path}: a binary file, not a report's text.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path}: not UTF-8 text (byte {exc.start}).") from None
    if not text.strip():
        raise CommandError(f"{path}: the file is empty.")
    return text
