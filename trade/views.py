"""Trade pages: the explorer, and the chart data every trade chart is drawn from.

The chart data keeps each side's figures apart (docs/architecture.md: reporter and mirror are
never merged): a line is always one reporter's figures, labelled with who reports them.
"""

from django import forms
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.http import urlencode

from core.pages import page_view, render_page
from directory.models import Country
from directory.selectors import country_choices
from trade.charts import period_x
from trade.series import ANNUAL, CITATIONS, FREQUENCIES, pair_series


class ExplorerForm(forms.Form):
    FLOWS = [("turnover", "Turnover (exports + imports)"), ("export", "Exports"), ("import", "Imports")]

    reporter = forms.ChoiceField(help_text="The country whose figures you read.")
    partner = forms.ChoiceField(help_text="World is the reporter's total with everyone.")
    flow = forms.ChoiceField(choices=FLOWS, initial="turnover", required=False)
    year_from = forms.IntegerField(min_value=1800, max_value=2200, required=False, label="From year")
    year_to = forms.IntegerField(min_value=1800, max_value=2200, required=False, label="To year")
    frequency = forms.ChoiceField(
        choices=[(f, f.capitalize()) for f in FREQUENCIES], initial=ANNUAL, required=False, label="Periods"
    )
    dataset = forms.ChoiceField(
        choices=[("", "The pair’s longest series")] + [(name, name) for name in CITATIONS],
        required=False,
        help_text="Without a choice, the dataset with the most periods for the pair.",
    )

    def __init__(self, *args, countries: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reporter"].choices = [("", "Choose a country")] + countries
        self.fields["partner"].choices = [("", "Choose a partner")] + countries

    def clean(self):
        data = super().clean()
        if data.get("reporter") and data.get("reporter") == data.get("partner"):
            self.add_error("partner", "Choose a partner other than the reporter.")
        if data.get("year_from") and data.get("year_to") and data["year_from"] > data["year_to"]:
            self.add_error("year_to", "The last year comes after the first.")
        return data


# For each choice: the reporter's field, and the partner's field that mirrors it.
MIRRORS = {
    "turnover": ("turnover", "turnover"),
    "export": ("exports_to_partner", "imports_from_partner"),
    "import": ("imports_from_partner", "exports_to_partner"),
}


def explorer_rows(series: dict, flow: str) -> list[dict]:
    """Per year: the figure as the reporter reports it, the partner's mirror figure, and the gap."""
    own, mirror = MIRRORS[flow]
    rows = []
    for period in series["periods"]:
        reported = period["a_reports"][own]
        mirrored = period["b_reports"][mirror]
        reported_mark, mirror_mark = period["a_marks"][own], period["b_marks"][mirror]
        gap = gap_percent = None
        if reported is not None and mirrored is not None:
            gap = float(reported) - float(mirrored)
            gap_percent = round(gap / float(mirrored) * 100, 1) if float(mirrored) else None
        rows.append(
            {
                "year": period["year"],
                "month": period["month"],
                "x": period_x(period),
                "reported": reported,
                "reported_estimated": bool(reported_mark and reported_mark["estimated"]),
                "mirror": mirrored,
                "mirror_estimated": bool(mirror_mark and mirror_mark["estimated"]),
                "gap": gap,
                "gap_percent": gap_percent,
                "sources": period["a_reports"]["sources"],
                "mirror_sources": period["b_reports"]["sources"],
                "claims": period["claims"],
            }
        )
    return rows


def explorer_chart(series: dict, rows: list[dict], flow: str, names: dict[str, str]) -> dict:
    reporter, partner = series["a"], series["b"]
    label = dict(ExplorerForm.FLOWS)[flow]
    lines = [
        {
            "id": "reported",
            "label": f"{label}, as {names[reporter]} reports",
            "side": "a",
            "kind": "turnover",
            "points": [
                {"x": r["x"], "y": float(r["reported"]), "year": r["year"], "month": r["month"]}
                for r in rows
                if r["reported"] is not None
            ],
        },
    ]
    if partner != Country.WORLD:  # the world reports nothing back
        lines.append(
            {
                "id": "mirror",
                "label": f"Mirror: {label.lower()} as {names[partner]} reports it",
                "side": "b",
                "kind": "imports",
                "points": [
                    {"x": r["x"], "y": float(r["mirror"]), "year": r["year"], "month": r["month"]}
                    for r in rows
                    if r["mirror"] is not None
                ],
            }
        )
    has_data = any(line["points"] for line in lines)
    return {
        "a": reporter,
        "b": partner,
        "names": names,
        "lines": lines,
        "claims": [],
        "marks": [],
        "has_data": has_data,
    }


@page_view("trade.view_tradeflow")
def explorer(request):
    """Choose reporter, partner, flow and years; see each side's figures as a chart and a table."""
    countries = country_choices(world=True)
    names = {code: name.rsplit(" (", 1)[0] for code, name in countries}
    form = ExplorerForm(request.GET or None, countries=countries)
    context = {"form": form}
    if form.is_valid():
        data = form.cleaned_data
        reporter, partner, flow = data["reporter"], data["partner"], data["flow"] or "turnover"
        years = {"year_from": data["year_from"], "year_to": data["year_to"]}
        frequency = data["frequency"] or ANNUAL
        series = pair_series(a=reporter, b=partner, dataset=data["dataset"] or None, frequency=frequency, **years)
        rows = explorer_rows(series, flow)
        known_years = {k: v for k, v in years.items() if v is not None}
        # The downloads are of the series shown: its dataset and frequency, named.
        chosen = {"dataset": series["dataset"]} if series["dataset"] else {}
        context.update(
            series=series,
            reporter=reporter,
            partner=partner,
            flow=flow,
            flow_label=dict(ExplorerForm.FLOWS)[flow],
            reporter_name=names[reporter],
            partner_name=names[partner],
            page=Paginator(rows, 50).get_page(request.GET.get("page")),
            has_mirror=partner != Country.WORLD,
            chart=explorer_chart(series, rows, flow, names),
            series_csv=reverse("trade-series")
            + "?"
            + urlencode(
                {"a": reporter, "b": partner, **chosen, "frequency": frequency, **known_years, "format": "csv"}
            ),
            flows_csv=reverse("trade-flows-list")
            + "?"
            + urlencode(
                {
                    "pair": f"{reporter}-{partner}",
                    "annual": "true" if frequency == ANNUAL else "false",
                    "commodity": "TOTAL",
                    **chosen,
                    **known_years,
                    "format": "csv",
                }
            ),
            pair_url=reverse("pair", args=[f"{reporter}-{partner}"]) if partner != Country.WORLD else None,
        )
    return render_page(
        request, "trade/explorer.html", context, fragments={"trade-results": "trade/_explorer_results.html"}
    )
