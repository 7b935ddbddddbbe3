"""Filters shared by the API's lists, and the guard that turns hostile values into 400s."""

import copy
import datetime
import functools

import django_filters
from django import forms
from django.db.models import Q
from django.http import QueryDict
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from core.dates import DatePrecision

MAX_PARAMETER_LENGTH = 200


class SafeFilterBackend(DjangoFilterBackend):
    """django-filter, after refusing values no filter should ever see (NUL bytes, novels)."""

    def filter_queryset(self, request, queryset, view):
        self.refuse_hostile_values(request)
        return super().filter_queryset(request, queryset, view)

    def valid_filters(self, request, view) -> dict:
        """The filters' cleaned values (a 400 for any bad one), for a view that writes its own
        SQL from them instead of filtering a queryset."""
        self.refuse_hostile_values(request)
        # label_suffix given: a form asks the translation catalogue for ":" otherwise, and an
        # API form has no labels to show.
        form = view.filterset_class.form_class(request.query_params.keys())(request.query_params, label_suffix="")
        if not form.is_valid():
            raise utils.translate_validation(form.errors)
        return form.cleaned_data

    @staticmethod
    def refuse_hostile_values(request) -> None:
        errors = {}
        for name, values in request.query_params.lists():
            for value in values:
                if "\x00" in value or "\x00" in name:
                    errors[name] = ["A parameter may not contain NUL bytes."]
                elif len(value) > MAX_PARAMETER_LENGTH:
                    errors[name] = [f"At most {MAX_PARAMETER_LENGTH} characters."]
        if errors:
            raise ValidationError(errors)


def on_or_after(date_field: str, precision_field: str, day: datetime.date) -> Q:
    """Rows whose imprecise date may fall on or after `day`.

    Dates are stored at the start of their period ("Feb 2017" as 1 Feb), so a month-precise
    date qualifies if its month reaches `day`, a year-precise one if its year does.
    """
    return (
        Q(**{precision_field: DatePrecision.DAY, f"{date_field}__gte": day})
        | Q(**{precision_field: DatePrecision.MONTH, f"{date_field}__gte": day.replace(day=1)})
        | Q(
            **{
                f"{precision_field}__in": [DatePrecision.YEAR, DatePrecision.APPROXIMATE],
                f"{date_field}__gte": day.replace(month=1, day=1),
            }
        )
    )


class ImpreciseDateFromFilter(django_filters.DateFilter):
    def __init__(self, *args, precision_field: str, **kwargs):
        self.precision_field = precision_field
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return qs.filter(on_or_after(self.field_name, self.precision_field, value)) if value else qs


class ImpreciseDateToFilter(django_filters.DateFilter):
    """On or before `day`: the stored date is the earliest the record can be, so this is exact."""

    def filter(self, qs, value):
        return qs.filter(**{f"{self.field_name}__lte": value}) if value else qs


class UTCDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 time converted to UTC here, so offsets the database refuses never reach it."""

    def clean(self, value):
        value = super().clean(value)
        if value is None:
            return value
        try:
            return value.astimezone(datetime.UTC)
        except OverflowError:
            raise forms.ValidationError("This time is out of range.") from None


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet, made cheap enough to build on every request.

    A cheap list request spent a third of its time here: django-filter deep-copies every
    filter (with its choices and arguments) for each FilterSet, and builds a new form class
    from them (labels, help texts, every field constructed anew). Filters keep no state
    between requests but their FilterSet (`parent`), the model and a method filter's
    binding, so a shallow copy that resets those three is enough; and the form class is built
    once per FilterSet class, its instances sharing its fields (SharedFields).
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for name, base in self.base_filters.items():
            filter_ = copy.copy(base)
            if filter_.method is not None:
                filter_.method = filter_.method  # binds the FilterMethod to this copy
            filter_.model = queryset.model
            filter_.parent = self
            self.filters[name] = filter_

    @classmethod
    def form_class(cls, names=None):
        """The filter form, to validate parameters without building a FilterSet (nor its filters).

        With `names` (the parameters a request has), a form of just those of its fields: every
        filter field is optional and an absent one filters nothing, so the fields not named
        would only be cleaned to nothing, and a form cleans each of its fields (a dozen for
        the flows) on every request.
        """
        form_class = cls.__dict__.get("_form_class") or cls().get_form_class()
        return (
            form_class if names is None else _form_of(form_class, frozenset(names).intersection(form_class.base_fields))
        )

    def get_form_class(self):
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            form_class.base_fields = SharedFields(form_class.base_fields)
            type(self)._form_class = form_class
        return form_class


@functools.lru_cache(maxsize=256)
def _form_of(form_class, names: frozenset):
    subset = type(form_class.__name__, (form_class,), {})
    # After the class is made: the form metaclass sets base_fields to every declared field.
    subset.base_fields = SharedFields({name: field for name, field in form_class.base_fields.items() if name in names})
    return subset


class SharedFields(dict):
    """A filter form's fields, shared by its instances instead of deep-copied for each.

    Django copies a form's fields for every instance so one form can change its own; filter
    forms never change theirs (cleaning a value leaves its field as it was, and a model
    choice field's queryset is cloned by each lookup), and the copy cost more than the rest
    of the filtering together.
    """

    def __deepcopy__(self, memo):
        return dict(self)


class TrackedFilterSet(FilterSet):
    updated_since = UTCDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="Only records changed at or after this time (ISO 8601)."
    )
