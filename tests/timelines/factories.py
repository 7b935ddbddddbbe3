"""factory_boy factories for the records only the timeline tests need (the rest: tests/factories.py)."""

import datetime

import factory

from agreements.models import DraftVersion
from tests.factories import AgreementFactory, PersonFactory, VisitFactory
from visits.models import Participant


class DraftVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DraftVersion

    agreement = factory.SubFactory(AgreementFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "Article 1. The Parties shall cooperate."
    created_at = factory.LazyFunction(lambda: datetime.datetime(2017, 2, 10, 12, tzinfo=datetime.UTC))


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    visit = factory.SubFactory(VisitFactory)
    person = factory.SubFactory(PersonFactory)
    role = "delegation member"
