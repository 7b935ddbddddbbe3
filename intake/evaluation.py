"""The news intake measured against a gold set: what a careful editor would propose from each
report (data/intake-gold/, its SOURCE.md) beside what the pipeline proposes.

Proposals are paired per report and per type, one to one, the most alike first; a pair must
agree on what makes two proposals the same record, and the rest of their fields are then
scored as accuracies:

    visit        the same visitor (country, or name when the gold gives no country) and host;
                 of several, the nearest start month
    tour         the same set of legs
    trade_claim  the same two countries (either way round: who reports is a field), metric and
                 year; of several, the nearest value
    agreement    the same parties and a title of the same words (one's content words within the
                 other's, or half of them shared)
    person       the same name
    topic        the same directory topic; a new one by its title's words, as an agreement's

An unpaired gold proposal is missed (recall), an unpaired proposal is extra (precision). A
target the report states ("to USD 100 billion by 2030") proposed as a trade claim is counted
apart, whatever else it pairs with: a target is never a statistic. A type the gold set does not
score (commission_session) is left out of every count.

Plain Python on plain dicts (the proposals' JSON), so the scoring is tested on hand-made cases.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

TYPES = ("visit", "tour", "trade_claim", "agreement", "person", "topic")
_STOP_WORDS = {"the", "of", "on", "in", "a", "an", "and", "for", "to", "with", "their", "its", "between", "field"}


def _start(fields: dict) -> tuple:
    return (fields.get("start_date"), fields.get("start_precision") or "")


def _end(fields: dict) -> tuple:
    return (fields.get("end_date"), fields.get("end_precision") or "")


def _amount(fields: dict) -> tuple:
    return (Decimal(str(fields["value"])), fields.get("unit"))


def _lower(name: str):
    return lambda fields: (fields.get(name) or "").casefold()


def _plain(name: str):
    return lambda fields: fields.get(name)


# The fields scored over paired proposals, per type: (the name printed, how a value is read)
FIELDS = {
    "visit": (
        ("status", _plain("status")),
        ("start date", _start),
        ("end date", _end),
        ("kind", _plain("kind")),
        ("level", _plain("level")),
        ("visitor name", _lower("visitor_name")),
        ("locale", _lower("locale")),
    ),
    "tour": (("status", _plain("status")), ("legs in order", _plain("legs"))),
    "trade_claim": (("reporter", _plain("reporter")), ("value", _amount), ("qualifier", _plain("qualifier"))),
    "agreement": (("status", _plain("status")), ("kind", _plain("kind"))),
    "person": (("country", _plain("country")), ("post", _lower("post_title"))),
    "topic": (),
}


@dataclass
class Counts:
    gold: int = 0
    proposed: int = 0
    matched: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass
class Scores:
    counts: dict = field(default_factory=lambda: {kind: Counts() for kind in TYPES})
    # (type, field) -> [right, paired]; ("all", "reliability") over every type's pairs
    fields: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    targets_proposed: int = 0
    misses: list = field(default_factory=list)  # (report, type, gold fields) not proposed
    extras: list = field(default_factory=list)  # (report, type, proposed fields) not in the gold
    wrong: list = field(default_factory=list)  # (report, type, field, gold value, proposed value)

    def accuracy(self, kind: str, name: str) -> float | None:
        right, paired = self.fields.get((kind, name), (0, 0))
        return right / paired if paired else None


def title_similarity(one: str, other: str) -> float:
    """1.0 when one title's content words are all in the other's; else the share they have in common."""
    a, b = (set(re.findall(r"\w+", title.casefold())) - _STOP_WORDS for title in (one, other))
    if not a or not b:
        return 0.0
    if a <= b or b <= a:
        return 1.0
    return len(a & b) / len(a | b)


def _months(date: str | None) -> int | None:
    return int(date[:4]) * 12 + int(date[5:7]) if date else None


def similarity(kind: str, gold: dict, proposed: dict) -> float | None:
    """How alike two proposals of a type are, in (0, 1]; None when they are not the same record."""
    g, p = gold["fields"], proposed["fields"]
    if kind == "visit":
        same_visitor = (
            g["visitor_country"] == p.get("visitor_country")
            if g.get("visitor_country")
            else _lower("visitor_name")(g) == _lower("visitor_name")(p)
        )
        if not same_visitor or g["host_country"] != p.get("host_country"):
            return None
        one, other = _months(g.get("start_date")), _months(p.get("start_date"))
        return 1 / (1 + (abs(one - other) if one is not None and other is not None else 12))
    if kind == "tour":
        return 1.0 if set(g["legs"]) == set(p.get("legs") or ()) else None
    if kind == "trade_claim":
        if {g["reporter"], g["partner"]} != {p.get("reporter"), p.get("partner")} or (g["metric"], g["year"]) != (
            p.get("metric"),
            p.get("year"),
        ):
            return None
        a, b = abs(_amount(g)[0]), abs(_amount(p)[0])
        return 1 / (1 + abs(a - b) / max(a, b, 1))
    if kind == "agreement":
        if set(g["parties"]) != set(p.get("parties") or ()):
            return None
        alike = title_similarity(g["title"], p.get("title") or "")
        return alike if alike >= 0.5 else None
    if kind == "person":
        return 1.0 if g["name"].casefold() == (p.get("name") or "").casefold() else None
    if kind == "topic":
        if g.get("topic_id") is not None:
            return 1.0 if p.get("topic_id") == g["topic_id"] else None
        alike = title_similarity(g["title"], p.get("title") or "") if p.get("topic_id") is None else 0.0
        return alike if alike >= 0.5 else None
    raise ValueError(f"no rule to pair proposals of type {kind!r}")


def pair(kind: str, gold: list[dict], proposed: list[dict]) -> list[tuple[dict, dict]]:
    """Gold and proposed proposals of one type paired one to one, the most alike first."""
    candidates = sorted(
        (
            (-alike, g, p)
            for g, one in enumerate(gold)
            for p, other in enumerate(proposed)
            if (alike := similarity(kind, one, other)) is not None
        ),
    )
    used_gold, used_proposed, pairs = set(), set(), []
    for _, g, p in candidates:
        if g not in used_gold and p not in used_proposed:
            used_gold.add(g)
            used_proposed.add(p)
            pairs.append((gold[g], proposed[p]))
    return pairs


def is_target(claim: dict, target: dict) -> bool:
    """A proposed trade claim that is one of the report's stated targets (its amount, between its countries)."""
    fields = claim["fields"]
    if Decimal(str(fields["value"])) != Decimal(str(target["value"])) or fields.get("unit") != target.get(
        "unit", "usd"
    ):
        return False
    countries = {target.get("reporter"), target.get("partner")} - {None}
    return not countries or countries <= {fields.get("reporter"), fields.get("partner")}


