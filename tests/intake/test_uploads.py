"""Reports uploaded as files: each kind read for its text and title, each bad kind refused."""

import io
import zipfile

import docx
import pytest

from intake.uploads import Upload, UploadError, read_upload

PAGE = b"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Talks in Dushanbe end with a water accord | Example Wire</title>
<meta property="og:title" content="Talks in Dushanbe end with a water accord">
<script>document.write("script text never read");</script>
<style>p { font-family: "style text never read"; }</style>
</head><body><nav><a href="/">Home</a></nav>
<article><h1>Talks in Dushanbe end with a water accord</h1>
<p>Two days of talks in Dushanbe ended on Wednesday with an accord on sharing the waters of the
river, the foreign ministry said, after negotiators worked through the night on its last articles.</p>
<script>var inline = "inline script never read";</script>
<p>The ministers are expected to sign the accord at a summit in Bishkek next month, officials said.</p>
</article></body></html>"""


def a_docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_text_file_is_its_text_with_its_first_line_as_title():
    data = "\ufeffMinister visits Dushanbe\r\n\r\nThe minister arrived on Tuesday.\x0cPage two.\n".encode()
    upload = read_upload("report.txt", data)
    assert upload == Upload(
        text="Minister visits Dushanbe\r\n\r\nThe minister arrived on Tuesday.\nPage two.",
        title="Minister visits Dushanbe",
    )


def test_a_text_file_whose_first_line_is_a_paragraph_has_no_title():
    assert read_upload("report.txt", ("word " * 100).encode()).title == ""


@pytest.mark.parametrize("name", ["page.html", "PAGE.HTM"])
def test_a_saved_web_page_is_its_article_without_scripts_or_styles(name):
    upload = read_upload(name, PAGE)
    assert upload.title == "Talks in Dushanbe end with a water accord"
    assert "ended on Wednesday with an accord" in upload.text
    assert "summit in Bishkek next month" in upload.text
    assert "never read" not in upload.text and "Home" not in upload.text


def test_a_word_file_is_its_paragraphs():
    upload = read_upload("report.docx", a_docx("Minister visits Dushanbe", "The minister arrived on Tuesday."))
    assert upload == Upload(
        text="Minister visits Dushanbe\nThe minister arrived on Tuesday.", title="Minister visits Dushanbe"
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", b"%PDF-1.7", "report.pdf: upload a .txt, .html or .docx file."),
        ("report", b"text", "report: upload a .txt, .html or .docx file."),
        ("report.txt", b"", "report.txt is empty."),
        ("report.txt", b" \n\t\n", "report.txt is empty."),
        ("report.docx", b"", "report.docx is empty."),
        ("report.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "report.txt is not a text file."),
        ("report.txt", b"MZ\x90\x00\x03\x00\x00\x00", "report.txt is not a text file."),
        ("report.txt", b"plain words\x01\x02\x03 and control bytes", "report.txt is not a text file."),
        ("report.txt", "Министр прибыл в Душанбе".encode("cp1251"), "is not UTF-8 text; save it as UTF-8"),
        ("report.txt", "Le ministre est arrivé".encode("latin-1"), "is not UTF-8 text"),
        ("page.html", b"\x00\x01\x02<html>", "page.html is not a web page."),
        (
            "page.html",
            b"<html><head><script>alert(1)</script><style>p{}</style></head><body></body></html>",
            "holds no article text",
        ),
        ("page.html", b"<html><body><script>var a = 'only a script';</script></body></html>", "holds no article text"),
        (
            "report.docx",
            b"This is not a zip archive at all",
            "cannot be read as a Word document (it is not a zip archive)",
        ),
        ("report.docx", b"PK\x03\x04 not really a document", "cannot be read as a Word document"),
    ],
)
def test_a_file_that_is_not_a_readable_report_is_refused(name, data, message):
    with pytest.raises(UploadError) as refused:
        read_upload(name, data)
    assert message in str(refused.value)


def test_a_zip_that_is_not_a_word_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a document")
    with pytest.raises(UploadError, match=r"report\.docx cannot be read as a Word document"):
        read_upload("report.docx", buffer.getvalue())


def test_a_word_file_that_unpacks_to_too_much_is_refused_before_it_is_read():
    buffer = io.BytesIO(a_docx("A short report."))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("word/media/filler.bin", bytes(60 * 1024 * 1024))
    bomb = buffer.getvalue()
    assert len(bomb) < 1024 * 1024
    with pytest.raises(UploadError) as refused:
        read_upload("report.docx", bomb)
    assert str(refused.value) == "report.docx unpacks to 60 MB; Word files are limited to 50 MB unpacked."


@pytest.mark.parametrize(("name", "limit_mb"), [("report.txt", 2), ("page.html", 5), ("report.docx", 10)])
def test_a_file_over_its_kind_s_limit_is_refused(name, limit_mb):
    with pytest.raises(UploadError) as refused:
        read_upload(name, b"a" * (limit_mb * 1024 * 1024 + 1))
    assert f"files are limited to {limit_mb} MB" in str(refused.value)
