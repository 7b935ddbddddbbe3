"""`GET /api/v1/timeline/`: the materialised timeline, read through the selectors.

One of `pair`, `country`, `person`, `topic` or `agreement` chooses the timeline (none: all
of it); `kind`, `date_from` and `date_to` narrow it; pages follow `next` (a keyset cursor).
`?format=csv` streams the whole timeline, page by page, in one download.
"""

from django import forms
from django.contrib.contenttypes.models import ContentType
from drf_orjson_renderer.renderers import ORJSONRenderer
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from core.api.csv import CSVRenderer, stream_rows_csv, wants_csv
from core.dates import format_imprecise_range
from directory.filters import CountryCodeField, PairField
from timelines import selectors
from timelines.models import TimelineEntry
from visits.models import NegotiationTopic

CSV_HEADER = [
    "date",
    "precision",
    "end_date",
    "when",
    "kind",
    "title",
    "summary",
    "country_a",
    "country_b",
    "persons",
    "topics",
    "agreement",
    "record_type",
    "record_id",
]
# The one number column; the others are text, written by core.csvsafe's rule (a title that
# begins with = is not run as a formula when the download is opened in a spreadsheet).
CSV_NUMBERS = ["agreement"]


class TimelineQuery(forms.Form):
    """The query parameters, cleaned like any form so a bad value is a 400 naming it."""

    pair = PairField(required=False)
    country = CountryCodeField(required=False)
    person = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    topic = forms.SlugField(required=False, max_length=200)
    agreement = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    kind = forms.MultipleChoiceField(required=False, choices=TimelineEntry.Kind.choices)
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)
    order = forms.ChoiceField(required=False, choices=[("oldest", "oldest first"), ("newest", "newest first")])
    cursor = forms.CharField(required=False, max_length=100)
    page_size = forms.IntegerField(required=False, min_value=1, max_value=selectors.MAX_PAGE_SIZE)

    def clean(self):
        cleaned = super().clean()
        chosen = [name for name in ("pair", "country", "person", "topic", "agreement") if cleaned.get(name)]
        if len(chosen) > 1:
            raise forms.ValidationError(f"Choose one timeline, not {' and '.join(chosen)}.")
        if cleaned.get("topic") and not NegotiationTopic.objects.filter(slug=cleaned["topic"]).exists():
            self.add_error("topic", f"No topic {cleaned['topic']!r}.")
        return cleaned


def read_page(query: dict, *, after: str | None, limit: int) -> selectors.TimelinePage:
    options = {
        "kinds": query.get("kind") or None,
        "start": query.get("date_from"),
        "end": query.get("date_to"),
        "after": after,
        "limit": limit,
        "newest_first": query.get("order") == "newest",
    }
    if query.get("pair"):
        return selectors.pair_timeline(*query["pair"], **options)
    if query.get("country"):
        return selectors.country_timeline(query["country"], **options)
    if query.get("person"):
        return selectors.person_timeline(query["person"], **options)
    if query.get("topic"):
        return selectors.topic_timeline(NegotiationTopic.objects.get(slug=query["topic"]), **options)
    if query.get("agreement"):
        return selectors.agreement_timeline(query["agreement"], **options)
    return selectors.timeline(**options)


def entry_json(entry: TimelineEntry) -> dict:
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "kind_label": entry.get_kind_display(),
        "date": entry.date.isoformat(),
        "precision": entry.precision,
        "end_date": entry.end_date.isoformat() if entry.end_date else None,
        "when": format_imprecise_range(
            entry.date, entry.precision, entry.end_date, entry.precision if entry.end_date else "day"
        ),
        "title": entry.title,
        "summary": entry.summary,
        "country_a": entry.country_a_id,
        "country_b": entry.country_b_id,
        "persons": [{"id": p.pk, "name": p.name} for p in entry.persons.all()],
        "topics": [{"slug": t.slug, "title": t.title} for t in entry.topics.all()],
        "agreement": entry.agreement_id,
        "record": {"type": ContentType.objects.get_for_id(entry.content_type_id).model, "id": entry.object_id},
    }


