"""The names matcher is built from the directory and built again, in every process, once a
change to the directory is committed (intake.directory_names)."""

import datetime

from django.db import transaction

from intake.directory_names import _NewVersion, current
from intake.extract.names import holders
from tests.factories import PersonAliasFactory, PersonFactory, PositionFactory, country


def names(matcher, text):
    return [(m.text, [k.label for k in m.candidates]) for m in matcher.find(text)]


def test_the_matcher_knows_the_directory_and_learns_each_committed_change(
    db, empty_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        person = PersonFactory(name="Ivana Horvat", country=country("HRV"))
        PositionFactory(
            person=person, title="Foreign Minister", country=country("HRV"), start_date=datetime.date(2016, 1, 1)
        )
    matcher, posts = current()
    text = "Croatian Foreign Minister Ivana Horvat, known as I. Horvat, arrived in Zagreb."
    assert names(matcher, text) == [
        ("Croatian", ["Croatia"]),
        ("Ivana Horvat", ["Ivana Horvat"]),
        ("Zagreb", ["Croatia"]),
    ]
    assert [post.name for post in holders(posts, "foreign minister", "HRV", datetime.date(2017, 2, 1))] == [
        "Ivana Horvat"
    ]
    assert current()[0] is matcher  # nothing changed: not built again

    with django_capture_on_commit_callbacks(execute=True):
        PersonAliasFactory(person=person, name="I. Horvat")
    rebuilt, _ = current()
    assert rebuilt is not matcher
    assert ("I. Horvat", ["Ivana Horvat"]) in names(rebuilt, text)


def test_a_transaction_of_many_changes_marks_the_directory_changed_once_and_a_rolled_back_one_not_at_all(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            person = PersonFactory()
            PersonAliasFactory(person=person)
            PositionFactory(person=person)
    assert len([callback for callback in callbacks if isinstance(callback, _NewVersion)]) == 1

    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            PersonFactory()
            transaction.set_rollback(True)
    assert [callback for callback in callbacks if isinstance(callback, _NewVersion)] == []
