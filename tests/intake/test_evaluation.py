"""The intake's scoring against a gold set (intake.evaluation) on hand-made cases, and the
eval_intake command on a two-report gold set of its own (tests/intake/gold-fixture/)."""

import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from intake.evaluation import Scores, judged, score_report, title_similarity

FIXTURE = Path(__file__).parent / "gold-fixture"


def visit(host="UZB", status="announced", start="2026-03-15", reliability="media_report"):
    fields = {
        "visitor_name": "Nurlan Abenov",
        "visitor_country": "KAZ",
        "host_country": host,
        "locale": "",
        "start_date": start,
        "start_precision": "day",
        "end_date": None,
        "end_precision": "",
        "kind": "state",
        "level": "head",
        "status": status,
    }
    return {"type": "visit", "fields": fields, "reliability": reliability, "speaker": ""}


def claim(value="4400000000", metric="turnover", year=2025):
    fields = {"reporter": "KAZ", "partner": "UZB", "year": year, "metric": metric, "value": value, "unit": "usd"}
    return {"type": "trade_claim", "fields": {**fields, "qualifier": "exact"}, "reliability": "media_report"}


def scored(gold, proposed, targets=()):
    scores = Scores()
    score_report(scores, "report.txt", gold, proposed, list(targets))
    return scores


def test_the_same_proposals_score_one_everywhere():
    scores = scored([visit(), claim()], [visit(), claim()])
    assert (scores.counts["visit"].f1, scores.counts["trade_claim"].f1) == (1.0, 1.0)
    assert scores.accuracy("visit", "status") == 1.0 and scores.targets_proposed == 0
    assert all(met for *_, met in judged(scores))


def test_a_missed_proposal_lowers_recall_and_not_precision():
    counts = scored([visit(), visit(host="TJK")], [visit()]).counts["visit"]
    assert (counts.precision, counts.recall) == (1.0, 0.5)


def test_an_extra_proposal_lowers_precision_and_not_recall():
    counts = scored([claim()], [claim(), claim(metric="exports")]).counts["trade_claim"]
    assert (counts.precision, counts.recall) == (0.5, 1.0)


def test_a_wrong_status_or_date_is_paired_and_lowers_that_field_s_accuracy_only():
    scores = scored([visit(), visit(host="TJK")], [visit(status="postponed"), visit(host="TJK", start="2026-03-16")])
    assert scores.counts["visit"].f1 == 1.0
    assert (scores.accuracy("visit", "status"), scores.accuracy("visit", "start date")) == (0.5, 0.5)
    assert scores.accuracy("visit", "level") == 1.0


def test_a_wrong_reliability_counts_against_the_reliability_of_every_type():
    scores = scored([visit(), claim()], [visit(reliability="named_official"), claim()])
    assert scores.accuracy("all", "reliability") == 0.5


def test_a_target_proposed_as_a_claim_is_counted_and_a_missed_target_fails():
    target = {"reporter": "KAZ", "partner": "UZB", "value": "10000000000", "unit": "usd", "year": 2030}
    scores = scored([visit(), claim()], [visit(), claim(), claim(value="10000000000", year=2030)], [target])
    assert scores.targets_proposed == 1
    # the target is also an extra claim, so the claims' precision falls with it
    assert [label for label, *_, met in judged(scores) if not met] == [
        "trade claim F1",
        "targets proposed as statistics",
    ]


def test_of_two_visits_to_one_host_the_nearer_start_is_paired():
    scores = scored([visit(start="2026-09-15")], [visit(start="2026-03-15"), visit(start="2026-09-16")])
    assert scores.extras[0][2]["start_date"] == "2026-03-15"


def test_titles_are_alike_when_one_s_content_words_are_within_the_other_s():
    assert title_similarity("Border demarcation", "Demarcation of the remaining sections of their border") == 1.0
    assert title_similarity("Agreement on visas", "Treaty on trade") == 0.0


def test_the_command_scores_a_gold_set_and_records_its_section_in_place(db, tmp_path, capsys):
    results = tmp_path / "RESULTS.md"
    results.write_text("# Results\n\n<!-- eval-intake:start -->\nstale figures\n<!-- eval-intake:end -->\n\nafter\n")
    call_command("eval_intake", "--gold", str(FIXTURE), "--record", str(results))
    printed = capsys.readouterr().out
    assert "| visit | 1 | 1 | 1 | 1.000 | 1.000 | 1.000 |" in printed
    assert "targets proposed as statistics: 0" in printed
    recorded = results.read_text()
    assert "stale figures" not in recorded and recorded.endswith("<!-- eval-intake:end -->\n\nafter\n")
    assert "| trade_claim | 1 | 1 | 1 | 1.000 | 1.000 | 1.000 |" in recorded and "commit " in recorded


def test_the_command_fails_naming_the_target_it_missed(db, tmp_path):
    gold = tmp_path / "gold"
    shutil.copytree(FIXTURE, gold)
    rows = json.loads((gold / "gold.json").read_text())
    rows["reports"][0]["proposals"][0]["fields"]["host_country"] = "TJK"  # a visit the report does not give
    (gold / "gold.json").write_text(json.dumps(rows))
    with pytest.raises(CommandError, match=r"targets missed: visit F1 0\.000 \(target >= 0\.9\)"):
        call_command("eval_intake", "--gold", str(gold))
