"""Fetching a report's page: the article read from it, and each way a fetch is refused.

Every page comes from a local server (tests/intake/local_server.py); the fetcher is allowed to
reach it by INTAKE_FETCH_ALLOW_HOSTS and nothing else on this machine.
"""

import datetime
import gzip
import socket
import ssl
import subprocess
import time

import pytest
from django.test import override_settings

from intake.addresses import refused_address
from intake.fetch import FetchError, fetch_page
from tests.intake.local_server import answer, redirect, released, serve

ARTICLE = b"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Foreign minister arrives in Dushanbe for talks | Example Wire</title>
<meta property="og:title" content="Foreign minister arrives in Dushanbe for talks">
<meta property="article:published_time" content="2024-03-05T09:30:00Z">
<script>window.tracking = "do not read me";</script>
<style>body { color: red; }</style>
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>
<h1>Foreign minister arrives in Dushanbe for talks</h1>
<p>The foreign minister arrived in Dushanbe on Tuesday for two days of talks on trade, water and
regional security, the ministry said in a statement published on its website.</p>
<p>He is expected to sign a memorandum on cooperation in hydropower with his Tajik counterpart
before travelling on to Bishkek, officials familiar with the programme said.</p>
</article>
<footer>Copyright Example Wire. All rights reserved.</footer>
</body></html>"""


def test_an_article_page_gives_its_text_title_date_and_language():
    with serve({"/news/1": answer(200, ARTICLE)}) as (base, _):
        page = fetch_page(f"{base}/news/1")
    assert page.url == page.final_url == f"{base}/news/1"
    assert page.title == "Foreign minister arrives in Dushanbe for talks"
    assert "arrived in Dushanbe on Tuesday" in page.text
    assert "memorandum on cooperation in hydropower" in page.text
    assert "do not read me" not in page.text and "color: red" not in page.text
    assert "All rights reserved" not in page.text and "World" not in page.text
    assert page.published == datetime.date(2024, 3, 5)
    assert page.published_precision == "day"
    assert page.language == "en"
    assert page.content_type == "text/html"


def test_a_page_without_a_date_has_none():
    page_html = ARTICLE.replace(b'<meta property="article:published_time" content="2024-03-05T09:30:00Z">', b"")
    with serve({"/a": answer(200, page_html)}) as (base, _):
        page = fetch_page(f"{base}/a")
    assert page.published is None and page.published_precision is None


def test_a_plain_text_page_is_its_text_with_its_first_line_as_title():
    body = "\ufeffMinister visits Dushanbe\n\nThe minister arrived on Tuesday.\n".encode()
    with serve({"/a.txt": answer(200, body, content_type="text/plain; charset=utf-8")}) as (base, _):
        page = fetch_page(f"{base}/a.txt")
    assert page.title == "Minister visits Dushanbe"
    assert page.text == "Minister visits Dushanbe\n\nThe minister arrived on Tuesday."
    assert page.content_type == "text/plain" and page.published is None


def test_a_gzipped_page_is_read():
    with serve({"/a": answer(200, gzip.compress(ARTICLE), Content_Encoding="gzip")}) as (base, _):
        assert "arrived in Dushanbe" in fetch_page(f"{base}/a").text


def test_a_redirect_chain_is_followed_to_its_end():
    routes = {
        "/1": redirect("/2", 301),
        "/2": redirect("/3", 307),
        "/3": redirect("/article"),
        "/article": answer(200, ARTICLE),
    }
    with serve(routes) as (base, seen):
        page = fetch_page(f"{base}/1")
    assert page.url == f"{base}/1" and page.final_url == f"{base}/article"
    assert [request["path"] for request in seen] == ["/1", "/2", "/3", "/article"]


def test_more_than_five_redirects_are_refused():
    routes = {f"/{n}": redirect(f"/{n + 1}") for n in range(6)} | {"/6": answer(200, ARTICLE)}
    with serve(routes) as (base, _), pytest.raises(FetchError, match="redirects more than 5 times"):
        fetch_page(f"{base}/0")


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("http://10.0.0.1/admin", "10.0.0.1, a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254, a link-local address"),
        ("http://[::ffff:10.0.0.1]/", "::ffff:10.0.0.1, a private address"),
    ],
)
def test_a_redirect_to_a_private_address_is_refused_before_connecting(target, reason):
    with serve({"/a": redirect(target)}) as (base, _), pytest.raises(FetchError) as refused:
        fetch_page(f"{base}/a")
    assert str(refused.value).startswith(f"{base}/a was not fetched: the redirect to {target} leads to")
    assert str(refused.value).endswith(f"leads to {reason}.")


def test_a_redirect_to_this_machine_on_a_port_not_allowed_is_refused():
    with serve({"/a": answer(200, ARTICLE)}) as (other, other_seen):
        # The inner server's allow list replaces the outer's: only its own port may be reached.
        with serve({"/r": redirect(f"{other}/a")}) as (base, _), pytest.raises(FetchError) as refused:
            fetch_page(f"{base}/r")
    assert f"the redirect to {other}/a leads to 127.0.0.1, this machine's own (loopback) address" in str(refused.value)
    assert other_seen == []


def test_a_redirect_to_another_scheme_is_refused():
    with (
        serve({"/a": redirect("file:///etc/passwd")}) as (base, _),
        pytest.raises(FetchError, match="not an http or https"),
    ):
        fetch_page(f"{base}/a")


def test_a_host_name_that_resolves_to_this_machine_is_refused():
    with serve({"/a": answer(200, ARTICLE)}) as (base, seen):
        with pytest.raises(
            FetchError, match=r"localhost leads to 127\.0\.0\.1, this machine's own \(loopback\) address"
        ):
            fetch_page(base.replace("127.0.0.1", "localhost") + "/a")
    assert seen == []


@pytest.mark.parametrize("url", ["ftp://example.org/a", "file:///etc/passwd", "javascript:alert(1)", "not a url"])
def test_only_http_and_https_addresses_are_fetched(url):
    with pytest.raises(FetchError, match="could not be fetched"):
        fetch_page(url)


def test_private_and_special_addresses_are_refused_and_public_ones_are_not():
    for address in ("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0", "224.0.0.1"):
        assert refused_address(address), address
    for address in ("::1", "fe80::1", "fc00::1", "::ffff:192.168.1.1", "64:ff9b::a00:1", "2002:a00:1::", "100.64.0.1"):
        assert refused_address(address), address
    assert refused_address("93.184.215.14") is None and refused_address("2606:4700::1111") is None


def test_a_server_error_is_refused_with_its_status():
    with serve({"/a": answer(500, b"oops")}) as (base, _), pytest.raises(FetchError) as refused:
        fetch_page(f"{base}/a")
    assert str(refused.value) == f"{base}/a could not be fetched: the site answered 500 (Internal Server Error)."


def test_a_missing_page_is_refused_with_its_status():
    with serve({}) as (base, _), pytest.raises(FetchError, match="answered 404 \\(Not Found\\)"):
        fetch_page(f"{base}/gone")


def test_a_refused_connection_is_said_so():
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with (
        override_settings(INTAKE_FETCH_ALLOW_HOSTS=[f"127.0.0.1:{port}"]),
        pytest.raises(FetchError, match="127.0.0.1 refused the connection"),
    ):
        fetch_page(f"http://127.0.0.1:{port}/a")


def _slow(handler):
    released.wait(5)


def _dripping(handler):
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    while not released.is_set():
        handler.wfile.write(b"<p>.</p>")
        handler.wfile.flush()
        time.sleep(0.05)


@override_settings(INTAKE_FETCH_READ_TIMEOUT=0.3)
def test_a_server_that_does_not_answer_in_time_is_given_up_on():
    started = time.monotonic()
    with serve({"/a": _slow}) as (base, _), pytest.raises(FetchError, match="took too long to answer"):
        fetch_page(f"{base}/a")
    assert time.monotonic() - started < 2


@override_settings(INTAKE_FETCH_TIMEOUT=0.5)
def test_a_server_that_sends_a_little_at_a_time_is_stopped_at_the_deadline():
    started = time.monotonic()
    with serve({"/a": _dripping}) as (base, _), pytest.raises(FetchError, match="took longer than 0.5 s"):
        fetch_page(f"{base}/a")
    assert time.monotonic() - started < 2


def _large_without_length(handler):
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    handler.wfile.write(b"<p>" + b"x" * 300_000 + b"</p>")


@override_settings(INTAKE_FETCH_MAX_BYTES=100_000)
def test_a_page_whose_length_is_over_the_limit_is_refused_before_reading():
    with (
        serve({"/a": answer(200, b"<p>" + b"x" * 200_000 + b"</p>")}) as (base, _),
        pytest.raises(FetchError) as refused,
    ):
        fetch_page(f"{base}/a")
    assert "it is 0.2 MB, over the 0.1 MB limit" in str(refused.value)


@override_settings(INTAKE_FETCH_MAX_BYTES=100_000)
def test_a_page_that_grows_past_the_limit_without_a_length_is_stopped():
    with (
        serve({"/a": _large_without_length}) as (base, _),
        pytest.raises(FetchError, match="larger than the 0.1 MB limit"),
    ):
        fetch_page(f"{base}/a")


@override_settings(INTAKE_FETCH_MAX_BYTES=100_000)
def test_a_compressed_page_is_measured_unpacked():
    bomb = gzip.compress(b"<p>" + b"x" * 1_000_000 + b"</p>")
    with (
        serve({"/a": answer(200, bomb, Content_Encoding="gzip")}) as (base, _),
        pytest.raises(FetchError, match="larger"),
    ):
        fetch_page(f"{base}/a")


@pytest.mark.parametrize(
    ("content_type", "said"),
    [
        ("application/pdf", "a document of type application/pdf"),
        (None, "a document of no stated type"),
        ("nonsense", "no stated type"),
    ],
)
def test_a_document_that_is_not_a_page_is_refused(content_type, said):
    with (
        serve({"/a": answer(200, b"%PDF-1.7", content_type=content_type)}) as (base, _),
        pytest.raises(FetchError) as refused,
    ):
        fetch_page(f"{base}/a")
    assert said in str(refused.value) and "not a web page or plain text" in str(refused.value)


def test_a_page_with_no_article_text_is_refused():
    empty = b"<html><head><title>Nothing</title><script>var a = 1;</script></head><body><nav></nav></body></html>"
    with serve({"/a": answer(200, empty)}) as (base, _), pytest.raises(FetchError) as refused:
        fetch_page(f"{base}/a")
    assert str(refused.value) == f"{base}/a was fetched but no article text was found on the page."


def test_an_address_with_a_password_is_refused():
    with serve({"/a": answer(200, ARTICLE)}) as (base, seen), pytest.raises(FetchError, match="user name or password"):
        fetch_page(base.replace("http://", "http://user:secret@") + "/a")
    assert seen == []


def _resolving(monkeypatch, name: str, *addresses: str):
    """`name` resolves to `addresses` (other names as the system resolves them)."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host != name:
            return real(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_a_host_is_reached_at_the_address_checked_with_its_name_in_the_host_header(monkeypatch):
    with serve({"/a": answer(200, ARTICLE)}) as (base, seen):
        port = base.rsplit(":", 1)[1]
        _resolving(monkeypatch, "news.example", "127.0.0.1")
        with override_settings(INTAKE_FETCH_ALLOW_HOSTS=[f"news.example:{port}"]):
            page = fetch_page(f"http://news.example:{port}/a")
    assert page.final_url == f"http://news.example:{port}/a"
    assert seen[0]["host"] == f"news.example:{port}"


def test_a_host_with_one_private_address_among_public_ones_is_refused(monkeypatch):
    _resolving(monkeypatch, "mixed.example", "93.184.215.14", "10.0.0.7")
    with pytest.raises(FetchError) as refused:
        fetch_page("http://mixed.example/a")
    assert (
        str(refused.value)
        == "http://mixed.example/a was not fetched: mixed.example leads to 10.0.0.7, a private address."
    )


def test_a_host_that_does_not_exist_is_said_so(monkeypatch):
    def unknown(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unknown)
    with pytest.raises(FetchError, match="there is no site called nowhere.example"):
        fetch_page("https://nowhere.example/a")


def test_an_https_site_whose_certificate_is_not_trusted_is_refused(tmp_path):
    key, certificate = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        + ["-keyout", str(key), "-out", str(certificate), "-days", "1", "-subj", "/CN=localhost"],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    with serve({"/a": answer(200, ARTICLE)}, tls=context) as (base, seen):
        port = base.rsplit(":", 1)[1]
        with (
            override_settings(INTAKE_FETCH_ALLOW_HOSTS=[f"localhost:{port}"]),
            pytest.raises(FetchError, match="localhost's secure connection failed"),
        ):
            fetch_page(f"https://localhost:{port}/a")
    assert seen == []
