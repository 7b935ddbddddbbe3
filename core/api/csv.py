"""CSV for bulk reads, streamed so a million rows neither time out nor fill memory.

On PostgreSQL the rows come from `COPY (query) TO STDOUT WITH CSV`, run on a connection of
its own in a worker thread that hands chunks to the response through a small bounded queue:
the database does the formatting and the web process never holds more than a few chunks. On
SQLite the same query is read in batches and written with the csv module.

Every text cell follows core.csvsafe's rule (a cell a spreadsheet would run as a formula is
written after a quote): in the query itself for a queryset, so COPY still does the formatting;
by the csv writer for rows Python builds, whose number columns the caller names.
"""

import csv
import io
import queue
import threading
from collections.abc import Iterable, Iterator

from django.db import connections
from django.db.models import F
from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer

from core.csvsafe import SafeText, safe_text

CSV_MEDIA_TYPE = "text/csv"
_DONE = object()


class CSVRenderer(BaseRenderer):
    """Declares text/csv so `?format=csv` and `Accept: text/csv` select it; the views stream the body."""

    media_type = CSV_MEDIA_TYPE
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Only reached for errors (a 400 for a bad filter, say): give them as one line of text.
        if isinstance(data, dict) and "error" in data:
            return _line(["error", safe_text(data["error"].get("message", ""))])
        return b""


def wants_csv(request) -> bool:
    renderer = getattr(request, "accepted_renderer", None)
    return renderer is not None and renderer.format == "csv"


class _QueueWriter(io.RawIOBase):
    """The file COPY writes into. psycopg2 writes one row at a time; rows are gathered into
    chunks of about 64 KiB before going on the queue (which blocks when full), so a million
    rows are a few hundred chunks rather than a million queue items and socket writes."""

    CHUNK = 64 * 1024

    def __init__(self, chunks: queue.Queue):
        self.chunks = chunks
        self.buffer = bytearray()

    def writable(self):
        return True

    def write(self, data):
        self.buffer += data
        if len(self.buffer) >= self.CHUNK:
            self.flush_chunk()
        return len(data)

    def flush_chunk(self):
        if self.buffer:
            self.chunks.put(bytes(self.buffer))
            self.buffer.clear()


def _copy_rows(sql: str, params, header: list[str], alias: str) -> Iterator[bytes]:
    chunks: queue.Queue = queue.Queue(maxsize=32)
    failure: list[BaseException] = []

    def produce():
        connection = connections.create_connection(alias)  # the queryset's: a replica's, if it reads from one
        try:
            with connection.cursor() as cursor:
                inlined = cursor.mogrify(sql, params).decode()
                writer = _QueueWriter(chunks)
                cursor.copy_expert(f"COPY ({inlined}) TO STDOUT WITH (FORMAT csv)", writer)
                writer.flush_chunk()
        except BaseException as exc:  # handed to the response, which raises it
            failure.append(exc)
        finally:
            connection.close()
            chunks.put(_DONE)

    thread = threading.Thread(target=produce, name="csv-copy", daemon=True)
    yield _line(header)
    thread.start()
    while (chunk := chunks.get()) is not _DONE:
        yield chunk
    thread.join()
    if failure:
        raise failure[0]


class _Rows(io.StringIO):
    """Where the csv module writes, a row per write. It is told rows end in CRLF, so it quotes a
    cell holding a carriage return, as COPY does (with LF alone it would not, and a reader ends
    the row at the bare CR: what follows, `=1+1` say, would begin a row of its own); each row
    is kept ending in LF, as COPY's rows do."""

    def write(self, row: str) -> int:
        return super().write(row[:-2] + "\n" if row.endswith("\r\n") else row)


def _writer(buffer: _Rows):
    return csv.writer(buffer, lineterminator="\r\n")


def _line(cells: list[str]) -> bytes:
    buffer = _Rows()
    _writer(buffer).writerow(cells)
    return buffer.getvalue().encode()


def _iterate_rows(rows: Iterable[tuple], header: list[str], text: frozenset[int] = frozenset()) -> Iterator[bytes]:
    """The rows as CSV, the cells at the positions in `text` through core.csvsafe.safe_text."""
    buffer = _Rows()
    writer = _writer(buffer)
    writer.writerow(header)
    for count, row in enumerate(rows, 1):
        writer.writerow(
            ["" if value is None else safe_text(value) if i in text else value for i, value in enumerate(row)]
        )
        if count % 1000 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def csv_rows(queryset, columns: dict[str, str]):
    """The rows stream_queryset_csv writes (and whose SQL COPY runs): each column of `columns`
    through core.csvsafe.SafeText, which leaves a number column as it is and applies the rule
    to a text column in SQL, so on both databases and inside COPY."""
    cells = {f"csv_cell_{i}": SafeText(F(path)) for i, path in enumerate(columns.values())}
    return queryset.annotate(**cells).values_list(*cells)


def stream_queryset_csv(queryset, columns: dict[str, str], filename: str) -> StreamingHttpResponse:
    """Stream `queryset` as CSV: `columns` maps each CSV header to a field path of the queryset."""
    header = list(columns)
    rows = csv_rows(queryset, columns)
    connection = connections[rows.db]
    if connection.vendor == "postgresql":
        sql, params = rows.query.sql_with_params()
        body = _copy_rows(sql, params, header, rows.db)
    else:
        body = _iterate_rows(rows.iterator(chunk_size=2000), header)
    return csv_response(body, filename)


def stream_rows_csv(
    rows: Iterable[tuple], header: list[str], filename: str, *, numeric: Iterable[str] = ()
) -> StreamingHttpResponse:
    """Stream rows Python builds. Every column is text (core.csvsafe's rule) but those named in
    `numeric`, which are written as they are: a number column keeps `-7.80`."""
    numeric = set(numeric)
    if unknown := numeric - set(header):
        raise ValueError(f"numeric columns not in the header: {sorted(unknown)}")
    text = frozenset(i for i, name in enumerate(header) if name not in numeric)
    return csv_response(_iterate_rows(rows, header, text), filename)


def csv_response(body: Iterator[bytes], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
