"""Serializer fields the content apps' APIs share: countries by code, a record's citations."""

from django.contrib.contenttypes.models import ContentType
from rest_framework import serializers

from core.api.serializers import LabelledChoicesMixin, TransitionSerializer
from directory.models import Citation, Country


class CountryField(serializers.SlugRelatedField):
    """A country by its ISO 3166-1 alpha-3 code."""

    default_error_messages = {
        "does_not_exist": "Unknown country code {value}; use ISO 3166-1 alpha-3, e.g. RUS.",
        "invalid": "Give an alpha-3 country code as a string.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Country.objects.all())
        super().__init__(slug_field="alpha3", **kwargs)

    def use_pk_only_optimization(self):
        # The code is the primary key: no need to fetch the country to show it.
        return True

    def to_representation(self, value):
        return value.pk

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = data.strip().upper()
        return super().to_internal_value(data)


class CitationSerializer(LabelledChoicesMixin, serializers.ModelSerializer):
    source_title = serializers.CharField(source="source.title", read_only=True)
    source_url = serializers.CharField(source="source.url", read_only=True)
    record_type = serializers.SerializerMethodField()

    class Meta:
        model = Citation
        fields = [
            "id",
            "source",
            "source_title",
            "source_url",
            "record_type",
            "object_id",
            "field_name",
            "quote",
            "reported_on",
            "reported_precision",
            "reliability",
            "stance",
            "speaker",
            "note",
            "resolved_at",
            "version",
        ]
        read_only_fields = ["resolved_at", "version"]

    def get_record_type(self, obj) -> str:
        return ContentType.objects.get_for_id(obj.content_type_id).model


class CitedTransitionSerializer(TransitionSerializer):
    """A status change that may name the citation reporting it."""

    citation = serializers.PrimaryKeyRelatedField(
        queryset=Citation.objects.all(), required=False, allow_null=True, default=None
    )
