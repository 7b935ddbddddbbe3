"""API for countries, people, organisations, sources and citations."""

import copy

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, viewsets

from core.api.conditional import ConditionalMixin
from core.api.filters import FilterSet, TrackedFilterSet
from core.api.lookups import RecordIdLookupMixin
from core.api.pagination import CursorPagination
from core.api.serializers import LabelledChoicesMixin
from directory.models import Citation, Country, Organisation, Person, Position, Source
from directory.serializers import CitationSerializer, CountryField


class CountrySerializer(LabelledChoicesMixin, serializers.ModelSerializer):
    class Meta:
        model = Country
        fields = ["alpha3", "alpha2", "numeric", "name", "official_name", "kind", "withdrawn_on"]


class CountryFilter(FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Country.Kind.choices)

    class Meta:
        model = Country
        fields = ["kind", "alpha2", "numeric"]


class CountryViewSet(viewsets.ReadOnlyModelViewSet):
    """Countries by ISO 3166-1 alpha-3, including withdrawn states (SUN, YUG, ...) and World (W00)."""

    queryset = Country.objects.all()
    serializer_class = CountrySerializer
    filterset_class = CountryFilter
    search_fields = ["name", "official_name", "alpha3", "alpha2"]
    ordering_fields = ["name", "alpha3"]
    lookup_value_regex = "[A-Za-z0-9]{3}"

    def get_object(self):
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        return super().get_object()


class PositionSerializer(serializers.ModelSerializer):
    country = CountryField(allow_null=True, required=False)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True, default=None, allow_null=True)
    period = serializers.CharField(source="period_display", read_only=True)

    class Meta:
        model = Position
        fields = [
            "id",
            "title",
            "organisation",
            "organisation_name",
            "country",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
            "period",
        ]


class PersonSerializer(serializers.ModelSerializer):
    country = CountryField(allow_null=True, required=False)
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    positions = PositionSerializer(many=True, read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "sort_name",
            "country",
            "birth_date",
            "summary",
            "aliases",
            "positions",
            "external_id",
            "version",
            "updated_at",
        ]
        read_only_fields = ["version", "updated_at"]


class PersonFilter(TrackedFilterSet):
    country = django_filters.CharFilter(field_name="country")
    name = django_filters.CharFilter(method="filter_name", help_text="Name or alias, any case.")

    class Meta:
        model = Person
        fields = ["country"]

    def filter_name(self, queryset, name, value):
        return queryset.filter(pk__in=Person.objects.named(value).values("pk"))


