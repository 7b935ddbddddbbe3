"""A report's text read into proposals against the demo's directory (intake.pipeline), and the
command that prints them (intake_report). The report is ours, written for this test."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from intake.directory_names import current
from intake.pipeline import read_report
from intake.services import propose
from tests.data import DATA

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]

PUBLISHED = datetime.date(2017, 2, 20)
REPORT = (
    "Moscow, 20 February 2017. The President of Russia will arrive in Dushanbe on 28 February for a "
    "two-day state visit, a government source said. Trade between Russia and Tajikistan came to a little "
    "more than USD 1 billion last year. The sides aim to raise trade to USD 2 billion by 2020. "
    "Chinese President Xi Jinping is expected in Dushanbe later this year, unnamed diplomats said."
)


@pytest.fixture
def proposals(empty_cache):
    matcher, posts = current()
    return read_report(REPORT, PUBLISHED, matcher, posts)


def test_the_visit_is_proposed_with_its_visitor_on_the_date_host_dates_kind_level_and_status(proposals):
    visits = [p for p in proposals if p.type == "visit"]
    assert visits[0].fields == {
        "visitor_name": "Vladimir Putin",  # who held the post on 28 February 2017
        "visitor_country": "RUS",
        "host_country": "TJK",
        "locale": "Dushanbe",
        "start_date": datetime.date(2017, 2, 28),
        "start_precision": "day",
        "end_date": datetime.date(2017, 3, 1),  # "two-day"
        "end_precision": "day",
        "kind": "state",
        "level": "head",
        "status": "announced",  # a government source announces
    }
    assert (visits[0].reliability, visits[0].speaker) == ("anonymous_source", "")
    assert REPORT[visits[0].span[0] : visits[0].span[1]] == visits[0].quote


def test_a_visit_only_unnamed_diplomats_speak_of_is_a_rumour_and_an_unknown_leader_a_proposed_person(proposals):
    rumour = [p for p in proposals if p.type == "visit"][1]
    fields = rumour.fields
    assert (fields["visitor_country"], fields["visitor_name"], fields["status"]) == ("CHN", "Xi Jinping", "rumoured")
    assert (rumour.fields["start_date"], rumour.fields["start_precision"]) == (datetime.date(2017, 1, 1), "year")
    people = [p for p in proposals if p.type == "person"]
    assert [p.fields for p in people] == [{"name": "Xi Jinping", "country": "CHN", "post_title": "president"}]


def test_a_stated_figure_is_a_trade_claim_and_a_target_is_none(proposals):
    claims = [p for p in proposals if p.type == "trade_claim"]
    assert [c.fields for c in claims] == [
        {
            "reporter": "RUS",
            "partner": "TJK",
            "year": 2016,
            "month": None,
            "metric": "turnover",
            "value": Decimal("1000000000"),
            "unit": "usd",
            "qualifier": "more_than",
            "stated_by_name": "",
        }
    ]
    assert REPORT[claims[0].span[0] : claims[0].span[1]] == "USD 1 billion"


def test_the_command_prints_one_json_object_with_the_same_proposals_and_writes_nothing(
    tmp_path, capsys, proposals, django_assert_max_num_queries
):
    report = tmp_path / "report.txt"
    report.write_text(REPORT, encoding="utf-8")
    with django_assert_max_num_queries(10):
        call_command("intake_report", str(report), "--published", "2017-02-20", "--outlet", "Ours", "--json")
    printed = json.loads(capsys.readouterr().out)
    assert printed["report"] == {"published": "2017-02-20", "outlet": "Ours", "url": "", "characters": len(REPORT)}
    # the pipeline's proposals, matched against the records as the API and the pages have them
    assert printed["proposals"] == [p.as_json() for p in propose(REPORT, PUBLISHED)]
    assert [p["type"] for p in printed["proposals"]] == [p.type for p in proposals]
    assert printed["proposals"][0]["matches"][0]["record"] == "visit"  # the demo's visit


@pytest.mark.parametrize(
    ("content", "published", "message"),
    [
        (b"", "2017-02-20", "the file is empty"),
        (b"   \n", "2017-02-20", "the file is empty"),
        (b"\x00\x01\x02", "2017-02-20", "a binary file"),
        (b"caf\xe9", "2017-02-20", "not UTF-8 text"),
        (b"A report.", "20/02/2017", "is not a date: give YYYY-MM-DD"),
    ],
)
def test_the_command_refuses_what_is_not_a_report_with_a_clear_message(tmp_path, content, published, message):
    report = tmp_path / "report.txt"
    report.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("intake_report", str(report), "--published", published)


def test_the_command_refuses_a_missing_or_oversize_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("intake_report", str(tmp_path / "none.txt"), "--published", "2017-02-20")
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (2 * 1024 * 1024 + 1))
    with pytest.raises(CommandError, match="over the 2,097,152 a report may have"):
        call_command("intake_report", str(big), "--published", "2017-02-20")


def test_the_project_s_own_report_of_the_demo_case_gives_its_visits_and_figures(empty_cache):
    """data/reports/dushanbe-visit-2017.txt, written by the project: the state visit the
    Tajik foreign minister announces, the two documents being prepared, his figures (the later
    "the minister said" is him again), and the onward leg unnamed diplomats mention, a rumour, with its host taken from
    "to ... Astana", not "from Dushanbe"."""
    text = (DATA / "reports" / "dushanbe-visit-2017.txt").read_text(encoding="utf-8")
    matcher, posts = current()
    found = read_report(text, datetime.date(2017, 1, 26), matcher, posts)
    summary = [
        (
            p.type,
            p.fields.get("host_country") or p.fields.get("metric") or p.fields.get("kind"),
            p.fields.get("status") or p.fields.get("value"),
        )
        for p in found
    ]
    assert summary == [
        ("visit", "TJK", "announced"),
        ("agreement", "intergovernmental", "drafting"),  # "being prepared for signature"
        ("agreement", "mou", "drafting"),
        ("trade_claim", "turnover", Decimal("1000000000")),
        ("trade_claim", "yoy_change", Decimal("-6.3")),
        ("trade_claim", "partner_share", Decimal("26.4")),
        ("visit", "KAZ", "rumoured"),
    ]
    assert [p.fields["title"] for p in found[1:3]] == [
        "Agreement on cooperation in migration",
        "Memorandum on joint work in education",
    ]
    assert found[1].fields["parties"] == ["RUS", "TJK"]
    state_visit = found[0]
    assert (state_visit.fields["visitor_name"], state_visit.fields["kind"], state_visit.fields["locale"]) == (
        "Vladimir Putin",
        "state",
        "Dushanbe",
    )
    # "at the end of February": the month, not a day; "said on Thursday" is the statement's day
    assert (state_visit.fields["start_date"], state_visit.fields["start_precision"]) == (
        datetime.date(2017, 2, 1),
        "month",
    )
    assert [p.reliability for p in found[3:5]] == ["named_official", "named_official"]
    assert found[3].fields["qualifier"] == "more_than" and found[3].fields["year"] == 2016
    assert (found[5].fields["reporter"], found[5].fields["partner"]) == (
        "TJK",
        "RUS",
    )  # Russia's share of Tajikistan's trade


def test_a_tour_is_proposed_with_its_legs_and_a_visit_for_each(empty_cache):
    text = (
        "The Kremlin's press secretary said the Russian leader will make a tour of Central Asia next month, "
        "taking in Tajikistan and neighbouring Kyrgyzstan."
    )
    matcher, posts = current()
    found = read_report(text, PUBLISHED, matcher, posts)
    assert [p.type for p in found] == ["tour", "visit", "visit"]
    assert found[0].fields == {
        "title": "Vladimir Putin's tour of Central Asia",
        "traveller_name": "Vladimir Putin",  # "the Russian leader": the President on the date
        "legs": ["TJK", "KGZ"],
        "status": "announced",
    }
    legs = [
        (v.fields["host_country"], v.fields["visitor_name"], v.fields["start_date"], v.fields["start_precision"])
        for v in found[1:]
    ]
    assert legs == [
        ("TJK", "Vladimir Putin", datetime.date(2017, 3, 1), "month"),
        ("KGZ", "Vladimir Putin", datetime.date(2017, 3, 1), "month"),
    ]


def test_a_visit_wrapped_up_on_a_day_ended_that_day_and_began_as_long_before_as_it_lasted(empty_cache):
    matcher, posts = current()
    text = "The Russian president wrapped up his two-day state visit to Tajikistan on Tuesday."
    [visit] = read_report(text, datetime.date(2017, 2, 28), matcher, posts)  # a Tuesday
    assert {k: visit.fields[k] for k in ("start_date", "end_date", "status")} == {
        "start_date": datetime.date(2017, 2, 27),
        "end_date": datetime.date(2017, 2, 28),
        "status": "completed",
    }
