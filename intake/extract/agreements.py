"""Agreements a sentence names, with their kind, a title, and the stage the words put them at.

    "an agreement on cooperation in migration"       intergovernmental, "Agreement on cooperation in migration"
    "a memorandum on joint work in education"        mou, "Memorandum on joint work in education"
    "are being prepared for signature"               drafting
    "are expected to be signed", "will sign"         proposed
    "initialled"                                     initialled
    "signed" (done)                                  signed
    "ratified", "entered into force"                 ratified, in_force

The stage is the sentence's, checked from the last stage to the first, so "the treaty signed
in 2015 entered into force" is in force. A sentence that names "an agreement" with no subject
("reached an agreement"), or agreement as consent ("hoped for agreement on new flights"), names no
document and gives none; nor does "the trade agreement" spoken of with no stage, a document the
reader already knows of mentioned in passing.
"""

import re
from dataclasses import dataclass

KINDS = (
    ("mou", r"memorand(?:um|a)(?:\s+of\s+understanding)?"),
    ("joint_statement", r"joint\s+(?:statement|declaration)"),
    ("intergovernmental", r"(?:intergovernmental\s+)?agreements?"),
    ("treaty", r"treat(?:y|ies)"),
    ("protocol", r"protocols?"),
    ("contract", r"contracts?"),
)
_KIND = "|".join(f"(?P<{kind}>{words})" for kind, words in KINDS)
DOCUMENT = re.compile(
    rf"\b(?:{_KIND})\s+(?P<subject>(?:on|for|of|about|in\s+the\s+field\s+of)\s+[^,.;:()]+?)"
    r"(?=\s+(?:and\s+(?:a|an|the|to)\b|was|were|is|are|will|would|could|may|between|with|during|at|by|to\s+be"
    r"|entered|came|has|have|had|signed|initial(?:l)?ed|ratified"
    r"|in\s+(?-i:[A-Z])|on\s+(?:\d|(?:mon|tues|wednes|thurs|fri|satur|sun)day|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))"
    r"|[,.;:()]|$)",
    re.IGNORECASE,
)
# "cooperation agreements", "trade and cultural agreements": a kind named by its subject
SUBJECTS = (
    "cooperation|trade|economic|cultural|investment|energy|security|military|visa|border|migration|customs"
    "|transit|tax|water|gas|oil|nuclear|education|defence|defense|science|transport|aviation|fisheries"
    "|digital\\s+economy|digital"
)
NAMED_BY_SUBJECT = re.compile(
    rf"\b(?P<subject>(?:{SUBJECTS})(?:\s+and\s+(?:{SUBJECTS}))?)\s+"
    r"(?P<word>agreements?|treat(?:y|ies)|protocols?|memorand(?:um|a)|contracts?)\b",
    re.IGNORECASE,
)
_WORD_KINDS = {
    "agreement": "intergovernmental",
    "treat": "treaty",
    "protocol": "protocol",
    "memorand": "mou",
    "contract": "contract",
}
# "hoped for agreement on new flights", "reached agreement on": consent, not a document
CONSENT = re.compile(r"\b(?:for|reach|reached|reaching|no|without|find|found|seek|seeking)\s+$", re.IGNORECASE)
STAGES = (
    ("in_force", r"entered\s+into\s+force|came\s+into\s+force|in\s+force\s+since|takes?\s+effect"),
    ("ratified", r"ratified|ratification\s+(?:was|has\s+been)\s+completed"),
    ("signed", r"(?<!to\s)(?<!be\s)\bsigned\b(?!\s+(?:later|soon|next))|\bsigning\s+ceremony\s+(?:was|took)"),
    ("initialled", r"initial(?:l)?ed"),
    ("negotiating", r"negotiat(?:ing|ions?\s+on)|talks\s+on"),
    ("drafting", r"(?:being\s+)?(?:prepared|drafted|drawn\s+up)\s+(?:for\s+signature|for\s+signing)?|drafting"),
    (
        "proposed",
        r"expected\s+to\s+(?:be\s+)?sign|to\s+be\s+signed|will\s+(?:be\s+)?sign|could\s+be\s+signed|may\s+be\s+signed"
        r"|plan(?:s|ned)?\s+to\s+sign|proposed",
    ),
)
_STAGES = [(stage, re.compile(rf"\b(?:{words})", re.IGNORECASE)) for stage, words in STAGES]


@dataclass(frozen=True)
class AgreementMention:
    kind: str
    title: str
    status: str
    quote: str
    span: tuple[int, int]


def find_agreements(sentence: str) -> list[AgreementMention]:
    """Every document the sentence names with its subject, in order, at the sentence's stage
    (or "proposed" when it names no stage: a document talked of is one not yet signed)."""
    stage = next((stage for stage, pattern in _STAGES if pattern.search(sentence)), None)
    status = stage or "proposed"
    found = []
    for match in DOCUMENT.finditer(sentence):
        kind = next(kind for kind, _ in KINDS if match[kind])
        if kind == "intergovernmental" and CONSENT.search(sentence[: match.start()]):
            continue
        word = match[kind].strip()
        title = f"{word[:1].upper()}{word[1:]} {' '.join(match['subject'].split())}"
        found.append(AgreementMention(kind, title, status, match.group(0), match.span()))
    for match in NAMED_BY_SUBJECT.finditer(sentence):
        if any(start <= match.start() < end for start, end in (a.span for a in found)):
            continue
        if stage is None and re.search(r"\bthe\s+$", sentence[: match.start()], re.IGNORECASE):
            continue  # "the investment agreement would give ...": a document already told of, in passing
        word = match["word"].lower()
        kind = next(kind for stem, kind in _WORD_KINDS.items() if word.startswith(stem))
        subject = " ".join(match["subject"].split())
        title = f"{subject[:1].upper()}{subject[1:].lower()} {word}"
        found.append(AgreementMention(kind, title, status, match.group(0), match.span()))
    return sorted(found, key=lambda a: a.span)