def _csv_row(item: dict) -> list:
    return [
        item["date"],
        item["precision"],
        item["end_date"],
        item["when"],
        item["kind"],
        item["title"],
        item["summary"],
        item["country_a"],
        item["country_b"],
        "; ".join(p["name"] for p in item["persons"]),
        "; ".join(t["slug"] for t in item["topics"]),
        item["agreement"],
        item["record"]["type"],
        item["record"]["id"],
    ]


_ENTRY = inline_serializer(
    "TimelineEntry",
    {
        "id": serializers.IntegerField(),
        "kind": serializers.ChoiceField(choices=TimelineEntry.Kind.choices),
        "kind_label": serializers.CharField(),
        "date": serializers.DateField(),
        "precision": serializers.CharField(),
        "end_date": serializers.DateField(allow_null=True),
        "when": serializers.CharField(),
        "title": serializers.CharField(),
        "summary": serializers.CharField(),
        "country_a": serializers.CharField(allow_null=True),
        "country_b": serializers.CharField(allow_null=True),
        "persons": inline_serializer(
            "TimelinePerson", {"id": serializers.IntegerField(), "name": serializers.CharField()}, many=True
        ),
        "topics": inline_serializer(
            "TimelineTopic", {"slug": serializers.CharField(), "title": serializers.CharField()}, many=True
        ),
        "agreement": serializers.IntegerField(allow_null=True),
        "record": inline_serializer(
            "TimelineRecord",
            {"type": serializers.CharField(help_text="e.g. visit, agreement."), "id": serializers.CharField()},
        ),
    },
    many=True,
)


class TimelineView(APIView):
    """The timeline of a pair, a country, a person, a topic or an agreement, oldest first."""

    permission_model = TimelineEntry
    renderer_classes = [ORJSONRenderer, BrowsableAPIRenderer, CSVRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("pair", str, description="Two alpha-3 codes, e.g. RUS-TJK (either order)."),
            OpenApiParameter("country", str),
            OpenApiParameter("person", int),
            OpenApiParameter("topic", str, description="Topic slug."),
            OpenApiParameter("agreement", int),
            OpenApiParameter("kind", str, many=True, enum=[k for k, _ in TimelineEntry.Kind.choices]),
            OpenApiParameter("date_from", str, description="YYYY-MM-DD"),
            OpenApiParameter("date_to", str, description="YYYY-MM-DD"),
            OpenApiParameter("order", str, enum=["oldest", "newest"]),
            OpenApiParameter("cursor", str),
            OpenApiParameter("page_size", int),
        ],
        responses={
            (200, "application/json"): inline_serializer(
                "TimelinePage", {"next": serializers.URLField(allow_null=True), "results": _ENTRY}
            ),
            (200, "text/csv"): OpenApiTypes.STR,  # ?format=csv: the whole timeline, streamed
        },
    )
    def get(self, request):
        form = TimelineQuery(request.query_params)
        if not form.is_valid():
            raise ValidationError(
                {
                    ("non_field_errors" if name == "__all__" else name): list(errors)
                    for name, errors in form.errors.items()
                }
            )
        query = form.cleaned_data
        if wants_csv(request):
            return stream_rows_csv(self._all_rows(query), CSV_HEADER, "timeline.csv", numeric=CSV_NUMBERS)
        try:
            page = read_page(
                query, after=query.get("cursor") or None, limit=query.get("page_size") or selectors.DEFAULT_PAGE_SIZE
            )
        except selectors.InvalidCursor:
            raise ValidationError({"cursor": ["This cursor is not one this timeline gave out."]}) from None
        next_link = None
        if page.next_cursor:
            next_link = replace_query_param(request.build_absolute_uri(), "cursor", page.next_cursor)
        return Response({"next": next_link, "results": [entry_json(e) for e in page.entries]})

    def _all_rows(self, query):
        after = None
        while True:
            page = read_page(query, after=after, limit=selectors.MAX_PAGE_SIZE)
            for entry in page.entries:
                yield _csv_row(entry_json(entry))
            if not page.next_cursor:
                return
            after = page.next_cursor
