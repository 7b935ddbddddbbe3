"""Pagination: numbered pages for short lists, keyset cursors for long ones."""

import base64
import binascii
import json
from urllib.parse import urlencode

import orjson
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.db.models import Q
from django.db.models.query import ValuesListIterable
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

# A condition no row meets: nothing comes after a NULL that sorts last.
NOTHING = Q(pk__in=[])


class PageNumberPagination(pagination.PageNumberPagination):
    """For the short lists (countries, topics, sources): numbered pages with a cheap count."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE


class CursorPagination(pagination.BasePagination):
    """Keyset pagination: page 5,000 costs what page 1 costs, and rows added meanwhile neither
    shift nor repeat what is still to come.

    The list's ordering (the view's `ordering`, or `?ordering=`) is completed with the id as
    a tie-breaker, and the cursor carries the last row's values for every key: the next page
    is "rows after these values" in that ordering, which an index answers directly. DRF's own
    cursor keys on the first field only and skips or repeats rows when that field has ties.
    """

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE
    cursor_query_param = "cursor"

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            raise ValidationError({self.page_size_query_param: ["A whole number."]}) from None
        if size < 1:
            raise ValidationError({self.page_size_query_param: ["At least 1."]})
        return min(size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        ordering = [str(key) for key in (queryset.query.order_by or view.ordering)]
        if not any(key.lstrip("-") in ("id", "pk") for key in ordering):
            ordering.append("-id" if ordering and ordering[0].startswith("-") else "id")
        self.ordering = ordering
        # values_list() rows are tuples: where each ordering key sits in them, for the cursor.
        fields = queryset._fields if queryset._iterable_class is ValuesListIterable else None
        self.positions = {name: fields.index(name) for name in fields} if fields else None
        queryset = queryset.order_by(*ordering)
        cursor = request.query_params.get(self.cursor_query_param)
        if cursor:
            queryset = queryset.filter(self._after(queryset.model, cursor))
        size = self.get_page_size(request)
        return self.finish_keyset(list(queryset[: size + 1]), size)

    def _after(self, model, cursor: str) -> Q:
        """The rows after the cursor's: a nullable ordering key's NULLs sort where the database
        puts them (PostgreSQL: after every value going up; SQLite: before), so a cursor on a row
        with no value, or a page ending before the NULLs, goes on as the ordering does."""
        nulls_largest = connection.vendor == "postgresql"
        condition, equal_so_far = Q(), Q()
        for key, value in zip(self.ordering, self.cursor_values(model, cursor), strict=False):
            name = key.lstrip("-")
            descending = key.startswith("-")
            nulls_come_after = nulls_largest != descending
            if value is None:
                after, equal = (
                    (NOTHING if nulls_come_after else Q(**{f"{name}__isnull": False})),
                    Q(**{f"{name}__isnull": True}),
                )
            else:
                after = Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
                if nulls_come_after:
                    after |= Q(**{f"{name}__isnull": True})
                equal = Q(**{name: value})
            condition |= equal_so_far & after
            equal_so_far &= equal
        return condition

    def cursor_values(self, model, cursor: str) -> list:
        """The last row's values for each ordering key, as the cursor carries them; a 400 for a
        cursor this list did not give out or one from another ordering."""
        try:
            payload = json.loads(base64.urlsafe_b64decode(cursor.encode()))
            keys, values = payload["o"], payload["v"]
        except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise ValidationError({self.cursor_query_param: ["This cursor is not one this list gave out."]}) from None
        if keys != self.ordering or not isinstance(values, list) or len(values) != len(keys):
            raise ValidationError(
                {self.cursor_query_param: ["This cursor belongs to another ordering; start again from the first page."]}
            )
        result = []
        for key, raw in zip(keys, values, strict=False):
            name = key.lstrip("-")
            field = model._meta.pk if name == "pk" else model._meta.get_field(name)
            try:
                if raw is None and not field.null:
                    raise DjangoValidationError("no value for a field that always has one")
                value = field.to_python(raw)
                if value is not None:
                    field.run_validators(value)  # an integer's range among them
                result.append(value)
            except Exception:
                raise ValidationError(
                    {self.cursor_query_param: ["This cursor is not one this list gave out."]}
                ) from None
        return result

    def start_keyset(self, request, model, ordering: list[str], fields: list[str]) -> tuple[list | None, int]:
        """For a view that writes its own SQL: the cursor's values (None on the first page) and
        the page size. `ordering` must end with the id; the view then fetches size + 1 rows
        after those values and hands them to `finish_keyset`."""
        self.request = request
        self.ordering = ordering
        self.positions = {name: fields.index(name) for name in fields}
        cursor = request.query_params.get(self.cursor_query_param)
        return (self.cursor_values(model, cursor) if cursor else None), self.get_page_size(request)

    def finish_keyset(self, rows: list, size: int) -> list:
        self.has_next = len(rows) > size
        self.page = rows[:size]
        return self.page

    def _cursor_for(self, row) -> str:
        values = []
        for key in self.ordering:
            name = key.lstrip("-")
            if self.positions is not None:
                value = row[self.positions[name]]
            elif isinstance(row, dict):
                value = row[name]
            else:
                value = getattr(row, "pk" if name == "pk" else name)
            values.append(value.isoformat() if hasattr(value, "isoformat") else value)
        return base64.urlsafe_b64encode(orjson.dumps({"o": self.ordering, "v": values}, default=str)).decode()

    def get_next_link(self):
        if not self.has_next or not self.page:
            return None
        # What DRF's replace_query_param makes of the full URL, from the already parsed query.
        query = dict(self.request.query_params.lists())
        query[self.cursor_query_param] = [self._cursor_for(self.page[-1])]
        return self.request.build_absolute_uri(self.request.path) + "?" + urlencode(sorted(query.items()), doseq=True)

    def paginated(self, data) -> dict:
        return {"next": self.get_next_link(), "results": data}

    def get_paginated_response(self, data):
        return Response(self.paginated(data))

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The next page, or null on the last.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The `next` link's cursor.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page (at most {self.max_page_size}).",
                "schema": {"type": "integer", "minimum": 1},
            },
        ]
