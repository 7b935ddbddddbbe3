"""Every page needs a signed-in user with the view permission; the login and logout pages work."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = [
    ("home", []),
    ("search", []),
    ("country-list", []),
    ("country", ["TJK"]),
    ("pair", ["RUS-TJK"]),
    ("visit-list", []),
    ("visit", [1]),
    ("person", [1]),
    ("topic-list", []),
    ("topic", ["ayni"]),
    ("agreement-list", []),
    ("agreement", [1]),
    ("agreement-draft", [1, 1]),
    ("trade-explorer", []),
    ("pair-timeline-items", ["RUS-TJK"]),
    ("pair-visit-marks", ["RUS-TJK"]),
    ("pair-feed", ["RUS-TJK"]),
    ("country-feed", ["TJK"]),
    ("person-feed", [1]),
    ("topic-feed", ["ayni"]),
    ("pair-calendar", ["RUS-TJK"]),
    ("country-calendar", ["TJK"]),
    ("intake", []),
    ("intake-report", [1]),
]


@pytest.mark.parametrize("name,args", PAGES, ids=[name for name, _ in PAGES])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, name, args):
    url = reverse(name, args=args)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name,args", PAGES, ids=[name for name, _ in PAGES])
def test_a_user_without_a_role_is_refused(client, name, args):
    client.force_login(UserFactory(username="nobody"))

    assert client.get(reverse(name, args=args)).status_code == 403


@pytest.mark.parametrize("role", ["analyst", "editor", "admin"])
def test_every_role_reads_the_pages(client, role, demo):
    client.force_login(UserFactory(username=f"a-{role}", role=role, is_superuser=role == "admin"))

    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("pair", args=["RUS-TJK"])).status_code == 200


def test_logging_in_lands_on_the_page_asked_for(client, analyst, demo):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(
        reverse("login"),
        {"username": "analyst", "password": "correct horse battery staple", "next": reverse("pair", args=["RUS-TJK"])},
    )

    assert response.status_code == 302 and response["Location"] == reverse("pair", args=["RUS-TJK"])


def test_logging_out_takes_a_post_and_ends_the_session(analyst_client):
    assert analyst_client.get(reverse("logout")).status_code == 405

    response = analyst_client.post(reverse("logout"))

    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert analyst_client.get(reverse("home")).status_code == 302
