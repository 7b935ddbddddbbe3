"""Sessions of a bilateral commission (intake.extract.commissions) and the commission_session
proposals the pipeline makes of them. Plain: a matcher built from rows, no database."""

import datetime

import pytest

from intake.extract.commissions import find_sessions
from intake.extract.names import NameMatcher
from intake.pipeline import read_report


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "He will co-chair the next session of the intergovernmental commission on economic cooperation.",
            [("intergovernmental commission on economic cooperation", None, "announced")],
        ),
        (
            "He was in Dushanbe for the 14th session of the Tajik-Russian commission for trade and economic "
            "cooperation.",
            [("Tajik-Russian commission for trade and economic cooperation", 14, "")],
        ),
        ("The last session of the commission was held in Moscow.", [("commission", None, "completed")]),
        ("The commission is expected to review progress.", []),
    ],
)
def test_a_session_is_read_with_its_commission_number_and_which_way_it_looks(sentence, expected):
    assert [(s.commission, s.ordinal, s.status) for s in find_sessions(sentence)] == expected


def test_the_pipeline_proposes_a_session_with_its_dates_parties_and_status():
    matcher = NameMatcher.build(countries=[("RUS", "Russia", ""), ("TJK", "Tajikistan", "")], cities=False)
    text = (
        "Russian Deputy Prime Minister Mikhail Orlov will visit Tajikistan on 7-8 April to co-chair the next "
        "session of the intergovernmental commission on economic cooperation, the Russian government said."
    )
    found = [p for p in read_report(text, datetime.date(2026, 3, 25), matcher, []) if p.type == "commission_session"]
    assert [p.fields for p in found] == [
        {
            "commission": "intergovernmental commission on economic cooperation",
            "ordinal": None,
            "parties": ["RUS", "TJK"],
            "start_date": datetime.date(2026, 4, 7),
            "start_precision": "day",
            "status": "announced",
        }
    ]
    assert found[0].reliability == "official_statement"
