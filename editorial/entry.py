"""Entering a report from its source: one form per fact, each cited to the source as it is saved.

An editor opens or creates the report's source once (/sources/new/), then, on the source's page,
adds what the report says: a visit, a tour leg, the agreements expected at a visit, trade
figures someone stated, a topic on the agenda (with its counted outcome), a country's stance,
a participant. Each form asks only what the fact needs, its quote, reliability and speaker; the
countries and the visit are pre-filled from the page the editor came from (`?pair=RUS-TJK`,
`?visit=12`) or from what this source already reported. People, organisations and topics are
typed by name: an existing one is found by its name or alias ("Name #12" picks one of two
namesakes; the page's autocomplete offers these), and a name that matches nothing is created,
with the post the report gives for a new person.

Everything a form writes goes in one transaction: a refused form leaves nothing behind. The
first status row of a new visit or agreement is dated by the report (the source's publication
date, or the visit's own end when it is reported completed), never by the day of typing, and
cites the report.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import resolve, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from directory.models import Organisation, Person, Source
from editorial.entry_base import SourceEntryForm
from editorial.entry_forms import ENTRY_FORMS, NEEDS_VISIT
from visits.models import NegotiationTopic, Visit

LOOKUP_LIMIT = 15


def may_enter(user, name: str) -> bool:
    return user.has_perms(["directory.add_citation", *ENTRY_FORMS[name][2]])


def page_context(request) -> dict:
    """The pair or visit the editor came from (`?pair=RUS-TJK`, `?visit=12`) as form initials."""
    initial, visit_id = {}, None
    visit = None
    if request.GET.get("visit", "").isdigit():
        visit = Visit.objects.filter(pk=int(request.GET["visit"])).first()
    if visit is not None:
        visit_id = visit.pk
        a, b = visit.visitor_country_id, visit.host_country_id
    else:
        a, _, b = request.GET.get("pair", "").upper().partition("-")
    if len(a) == 3 and len(b) == 3:
        initial.update(visitor_country=a, host_country=b, reporter=b, partner=a, country=b, speaker_country=b)
    return {
        "initial": initial,
        "visit_id": visit_id,
        "query": urlencode({k: request.GET[k] for k in ("pair", "visit") if request.GET.get(k)}),
    }


def entry_forms(request, source: Source) -> dict:
    """The blank forms for a source's page, those the user may use; a bound form with errors
    (set on the request by the view) takes its blank one's place."""
    context = page_context(request)
    bound = getattr(request, "entry_forms", {})
    forms_ = {}
    for name, (form_class, heading, _) in ENTRY_FORMS.items():
        if not may_enter(request.user, name):
            continue
        form = bound.get(name) or form_class(source=source, context=context)
        if name in NEEDS_VISIT and not form.fields["visit"].queryset.exists():
            continue  # nothing to attach it to yet: add the visit first
        forms_[name] = (heading, form)
    return {"forms": forms_, "query": context["query"]}


@login_required
@require_POST
def enter(request, pk: int, name: str):
    if name not in ENTRY_FORMS:
        raise Http404
    if not may_enter(request.user, name):
        raise PermissionDenied
    source = get_object_or_404(Source.objects.select_related("outlet"), pk=pk)
    form = ENTRY_FORMS[name][0](request.POST, source=source, context=page_context(request))
    if source.published_on is None:
        form.add_error(None, "Give the source's publication date first: the facts it reports are dated by it.")
    elif form.is_valid():
        try:
            with transaction.atomic():
                record, message = form.save(request.user)
        except ValidationError as exc:
            field_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect(_source_url(source, request))
    request.entry_forms = {name: form}
    request.method = "GET"
    page = resolve(reverse("source", args=[source.pk]))
    return page.func(request, *page.args, **page.kwargs)


def field_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: a field's errors on it, the rest (named) above."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        target = field if field in form.fields else None
        form.add_error(target, errors if target else [f"{field.replace('_', ' ')}: {e}" for e in errors])


def _source_url(source, request) -> str:
    query = page_context(request)["query"]
    return reverse("source", args=[source.pk]) + (f"?{query}" if query else "")


@login_required
@require_http_methods(["GET", "POST"])
def new_source(request):
    """Create the report's source, then enter its facts on the source's page."""
    if not request.user.has_perm("directory.add_source"):
        raise PermissionDenied
    form = SourceEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                source = form.save()
        except ValidationError as exc:
            field_errors(form, exc)
        else:
            messages.success(request, f"Source added: {source}. Now add what it reports.")
            return redirect(_source_url(source, request))
    return render(request, "editing/new_source.html", {"form": form, "query": page_context(request)["query"]})


RECENT_SOURCES = 30


def recent_sources():
    """The sources entered most recently, for the pair and visit pages' "open a source" picker."""
    return list(Source.objects.select_related("outlet").order_by("-created_at", "-pk")[:RECENT_SOURCES])


LOOKUPS = {"person": Person, "organisation": Organisation, "negotiationtopic": NegotiationTopic}


@login_required
@require_GET
def lookup(request, kind: str):
    """Names for the entry forms' autocomplete: up to 15 records whose name starts a word with
    the typed text, each as "Name #id" with what tells namesakes apart."""
    model = LOOKUPS.get(kind)
    if model is None:
        raise Http404
    if not request.user.has_perm("directory.add_citation"):
        raise PermissionDenied
    term = " ".join(request.GET.get("q", "").split())[:100]
    if len(term) < 2:
        return JsonResponse({"results": []})
    field = "title" if model is NegotiationTopic else "name"
    found = model._default_manager.filter(**{f"{field}__istartswith": term}) | model._default_manager.filter(
        **{f"{field}__icontains": f" {term}"}
    )
    if model is Person:
        found = found.select_related("country")
    results = [{"value": f"{r} #{r.pk}", "label": _lookup_label(r)} for r in found.order_by(field)[:LOOKUP_LIMIT]]
    return JsonResponse({"results": results})


def _lookup_label(record) -> str:
    if isinstance(record, Person):
        return f"{record.name}" + (f" ({record.country.name})" if record.country_id else "")
    return str(record)


@login_required
@require_GET
def open_source(request):
    """The pair or visit page's source picker: to that source's page, with the page's context."""
    if not request.user.has_perm("directory.add_citation"):
        raise PermissionDenied
    pk = request.GET.get("source", "")
    source = get_object_or_404(Source, pk=int(pk)) if pk.isdigit() and len(pk) < 19 else None
    if source is None:
        raise Http404
    context = QueryDict(request.GET.get("context", ""))
    query = urlencode({k: context[k] for k in ("pair", "visit") if context.get(k)})
    return redirect(reverse("source", args=[source.pk]) + (f"?{query}" if query else ""))
