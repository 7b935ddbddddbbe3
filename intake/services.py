"""Writes of the intake app: storing a report with its proposals, and an editor's decisions.

`store_report` reads the text, sets each proposal against the others and the records
(intake.matching) and stores the report, its publication and its proposals in one
transaction. The same text again (or a near-identical one: the same wire story from another
outlet) is the report already stored, with one more publication. Nothing outside intake is
written until an editor accepts a proposal: `accept` then makes the report's sources and
writes the proposal through the entry forms the pages use (intake.acceptance). Accepting a
proposal twice returns what the first acceptance wrote.
"""

import datetime
import re

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.values import validate_text
from directory.models import Citation, Organisation, Source
from directory.services import add_source, find_or_add_organisation
from intake.acceptance import PERMISSIONS, accept_with_form
from intake.dedup import NEAR_DUPLICATE, fingerprint, signature, similar
from intake.directory_names import current
from intake.matching import match, merge_duplicates
from intake.models import Proposal, Publication, Report
from visits.selectors import topics_for_matching

MAX_CHARACTERS = 500_000  # a long feature is 100 kB of text; more is not one report
NEAR_WINDOW = datetime.timedelta(days=3)  # wire copies are published within days of each other
NEAR_CANDIDATES = 200
CONFIDENT = 0.8  # "accept all confident" takes proposals at or above it, with no conflict
READS = {"en"}
TITLE_LENGTH = 150
_ENGLISH = re.compile(r"\b(?:the|and|of|to|in|on|said|will|with|for|is|was|has|that)\b", re.IGNORECASE)


def check_text(text: str) -> str:
    """The report's text as stored, or a ValidationError naming what is wrong with it."""
    if "\x00" in text:
        raise ValidationError({"text": "The text holds NUL bytes: it is a binary file, not a report."})
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({"text": "The report has no text."})
    if len(text) > MAX_CHARACTERS:
        raise ValidationError(
            {"text": f"{len(text):,} characters is more than one report ({MAX_CHARACTERS:,} at most)."}
        )
    return text


def unread_reason(text: str, language: str) -> str:
    """Why the pipeline cannot read the text ('' when it can): it reads English only."""
    if language and language.split("-")[0].lower() not in READS:
        return f"The pipeline reads English; this report is in {language!r}, so it proposes nothing."
    words = re.findall(r"[^\W\d_]+", text)
    if len(words) >= 20 and len(_ENGLISH.findall(text)) < 0.03 * len(words):
        return "The text does not read as English, so the pipeline proposes nothing."
    return ""


@transaction.atomic
def store_report(
    *,
    text: str,
    published_on: datetime.date,
    title: str = "",
    outlet_name: str = "",
    url: str = "",
    language: str = "en",
    origin: str = Report.Origin.PASTED,
    user=None,
    feed=None,
    guid: str = "",
) -> tuple[Report, bool]:
    """(report, created): the report read and stored with its proposals, or the one already
    stored with this text (then this publication is added to it)."""
    text = check_text(text)
    validate_text(title)
    title = " ".join(title.split())[:300] or _title_of(text)
    existing = _same_story(text, published_on)
    if existing is not None:
        _publish(existing, title, outlet_name, url, published_on, feed, guid)
        return existing, False
    reason = unread_reason(text, language)
    report = Report(
        title=title,
        text=text,
        language=language or "en",
        published_on=published_on,
        origin=origin,
        fingerprint=fingerprint(text),
        signature=signature(text),
        created_by=user,
        reason=reason,
    )
    report.full_clean()
    report.save()
    _publish(report, title, outlet_name, url, published_on, feed, guid)
    proposals = [] if reason else propose(report.text, report.published_on)
    Proposal.objects.bulk_create(_rows(report, proposals))
    if not reason and not proposals:
        report.reason = "The text names no visit, agreement, trade figure or person the pipeline recognises."
        report.save(update_fields=["reason"])
    return report, True


def propose(text: str, published_on: datetime.date) -> list:
    """The pipeline's proposals for a text, each visit once, matched against the records; reads
    only. The command, the API and the pages all propose through here."""
    # Imported here: the pipeline loads spaCy, which every web process would otherwise pay for
    # at start-up (the URLs import this module) though most never read a report.
    from intake.pipeline import read_report

    matcher, posts = current()
    proposals = read_report(text, published_on, matcher, posts, topics=topics_for_matching())
    return match(merge_duplicates(proposals), published_on)


def _rows(report, proposals):
    for position, p in enumerate(proposals):
        yield Proposal(
            report=report,
            position=position,
            kind=p.type,
            fields=p.as_json()["fields"],
            quote=p.quote,
            span_start=p.span[0],
            span_end=p.span[1],
            reliability=p.reliability,
            speaker=p.speaker[:200],
            confidence=round(p.confidence, 2),
            matches=p.matches,
            conflict=any(m.get("relation") == "conflict" for m in p.matches),
        )


