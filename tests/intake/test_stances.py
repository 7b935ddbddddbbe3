"""A country's stance on a directory topic, read only where a sentence gives the topic, a stance
word and the country before it (intake.extract.stances)."""

from intake.extract.names import Known, NameMention
from intake.extract.stances import find_stances

TOPICS = [(7, "Tajikistan's accession to the Eurasian Economic Union", ("Eurasian Economic Union", "EAEU"))]


def country(text: str, sentence: str, code: str) -> NameMention:
    start = sentence.index(text)
    return NameMention(text, (start, start + len(text)), (Known("country", code, code, "adjective"),))


def test_a_government_still_studying_a_topic_is_undecided_though_it_is_also_cool_to_it():
    sentence = (
        "Tajik authorities still have a cool stance toward the EAEU, noting that they are still studying the issue."
    )
    [stance] = find_stances(sentence, [country("Tajik", sentence, "TJK")], TOPICS)
    assert (stance.topic_id, stance.country, stance.stance) == (7, "TJK", "undecided")
    assert sentence[stance.span[0] : stance.span[1]].startswith("Tajik authorities")


def test_support_and_opposition_are_read_from_their_verbs():
    sentence = "Russia strongly backs Tajikistan's entry into the Eurasian Economic Union."
    [stance] = find_stances(sentence, [country("Russia", sentence, "RUS")], TOPICS)
    assert (stance.country, stance.stance) == ("RUS", "supports")
    sentence = "Kyrgyzstan rejects the terms the EAEU offered."
    assert find_stances(sentence, [country("Kyrgyzstan", sentence, "KGZ")], TOPICS)[0].stance == "opposes"


def test_no_stance_without_a_known_topic_a_stance_word_or_a_country_before_it():
    sentence = "Tajikistan supports cooperation in water management."  # a new topic, not the directory's
    assert find_stances(sentence, [country("Tajikistan", sentence, "TJK")], TOPICS) == []
    sentence = "Tajikistan's delegation discussed the EAEU."  # no stance word
    assert find_stances(sentence, [country("Tajikistan", sentence, "TJK")], TOPICS) == []
    sentence = "Support for the EAEU is growing in Tajikistan."  # the country comes after: no subject
    assert find_stances(sentence, [country("Tajikistan", sentence, "TJK")], TOPICS) == []
