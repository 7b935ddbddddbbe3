"""The Office of the Historian importers, on the whole real files and on hostile ones."""

import datetime
import io
import xml.etree.ElementTree as ET

import pytest
from django.core.management import CommandError, call_command

from core.status import change_status
from directory.models import Citation, Person, Position
from imports.models import ImportRun
from tests.data import HSG
from visits.hsg_text import parse_kind, split_title
from visits.models import Visit, VisitStatusChange

pytestmark = pytest.mark.django_db

TRAVELS = sorted((HSG / "president-travels").glob("*.xml"))
VISITS = sorted((HSG / "visits").glob("*.xml"))
PRESIDENTS = HSG / "presidents.xml"


def count_elements(paths, tag):
    """Counted independently of the importer, with the standard library."""
    return sum(1 for path in paths for _ in ET.parse(path).getroot().iter(tag))


def run(command, *paths, **options):
    out = io.StringIO()
    call_command(command, *map(str, paths), no_progress=True, stdout=out, **options)
    return out.getvalue()


def trip_xml(tmp_path, *trips, name="trips.xml", root="trips"):
    body = "".join(
        f"""<trip role="{t.get("role", "president")}" who="{t.get("who", "doe-jane")}"><id>{t["id"]}</id>
        <name>{t.get("name", "Jane Doe")}</name><start-date>{t.get("start", "2001-02-03")}</start-date>
        <end-date>{t.get("end", "2001-02-04")}</end-date><country id="{t.get("country", "canada")}">X</country>
        <locale>{t.get("locale", "Ottawa")}</locale><remarks>{t.get("remarks", "Met with the Prime Minister.")}</remarks></trip>"""
        for t in trips
    )
    path = tmp_path / name
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}>{body}</{root}>', encoding="utf-8")
    return path


def visit_xml(tmp_path, *visits, name="visits.xml"):
    body = "".join(
        f"""<visit><id>{ident}</id><start-date>2001-02-03</start-date><end-date>2001-02-04</end-date>
        <visitor>Prime Minister Jane Doe</visitor><from id="{country}">X</from>
        <description>Working visit.</description></visit>"""
        for ident, country in visits
    )
    path = tmp_path / name
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<visits>{body}</visits>', encoding="utf-8")
    return path


def test_all_president_trips_become_completed_visits_from_the_united_states():
    out = run("import_hsg_travels", PRESIDENTS, *TRAVELS)

    trips = count_elements(TRAVELS, "trip")
    assert trips == 832
    assert Visit.objects.filter(external_source="hsg-travels").count() == trips
    assert set(Visit.objects.values_list("visitor_country", flat=True)) == {"USA"}
    assert set(Visit.objects.values_list("status", flat=True)) == {"completed"}
    # one traveller per file, each with the post of President
    assert Person.objects.count() == len(TRAVELS) == 21
    assert VisitStatusChange.objects.count() == trips
    assert Citation.objects.filter(source__external_id="hsg:travels").count() == trips
    assert f"read {trips}, created {trips}, updated 0, unchanged 0, rejected 0" in out


def test_a_named_trip_keeps_its_dates_locale_traveller_and_post():
    run("import_hsg_travels", PRESIDENTS, *TRAVELS)

    trip = Visit.objects.get(external_source="hsg-travels", external_id="2961")
    assert (trip.start_date, trip.end_date) == (datetime.date(2009, 3, 31), datetime.date(2009, 4, 3))
    assert (trip.host_country_id, trip.locale, trip.visitor.name) == ("GBR", "London", "Barack Obama")
    assert trip.kind == Visit.Kind.SUMMIT  # "Attended the G-20 Economic Summit Meeting."
    assert trip.level == Visit.Level.HEAD
    post = trip.visitor.positions.get()
    assert (post.title, post.start_date, post.end_date) == (
        "President of the United States",
        datetime.date(2009, 1, 20),
        datetime.date(2017, 1, 20),
    )


def test_all_foreign_leaders_visits_are_imported_with_titles_split_and_kinds_parsed():
    out = run("import_hsg_visits", *VISITS)

    visits = count_elements(VISITS, "visit")
    assert visits == 3264
    assert Visit.objects.filter(external_source="hsg-visits", host_country="USA").count() == visits
    assert f"read {visits}, created {visits}, updated 0, unchanged 0, rejected 0" in out
    # distinct names once titles are split off ("Prime Minister George Papandreou" -> "George Papandreou")
    assert Person.objects.count() == 1450
    assert "visitors without a recognised title: 5" in out

    papandreou = Visit.objects.get(
        external_source="hsg-visits", visitor__name="George Papandreou", start_date=datetime.date(2010, 3, 8)
    )
    assert papandreou.visitor_country_id == "GRC"
    assert papandreou.visitor.positions.filter(title="Prime Minister", country="GRC").exists()


