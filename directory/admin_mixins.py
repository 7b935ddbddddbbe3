"""Admin pieces of the directory's that the content apps' admins use: sources inline, merging."""

from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse

from core.admin_mixins import EditorFormsMixin
from directory.merging import merge_records
from directory.models import Citation


class CitationInline(EditorFormsMixin, GenericTabularInline):
    model = Citation
    ct_field = "content_type"
    ct_fk_field = "object_id"
    extra = 0
    fields = [
        "source",
        "field_name",
        "quote",
        "reported_on",
        "reliability",
        "stance",
        "speaker",
        "speaker_organisation",
    ]
    autocomplete_fields = ["source", "speaker", "speaker_organisation"]


@admin.action(description="Merge the two selected records into one", permissions=["change", "delete"])
def merge_selected(modeladmin, request, queryset):
    """Ask which of two selected records survives, then merge the other into it."""
    records = list(queryset[:3])
    if len(records) != 2:
        modeladmin.message_user(request, "Select exactly two records to merge.", messages.WARNING)
        return None
    if request.POST.get("survivor"):
        survivor = next((r for r in records if str(r.pk) == request.POST["survivor"]), None)
        if survivor is None:
            modeladmin.message_user(request, "Choose one of the two records to keep.", messages.ERROR)
            return None
        duplicate = records[1] if survivor is records[0] else records[0]
        try:
            moved = merge_records(survivor=survivor, duplicate=duplicate, user=request.user)
        except ValidationError as exc:
            modeladmin.message_user(request, " ".join(exc.messages), messages.ERROR)
            return None
        summary = ", ".join(f"{count} {name}" for name, count in moved.items()) or "no references"
        modeladmin.message_user(request, f"Merged {duplicate} into {survivor}; moved {summary}.", messages.SUCCESS)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "records": records,
        "title": f"Merge two {modeladmin.model._meta.verbose_name_plural}",
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/merge_confirm.html", context)
