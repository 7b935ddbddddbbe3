"""Dates read from a report against its publication date, as precise as the words and no more
(intake.extract.dates). The publication dates: Monday 20 February 2017 unless a case says."""

import datetime

import pytest

from core.dates import DatePrecision, format_imprecise_range
from core.fields import ImpreciseDate
from intake.extract.dates import Looking, duration_days, find_dates, visit_end

MONDAY = datetime.date(2017, 2, 20)
FORWARD, BACK, NEAREST = Looking.FORWARD, Looking.BACK, Looking.NEAREST


def read(text: str, published=MONDAY, looking=NEAREST) -> list[tuple[str, str, str]]:
    """Each mention as (its words, the date as Chancery shows it, the start's precision)."""
    return [
        (
            mention.text,
            format_imprecise_range(
                mention.start.date,
                mention.start.precision,
                mention.end and mention.end.date,
                mention.end.precision if mention.end else "",
            ),
            str(mention.start.precision),
        )
        for mention in find_dates(text, published, looking)
    ]


@pytest.mark.parametrize(
    ("text", "published", "looking", "expected"),
    [
        # a day named without its year: the year the sentence's direction picks
        ("The president will arrive on February 28.", MONDAY, FORWARD, [("February 28", "28 Feb 2017", "day")]),
        ("He arrived on 28 February.", datetime.date(2017, 3, 2), BACK, [("28 February", "28 Feb 2017", "day")]),
        ("They will meet on 28 February.", datetime.date(2017, 3, 2), FORWARD, [("28 February", "28 Feb 2018", "day")]),
        ("The talks on 27 January prepared it.", MONDAY, BACK, [("27 January", "27 Jan 2017", "day")]),
        ("Signed on 3rd of March, 2016.", MONDAY, NEAREST, [("3rd of March, 2016", "3 Mar 2016", "day")]),
        # weekdays and the days next to publication
        ("The delegation arrives on Friday.", MONDAY, FORWARD, [("Friday", "24 Feb 2017", "day")]),
        ("The delegation arrived on Friday.", MONDAY, BACK, [("Friday", "17 Feb 2017", "day")]),
        ("They met last Tuesday.", MONDAY, FORWARD, [("last Tuesday", "14 Feb 2017", "day")]),
        # the publication's own weekday is that day, whatever the tense; "last Monday" a week back
        ("The talks ended on Monday.", MONDAY, BACK, [("Monday", "20 Feb 2017", "day")]),
        ("They met last Monday.", MONDAY, BACK, [("last Monday", "13 Feb 2017", "day")]),
        ("Talks ended yesterday.", MONDAY, NEAREST, [("yesterday", "19 Feb 2017", "day")]),
        ("He arrived in Riyadh on Monday.", MONDAY, NEAREST, [("Monday", "20 Feb 2017", "day")]),
        ("He flies out tomorrow.", MONDAY, NEAREST, [("tomorrow", "21 Feb 2017", "day")]),
        # weeks: the month they fall in, or both months, never a day
        ("The visit is planned for next week.", MONDAY, FORWARD, [("next week", "Feb 2017 – Mar 2017", "month")]),
        (
            "The visit is planned for next week.",
            datetime.date(2017, 2, 6),
            FORWARD,
            [("next week", "Feb 2017", "month")],
        ),
        ("He is due this week.", datetime.date(2017, 3, 1), FORWARD, [("this week", "Mar 2017", "month")]),
        ("He came this week.", datetime.date(2017, 3, 1), BACK, [("this week", "Feb 2017 – Mar 2017", "month")]),
        ("They spoke last week.", MONDAY, NEAREST, [("last week", "Feb 2017", "month")]),
        # months and years, with their parts
        ("A session is expected later this month.", MONDAY, FORWARD, [("later this month", "Feb 2017", "month")]),
        ("He might visit later in the year.", MONDAY, FORWARD, [("later in the year", "2017", "year")]),
        ("A visit at the end of the month.", MONDAY, FORWARD, [("the end of the month", "Feb 2017", "month")]),
        ("The forum opens early next month.", MONDAY, FORWARD, [("early next month", "Mar 2017", "month")]),
        ("Prices fell late last year.", MONDAY, BACK, [("late last year", "2016", "year")]),
        ("A summit is planned in April.", MONDAY, FORWARD, [("April", "Apr 2017", "month")]),
        ("A summit was held in April.", MONDAY, BACK, [("April", "Apr 2016", "month")]),
        ("The minister is due in mid-March.", MONDAY, FORWARD, [("mid-March", "Mar 2017", "month")]),
        ("Construction starts in early March 2018.", MONDAY, NEAREST, [("early March 2018", "Mar 2018", "month")]),
        ("Trade in 2016 grew.", MONDAY, NEAREST, [("in 2016", "2016", "year")]),
        ("They aim for USD 100 billion by 2030.", MONDAY, FORWARD, [("by 2030", "2030", "year")]),
        ("The plant opened in 2015.", MONDAY, BACK, [("in 2015", "2015", "year")]),
        ("next year", MONDAY, FORWARD, [("next year", "2018", "year")]),
        # spans of days: the longer reading stands
        (
            "Talks on 15-16 September.",
            datetime.date(2017, 8, 1),
            FORWARD,
            [("15-16 September", "15–16 Sep 2017", "day")],
        ),
        ("Talks September 15–16, 2018.", MONDAY, NEAREST, [("September 15–16, 2018", "15–16 Sep 2018", "day")]),
        ("on 15 and 16 May", datetime.date(2017, 5, 1), FORWARD, [("15 and 16 May", "15–16 May 2017", "day")]),
    ],
)
def test_a_date_is_read_with_its_precision(text, published, looking, expected):
    assert read(text, published, looking) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The visit may take place soon.",  # "may" the verb
        "They march on.",
        "He arrived on 31 February.",  # not a day in the calendar: not guessed into one
        "Exports reached 2017 tonnes.",  # a number, not a year
        "in 2016.5",
        "The ministers spoke at length.",
    ],
)
def test_words_that_only_look_like_dates_give_none(text):
    assert read(text) == []


def test_a_text_with_several_dates_gives_each_in_order_with_its_span():
    text = "Prepared on 27 January, the visit opens on 28 February and lasts until early March."
    mentions = find_dates(text, MONDAY, NEAREST)
    assert [(m.text, text[m.span[0] : m.span[1]]) for m in mentions] == [
        ("27 January", "27 January"),
        ("28 February", "28 February"),
        ("early March", "early March"),
    ]


def test_a_visit_of_some_days_ends_that_many_days_on_only_when_it_starts_on_a_known_day():
    assert duration_days("a three-day official visit") == 3
    assert duration_days("a 2-day trip") == 2
    assert duration_days("an official visit") is None
    start = ImpreciseDate(datetime.date(2017, 2, 28), DatePrecision.DAY)
    assert visit_end(start, 3) == ImpreciseDate(datetime.date(2017, 3, 2), DatePrecision.DAY)
    assert visit_end(start, 1) is None
    assert visit_end(ImpreciseDate(datetime.date(2017, 2, 1), DatePrecision.MONTH), 3) is None
