"""Negotiation topics a sentence speaks of: the directory's, by their title or a keyword, and new
ones the report names in words that mark a subject of negotiation.

    "the Rogun hydropower plant"                      the directory's "Rogun hydropower plant"
    "the trans-Caspian routes"                        the topic whose keywords hold "trans-Caspian"
    "talks on the demarcation of their border"        a new topic, "Demarcation of their border"
    "the question of X", "negotiations on X",
    "cooperation in X"                                new topics, when X is no directory topic

Precise rather than greedy: a new topic is only the phrase after one of those words, cut at the
first word that ends it ("between", "and on", a verb), and none is read from a list ("talks on
maritime security, semiconductors and ...": a visit's agenda, not one subject) or from inside an
agreement's title ("a memorandum on cooperation in renewable energy" is the document's subject).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

NEW_TOPIC = re.compile(
    r"\b(?:(?:talks|negotiations|consultations)\s+on|the\s+(?:question|issue)\s+of|cooperation\s+in(?:\s+the\s+field\s+of)?)"
    r"\s+(?P<subject>[^,.;:()\"“”]+?)"
    r"(?P<end>\s+(?:and\s+on|between|with|had|has|have|was|were|is|are|would|will|could|during|at|to|for|as|that|which)\b"
    r"|\s*[,.;:()\"“”]|$)",
    re.IGNORECASE,
)
MAX_WORDS = 8
# "talks on the sidelines", "talks on the phone", "talks on Monday": the words, not a subject
NOT_A_SUBJECT = re.compile(
    r"^(?:the\s+)?(?:sidelines|margins|phone|telephone|(?:mon|tues|wednes|thurs|fri|satur|sun)day|\d)", re.IGNORECASE
)


@dataclass(frozen=True)
class TopicMention:
    title: str
    topic_id: object  # the directory topic's id; None for a new topic
    quote: str
    span: tuple[int, int]


def find_topics(sentence: str, topics: Iterable[tuple], inside: Iterable[tuple[int, int]] = ()) -> list[TopicMention]:
    """The topics the sentence speaks of, in order, each once; `topics` are the directory's as
    (id, title, keywords), `inside` the spans of documents the sentence names."""
    inside = list(inside)
    found: list[TopicMention] = []
    for topic_id, title, keywords in topics:
        for words in (title, *keywords):
            if match := _phrase(words).search(sentence):
                found.append(TopicMention(title, topic_id, match.group(0), match.span()))
                break
    for match in NEW_TOPIC.finditer(sentence):
        subject = re.sub(r"^(?:the|a|an)\s+", "", " ".join(match["subject"].split()), flags=re.IGNORECASE)
        start, end = match.span("subject")
        if (
            not subject
            or NOT_A_SUBJECT.match(subject)
            or len(subject.split()) > MAX_WORDS
            or (match["end"].strip() == "," and " and " in sentence[match.end() :])
            or any(a <= start < b for a, b in inside)
            or any(known.span[0] < end and start < known.span[1] for known in found)
        ):
            continue
        found.append(
            TopicMention(subject[:1].upper() + subject[1:], None, match.group(0).rstrip(",.;:() "), match.span())
        )
    return sorted(found, key=lambda mention: mention.span)


def _phrase(words: str) -> re.Pattern:
    return re.compile(r"(?<![\w-])" + r"\s+".join(map(re.escape, words.split())) + r"(?![\w-])", re.IGNORECASE)
