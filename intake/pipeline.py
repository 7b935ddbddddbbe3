"""A report's text in, proposals out: the extraction's parts put together, sentence by sentence.

Each sentence is read for who says it (attribution), what it says of a visit (status, and so
which way its dates look), the dates, the names and posts it uses, and the trade figures it
states. From those come proposals, each with the fields as the API's create bodies name them,
the quote and its span in the report, the reliability and speaker, and a confidence (the share
of the proposal's fields the text filled). Nothing is written: intake.services stores a report
and its proposals; accepting one goes through the content apps' services.

    visit        a sentence with a visit's status and a visit's words, a visitor (a person the
                 directory knows, or the holder of a post on the date) and a host country
    tour         a trip of several legs ("taking in Tajikistan and neighbouring Kyrgyzstan"):
                 the tour, and a visit for each leg
    agreement    a document named with its subject ("a memorandum on joint work in education"),
                 its kind and stage, between the sentence's countries (or the report's two)
    trade_claim  a figure with its metric and year, between the sentence's two countries (or
                 the report's); a target is never one
    person       a name the directory does not know, given with a post
    topic        a negotiation topic the directory knows (by title or keyword), or a new one the
                 report names ("talks on X"), once a report
    commission_session
                 "the next session of the intergovernmental commission", its dates and status
                 (intake.proposals says more)
"""

import datetime
import re
from collections import Counter

import spacy

from intake.extract.attribution import SAYS, attribution
from intake.extract.dates import DateMention, Looking, duration_days, find_dates, visit_end, visit_start
from intake.extract.names import NAME_AFTER, NameMatcher, Post, PostMention, find_posts, holders, unknown_people
from intake.extract.stances import find_stances
from intake.extract.status import visit_status
from intake.proposals import Proposal, agreement_proposals, commission_sessions, topic_proposals, trade_claims

VISIT_WORDS = re.compile(
    r"\b(?:visits?|visiting|visited|trip|tour|arriv(?:e|es|ed|ing|al)|travel(?:s|led|ling)?|expected\s+in"
    r"|attend(?:s|ed|ing)?|fl(?:y|ies|ew|ying)|go(?:es)?\s+on\s+to|head(?:s|ed|ing)?\s+(?:on\s+)?to)\b",
    re.IGNORECASE,
)
KINDS = (
    ("state", r"\bstate\s+visit"),
    ("official", r"\bofficial\s+visit"),
    ("working", r"\bworking\s+visit"),
    ("private", r"\bprivate\s+visit"),
    ("summit", r"\bsummit\b"),
    ("transit", r"\btransit\b|\bstopover\b"),
)
# A title no post is named by, read as the post it stands for: "the Russian leader"
HOLDS = {"leader": "president"}
LEVELS = (
    ("deputy", r"\bdeputy\b|\bvice\b"),
    ("head", r"\bpresident\b|\bprime\s+minister\b|\bking\b|\bqueen\b|\bemir\b|\bchancellor\b|\bleader\b"),
    ("minister", r"\bminister\b"),
    ("official", r"\bambassador\b|\benvoy\b|\bspokes\w+\b|\bsecretary\b"),
)
# "said on Thursday": the day of the statement, not of the visit
_SPEECH_DATE = re.compile(r"\b(?:said|told\s+\w+|announced|stated|reported)\s+(?:on\s+)?$", re.IGNORECASE)
_SAME_SPEAKER = re.compile(
    r"\bthe\s+(?P<title>minister|spokes(?:man|woman|person)|president|ambassador|envoy)\s+"
    r"(?:said|says|told|added|stressed|noted|announced)\b",
    re.IGNORECASE,
)
# The verb that ends a visit, before its date: that date is the visit's last day
ENDED = re.compile(
    r"\b(?:wrapped\s+up|concluded|ended|rounded\s+off|left\s+\w+\s+on)\b(?!.*\b(?:arriv|start|began))", re.IGNORECASE
)
TOUR = re.compile(
    r"\b(?:tour|taking\s+in|will\s+also\s+visit|then\s+(?:travel|go|fly)\s+(?:on\s+)?to)\b", re.IGNORECASE
)
# "travel on from Dushanbe to Astana": where a trip sets out from is not its host; but where
# a visitor "returned from" is where the visit was
_ORIGIN = re.compile(r"\bfrom\s+$", re.IGNORECASE)
_RETURNED_FROM = re.compile(r"\breturn\w*\s+(?:home\s+)?from\s+$", re.IGNORECASE)
# "talks with the Japanese prime minister", "to meet the South Korean president": whom the
# visitor meets, not the visitor
_MET = re.compile(
    r"\b(?:with|meet|meets|met|meeting|and|counterpart)\s+(?:the\s+|his\s+|her\s+|their\s+)?$", re.IGNORECASE
)

