"""API for agreements, with their status history, draft versions and citations."""

import django_filters
from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from agreements.models import Agreement, AgreementParty, DraftVersion
from core.api.conditional import ConditionalMixin
from core.api.filters import ImpreciseDateFromFilter, ImpreciseDateToFilter, TrackedFilterSet
from core.api.lookups import RecordIdLookupMixin
from core.api.pagination import CursorPagination
from core.api.serializers import LabelledChoicesMixin
from core.api.status_history import StatusHistoryMixin, StatusRowSerializer
from core.api.transitions import TransitionsMixin
from directory.filters import CountryCodeFilter, PairFilter
from directory.serializers import CitationSerializer, CitedTransitionSerializer, CountryField
from directory.status_serializers import CitedStatusRowCorrectionSerializer, FirstStatusMixin
from visits.models import NegotiationTopic


class DraftVersionSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", default=None, read_only=True, allow_null=True)

    class Meta:
        model = DraftVersion
        fields = ["number", "author", "created_at", "note", "text"]


class AgreementSerializer(LabelledChoicesMixin, FirstStatusMixin, serializers.ModelSerializer):
    parties = CountryField(many=True)
    topics = serializers.SlugRelatedField(
        many=True, slug_field="slug", queryset=NegotiationTopic.objects.all(), required=False
    )
    status_changes = StatusRowSerializer(many=True, read_only=True)
    drafts = DraftVersionSerializer(many=True, read_only=True)
    citations = CitationSerializer(many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "title",
            "kind",
            "status",
            "summary",
            "parties",
            "topics",
            "signed_at_visit",
            "expected_at_visit",
            "proposed_on",
            "proposed_precision",
            "signed_on",
            "signed_precision",
            "in_force_on",
            "in_force_precision",
            "status_changes",
            "first_status",
            "drafts",
            "citations",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["status"].read_only = True
        return fields

    def validate_parties(self, value):
        if len(set(value)) < 2:
            raise serializers.ValidationError("An agreement needs at least two different parties.")
        repeated = sorted({country.pk for country in value if value.count(country) > 1})
        if repeated:
            raise serializers.ValidationError(f"Each party once: {', '.join(repeated)} is given more than once.")
        return value

    def validate(self, attrs):
        current = (
            {}
            if self.instance is None
            else {f.name: getattr(self.instance, f.name) for f in Agreement._meta.concrete_fields if not f.primary_key}
        )
        plain = {k: v for k, v in attrs.items() if k not in ("parties", "topics", "first_status")}
        instance = Agreement(**{**current, **plain})
        instance.clean()
        self.check_first_status(instance, attrs)
        return attrs

    @transaction.atomic
    def create(self, validated_data):
        parties = validated_data.pop("parties")
        topics = validated_data.pop("topics", [])
        first = validated_data.pop("first_status", None)
        agreement = self.save_new_record(Agreement(**validated_data), first)
        AgreementParty.objects.bulk_create(AgreementParty(agreement=agreement, country=c) for c in parties)
        agreement.topics.set(topics)
        self.record_first_status(agreement, first)
        return agreement

    @transaction.atomic
    def update(self, instance, validated_data):
        parties = validated_data.pop("parties", None)
        topics = validated_data.pop("topics", None)
        instance = super().update(instance, validated_data)
        if parties is not None:
            instance.party_links.exclude(country__in=parties).delete()
            existing = set(instance.party_links.values_list("country_id", flat=True))
            AgreementParty.objects.bulk_create(
                AgreementParty(agreement=instance, country=c) for c in parties if c.pk not in existing
            )
        if topics is not None:
            instance.topics.set(topics)
        return instance


class AgreementFilter(TrackedFilterSet):
    party = CountryCodeFilter(field_name="parties", help_text="Agreements this country is party to.")
    pair = PairFilter(method="filter_pair", help_text="Two alpha-3 codes, e.g. RUS-TJK: agreements between them.")
    topic = django_filters.CharFilter(field_name="topics__slug")
    status = django_filters.MultipleChoiceFilter(choices=Agreement.Status.choices)
    kind = django_filters.MultipleChoiceFilter(choices=Agreement.Kind.choices)
    signed_from = ImpreciseDateFromFilter(field_name="signed_on", precision_field="signed_precision")
    signed_to = ImpreciseDateToFilter(field_name="signed_on")

    class Meta:
        model = Agreement
        fields = ["signed_at_visit", "expected_at_visit"]

    def filter_pair(self, queryset, name, value):
        return queryset.between_parties(*value)


# The answer is the record with its new status, so a generated client reads it as one.
@extend_schema_view(
    transitions=extend_schema(request=CitedTransitionSerializer, responses={201: AgreementSerializer}),
    status_history=extend_schema(request=CitedStatusRowCorrectionSerializer, responses={200: AgreementSerializer}),
)
class AgreementViewSet(
    RecordIdLookupMixin, TransitionsMixin, StatusHistoryMixin, ConditionalMixin, viewsets.ModelViewSet
):
    """Agreements. Status changes go through `POST /agreements/{id}/transitions/`; a history row
    is corrected with `PATCH /agreements/{id}/status-history/{row}/`."""

    queryset = Agreement.objects.prefetch_related(
        "parties", "topics", "status_changes__recorded_by", "drafts__author", "citations__source"
    )
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilter
    search_fields = ["title", "summary"]
    ordering_fields = ["signed_on", "updated_at", "id"]
    pagination_class = CursorPagination
    ordering = ["-id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    transition_serializer_class = CitedTransitionSerializer
    correction_serializer_class = CitedStatusRowCorrectionSerializer
