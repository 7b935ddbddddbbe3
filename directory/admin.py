from django.contrib import admin

from core.admin_mixins import TrackedAdmin
from directory.admin_mixins import merge_selected
from directory.models import Citation, Country, Organisation, Person, PersonAlias, Position, Source


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["alpha3", "name", "alpha2", "numeric", "kind", "withdrawn_on"]
    list_filter = ["kind"]
    search_fields = ["name", "official_name", "alpha3", "alpha2", "numeric"]
    ordering = ["name"]


@admin.register(Organisation)
class OrganisationAdmin(TrackedAdmin):
    actions = [merge_selected]
    list_display = ["name", "abbreviation", "kind", "country"]
    list_filter = ["kind", ("country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "abbreviation"]
    autocomplete_fields = ["country", "parent"]
    list_select_related = ["country"]


class PersonAliasInline(admin.TabularInline):
    model = PersonAlias
    extra = 0


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    fk_name = "person"
    fields = ["title", "organisation", "country", "start_date", "start_precision", "end_date", "end_precision"]
    autocomplete_fields = ["organisation", "country"]


@admin.register(Person)
class PersonAdmin(TrackedAdmin):
    actions = [merge_selected]
    list_display = ["name", "country", "updated_at"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "sort_name", "aliases__name"]
    autocomplete_fields = ["country"]
    inlines = [PersonAliasInline, PositionInline]
    list_select_related = ["country"]


@admin.register(Position)
class PositionAdmin(TrackedAdmin):
    list_display = ["person", "title", "organisation", "country", "start_date", "end_date"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["person__name", "title", "organisation__name"]
    autocomplete_fields = ["person", "organisation", "country"]
    date_hierarchy = "start_date"
    list_select_related = ["person", "organisation", "country"]


@admin.register(Source)
class SourceAdmin(TrackedAdmin):
    actions = [merge_selected]
    list_display = ["title", "outlet", "kind", "published_on"]
    list_filter = ["kind", ("outlet", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "url", "outlet__name"]
    autocomplete_fields = ["outlet"]
    date_hierarchy = "published_on"
    list_select_related = ["outlet"]


@admin.register(Citation)
class CitationAdmin(TrackedAdmin):
    list_display = ["__str__", "reliability", "stance", "reported_on", "resolved_at"]
    list_filter = ["reliability", "stance", "content_type"]
    search_fields = ["quote", "source__title", "note"]
    autocomplete_fields = ["source", "speaker"]
    readonly_fields = ["resolved_at", "resolved_by"]
    date_hierarchy = "reported_on"
    list_select_related = ["source__outlet", "content_type"]
