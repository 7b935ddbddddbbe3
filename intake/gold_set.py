"""A gold set on disk (data/intake-gold/: reports/, gold.json, directory.json; its SOURCE.md) and
the directory it is read against, built as plain rows: the names matcher, the posts and the
topics come from directory.json and the countries the caller gives (the database's), so a
gold set is measured without writing its invented people anywhere."""

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from intake.extract.names import NameMatcher, Post


@dataclass(frozen=True)
class GoldReport:
    file: str
    text: str
    published: datetime.date
    outlet: str
    proposals: list
    targets: list


def load_reports(folder: Path) -> list[GoldReport]:
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    return [
        GoldReport(
            file=row["file"],
            text=(folder / "reports" / row["file"]).read_text(encoding="utf-8"),
            published=datetime.date.fromisoformat(row["published"]),
            outlet=row.get("outlet", ""),
            proposals=row["proposals"],
            targets=row.get("targets", []),
        )
        for row in gold["reports"]
    ]


def reading_tools(directory: dict, countries: list[tuple]) -> tuple[NameMatcher, list[Post], list[tuple]]:
    """The matcher, posts and topics (id, title, keywords) read_report takes, from directory.json's
    rows and `countries` as (alpha-3, name, official name). A person's id is its place in the file."""
    people = [(str(number), person["name"]) for number, person in enumerate(directory["people"], 1)]
    aliases = [
        (str(number), person["name"], alias)
        for number, person in enumerate(directory["people"], 1)
        for alias in person.get("aliases", ())
    ]
    posts = [
        Post(str(number), person["name"], post["title"], post["country"], _date(post["start"]), _date(post["end"]))
        for number, person in enumerate(directory["people"], 1)
        for post in person.get("posts", ())
    ]
    topics = [(topic["id"], topic["title"], tuple(topic.get("keywords", ()))) for topic in directory.get("topics", ())]
    return NameMatcher.build(people, aliases, countries), posts, topics


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None
