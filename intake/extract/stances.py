"""A country's stance on a negotiation topic, where a sentence gives both: "Tajik authorities are
still studying the issue of the EAEU" (undecided), "Kazakhstan opposes the pipeline" (opposes).

Precise rather than greedy: the topic must be one the directory knows (by title or keyword,
intake.extract.topics), the stance a word that says one, and the country named before that word
(the sentence's subject, as "Tajik authorities" or "Kazakhstan"). Of several stance words, the
most guarded wins: a report that finds a government "cool" to a union it is "still studying"
gives undecided, not reluctant.

    opposes     opposes, rejects, is against
    undecided   studying, weighing, considering, has not decided, undecided
    reluctant   reluctant, reservations, wary, hesitant, cool
    open        open to, does not rule out
    supports    supports, backs, favours, in favour of, welcomes
"""

import re
from dataclasses import dataclass

from intake.extract.topics import find_topics

STANCE_WORDS = (
    ("opposes", r"\b(?:oppos(?:es|ed|e)|reject(?:s|ed)?|(?:is|are|was|were)\s+against)\b"),
    (
        "undecided",
        r"\b(?:studying|weighing|considering|undecided|(?:has|have)\s+not\s+(?:yet\s+)?decided|yet\s+to\s+decide)\b",
    ),
    ("reluctant", r"\b(?:reluctan(?:t|ce)|reservations|wary|hesitant|cool)\b"),
    ("open", r"\b(?:open\s+to|(?:does|do)\s+not\s+rule\s+out)\b"),
    ("supports", r"\b(?:support(?:s|ed)?|back(?:s|ed)|favou?r(?:s|ed)?|in\s+favou?r\s+of|welcom(?:es|ed))\b"),
)
_PATTERNS = [(stance, re.compile(words, re.IGNORECASE)) for stance, words in STANCE_WORDS]


@dataclass(frozen=True)
class StanceMention:
    topic_id: object
    topic: str
    country: str
    stance: str
    cue: str
    span: tuple[int, int]  # from the country to the end of the stance word or topic, whichever is later


def find_stances(sentence: str, names, topics) -> list[StanceMention]:
    """The stance the sentence gives a country on a directory topic, if it gives one (at most one)."""
    known = [t for t in find_topics(sentence, topics) if t.topic_id is not None]
    if not known:
        return []
    for stance, pattern in _PATTERNS:
        cue = pattern.search(sentence)
        if cue is None:
            continue
        subjects = [m for m in names if m.country and m.span[1] <= cue.start()]
        if not subjects:
            return []
        country = subjects[-1]
        topic = known[0]
        end = max(cue.end(), topic.span[1])
        return [
            StanceMention(topic.topic_id, topic.title, country.country, stance, cue.group(0), (country.span[0], end))
        ]
    return []
