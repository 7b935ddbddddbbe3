"""Importers for the US Office of the Historian's travels and foreign leaders' visits (XML).

Both formats are untrusted XML, parsed with lxml with entity expansion, DTD loading and the
network all off, and streamed with iterparse so memory stays flat however long the file. Each record becomes a completed Visit keyed by the
Office's own id, so re-importing a corrected file updates in place.
"""

import datetime
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from lxml import etree

from core.dates import DatePrecision
from core.status import record_first_statuses
from directory.models import Citation, Organisation, Person, PersonAlias, Position, Source
from imports.importer import FileRefused, Importer, RowError, check_not_binary, parse_iso_date
from visits.hsg_countries import HsgCountries, UnknownCountry
from visits.hsg_text import parse_kind, split_title
from visits.models import Visit

USA = "USA"
OFFICE_OF_THE_HISTORIAN = {
    "external_id": "hsg:office",
    "name": "Office of the Historian, U.S. Department of State",
    "kind": Organisation.Kind.ARCHIVE,
    "country_id": USA,
    "url": "https://history.state.gov/",
}


def iterparse(path: Path, events: tuple[str, ...]):
    """lxml's iterparse, safe for untrusted files: no entity expansion, no DTD, no network."""
    return etree.iterparse(str(path), events=events, resolve_entities=False, load_dtd=False, no_network=True)


def _text(element, tag: str) -> str:
    return " ".join((element.findtext(tag) or "").split())


