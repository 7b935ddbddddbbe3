"""News intake's speed (issue 18): a 1,000-word report read against a directory of 20,000
people, and the names matcher's build time and memory.

No database: the directory is generated as the plain rows intake.directory_names reads
(directory.selectors.names_for_matching), deterministic from a seed: BENCH_INTAKE_PEOPLE
people (default 20,000), an alias for every fourth, a post for each in one of the real
countries (pycountry), beside the demo case's people. The report is ours: the sentences of
data/reports/dushanbe-visit-2017.txt and tests/intake's, repeated with other countries and
dates until it has 1,000 words.

    python bench/bench_intake.py            (bench/run.sh step "intake")

Benchmarks, each interleaved with its baseline in every repetition:
- reading the report (intake.pipeline.read_report) vs spaCy's tokenizer and sentencizer alone
  over the same text, the floor of any pipeline on spaCy; target: under 1 s a report;
- building the matcher vs spaCy tokenizing the same phrases alone; its memory is the growth of
  this process's RSS over its first build (later builds reuse what the one before freed).
"""

import datetime
import os
import random
import sys
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chancery.settings")
os.environ.setdefault("CHANCERY_ENV", "development")

import django  # noqa: E402

django.setup()

import pycountry  # noqa: E402
import spacy  # noqa: E402
from common import REPEAT, Result, Target, env_int, interleaved, median, record  # noqa: E402

from intake.extract.names import NameMatcher, Post  # noqa: E402
from intake.pipeline import read_report  # noqa: E402

PEOPLE = env_int("BENCH_INTAKE_PEOPLE", 20_000)
WORDS = 1_000
SECTION = "Intake"
ROOT = Path(__file__).resolve().parent.parent
FIRST = "Ivan Anna Omar Li Maria Jean Ahmed Sofia Kenji Amara Pavel Elena Ravi Nadia Tomas Aiko Yusuf Ingrid".split()
LAST = "Petrov Horvat Haddad Wang Silva Dupont Karimov Rossi Tanaka Okafor Novak Ivanova Sharma Aziz Berg".split()
TITLES = ("President", "Prime Minister", "Deputy Prime Minister", "Foreign Minister", "Minister", "Ambassador")
SENTENCES = (
    "The President of Russia will arrive in Dushanbe on 28 February for a two-day state visit, a government source said.",
    "Trade between Russia and Tajikistan came to a little more than USD 1 billion last year.",
    "The sides aim to raise trade to USD 2 billion by 2020.",
    "Chinese President Xi Jinping is expected in Dushanbe later this year, unnamed diplomats said.",
    "Two documents are being prepared for signature: an agreement on cooperation in migration and a memorandum on "
    "joint work in education.",
    "Russia's share of Tajikistan's foreign trade was 26.4 percent.",
    "The Kyrgyz foreign minister visited Ankara last Tuesday and held talks on transit.",
)


def directory(seed: int = 20) -> dict:
    chance = random.Random(seed)
    countries = [
        (c.alpha_3, getattr(c, "common_name", None) or c.name, getattr(c, "official_name", c.name))
        for c in pycountry.countries
    ]
    codes = [code for code, _, _ in countries]
    people = [(n, f"{chance.choice(FIRST)} {chance.choice(LAST)}-{n}") for n in range(1, PEOPLE + 1)]
    aliases = [(n, name, name.replace("-", " ")) for n, name in people[::4]]
    start = datetime.date(2000, 1, 1)
    posts = [
        Post(
            str(n),
            name,
            chance.choice(TITLES),
            chance.choice(codes),
            start + datetime.timedelta(days=chance.randrange(8000)),
            None,
        )
        for n, name in people
    ]
    return {"people": people, "aliases": aliases, "countries": countries, "posts": posts}


def report_text() -> str:
    own = (ROOT / "data" / "reports" / "dushanbe-visit-2017.txt").read_text(encoding="utf-8")
    sentences, words = [own], len(own.split())
    while words < WORDS:
        for sentence in SENTENCES:
            sentences.append(sentence)
            words += len(sentence.split())
    return " ".join(sentences)


def main() -> None:
    rows = directory()
    text = report_text()
    published = datetime.date(2017, 2, 1)
    phrases = [name for _, name in rows["people"]] + [alias for *_, alias in rows["aliases"]]
    floor = spacy.blank("en")
    floor.add_pipe("sentencizer")
    process = psutil.Process()
    matcher = None
    build, tokenise, grown = [], [], []

    def build_matcher():
        nonlocal matcher
        matcher = None
        before = process.memory_info().rss
        started = time.perf_counter()
        matcher = NameMatcher.build(rows["people"], rows["aliases"], rows["countries"])
        build.append(time.perf_counter() - started)
        grown.append((process.memory_info().rss - before) / 2**20)

    def tokenise_phrases():
        started = time.perf_counter()
        for _ in floor.tokenizer.pipe(phrases):
            pass
        tokenise.append(time.perf_counter() - started)

    for rep in range(REPEAT):
        interleaved([build_matcher, tokenise_phrases], rep)
    record(
        Result(
            section=SECTION,
            name=f"names matcher built from {PEOPLE:,} people, {len(rows['aliases']):,} aliases, "
            f"{len(rows['countries'])} countries and their cities",
            metric="seconds (lower is better)",
            samples=build,
            higher_is_better=False,
            baseline_name="spaCy's tokenizer alone over the people's names and aliases",
            baseline_samples=tokenise,
            extra={"RSS growth MB": grown},
            # The process's first build holds the memory (later builds reuse what the last freed).
            targets=[Target("recorded", True, f"median {median(build):.2f} s, first build RSS +{grown[0]:.0f} MB")],
        )
    )

    read, floor_times, counts = [], [], []

    def read_once():
        started = time.perf_counter()
        counts.append(len(read_report(text, published, matcher, rows["posts"])))
        read.append(time.perf_counter() - started)

    def floor_once():
        started = time.perf_counter()
        list(floor(text).sents)
        floor_times.append(time.perf_counter() - started)

    read_once()  # the first call compiles the patterns; not timed
    read.clear()
    counts.clear()
    for rep in range(max(REPEAT, 5)):
        interleaved([read_once, floor_once], rep)
    record(
        Result(
            section=SECTION,
            name=f"a {len(text.split()):,}-word report read into proposals, {PEOPLE:,} people in the directory",
            metric="seconds (lower is better)",
            samples=read,
            higher_is_better=False,
            baseline_name="spaCy's tokenizer and sentencizer alone over the same text",
            baseline_samples=floor_times,
            extra={"proposals": [float(c) for c in counts]},
            targets=[Target("< 1 s a report", median(read) < 1.0, f"median {median(read):.3f} s")],
        )
    )


if __name__ == "__main__":
    main()
