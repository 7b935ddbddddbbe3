"""The home page, and the pair picker it leads to."""

import datetime

from django import forms
from django.db.models import Count, Max, Min
from django.shortcuts import redirect
from django.utils import timezone

from agreements.models import AgreementStatusChange
from core.pages import page_view, render_page
from directory.selectors import country_choices
from trade.models import TradeFlow
from visits.models import Visit, VisitStatusChange
from visits.selectors import VISIT_RELATIONS, topics_in_motion, upcoming_visits


@page_view("visits.view_visit")
def home(request):
    """Upcoming visits, what changed this week, topics in motion, and a way into any pair."""
    since = timezone.now() - datetime.timedelta(days=7)
    context = {
        "upcoming": upcoming_visits()[:8],
        "latest": Visit.objects.filter(start_date__lte=timezone.localdate())
        .select_related(*VISIT_RELATIONS)
        .order_by("-start_date", "-id")[:8],
        "visit_changes": VisitStatusChange.objects.filter(recorded_at__gte=since)
        .select_related("visit__visitor", "visit__visitor_country", "visit__host_country")
        .order_by("-recorded_at", "-id")[:10],
        "agreement_changes": AgreementStatusChange.objects.filter(recorded_at__gte=since)
        .select_related("agreement")
        .order_by("-recorded_at", "-id")[:10],
        "new_figures": TradeFlow.objects.filter(updated_at__gte=since)
        .values("reporter__name", "reporter", "partner__name", "partner", "dataset")
        .annotate(figures=Count("id"), first_year=Min("year"), last_year=Max("year"), latest=Max("updated_at"))
        .order_by("-latest")[:10],
        "topics": topics_in_motion(),
        "pair_form": PairForm(),
    }
    return render_page(request, "timelines/home.html", context)


class PairForm(forms.Form):
    a = forms.ChoiceField(label="First country")
    b = forms.ChoiceField(label="Second country")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Choose…")] + country_choices()
        self.fields["a"].choices = self.fields["b"].choices = choices


@page_view("timelines.view_timelineentry")
def pair_picker(request):
    """The home page's 'compare two countries' form lands here and goes on to the pair page."""
    a, b = request.GET.get("a", "").upper(), request.GET.get("b", "").upper()
    if a and b and a != b:
        return redirect("pair", pair=f"{a}-{b}")
    return redirect("home")