_OFFICIAL_SOURCE = re.compile(r"government|ministry|official|kremlin|presidential|administration", re.IGNORECASE)

_SENTENCES = spacy.blank("en")
_SENTENCES.add_pipe("sentencizer")


def read_report(
    text: str, published: datetime.date, matcher: NameMatcher, posts: list[Post], topics: list[tuple] = ()
) -> list[Proposal]:
    """The proposals a report's text gives, in the order of the text; `topics` are the
    directory's negotiation topics as (id, title, keywords)."""
    sentences = [(sentence.start_char, sentence.text) for sentence in _SENTENCES(text).sents]
    mentions = {start: matcher.find(sentence) for start, sentence in sentences}
    report_countries = Counter(mention.country for found in mentions.values() for mention in found if mention.country)
    proposals, context = [], {"year": None, "topics": topics, "topics_seen": set(), "visitors": []}
    for start, sentence in sentences:
        proposals += _read_sentence(sentence, start, published, mentions[start], posts, report_countries, context)
    return _one_visit_each(proposals)


def _one_visit_each(proposals: list[Proposal]) -> list[Proposal]:
    """A report tells of a visit in several sentences ("will arrive on 28 February"; "during
    the visit, ..."): one proposal for each visitor and host, the first, with what it lacks
    (dates, kind, locale) taken from the later ones."""
    kept, first = [], {}
    for proposal in proposals:
        fields = proposal.fields
        key = (fields.get("visitor_country"), fields.get("visitor_name"), fields.get("host_country"))
        if proposal.type != "visit":
            kept.append(proposal)
            continue
        if key not in first:
            first[key] = proposal
            kept.append(proposal)
            continue
        earlier = first[key].fields
        if earlier["start_date"] is None and fields["start_date"] is not None:
            earlier.update(
                {name: fields[name] for name in ("start_date", "start_precision", "end_date", "end_precision")}
            )
        for name in ("kind", "locale", "level"):
            earlier[name] = earlier[name] or fields[name]
    return kept


def _read_sentence(sentence, offset, published, names, posts, report_countries, context) -> list[Proposal]:
    said = attribution(sentence)
    post_mentions = find_posts(sentence, names)
    reliability, speaker = said.reliability, said.speaker
    if reliability == "media_report" and (spoken := _titled_speaker(sentence, post_mentions, posts, published)):
        post, speaker = spoken
        reliability = "named_official"
        context["speaker"] = (post.title, speaker)
    elif reliability == "named_official":
        context["speaker"] = (said.cue.lower(), speaker)
    elif reliability == "media_report" and context.get("speaker") and (again := _SAME_SPEAKER.search(sentence)):
        # "the minister said", after "Tajikistan's foreign minister said": the same person
        if again["title"].lower() in context["speaker"][0]:
            reliability, speaker = "named_official", context["speaker"][1]
    if reliability == "media_report" and (named := _surname_speaks(sentence, names, context)):
        reliability, speaker = "named_official", named
    # "a government source" announces; unnamed diplomats and rumours only make a rumour
    rumour = reliability == "anonymous_source" and not _OFFICIAL_SOURCE.search(
        sentence[said.span[0] : said.span[1] + 40]  # "a source in the Tajik government"
    )
    status = visit_status(sentence, only_unnamed_sources=rumour)
    dates = [
        mention
        for mention in find_dates(sentence, published, status.looking if status else Looking.NEAREST)
        if not _SPEECH_DATE.search(sentence[: mention.span[0]])
    ]
    base = {"reliability": reliability, "speaker": speaker}
    found = []
    if status and VISIT_WORDS.search(sentence):
        for visit in _visits(sentence, offset, published, names, post_mentions, posts, status.status, dates, context):
            found.append(Proposal(**visit, **base))
    found += trade_claims(sentence, offset, published, names, report_countries, base, speaker, context)
    documents = agreement_proposals(sentence, offset, names, report_countries, dates, base)
    found += documents
    found += commission_sessions(
        sentence, offset, names, report_countries, dates, status.status if status else "", base
    )
    found += topic_proposals(
        sentence, offset, [(a.span[0] - offset, a.span[1] - offset) for a in documents], base, context
    )
    for stance in find_stances(sentence, names, context["topics"]):
        found.append(
            Proposal(
                "stance",
                {
                    "topic": stance.topic,
                    "topic_id": stance.topic_id,
                    "country": stance.country,
                    "stance": stance.stance,
                },
                sentence[stance.span[0] : stance.span[1]],
                (offset + stance.span[0], offset + stance.span[1]),
                confidence=0.6,  # a reading of tone: always the editor's to confirm
                **base,
            )
        )
    for name, post in unknown_people(sentence, names, post_mentions):
        at = sentence.index(name, post.span[1])
        found.append(
            Proposal(
                "person",
                {"name": name, "country": post.country, "post_title": post.title},
                sentence[post.span[0] : at + len(name)],
                (offset + post.span[0], offset + at + len(name)),
                confidence=1.0,
                **base,
            )
        )
    return found


