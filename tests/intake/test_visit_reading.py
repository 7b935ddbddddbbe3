"""How the pipeline finds a visit's visitor and host across a report's sentences
(intake.pipeline): a visitor named again, where a visitor returned from, whom a visitor meets,
and one proposal for each visitor and host. Plain: a matcher built from rows, no database."""

import datetime

import pytest

from intake.extract.names import NameMatcher, Post
from intake.pipeline import read_report

COUNTRIES = [
    ("DEU", "Germany", "Federal Republic of Germany"),
    ("BRA", "Brazil", "Federative Republic of Brazil"),
    ("ARG", "Argentina", "Argentine Republic"),
    ("KEN", "Kenya", "Republic of Kenya"),
    ("JPN", "Japan", "Japan"),
    ("FRA", "France", "French Republic"),
    ("KAZ", "Kazakhstan", "Republic of Kazakhstan"),
    ("UZB", "Uzbekistan", "Republic of Uzbekistan"),
]
PEOPLE = [("1", "Katrin Vogel"), ("2", "Daniel Omondi"), ("3", "Jean-Marc Delorme")]
POSTS = [
    Post("1", "Katrin Vogel", "chancellor", "DEU", datetime.date(2025, 5, 6), None),
    Post("2", "Daniel Omondi", "president", "KEN", datetime.date(2022, 9, 13), None),
    Post("3", "Jean-Marc Delorme", "foreign minister", "FRA", datetime.date(2024, 9, 21), None),
]
PUBLISHED = datetime.date(2026, 6, 3)


@pytest.fixture(scope="module")
def matcher():
    return NameMatcher.build(PEOPLE, [], COUNTRIES)


def visits(matcher, text):
    return [
        (
            p.fields["visitor_name"],
            p.fields["host_country"],
            p.fields["status"],
            p.fields["start_date"],
            p.fields["locale"],
        )
        for p in read_report(text, PUBLISHED, matcher, POSTS)
        if p.type == "visit"
    ]


def test_a_visitor_is_named_again_by_the_post_and_by_the_surname(matcher):
    text = (
        "German Chancellor Katrin Vogel arrived in Brasília for an official visit. "
        "The chancellor will then fly on to Argentina. "
        "French Foreign Minister Jean-Marc Delorme will visit Kazakhstan next week. "
        "Delorme will go on to Uzbekistan on Thursday."
    )
    assert visits(matcher, text) == [
        ("Katrin Vogel", "BRA", "under_way", None, "Brasília"),
        ("Katrin Vogel", "ARG", "announced", None, ""),
        ("Jean-Marc Delorme", "KAZ", "announced", datetime.date(2026, 6, 1), ""),
        ("Jean-Marc Delorme", "UZB", "announced", datetime.date(2026, 6, 4), ""),
    ]


def test_where_a_visitor_returned_from_is_the_host_and_a_later_sentence_gives_the_dates(matcher):
    text = (
        "Kenyan President Daniel Omondi returned home from Japan at the weekend after a state visit. "
        "Omondi visited Tokyo last week, holding talks with the Japanese prime minister."
    )
    # one visit: the second sentence's is the same one, and gives the date and the city
    assert visits(matcher, text) == [("Daniel Omondi", "JPN", "completed", datetime.date(2026, 5, 1), "Tokyo")]


def test_whom_a_visitor_meets_is_not_the_visitor(matcher):
    text = "Omondi visited Tokyo, where he held talks with the Japanese prime minister."
    assert visits(matcher, text) == []  # no visitor the report has named: nothing rather than Japan's


def test_a_person_named_in_full_then_speaking_by_surname_is_a_named_official(matcher):
    text = (
        "Kenyan President Daniel Omondi opened the forum in Nairobi. "
        "Trade between Kenya and Japan came to USD 1 billion in 2025, Omondi said."
    )
    claim = next(p for p in read_report(text, PUBLISHED, matcher, POSTS) if p.type == "trade_claim")
    assert (claim.reliability, claim.speaker) == ("named_official", "Daniel Omondi")