def test_states_that_no_longer_exist_are_mapped_by_date():
    run("import_hsg_visits", *VISITS)

    soviet = Visit.objects.filter(external_source="hsg-visits", visitor_country="SUN")
    assert soviet.exists()
    assert all(v.start_date < datetime.date(1991, 12, 26) for v in soviet)
    assert not Visit.objects.filter(visitor_country="RUS", start_date__lt=datetime.date(1991, 12, 26)).exists()
    assert Visit.objects.filter(visitor_country="XHI", visitor__name="Kalakaua").count() == 2
    assert Visit.objects.filter(visitor_country="DDR").exists()
    # Mobutu's Zaire, Tito's Yugoslavia, Dahomey before it was Benin, Muzorewa's Zimbabwe Rhodesia
    assert Visit.objects.filter(visitor_country="ZAR", visitor__name__contains="Mobutu").exists()
    assert Visit.objects.filter(visitor_country="YUG", visitor__name__contains="Tito").exists()
    assert Visit.objects.filter(visitor_country="DHY").exists()
    assert Visit.objects.filter(visitor_country="RHO", start_date__year=1979).count() == 1
    assert not Visit.objects.filter(visitor_country="COD", start_date__range=("1971-10-27", "1997-05-16")).exists()


def test_trips_to_states_that_are_gone_are_mapped_to_the_state_of_their_day():
    run("import_hsg_travels", PRESIDENTS, *TRAVELS)

    trips = Visit.objects.filter(external_source="hsg-travels")
    # Nixon's and Reagan's summits in Moscow were in the Soviet Union; later ones in Russia
    assert trips.filter(host_country="SUN", start_date__year=1972).exists()
    assert trips.filter(host_country="SUN", start_date__year=1988).exists()
    assert not trips.filter(host_country="RUS", start_date__lt=datetime.date(1991, 12, 26)).exists()
    assert not trips.filter(host_country="SUN", start_date__gte=datetime.date(1991, 12, 26)).exists()
    assert trips.filter(host_country="RUS", start_date__year=1995).exists()
    assert trips.filter(host_country="YUG").exists()


def test_rakhmonov_and_rahmon_are_one_person_once_the_alias_is_known():
    call_command("load_demo", verbosity=0)
    run("import_hsg_visits", *VISITS)

    rahmon = Person.objects.get(name="Emomali Rahmon")
    assert Visit.objects.filter(external_source="hsg-visits", visitor=rahmon).count() == 3
    assert not Person.objects.filter(name="Emomali Rakhmonov").exists()


def test_reimporting_the_same_files_creates_nothing():
    run("import_hsg_travels", PRESIDENTS, *TRAVELS)
    run("import_hsg_visits", *VISITS)
    counts = (
        Visit.objects.count(),
        Person.objects.count(),
        Position.objects.count(),
        Citation.objects.count(),
        VisitStatusChange.objects.count(),
    )
    history = Visit.history.count()

    out = run("import_hsg_travels", PRESIDENTS, *TRAVELS) + run("import_hsg_visits", *VISITS)

    assert "created 0, updated 0, unchanged 832, rejected 0" in out
    assert "created 0, updated 0, unchanged 3264, rejected 0" in out
    assert (
        Visit.objects.count(),
        Person.objects.count(),
        Position.objects.count(),
        Citation.objects.count(),
        VisitStatusChange.objects.count(),
    ) == counts
    assert Visit.history.count() == history


def test_a_corrected_record_updates_the_visit_in_place_and_bumps_its_version(tmp_path):
    run("import_hsg_travels", trip_xml(tmp_path, {"id": "7", "locale": "Ottawa"}))
    out = run("import_hsg_travels", trip_xml(tmp_path, {"id": "7", "locale": "Montreal"}))

    visit = Visit.objects.get(external_id="7")
    assert (visit.locale, visit.version) == ("Montreal", 2)
    assert "created 0, updated 1" in out
    assert visit.history.first().history_change_reason.startswith("Office of the Historian import")


def test_a_reimport_keeps_the_status_an_editor_set_and_writes_no_status_row(tmp_path):
    # The importer sets a status on creation only; after that the status service owns it.
    run("import_hsg_travels", trip_xml(tmp_path, {"id": "8", "start": "2999-05-01", "end": "2999-05-02"}))
    visit = Visit.objects.get(external_id="8")
    assert visit.status == Visit.Status.CONFIRMED
    change_status(visit, to_status=Visit.Status.CANCELLED, on=datetime.date(2026, 12, 1))
    rows, version = list(visit.status_changes.values_list("to_status", flat=True)), visit.version

    run(
        "import_hsg_travels",
        trip_xml(tmp_path, {"id": "8", "start": "2999-05-01", "end": "2999-05-02", "locale": "Quebec"}),
    )

    visit.refresh_from_db()
    assert (visit.locale, visit.status, visit.version) == ("Quebec", Visit.Status.CANCELLED, version + 1)
    assert list(visit.status_changes.values_list("to_status", flat=True)) == rows


