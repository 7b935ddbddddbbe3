from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.urls import path, reverse
from django.views.decorators.cache import never_cache

from core.admin_mixins import EditorFormsMixin, TrackedAdmin
from directory.admin_mixins import merge_selected
from directory.citation_forms import CitationAdminForm, citable_content_types
from directory.models import Citation, Country, Organisation, Person, PersonAlias, Position, Source

# Records offered per page of the citation form's record search.
RECORD_SEARCH_PAGE = 20


@admin.register(Country)
class CountryAdmin(EditorFormsMixin, admin.ModelAdmin):
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


class PositionInline(EditorFormsMixin, admin.TabularInline):
    model = Position
    extra = 0
    fk_name = "person"
    fields = ["title", "organisation", "country", "start_date", "end_date"]
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
    form = CitationAdminForm
    list_display = ["__str__", "reliability", "stance", "speaker_display", "reported_on", "resolved_at"]
    list_filter = ["reliability", "stance", "content_type"]
    search_fields = ["quote", "source__title", "note", "speaker__name", "speaker_organisation__name"]
    autocomplete_fields = ["source", "speaker", "speaker_organisation"]
    readonly_fields = ["resolved_at", "resolved_by"]
    date_hierarchy = "reported_on"
    list_select_related = ["source__outlet", "content_type", "speaker", "speaker_organisation"]

    @admin.display(description="Speaker")
    def speaker_display(self, obj):
        return obj.speaker_display or "—"

    def get_urls(self):
        search = path("records/", never_cache(self.record_search_view), name="directory_citation_records")
        return [search, *super().get_urls()]

    def record_search_view(self, request):
        """The citation form's record picker: records of one citable type whose admin search
        matches the typed term, as the admin's select2 reads them ({results, pagination}).
        Not behind admin_view: a signed-in user who may not edit citations is answered 403, not
        sent to the admin's login page."""
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        may_cite = self.has_add_permission(request) or self.has_change_permission(request)
        if not (self.admin_site.has_permission(request) and may_cite):
            raise PermissionDenied
        content_type = citable_content_types().filter(pk=request.GET.get("content_type") or None).first()
        if content_type is None:
            raise Http404("Choose the record type first.")
        model = content_type.model_class()
        model_admin = self.admin_site._registry.get(model)
        if model_admin is None or not model_admin.has_view_permission(request):
            raise PermissionDenied
        records = model_admin.get_queryset(request)
        if model_admin.list_select_related not in (True, False):
            records = records.select_related(*model_admin.list_select_related)
        records, duplicates = model_admin.get_search_results(request, records, request.GET.get("term", ""))
        records = (records.distinct() if duplicates else records).order_by("pk")
        page = _page_number(request)
        found = list(records[(page - 1) * RECORD_SEARCH_PAGE : page * RECORD_SEARCH_PAGE + 1])
        return JsonResponse(
            {
                "results": [{"id": str(record.pk), "text": str(record)} for record in found[:RECORD_SEARCH_PAGE]],
                "pagination": {"more": len(found) > RECORD_SEARCH_PAGE},
            }
        )


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1
