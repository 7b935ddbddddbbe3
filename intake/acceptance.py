"""A proposal as the entry form an editor would have filled in (editorial.entry_forms), and
accepting it through that form: the same checks, the same services, the same citation with the
quote, reliability and speaker, the same first status row dated by the report.

`entry_form(proposal, source)` is the pre-filled form the Edit button shows; `accept_with_form`
binds it with the proposal's values (or what the editor changed) and saves it. A proposal that
matches a recorded visit, claim or agreement cites that record instead of creating one, and a
visit_status proposal moves the visit through core.status.change_status.
"""

import datetime
import re

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import QueryDict

from agreements.models import Agreement
from core.fields import imprecise_text
from core.status import change_status
from directory.models import Citation, Country, Organisation, Person
from directory.services import add_person, add_position, cite, find_or_add_organisation
from editorial.entry_base import resolve_named
from editorial.entry_forms import (
    ExpectedAgreementsForm,
    StanceEntryForm,
    TradeClaimsForm,
    VisitEntryForm,
)
from trade.models import TradeClaim
from visits.models import NegotiationTopic, TopicStance, Visit
from visits.services import find_or_add_topic, join_tour, set_prepares

QUOTE_LIMIT = 500  # the citation's quote, as the entry forms take it
FORMS = {
    "visit": VisitEntryForm,
    "agreement": ExpectedAgreementsForm,
    "trade_claim": TradeClaimsForm,
    "stance": StanceEntryForm,
}
# What accepting each kind writes, as permissions (beyond changing the proposal itself)
PERMISSIONS = {
    "visit": ["directory.add_citation", "visits.add_visit"],
    "visit_status": ["directory.add_citation", "visits.change_visit"],
    "tour": ["visits.add_tour", "visits.change_visit"],
    "agreement": ["directory.add_citation", "agreements.add_agreement"],
    "trade_claim": ["directory.add_citation", "trade.add_tradeclaim"],
    "topic": ["directory.add_citation", "visits.add_negotiationtopic"],
    "stance": ["directory.add_citation", "visits.add_topicstance"],
    "person": ["directory.add_person"],
    "commission_session": ["directory.add_citation", "directory.add_organisation"],
}
# A speaker kept only when it names someone: "Dmitry Peskov", not "Tajikistan's foreign minister"
_PROPER_NAME = re.compile(r"^(?:[A-Z][\w.'-]+\s+){1,3}[A-Z][\w.'-]+$")


def quote_of(proposal) -> str:
    quote = " ".join(proposal.quote.split())
    if len(quote) <= QUOTE_LIMIT:
        return quote
    return quote[: QUOTE_LIMIT - 1].rsplit(" ", 1)[0] + "…"


def speaker_data(speaker: str) -> dict:
    """The entry form's speaker fields for what the pipeline names as the speaker."""
    speaker = " ".join(speaker.split())
    if not speaker:
        return {"speaker": "", "speaker_is": "person"}
    for model, kind in ((Person, "person"), (Organisation, "organisation")):
        try:
            found = resolve_named(model, speaker)
        except ValidationError:
            continue  # namesakes: leave it to the editor
        if found and found[0] == "found":
            return {"speaker": f"{found[1]} #{found[1].pk}", "speaker_is": kind}
    if _PROPER_NAME.match(speaker) and "'" not in speaker:
        return {"speaker": speaker, "speaker_is": "person"}
    return {"speaker": "", "speaker_is": "person"}


def form_data(proposal) -> dict:
    """The entry form's fields as the proposal fills them."""
    f = proposal.fields
    data = {"quote": quote_of(proposal), "reliability": proposal.reliability, **speaker_data(proposal.speaker)}
    if proposal.kind == "visit":
        data.update(
            visitor=f.get("visitor_name") or "",
            visitor_country=f.get("visitor_country") or "",
            host_country=f.get("host_country") or "",
            locale=f.get("locale") or "",
            start=_date_text(f.get("start_date"), f.get("start_precision")),
            end=_date_text(f.get("end_date"), f.get("end_precision")),
            kind=f.get("kind") or "",
            level=f.get("level") or "",
            status=f.get("status") or "",
        )
    elif proposal.kind == "agreement":
        data.update(title_1=f.get("title") or "", kind_1=f.get("kind") or "", status=_expected(f.get("status")))
    elif proposal.kind == "trade_claim":
        metric = f.get("metric") or ""
        data.update(reporter=f.get("reporter") or "", partner=f.get("partner") or "", year=f.get("year") or "")
        if metric:
            data[metric] = f.get("value") or ""
            data[f"{metric}_qualifier"] = f.get("qualifier") or TradeClaim.Qualifier.EXACT
    elif proposal.kind == "stance":
        topic = f.get("topic") or ""
        data.update(
            topic=f"{topic} #{f['topic_id']}" if f.get("topic_id") else topic,
            country=f.get("country") or "",
            stance=f.get("stance") or "",
        )
    return data


