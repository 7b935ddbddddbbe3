"""Proposals set against each other and against what Chancery already records.

- Within a report: the same visit proposed twice (a tour's leg, then a later sentence about it)
  is one proposal, its empty fields filled from the other, its quotes joined.
- Against the records: a visit already recorded (same visitor's and host's countries, dates
  that can be the same trip) is matched as "same": accepting it cites the report on that visit
  and creates nothing. When the report moves the story on ("announced" → "completed") and the
  visit's status machine allows it, a visit_status proposal is added beside it. A report that
  contradicts the record (another day where both know the day, a status the record cannot
  reach) is a "conflict": it goes to the review queue and is not accepted by "accept all".
- A trade claim the record already has (same pair, year, metric and value) and an agreement of
  the same title between the same parties are "same" too.

Each match is a dict: {"record": "visit", "id": 12, "label": "...", "relation": "same" |
"conflict", "differences": {"field": [recorded, reported]}}. One query per proposal matched.
"""

import datetime
import re

from agreements.models import Agreement
from core.dates import DatePrecision
from directory.models import Person
from trade.models import TradeClaim
from visits.models import TopicStance, Visit

# A visit whose start is not given is looked for around the report's date.
UNDATED_WINDOW = (datetime.timedelta(days=60), datetime.timedelta(days=365))
# Two day-precise starts this close are one trip reported loosely; further apart, a conflict.
SAME_TRIP_DAYS = 3
_MERGE_FIELDS = ("locale", "start_date", "start_precision", "end_date", "end_precision", "kind", "level")


def merge_duplicates(proposals: list) -> list:
    """The report's proposals with each visit proposed more than once kept once."""
    kept: list = []
    for proposal in proposals:
        twin = next(
            (k for k in kept if proposal.type == "visit" and k.type == "visit" and _same_trip(k, proposal)), None
        )
        if twin is None:
            kept.append(proposal)
            continue
        for name in _MERGE_FIELDS:
            if twin.fields.get(name) in ("", None) and proposal.fields.get(name) not in ("", None):
                twin.fields[name] = proposal.fields[name]
        if not twin.fields.get("visitor_name") and proposal.fields.get("visitor_name"):
            twin.fields["visitor_name"] = proposal.fields["visitor_name"]
        if _RELIABILITY_RANK.get(proposal.reliability, 0) > _RELIABILITY_RANK.get(twin.reliability, 0):
            twin.reliability, twin.speaker = proposal.reliability, proposal.speaker
        twin.confidence = max(twin.confidence, proposal.confidence)
    return kept


# The better attributed of two twins' wordings is kept.
_RELIABILITY_RANK = {
    "anonymous_source": 1,
    "media_report": 2,
    "analyst_estimate": 2,
    "named_official": 3,
    "official_statement": 4,
}


def _same_trip(a, b) -> bool:
    fa, fb = a.fields, b.fields
    if (fa.get("visitor_country"), fa.get("host_country")) != (fb.get("visitor_country"), fb.get("host_country")):
        return False
    if fa.get("visitor_name") and fb.get("visitor_name") and fa["visitor_name"] != fb["visitor_name"]:
        return False
    return _dates_may_agree(
        fa.get("start_date"), fa.get("start_precision"), fb.get("start_date"), fb.get("start_precision")
    )


def _dates_may_agree(a, a_precision, b, b_precision) -> bool:
    """Two starts (ISO strings or dates, any may be empty) that can be the same trip's."""
    if not a or not b:
        return True
    a, b = _date(a), _date(b)
    coarser = max(_PRECISION_ORDER.index(a_precision or "day"), _PRECISION_ORDER.index(b_precision or "day"))
    precision = DatePrecision(_PRECISION_ORDER[coarser])
    if precision == DatePrecision.DAY:
        return abs((a - b).days) <= SAME_TRIP_DAYS
    return precision.truncate(a) == precision.truncate(b)


_PRECISION_ORDER = [p.value for p in DatePrecision]  # finest first