def score_report(scores: Scores, name: str, gold: list[dict], proposed: list[dict], targets: list[dict]) -> None:
    """Add one report's pairs, misses and extras to `scores`."""
    for kind in TYPES:
        golds = [p for p in gold if p["type"] == kind]
        found = [p for p in proposed if p["type"] == kind]
        pairs = pair(kind, golds, found)
        counts = scores.counts[kind]
        counts.gold += len(golds)
        counts.proposed += len(found)
        counts.matched += len(pairs)
        paired_gold = [id(g) for g, _ in pairs]
        paired_found = [id(p) for _, p in pairs]
        scores.misses += [(name, kind, g["fields"]) for g in golds if id(g) not in paired_gold]
        scores.extras += [(name, kind, p["fields"]) for p in found if id(p) not in paired_found]
        for one, other in pairs:
            for label, read in FIELDS[kind]:
                _tally(scores, (kind, label), read(one["fields"]), read(other["fields"]), name)
            _tally(scores, (kind, "reliability"), one["reliability"], other["reliability"], name)
            _tally(scores, ("all", "reliability"), one["reliability"], other["reliability"])
    claims = [p for p in proposed if p["type"] == "trade_claim"]
    scores.targets_proposed += sum(1 for claim in claims if any(is_target(claim, t) for t in targets))


def _tally(scores: Scores, key: tuple, expected, found, report: str = "") -> None:
    scores.fields[key][0] += int(expected == found)
    scores.fields[key][1] += 1
    if expected != found and report:
        scores.wrong.append((report, *key, expected, found))


# (what is measured, how it is read from the scores, the least it may be; None: at most 0)
TARGETS = (
    ("visit F1", lambda s: s.counts["visit"].f1, 0.9),
    ("visit status accuracy", lambda s: s.accuracy("visit", "status"), 0.85),
    ("visit start-date accuracy", lambda s: s.accuracy("visit", "start date"), 0.85),
    ("trade claim F1", lambda s: s.counts["trade_claim"].f1, 0.85),
    ("reliability accuracy", lambda s: s.accuracy("all", "reliability"), 0.8),
    ("targets proposed as statistics", lambda s: s.targets_proposed, None),
)


def judged(scores: Scores) -> list[tuple[str, str, str, bool]]:
    """Each target: what is measured, the target, the measure, and whether it is met."""
    rows = []
    for label, read, least in TARGETS:
        value = read(scores)
        if least is None:
            rows.append((label, "0", str(value), value == 0))
        else:
            rows.append((label, f">= {least}", _number(value), value is not None and value >= least))
    return rows


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def render(scores: Scores, reports: int) -> str:
    """The scores as Markdown tables: per type, per field, and the targets."""
    lines = [
        f"{reports} reports.",
        "",
        "| type | gold | proposed | paired | precision | recall | F1 |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind, counts in scores.counts.items():
        lines.append(
            f"| {kind} | {counts.gold} | {counts.proposed} | {counts.matched} | {counts.precision:.3f} "
            f"| {counts.recall:.3f} | {counts.f1:.3f} |"
        )
    lines += ["", "| type | field | right / paired | accuracy |", "|---|---|---|---|"]
    for (kind, label), (right, paired) in sorted(scores.fields.items(), key=lambda item: _field_order(item[0])):
        lines.append(f"| {kind} | {label} | {right} / {paired} | {_number(right / paired)} |")
    lines += ["", f"targets proposed as statistics: {scores.targets_proposed}", ""]
    lines += ["| target | least | measured | |", "|---|---|---|---|"]
    for label, least, measured, met in judged(scores):
        lines.append(f"| {label} | {least} | {measured} | {'**met**' if met else '**NOT met**'} |")
    return "\n".join(lines)


def _field_order(key: tuple) -> tuple:
    kind, label = key
    kinds = (*TYPES, "all")
    labels = [name for name, _ in FIELDS.get(kind, ())] + ["reliability"]
    return (kinds.index(kind), labels.index(label) if label in labels else len(labels))
