"""intake_report FILE --published YYYY-MM-DD: the proposals a report's text gives, printed.

Nothing is written, unless --save: then the report and its proposals are stored for review on
the intake pages (intake.services.store_report), matched against the records as they are."""

import datetime
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.text_files import NotText, NotUtf8, decode_text
from intake.models import Report
from intake.services import propose, store_report

MAX_BYTES = 2 * 1024 * 1024  # a long feature is 100 kB; more is not a report


class Command(BaseCommand):
    help = (
        "Read a news report (a UTF-8 text file) against the directory and print the records it proposes: visits "
        "and tours, trade claims, agreements, negotiation topics, commission sessions and people the directory "
        "does not know, each with its quote, reliability and speaker, and what each matches among the records. "
        "Nothing is written, unless --save stores the report and its proposals for review."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The report's text, UTF-8.")
        parser.add_argument("--published", required=True, help="The report's publication date, YYYY-MM-DD.")
        parser.add_argument("--outlet", default="", help="Who published it.")
        parser.add_argument("--url", default="", help="Where it was published.")
        parser.add_argument("--json", action="store_true", help="Print exactly one JSON object on stdout.")
        parser.add_argument("--title", default="", help="The report's title (default: its first sentence).")
        parser.add_argument("--language", default="en", help="The report's language (the pipeline reads en).")
        parser.add_argument(
            "--save", action="store_true", help="Store the report and its proposals for review on the intake pages."
        )

    def handle(self, *args, **options):
        text = _text(Path(options["file"]))
        try:
            published = datetime.date.fromisoformat(options["published"])
        except ValueError:
            raise CommandError(f"--published {options['published']!r} is not a date: give YYYY-MM-DD.") from None
        report = {
            "published": published.isoformat(),
            "outlet": options["outlet"],
            "url": options["url"],
            "characters": len(text),
        }
        if options["save"]:
            proposals, report = self._save(text, published, options, report)
        else:
            proposals = propose(text, published)
        if options["json"]:
            self.stdout.write(
                json.dumps({"report": report, "proposals": [_as_json(p) for p in proposals]}, ensure_ascii=False)
            )
            return
        for proposal in map(_as_json, proposals):
            fields = ", ".join(
                f"{name}={value}" for name, value in proposal["fields"].items() if value not in ("", None)
            )
            self.stdout.write(f"{proposal['type']} ({proposal['reliability']}, {proposal['confidence']:.2f}): {fields}")
            for match in proposal["matches"]:
                self.stdout.write(f"    {match['relation']}: {match['record']} #{match['id']} ({match['label']})")
            self.stdout.write(f"    “{proposal['quote']}”")
        if options["save"]:
            state = "stored" if report["created"] else "already stored (this publication added)"
            self.stdout.write(
                f"{len(proposals)} proposals from {len(text):,} characters; report #{report['id']} {state}."
            )
        else:
            self.stdout.write(f"{len(proposals)} proposals from {len(text):,} characters; nothing written.")

    def _save(self, text, published, options, report):
        try:
            stored, created = store_report(
                text=text,
                published_on=published,
                title=options["title"],
                outlet_name=options["outlet"],
                url=options["url"],
                language=options["language"],
                origin=Report.Origin.COMMAND,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        report.update(id=stored.pk, created=created, reason=stored.reason)
        return list(stored.proposals.all()), report


def _as_json(proposal) -> dict:
    """A pipeline proposal, or a stored one, in the command's one JSON shape."""
    if hasattr(proposal, "as_json"):
        return proposal.as_json()
    keys = ("fields", "quote", "reliability", "speaker", "confidence", "matches")
    return {"type": proposal.kind, "span": [proposal.span_start, proposal.span_end]} | {
        key: getattr(proposal, key) for key in keys
    }


def _text(path: Path) -> str:
    if not path.is_file():
        raise CommandError(f"{path}: no such file.")
    if path.stat().st_size > MAX_BYTES:
        raise CommandError(f"{path}: {path.stat().st_size:,} bytes is over the {MAX_BYTES:,} a report may have.")
    try:
        text = decode_text(path.read_bytes())
    except NotText:
        raise CommandError(f"{path}: a binary file, not a report's text.") from None
    except NotUtf8 as exc:
        raise CommandError(f"{path}: not UTF-8 text (byte {exc.position}).") from None
    if not text.strip():
        raise CommandError(f"{path}: the file is empty.")
    return text