class HsgXmlImporter(Importer):
    """Shared by the two Office of the Historian formats."""

    model = Visit
    record_tag: str
    root_tags: tuple[str, ...]
    source_title: str
    source_external_id: str
    create_only_fields = frozenset({"status"})
    change_reason = "Office of the Historian import"

    def __init__(self, *, country_aliases: dict[str, str] | None = None, **kwargs):
        super().__init__(**kwargs)
        # The Office's country tables (data/hsg/gsh), read once per run; an operator's
        # aliases (--country-alias ID=ISO3) come first.
        self.countries = HsgCountries(country_aliases)
        self._people: dict[str, Person] | None = None
        self._source: Source | None = None
        self._positions: set[tuple] = set()
        self.today = timezone.localdate()

    def check_file(self, path: Path) -> None:
        check_not_binary(path)
        root_tag = None
        try:
            for event, element in iterparse(path, events=("start", "end")):
                if root_tag is None:
                    root_tag = element.tag
                    if element.getroottree().docinfo.doctype:
                        # Entities are never expanded or fetched (see iterparse), but a record
                        # with its text behind one would import with that text missing.
                        raise FileRefused(
                            f"{path.name}: the file declares a document type (<!DOCTYPE ...>) and may define entities; "
                            "Office of the Historian files have none, so it is not imported"
                        )
                    if root_tag not in self.root_tags:
                        expected = "> or <".join(self.root_tags)
                        raise FileRefused(
                            f"{path.name}: expected an Office of the Historian <{expected}> file, found <{root_tag}>"
                        )
                if event == "end":
                    _release(element)
        except etree.XMLSyntaxError as exc:
            raise FileRefused(
                f"{path.name}: not well-formed XML ({exc.msg}, line {exc.lineno}); the file may be truncated or not XML"
            ) from None
        self.format = self.name

    def read(self, path: Path):
        for _event, element in iterparse(path, events=("end",)):
            if element.tag == self.record_tag:
                yield element.sourceline, element
                _release(element)

    def forget_rolled_back(self) -> None:
        # People, posts and the source created in the refused file are gone: read them again.
        self._people, self._source, self._positions = None, None, set()

    # --- shared lookups, loaded once per run -------------------------------------------------
    @property
    def people(self) -> dict[str, Person]:
        """Everyone by lower-cased name and alias (and external id), so a visitor is found without a query."""
        if self._people is None:
            self._people = {}
            for person in Person.objects.all():
                self._people.setdefault(person.name.lower(), person)
                if person.external_id:
                    self._people[person.external_id] = person
            for alias in PersonAlias.objects.select_related("person"):
                self._people.setdefault(alias.name.lower(), alias.person)
            self._positions = set(Position.objects.values_list("person_id", "title", "country_id", "start_date"))
        return self._people

    def person(self, name: str, *, external_id: str = "", country_id: str | None = None) -> Person:
        found = self.people.get(external_id) if external_id else None
        found = found or self.people.get(name.lower())
        if found is None:
            found = Person.objects.create(name=name, external_id=external_id, country_id=country_id)
            self.extra["people created"] += 1
            self.people[name.lower()] = found
            if external_id:
                self.people[external_id] = found
        return found

    def hold_post(self, person: Person, title: str, country_id: str, start=None, end=None) -> None:
        if not title or (person.pk, title, country_id, start) in self._positions:
            return
        Position.objects.create(person=person, title=title, country_id=country_id, start_date=start, end_date=end)
        self._positions.add((person.pk, title, country_id, start))
        self.extra["posts created"] += 1

    @property
    def source(self) -> Source:
        if self._source is None:
            outlet_values = {k: v for k, v in OFFICE_OF_THE_HISTORIAN.items() if k != "external_id"}
            outlet, _ = Organisation.objects.get_or_create(
                external_id=OFFICE_OF_THE_HISTORIAN["external_id"], defaults=outlet_values
            )
            self._source, _ = Source.objects.get_or_create(
                external_id=self.source_external_id,
                defaults={
                    "title": self.source_title,
                    "kind": Source.Kind.ARCHIVE,
                    "outlet": outlet,
                    "url": "https://history.state.gov/",
                    "retrieved_on": self.today,
                },
            )
        return self._source

    def dates(self, element) -> tuple[datetime.date, datetime.date | None]:
        start = parse_iso_date(element.findtext("start-date"), what="start-date")
        end = parse_iso_date(element.findtext("end-date"), what="end-date", required=False)
        return start, end

    def status_for(self, end: datetime.date | None, start: datetime.date) -> str:
        return Visit.Status.COMPLETED if (end or start) < self.today else Visit.Status.CONFIRMED

    def after_save(self, created, updated) -> None:
        """New visits get their first status row and a citation of the Office's record."""
        if not created:
            return
        visit_type = ContentType.objects.get_for_model(Visit)
        source = self.source
        record_first_statuses(
            Visit,
            (
                (
                    visit,
                    visit.end_date or visit.start_date,
                    DatePrecision.DAY,
                    f"Imported from the Office of the Historian record {visit.external_id}.",
                    None,
                )
                for visit, _ in created
            ),
            user=self.user,
        )
        Citation.objects.bulk_create(
            Citation(
                source=source,
                content_type=visit_type,
                object_id=str(visit.pk),
                reliability=Citation.Reliability.OFFICIAL_STATEMENT,
                reported_on=pending.context,
            )
            for visit, pending in created
        )


class PresidentsTerms:
    """presidents.xml: who was president from when to when, to date the posts."""

    def __init__(self):
        self.terms: dict[str, list[tuple[datetime.date, datetime.date | None]]] = {}

    def load(self, path: Path) -> None:
        for _event, element in iterparse(path, events=("end",)):
            if element.tag != "president":
                continue
            slug = _text(element, "id")
            try:
                start = parse_iso_date(element.findtext("took-office-date"), what="took-office-date")
                end = parse_iso_date(element.findtext("left-office-date"), what="left-office-date", required=False)
            except RowError:
                continue
            self.terms.setdefault(slug, []).append((start, end))
            _release(element)


