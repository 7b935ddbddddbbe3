"""Data and clients for the page tests: the demo case, real imported files, a pair with trade."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from chancery.demo import load_demo
from tests.conftest import shared_by_the_module
from trade.models import TradeFlow
from visits.models import Visit

HSG = Path(__file__).resolve().parents[3] / "shared" / "data" / "hsg"
COMTRADE = Path(__file__).resolve().parents[3] / "shared" / "data" / "comtrade"

# Annual figures shaped like the real ones (USD), for the years the demo's claims speak about.
# Made up for the tests: the shared data has 2021 only.
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


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


def make_demo():
    load_demo()
    add_pair_trade()
    build_timelines()


def make_imported():
    run_command("import_hsg_travels", HSG / "presidents.xml", HSG / "president-travels" / "obama-barack.xml")
    run_command("import_hsg_visits", HSG / "visits" / "2010.xml")
    run_command("import_trade", COMTRADE / "comtrade_total_exports_2021A.csv")
    build_timelines()


@pytest.fixture(scope="module")
def shared_demo(django_db_setup, django_db_blocker):
    """`demo` made once for a module's tests (see shared_by_the_module): for modules whose
    every test reads the demo case; they say so with pytest.mark.usefixtures("shared_demo")."""
    yield from shared_by_the_module(django_db_blocker, make_demo)


@pytest.fixture(scope="module")
def shared_imported(django_db_setup, django_db_blocker):
    """`imported` made once for a module's tests, as shared_demo is."""
    yield from shared_by_the_module(django_db_blocker, make_imported)


@pytest.fixture
def demo(request, db):
    """The demo case with the pair's trade figures and its timelines built."""
    if "shared_demo" not in request.fixturenames:
        make_demo()
    return {
        "dushanbe": Visit.objects.get(external_id="putin-dushanbe-2017-02"),
        "groundwork": Visit.objects.get(external_id="shuvalov-dushanbe-2017-01-27"),
    }


@pytest.fixture
def imported(request, db):
    """Real records through the real importers: a decade of leaders' visits to the United States,
    a president's travels, and 2021 total exports from UN Comtrade."""
    if "shared_imported" not in request.fixturenames:
        make_imported()
