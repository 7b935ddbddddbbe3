"""A topic's stance entries: where each country first stood, and each time that changed.

A stance recorded again unchanged (a country restating its position) is no event and gets
no entry, which is why all of a topic's stances are one refresh unit.
"""

from collections import defaultdict

from timelines.builders.base import EntrySpec, content_type_id, ordered_pair, summary, title
from timelines.models import TimelineEntry
from timelines.units import stances_unit
from visits.models import NegotiationTopic, TopicStance

Stance = TopicStance.Stance
# "Tajikistan is undecided on Accession to the Eurasian Economic Union"
STANCE_PHRASES = {
    Stance.SUPPORTS: "supports",
    Stance.OPEN: "is open to",
    Stance.UNDECIDED: "is undecided on",
    Stance.RELUCTANT: "is reluctant about",
    Stance.OPPOSES: "opposes",
}


def topic_countries(topic_ids) -> dict[int, set[str]]:
    countries = defaultdict(set)
    links = NegotiationTopic.countries.through.objects.filter(negotiationtopic_id__in=topic_ids)
    for topic_id, country_id in links.values_list("negotiationtopic_id", "country_id"):
        countries[topic_id].add(country_id)
    return countries


def stance_pair(country_id: str, countries_of_topic: set[str]) -> tuple[str | None, str | None]:
    """A bilateral topic's stances belong to its pair; any other topic's to the country alone."""
    others = countries_of_topic - {country_id}
    if country_id in countries_of_topic and len(others) == 1:
        return ordered_pair(country_id, others.pop())
    return ordered_pair(country_id, None)


def build_stance_entries(ids: list[str]) -> list[EntrySpec]:
    """Stance entries of the topics with these ids, in three queries whatever their number."""
    topics = dict(NegotiationTopic.objects.filter(pk__in=ids).values_list("pk", "title"))
    if not topics:
        return []
    countries = topic_countries(topics)
    stances = (
        TopicStance.objects.filter(topic_id__in=topics)
        .select_related("country")
        .order_by("topic_id", "country_id", "as_of", "id")
    )
    stance_type = content_type_id(TopicStance)
    specs = []
    previous: TopicStance | None = None
    for stance in stances:
        if previous is not None and (previous.topic_id, previous.country_id) != (stance.topic_id, stance.country_id):
            previous = None
        if previous is None or previous.stance != stance.stance:
            text = f"{stance.country.name} {STANCE_PHRASES[stance.stance]} {topics[stance.topic_id]}"
            if previous is not None:
                text += f" (was {previous.get_stance_display().lower()})"
            country_a, country_b = stance_pair(stance.country_id, countries[stance.topic_id])
            specs.append(
                EntrySpec(
                    key=f"topic_stance:{stance.pk}",
                    unit=stances_unit(stance.topic_id),
                    kind=TimelineEntry.Kind.TOPIC_STANCE,
                    date=stance.as_of,
                    precision=stance.as_of_precision,
                    title=title(text),
                    summary=summary(stance.note),
                    content_type_id=stance_type,
                    object_id=str(stance.pk),
                    source_updated_at=stance.updated_at,
                    source_version=stance.version,
                    country_a_id=country_a,
                    country_b_id=country_b,
                    topic_ids=frozenset({stance.topic_id}),
                )
            )
        previous = stance
    return specs
