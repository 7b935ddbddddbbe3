"""A database made before the kernel left the project package migrates forward intact.

tests/core/forward/files/ holds a SQLite database and a PostgreSQL dump made at commit
0fe2cce (the last with models under `chancery/`), with the demo, a trade import, users, an
API token and an idempotency key in them, and what that commit's API answered from each
(tests/core/forward/make_fixture.sh made them). Here each is migrated to this commit and
read again the same way: every table's row count, the token hashes and import runs column by
column, and every API list and composed answer must be what they were, give or take what
later issues added on purpose (ADDED_TABLES, ADDED_FIELDS: new, never changed).
"""

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.services import ThrowawayPostgres

ROOT = Path(settings.BASE_DIR)
FILES = Path(__file__).parent / "forward" / "files"


def _run(*args: str, database_url: str) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "CHANCERY_ENV": "development"}
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def _migrated(database_url: str) -> dict:
    _run("manage.py", "migrate", "--no-input", database_url=database_url)
    return json.loads(_run("tests/core/forward/snapshot.py", database_url=database_url))


def _moves(database_url: str) -> dict:
    """Where ImportRun and its permissions are after the migration."""
    script = (
        "import json, django; django.setup()\n"
        "from django.contrib.auth.models import Group, Permission\n"
        "from django.contrib.contenttypes.models import ContentType\n"
        "from django.db.migrations.recorder import MigrationRecorder\n"
        "print(json.dumps({\n"
        " 'content_types': sorted(ContentType.objects.filter(model='importrun').values_list('app_label', flat=True)),\n"
        " 'editor_import_perms': sorted(Group.objects.get(name='editor').permissions.filter(\n"
        "     codename__endswith='_importrun').values_list('content_type__app_label', 'codename')),\n"
        " 'applied': MigrationRecorder.Migration.objects.filter(app__in=['imports', 'chancery']).count(),\n"
        "}))\n"
    )
    return json.loads(_run("-c", script, database_url=database_url))


# What later issues added on purpose: a table, and fields in the answers. Everything the old
# database had must still be there with the same values; only these may be new.
ADDED_TABLES = {
    "datasets_datasetload",  # load_datasets' fingerprints (issue 17)
    # the audit history of status rows, so that a correction is attributable (issue 16)
    "agreements_historicalagreementstatuschange",
    "visits_historicalvisitstatuschange",
    "trade_flowrevision",  # what a later release changed in an imported figure (issue 20)
    # news intake: reports, where each was published, their proposals, feeds (issue 18)
    "intake_report",
    "intake_publication",
    "intake_proposal",
    "intake_feed",
    "intake_historicalreport",
    "intake_historicalfeed",
}
# Of those, the content apps' models, whose permissions core.roles gives the role groups: view
# to analysts and to editors (who never write audit rows), all four to admins.
ADDED_ROLE_TABLES = {
    "agreements_historicalagreementstatuschange",
    "visits_historicalvisitstatuschange",
    "trade_flowrevision",
    "intake_historicalreport",
    "intake_historicalfeed",
}
# Of those, the ones editors write as well: all four permissions to editors and admins.
ADDED_EDITABLE_TABLES = {"intake_report", "intake_publication", "intake_proposal", "intake_feed"}
# Tables a later issue emptied on purpose: the audit rows the fixture's trade import wrote, one
# per figure, which trade 0008 drops (issue 20: revisions, not per-row history, for statistics).
EMPTIED = {"trade_historicaltradeflow": 0}
# Columns a later issue added to a kept table, with the value an old row gets: an import run's
# release, its skip-bad-rows choice and the process that ran it (issue 20).
ADDED_COLUMNS = {"chancery_importrun": {"release": "", "skip_bad_rows": "False", "worker": ""}}
# Rows a later migration added on purpose: beat's sweep for import runs whose process ended,
# every five minutes (imports 0003, issue 20), and its poll of the feeds that are due, on the
# same interval (intake 0002, issue 18).
ADDED_ROWS = {"django_celery_beat_periodictask": 2, "django_celery_beat_intervalschedule": 1}
ADDED_FIELDS = {
    "keywords",  # the words news intake finds a topic by (issue 18)
    # each trade figure's valuation basis and estimate mark (issue 17)
    "valuation",
    "valuation_label",
    "estimated",
    # the typed series answer: its dataset's citation, the pair's datasets, marks, frequency
    "citation",
    "datasets",
    "valuations",
    "estimated_figures",
    "publisher",
    "frequency",
    "a_marks",
    "b_marks",
    "mirror_statistic",
    "mirror_gap",
    "mirror_gap_percent",
    "mirror_reported_by",
    "statistic_estimated",
    "mirror_statistic_estimated",
    # what the domain needed to say (issue 16): agreements expected at a visit, organisations as
    # speakers and as who stated a figure, an agenda item's counted outcome; ids of agenda items
    # and status rows, which editors correct by id
    "expected_at_visit",
    "speaker_organisation",
    "speaker_name",
    "stated_by_organisation",
    "stated_by_organisation_name",
    "outcome_count",
    "outcome_qualifier",
    "outcome_qualifier_label",
    "outcome_noun",
    "outcome_display",
    "id",
}


