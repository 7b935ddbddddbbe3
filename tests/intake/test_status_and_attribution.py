"""A visit's status from tense and modality (intake.extract.status), and who says it, graded as
a citation's reliability (intake.extract.attribution). Every sentence is ours, written after
the patterns of diplomatic reporting."""

import pytest

from intake.extract.attribution import attribution
from intake.extract.dates import Looking
from intake.extract.status import visit_status


@pytest.mark.parametrize(
    ("sentence", "status", "looking"),
    [
        ("The president will arrive in Dushanbe on 28 February.", "announced", Looking.FORWARD),
        ("The foreign minister is expected to visit Ankara next week.", "announced", Looking.FORWARD),
        ("Officials said the prime minister plans to travel to Hanoi in April.", "announced", Looking.FORWARD),
        ("The king is due to make a state visit later this month.", "announced", Looking.FORWARD),
        ("The chancellor arrived in Beijing on Sunday.", "under_way", Looking.NEAREST),
        ("The emir is visiting Paris this week.", "under_way", Looking.NEAREST),
        ("The president is in Astana for talks.", "under_way", Looking.NEAREST),
        ("The minister visited Minsk last Tuesday.", "completed", Looking.BACK),
        ("The two leaders held talks in the Kremlin yesterday.", "completed", Looking.BACK),
        ("The envoy wrapped up a three-day tour of the Gulf.", "completed", Looking.BACK),
        ("The deputy prime minister prepared the visit on 27 January.", "completed", Looking.BACK),
        ("The summit has been postponed until the autumn.", "postponed", Looking.NEAREST),
        ("The trip was put off because of the storm.", "postponed", Looking.NEAREST),
        ("The visit that was to open on Friday has been called off.", "cancelled", Looking.NEAREST),
        ("The ministry said the trip was cancelled.", "cancelled", Looking.NEAREST),
    ],
)
def test_the_sentence_s_tense_gives_the_status_and_the_direction_of_its_dates(sentence, status, looking):
    reading = visit_status(sentence)
    assert (reading.status, reading.looking) == (status, looking)
    assert sentence[reading.span[0] : reading.span[1]] == reading.cue


def test_an_announcement_only_unnamed_sources_make_is_a_rumour():
    sentence = "The president will arrive on 28 February, a government source said."
    assert visit_status(sentence, only_unnamed_sources=True).status == "rumoured"
    assert visit_status(sentence).status == "announced"


@pytest.mark.parametrize(
    "sentence",
    [
        "Bilateral trade is in decline.",  # "is in" before a lower-case word: no place
        "Relations between the two countries date back centuries.",
        "The ministers discussed water and energy.",
    ],
)
def test_a_sentence_that_says_nothing_of_a_visit_s_progress_gives_no_status(sentence):
    assert visit_status(sentence) is None


@pytest.mark.parametrize(
    ("sentence", "reliability", "speaker"),
    [
        ("The president will arrive on 28 February, a government source said.", "anonymous_source", ""),
        ("The date was agreed, a source in the foreign ministry told reporters.", "anonymous_source", ""),
        ("A diplomat said on condition of anonymity that the visit was off.", "anonymous_source", ""),
        ("Unnamed diplomats expect a treaty.", "anonymous_source", ""),
        (
            "Foreign Ministry spokesman Ivan Petrov said the tour would include Bishkek.",
            "named_official",
            "Ivan Petrov",
        ),
        ("Deputy Prime Minister Anna Kovacs told reporters that trade had doubled.", "named_official", "Anna Kovacs"),
        ("Ivan Petrov, the foreign minister, said talks went well.", "named_official", "Ivan Petrov"),
        (
            "The press service of the president announced the dates.",
            "official_statement",
            "press service of the president",
        ),
        (
            "The Ministry of Foreign Affairs said the visit would take place.",
            "official_statement",
            "Ministry of Foreign Affairs",
        ),
        ("In a joint statement, the sides welcomed the agreement.", "official_statement", ""),
        ("Experts expect the sides to discuss water and energy.", "analyst_estimate", ""),
        ("Analysts say a memorandum on investment may be signed.", "analyst_estimate", ""),
        ("The president will visit Dushanbe next week.", "media_report", ""),
        # a titled name the sentence speaks of is not its speaker
        (
            "Kazakh President Nurlan Abenov will visit Tashkent, the presidential press service said.",
            "official_statement",
            "presidential press service",
        ),
        (
            "A spokesman for the Japanese foreign ministry, Kenji Arai, told reporters the date.",
            "named_official",
            "Kenji Arai",
        ),
        ("Trade rose, according to the Kazakh statistics agency.", "official_statement", "Kazakh statistics agency"),
        ("Trade fell, figures from Mongolian customs showed.", "official_statement", "Mongolian customs"),
        ("The presidency in Pretoria said the visit was off.", "official_statement", "presidency"),
        ("Pakistani officials said the talks went well.", "official_statement", "Pakistani officials"),
        ("The visit could be signed off soon, an Egyptian diplomat said.", "anonymous_source", ""),
        ("He may travel, two diplomats familiar with the planning said.", "anonymous_source", ""),
        # past the appositive, and an adverb, to the saying
        (
            "Ivan Petrov, a spokesman for the president, recently announced a tour of the region.",
            "named_official",
            "Ivan Petrov",
        ),
        (
            "Ivan Petrov, the foreign minister, will visit Dushanbe, the ministry said.",
            "official_statement",
            "ministry",
        ),
    ],
)
def test_who_says_it_gives_the_reliability_and_the_speaker(sentence, reliability, speaker):
    found = attribution(sentence)
    assert (found.reliability, found.speaker) == (reliability, speaker)
    if found.span:
        assert sentence[found.span[0] : found.span[1]] == found.cue
