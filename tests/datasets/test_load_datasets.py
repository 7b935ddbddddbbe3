"""load_datasets: the shipped datasets through their importers, once; again only when their files change."""

import io
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from datasets.models import DatasetLoad
from datasets.registry import BY_NAME, DATASETS
from imports.models import ImportRun
from tests.data import DATA
from visits.models import Visit

pytestmark = pytest.mark.django_db


def load(*args, **options) -> str:
    out = io.StringIO()
    call_command("load_datasets", *args, no_progress=True, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def test_every_dataset_has_its_files_and_a_source_file_with_licence_and_citation():
    for dataset in DATASETS:
        assert dataset.files(), dataset.name
        source = dataset.source_file.read_text(encoding="utf-8")
        assert "licen" in source.lower() or "public domain" in source.lower(), dataset.name
        assert dataset.citation.startswith("Source: "), dataset.name


def test_one_dataset_loads_with_a_summary_and_its_citation():
    out = load(only=["hsg-travels"])

    assert "[1/1] hsg-travels: Office of the Historian" in out
    assert "read 832, created 832, updated 0, unchanged 0, rejected 0" in out
    assert "Source: U.S. Department of State, Office of the Historian." in out
    assert Visit.objects.filter(external_source="hsg-travels").count() == 832
    assert DatasetLoad.objects.get().name == "hsg-travels"


def test_a_second_load_skips_an_unchanged_dataset_and_force_reads_it_again_changing_nothing():
    load(only=["hsg-travels"])
    runs = ImportRun.objects.count()

    again = load(only=["hsg-travels"])
    assert "unchanged since its load of" in again and "skipped (--force imports it again)" in again
    assert ImportRun.objects.count() == runs

    forced = load(only=["hsg-travels"], force=True)
    assert "read 832, created 0, updated 0, unchanged 832, rejected 0" in forced
    assert Visit.history.filter(history_type="~").count() == 0


def test_a_changed_file_is_read_again(tmp_path, settings):
    shutil.copytree(DATA / "hsg", tmp_path / "hsg")
    settings.DATA_DIR = tmp_path
    load(only=["hsg-travels"])
    travels = tmp_path / "hsg" / "president-travels" / "wilson-woodrow.xml"
    travels.write_text(travels.read_text(encoding="utf-8").replace("</trips>", "</trips>\n"), encoding="utf-8")

    out = load(only=["hsg-travels"])

    assert "unchanged since" not in out
    assert "created 0, updated 0, unchanged 832" in out


def test_a_missing_dataset_file_stops_before_anything_is_loaded(tmp_path, settings):
    shutil.copytree(DATA / "hsg", tmp_path / "hsg")
    (tmp_path / "hsg" / "presidents.xml").unlink()
    settings.DATA_DIR = tmp_path

    with pytest.raises(CommandError, match=r"hsg-travels: no file matches .*presidents\.xml"):
        load(only=["hsg-travels"])
    assert not ImportRun.objects.exists()


def test_a_refused_file_is_named_the_rest_loads_and_the_dataset_is_tried_again_next_time(tmp_path, settings):
    shutil.copytree(DATA / "hsg", tmp_path / "hsg")
    (tmp_path / "hsg" / "president-travels" / "wilson-woodrow.xml").write_bytes(b"\x89PNG\r\n\x1a\n")
    settings.DATA_DIR = tmp_path

    with pytest.raises(CommandError, match="Not loaded: hsg-travels"):
        load(only=["hsg-travels"])

    assert Visit.objects.filter(external_source="hsg-travels").exists()
    assert not DatasetLoad.objects.exists()  # not remembered as loaded


def test_an_unknown_dataset_name_is_refused_with_the_names_there_are():
    with pytest.raises(CommandError, match="invalid choice: 'nope'"):
        call_command("load_datasets", "--only", "nope", no_progress=True)
    assert set(BY_NAME) == {"hsg-travels", "hsg-visits", "comtrade", "imf-dots"}