def _surname_speaks(sentence: str, names, context) -> str:
    """A person the report has named in full, speaking by surname ("Rahayu said"): the full name."""
    known = context.setdefault("people", {})
    for mention in names:
        if all(k.kind == "person" for k in mention.candidates) and len(mention.candidates) == 1:
            label = mention.candidates[0].label
            known[label.split()[-1]] = label
    for visitor_name, *_ in context["visitors"]:
        if visitor_name:
            known[visitor_name.split()[-1]] = visitor_name
    return next(
        (full for surname, full in known.items() if re.search(rf"\b{re.escape(surname)},?\s+{SAYS.pattern}", sentence)),
        "",
    )


def _speaks(sentence: str, post: PostMention) -> bool:
    """The post is the sentence's speaker: "Tajikistan's foreign minister said"."""
    return bool(SAYS.match(sentence[post.span[1] :].lstrip()))


def _titled_speaker(sentence, post_mentions: list[PostMention], posts, published) -> tuple[PostMention, str] | None:
    """The post that speaks and who it is: its holder on the date (or the post's words)."""
    for post in post_mentions:
        if _speaks(sentence, post):
            held = holders(posts, post.title, post.country, published)
            return post, held[0].name if len(held) == 1 else post.text
    return None


def _visits(
    sentence, offset, published, names, post_mentions, posts, status, dates: list[DateMention], context
) -> list[dict]:
    """The visit the sentence tells of; or, for a tour ("a tour of Central Asia, taking in
    Tajikistan and neighbouring Kyrgyzstan"), the tour and a visit for each of its legs. The
    visitor is a post and its holder, a person the directory knows, or a visitor of the report's
    named again ("the chancellor will then fly on to Argentina", "Delorme will go on to ...")."""
    visitor_name, visitor_country, level, visitor_span, title = "", "", "", None, ""
    people = [m for m in names if all(k.kind == "person" for k in m.candidates) and len(m.candidates) == 1]
    speaking = [p for p in post_mentions if _speaks(sentence, p)]
    titled = [p for p in post_mentions if p not in speaking and not _MET.search(sentence[: p.span[0]])]
    on = dates[0].start.date if dates else published
    if titled:
        post = titled[0]
        held = holders(posts, HOLDS.get(post.title, post.title), post.country, on)
        named = NAME_AFTER.match(sentence, post.span[1])
        visitor_name = held[0].name if len(held) == 1 else named["name"] if named else ""
        visitor_country, level, visitor_span, title = post.country, _level(post.title), post.span, post.title
    elif people:
        person = people[0].candidates[0]
        visitor_name, visitor_span = person.label, people[0].span
        held = [p for p in posts if p.person == person.key and holders([p], p.title, p.country, on)]
        if held:
            visitor_country, level, title = held[0].country, _level(held[0].title), held[0].title
    elif again := _named_again(sentence, context["visitors"]):
        visitor, visitor_span = again
        visitor_name, visitor_country, level, title = visitor
    if not (visitor_name or visitor_country):
        return []
    hosts = [
        m
        for m in names
        if m.country
        and m.country != visitor_country
        and not (visitor_span and visitor_span[0] <= m.span[0] < visitor_span[1])
        and not any(p.span[0] <= m.span[0] < p.span[1] for p in speaking)
        and not (_ORIGIN.search(sentence[: m.span[0]]) and not _RETURNED_FROM.search(sentence[: m.span[0]]))
    ]
    if not hosts:
        return []
    context["visitors"].append((visitor_name, visitor_country, level, title))
    tour = TOUR.search(sentence)
    legs = list({m.country: m for m in hosts if tour and m.span[0] >= tour.start()}.values())
    span = (offset, offset + len(sentence.rstrip()))
    if len(legs) < 2:
        return [_visit_fields(sentence, span, hosts[0], visitor_name, visitor_country, level, status, dates)]
    region = re.search(r"\btour\s+of\s+(?P<region>(?-i:[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?))", sentence)
    traveller = visitor_name or next((m.text for m in names if m.span == visitor_span), visitor_country)
    title = f"{traveller}'s tour" + (f" of {region['region']}" if region else "")
    leg_codes = [m.country for m in legs]
    proposals = [
        {
            "type": "tour",
            "fields": {"title": title, "traveller_name": visitor_name, "legs": leg_codes, "status": status},
            "quote": sentence.strip(),
            "span": span,
            "confidence": 0.8 if visitor_name else 0.6,
        }
    ]
    for leg in legs:
        proposals.append(_visit_fields(sentence, span, leg, visitor_name, visitor_country, level, status, dates))
    return proposals


