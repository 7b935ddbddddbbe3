"""API for visits (with their status history and citations) and negotiation topics."""

import django_filters
from django.db import transaction
from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from core.api.conditional import ConditionalMixin
from core.api.filters import ImpreciseDateFromFilter, ImpreciseDateToFilter, TrackedFilterSet
from core.api.lookups import RecordIdLookupMixin
from core.api.pagination import CursorPagination
from core.api.serializers import LabelledChoicesMixin
from core.api.status_history import StatusHistoryMixin, StatusRowSerializer
from core.api.transitions import TransitionsMixin
from directory.filters import CountryCodeFilter, EitherSideFilter, PairFilter
from directory.serializers import CitationSerializer, CitedTransitionSerializer, CountryField
from directory.status_serializers import CitedStatusRowCorrectionSerializer, FirstStatusMixin
from visits.models import AgendaItem, NegotiationTopic, Participant, TopicStance, Visit


class ParticipantSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = Participant
        fields = ["person", "person_name", "role"]


class AgendaItemSerializer(LabelledChoicesMixin, serializers.ModelSerializer):
    topic_slug = serializers.CharField(source="topic.slug", read_only=True)
    topic_title = serializers.CharField(source="topic.title", read_only=True)

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "topic",
            "topic_slug",
            "topic_title",
            "expectation",
            "outcome_count",
            "outcome_qualifier",
            "outcome_noun",
            "outcome_display",
            "note",
        ]


class VisitSerializer(LabelledChoicesMixin, FirstStatusMixin, serializers.ModelSerializer):
    visitor_country = CountryField()
    host_country = CountryField()
    visitor_name = serializers.CharField(source="visitor.name", read_only=True, default=None, allow_null=True)
    dates = serializers.CharField(
        source="date_display", read_only=True, help_text="The dates as known, e.g. 'Feb 2017'."
    )
    status_changes = StatusRowSerializer(many=True, read_only=True)
    citations = CitationSerializer(many=True, read_only=True)
    participants = ParticipantSerializer(many=True, read_only=True)
    agenda_items = AgendaItemSerializer(many=True, read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "visitor",
            "visitor_name",
            "visitor_country",
            "host_country",
            "locale",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
            "dates",
            "kind",
            "level",
            "status",
            "summary",
            "tour",
            "prepares",
            "external_source",
            "external_id",
            "participants",
            "agenda_items",
            "status_changes",
            "first_status",
            "citations",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["external_source", "external_id", "version", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            # After creation status moves only through POST .../transitions/.
            fields["status"].read_only = True
        return fields

    def validate(self, attrs):
        instance = Visit(**{**self._current_values(), **{k: v for k, v in attrs.items() if k != "first_status"}})
        instance.clean()
        self.check_first_status(instance, attrs)
        return attrs

    def _current_values(self):
        if self.instance is None:
            return {}
        return {f.name: getattr(self.instance, f.name) for f in Visit._meta.concrete_fields if not f.primary_key}

    @transaction.atomic
    def create(self, validated_data):
        first = validated_data.pop("first_status", None)
        visit = self.save_new_record(Visit(**validated_data), first)
        self.record_first_status(visit, first)
        return visit


class VisitFilter(TrackedFilterSet):
    pair = PairFilter(
        sides=("visitor_country", "host_country"), help_text="Two alpha-3 codes, e.g. RUS-TJK: visits either way."
    )
    country = EitherSideFilter(
        sides=("visitor_country", "host_country"), help_text="Visits made or hosted by this country."
    )
    visitor_country = CountryCodeFilter()
    host_country = CountryCodeFilter()
    person = django_filters.NumberFilter(
        method="filter_person", min_value=1, max_value=2**63 - 1, help_text="Visitor or participant (person id)."
    )
    topic = django_filters.CharFilter(
        field_name="agenda_items__topic__slug", distinct=True, help_text="A topic slug on the agenda."
    )
    status = django_filters.MultipleChoiceFilter(choices=Visit.Status.choices)
    kind = django_filters.MultipleChoiceFilter(choices=Visit.Kind.choices)
    level = django_filters.MultipleChoiceFilter(choices=Visit.Level.choices)
    date_from = ImpreciseDateFromFilter(
        field_name="start_date",
        precision_field="start_precision",
        help_text="Visits that may start on or after this date, at their precision.",
    )
    date_to = ImpreciseDateToFilter(field_name="start_date", help_text="Visits starting on or before this date.")
    tour = django_filters.NumberFilter(min_value=1, max_value=2**63 - 1)

    class Meta:
        model = Visit
        fields = ["external_source", "external_id"]

    def filter_person(self, queryset, name, value):
        return queryset.filter(Q(visitor=value) | Q(participants__person=value)).distinct()


# The answer is the record with its new status, so a generated client reads it as one.
@extend_schema_view(
    transitions=extend_schema(request=CitedTransitionSerializer, responses={201: VisitSerializer}),
    status_history=extend_schema(request=CitedStatusRowCorrectionSerializer, responses={200: VisitSerializer}),
)
class VisitViewSet(RecordIdLookupMixin, TransitionsMixin, StatusHistoryMixin, ConditionalMixin, viewsets.ModelViewSet):
    """Visits between countries. Status changes go through `POST /visits/{id}/transitions/`; a
    history row is corrected with `PATCH /visits/{id}/status-history/{row}/`."""

    queryset = Visit.objects.select_related("visitor").prefetch_related(
        "status_changes__recorded_by", "citations__source", "participants__person", "agenda_items__topic"
    )
    serializer_class = VisitSerializer
    filterset_class = VisitFilter
    search_fields = ["summary", "locale", "visitor__name"]
    ordering_fields = ["start_date", "updated_at", "id"]
    pagination_class = CursorPagination
    ordering = ["-start_date", "-id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    transition_serializer_class = CitedTransitionSerializer
    correction_serializer_class = CitedStatusRowCorrectionSerializer


class TopicStanceSerializer(LabelledChoicesMixin, serializers.ModelSerializer):
    country = CountryField()

    class Meta:
        model = TopicStance
        fields = ["country", "stance", "as_of", "as_of_precision", "note"]


class NegotiationTopicSerializer(LabelledChoicesMixin, serializers.ModelSerializer):
    countries = CountryField(many=True, required=False)
    stances = TopicStanceSerializer(many=True, read_only=True)
    citations = CitationSerializer(many=True, read_only=True)

    class Meta:
        model = NegotiationTopic
        fields = [
            "id",
            "slug",
            "title",
            "description",
            "keywords",
            "countries",
            "status",
            "stances",
            "citations",
            "version",
            "updated_at",
        ]
        read_only_fields = ["version", "updated_at"]


class NegotiationTopicFilter(TrackedFilterSet):
    country = django_filters.CharFilter(field_name="countries", help_text="Topics involving this country (alpha-3).")
    status = django_filters.MultipleChoiceFilter(choices=NegotiationTopic.Status.choices)

    class Meta:
        model = NegotiationTopic
        fields = ["status"]


class NegotiationTopicViewSet(ConditionalMixin, viewsets.ModelViewSet):
    """Negotiation topics by slug, with each country's stances over time."""

    queryset = NegotiationTopic.objects.prefetch_related("countries", "stances__country", "citations__source")
    serializer_class = NegotiationTopicSerializer
    filterset_class = NegotiationTopicFilter
    search_fields = ["title", "description"]
    ordering_fields = ["title", "updated_at"]
    lookup_field = "slug"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