def test_a_dry_run_counts_but_saves_nothing():
    out = run("import_hsg_visits", VISITS[0], dry_run=True)
    assert "Dry run: nothing was saved." in out
    assert not Visit.objects.exists() and not Person.objects.exists()
    assert ImportRun.objects.get().dry_run


def test_bad_rows_are_rejected_with_file_line_and_reason_and_the_rest_imported(tmp_path):
    path = trip_xml(
        tmp_path,
        {"id": "1"},
        {"id": "2", "start": "2001-02-05", "end": "2001-02-01"},
        {"id": "3", "country": "atlantis"},
        {"id": "1", "locale": "Duplicate"},
        {"id": "4", "start": "0000-00-00"},
        {"id": "5", "role": "ambassador"},
    )
    report = tmp_path / "report.csv"

    out = run("import_hsg_travels", path, report=report)

    assert list(Visit.objects.values_list("external_id", flat=True)) == ["1"]
    assert "read 6, created 1, updated 0, unchanged 0, rejected 5" in out
    lines = report.read_text().splitlines()
    assert lines[0] == "file,line,reason"
    reasons = "\n".join(lines)
    assert "end_date: A visit cannot end before it starts." in reasons
    assert "unknown country id 'atlantis'" in reasons
    assert "duplicate id '1': already read at trips.xml line 2" in reasons
    assert "start-date '0000-00-00' is not a valid date" in reasons
    assert "unknown role 'ambassador'" in reasons
    run_record = ImportRun.objects.get()
    assert (run_record.status, run_record.rejected, len(run_record.errors)) == ("succeeded", 5, 5)


@pytest.mark.parametrize("command", ["import_hsg_travels", "import_hsg_visits"])
def test_country_alias_resolves_an_id_the_crosswalk_does_not_know(tmp_path, command):
    if command == "import_hsg_travels":
        path = trip_xml(tmp_path, {"id": "1", "country": "atlantis"}, {"id": "2", "country": "canada"})
    else:
        path = visit_xml(tmp_path, ("1", "atlantis"), ("2", "canada"))

    refused = run(command, path)
    assert "rejected 1" in refused and "unknown country id 'atlantis'" in refused
    assert "--country-alias" in refused  # the reason says how to resolve it
    out = run(command, path, country_alias=["atlantis=grc"])

    assert "created 1, updated 0, unchanged 1, rejected 0" in out
    field = "host_country" if command == "import_hsg_travels" else "visitor_country"
    assert dict(Visit.objects.values_list("external_id", field)) == {"1": "GRC", "2": "CAN"}

    # An operator's alias comes before the crosswalk, for an id it knows too.
    out = run(command, path, country_alias=["atlantis=GRC", "canada=MEX"])
    assert "created 0, updated 1, unchanged 1, rejected 0" in out
    assert dict(Visit.objects.values_list("external_id", field)) == {"1": "GRC", "2": "MEX"}


@pytest.mark.parametrize(
    ("alias", "message"),
    [
        ("atlantis=ATL", "'ATL' is not a country code Chancery knows"),
        ("atlantis=", "expected ID=ISO3"),
        ("atlantis", "expected ID=ISO3"),
        ("=GRC", "expected ID=ISO3"),
    ],
)
@pytest.mark.parametrize("command", ["import_hsg_travels", "import_hsg_visits"])
def test_a_bad_country_alias_is_refused_before_anything_is_read(tmp_path, command, alias, message):
    path = trip_xml(tmp_path, {"id": "1"}) if command == "import_hsg_travels" else visit_xml(tmp_path, ("1", "canada"))

    with pytest.raises(CommandError, match=message):
        run(command, path, country_alias=[alias])

    assert not Visit.objects.exists() and not ImportRun.objects.exists()