def _named_again(sentence: str, visitors: list[tuple]) -> tuple[tuple, tuple[int, int]] | None:
    """A visitor of the report's earlier sentences that this one names again: by the post
    ("the chancellor") or the surname ("Delorme"), the latest first."""
    for visitor in reversed(visitors):
        name, _country, _level, title = visitor
        again = (title and re.search(rf"\bthe\s+{re.escape(title)}\b", sentence, re.IGNORECASE)) or (
            name and re.search(rf"\b{re.escape(name.split()[-1])}\b", sentence)
        )
        if again:
            return visitor, again.span()
    return None


def _visit_fields(sentence, span, host, visitor_name, visitor_country, level, status, dates) -> dict:
    fields = {
        "visitor_name": visitor_name,
        "visitor_country": visitor_country,
        "host_country": host.country,
        "locale": host.text if host.candidates[0].via in ("capital", "city") else "",
        "start_date": None,
        "start_precision": "",
        "end_date": None,
        "end_precision": "",
        "kind": next((kind for kind, words in KINDS if re.search(words, sentence, re.IGNORECASE)), ""),
        "level": level,
        "status": status,
    }
    if dates and not dates[0].end and ENDED.search(sentence[: dates[0].span[0]]):
        # "wrapped up his two-day visit on Tuesday": the day it ended, and from it the first
        end = dates[0].start
        start = visit_start(end, duration_days(sentence))
        fields.update(end_date=end.date, end_precision=str(end.precision))
        if start:
            fields.update(start_date=start.date, start_precision=str(start.precision))
    elif dates:
        start = dates[0].start
        end = dates[0].end or visit_end(start, duration_days(sentence))
        fields.update(start_date=start.date, start_precision=str(start.precision))
        if end:
            fields.update(end_date=end.date, end_precision=str(end.precision))
    filled = sum(1 for name in ("visitor_name", "visitor_country", "start_date", "kind", "level") if fields[name])
    return {
        "type": "visit",
        "fields": fields,
        "quote": sentence.strip(),
        "span": span,
        "confidence": round(0.5 + filled / 10, 2),
    }


def _level(title: str) -> str:
    return next((level for level, words in LEVELS if re.search(words, title, re.IGNORECASE)), "")
