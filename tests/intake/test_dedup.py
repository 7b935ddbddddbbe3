"""The same wire story from several outlets is found the same; a different story is not."""

import json

import pytest

from intake.dedup import NEAR_DUPLICATE, SIGNATURE_SIZE, fingerprint, near_duplicate, signature, similar

WIRE = """The foreign minister arrived in Dushanbe on Tuesday for two days of talks with his Tajik
counterpart on trade, water and regional security, the ministry said in a statement.

The visit is the first by a foreign minister in six years and comes as both governments seek to
expand trade, which stood at 1.2 billion dollars last year according to official figures.

Officials said the two ministers were expected to sign a memorandum on cooperation in
hydropower and an agreement on the avoidance of double taxation, which negotiators have been
preparing since the spring of last year.

"We have come to listen and to build on what our presidents agreed in Astana," the minister told
reporters at the airport, where he was met by the deputy foreign minister and the ambassador.

The talks will also cover the management of the rivers the two countries share, a question that
has strained relations in the region for decades, and the reopening of a border crossing closed
since the pandemic.

On Wednesday the minister is due to meet the president and to lay a wreath at the monument to
the founder of the nation before travelling on to Bishkek, where he will open a new consulate.

Analysts in Dushanbe said the visit signalled a warming of ties after a cool period, but warned
that the water question would not be settled quickly and that the taxation agreement had been
announced twice before without being signed.

The ministry said a joint commission on trade and economic cooperation would meet in the autumn
to review the progress of projects agreed during the visit, including a road and a power line.
"""

OTHER_OUTLET = (
    "Minister in Tajikistan for talks on water and trade\nBy a staff correspondent\nDUSHANBE, March 5 - "
    + WIRE.replace("on Tuesday", "today")
    .replace("the ministry said in a statement", "his ministry said")
    .replace("six years", "seven years")
    .replace("a cool period", "a cooler period")
    + "\nReporting by the wire desk; editing by the world desk."
)
TRUNCATED = WIRE.rsplit("\n\n", 2)[0]

DIFFERENT_STORY = """The president received the Tajik foreign minister in the capital on Wednesday and
discussed trade, water and regional security, according to a statement from the presidential
press office. The two sides agreed that the joint commission would meet in the autumn and that
the agreement on the avoidance of double taxation should be signed at the next summit. The
president thanked the minister for his country's support in the region and invited his Tajik
counterpart to pay a state visit next year. The minister later met the speaker of parliament and
the head of the national bank, and visited a hydropower plant on the river south of the capital,
where engineers showed him a new turbine supplied under a loan agreed two years ago."""


def test_the_same_words_have_the_same_fingerprint_whatever_their_case_spacing_and_punctuation():
    assert fingerprint("The U.S.-Tajik talks  began.\n") == fingerprint("the u s tajik TALKS began")
    assert fingerprint(WIRE) != fingerprint(OTHER_OUTLET)
    assert len(fingerprint(WIRE)) == 64


def test_a_copy_under_another_outlet_s_headline_byline_and_dateline_is_a_near_duplicate():
    assert similar(signature(WIRE), signature(OTHER_OUTLET)) >= NEAR_DUPLICATE
    assert near_duplicate(WIRE, OTHER_OUTLET)


def test_a_copy_with_its_last_paragraphs_cut_is_a_near_duplicate():
    assert near_duplicate(WIRE, TRUNCATED)


def test_a_different_story_on_the_same_visit_is_not():
    assert similar(signature(WIRE), signature(DIFFERENT_STORY)) < 0.1
    assert not near_duplicate(WIRE, DIFFERENT_STORY)


def test_the_same_text_is_a_duplicate_and_similarity_is_symmetric():
    assert similar(signature(WIRE), signature(WIRE)) == 1.0
    assert near_duplicate(WIRE, WIRE.upper())
    assert similar(signature(WIRE), signature(TRUNCATED)) == similar(signature(TRUNCATED), signature(WIRE))


def test_a_signature_is_a_short_list_of_ints_that_can_be_stored_as_json():
    stored = signature(WIRE * 20)
    assert len(stored) == SIGNATURE_SIZE and all(0 <= value < 2**63 for value in stored)
    assert json.loads(json.dumps(stored)) == stored
    assert signature(WIRE * 20) == stored  # the same in every process: no salted hash


def test_short_texts_are_compared_exactly():
    assert signature("Talks ended") != [] and similar(signature("Talks ended"), signature("talks ended.")) == 1.0
    assert similar(signature("one two three four five"), signature("one two three four six")) == pytest.approx(1 / 3)


def test_an_empty_text_is_like_nothing():
    assert signature("") == [] and signature("  ... ") == []
    assert similar([], signature(WIRE)) == 0.0 and similar([], []) == 0.0


def test_the_similarity_of_long_texts_is_estimated_close_to_the_exact_one():
    words = [f"w{number}" for number in range(2000)]
    changed = words[:1500] + [f"x{number}" for number in range(500)]
    exact = 1497 / 2497  # the shingles they share over those of both
    assert similar(signature(" ".join(words)), signature(" ".join(changed))) == pytest.approx(exact, abs=0.1)
