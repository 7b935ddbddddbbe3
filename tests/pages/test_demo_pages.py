"""Every page renders the demo case with what an analyst comes for."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from agreements.models import Agreement
from directory.models import Person
from visits.models import NegotiationTopic

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]  # every test reads the demo case


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_home_shows_the_latest_visits_what_changed_and_the_topics_in_motion(analyst_client, demo):
    html = page(analyst_client, reverse("home"))

    assert "Vladimir Putin to Tajikistan, 27–28 Feb 2017" in html
    assert reverse("pair", args=["RUS-TJK"]) in html  # the way into the pair's page
    assert "What changed this week" in html
    assert "Cooperation agreements to be signed during the Russian president" in html
    assert "Russia with Tajikistan" in html  # new trade figures
    assert "Tajikistan&#x27;s accession to the Eurasian Economic Union" in html


def test_the_pair_page_tells_the_whole_story_of_the_demo_case(analyst_client, demo):
    html = page(analyst_client, reverse("pair", args=["RUS-TJK"]))

    assert '<h1><span class="side-a-text">Russia</span> and <span class="side-b-text">Tajikistan</span></h1>' in html
    assert "Working visit by Igor Shuvalov to Tajikistan, Dushanbe" in html  # the timeline
    assert "Completed: official visit by Vladimir Putin to Tajikistan" in html
    assert 'datetime="2017-02">Feb 2017</time>' in html  # dates at their precision
    assert "Cooperation agreements to be signed" in html and "Proposed" in html  # agreements with status
    assert "Lease of the Ayni military airfield" in html  # topics
    assert "Undecided, studying" in html  # a stance
    assert 'id="pair-trade-chart"' in html and "As Russia reports" in html and "As Tajikistan reports" in html
    assert "A little over USD 1.00 bn" in html  # the minister's claim against the statistics
    assert "Nematullo Hikmatullozoda" in html
    assert reverse("pair-feed", args=["RUS-TJK"]) in html and reverse("pair-calendar", args=["RUS-TJK"]) in html


def test_the_pair_page_is_the_same_whichever_order_the_pair_is_written(analyst_client, demo):
    one = page(analyst_client, reverse("pair", args=["RUS-TJK"]))
    other = page(analyst_client, reverse("pair", args=["tjk-rus"]))

    assert "Completed: official visit by Vladimir Putin to Tajikistan" in other
    assert f'<link rel="canonical" href="{reverse("pair", args=["RUS-TJK"])}">' in one
    assert f'<link rel="canonical" href="{reverse("pair", args=["RUS-TJK"])}">' in other


def test_an_unknown_pair_is_not_found(analyst_client, demo):
    assert analyst_client.get(reverse("pair", args=["RUS-XXX"])).status_code == 404
    assert analyst_client.get(reverse("pair", args=["RUS-RUS"])).status_code == 404


def test_the_visit_page_shows_when_with_its_precision_and_everything_around_it(analyst_client, demo):
    html = page(analyst_client, reverse("visit", args=[demo["dushanbe"].pk]))

    assert "Official visit by Vladimir Putin to Tajikistan" in html
    assert "27–28 Feb 2017" in html
    assert "Head of state or government" in html
    assert "Announced →" in html and "Completed" in html  # status history
    assert "starting a day earlier than first reported" in html
    assert "Vladimir Putin&#x27;s Central Asia tour, February 2017" in html and "Kyrgyzstan" in html  # the tour
    assert "Igor Shuvalov" in html  # the visit that prepared it
    assert "Lease of the Ayni military airfield" in html and "Expected" in html  # agenda
    assert "Anonymous source" in html  # sources with grades
    assert "Trade around this visit" in html and 'id="trade-around-chart"' in html


def test_a_visit_known_only_to_the_month_is_shown_as_the_month(analyst_client, demo):
    bishkek = demo["dushanbe"].tour.legs.get(host_country="KGZ")

    html = page(analyst_client, reverse("visit", args=[bishkek.pk]))

    assert '<time datetime="2017-02">Feb 2017</time>' in html
    assert "known only to the month" in html


def test_the_agreement_page_shows_parties_status_steps_and_sources(analyst_client, demo):
    agreement = Agreement.objects.get()
    agreement.drafts.create(number=1, text="Article 1. The parties shall cooperate.")
    agreement.drafts.create(number=2, text="Article 1. The parties shall cooperate closely.")

    html = page(analyst_client, reverse("agreement", args=[agreement.pk]))

    assert escape(agreement.title) in html
    assert 'aria-current="step"' in html and "Proposed" in html and "In force" in html
    assert "Russia" in html and "Tajikistan" in html
    assert "Draft 2" in html and "Analyst estimate" in html
    diff = page(analyst_client, reverse("agreement-draft", args=[agreement.pk, 2]))
    assert 'class="removed">-Article 1. The parties shall cooperate.</span>' in diff
    assert 'class="added">+Article 1. The parties shall cooperate closely.</span>' in diff


def test_the_topic_page_shows_its_thread_and_each_country_s_stance(analyst_client, demo):
    topic = NegotiationTopic.objects.get(slug="tajikistan-eaeu-accession")

    html = page(analyst_client, reverse("topic", args=[topic.slug]))

    assert "Where each country stands" in html
    assert "Supports" in html and "Undecided, studying" in html
    assert "Tajikistan is undecided on Tajikistan&#x27;s accession" in html  # the thread, from the timeline
    assert "Local experts expected membership" in html  # on the agenda of the visit


def test_the_person_page_shows_posts_and_visits_made_and_hosted(analyst_client, demo):
    putin = Person.objects.get(name="Vladimir Putin")
    rahmon = Person.objects.get(name="Emomali Rahmon")

    made = page(analyst_client, reverse("person", args=[putin.pk]))
    hosted = page(analyst_client, reverse("person", args=[rahmon.pk]))

    assert "President" in made
    assert reverse("visit", args=[demo["dushanbe"].pk]) in made.split('id="visits-made"')[1]
    assert "Emomali Rakhmonov" in hosted  # former names
    assert reverse("visit", args=[demo["dushanbe"].pk]) in hosted.split('id="visits-hosted"')[1]


def test_the_country_page_ranks_partners_by_visits_and_by_trade(analyst_client, demo):
    html = page(analyst_client, reverse("country", args=["TJK"]))

    visits = html.split('id="partners-visits-heading"')[1].split("</table>")[0]
    assert "Russia" in visits
    trade = html.split('id="partners-trade-heading"')[1]
    assert "Turnover in 2019 as Tajikistan reports it." in trade
    assert "Cooperation agreements to be signed" in html
    assert "Aviation dispute between Tajikistan and Russia" in html


def test_the_trade_explorer_shows_each_side_and_links_the_csv(analyst_client, demo):
    html = page(
        analyst_client, reverse("trade-explorer") + "?reporter=RUS&partner=TJK&flow=export&year_from=2014&year_to=2016"
    )

    assert "As Russia reports" in html and "Mirror: as Tajikistan reports" in html
    assert "USD 892.5 m" in html  # Russia's 2014 exports to Tajikistan
    assert "USD 735.0 m" in html  # Tajikistan's 2014 imports from Russia: the mirror
    assert "format=csv" in html
    csv = analyst_client.get(reverse("trade-series") + "?a=RUS&b=TJK&year_from=2014&year_to=2016&format=csv")
    assert csv.status_code == 200 and b"2014" in b"".join(csv.streaming_content if csv.streaming else [csv.content])


def test_the_trade_explorer_refuses_a_country_trading_with_itself(analyst_client, demo):
    html = page(analyst_client, reverse("trade-explorer") + "?reporter=RUS&partner=RUS")

    assert "Choose a partner other than the reporter." in html


@pytest.mark.parametrize("name", ["visit-list", "agreement-list", "topic-list", "country-list"])
def test_the_lists_render(analyst_client, demo, name):
    html = page(analyst_client, reverse(name))

    assert '<main id="main"' in html and "<h1>" in html


def test_search_finds_a_person_by_the_start_of_a_name_or_an_alias(analyst_client, demo):
    by_name = page(analyst_client, reverse("search") + "?q=rahm")
    by_alias = page(analyst_client, reverse("search") + "?q=rakhmonov")

    assert "Emomali Rahmon" in by_name
    assert "Emomali Rahmon" in by_alias


def test_search_finds_visits_agreements_and_topics_by_their_words(analyst_client, demo):
    html = page(analyst_client, reverse("search") + "?q=ayni")

    assert "Lease of the Ayni military airfield" in html
    assert "Vladimir Putin to Tajikistan" in html  # the visit's summary names Ayni
