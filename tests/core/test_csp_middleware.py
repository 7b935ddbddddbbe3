"""core.middleware.CSPMiddleware writes exactly the header django-csp's own would."""

import csp.middleware
import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from core.middleware import CSPMiddleware

HEADER = "Content-Security-Policy"


def through(middleware_class, *, path="/visits/", prepare=lambda request, response: None, status=200):
    request = RequestFactory().get(path)
    middleware = middleware_class(lambda request: HttpResponse(status=status))
    middleware.process_request(request)
    response = HttpResponse(status=status)
    prepare(request, response)
    return middleware.process_response(request, response)


@pytest.fixture(autouse=True)
def fresh():
    CSPMiddleware._plain = None
    yield
    CSPMiddleware._plain = None


def test_plain_responses_get_django_csps_header_built_once(monkeypatch):
    expected = through(csp.middleware.CSPMiddleware)[HEADER]
    assert "script-src 'self'" in expected
    assert through(CSPMiddleware)[HEADER] == expected
    # From now on the header is not built again.
    built = []
    monkeypatch.setattr(csp.middleware, "build_policy", lambda **kwargs: built.append(kwargs) or "rebuilt")
    assert through(CSPMiddleware)[HEADER] == expected
    assert through(CSPMiddleware, path="/api/v1/visits/", status=404)[HEADER] == expected
    assert built == []


@pytest.mark.parametrize(
    "prepare",
    [
        lambda request, response: setattr(response, "_csp_update", {"img-src": ["https://tiles.example.org"]}),
        lambda request, response: setattr(
            response, "_csp_replace", {"script-src": ["'self'", "https://scripts.example.org"]}
        ),
        lambda request, response: str(request.csp_nonce),
        lambda request, response: setattr(response, "_csp_exempt", True),
        lambda request, response: response.__setitem__(HEADER, "default-src 'none'"),
    ],
    ids=["update", "replace", "nonce", "exempt", "header set by the view"],
)
def test_a_response_that_changes_its_policy_is_left_to_django_csp(prepare):
    through(CSPMiddleware)  # the plain header is known
    assert through(CSPMiddleware, prepare=prepare).get(HEADER) == through(
        csp.middleware.CSPMiddleware, prepare=prepare
    ).get(HEADER)
    assert through(CSPMiddleware).get(HEADER) == through(csp.middleware.CSPMiddleware).get(HEADER)


def test_a_change_of_settings_is_followed():
    before = through(CSPMiddleware)[HEADER]
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'none'"]}}):
        assert through(CSPMiddleware)[HEADER] == "default-src 'none'"
        with override_settings(
            CONTENT_SECURITY_POLICY={"EXCLUDE_URL_PREFIXES": ["/visits/"], "DIRECTIVES": {"default-src": ["'none'"]}}
        ):
            assert HEADER not in through(CSPMiddleware)
            assert through(CSPMiddleware, path="/agreements/")[HEADER] == "default-src 'none'"
    assert through(CSPMiddleware)[HEADER] == before