def test_the_secretary_of_state_role_is_imported_too(tmp_path):
    run(
        "import_hsg_travels",
        trip_xml(tmp_path, {"id": "s1", "role": "secretary", "who": "blinken-antony", "name": "Antony Blinken"}),
    )
    visit = Visit.objects.get(external_id="s1")
    assert visit.level == Visit.Level.MINISTER
    assert visit.visitor.positions.get().title == "Secretary of State"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'<?xml version="1.0"?><trips><trip><id>1</id><name>A', "not well-formed XML"),
        ("<trips><trip><id>1</id><name>Jos\xe9</name></trip></trips>".encode("latin-1"), "not well-formed XML"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (b"", "the file is empty"),
        (
            b"<?xml version='1.0'?><visits></visits>",
            "expected an Office of the Historian <trips> or <presidents> file, found <visits>",
        ),
        (b"id,name\n1,2\n", "not well-formed XML"),
    ],
    ids=["truncated", "wrong-encoding", "binary", "empty", "wrong-root", "csv"],
)
def test_a_file_that_is_not_what_it_claims_is_refused_whole_and_the_other_file_still_imports(
    tmp_path, content, message
):
    good = trip_xml(tmp_path, {"id": "1"})
    bad = tmp_path / "bad.xml"
    bad.write_bytes(content)

    with pytest.raises(CommandError, match="Refused 1 of 2 files, nothing of them imported") as excinfo:
        run("import_hsg_travels", good, bad)

    assert "bad.xml" in str(excinfo.value) and message in str(excinfo.value)
    assert list(Visit.objects.values_list("external_id", flat=True)) == ["1"]
    import_run = ImportRun.objects.get()
    assert (import_run.status, import_run.created) == (ImportRun.Status.SUCCEEDED, 1)
    assert import_run.message.startswith("Refused, nothing of it imported: bad.xml")


def test_when_every_file_is_refused_nothing_changes(tmp_path):
    first, second = tmp_path / "a.xml", tmp_path / "b.xml"
    first.write_bytes(b"")
    second.write_bytes(b"\x89PNG\r\n\x1a\n")

    with pytest.raises(CommandError, match="Refused, nothing imported: a.xml") as excinfo:
        run("import_hsg_travels", first, second)

    assert "b.xml" in str(excinfo.value)
    assert not Visit.objects.exists() and not Person.objects.exists()
    assert ImportRun.objects.get().status == ImportRun.Status.REFUSED


def test_a_file_declaring_entities_is_refused_without_expanding_them(tmp_path):
    path = tmp_path / "bomb.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<trips><trip role="president" who="x"><id>1</id><name>&b;</name><start-date>2001-01-01</start-date>'
        '<end-date>2001-01-01</end-date><country id="canada">C</country></trip></trips>'
    )
    with pytest.raises(CommandError, match="declares a document type"):
        run("import_hsg_travels", path)
    assert not Visit.objects.exists()
    assert ImportRun.objects.get().status == ImportRun.Status.REFUSED


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Prime Minister George Papandreou", ("Prime Minister", "George Papandreou", "head")),
        ("King Juan Carlos I", ("King", "Juan Carlos I", "head")),
        ("President Emomali Rakhmonov", ("President", "Emomali Rakhmonov", "head")),
        ("President- elect Ernesto Zedillo", ("President-elect", "Ernesto Zedillo", "head")),
        ("Acting Prime Minister Sirik Matak", ("Acting Prime Minister", "Sirik Matak", "head")),
        ("Crown Prince Akihito", ("Crown Prince", "Akihito", "deputy")),
        ("Prime MinisterHaidar al-Abadi", ("Prime Minister", "Haidar al-Abadi", "head")),
        ("Valdas Adamkus", ("", "Valdas Adamkus", "")),
    ],
)
def test_a_visitor_title_is_split_from_the_name(text, expected):
    assert split_title(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("State visit.", ("state", "")),
        ("Official working visit. Met with the President.", ("working", "Met with the President.")),
        ("Working Visit; addressed Congress.", ("working", "Addressed Congress.")),
        (
            "Met with President Bush during a private visit.",
            ("private", "Met with President Bush during a private visit."),
        ),
        ("Attended the NATO Summit Meeting.", ("summit", "Attended the NATO Summit Meeting.")),
        ("Met with the Secretary of State.", ("", "Met with the Secretary of State.")),
    ],
)
def test_the_kind_is_parsed_out_of_the_description(text, expected):
    assert parse_kind(text) == expected


def test_a_file_refused_while_read_takes_the_people_it_created_and_a_later_file_creates_them_again(tmp_path):
    from imports.importer import FileRefused
    from imports.runner import run_import
    from visits.importers import HsgVisitsImporter

    class RefusedAtItsSecondVisit(HsgVisitsImporter):
        """A file named cut.xml turns out bad at its second visit, after its first was written."""

        def read(self, path):
            for number, item in enumerate(super().read(path), 1):
                if path.name == "cut.xml" and number == 2:
                    raise FileRefused(f"{path.name}: found bad while reading")
                yield item

    cut = visit_xml(tmp_path, ("v1", "canada"), ("v2", "canada"), name="cut.xml")
    later = visit_xml(tmp_path, ("v3", "canada"), name="later.xml")

    run = run_import(RefusedAtItsSecondVisit(), [cut, later], batch_size=1)

    assert run.refused == ["cut.xml: found bad while reading"]
    (visit,) = Visit.objects.all()
    # Jane Doe, created for v1 and rolled back with cut.xml, is created again for v3.
    assert (visit.external_id, visit.visitor.name, Person.objects.count()) == ("v3", "Jane Doe", 1)
    assert visit.citations.get().source.external_id
