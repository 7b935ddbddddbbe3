"""factory_boy factories: the one way tests build data."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from agreements.models import Agreement, AgreementParty
from directory.models import Citation, Country, Organisation, Person, PersonAlias, Position, Source
from intake.models import Proposal, Report
from trade.models import TradeClaim, TradeFlow
from visits.models import AgendaItem, NegotiationTopic, Participant, TopicStance, Tour, Visit


def country(code: str) -> Country:
    """Countries are loaded by migration; tests fetch them rather than create them."""
    return Country.objects.get(pk=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if not create or not extracted:
            return
        user.groups.add(Group.objects.get(name=extracted))
        if extracted in ("editor", "admin"):
            user.is_staff = True
            user.save(update_fields=["is_staff"])


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.NEWS_OUTLET


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    country = factory.LazyFunction(lambda: country("RUS"))


class PersonAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonAlias

    person = factory.SubFactory(PersonFactory)
    name = factory.Sequence(lambda n: f"Alias {n}")


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    person = factory.SubFactory(PersonFactory)
    title = "Minister"
    country = factory.LazyFunction(lambda: country("RUS"))
    start_date = datetime.date(2012, 5, 7)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Report {n}")
    kind = Source.Kind.NEWS_REPORT
    outlet = factory.SubFactory(OrganisationFactory)
    published_on = datetime.date(2017, 2, 2)


class TourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tour

    title = factory.Sequence(lambda n: f"Tour {n}")


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    visitor = factory.SubFactory(PersonFactory)
    visitor_country = factory.LazyFunction(lambda: country("RUS"))
    host_country = factory.LazyFunction(lambda: country("TJK"))
    locale = "Dushanbe"
    start_date = datetime.date(2017, 2, 27)
    end_date = datetime.date(2017, 2, 28)
    kind = Visit.Kind.OFFICIAL
    level = Visit.Level.HEAD
    status = Visit.Status.ANNOUNCED


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation
        exclude = ["record"]

    source = factory.SubFactory(SourceFactory)
    record = factory.SubFactory(VisitFactory)
    content_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.record))
    object_id = factory.LazyAttribute(lambda o: str(o.record.pk))
    reliability = Citation.Reliability.MEDIA_REPORT


class NegotiationTopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NegotiationTopic

    title = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    visit = factory.SubFactory(VisitFactory)
    topic = factory.SubFactory(NegotiationTopicFactory)


class TopicStanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TopicStance

    topic = factory.SubFactory(NegotiationTopicFactory)
    country = factory.LazyFunction(lambda: country("TJK"))
    stance = TopicStance.Stance.UNDECIDED
    as_of = datetime.date(2017, 2, 1)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Agreement {n}")
    kind = Agreement.Kind.INTERGOVERNMENTAL
    status = Agreement.Status.PROPOSED

    @factory.post_generation
    def parties(agreement, create, extracted, **kwargs):
        if not create:
            return
        for code in extracted or ("RUS", "TJK"):
            AgreementParty.objects.create(agreement=agreement, country=country(code))


class TradeFlowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TradeFlow

    reporter = factory.LazyFunction(lambda: country("RUS"))
    partner = factory.LazyFunction(lambda: country("TJK"))
    year = 2016
    flow = TradeFlow.Flow.EXPORT
    value_usd = Decimal("1000000.00")
    dataset = "comtrade"


class TradeClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TradeClaim

    reporter = factory.LazyFunction(lambda: country("TJK"))
    partner = factory.LazyFunction(lambda: country("RUS"))
    year = 2016
    metric = TradeClaim.Metric.TURNOVER
    value = Decimal("1000000000")
    unit = TradeClaim.Unit.USD


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    visit = factory.SubFactory(VisitFactory)
    person = factory.SubFactory(PersonFactory)


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    title = "A report"
    text = "The president will visit Dushanbe next week, the ministry said."
    published_on = datetime.date(2017, 2, 1)
    origin = Report.Origin.PASTED
    fingerprint = factory.Sequence(lambda n: f"{n:064x}")


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    report = factory.SubFactory(ReportFactory)
    position = factory.Sequence(int)
    kind = Proposal.Kind.PERSON
    fields = factory.LazyFunction(lambda: {"name": "Ana Example", "country": None, "post_title": ""})
    quote = "Ana Example"
    span_start = 0
    span_end = 11
    reliability = "media_report"
    confidence = 1.0
