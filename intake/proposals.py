"""The proposals a report gives, and those of them read from one sentence's figures, documents
and topics: trade claims, agreements and topics (intake.pipeline reads the visits and puts them
all together).

    agreement    a document named with its subject ("a memorandum on joint work in education"),
                 its kind and stage, between the sentence's countries (or the report's two)
    trade_claim  a figure with its metric and year, between the sentence's two countries (or
                 the report's); a target is never one
    topic        a negotiation topic the directory knows (by title or keyword), or a new one the
                 report names ("talks on X"), once a report
    commission_session
                 a session of a bilateral commission ("the next session of the intergovernmental
                 commission"), with its dates and status, between the sentence's countries (or
                 the report's two); no content app stores one yet: the editor records it as the
                 visit or agenda it belongs to
"""

import datetime
from collections import Counter
from dataclasses import asdict, dataclass, field

from intake.extract.agreements import find_agreements
from intake.extract.commissions import find_sessions
from intake.extract.figures import find_figures
from intake.extract.topics import find_topics


@dataclass
class Proposal:
    type: str
    fields: dict
    quote: str
    span: tuple[int, int]
    reliability: str
    speaker: str
    confidence: float
    matches: list = field(default_factory=list)

    def as_json(self) -> dict:
        body = asdict(self)
        body["span"] = list(self.span)
        body["fields"] = {name: _plain(value) for name, value in self.fields.items()}
        return body


def _plain(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "as_tuple"):  # Decimal: a JSON number as text loses nothing
        return str(value)
    return value


def trade_claims(
    sentence, offset, published, names, report_countries: Counter, base, speaker, context
) -> list[Proposal]:
    """Stated figures as trade claims. A figure the sentence gives no year takes the year of the
    report's figure before it ("... in 2016 came to ...; Russia's share was 26.4 percent"), at
    lower confidence; "X's share of Y's trade" is Y's figure of its trade with X."""
    proposals = []
    countries = countries_named(names)
    pair = countries[:2] if len(countries) >= 2 else [code for code, _ in report_countries.most_common(2)]
    if len(pair) < 2:
        return proposals
    for figure in find_figures(sentence, published):
        if figure.target or figure.metric is None:
            continue  # a target is not a statistic; a figure with no metric cannot be placed
        year = figure.year or context["year"]
        if year is None:
            continue
        context["year"] = year
        reporter, partner = pair[::-1] if figure.metric == "partner_share" and len(countries) >= 2 else pair
        if len(countries) > 2:  # "exports to Japan ... and exports to South Korea": the country named before it
            before = [m.country for m in names if m.country and m.country != reporter and m.span[1] <= figure.span[0]]
            partner = before[-1] if before else partner
        fields = {
            "reporter": reporter,
            "partner": partner,
            "year": year,
            "month": None,
            "metric": figure.metric,
            "value": figure.value,
            "unit": figure.unit,
            "qualifier": figure.qualifier,
            "stated_by_name": speaker,
        }
        proposals.append(
            Proposal(
                "trade_claim",
                fields,
                figure.quote,
                (offset + figure.span[0], offset + figure.span[1]),
                confidence=(0.9 if len(countries) >= 2 else 0.7) - (0.2 if figure.year is None else 0),
                **base,
            )
        )
    return proposals


def agreement_proposals(sentence, offset, names, report_countries: Counter, dates, base) -> list[Proposal]:
    countries = countries_named(names)
    parties = countries if len(countries) >= 2 else [code for code, _ in report_countries.most_common(2)]
    proposals = []
    for agreement in find_agreements(sentence):
        signed_on = next(
            (d.start.date for d in dates if agreement.status == "signed" and str(d.start.precision) == "day"), None
        )
        fields = {
            "title": agreement.title,
            "kind": agreement.kind,
            "status": agreement.status,
            "parties": sorted(parties),
            "signed_on": signed_on,
        }
        span = (offset + agreement.span[0], offset + agreement.span[1])
        proposals.append(
            Proposal("agreement", fields, agreement.quote, span, confidence=0.8 if parties else 0.6, **base)
        )
    return proposals


def topic_proposals(sentence, offset, documents, base, context) -> list[Proposal]:
    """The sentence's topics, each once a report (the first sentence that speaks of it is quoted)."""
    proposals = []
    for topic in find_topics(sentence, context["topics"], inside=documents):
        key = topic.topic_id if topic.topic_id is not None else topic.title.casefold()
        if key in context["topics_seen"]:
            continue
        context["topics_seen"].add(key)
        span = (offset + topic.span[0], offset + topic.span[1])
        confidence = 0.9 if topic.topic_id is not None else 0.6
        proposals.append(
            Proposal(
                "topic",
                {"title": topic.title, "topic_id": topic.topic_id},
                topic.quote,
                span,
                confidence=confidence,
                **base,
            )
        )
    return proposals


def countries_named(names) -> list[str]:
    """The countries the sentence names, each once, in order (a name of two countries is none)."""
    return list(dict.fromkeys(m.country for m in names if m.country))


def commission_sessions(sentence, offset, names, report_countries: Counter, dates, status, base) -> list[Proposal]:
    """The sentence's commission sessions; a session that is neither the next nor the last takes
    the status the sentence gives a visit (`status`, or "" when it gives none)."""
    countries = countries_named(names)
    parties = countries if len(countries) >= 2 else [code for code, _ in report_countries.most_common(2)]
    proposals = []
    for session in find_sessions(sentence):
        fields = {
            "commission": session.commission,
            "ordinal": session.ordinal,
            "parties": sorted(parties),
            "start_date": dates[0].start.date if dates else None,
            "start_precision": str(dates[0].start.precision) if dates else "",
            "status": session.status or status or "",
        }
        span = (offset + session.span[0], offset + session.span[1])
        proposals.append(
            Proposal("commission_session", fields, session.quote, span, confidence=0.7 if dates else 0.5, **base)
        )
    return proposals