def _date_text(value, precision) -> str:
    """An ISO date as the form takes it ('2017-02' for a month); anything else as given, for
    the form to refuse with its own message."""
    if not value:
        return ""
    try:
        return imprecise_text(datetime.date.fromisoformat(str(value)), precision or "day")
    except ValueError:
        return str(value)


def _expected(status) -> str:
    return status if status in ("proposed", "drafting", "negotiating", "initialled") else "proposed"


def entry_form(proposal, source, data=None):
    """The entry form for the proposal: bound to `data` (the editor's, or the proposal's own
    values as a QueryDict), else unbound and pre-filled for the Edit button."""
    form_class = FORMS[proposal.kind]
    if data is None:
        return form_class(initial=form_data(proposal), source=source, context={"initial": {}})
    return form_class(data, source=source, context={"initial": {}})


def as_query(values: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in values.items():
        query[name] = "" if value is None else str(value)
    return query


def accept_with_form(proposal, sources, user, data=None):
    """(record, message): the proposal written through its entry form, cited to every source."""
    primary, others = sources[0], sources[1:]
    matched = _same_record(proposal)
    if matched is not None:
        _cite_all(matched, proposal, sources, data)
        _link_prepared(proposal, matched)
        return matched, f"{proposal.report} cited for {matched}."
    if proposal.kind == "visit_status":
        return _move_status(proposal, sources, user)
    if proposal.kind == "person":
        return _add_person(proposal)
    if proposal.kind == "tour":
        return _join_legs(proposal, primary)
    if proposal.kind == "commission_session":
        commission = _commission(proposal)
        _cite_all(commission, proposal, sources, data)
        return commission, f"Session of {commission} cited."
    if proposal.kind == "topic":
        topic = _topic(proposal)
        _cite_all(topic, proposal, sources, data)
        return topic, f"Topic cited: {topic}."
    if proposal.kind not in FORMS:
        raise ValidationError(f"A {proposal.get_kind_display().lower()} proposal is accepted with its visits.")
    if proposal.kind == "agreement" and not Visit.objects.filter(citations__source__in=sources).exists():
        raise ValidationError(
            {
                "visit": "Accept the visit it is expected at first: a report's expected agreements are recorded at a visit."
            }
        )
    if data is None:
        data = as_query({**_initials(entry_form(proposal, primary)), **form_data(proposal)})
    form = entry_form(proposal, primary, data)
    if not form.is_valid():
        raise ValidationError(_errors(form))
    record, message = form.save(user)
    if proposal.kind == "visit":
        _link_prepared(proposal, record)
    cited = Citation.objects.filter(
        source=primary, content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk)
    )
    for citation in cited.order_by("-pk")[:1]:
        for source in others:
            cite(
                record,
                source=source,
                reliability=citation.reliability,
                quote=citation.quote,
                speaker=citation.speaker,
                speaker_organisation=citation.speaker_organisation,
                reported_on=source.published_on,
                reported_precision=source.published_precision,
            )
    return record, message


def _initials(form) -> dict:
    """What the form offers before the proposal fills it: the visit the report's source is
    cited for (the one the agreements are expected at), the visit versions as loaded."""
    values = {}
    for name, field in form.fields.items():
        initial = form.initial.get(name, field.initial)
        values[name] = initial() if callable(initial) else initial
    return {name: value for name, value in values.items() if value not in (None, "")}


def _link_prepared(proposal, visit) -> None:
    """The visit the report says this one laid the ground for (intake.matching), when it has none."""
    prepared = proposal.fields.get("prepares")
    if proposal.kind == "visit" and prepared and visit.prepares_id is None:
        target = Visit.objects.filter(pk=prepared).first()
        if target is not None and target.pk != visit.pk:
            set_prepares(visit, target)


def _errors(form) -> dict:
    errors = {name: [str(e) for e in messages] for name, messages in form.errors.items()}
    if "__all__" in errors:
        errors["non_field_errors"] = errors.pop("__all__")
    return errors


