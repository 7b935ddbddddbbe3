"""Draft versions: numbered, append-only, readable diffs, uploads of .txt/.md/.docx."""

import io

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements.drafts import diff_summary, side_by_side_diff, text_from_upload
from agreements.services import add_draft_version
from tests.data import REPORTS
from tests.factories import AgreementFactory

REPORT = REPORTS / "dushanbe-visit-2017.txt"


@pytest.mark.django_db
def test_versions_are_numbered_in_order_and_attributed(editor):
    agreement = AgreementFactory()
    first = add_draft_version(agreement=agreement, text="Article 1.", author=editor, note="First reading")
    second = add_draft_version(agreement=agreement, text="Article 1. Article 2.", author=editor)
    assert (first.number, second.number, second.author) == (1, 2, editor)
    agreement.refresh_from_db()
    assert agreement.version == 3


@pytest.mark.django_db
def test_an_empty_draft_is_refused():
    with pytest.raises(ValidationError):
        add_draft_version(agreement=AgreementFactory(), text="  \n ")


def test_a_diff_of_real_text_highlights_the_changed_sentence_side_by_side():
    original = REPORT.read_text(encoding="utf-8")
    revised = original.replace("6.3 percent less than in 2015", "6.5 percent less than in 2015")

    table = side_by_side_diff(original, revised, old_label="Draft 1", new_label="Draft 2")

    assert table.count("<table") == 1
    assert "Draft 1" in table and "Draft 2" in table
    assert '<span class="diff_chg">3</span>' in table
    assert '<span class="diff_chg">5</span>' in table
    assert diff_summary(original, revised) == {"added": 1, "removed": 1}


def test_a_diff_escapes_markup_in_the_texts():
    table = side_by_side_diff("<script>alert(1)</script>", "<b>bold</b>", old_label="a", new_label="b")
    assert "<script>" not in table
    assert "&lt;script&gt;" in table


def test_text_docx_and_markdown_uploads_are_read():
    document = docx.Document()
    document.add_paragraph("Article 1. The Parties shall cooperate.")
    document.add_paragraph("Article 2. Entry into force.")
    buffer = io.BytesIO()
    document.save(buffer)

    assert text_from_upload(SimpleUploadedFile("draft.docx", buffer.getvalue())) == (
        "Article 1. The Parties shall cooperate.\nArticle 2. Entry into force."
    )
    assert text_from_upload(SimpleUploadedFile("draft.md", "\ufeff# Agreement\n".encode())) == "# Agreement\n"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("draft.pdf", b"%PDF-1.4", "Upload a .txt, .md or .docx file."),
        ("draft.txt", b"\xff\xfeA\x00", "This is not a text file."),
        ("draft.txt", "Договор".encode("cp1251"), "not UTF-8 text"),
        ("draft.docx", b"PK\x03\x04 not really a document", "cannot be read"),
    ],
)
def test_an_upload_that_is_not_a_readable_draft_is_refused(name, content, message):
    with pytest.raises(ValidationError) as excinfo:
        text_from_upload(SimpleUploadedFile(name, content))
    assert message in " ".join(excinfo.value.messages)


@pytest.mark.django_db
def test_a_draft_added_in_the_admin_is_numbered_by_the_service_and_earlier_ones_stay_read_only(editor_client, editor):
    from django.urls import reverse

    from tests.core.admin_forms import admin_form_data

    agreement = AgreementFactory()
    add_draft_version(agreement=agreement, text="Article 1.", author=editor)
    url = reverse("admin:agreements_agreement_change", args=[agreement.pk])
    data = admin_form_data(editor_client.get(url))
    prefix = "drafts"
    count = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(count + 1),
            f"{prefix}-{count}-text": "Article 1. Article 2.",
            f"{prefix}-{count}-note": "Second reading",
        }
    )

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(agreement.drafts.values_list("number", "text", "note")) == [
        (1, "Article 1.", ""),
        (2, "Article 1. Article 2.", "Second reading"),
    ]
