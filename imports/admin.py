"""The admin's import page: an editor uploads a file, a worker imports it, the run is watched."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.module_loading import import_string

from imports import liveness
from imports.models import ImportRun
from imports.tasks import run_import_task

UPLOAD_EXTENSIONS = {"hsg-travels": (".xml",), "hsg-visits": (".xml",), "trade": (".csv",)}
UPLOAD_FIELDS = ["importer", "upload", "dry_run", "release", "skip_bad_rows"]


class ImportUploadForm(forms.ModelForm):
    importer = forms.ChoiceField(
        choices=[
            ("hsg-travels", "Office of the Historian: travels of the President / Secretary of State (XML)"),
            ("hsg-visits", "Office of the Historian: visits by foreign leaders (XML)"),
            ("trade", "Trade statistics: Comtrade API, Comtrade bulk or IMF (CSV)"),
        ]
    )

    class Meta:
        model = ImportRun
        fields = UPLOAD_FIELDS

    def clean(self):
        cleaned = super().clean()
        upload, importer = cleaned.get("upload"), cleaned.get("importer")
        if not upload:
            raise forms.ValidationError({"upload": "Choose a file to import."})
        if upload.size > settings.IMPORT_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                {
                    "upload": f"The file is {filesizeformat(upload.size)}; the limit is {filesizeformat(settings.IMPORT_UPLOAD_MAX_BYTES)}."
                }
            )
        if importer and not upload.name.lower().endswith(UPLOAD_EXTENSIONS[importer]):
            raise forms.ValidationError(
                {"upload": f"This importer reads {' or '.join(UPLOAD_EXTENSIONS[importer])} files."}
            )
        cleaned["release"] = (cleaned.get("release") or "").strip()
        # An importer whose files are each one release, stored whole or not at all, takes both.
        if importer and not import_string(settings.CHANCERY_IMPORTERS[importer]).whole_files:
            if cleaned["release"]:
                raise forms.ValidationError({"release": "Only trade files have a release."})
            if cleaned.get("skip_bad_rows"):
                raise forms.ValidationError(
                    {"skip_bad_rows": "This importer always stores a file's good rows and lists the bad ones."}
                )
        return cleaned


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Runs are a record: editors start one by uploading a file, then watch it; nobody edits one."""

    list_display = [
        "__str__",
        "importer",
        "format",
        "user",
        "status",
        "rows_read",
        "created",
        "updated",
        "unchanged",
        "rejected",
        "created_at",
    ]
    list_filter = ["importer", "status", "dry_run", "release"]
    search_fields = ["files", "message"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    change_form_template = "admin/imports/importrun/change_form.html"
    readonly_fields = [
        "importer",
        "format",
        "files",
        "upload",
        "user",
        "dry_run",
        "release",
        "skip_bad_rows",
        "status",
        "message",
        "worker",
        "started_at",
        "finished_at",
        "rows_read",
        "created",
        "updated",
        "unchanged",
        "rejected",
        "extra_counts",
        "errors",
    ]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ImportUploadForm
            kwargs["fields"] = UPLOAD_FIELDS
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.user = request.user
        obj.files = form.cleaned_data["upload"].name
        obj.status = ImportRun.Status.QUEUED
        super().save_model(request, obj, form, change)
        # Only once the run and its file are committed can a worker find them.
        transaction.on_commit(lambda: run_import_task.delay(obj.pk))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            if obj.status == ImportRun.Status.RUNNING and liveness.stop_abandoned(ImportRun.objects.filter(pk=obj.pk)):
                obj.refresh_from_db()
            context["import_progress"] = cache.get(obj.progress_cache_key)
            context["import_in_progress"] = obj.status in (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        return HttpResponseRedirect(reverse("admin:imports_importrun_change", args=[obj.pk]))