def _same_record(proposal):
    same = [m for m in proposal.matches if m.get("relation") == "same"]
    if proposal.kind == "visit_status" or len(same) != 1:
        return None
    model = {"visit": Visit, "trade_claim": TradeClaim, "agreement": Agreement, "topic_stance": TopicStance}.get(
        same[0]["record"]
    )
    return model.objects.filter(pk=same[0]["id"]).first() if model else None


def _cite_all(record, proposal, sources, data) -> None:
    """Cite each of the report's sources for `record`, each dated by its own publication."""
    for source in sources:
        cite(record, source=source, **_citation_fields(proposal, source, data))


def _citation_fields(proposal, source, data) -> dict:
    values = form_data(proposal) if data is None else data
    speaker = speaker_data(values.get("speaker", ""))
    found = resolve_named(Organisation if speaker["speaker_is"] == "organisation" else Person, speaker["speaker"])
    who = {}
    if found and found[0] == "found":
        who = {"speaker_organisation" if speaker["speaker_is"] == "organisation" else "speaker": found[1]}
    return {
        "reliability": values.get("reliability") or proposal.reliability,
        "quote": values.get("quote", quote_of(proposal))[:QUOTE_LIMIT],
        "reported_on": source.published_on,
        "reported_precision": source.published_precision,
        **who,
    }


def _move_status(proposal, sources, user):
    f = proposal.fields
    visit = Visit.objects.filter(pk=f.get("visit_id")).first()
    if visit is None:
        raise ValidationError({"visit_id": f"There is no visit #{f.get('visit_id')} any more."})
    if visit.status != f.get("from_status"):
        raise ValidationError(
            {"status": f"{visit} is {visit.get_status_display().lower()} now, not {f.get('from_status')}: check it."}
        )
    citation = cite(visit, source=sources[0], **_citation_fields(proposal, sources[0], None))
    change_status(
        visit,
        to_status=f["to_status"],
        on=datetime.date.fromisoformat(f["on"]),
        precision=f.get("precision") or "day",
        user=user,
        citation=citation,
        note=f"From the report “{proposal.report}”.",
    )
    return visit, f"{visit}: {f['from_status']} → {f['to_status']}."


def _add_person(proposal):
    """The person, new; or the one of that name and country already there (a visit accepted just
    before may have added the visitor), given the post the report names if it lacks it."""
    f = proposal.fields
    name = " ".join((f.get("name") or "").split())
    country = Country.objects.filter(pk=f.get("country") or "").first()
    post = f.get("post_title") or ""
    post = post[:1].upper() + post[1:]  # as the directory writes posts: "President", "Foreign minister"
    same = list(Person.objects.named(name).filter(country=country)[:2])
    if len(same) > 1:
        raise ValidationError({"name": f"More than one {name} of {country} is in the directory: add the post by hand."})
    if not same:
        person = add_person(name=name, country=country, post=post)
        return person, f"Person added: {person}."
    person = same[0]
    if post and not person.positions.filter(title__iexact=post).exists():
        add_position(person=person, title=post, country=country)
        return person, f"{person}: post added, {post}."
    return person, f"{person} is in the directory already, with this post."


def _commission(proposal):
    """The commission the session is of: the directory's of that name, or a new one."""
    name = " ".join((proposal.fields.get("commission") or "").split())
    if not name:
        raise ValidationError({"commission": "The report names no commission."})
    return find_or_add_organisation(name=name[:1].upper() + name[1:], kind=Organisation.Kind.COMMISSION)


def _topic(proposal):
    topic_id = proposal.fields.get("topic_id")
    if topic_id and (topic := NegotiationTopic.objects.filter(pk=topic_id).first()):
        return topic
    return find_or_add_topic(proposal.fields.get("title") or "")


def _join_legs(proposal, source):
    """The tour: the legs' visits this report's source is cited for, joined in date order."""
    legs = proposal.fields.get("legs") or []
    visits = list(
        Visit.objects.filter(citations__source=source, host_country__in=legs)
        .distinct()
        .select_related("visitor", "visitor_country", "host_country")
        .order_by("start_date", "pk")
    )
    missing = [code for code in legs if code not in {v.host_country_id for v in visits}]
    if missing or len(visits) < 2:
        raise ValidationError(f"Accept the visits of its legs first ({', '.join(missing or legs)}): a tour joins them.")
    first = visits[0]
    for leg in visits[1:]:
        tour = join_tour(first, leg)
    return tour, f"Tour: {', '.join(v.host_country.name for v in visits)}."
