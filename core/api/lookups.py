"""Record ids in API paths.

The router's routes take any segment as an id (`[^/.]+`), so a viewset that finds its records
by id starts with RecordIdLookupMixin: every id in its path (the record's, and a detail
action's own, `row` of `status-history/{row}/`) must be 1 to 18 ASCII digits with no leading
zero, as page paths are bounded to 64 bits (core/converters.py). Anything else is the API's
404 whatever the method, before authentication, a permission or a query, as if no route had
matched: an id beyond 64 bits never reaches PostgreSQL's bigint, and "+7", "07", " 7", "0_7" or
"٧", which int() reads as 7, do not serve record 7 under a second address.
"""

import re

from rest_framework.exceptions import NotFound

RECORD_ID = re.compile(r"[1-9][0-9]{0,17}")


class RecordIdLookupMixin:
    # Ids a detail action adds to the path beside the record's own (core/api/status_history.py).
    record_id_kwargs = ("row",)

    def initial(self, request, *args, **kwargs):
        for name in (self.lookup_url_kwarg or self.lookup_field, *self.record_id_kwargs):
            value = kwargs.get(name)
            if value is not None and not RECORD_ID.fullmatch(str(value)):
                raise NotFound(f"Nothing at {request.path}.")
        super().initial(request, *args, **kwargs)
