"""Dates in a report, read against its publication date and kept as precise as the words are.

"on 28 February" is a day, "in April" a month, "late last year" a year, "next week" the month
(or the two months) the week falls in: never a day the report does not name. A day or month
named without its year takes the year that puts it nearest the publication date in the
direction the sentence looks: a visit that "will" happen looks forward (the date is on or after
publication), one that "took place" looks back (on or before), and with no direction, the
nearest. The caller reads the direction from the sentence (intake.extract.status).

Not dateparser: issue 18 found it inventing spans and leaning bare dates to the future for
phrases like these. These are the rules instead, each in the table of tests/intake/test_dates.py.
"""

import datetime
import enum
import re
from dataclasses import dataclass

from core.dates import DatePrecision
from core.fields import ImpreciseDate
from core.values import FIRST_YEAR, LAST_YEAR


class Looking(enum.Enum):
    """Which way a sentence looks from its publication date."""

    FORWARD = "forward"
    BACK = "back"
    NEAREST = "nearest"


@dataclass(frozen=True)
class DateMention:
    """A date the text names: its words, their character span, and the date (or span of dates)."""

    text: str
    span: tuple[int, int]
    start: ImpreciseDate
    end: ImpreciseDate | None = None


MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
WEEKDAYS = {name: number for number, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday"))}
WEEKDAYS.update(saturday=5, sunday=6)
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}

# Full names as they are; abbreviations may take a dot ("Feb."), full names never (a dot after
# "April" ends the sentence).
_MONTH = (
    r"(?P<month>"
    + "|".join(
        name if len(name) > 4 or name in ("may", "june", "july") else rf"{name}\.?"
        for name in sorted(MONTHS, key=len, reverse=True)
    )
    + ")"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>[12]\d{3}))?"
_PART = r"(?:(?P<part>early|mid|late|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of)[\s-]+)?"
_WORD_END = r"(?![\w-])"

PATTERNS = {
    "day_range": re.compile(
        rf"\b(?P<first>[0-3]?\d)(?:st|nd|rd|th)?\s*(?:-|–|to|and)\s*{_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR}{_WORD_END}",
        re.IGNORECASE,
    ),
    "month_day_range": re.compile(
        rf"\b{_MONTH}\s+(?P<first>[0-3]?\d)(?:st|nd|rd|th)?\s*(?:-|–|to|and)\s*{_DAY}{_YEAR}{_WORD_END}", re.IGNORECASE
    ),
    "day_month": re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR}{_WORD_END}", re.IGNORECASE),
    "month_day": re.compile(rf"\b{_MONTH}\s+{_DAY}{_YEAR}{_WORD_END}", re.IGNORECASE),
    "month": re.compile(rf"\b{_PART}{_MONTH}(?:\s+(?:of\s+)?(?P<year>[12]\d{{3}}))?{_WORD_END}", re.IGNORECASE),
    "weekday": re.compile(
        r"\b(?:(?P<which>next|last|this|coming|past)\s+)?(?P<weekday>"
        + "|".join(WEEKDAYS)
        + r")(?:\s+(?P<which_after>next|last))?\b",
        re.IGNORECASE,
    ),
    "relative_day": re.compile(r"\b(?P<word>today|yesterday|tomorrow|tonight)\b", re.IGNORECASE),
    "relative": re.compile(
        rf"\b{_PART}(?P<which>this|next|last|the\s+coming|the\s+following|the\s+past|the\s+previous)\s+"
        r"(?P<unit>week|month|year)\b",
        re.IGNORECASE,
    ),
    "later_this": re.compile(
        r"\b(?P<part>later|earlier)\s+(?:this|in\s+the)\s+(?P<unit>week|month|year)\b", re.IGNORECASE
    ),
    # "at the end of the month": this month (or week, or year), the part not narrowed further
    "part_of_the": re.compile(
        r"\b(?:the\s+)?(?:end|beginning|start|middle)\s+of\s+the\s+(?P<unit>week|month|year)\b", re.IGNORECASE
    ),
    "year": re.compile(
        rf"\b(?:(?:in|during|since|until|by|from|of)\s+){_PART}(?P<year>[12]\d{{3}})(?!\d|[,.]\d|\s*(?:bn|billion|million))\b",
        re.IGNORECASE,
    ),
}
# A month name that is also a word ("may", "march") counts only beside a day, a year or a part.
_AMBIGUOUS_MONTHS = {"may", "mar", "march", "jun", "dec", "sep", "oct", "jan", "aug", "nov", "apr", "feb", "jul"}
_NAMES_A_DAY = {"day_range", "month_day_range", "day_month", "month_day"}
DURATION = re.compile(r"\b(?P<count>\d{1,2}|" + "|".join(NUMBER_WORDS) + r")[- ]day\b", re.IGNORECASE)