def _date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def match(proposals: list, published: datetime.date) -> list:
    """The proposals with their matches set, and a visit_status proposal after each matched
    visit whose status the report moves on."""
    out = []
    _visitors_countries(proposals)
    for proposal in proposals:
        finder = _FINDERS.get(proposal.type)
        proposal.matches = finder(proposal, published) if finder else []
    _prepares(proposals)
    for proposal in proposals:
        out.append(proposal)
        moved = _status_moved(proposal, published)
        if moved is not None:
            out.append(moved)
    return out


GROUNDWORK = re.compile(
    r"\b(?:laid|lay|lays|laying)\s+the\s+groundwork|\bpav(?:ed|es|ing)\s+the\s+way|\bprepar(?:ed|es|ing)\s+the\s+(?:ground|way)",
    re.IGNORECASE,
)


def _prepares(proposals) -> None:
    """A visit that "laid the groundwork" for another the report tells of, recorded already:
    `prepares` is that visit's id (accepting the first sets the link)."""
    visits = [p for p in proposals if p.type == "visit"]
    for proposal in visits:
        if not GROUNDWORK.search(proposal.quote):
            continue
        for other in visits:
            same = [m for m in other.matches if m.get("relation") == "same"]
            if other is not proposal and len(same) == 1 and _laid_for(proposal, other):
                proposal.fields["prepares"] = same[0]["id"]
                break


def _laid_for(proposal, other) -> bool:
    """The other visit is the one prepared: to the same host, by another visitor, not before it."""
    a, b = proposal.fields, other.fields
    if a.get("host_country") != b.get("host_country") or a.get("visitor_name") == b.get("visitor_name"):
        return False
    return not (a.get("start_date") and b.get("start_date") and _date(b["start_date"]) < _date(a["start_date"]))


def _visitors_countries(proposals) -> None:
    """A visitor the directory knows, named without a post, travels from their own country."""
    unplaced = [
        p
        for p in proposals
        if p.type == "visit" and p.fields.get("visitor_name") and not p.fields.get("visitor_country")
    ]
    if not unplaced:
        return
    names = {p.fields["visitor_name"] for p in unplaced}
    countries: dict[str, set] = {}
    for name, country in Person.objects.filter(name__in=names, country__isnull=False).values_list("name", "country"):
        countries.setdefault(name, set()).add(country)
    for proposal in unplaced:
        found = countries.get(proposal.fields["visitor_name"], set())
        if len(found) == 1 and found != {proposal.fields.get("host_country")}:
            proposal.fields["visitor_country"] = next(iter(found))


def _visit_matches(proposal, published) -> list[dict]:
    f = proposal.fields
    if not f.get("visitor_country") or not f.get("host_country"):
        return []
    candidates = Visit.objects.filter(visitor_country=f["visitor_country"], host_country=f["host_country"])
    if f.get("start_date"):
        start = _date(f["start_date"])
        candidates = candidates.filter(
            start_date__gte=start - datetime.timedelta(days=31), start_date__lte=start + datetime.timedelta(days=62)
        )
    else:
        before, after = UNDATED_WINDOW
        candidates = candidates.filter(start_date__gte=published - before, start_date__lte=published + after)
    found = []
    for visit in candidates.select_related("visitor", "visitor_country", "host_country").order_by("start_date")[:5]:
        if f.get("visitor_name") and visit.visitor_id and visit.visitor.name != f["visitor_name"]:
            continue
        if not _dates_may_agree(f.get("start_date"), f.get("start_precision"), visit.start_date, visit.start_precision):
            if not _both_days(f, visit):
                continue
        found.append(_visit_match(proposal, visit))
    return found[:1] if len(found) == 1 else found


def _within(day: datetime.date, visit) -> bool:
    """The day falls on the recorded visit ('arrives on the 28th' of a visit of 27–28 February)."""
    last = visit.end_date if visit.end_date and visit.end_precision == DatePrecision.DAY else visit.start_date
    return visit.start_date <= day <= last


def _both_days(fields, visit) -> bool:
    return fields.get("start_precision") == DatePrecision.DAY and visit.start_precision == DatePrecision.DAY


