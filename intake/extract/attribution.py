"""Who says it, and so how far to trust it: a sentence's attribution as a citation's reliability.

    "a source", "on condition of anonymity", "unnamed diplomats"     anonymous source
    a spokesman, minister or ambassador named, who says it           named official (the name)
    a ministry, the press service, a statement, a statistics         official statement (the body)
    agency, officials (plural, of a state: "Kenyan officials said")
    experts, analysts, observers                                     analyst estimate
    none of these: the outlet's own assertion                        media report

Checked in that order: "a source in the ministry" is anonymous though it names a ministry, and
"Foreign Ministry spokesman Ivan Petrov said" is the named spokesman, not the ministry. The
speaker is kept as the sentence gives it, for the citation and for matching a person.
"""

import re
from dataclasses import dataclass

ANONYMOUS = re.compile(
    r"\b(?:(?:a|an|one)\s+(?:\w+\s+){0,3}(?:source|insider|official\s+who)|sources\b|on\s+condition\s+of\s+anonymity"
    r"|(?:unnamed|anonymous|unidentified)\s+\w+|(?:asked|asking|declined)\s+not\s+to\s+be\s+(?:named|identified)"
    r"|without\s+being\s+(?:named|identified)"
    r"|(?:a|an|one|two|three|several)\s+(?:\w+\s+){0,2}(?:diplomats?|officials?)\s+(?:said|says|told|familiar)"
    r"|(?:people|persons|diplomats|officials)\s+familiar\s+with|it\s+is\s+rumou?red|rumou?rs?\s+(?:say|have\s+it))",
    re.IGNORECASE,
)
_TITLE = (
    r"(?i:spokes(?:man|woman|person)|press\s+secretary|(?:deputy\s+|first\s+deputy\s+|vice\s+)?prime\s+minister"
    r"|(?:deputy\s+|vice\s+)?(?:foreign\s+|trade\s+|economy\s+|economic\s+development\s+|energy\s+)?minister"
    r"|(?:vice\s+)?president|ambassador|envoy|secretary\s+of\s+state|chairman|chairwoman|head\s+of\s+state)"
)
_NAME = r"(?P<name>(?-i:[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2}))"
# "spokesman for the president Ivan Petrov", "Deputy Prime Minister Ivan Petrov"; and
# "Ivan Petrov, the foreign minister,"
NAMED = (
    re.compile(rf"\b{_TITLE}(?:\s+(?i:for|of)\s+(?:the\s+)?(?:[\w-]+\s+){{0,3}}?[\w-]+)?,?\s+{_NAME}"),
    re.compile(rf"\b{_NAME},\s+(?:the\s+|a\s+)?(?:\w+\s+){{0,3}}?{_TITLE}"),
)
SAYS = re.compile(
    r"\b(?:said|says|told|announced|stated|noted|stressed|confirmed|added|explained|according\s+to|quoted)\b",
    re.IGNORECASE,
)
# The bodies that speak for a state: "the ministry said", "according to the statistics agency"
_BODY = (
    r"(?:ministry|press\s+service|press\s+office|government|kremlin|white\s+house|embassy|administration|cabinet"
    r"|presidential\s+office|state\s+department|presidency|office|statistics\s+(?:agency|bureau|office|service)"
    r"|bureau\s+of\s+statistics|customs|central\s+bank|delegation|state\s+house|council)"
)
_BODY_WORDS = rf"(?:the\s+)?(?:[\w'’-]+\s+){{0,3}}?{_BODY}"
OFFICIAL = re.compile(
    rf"\b(?P<body>{_BODY_WORDS}(?:\s+of\s+(?:\w+\s+){{0,3}}\w+)?)(?:\s+in\s+(?-i:[A-Z])[\w-]+)?"
    r"(?:\s+(?:said|says|announced|stated|reported|confirmed|added|estimated)|'s\s+statement|\s+(?:data|figures)\s+show)"
    rf"|\baccording\s+to\s+(?:(?:figures|data)\s+(?:from|of|cited\s+by|quoted\s+by)\s+)?(?P<source>{_BODY_WORDS})\b"
    rf"|\b(?:figures|data)\s+from\s+(?P<shown>{_BODY_WORDS})\s+show"
    r"|\b(?P<officials>(?:(?-i:[A-Z])\w+\s+)?officials(?:\s+in\s+(?-i:[A-Z])[\w-]+)?)\s+(?:said|say|told)"
    r"|\b(?:a|an|the)\s+(?:official\s+|joint\s+|government\s+)?statement\b",
    re.IGNORECASE,
)
ANALYST = re.compile(
    r"\b(?:experts?|analysts?|observers|economists?|commentators|political\s+scientists?|researchers?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Attribution:
    reliability: str  # directory.models.Citation.Reliability's values
    speaker: str
    cue: str
    span: tuple[int, int] | None


def attribution(sentence: str) -> Attribution:
    """The sentence's reliability and speaker; a media report (the outlet's own) when it names none."""
    if match := ANONYMOUS.search(sentence):
        return Attribution("anonymous_source", "", match.group(0), match.span())
    named = [match for pattern in NAMED for match in pattern.finditer(sentence) if _speaks(sentence, match)]
    if named:
        match = min(named, key=lambda match: match.start())
        return Attribution("named_official", match["name"], match.group(0), match.span())
    if match := OFFICIAL.search(sentence):
        body = next((match[group] for group in ("body", "source", "shown", "officials") if match[group]), "").strip()
        return Attribution("official_statement", _without_article(body), match.group(0), match.span())
    if match := ANALYST.search(sentence):
        return Attribution("analyst_estimate", "", match.group(0), match.span())
    return Attribution("media_report", "", "", None)


def _speaks(sentence: str, named: re.Match) -> bool:
    """A titled name is the speaker when the saying is its own ("Ivan Petrov said", "said Ivan
    Petrov", "according to Ivan Petrov"), not when it is what the sentence speaks of ("President
    Ivan Petrov will visit Dushanbe, the ministry said")."""
    rest = sentence[named.end() :]
    if named.re is NAMED[1]:
        # "Dmitry Peskov, a spokesman for the president, recently announced": past the appositive
        rest = re.sub(r"^[^,.;]*,", "", rest, count=1)
    after = re.match(rf"(?:\w+ly\s+)?{SAYS.pattern}", rest.lstrip(" ,"), re.IGNORECASE)
    before = re.search(r"\b(?:said|says|told|according\s+to)\s+$", sentence[: named.start()], re.IGNORECASE)
    return bool(after or before)


def _without_article(body: str) -> str:
    return re.sub(r"^(?:the|a|an)\s+", "", body, flags=re.IGNORECASE)