def find_dates(text: str, published: datetime.date, looking: Looking = Looking.NEAREST) -> list[DateMention]:
    """Every date `text` names, in order, read against `published`. Where two readings overlap
    ("15-16 September" holds "16 September") the longer one stands."""
    found, refused = [], []
    for kind, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            mention = _READERS[kind](match, published, looking)
            if mention is not None:
                found.append(mention)
            elif kind in _NAMES_A_DAY:  # "31 February": not read as February either
                refused.append(match.span())
    found = [m for m in found if not any(m.span[0] < end and start < m.span[1] for start, end in refused)]
    found.sort(key=lambda mention: (mention.span[0], mention.span[0] - mention.span[1]))
    kept, reached = [], -1
    for mention in found:
        if mention.span[0] >= reached:
            kept.append(mention)
            reached = mention.span[1]
    return kept


def duration_days(text: str) -> int | None:
    """The length a text gives a visit: "a three-day visit" is 3; None when it gives none."""
    match = DURATION.search(text)
    if not match:
        return None
    count = match["count"].lower()
    return NUMBER_WORDS.get(count) or int(count)


def visit_end(start: ImpreciseDate, days: int | None) -> ImpreciseDate | None:
    """The last day of a visit `days` long from `start`: only when `start` is known to the day."""
    if not days or days < 2 or start.precision != DatePrecision.DAY:
        return None
    return ImpreciseDate(start.date + datetime.timedelta(days=days - 1), DatePrecision.DAY)


def visit_start(end: ImpreciseDate, days: int | None) -> ImpreciseDate | None:
    """The first day of a visit `days` long that ended on `end`: only when `end` is known to the day."""
    if not days or days < 1 or end.precision != DatePrecision.DAY:
        return None
    return ImpreciseDate(end.date - datetime.timedelta(days=days - 1), DatePrecision.DAY)


def _mention(match: re.Match, start: ImpreciseDate | None, end: ImpreciseDate | None = None) -> DateMention | None:
    if start is None or not FIRST_YEAR <= start.date.year <= LAST_YEAR:
        return None
    return DateMention(match.group(0), match.span(), start, end)


