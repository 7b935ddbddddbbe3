"""The visits and agreements list pages: each filter narrows the list to what it names."""

import datetime

import pytest
from django.urls import reverse

from agreements.models import Agreement
from tests.factories import AgreementFactory, VisitFactory, country
from visits.models import Visit

pytestmark = pytest.mark.django_db


def listed(client, name, query) -> set:
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    return {record.pk for record in response.context["page"].object_list}


def test_each_visit_filter_keeps_the_visits_it_names(analyst_client):
    future = datetime.date.today() + datetime.timedelta(days=30)
    tjk = VisitFactory(start_date=datetime.date(2015, 5, 1), end_date=None)
    kaz_host = VisitFactory(
        visitor_country=country("KAZ"),
        host_country=country("RUS"),
        status=Visit.Status.COMPLETED,
        kind=Visit.Kind.WORKING,
        level=Visit.Level.MINISTER,
        start_date=datetime.date(2019, 3, 1),
        end_date=None,
    )
    coming = VisitFactory(
        visitor_country=country("CHN"),
        host_country=country("KGZ"),
        status=Visit.Status.CONFIRMED,
        kind=Visit.Kind.STATE,
        start_date=future,
        end_date=None,
    )
    cancelled_coming = VisitFactory(status=Visit.Status.CANCELLED, start_date=future, end_date=None)
    everything = {tjk.pk, kaz_host.pk, coming.pk, cancelled_coming.pk}

    assert listed(analyst_client, "visit-list", {}) == everything
    assert listed(analyst_client, "visit-list", {"country": "KAZ"}) == {kaz_host.pk}
    assert listed(analyst_client, "visit-list", {"country": "RUS"}) == {tjk.pk, kaz_host.pk, cancelled_coming.pk}
    assert listed(analyst_client, "visit-list", {"status": ["completed", "confirmed"]}) == {kaz_host.pk, coming.pk}
    assert listed(analyst_client, "visit-list", {"kind": "working"}) == {kaz_host.pk}
    assert listed(analyst_client, "visit-list", {"level": "minister"}) == {kaz_host.pk}
    assert listed(analyst_client, "visit-list", {"year_from": 2016, "year_to": 2019}) == {kaz_host.pk}
    assert listed(analyst_client, "visit-list", {"year_to": 2016}) == {tjk.pk}
    assert listed(analyst_client, "visit-list", {"upcoming": "on"}) == {coming.pk}
    assert listed(analyst_client, "visit-list", {"upcoming": "on", "country": "TJK"}) == set()
    # An invalid value filters nothing and the form says why.
    response = analyst_client.get(reverse("visit-list"), {"year_from": "soon"})
    assert {v.pk for v in response.context["page"].object_list} == everything
    assert response.context["form"].errors["year_from"]


def test_each_agreement_filter_keeps_the_agreements_it_names(analyst_client):
    rus_tjk = AgreementFactory()
    kaz_kgz = AgreementFactory(parties=("KAZ", "KGZ"), status=Agreement.Status.SIGNED, kind=Agreement.Kind.TREATY)
    everything = {rus_tjk.pk, kaz_kgz.pk}

    assert listed(analyst_client, "agreement-list", {}) == everything
    assert listed(analyst_client, "agreement-list", {"country": "KGZ"}) == {kaz_kgz.pk}
    assert listed(analyst_client, "agreement-list", {"status": "proposed"}) == {rus_tjk.pk}
    assert listed(analyst_client, "agreement-list", {"kind": "treaty"}) == {kaz_kgz.pk}
    assert listed(analyst_client, "agreement-list", {"country": "RUS", "status": "signed"}) == set()
