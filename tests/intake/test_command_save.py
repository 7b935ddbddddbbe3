"""`intake_report --save` stores the report and its proposals for review; without it nothing is
written; both print the proposals the API and the pages give. The report is ours."""

import json

import pytest
from django.core.management import CommandError, call_command

from intake.models import Proposal, Report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo", "empty_cache")]

TEXT = (
    "Dushanbe, 20 February 2017. The President of Russia will arrive in Dushanbe on 28 February for an "
    "official visit, a government source said."
)


@pytest.fixture
def report_file(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(TEXT)
    return str(path)


def test_without_save_nothing_is_written_and_the_match_is_printed(report_file, capsys):
    call_command("intake_report", report_file, "--published", "2017-02-20")
    out = capsys.readouterr().out
    assert "same: visit #" in out and "nothing written" in out
    assert Report.objects.count() == 0


def test_save_stores_the_report_once_and_prints_its_id(report_file, capsys):
    call_command("intake_report", report_file, "--published", "2017-02-20", "--outlet", "Wire A", "--save", "--json")
    printed = json.loads(capsys.readouterr().out)
    report = Report.objects.get()
    assert printed["report"]["id"] == report.pk and printed["report"]["created"] is True
    assert report.origin == "command" and report.publications.get().outlet_name == "Wire A"
    assert [p["type"] for p in printed["proposals"]] == list(
        Proposal.objects.filter(report=report).values_list("kind", flat=True)
    )

    call_command("intake_report", report_file, "--published", "2017-02-20", "--save")
    assert "already stored" in capsys.readouterr().out
    assert Report.objects.count() == 1


def test_save_refuses_a_text_the_service_refuses(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("word " * 110_000)
    with pytest.raises(CommandError, match="more than one report"):
        call_command("intake_report", str(path), "--published", "2017-02-20", "--save")
    assert Report.objects.count() == 0
