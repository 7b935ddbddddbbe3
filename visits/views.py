"""Visit and people pages: the visits list, a visit, a person, the topics list.

Sections that need apps visits does not depend on (the agreements signed at a visit, the
pair's trade around it) are brought in by the template through chancery's template tags.
"""

from django import forms
from django.db.models import Q
from django.shortcuts import get_object_or_404

from core.pages import page_view, paginate, render_page, wants
from directory.forms import ListFilterForm
from directory.models import Citation, Person
from directory.selectors import citations_of
from visits.models import NegotiationTopic, Visit
from visits.selectors import VISIT_RELATIONS
from visits.titles import TITLE_LEVELS

# Posts whose holder receives visiting heads of state or government: "President", "King"...
HEAD_TITLES = tuple(title for title, level in TITLE_LEVELS.items() if level == Visit.Level.HEAD)


class VisitFilterForm(ListFilterForm):
    lookups = {
        "status": "status__in",
        "kind": "kind",
        "level": "level",
        "year_from": "start_date__year__gte",
        "year_to": "start_date__year__lte",
    }

    country = forms.ChoiceField(required=False, help_text="Visits made or hosted.")
    status = forms.MultipleChoiceField(
        choices=Visit.Status.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    kind = forms.ChoiceField(choices=[("", "Any kind")] + Visit.Kind.choices, required=False)
    level = forms.ChoiceField(choices=[("", "Any level")] + Visit.Level.choices, required=False)
    year_from = forms.IntegerField(min_value=1700, max_value=2200, required=False, label="From year")
    year_to = forms.IntegerField(min_value=1700, max_value=2200, required=False, label="To year")
    upcoming = forms.BooleanField(required=False, label="Upcoming only")

    def filter_country(self, visits, code):
        return visits.involving(code)

    def filter_upcoming(self, visits, upcoming):
        return visits.upcoming()


@page_view("visits.view_visit")
def visit_list(request):
    """All visits, newest first (soonest first for upcoming ones), filtered and paged."""
    form = VisitFilterForm(request.GET or None)
    visits = Visit.objects.select_related(*VISIT_RELATIONS).order_by("-start_date", "-id")
    if form.is_bound and form.is_valid():
        visits = form.filter(visits)
    page = paginate(request, visits)
    return render_page(
        request,
        "visits/visit_list.html",
        {"form": form, "page": page},
        fragments={"visit-results": "visits/_visit_results.html"},
    )


@page_view("visits.view_visit")
def visit_detail(request, pk: int):
    """Who went where and when, its status history, tour, groundwork, agenda and sources."""
    visit = get_object_or_404(
        Visit.objects.select_related(
            *VISIT_RELATIONS,
            "tour__traveller",
            "prepares__visitor",
            "prepares__visitor_country",
            "prepares__host_country",
        ),
        pk=pk,
    )
    agenda = list(visit.agenda_items.select_related("topic"))
    agenda_citations = {}
    for citation in citations_of(*agenda):
        agenda_citations.setdefault(citation.object_id, []).append(citation)
    for item in agenda:
        item.sources = agenda_citations.get(str(item.pk), [])
    tour_legs = (
        list(
            Visit.objects.filter(tour_id=visit.tour_id)
            .select_related(*VISIT_RELATIONS)
            .order_by("start_date", "id")[:50]
        )
        if visit.tour_id
        else []
    )
    context = {
        "visit": visit,
        "pair": "-".join(sorted([visit.visitor_country_id, visit.host_country_id])),
        "status_changes": visit.status_changes.select_related("recorded_by", "citation__source__outlet"),
        "tour_legs": tour_legs,
        "prepared_by": visit.prepared_by.select_related(*VISIT_RELATIONS).order_by("start_date", "id")[:50],
        "participants": visit.participants.select_related("person"),
        "agenda": agenda,
        "citations": citations_of(visit),
    }
    return render_page(request, "visits/visit_detail.html", context)


def visits_hosted_condition(person: Person, positions) -> Q:
    """Visits a person hosted: those they took part in at home, and, while they held a head of
    state or government post, visits by other leaders to the country of that post."""
    condition = Q(participants__person=person, host_country=person.country_id) if person.country_id else Q(pk__in=[])
    for post in positions:
        country = post.country_id or (post.organisation.country_id if post.organisation_id else None)
        if not country or not post.start_date:
            continue
        if not any(post.title == head or post.title.startswith(head + " ") for head in HEAD_TITLES):
            continue
        during = Q(start_date__gte=post.start_date) & (Q(start_date__lte=post.end_date) if post.end_date else Q())
        condition |= Q(host_country=country, level=Visit.Level.HEAD) & during
    return condition


@page_view("directory.view_person")
def person_detail(request, pk: int):
    """A person's posts, the visits they made and hosted, and what they were quoted as saying."""
    person = get_object_or_404(Person.objects.select_related("country"), pk=pk)
    positions = list(person.positions.select_related("organisation", "country").order_by("-start_date", "-id"))
    visits = Visit.objects.select_related(*VISIT_RELATIONS).order_by("-start_date", "-id")
    context = {"person": person, "positions": positions, "aliases": person.aliases.all()}
    if wants(request, "visits-made"):
        made = visits.filter(
            Q(visitor=person) | Q(participants__person=person) & ~Q(host_country=person.country_id)
        ).distinct()
        context["made"] = paginate(request, made, param="made")
    if wants(request, "visits-hosted"):
        hosted = visits.filter(visits_hosted_condition(person, positions)).exclude(visitor=person).distinct()
        context["hosted"] = paginate(request, hosted, param="hosted")
    if wants(request, "statements"):
        context["statements"] = paginate(
            request,
            Citation.objects.filter(speaker=person)
            .select_related("source__outlet", "content_type")
            .order_by("-reported_on", "-id"),
            param="statements",
            per_page=10,
        )
    return render_page(
        request,
        "visits/person_detail.html",
        context,
        fragments={
            "visits-made": "visits/_person_made.html",
            "visits-hosted": "visits/_person_hosted.html",
            "statements": "visits/_person_statements.html",
        },
    )


@page_view("visits.view_negotiationtopic")
def topic_list(request):
    """The negotiation topics, those still open first, each with its countries."""
    status = request.GET.get("status", "")
    topics = NegotiationTopic.objects.prefetch_related("countries").order_by("title")
    if status in NegotiationTopic.Status.values:
        topics = topics.filter(status=status)
    page = paginate(request, topics)
    return render_page(
        request,
        "visits/topic_list.html",
        {"page": page, "status": status, "statuses": NegotiationTopic.Status.choices},
        fragments={"topic-results": "visits/_topic_results.html"},
    )