class HsgTravelsImporter(HsgXmlImporter):
    """Trips abroad by the President and the Secretary of State (`<trips>`), plus presidents.xml."""

    name = "hsg-travels"
    scope = {"external_source": "hsg-travels"}
    record_tag = "trip"
    root_tags = ("trips", "presidents")
    source_title = "Travels of the President and the Secretary of State"
    source_external_id = "hsg:travels"
    ROLES = {
        "president": ("President of the United States", Visit.Level.HEAD),
        "secretary": ("Secretary of State", Visit.Level.MINISTER),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.presidents = PresidentsTerms()

    def check_file(self, path: Path) -> None:
        super().check_file(path)
        if _root_tag(path) == "presidents":
            # Terms of office date the posts; read them before any trip.
            self.presidents.load(path)

    def read(self, path: Path):
        if _root_tag(path) == "presidents":
            return iter(())
        return super().read(path)

    def build(self, element):
        trip_id = _text(element, "id")
        if not trip_id:
            raise RowError("the trip has no <id>")
        role = (element.get("role") or _text(element, "role")).lower()
        if role not in self.ROLES:
            raise RowError(f"unknown role {role!r} (expected president or secretary)")
        post, level = self.ROLES[role]
        name = _text(element, "name")
        if not name:
            raise RowError("the trip has no traveller <name>")
        start, end = self.dates(element)
        try:
            host = self.countries.resolve(
                element.find("country").get("id") if element.find("country") is not None else "", start
            )
        except UnknownCountry as exc:
            raise RowError(str(exc)) from None
        who = element.get("who") or ""
        traveller = self.person(name, external_id=f"hsg:{who}" if who else "", country_id=USA)
        self._hold_role(traveller, who, role, post, start)
        remarks = _text(element, "remarks")
        kind, _ = parse_kind(remarks)
        values = {
            "external_id": trip_id,
            "visitor_id": traveller.pk,
            "visitor_country_id": USA,
            "host_country_id": host.pk,
            "locale": _text(element, "locale")[:200],
            "start_date": start,
            "start_precision": DatePrecision.DAY,
            "end_date": end,
            "end_precision": DatePrecision.DAY,
            "kind": kind,
            "level": level,
            "summary": remarks,
            "status": self.status_for(end, start),
        }
        return values, _modified_on(element)

    def _hold_role(self, person: Person, who: str, role: str, post: str, on: datetime.date) -> None:
        if role == "president":
            for start, end in self.presidents.terms.get(who, [(None, None)]):
                self.hold_post(person, post, USA, start, end)
        else:
            self.hold_post(person, post, USA)


class HsgVisitsImporter(HsgXmlImporter):
    """Visits by foreign leaders to the United States (`<visits>`)."""

    name = "hsg-visits"
    scope = {"external_source": "hsg-visits"}
    record_tag = "visit"
    root_tags = ("visits",)
    source_title = "Visits by Foreign Leaders"
    source_external_id = "hsg:visits"

    def build(self, element):
        visit_id = _text(element, "id")
        if not visit_id:
            raise RowError("the visit has no <id>")
        visitor_text = _text(element, "visitor")
        if not visitor_text:
            raise RowError("the visit has no <visitor>")
        start, end = self.dates(element)
        origin = element.find("from")
        try:
            country = self.countries.resolve(origin.get("id") if origin is not None else "", start)
        except UnknownCountry as exc:
            raise RowError(str(exc)) from None
        title, name, level = split_title(visitor_text)
        if not title:
            self.extra["visitors without a recognised title"] += 1
        visitor = self.person(name, country_id=country.pk)
        self.hold_post(visitor, title, country.pk)
        kind, summary = parse_kind(_text(element, "description"))
        values = {
            "external_id": visit_id,
            "visitor_id": visitor.pk,
            "visitor_country_id": country.pk,
            "host_country_id": USA,
            "locale": "",
            "start_date": start,
            "start_precision": DatePrecision.DAY,
            "end_date": end,
            "end_precision": DatePrecision.DAY,
            "kind": kind,
            "level": level,
            "summary": summary,
            "status": self.status_for(end, start),
        }
        return values, _modified_on(element)


def _release(element) -> None:
    """Drop an element already read, and its earlier siblings, so memory stays flat."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _root_tag(path: Path) -> str:
    _, root = next(iterparse(path, events=("start",)))
    return root.tag


def _modified_on(element) -> datetime.date | None:
    """The day the Office last changed the record: when it 'reported' what we cite."""
    raw = _text(element, "last-modified-datetime") or _text(element, "created-datetime")
    try:
        return datetime.date.fromisoformat(raw[:10]) if raw else None
    except ValueError:
        return None