def _title_of(text: str) -> str:
    """The report's first sentence, shortened at a word to a title's length."""
    first = re.split(r"(?<=[.!?])\s", " ".join(text.split()), maxsplit=1)[0]
    return first if len(first) <= TITLE_LENGTH else first[: TITLE_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def _same_story(text: str, published_on: datetime.date) -> Report | None:
    found = Report.objects.select_for_update().filter(fingerprint=fingerprint(text)).first()
    if found is not None:
        return found
    mine = signature(text)
    nearby = Report.objects.filter(
        published_on__gte=published_on - NEAR_WINDOW, published_on__lte=published_on + NEAR_WINDOW
    ).order_by("-id")[:NEAR_CANDIDATES]
    for pk, theirs in nearby.values_list("pk", "signature"):
        if theirs and similar(mine, theirs) >= NEAR_DUPLICATE:
            return Report.objects.select_for_update().get(pk=pk)
    return None


def _publish(report, title, outlet_name, url, published_on, feed, guid) -> Publication | None:
    """The report's publication at this outlet and link, once."""
    if url and (seen := Publication.objects.filter(url=url).first()):
        return seen
    if feed is not None and guid and (seen := Publication.objects.filter(feed=feed, guid=guid).first()):
        return seen
    same = report.publications.filter(outlet_name=outlet_name, url=url, feed=feed).first()
    if same is not None:
        return same
    publication = Publication(
        report=report,
        title=title[:300],
        outlet_name=" ".join(outlet_name.split())[:200],
        url=url,
        published_on=published_on,
        feed=feed,
        guid=guid[:500],
    )
    publication.full_clean()
    publication.save()
    return publication


def sources_of(report: Report) -> list[Source]:
    """The report's publications as sources, made the first time a proposal is accepted."""
    sources = []
    for publication in report.publications.select_for_update(of=("self",)).select_related("source"):
        if publication.source is None:
            publication.source = add_source(
                title=publication.title,
                kind=Source.Kind.NEWS_REPORT,
                url=publication.url,
                published_on=publication.published_on,
                published_precision=publication.published_precision,
                outlet=_outlet(publication.outlet_name),
                language=report.language,
            )
            publication.save(update_fields=["source"])
        sources.append(publication.source)
    return sources


def _outlet(name: str) -> Organisation | None:
    return find_or_add_organisation(name=name, kind=Organisation.Kind.NEWS_OUTLET) if name else None


@transaction.atomic
def accept(proposal: Proposal, *, user, data=None, fields: dict | None = None, expected_version: int | None = None):
    """Write the proposal and mark it accepted; the record it wrote or cited. Twice is once.

    The editor's changes come as `data` (a QueryDict of its entry form: the pages) or as
    `fields` (corrections named as the proposal's own fields: the API). The proposal keeps
    what the pipeline read; its note says what was corrected."""
    locked = Proposal.objects.select_for_update().select_related("report").get(pk=proposal.pk)
    if locked.state == Proposal.State.ACCEPTED:
        return locked.record
    _check_open(locked, expected_version)
    as_accepted = _corrected(locked, fields) if fields else locked
    record, message = accept_with_form(as_accepted, sources_of(locked.report), user, data)
    locked.state = Proposal.State.ACCEPTED
    locked.record_type = ContentType.objects.get_for_model(record)
    locked.record_id = str(record.pk)
    locked.note = message + (f" Corrected: {', '.join(sorted(fields))}." if fields else "")
    _decided(locked, user)
    return record


@transaction.atomic
def reject(proposal: Proposal, *, user, reason: str = "", expected_version: int | None = None) -> Proposal:
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.state == Proposal.State.REJECTED:
        return locked
    _check_open(locked, expected_version)
    validate_text(reason)
    locked.state = Proposal.State.REJECTED
    locked.note = " ".join(reason.split())[:2000]
    _decided(locked, user)
    return locked


def accept_confident(report: Report, *, user, allowed=None) -> tuple[list, list[tuple]]:
    """Accept each pending proposal at or above CONFIDENT without a conflict, in the text's order
    (a visit before the agreements expected at it), of the kinds `allowed(permissions)` lets the
    user write. ([accepted], [(proposal, errors)]): one that fails is left pending with its
    reason, the others go through."""
    accepted, refused = [], []
    pending = report.proposals.filter(state=Proposal.State.PENDING, confidence__gte=CONFIDENT).order_by("position")
    for proposal in pending:
        if proposal.conflict or (allowed is not None and not allowed(PERMISSIONS[proposal.kind])):
            continue
        try:
            accept(proposal, user=user)
        except ValidationError as exc:
            refused.append((proposal, exc))
        else:
            accepted.append(proposal)
    return accepted, refused


CORRECTABLE = {"reliability", "speaker", "quote"}


def _corrected(proposal: Proposal, fields: dict) -> Proposal:
    """A copy of the proposal with the corrections, refused field by field if one is unknown."""
    unknown = sorted(set(fields) - set(proposal.fields) - CORRECTABLE)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "The proposal has no such field."))
    if "reliability" in fields and fields["reliability"] not in Citation.Reliability.values:
        raise ValidationError({"reliability": f"{fields['reliability']!r} is not a reliability."})
    copy = Proposal(**{f.attname: getattr(proposal, f.attname) for f in Proposal._meta.concrete_fields})
    copy.report = proposal.report
    copy.fields = {**proposal.fields, **{k: v for k, v in fields.items() if k not in CORRECTABLE}}
    for name in CORRECTABLE & set(fields):
        setattr(copy, name, str(fields[name] or ""))
    return copy


def _check_open(proposal: Proposal, expected_version: int | None) -> None:
    if proposal.state != Proposal.State.PENDING:
        raise ValidationError({"state": f"This proposal was {proposal.state} already."}, code="decided")
    if expected_version is not None and expected_version != proposal.version:
        raise ValidationError(
            {
                "version": f"The proposal changed since it was loaded (version {expected_version}, now {proposal.version})."
            },
            code="stale",
        )


def _decided(proposal: Proposal, user) -> None:
    proposal.decided_by = user
    proposal.decided_at = timezone.now()
    proposal.full_clean()
    proposal.save()
