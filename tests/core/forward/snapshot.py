"""Prints what a database holds and what the API answers from it, as one JSON object.

    DATABASE_URL=... python tests/core/forward/snapshot.py

Used by tests/core/test_migrate_forward.py on a database made at an earlier commit and then
migrated to this one: the answer must equal the one recorded at that commit (files/).
It reads only what every version of Chancery has (tables, the API's URLs, a signed-in
analyst), so the same script ran at the earlier commit to make the recorded answer.
"""

import json
import os
import sys
from pathlib import Path

import django

# The repository: the nearest folder above this file that holds manage.py.
sys.path.insert(0, str(next(p for p in Path(__file__).resolve().parents if (p / "manage.py").is_file())))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chancery.settings")
django.setup()

from django.apps import apps  # noqa: E402 (after django.setup)
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

ANALYST = "forward-analyst"
# Every list the API offers, walked to its end, and the composed answers.
LISTS = [
    "/api/v1/countries/?page_size=500",
    "/api/v1/people/?page_size=500",
    "/api/v1/organisations/?page_size=500",
    "/api/v1/sources/?page_size=500",
    "/api/v1/citations/?page_size=500",
    "/api/v1/visits/?page_size=500",
    "/api/v1/topics/?page_size=500",
    "/api/v1/agreements/?page_size=500",
    "/api/v1/trade/flows/?page_size=1000",
    "/api/v1/trade/claims/?page_size=500",
]
ANSWERS = [
    "/api/v1/trade/series/?a=TJK&b=RUS",
    # Since issue 17 a series is annual or monthly, never both (test_migrate_forward.SPLIT).
    "/api/v1/trade/series/?a=TJK&b=RUS&frequency=monthly",
    "/api/v1/timeline/?pair=RUS-TJK&page_size=200",
    "/api/v1/timeline/?country=TJK&page_size=200",
]
# Rows that must survive as they are, column by column: API token hashes and import runs.
KEPT_TABLES = ["chancery_apitoken", "chancery_importrun"]
# Rewritten by every migrate (permissions, content types) or by a page view (sessions).
VOLATILE_TABLES = {"django_session", "axes_accesslog", "axes_accessattempt"}


def row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table in VOLATILE_TABLES or table == "django_migrations":
                continue
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def table_rows(table: str) -> list[list]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1')
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, map(str, row), strict=True)) for row in cursor.fetchall()]


def walk(client: Client, url: str) -> list:
    pages = []
    while url:
        response = client.get(url, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        body = response.json()
        pages.append(body)
        url = body.get("next") if isinstance(body, dict) else None
    return pages


def main() -> None:
    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username=ANALYST))
    snapshot = {
        "models": sorted(model._meta.db_table for model in apps.get_models()),
        "rows": row_counts(),
        "kept": {table: table_rows(table) for table in KEPT_TABLES},
        "api": {url: walk(client, url) for url in LISTS + ANSWERS},
    }
    json.dump(snapshot, sys.stdout, indent=1, sort_keys=True, default=str)


if __name__ == "__main__":
    main()