def _visit_match(proposal, visit) -> dict:
    f, differences = proposal.fields, {}
    if f.get("start_date") and _both_days(f, visit) and not _within(_date(f["start_date"]), visit):
        differences["start_date"] = [visit.start_date.isoformat(), _date(f["start_date"]).isoformat()]
    reported = f.get("status")
    if reported and reported != visit.status and not _may_follow(visit, reported) and not _older_news(visit, reported):
        differences["status"] = [visit.status, reported]
    return {
        "record": "visit",
        "id": visit.pk,
        "label": str(visit),
        "version": visit.version,
        "status": visit.status,
        "relation": "conflict" if differences else "same",
        "differences": differences,
    }


_LINE = ["rumoured", "announced", "confirmed", "under_way", "completed"]


def _may_follow(visit, status) -> bool:
    return status in Visit.status_machine.transitions.get(visit.status, ())


def _older_news(visit, status) -> bool:
    """A report that says less than the record already knows ('announced' of a completed visit)."""
    return visit.status in _LINE and status in _LINE and _LINE.index(status) < _LINE.index(visit.status)


def _status_moved(proposal, published):
    """A visit_status proposal when the matched visit's status may move to the reported one."""
    if proposal.type != "visit" or len(proposal.matches) != 1:
        return None
    matched = proposal.matches[0]
    reported = proposal.fields.get("status")
    if matched["relation"] != "same" or not reported or reported == matched["status"]:
        return None
    if reported not in Visit.status_machine.transitions.get(matched["status"], ()):
        return None
    on, precision = published, DatePrecision.DAY
    if reported == "completed" and proposal.fields.get("end_date"):
        on, precision = _date(proposal.fields["end_date"]), proposal.fields.get("end_precision") or DatePrecision.DAY
    elif reported in ("under_way", "completed") and proposal.fields.get("start_date"):
        on, precision = _date(proposal.fields["start_date"]), proposal.fields.get("start_precision")
    return type(proposal)(
        type="visit_status",
        fields={
            "visit_id": matched["id"],
            "from_status": matched["status"],
            "to_status": reported,
            "on": on.isoformat(),
            "precision": precision,
        },
        quote=proposal.quote,
        span=proposal.span,
        reliability=proposal.reliability,
        speaker=proposal.speaker,
        confidence=proposal.confidence,
        matches=[dict(matched)],
    )


def _claim_matches(proposal, published) -> list[dict]:
    f = proposal.fields
    if not f.get("reporter") or not f.get("partner") or f.get("value") in ("", None):
        return []
    claims = TradeClaim.objects.filter(
        reporter=f["reporter"], partner=f["partner"], year=f.get("year"), metric=f.get("metric"), value=f["value"]
    ).order_by("pk")[:1]
    return [
        {"record": "trade_claim", "id": c.pk, "label": str(c), "relation": "same", "differences": {}} for c in claims
    ]


def _agreement_matches(proposal, published) -> list[dict]:
    f = proposal.fields
    if not f.get("title"):
        return []
    agreements = Agreement.objects.filter(title__iexact=f["title"])
    for party in f.get("parties") or []:
        agreements = agreements.filter(parties=party)
    return [
        {"record": "agreement", "id": a.pk, "label": str(a), "relation": "same", "differences": {}}
        for a in agreements.distinct().order_by("pk")[:1]
    ]


def _stance_matches(proposal, published) -> list[dict]:
    """The country's recorded stance on the topic around the report's date: the same stance is
    "same" (cited), another is a conflict (a stance changes over time, but not within the month)."""
    f = proposal.fields
    if not f.get("topic_id") or not f.get("country"):
        return []
    month = datetime.timedelta(days=31)
    stances = TopicStance.objects.filter(
        topic_id=f["topic_id"], country_id=f["country"], as_of__gte=published - month, as_of__lte=published + month
    ).order_by("-as_of")[:1]
    return [
        {
            "record": "topic_stance",
            "id": s.pk,
            "label": str(s),
            "relation": "same" if s.stance == f.get("stance") else "conflict",
            "differences": {} if s.stance == f.get("stance") else {"stance": [s.stance, f.get("stance")]},
        }
        for s in stances
    ]


_FINDERS = {
    "visit": _visit_matches,
    "trade_claim": _claim_matches,
    "agreement": _agreement_matches,
    "stance": _stance_matches,
}