# Answers that later issues split in two: an old series mixed annual and monthly periods;
# since issue 17 the same URL gives the annual ones and `frequency=monthly` the months.
SPLIT = {"/api/v1/trade/series/?a=TJK&b=RUS": "/api/v1/trade/series/?a=TJK&b=RUS&frequency=monthly"}


def _split(answers: dict) -> dict:
    answers = dict(answers)
    for url, monthly_url in SPLIT.items():
        (page,) = answers[url]
        answers[url] = [{**page, "periods": [p for p in page["periods"] if p["month"] is None]}]
        answers[monthly_url] = [{**page, "periods": [p for p in page["periods"] if p["month"] is not None]}]
    return answers


def _contained(old, new, where: str, added: set[str]) -> None:
    """`new` has everything `old` had, equal; a dict may have more keys, which are collected in `added`."""
    if isinstance(old, dict):
        assert isinstance(new, dict), where
        for key, value in old.items():
            assert key in new, f"{where}: {key!r} is gone"
            _contained(value, new[key], f"{where}.{key}", added)
        added.update(set(new) - set(old))
    elif isinstance(old, list):
        assert isinstance(new, list) and len(new) == len(old), f"{where}: {len(old)} items, now {len(new)}"
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            _contained(a, b, f"{where}[{index}]", added)
    else:
        assert new == old, f"{where}: {old!r}, now {new!r}"


def _assert_same(after: dict, before: dict) -> None:
    assert set(after["models"]) - set(before["models"]) == ADDED_TABLES
    assert set(before["models"]) <= set(after["models"])
    # Each added model brings its content type and its four default permissions.
    grown = {
        "auth_permission": 4 * len(ADDED_TABLES),
        "django_content_type": len(ADDED_TABLES),
        "auth_group_permissions": (1 + 1 + 4) * len(ADDED_ROLE_TABLES) + (1 + 4 + 4) * len(ADDED_EDITABLE_TABLES),
        **ADDED_ROWS,
    }
    expected = {table: count + grown.get(table, 0) for table, count in before["rows"].items()}
    expected.update(EMPTIED)
    assert {table: after["rows"][table] for table in before["rows"]} == expected
    for table, rows in after["kept"].items():
        # Columns a later issue added keep every old value; the new ones hold their defaults.
        added = ADDED_COLUMNS.get(table, {})
        assert [{k: v for k, v in row.items() if k not in added} for row in rows] == before["kept"][table]
        assert all({k: row[k] for k in added} == added for row in rows), table
    added: set[str] = set()
    answers = _split(before["api"])
    assert all(answers[monthly][0]["periods"] for monthly in SPLIT.values())  # the months are compared too
    for url, pages in answers.items():
        _contained(pages, after["api"][url], url, added)
    assert set(after["api"]) == set(answers)
    assert added <= ADDED_FIELDS, f"fields the answers gained that no issue added: {added - ADDED_FIELDS}"


def _assert_moved(database_url: str) -> None:
    moves = _moves(database_url)
    assert moves["content_types"] == ["imports"]
    assert moves["editor_import_perms"] == [["imports", "add_importrun"], ["imports", "view_importrun"]]
    assert moves["applied"] == 7  # chancery 0001-0004, imports 0001 and 0002-0003 (issue 20)


def test_a_sqlite_database_of_the_old_layout_keeps_every_row_and_answer(tmp_path):
    database = tmp_path / "forward.sqlite3"
    with gzip.open(FILES / "forward.sqlite3.gz") as packed, open(database, "wb") as out:
        shutil.copyfileobj(packed, out)
    url = f"sqlite:///{database}"
    before = json.loads((FILES / "answer-sqlite.json").read_text())

    after = _migrated(url)

    _assert_same(after, before)
    _assert_moved(url)
    assert before["rows"]["chancery_importrun"] == 1 and len(before["kept"]["chancery_apitoken"]) == 1


def test_a_postgresql_database_of_the_old_layout_keeps_every_row_and_answer(tmp_path):
    cluster = ThrowawayPostgres()
    try:
        cluster.create()
        dump = tmp_path / "forward.sql"
        dump.write_bytes(gzip.decompress((FILES / "forward.postgresql.sql.gz").read_bytes()))
        load = subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(cluster.port),
                "-U",
                "postgres",
                "-d",
                "chancery",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-f",
                str(dump),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert load.returncode == 0, load.stderr[-3000:]
        before = json.loads((FILES / "answer-postgresql.json").read_text())

        after = _migrated(cluster.url)

        _assert_same(after, before)
        _assert_moved(cluster.url)
    finally:
        cluster.destroy()
