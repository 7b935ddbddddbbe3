from django.contrib import admin

from core.admin_mixins import EditorFormsMixin, StatusHistoryInline, StatusMachineAdmin, TrackedAdmin
from directory.admin_mixins import CitationInline
from directory.selectors import citations_of
from visits.models import AgendaItem, NegotiationTopic, Participant, TopicStance, Tour, Visit, VisitStatusChange


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    autocomplete_fields = ["person"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    autocomplete_fields = ["topic"]


class VisitStatusChangeInline(StatusHistoryInline):
    model = VisitStatusChange


@admin.register(Visit)
class VisitAdmin(StatusMachineAdmin):
    list_display = ["__str__", "visitor_country", "host_country", "start_date", "kind", "level", "status"]
    list_filter = [
        "status",
        "kind",
        "level",
        ("visitor_country", admin.RelatedOnlyFieldListFilter),
        ("host_country", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["visitor__name", "locale", "summary", "host_country__name", "visitor_country__name", "external_id"]
    autocomplete_fields = ["visitor", "visitor_country", "host_country", "tour", "prepares"]
    date_hierarchy = "start_date"
    inlines = [ParticipantInline, AgendaItemInline, VisitStatusChangeInline, CitationInline]
    list_select_related = ["visitor", "visitor_country", "host_country"]

    citations_of = staticmethod(citations_of)


@admin.register(Tour)
class TourAdmin(TrackedAdmin):
    list_display = ["title", "traveller"]
    search_fields = ["title", "traveller__name"]
    autocomplete_fields = ["traveller"]


class TopicStanceInline(EditorFormsMixin, admin.TabularInline):
    model = TopicStance
    extra = 0
    autocomplete_fields = ["country"]


@admin.register(NegotiationTopic)
class NegotiationTopicAdmin(TrackedAdmin):
    list_display = ["title", "status", "updated_at"]
    list_filter = ["status", "countries"]
    search_fields = ["title", "description"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["countries"]
    inlines = [TopicStanceInline, CitationInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(TrackedAdmin):
    list_display = ["topic", "visit", "expectation", "outcome_display"]
    list_filter = ["expectation"]
    search_fields = ["topic__title", "note"]
    autocomplete_fields = ["visit", "topic"]
    list_select_related = ["topic", "visit__visitor", "visit__visitor_country", "visit__host_country"]


@admin.register(TopicStance)
class TopicStanceAdmin(TrackedAdmin):
    list_display = ["topic", "country", "stance", "as_of"]
    list_filter = ["stance", ("country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["topic__title", "note"]
    autocomplete_fields = ["topic", "country"]
    date_hierarchy = "as_of"
    list_select_related = ["topic", "country"]
