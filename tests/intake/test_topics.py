"""Negotiation topics a sentence speaks of (intake.extract.topics), and the topic proposals the
pipeline makes of them, once a report. Plain: a matcher built from rows, no database."""

import datetime

import pytest

from intake.extract.names import NameMatcher
from intake.extract.topics import find_topics
from intake.pipeline import read_report

TOPICS = [
    (1, "Rogun hydropower plant", ("Rogun",)),
    (3, "Caspian transit corridor", ("Middle Corridor", "trans-Caspian")),
    (4, "Water sharing on transboundary rivers", ("transboundary rivers", "water sharing")),
]


def topics(sentence, inside=()):
    return [(t.title, t.topic_id) for t in find_topics(sentence, TOPICS, inside)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Tashkent once opposed the Rogun hydropower plant on the Vakhsh.", [("Rogun hydropower plant", 1)]),
        ("Officials discussed the trans-Caspian routes.", [("Caspian transit corridor", 3)]),
        ("The visit will focus on the middle corridor.", [("Caspian transit corridor", 3)]),
        # a keyword inside "talks on ..." is the directory's topic, not a new one
        ("He will travel there for talks on transboundary rivers and border crossings.", [(TOPICS[2][1], 4)]),
        (
            "The sides held talks on the demarcation of their border and on new bus routes.",
            [("Demarcation of their border", None)],
        ),
        (
            "Talks on the upgrade of the free trade agreement between the two countries had made progress.",
            [("Upgrade of the free trade agreement", None)],
        ),
        ("Thailand raised the question of dam safety at the meeting.", [("Dam safety", None)]),
        ("They agreed to widen cooperation in space research.", [("Space research", None)]),
    ],
)
def test_a_topic_is_read_by_its_title_a_keyword_or_the_words_that_name_a_new_one(sentence, expected):
    assert topics(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Mori will visit India for talks on maritime security, semiconductors and a railway project.",
        "The prime minister is expected to hold talks on the sidelines with the leaders.",
        "The ministers held talks on Tuesday in Madrid.",
        "Wheat futures rose for a third straight session.",
    ],
)
def test_an_agenda_list_an_idiom_or_a_passing_sentence_gives_no_topic(sentence):
    assert topics(sentence) == []


def test_a_document_s_subject_is_not_a_new_topic():
    sentence = "They signed a memorandum on cooperation in renewable energy."
    document = (sentence.index("memorandum"), len(sentence) - 1)
    assert topics(sentence, inside=[document]) == []


def test_the_pipeline_proposes_each_topic_once_a_report_with_the_sentence_s_reliability():
    matcher = NameMatcher.build(countries=[("UZB", "Uzbekistan", ""), ("TJK", "Tajikistan", "")], cities=False)
    text = (
        "Uzbekistan and Tajikistan will hold talks on transboundary rivers, the Uzbek foreign ministry said. "
        "Water sharing has divided them for decades. "
        "They also spoke of cooperation in vocational training."
    )
    found = [p for p in read_report(text, datetime.date(2026, 2, 12), matcher, [], topics=TOPICS) if p.type == "topic"]
    assert [(p.fields, p.reliability) for p in found] == [
        ({"title": "Water sharing on transboundary rivers", "topic_id": 4}, "official_statement"),
        ({"title": "Vocational training", "topic_id": None}, "media_report"),
    ]
    assert text[found[0].span[0] : found[0].span[1]] == "transboundary rivers"


def test_without_topics_the_pipeline_proposes_only_new_ones():
    matcher = NameMatcher.build(cities=False)
    found = read_report("They held talks on the Rogun dam.", datetime.date(2026, 2, 12), matcher, [])
    assert [p.fields for p in found] == [{"title": "Rogun dam", "topic_id": None}]
