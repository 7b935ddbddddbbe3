"""Trade figures as the pages' charts draw them (static/js/charts.js): series and visit marks."""

import calendar
import datetime

from core.pages import date_span
from trade.models import TradeClaim


def fractional_year(day: datetime.date) -> float:
    """2017-07-02 -> 2017.5: the chart's x axis, on which an annual figure sits mid-year."""
    first = datetime.date(day.year, 1, 1)
    length = 366 if calendar.isleap(day.year) else 365
    return round(day.year + (day - first).days / length, 4)


def _number(value: str | None) -> float | None:
    return None if value is None else float(value)


def period_x(period: dict) -> float:
    """Where a period's figure sits on the years' axis: mid-year, or mid-month for a month."""
    if period["month"] is None:
        return period["year"] + 0.5
    return round(period["year"] + (period["month"] - 0.5) / 12, 4)


def pair_chart_data(series: dict, *, names: dict[str, str], marks: list[dict] = ()) -> dict:
    """What static/js/charts.js draws for a pair: each side's lines, stated claims, marks.

    `marks` are things to mark over the period they cover, such as visits: dicts with
    start, precision, end, end_precision, label and url.

    A series is annual or monthly, never both (trade.series), so the periods share one axis.
    Claims in US dollars are plotted beside the statistic they speak to; percentage claims
    are in the page's table. A point's `estimated` says the publisher estimated its figure.
    """
    a, b = series["a"], series["b"]
    periods = series["periods"]
    lines = []
    for reporter, partner, side in ((a, b, "a"), (b, a, "b")):
        for key, field, label in (
            ("turnover", "turnover", f"Turnover with {names[partner]}"),
            ("exports", "exports_to_partner", f"Exports to {names[partner]}"),
            ("imports", "imports_from_partner", f"Imports from {names[partner]}"),
        ):
            points = [
                {
                    "x": period_x(period),
                    "y": _number(period[f"{side}_reports"][field]),
                    "year": period["year"],
                    "month": period["month"],
                    "estimated": period[f"{side}_marks"][field]["estimated"],
                }
                for period in periods
                if period[f"{side}_reports"][field] is not None
            ]
            lines.append(
                {
                    "id": f"{key}:{reporter}",
                    "label": f"{label}, as {names[reporter]} reports",
                    "reporter": reporter,
                    "side": "a" if reporter == a else "b",
                    "kind": key,
                    "points": points,
                }
            )
    has_turnover = any(line["points"] for line in lines if line["kind"] == "turnover")
    for line in lines:
        # Turnover needs both flows; with exports alone (as most extracts give) show the flows.
        line["hidden"] = (line["kind"] != "turnover") if has_turnover else (line["kind"] == "turnover")
    claims = [
        {
            "x": period_x(period),
            "y": float(claim["value"]),
            "label": f"{claim['stated_by'] or names[claim['reported_by']]}: {claim['qualifier_label'].lower()} "
            f"{claim['value']} USD ({claim['metric_label'].lower()}, {period['year']})",
            "side": "a" if claim["reported_by"] == a else "b",
        }
        for period in periods
        for claim in period["claims"]
        if claim["unit"] == TradeClaim.Unit.USD
    ]
    has_data = bool(claims) or any(line["points"] for line in lines)
    return {
        "a": a,
        "b": b,
        "names": names,
        "lines": lines,
        "claims": claims,
        "marks": chart_marks(marks),
        "has_data": has_data,
    }


def chart_marks(marks: list[dict]) -> list[dict]:
    """Marks (see pair_chart_data) as static/js/charts.js draws them: bands over the years' axis."""
    marked = []
    for mark in marks:
        first, after = date_span(mark["start"], mark["precision"], mark.get("end"), mark.get("end_precision"))
        marked.append(
            {"x0": fractional_year(first), "x1": fractional_year(after), "label": mark["label"], "url": mark["url"]}
        )
    return marked
