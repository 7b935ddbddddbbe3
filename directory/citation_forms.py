"""Forms for citing, which pages and the admin share: pickers that name a source by
its title, outlet and date, and the admin's citation form, which cites only Chancery's records.
"""

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy

from core.concurrency import VersionedModelForm
from core.dates import format_imprecise_date
from directory.models import Citation, Organisation, Source, is_citable


def source_label(source: Source) -> str:
    """'Visit announced — Asia-Plus, 14 Feb 2017': what an editor recognises a source by."""
    details = [source.outlet.name] if source.outlet_id else []
    if source.published_on:
        details.append(format_imprecise_date(source.published_on, source.published_precision))
    return f"{source.title} — {', '.join(details)}" if details else source.title


class SourceChoiceField(forms.ModelChoiceField):
    """A source picked by title, outlet and date (the queryset should select_related outlet)."""

    def label_from_instance(self, obj):
        return source_label(obj)


class CitationChoiceField(forms.ModelChoiceField):
    """One of a record's citations, named by its source (title, outlet, date) and its quote."""

    def label_from_instance(self, obj):
        label = source_label(obj.source)
        if obj.reported_on and obj.reported_on != obj.source.published_on:
            label += f", reported {format_imprecise_date(obj.reported_on, obj.reported_precision)}"
        return f"{label}: “{obj.quote}”" if obj.quote else label


def outlets():
    """The organisations a source can be published by on the pages: news outlets."""
    return Organisation.objects.filter(kind=Organisation.Kind.NEWS_OUTLET).order_by("name")


def citable_models() -> list:
    """Chancery's records a source can be cited for (directory.models.is_citable)."""
    return [
        model
        for label in settings.CHANCERY_CONTENT_APPS
        for model in apps.get_app_config(label).get_models()
        if is_citable(model)
    ]


def citable_content_types():
    models = citable_models()
    ids = [ContentType.objects.get_for_model(model).pk for model in models]
    return ContentType.objects.filter(pk__in=ids).order_by("app_label", "model")


def cited_record(content_type: ContentType, object_id: str):
    """The record a citation names, or None when `object_id` is no id of that model."""
    try:
        return content_type.get_object_for_this_type(pk=object_id)
    except (content_type.model_class().DoesNotExist, ValueError, TypeError, ValidationError):
        return None


class RecordTypeField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.model_class()._meta.verbose_name.capitalize()


class RecordSelect(forms.Select):
    """The record picked by name among records of the chosen type (static/js/admin-citation-record.js,
    with the admin's own select2, asks CitationAdmin's record search)."""

    def __init__(self, attrs=None):
        super().__init__(
            {
                "class": "citation-record",
                "data-url": reverse_lazy("admin:directory_citation_records"),
                "data-theme": "admin-autocomplete",
                "data-placeholder": "Type to search",
                "style": "width: 30em",
                **(attrs or {}),
            }
        )

    @property
    def media(self):
        i18n = "admin/js/vendor/select2/i18n/en.js"
        return forms.Media(
            js=[
                "admin/js/vendor/jquery/jquery.js",
                "admin/js/vendor/select2/select2.full.js",
                i18n,
                "admin/js/jquery.init.js",
                "js/admin-citation-record.js",
            ],
            css={"screen": ["admin/css/vendor/select2/select2.css", "admin/css/autocomplete.css"]},
        )


class CitationAdminForm(VersionedModelForm):
    """The admin's citation: the record's type is one of Chancery's records, the record is picked
    by name, and both are checked here (an unknown type or id is an error on its field)."""

    content_type = RecordTypeField(queryset=ContentType.objects.none(), label="Record type")
    object_id = forms.CharField(label="Record", widget=RecordSelect, max_length=64)

    class Meta:
        model = Citation
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["content_type"].queryset = citable_content_types()
        self.fields["object_id"].widget.choices = self._current_record_choice()

    def _current_record_choice(self) -> list[tuple[str, str]]:
        """The record the form names now (posted or saved), so the select shows it by name."""
        type_id = self["content_type"].value()
        object_id = self["object_id"].value()
        content_type = self.fields["content_type"].queryset.filter(pk=type_id).first() if type_id else None
        record = cited_record(content_type, object_id) if content_type and object_id else None
        return [("", "")] + ([(str(object_id), str(record))] if record is not None else [])

    def clean(self):
        cleaned = super().clean()
        content_type, object_id = cleaned.get("content_type"), cleaned.get("object_id")
        if content_type and object_id and cited_record(content_type, object_id) is None:
            name = content_type.model_class()._meta.verbose_name
            self.add_error("object_id", f"There is no {name} with id {object_id}; pick one from the list.")
        return cleaned
