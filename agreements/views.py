"""Agreement pages: the list, one agreement with its status history and drafts, one draft's changes."""

import difflib

from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404

from agreements.drafts import diff_summary, side_by_side_diff
from agreements.models import Agreement, AgreementStatusChange, DraftVersion
from agreements.selectors import with_parties
from core.pages import page_view, paginate, render_page
from directory.forms import ListFilterForm
from directory.selectors import citations_of

# The main line an agreement follows; the small timeline on its page shows where it is on it.
MAIN_LINE = [
    Agreement.Status.PROPOSED,
    Agreement.Status.DRAFTING,
    Agreement.Status.NEGOTIATING,
    Agreement.Status.INITIALLED,
    Agreement.Status.SIGNED,
    Agreement.Status.RATIFIED,
    Agreement.Status.IN_FORCE,
]


class AgreementFilterForm(ListFilterForm):
    lookups = {"country": "parties", "status": "status", "kind": "kind"}

    country = forms.ChoiceField(required=False, help_text="Agreements it is a party to.")
    status = forms.ChoiceField(choices=[("", "Any status")] + Agreement.Status.choices, required=False)
    kind = forms.ChoiceField(choices=[("", "Any kind")] + Agreement.Kind.choices, required=False)


@page_view("agreements.view_agreement")
def agreement_list(request):
    form = AgreementFilterForm(request.GET or None)
    agreements = with_parties(Agreement.objects.order_by("-updated_at", "-id"))
    if form.is_bound and form.is_valid():
        agreements = form.filter(agreements)
    page = paginate(request, agreements)
    return render_page(
        request,
        "agreements/agreement_list.html",
        {"form": form, "page": page},
        fragments={"agreement-results": "agreements/_agreement_results.html"},
    )


def status_steps(agreement: Agreement, changes: list[AgreementStatusChange]) -> list[dict]:
    """The small timeline: each step of the main line, reached (with when) or still ahead.

    A step skipped on the way (a report may jump from proposed to signed) shows as passed
    without a date; a status off the main line (suspended, abandoned...) is added where it
    happened.
    """
    reached = {}
    for change in changes:
        reached.setdefault(change.to_status, change)
    current_index = MAIN_LINE.index(agreement.status) if agreement.status in MAIN_LINE else None
    furthest = max((MAIN_LINE.index(c.to_status) for c in changes if c.to_status in MAIN_LINE), default=-1)
    steps = []
    for index, status in enumerate(MAIN_LINE):
        change = reached.get(status)
        if change is not None:
            state = "current" if index == current_index else "done"
        else:
            state = "skipped" if index < furthest else "ahead"
        steps.append({"status": status, "label": Agreement.Status(status).label, "change": change, "state": state})
    for change in changes:
        if change.to_status not in MAIN_LINE:
            steps.append(
                {"status": change.to_status, "label": change.get_to_status_display(), "change": change, "state": "off"}
            )
    return steps


@page_view("agreements.view_agreement")
def agreement_detail(request, pk: int):
    """Parties, where the agreement stands, its history, drafts, topics and sources."""
    agreement = get_object_or_404(
        Agreement.objects.select_related(
            "signed_at_visit__visitor",
            "signed_at_visit__visitor_country",
            "signed_at_visit__host_country",
            "expected_at_visit__visitor",
            "expected_at_visit__visitor_country",
            "expected_at_visit__host_country",
        ),
        pk=pk,
    )
    parties = list(agreement.parties.order_by("name"))
    changes = list(agreement.status_changes.select_related("recorded_by", "citation__source__outlet"))
    drafts = paginate(
        request,
        agreement.drafts.select_related("author").defer("text").order_by("-number"),
        param="drafts",
        per_page=10,
    )
    context = {
        "agreement": agreement,
        "parties": parties,
        "pair": "-".join(sorted(country.pk for country in parties)) if len(parties) == 2 else None,
        "changes": changes,
        "steps": status_steps(agreement, changes),
        "drafts": drafts,
        "topics": agreement.topics.order_by("title"),
        "citations": citations_of(agreement),
    }
    return render_page(
        request, "agreements/agreement_detail.html", context, fragments={"drafts": "agreements/_drafts.html"}
    )


@page_view("agreements.view_draftversion")
def draft_detail(request, pk: int, number: int):
    """One draft's text and what changed from the draft before it (two queries)."""
    agreement = get_object_or_404(Agreement.objects.only("id", "title"), pk=pk)
    drafts = {
        d.number: d
        for d in DraftVersion.objects.filter(agreement=agreement, number__in=[number - 1, number]).select_related(
            "author"
        )
    }
    if number not in drafts:
        raise Http404("No such draft.")
    draft, previous = drafts[number], drafts.get(number - 1)
    diff = []
    if previous is not None:
        for line in difflib.unified_diff(previous.text.splitlines(), draft.text.splitlines(), lineterm="", n=2):
            if line.startswith(("---", "+++")):
                continue
            kind = (
                "hunk"
                if line.startswith("@@")
                else "added"
                if line.startswith("+")
                else "removed"
                if line.startswith("-")
                else "same"
            )
            diff.append({"kind": kind, "text": line})
    return render_page(
        request,
        "agreements/draft_detail.html",
        {"agreement": agreement, "draft": draft, "previous": previous, "diff": diff},
    )


@page_view("agreements.view_draftversion")
def draft_compare(request, pk: int):
    """Any two drafts side by side, changed lines and words highlighted (`?a=1&b=3`)."""
    agreement = get_object_or_404(Agreement.objects.only("id", "title"), pk=pk)
    numbers = list(DraftVersion.objects.filter(agreement=agreement).order_by("number").values_list("number", flat=True))
    try:
        a, b = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
    except ValueError:
        a, b = (numbers[-2], numbers[-1]) if len(numbers) >= 2 else (None, None)
    if a not in numbers or b not in numbers:
        # Checked here, not by the query: a number too large for the database is a 404 too.
        raise Http404("Choose two drafts of this agreement.")
    drafts = {d.number: d for d in DraftVersion.objects.filter(agreement=agreement, number__in=[a, b])}
    table = side_by_side_diff(drafts[a].text, drafts[b].text, old_label=f"Draft {a}", new_label=f"Draft {b}")
    return render_page(
        request,
        "agreements/draft_compare.html",
        {
            "agreement": agreement,
            "numbers": numbers,
            "a": a,
            "b": b,
            "table": table,
            "summary": diff_summary(drafts[a].text, drafts[b].text),
        },
    )
