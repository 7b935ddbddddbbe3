"""Path converters every app's URLs use."""


class RecordIdConverter:
    """`<id:pk>`: a record's id in a path, digits that fit a 64-bit integer. A longer number
    matches no route, so `/people/9223372036854775808/` is a 404, never a database error."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)
