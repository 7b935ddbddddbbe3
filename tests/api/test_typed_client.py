"""A client generated from the served schema with openapi-python-client (the version pinned in
requirements-dev.txt): generated without a warning, a typed model for every JSON answer of
every operation, CSV answers as text, and the generated models read the API's real answers."""

import importlib
import json
import os
import pkgutil
import subprocess
import sys
import types
import typing
from pathlib import Path

import attrs
import pytest
from django.urls import reverse

from tests.trade.test_api_series import add_dots_seed

GENERATOR = Path(sys.executable).parent / "openapi-python-client"
PACKAGE = "chancery_api_client"

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(analyst_api):
    response = analyst_api.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def generated(schema, tmp_path):
    """The generator's run on the served schema, and the generated package, importable."""
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(schema))
    # The generator's post hooks run ruff, which is in the virtualenv beside it.
    env = {**os.environ, "PATH": f"{GENERATOR.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [GENERATOR, "generate", "--path", path, "--output-path", tmp_path / PACKAGE, "--meta", "none"]
    run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False)
    sys.path.insert(0, str(tmp_path))
    try:
        yield run, importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def answer_types(annotation) -> list:
    """The classes a _parse_response annotation names, lists unwrapped, None left out."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return [found for member in typing.get_args(annotation) for found in answer_types(member)]
    if typing.get_origin(annotation) is list:
        return answer_types(typing.get_args(annotation)[0])
    return [] if annotation is type(None) else [annotation]


def test_the_generator_reads_the_whole_schema_without_a_warning_and_types_every_json_answer(generated, schema):
    run, _ = generated
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "Warning" not in output and "Error" not in output, output

    api = importlib.import_module(f"{PACKAGE}.api")
    operations = pkgutil.walk_packages(api.__path__, f"{PACKAGE}.api.")
    modules = [importlib.import_module(info.name) for info in operations if not info.ispkg]
    assert len(modules) == sum(len(operations) for operations in schema["paths"].values()) > 40
    untyped = {}
    for module in modules:
        for answer in answer_types(typing.get_type_hints(module._parse_response)["return"]):
            fields = attrs.fields(answer) if attrs.has(answer) else ()
            if not [field.name for field in fields if field.name != "additional_properties"]:
                untyped[module.__name__.rsplit(".", 1)[1]] = answer
    assert untyped == {}


def test_every_model_the_json_answers_use_declares_its_fields_and_every_csv_answer_is_text(schema):
    components = schema["components"]["schemas"]

    def referenced(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"].rsplit("/", 1)[1]
            for value in node.values():
                yield from referenced(value)
        elif isinstance(node, list):
            for value in node:
                yield from referenced(value)

    answers = [
        (f"{method.upper()} {path} {code}", media, content["schema"])
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        for code, response in operation["responses"].items()
        for media, content in response.get("content", {}).items()
    ]
    csv = {name: body for name, media, body in answers if media == "text/csv"}
    assert {"GET /api/v1/trade/flows/ 200", "GET /api/v1/trade/series/ 200", "GET /api/v1/timeline/ 200"} <= set(csv)
    assert all(body == {"type": "string"} for body in csv.values()), csv
    assert {media for _, media, _ in answers} == {"application/json", "text/csv"}

    seen, queue = (
        set(),
        [name for _, media, body in answers if media == "application/json" for name in referenced(body)],
    )
    while queue:
        name = queue.pop()
        if name not in seen:
            seen.add(name)
            queue.extend(referenced(components[name]))
    # A map is typed when its values are ({field: [messages]} in an error); an object names its fields.
    loose = [
        name
        for name in seen
        if components[name].get("type", "object") == "object"
        and "enum" not in components[name]
        and not components[name].get("properties")
        and not components[name].get("additionalProperties")
    ]
    assert {"TradeSeries", "TradeSeriesPeriod", "TradeFigureMark", "TradeSeriesClaim", "TimelineRecord"} <= seen
    assert loose == []


def test_the_generated_models_read_the_series_and_the_flows_as_the_api_gives_them(generated, analyst_api):
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    add_dots_seed()
    _, package = generated
    models = importlib.import_module(f"{PACKAGE}.models")

    body = analyst_api.get(reverse("trade-series"), {"a": "RUS", "b": "TJK"}).json()
    series = models.TradeSeries.from_dict(body)
    page = analyst_api.get(reverse("trade-flows-list"), {"reporter": "RUS", "year": 2016, "flow": "import"}).json()
    flows = models.PaginatedTradeFlowList.from_dict(page)

    assert series.to_dict() == body  # nothing in the answer the schema does not describe
    year = series.periods[1]
    assert (year.year, year.b_reports.reported_by, year.b_reports.turnover) == (2016, "TJK", "1036460000.00")
    assert year.a_marks.imports_from_partner.valuation == models.TradeFigureMarkValuationEnum.CIF
    assert year.a_marks.imports_from_partner.estimated is True
    claim = next(claim for claim in year.claims if claim.metric == models.MetricEnum.TURNOVER)
    assert (claim.statistic, claim.mirror_statistic) == ("1036460000.00", "687900000.00")
    assert [(flow.valuation, flow.estimated) for flow in flows.results] == [(models.TradeFlowValuationEnum.CIF, True)]