class PersonViewSet(RecordIdLookupMixin, ConditionalMixin, viewsets.ModelViewSet):
    queryset = Person.objects.select_related("country").prefetch_related("aliases", "positions__organisation")
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    search_fields = ["name", "aliases__name"]
    ordering_fields = ["name", "updated_at"]
    pagination_class = CursorPagination
    ordering = ["name", "id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class OrganisationSerializer(LabelledChoicesMixin, serializers.ModelSerializer):
    country = CountryField(allow_null=True, required=False)

    class Meta:
        model = Organisation
        fields = ["id", "name", "abbreviation", "kind", "country", "parent", "url", "version", "updated_at"]
        read_only_fields = ["version", "updated_at"]


class OrganisationFilter(TrackedFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Organisation.Kind.choices)

    class Meta:
        model = Organisation
        fields = ["kind", "country"]


class OrganisationViewSet(RecordIdLookupMixin, ConditionalMixin, viewsets.ModelViewSet):
    queryset = Organisation.objects.select_related("country")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    search_fields = ["name", "abbreviation"]
    ordering_fields = ["name", "updated_at"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class SourceSerializer(LabelledChoicesMixin, serializers.ModelSerializer):
    outlet_name = serializers.CharField(source="outlet.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Source
        fields = [
            "id",
            "title",
            "kind",
            "outlet",
            "outlet_name",
            "url",
            "published_on",
            "published_precision",
            "retrieved_on",
            "language",
            "version",
            "updated_at",
        ]
        read_only_fields = ["version", "updated_at"]


class SourceFilter(TrackedFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Source.Kind.choices)
    published_from = django_filters.DateFilter(field_name="published_on", lookup_expr="gte")
    published_to = django_filters.DateFilter(field_name="published_on", lookup_expr="lte")

    class Meta:
        model = Source
        fields = ["kind", "outlet"]


class SourceViewSet(RecordIdLookupMixin, ConditionalMixin, viewsets.ModelViewSet):
    queryset = Source.objects.select_related("outlet")
    serializer_class = SourceSerializer
    filterset_class = SourceFilter
    search_fields = ["title", "outlet__name"]
    ordering_fields = ["published_on", "title", "updated_at"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class CitationDetailSerializer(CitationSerializer):
    """A citation as its own endpoint shows it: the speaker is a person or an organisation."""

    speaker_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        help_text="The body that made the statement (a ministry, a press service); not with a speaker.",
    )
    speaker_name = serializers.SerializerMethodField()

    class Meta(CitationSerializer.Meta):
        fields = [*CitationSerializer.Meta.fields, "speaker_organisation", "speaker_name"]

    def get_speaker_name(self, obj) -> str | None:
        """The person's name, else the organisation's; null when nobody is named."""
        who = obj.speaker_display
        return who.name if who else None


class CitationWriteSerializer(CitationDetailSerializer):
    record_type = serializers.ChoiceField(
        choices=[
            "visit",
            "agreement",
            "negotiationtopic",
            "agendaitem",
            "topicstance",
            "tradeclaim",
            "person",
            "organisation",
        ],
        help_text="The kind of record cited.",
    )

    class Meta(CitationDetailSerializer.Meta):
        pass

    def validate(self, attrs):
        record_type = attrs.pop("record_type", None)
        if record_type is not None:
            attrs["content_type"] = ContentType.objects.get(
                model=record_type, app_label__in=["visits", "agreements", "trade", "directory"]
            )
        content_type = attrs.get("content_type") or getattr(self.instance, "content_type", None)
        object_id = attrs.get("object_id") or getattr(self.instance, "object_id", None)
        model = content_type.model_class()
        try:
            exists = model._default_manager.filter(pk=object_id).exists()
        except (ValueError, TypeError):  # not an id of that model at all ("1 OR 1=1")
            exists = False
        if not exists:
            raise serializers.ValidationError({"object_id": f"No {model._meta.verbose_name} with id {object_id}."})
        # A partial update is checked as the citation it would make (one speaker, say).
        citation = Citation() if self.instance is None else copy.copy(self.instance)
        for name, value in attrs.items():
            setattr(citation, name, value)
        citation.content_type = content_type
        citation.clean()
        # The same source for the same field of the same record twice is refused here, by name,
        # rather than by the database's unique constraint (an IntegrityError, a 500).
        try:
            citation.validate_constraints()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        return attrs

    def to_representation(self, instance):
        return CitationDetailSerializer(instance, context=self.context).data


class CitationFilter(TrackedFilterSet):
    record_type = django_filters.CharFilter(field_name="content_type__model")
    object_id = django_filters.CharFilter()
    reliability = django_filters.MultipleChoiceFilter(choices=Citation.Reliability.choices)
    stance = django_filters.MultipleChoiceFilter(choices=Citation.Stance.choices)

    class Meta:
        model = Citation
        fields = ["source", "record_type", "object_id", "reliability", "stance"]


class CitationViewSet(RecordIdLookupMixin, ConditionalMixin, viewsets.ModelViewSet):
    queryset = Citation.objects.select_related("source", "speaker", "speaker_organisation")
    filterset_class = CitationFilter
    search_fields = ["quote", "note", "source__title"]
    ordering_fields = ["reported_on", "updated_at"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_serializer_class(self):
        return (
            CitationWriteSerializer
            if self.request.method not in ("GET", "HEAD", "OPTIONS")
            else CitationDetailSerializer
        )
