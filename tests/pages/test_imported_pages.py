"""The pages on real records, imported through the real importers from the Office of the
Historian's files and UN Comtrade's 2021 extract."""

import pytest
from django.urls import reverse

from directory.models import Person
from visits.models import Visit

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("shared_imported"),
]  # every test reads the imported records


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_president_s_page_lists_trips_made_and_leaders_hosted(analyst_client, imported):
    obama = Person.objects.get(name="Barack Obama")

    html = page(analyst_client, reverse("person", args=[obama.pk]))

    assert "President of the United States" in html
    made = html.split('id="visits-made"')[1].split('id="visits-hosted"')[0]
    hosted = html.split('id="visits-hosted"')[1]
    trips = Visit.objects.filter(visitor=obama).count()
    assert trips > 25
    assert f"({trips} in all)" in made  # every trip, a page at a time
    post = obama.positions.get(title="President of the United States")
    leaders = Visit.objects.filter(
        host_country="USA", level="head", start_date__gte=post.start_date, start_date__lte=post.end_date
    )
    assert leaders.filter(visitor__name="George Papandreou").exists()  # a Greek prime minister, March 2010
    assert f"({leaders.count()} in all)" in hosted


def test_the_united_states_page_ranks_partners_and_pages_visits(analyst_client, imported):
    html = page(analyst_client, reverse("country", args=["USA"]))

    assert "Partners by visits" in html
    partners = html.split('id="partners-visits-heading"')[1].split("</table>")[0]
    assert partners.count("<tr>") == 11  # header and the top ten
    assert "Turnover in 2021 as United States reports it." not in html  # totals only: no partner figures
    assert 'id="country-visits"' in html and "Page 1 of" in html


def test_a_real_pair_page_has_the_visits_either_way_on_its_timeline(analyst_client, imported):
    html = page(analyst_client, reverse("pair", args=["GBR-USA"]))

    assert "United Kingdom" in html
    assert "State visit by Barack Obama to United Kingdom" in html or "Obama to United Kingdom" in html
    assert "Later entries" in html or "Nothing on this timeline" not in html


def test_an_imported_visit_page_cites_the_office_of_the_historian(analyst_client, imported):
    visit = Visit.objects.filter(external_source="hsg-visits", visitor__name="George Papandreou").first()

    html = page(analyst_client, reverse("visit", args=[visit.pk]))

    assert "Greece" in html and "United States" in html
    assert "Working visit" in html
    assert "8–9 Mar 2010" in html
    assert "Office of the Historian" in html


def test_search_finds_an_imported_leader_by_part_of_the_name(analyst_client, imported):
    html = page(analyst_client, reverse("search") + "?q=papand")

    assert "George Papandreou" in html


def test_the_trade_explorer_shows_a_reporter_s_2021_total_with_the_world(analyst_client, imported):
    html = page(analyst_client, reverse("trade-explorer") + "?reporter=TJK&partner=W00&flow=export")

    assert "2021" in html
    assert "As Tajikistan reports" in html
    assert "Mirror" not in html.split('id="trade-results"')[1]  # the world reports nothing back
