from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import TradeClaimFactory, TradeFlowFactory, country
from trade.models import TradeClaim, TradeFlow

pytestmark = pytest.mark.django_db


def test_a_negative_trade_value_is_refused_by_the_form_and_the_database():
    flow = TradeFlowFactory.build(value_usd=Decimal("-1"))
    with pytest.raises(ValidationError) as excinfo:
        flow.full_clean()
    assert excinfo.value.message_dict["value_usd"] == ["A trade value cannot be negative."]
    with pytest.raises(IntegrityError), transaction.atomic():
        flow.save()
    assert not TradeFlow.objects.exists()


def test_the_same_annual_figure_twice_in_one_dataset_is_refused():
    TradeFlowFactory(year=2016)
    with pytest.raises(IntegrityError), transaction.atomic():
        TradeFlowFactory(year=2016, value_usd=Decimal("5"))


def test_a_monthly_figure_and_the_annual_figure_live_side_by_side():
    TradeFlowFactory(year=2016)
    TradeFlowFactory(year=2016, month=1)
    TradeFlowFactory(year=2016, month=2)
    assert TradeFlow.objects.count() == 3
    with pytest.raises(IntegrityError), transaction.atomic():
        TradeFlowFactory(year=2016, month=2)


def test_reporter_and_mirror_figures_are_both_kept():
    TradeFlowFactory(reporter=country("RUS"), partner=country("TJK"), flow="export", value_usd=Decimal("1114000000"))
    TradeFlowFactory(reporter=country("TJK"), partner=country("RUS"), flow="import", value_usd=Decimal("1050000000"))
    assert TradeFlow.objects.for_pair("TJK", "RUS").count() == 2


def test_a_month_outside_the_year_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        TradeFlowFactory(month=13)


def test_a_duplicate_external_key_in_one_dataset_is_refused():
    TradeFlowFactory(year=2015, external_key="A/2015/643/762/X/TOTAL")
    with pytest.raises(IntegrityError), transaction.atomic():
        TradeFlowFactory(year=2016, external_key="A/2015/643/762/X/TOTAL")


def test_a_percentage_claim_stated_in_dollars_is_refused():
    claim = TradeClaimFactory.build(
        metric=TradeClaim.Metric.PARTNER_SHARE, value=Decimal("26.4"), unit=TradeClaim.Unit.USD
    )
    with pytest.raises(ValidationError) as excinfo:
        claim.full_clean()
    assert excinfo.value.message_dict["unit"] == ["Partner's share of total turnover is stated in percent."]
    with pytest.raises(IntegrityError), transaction.atomic():
        claim.save()


def test_only_a_year_on_year_claim_may_be_negative():
    TradeClaimFactory(metric=TradeClaim.Metric.YOY_CHANGE, value=Decimal("-6.3"), unit=TradeClaim.Unit.PERCENT)
    with pytest.raises(IntegrityError), transaction.atomic():
        TradeClaimFactory(metric=TradeClaim.Metric.TURNOVER, value=Decimal("-1"))