def _day(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:  # 31 February: not a date, and not guessed into one
        return None


def _pick(candidates: list[datetime.date], published: datetime.date, looking: Looking) -> datetime.date | None:
    """Of dates a year apart, the one the direction picks."""
    if looking == Looking.FORWARD:
        ahead = [candidate for candidate in candidates if candidate >= published]
        return min(ahead) if ahead else None
    if looking == Looking.BACK:
        behind = [candidate for candidate in candidates if candidate <= published]
        return max(behind) if behind else None
    return min(candidates, key=lambda candidate: abs((candidate - published).days), default=None)


def _dated(year, month: int, day: int | None, published: datetime.date, looking: Looking) -> datetime.date | None:
    """A day (or, with `day` None, a month's first day) in the year given, or the year `looking` picks."""
    if year:
        return _day(int(year), month, day or 1)
    candidates = [
        d for y in (published.year - 1, published.year, published.year + 1) if (d := _day(y, month, day or 1))
    ]
    if day is None:  # a month is "ahead" while it has not ended
        return _pick(candidates, published.replace(day=1), looking)
    return _pick(candidates, published, looking)


def _month(match: re.Match) -> int:
    return MONTHS[match["month"].lower().rstrip(".")]


def _read_day_range(match, published, looking):
    month = _month(match)
    end = _dated(match["year"], month, int(match["day"]), published, looking)
    if end is None or not 1 <= int(match["first"]) < end.day:
        return None
    start = end.replace(day=int(match["first"]))
    return _mention(match, ImpreciseDate(start, DatePrecision.DAY), ImpreciseDate(end, DatePrecision.DAY))


def _read_day(match, published, looking):
    day = _dated(match["year"], _month(match), int(match["day"]), published, looking)
    return _mention(match, day and ImpreciseDate(day, DatePrecision.DAY))


def _read_month(match, published, looking):
    name = match["month"].lower().rstrip(".")
    if name in _AMBIGUOUS_MONTHS and not (match["year"] or match["part"]) and not _after_in(match):
        return None
    first = _dated(match["year"], MONTHS[name], None, published, looking)
    return _mention(match, first and ImpreciseDate(first, DatePrecision.MONTH))


def _after_in(match: re.Match) -> bool:
    """'in April', 'of April', 'until April': a month name used as a month."""
    before = match.string[max(0, match.start() - 8) : match.start()].lower().split()
    return bool(before) and before[-1] in {"in", "of", "since", "until", "by", "from", "early", "late", "mid", "this"}


def _read_weekday(match, published, looking):
    weekday = WEEKDAYS[match["weekday"].lower()]
    which = (match["which"] or match["which_after"] or "").lower()
    if which in ("last", "past"):
        looking = Looking.BACK
    elif which in ("next", "coming"):
        looking = Looking.FORWARD
    ahead = (weekday - published.weekday()) % 7 or 7
    behind = (published.weekday() - weekday) % 7 or 7
    if which == "this":
        offset = weekday - published.weekday()  # the named day of the publication's own week
    elif looking == Looking.FORWARD:
        offset = ahead
    elif weekday == published.weekday() and not which:
        offset = 0  # "arrived on Wednesday" in Wednesday's report: the day itself ("last Wednesday" is not)
    elif looking == Looking.BACK:
        offset = -behind
    else:
        offset = ahead if ahead <= behind else -behind
    return _mention(match, ImpreciseDate(published + datetime.timedelta(days=offset), DatePrecision.DAY))


def _read_relative_day(match, published, looking):
    offset = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[match["word"].lower()]
    return _mention(match, ImpreciseDate(published + datetime.timedelta(days=offset), DatePrecision.DAY))


def _read_relative(match, published, looking):
    which = re.sub(r"\s+", " ", match["which"].lower())
    step = {"this": 0, "next": 1, "the coming": 1, "the following": 1, "last": -1, "the past": -1, "the previous": -1}
    return _unit(match, published, match["unit"].lower(), step[which], looking if step[which] == 0 else None)


def _read_later_this(match, published, looking):
    part = Looking.FORWARD if match["part"].lower() == "later" else Looking.BACK
    return _unit(match, published, match["unit"].lower(), 0, part)


def _unit(match, published: datetime.date, unit: str, step: int, within: Looking | None):
    """This, next or last week, month or year, as a month or a year: a week is the month it falls
    in, or the two months it spans; `within` keeps only this week's days ahead of or behind
    publication."""
    if unit == "year":
        return _mention(match, ImpreciseDate(datetime.date(published.year + step, 1, 1), DatePrecision.YEAR))
    if unit == "month":
        month = published.month - 1 + step
        first = datetime.date(published.year + month // 12, month % 12 + 1, 1)
        return _mention(match, ImpreciseDate(first, DatePrecision.MONTH))
    monday = published - datetime.timedelta(days=published.weekday()) + datetime.timedelta(weeks=step)
    first, last = monday, monday + datetime.timedelta(days=6)
    if within == Looking.FORWARD:
        first = published
    elif within == Looking.BACK:
        last = published
    start = ImpreciseDate(first.replace(day=1), DatePrecision.MONTH)
    if (first.year, first.month) == (last.year, last.month):
        return _mention(match, start)
    return _mention(match, start, ImpreciseDate(last.replace(day=1), DatePrecision.MONTH))


def _read_part_of_the(match, published, looking):
    return _unit(match, published, match["unit"].lower(), 0, None)


def _read_year(match, published, looking):
    return _mention(match, ImpreciseDate(datetime.date(int(match["year"]), 1, 1), DatePrecision.YEAR))


_READERS = {
    "day_range": _read_day_range,
    "month_day_range": _read_day_range,
    "day_month": _read_day,
    "month_day": _read_day,
    "month": _read_month,
    "weekday": _read_weekday,
    "relative_day": _read_relative_day,
    "relative": _read_relative,
    "later_this": _read_later_this,
    "part_of_the": _read_part_of_the,
    "year": _read_year,
}
