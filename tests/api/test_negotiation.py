"""What each Accept header and `?format=` gets from the API: DRF's content negotiation over
the API's renderers (orjson's JSON, the browsable API, CSV where a list offers it)."""

import pytest

pytestmark = pytest.mark.django_db

FLOWS = "/api/v1/trade/flows/"  # offers CSV besides JSON and the browsable API
COUNTRIES = "/api/v1/countries/"  # JSON and the browsable API


@pytest.mark.parametrize(
    "path, accept, answer",
    [
        (FLOWS, None, "application/json"),
        (FLOWS, "", 406),  # an empty header accepts nothing (DRF), unlike no header at all
        (FLOWS, "*/*", "application/json"),
        (FLOWS, "application/json", "application/json"),
        (FLOWS, "text/csv", "text/csv"),
        (FLOWS, "text/html", "text/html"),
        (FLOWS, "text/csv;q=0.5, application/json;q=0.9", "application/json"),
        (FLOWS, "application/*", "application/json"),
        (FLOWS, "  application/json  ,", "application/json"),
        (FLOWS, "text/csv, " + "y" * 600, "text/csv"),
        (COUNTRIES, "text/html;q=0.5, application/json", "application/json"),
        (COUNTRIES, "text/csv", 406),
        (FLOWS, "application/xml", 406),
        (FLOWS, "image/png", 406),
        (FLOWS, "garbage", 406),
    ],
)
def test_the_accept_header_chooses_the_renderer(analyst_api, path, accept, answer):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    response = analyst_api.get(path, **headers)
    if isinstance(answer, int):
        assert response.status_code == answer
    else:
        assert response.status_code == 200
        assert response["Content-Type"].split(";")[0] == answer


@pytest.mark.parametrize(
    "path, format_, answer",
    [
        (FLOWS, "json", "application/json"),
        (FLOWS, "csv", "text/csv"),
        (FLOWS, "api", "text/html"),
        (FLOWS, "xml", 404),
        (COUNTRIES, "csv", 404),
    ],
)
def test_the_format_parameter_chooses_the_renderer(analyst_api, path, format_, answer):
    response = analyst_api.get(path, {"format": format_})
    if isinstance(answer, int):
        assert response.status_code == answer
    else:
        assert response.status_code == 200
        assert response["Content-Type"].split(";")[0] == answer
