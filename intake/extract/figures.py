"""Trade figures a report states: the value in units (not millions), its unit and qualifier,
the metric and the year; and the figures that are targets, which are never statistics.

    "turnover reached USD 18 billion last year"        turnover, 18,000,000,000 usd, the year before publication
    "a little more than one billion dollars"           qualifier more_than, 1,000,000,000
    "exports grew by 12.5 per cent"                    yoy_change, 12.5 percent
    "China's share of its trade is 20%"                partner_share, 20 percent
    "to raise trade to USD 100 billion by 2030"        a target: read, marked, not proposed

Each figure's metric is the one its own words name (the nearest before it since the last
figure: "exports of USD 650 million and imports of USD 520 million" are two metrics), else the
sentence's. Which two countries it is between is the entity step's to say; this reads the
numbers.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from core.quantities import AmountError, parse_amount

NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "ten": 10, "half a": Decimal("0.5")}
_NUMBER = r"\b(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|" + "|".join(NUMBER_WORDS) + r")"
_SCALE = r"(?P<scale>thousand|million|mln|mn|m|billion|bln|bn|b|trillion|tn)\b"
# "USD 18 billion", "$1.2bn", "650 million", "18 billion dollars"; a bare number is not money
MONEY = re.compile(
    rf"(?:(?P<before>USD|US\$|\$)\s*)?{_NUMBER}(?:\s*{_SCALE})?(?:\s+(?P<after>(?:US\s+)?dollars|USD)\b)?",
    re.IGNORECASE,
)
PERCENT = re.compile(rf"\b{_NUMBER}\s*(?:%|per\s*cent\b|percent\b)", re.IGNORECASE)
QUALIFIERS = (
    ("more_than", r"(?:a\s+little\s+|just\s+|slightly\s+)?(?:more\s+than|over|above|exceeding|exceeded)\s+$"),
    ("less_than", r"(?:a\s+little\s+|just\s+|slightly\s+)?(?:less\s+than|under|below)\s+$|(?:nearly|almost)\s+$"),
    ("about", r"(?:about|around|approximately|roughly|some|an\s+estimated|close\s+to)\s+$"),
)
SHARE = re.compile(r"\bshare\b", re.IGNORECASE)  # of a partner, in percent
# the metrics a money figure can have, by the words that name them
METRICS = (
    ("exports", r"\bexports?\b|\bshipments\b|\bsold\b"),
    ("imports", r"\bimports?\b|\bbought\b|\bpurchases\b"),
    (
        "turnover",
        r"\b(?:trade\s+)?turnover\b|\b(?:bilateral|mutual|total)\s+trade\b|\btrade\s+(?:between|volume|with)\b"
        r"|\btrade\b",
    ),
)
GROWTH = re.compile(
    r"\b(?P<way>grew|rose|increased|went\s+up|jumped|fell|dropped|decreased|declined|shrank|went\s+down)\b"
    r"|\byear[- ]on[- ]year\b"
    r"|\b(?P<than>less|lower|more|higher)\s+than\s+(?:in\s+[12]\d{3}|a\s+year\s+(?:earlier|before)|the\s+year\s+before)"
    r"|\b(?P<noun>rise|increase|growth|fall|drop|decrease|decline)\s+of\s+(?=[\d.,]+\s*(?:%|per\s*cent|percent))"
    r"|\b(?P<way_word>up|down)\s+(?=[\d.,]+\s*(?:%|per\s*cent|percent))",
    re.IGNORECASE,
)
FALLING = {
    "fell",
    "dropped",
    "decreased",
    "declined",
    "shrank",
    "went down",
    "fall",
    "drop",
    "decrease",
    "decline",
    "down",
}
TARGET = re.compile(
    r"\b(?:target|goal|aim(?:s|ed)?|seek(?:s|ing)?|plan(?:s|ned)?|intend(?:s|ed)?|want(?:s|ed)?|hope(?:s|d)?"
    r"|agreed|pledged|promised)\b[^.]*?\bto\s+(?:raise|increase|bring|boost|double|triple|reach|lift|take|grow)\b"
    r"|\bto\s+(?:USD|US\$|\$)\s*[\d.,]+\s*\w*\s+by\s+(?:the\s+end\s+of\s+)?[12]\d{3}\b"
    r"|\bby\s+[12]\d{3}\b"
    r"|\b(?:target|goal)\s+of\b"
    r"|\b(?:raising|increasing|boosting|doubling|bringing|lifting|taking)\s+(?:\w+\s+){0,3}?(?:trade|turnover|exports|imports)\s+to\b",
    re.IGNORECASE,
)
# "exports of seafood", "imports of oil": a product's figure, not the country's total
PRODUCT = re.compile(
    r"\b(?:exports?|imports?|shipments|sales)\s+of\s+(?!(?:USD|US\$|\$|about|around|some|nearly|almost|over|more|less|just)\b)"
    r"(?-i:[a-z])\w+",
    re.IGNORECASE,
)
YEAR = re.compile(
    r"\b(?:in|during|for)\s+(?P<year>[12]\d{3})\b|\b(?P<last>last|this|the\s+previous|the\s+past)\s+year\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Figure:
    metric: str | None  # trade.models.TradeClaim.Metric's values; None when the words name none
    value: Decimal
    unit: str  # "usd" or "percent"
    qualifier: str  # "exact", "about", "more_than", "less_than"
    year: int | None
    target: bool
    quote: str
    span: tuple[int, int]


def find_figures(sentence: str, published: datetime.date) -> list[Figure]:
    """Every figure in the sentence, in order, each with its metric, value and year."""
    amounts = sorted(
        [(match, "usd") for match in MONEY.finditer(sentence)]
        + [(match, "percent") for match in PERCENT.finditer(sentence)],
        key=lambda found: found[0].start(),
    )
    figures, since = [], 0
    target = bool(TARGET.search(sentence))
    year = _year(sentence, published)
    for match, unit in amounts:
        value = _value(match, unit)
        if value is None:
            continue
        before = sentence[since : match.start()]
        metric = _metric(before, unit, sentence)
        if metric == "yoy_change" and (growth := GROWTH.search(sentence)) and _falling(growth):
            value = -value
        figures.append(
            Figure(
                metric=metric,
                value=value,
                unit=unit,
                qualifier=_qualifier(sentence[: match.start()]),
                year=year,
                target=target,
                quote=match.group(0),
                span=match.span(),
            )
        )
        since = match.end()
    return figures


def _falling(growth: re.Match) -> bool:
    way = (growth["way"] or growth["noun"] or growth["way_word"] or "").lower()
    return way in FALLING or (growth["than"] or "").lower() in ("less", "lower")


def _value(match: re.Match, unit: str) -> Decimal | None:
    number = match["number"].lower()
    number = str(NUMBER_WORDS.get(number, number))
    if unit == "percent":
        return Decimal(number.replace(",", ""))
    scale = (match["scale"] or "").lower()
    if not (match["before"] or match["after"] or scale):
        return None  # a bare number is not money
    try:
        value, _currency = parse_amount(f"{number} {scale}")  # the editors' own reading of an amount
    except AmountError:  # too large to be a trade figure
        return None
    return value if scale or value >= 1000 else None  # "3 dollars" is not a trade figure


def _metric(before: str, unit: str, sentence: str) -> str | None:
    """The metric the nearest words before the figure name, else the first the sentence names."""
    if unit == "percent":
        if SHARE.search(sentence):
            return "partner_share"
        return "yoy_change" if GROWTH.search(sentence) else None
    near = _metrics_named(before)
    if PRODUCT.search(before):
        return None
    if near:
        return max(near)[1]
    anywhere = _metrics_named(sentence)
    return min(anywhere)[1] if anywhere else None


def _metrics_named(text: str) -> list[tuple[int, str]]:
    return [(match.start(), metric) for metric, words in METRICS for match in re.finditer(words, text, re.IGNORECASE)]


def _qualifier(before: str) -> str:
    tail = before[-40:]
    for qualifier, words in QUALIFIERS:
        if re.search(words, tail, re.IGNORECASE):
            return qualifier
    return "exact"


def _year(sentence: str, published: datetime.date) -> int | None:
    """The year the sentence's figures are for; "higher than in 2024" names the year compared with, not it."""
    match = next((m for m in YEAR.finditer(sentence) if not re.search(r"\bthan\s+$", sentence[: m.start()])), None)
    if not match:
        return None
    if match["year"]:
        return int(match["year"])
    return published.year if match["last"].lower() == "this" else published.year - 1
