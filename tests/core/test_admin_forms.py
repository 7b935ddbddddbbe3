"""Forms people can use (issue 16): in the admin, dates are ISO through the browser's date
input and a date with a precision is one field; amounts are typed as reports give them; the
citation form offers only Chancery's records and finds the record by name; an organisation
can be the speaker of a citation and the one who stated a figure, in the admin, the API and on
the pages."""

import datetime
import re
from decimal import Decimal

import pytest
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from directory.models import Citation
from tests.api.conftest import token_client
from tests.factories import (
    OrganisationFactory,
    SourceFactory,
    TradeClaimFactory,
    VisitFactory,
)
from trade.models import TradeClaim

pytestmark = pytest.mark.django_db

NO_CITATIONS = {
    f"directory-citation-content_type-object_id-{field}": value
    for field, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
}


def errors(response) -> str:
    return " ".join(re.findall(r'<ul class="errorlist[^>]*>(.*?)</ul>', response.content.decode()))


def test_a_stored_date_with_a_precision_is_shown_as_typed_and_an_exact_one_as_iso(editor_client):
    visit = VisitFactory(start_date=datetime.date(2017, 2, 1), start_precision="month", end_date=None)
    page = editor_client.get(reverse("admin:visits_visit_change", args=[visit.pk])).content.decode()
    assert re.search(r'name="start_date" value="2017-02"', page)
    assert 'name="start_precision"' not in page  # the text says the precision


def test_an_exact_date_is_the_browsers_date_input_and_a_british_date_is_refused(admin_client):
    page = admin_client.get(reverse("admin:directory_country_change", args=["DDR"])).content.decode()
    assert re.search(r'<input type="date" name="withdrawn_on" value="1990-10-30"', page), re.findall(
        r"<input[^>]*withdrawn_on[^>]*>", page
    )
    assert "30/10/1990" not in page
    # Django takes input formats from the locale (en-GB: d/m/Y); ours are ISO alone.
    with translation.override("en-gb"):
        assert forms.DateField().clean("1990-10-30") == datetime.date(1990, 10, 30)
        with pytest.raises(ValidationError):
            forms.DateField().clean("30/10/1990")


def test_a_claim_is_typed_as_the_report_gives_it_and_listed_at_a_readers_scale(editor_client):
    body = {
        "reporter": "TJK",
        "partner": "RUS",
        "year": "2025",
        "metric": "turnover",
        "value": "USD 1.2 bn",
        "unit": "usd",
        "qualifier": "about",
        "note": "",
        **NO_CITATIONS,
    }
    response = editor_client.post(reverse("admin:trade_tradeclaim_add"), body)
    assert response.status_code == 302, errors(response)
    claim = TradeClaim.objects.get()
    assert claim.value == Decimal("1200000000")
    page = editor_client.get(reverse("admin:trade_tradeclaim_changelist")).content.decode()
    assert "USD 1.20 bn" in page and "1200000000.0000" not in page

    for value in ("a lot", "", "1e400"):
        response = editor_client.post(reverse("admin:trade_tradeclaim_add"), {**body, "value": value})
        assert "value" in response.context["adminform"].form.errors, value
    response = editor_client.post(reverse("admin:trade_tradeclaim_add"), {**body, "unit": "percent", "value": "4 bn"})
    assert "A percentage is a plain number" in errors(response)
    assert TradeClaim.objects.count() == 1


def test_the_citation_form_offers_chancerys_records_only_and_finds_them_by_name(editor_client):
    page = editor_client.get(reverse("admin:directory_citation_add")).content.decode()
    offered = set(
        re.findall(
            r'<option value="\d+"[^>]*>([^<]+)</option>', page.split('name="content_type"')[1].split("</select>")[0]
        )
    )
    assert {"visit", "agreement"} <= {label.lower().split(" | ")[-1] for label in offered}
    assert not any(
        "access attempt" in label.lower() or "token" in label.lower() or "user" in label.lower() for label in offered
    )

    visit = VisitFactory(locale="Khujand")
    VisitFactory(locale="Kulob")
    visits = ContentType.objects.get_for_model(visit)
    found = editor_client.get(
        reverse("admin:directory_citation_records"), {"content_type": visits.pk, "term": "Khujand"}
    )
    assert [r["id"] for r in found.json()["results"]] == [str(visit.pk)]
    users = ContentType.objects.get(app_label="auth", model="user")
    refused = editor_client.get(reverse("admin:directory_citation_records"), {"content_type": users.pk, "term": "a"})
    assert refused.status_code == 404

    body = {
        "source": SourceFactory().pk,
        "content_type": users.pk,
        "object_id": "1",
        "reliability": "media_report",
        "stance": "reports",
        "field_name": "",
        "quote": "",
        "note": "",
    }
    response = editor_client.post(reverse("admin:directory_citation_add"), body)
    assert response.status_code == 200 and "content_type" in response.context["adminform"].form.errors
    response = editor_client.post(
        reverse("admin:directory_citation_add"), {**body, "content_type": visits.pk, "object_id": "99999999"}
    )
    assert "There is no visit with id 99999999" in errors(response)
    assert not Citation.objects.exists()


def test_an_organisation_speaks_and_states_a_figure_through_the_api_and_shows_on_the_page(editor, editor_client):
    api = token_client(editor)
    ministry = OrganisationFactory(name="Ministry of Economic Development and Trade")
    visit = VisitFactory()
    response = api.post(
        reverse("citations-list"),
        {
            "source": SourceFactory(title="Ministry statement").pk,
            "record_type": "visit",
            "object_id": str(visit.pk),
            "reliability": "official_statement",
            "speaker_organisation": ministry.pk,
            "quote": "trade grew",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert (response.json()["speaker_organisation"], response.json()["speaker_name"]) == (ministry.pk, ministry.name)
    page = editor_client.get(reverse("visit", args=[visit.pk])).content.decode()
    assert f"— {ministry.name}" in page

    claim = TradeClaimFactory(stated_by=None, stated_by_organisation=ministry)
    read = api.get(reverse("trade-claims-detail", args=[claim.pk])).json()
    assert (read["stated_by"], read["stated_by_organisation"], read["stated_by_organisation_name"]) == (
        None,
        ministry.pk,
        ministry.name,
    )
