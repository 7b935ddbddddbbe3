"""Two editors open the same record; the second save is refused and the first change stands."""

import pytest
from django.urls import reverse

from tests.core.admin_forms import admin_form_data
from tests.factories import PersonFactory, UserFactory, VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_editors(client, django_user_model):
    from django.test import Client

    first, second = Client(), Client()
    first.force_login(UserFactory(username="maria", role="editor"))
    second.force_login(UserFactory(username="omid", role="editor"))
    return first, second


def test_the_second_of_two_editors_is_refused_and_told_what_changed(two_editors):
    first, second = two_editors
    person = PersonFactory(name="Igor Shuvalov", summary="")
    url = reverse("admin:directory_person_change", args=[person.pk])
    first_form = admin_form_data(first.get(url))
    second_form = admin_form_data(second.get(url))

    response = first.post(url, {**first_form, "summary": "First Deputy Prime Minister"})
    assert response.status_code == 302
    response = second.post(url, {**second_form, "summary": "Deputy Prime Minister"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "was changed by someone else after you opened it" in page
    assert "maria changed summary from nothing to “First Deputy Prime Minister”" in page
    person.refresh_from_db()
    assert (person.summary, person.version) == ("First Deputy Prime Minister", 2)


def test_an_editor_saving_their_own_fresh_copy_succeeds(two_editors):
    first, _ = two_editors
    visit = VisitFactory(locale="Dushanbe")
    url = reverse("admin:visits_visit_change", args=[visit.pk])

    response = first.post(url, {**admin_form_data(first.get(url)), "locale": "Khujand"})

    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.locale, visit.version) == ("Khujand", 2)
    assert visit.history.first().history_user.username == "maria"


def test_a_form_without_its_version_is_refused(two_editors):
    first, _ = two_editors
    person = PersonFactory(name="A")
    url = reverse("admin:directory_person_change", args=[person.pk])
    data = admin_form_data(first.get(url))
    data.pop("loaded_version")

    response = first.post(url, {**data, "name": "B"})

    assert "missing the version it was loaded with" in response.content.decode()
    person.refresh_from_db()
    assert person.name == "A"
