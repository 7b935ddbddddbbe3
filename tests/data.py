"""Data for the tests that read pages and answers: the demo case, real imported files, a pair with trade."""

import io
from decimal import Decimal
from pathlib import Path

from django.core.management import call_command

from demo.loader import load_demo
from trade.models import TradeFlow

# Everything the tests read is in the repository's data/ (each folder has a SOURCE.md);
# tests/test_self_contained.py fails if a test or module reads outside the repository.
DATA = Path(__file__).resolve().parents[1] / "data"
HSG = DATA / "hsg"
COMTRADE = DATA / "comtrade"
IMF_DOTS = DATA / "imf-dots"
REPORTS = DATA / "reports"

# Annual figures shaped like the real ones (USD), for the years the demo's claims speak about.
# Made up for the tests: Comtrade's figures in data/ are 2021 only.
PAIR_TRADE = {
    ("RUS", "TJK", "export"): 850_000_000,
    ("RUS", "TJK", "import"): 70_000_000,
    ("TJK", "RUS", "export"): 60_000_000,
    ("TJK", "RUS", "import"): 700_000_000,
    ("TJK", "W00", "export"): 900_000_000,
    ("TJK", "W00", "import"): 3_000_000_000,
}
TRADE_YEARS = range(2013, 2020)


def build_timelines():
    """Refresh every timeline now, as `python manage.py refresh_timelines --full` does."""
    call_command("refresh_timelines", "--full", "--no-progress", verbosity=0)


def add_pair_trade(years=TRADE_YEARS):
    """Both sides' annual figures for Russia and Tajikistan, each side reporting its own."""
    TradeFlow.objects.bulk_create(
        TradeFlow(
            reporter_id=reporter,
            partner_id=partner,
            year=year,
            flow=flow,
            dataset="comtrade",
            value_usd=Decimal(value) * (1 + Decimal(year - 2013) / 20),
        )
        for (reporter, partner, flow), value in PAIR_TRADE.items()
        for year in years
    )


def run_command(name, *paths):
    call_command(name, *map(str, paths), no_progress=True, stdout=io.StringIO())


def make_demo():
    load_demo()
    add_pair_trade()
    build_timelines()


def make_imported():
    run_command("import_hsg_travels", HSG / "presidents.xml", HSG / "president-travels" / "obama-barack.xml")
    run_command("import_hsg_visits", HSG / "visits" / "2010.xml")
    run_command("import_trade", COMTRADE / "comtrade_total_exports_2021A.csv")
    build_timelines()
