"""Agreements named in a sentence, with kind, title and stage (intake.extract.agreements)."""

import pytest

from intake.extract.agreements import find_agreements


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Two documents are being prepared for signature during the visit: an agreement on cooperation in "
            "migration and a memorandum on joint work in education.",
            [
                ("intergovernmental", "Agreement on cooperation in migration", "drafting"),
                ("mou", "Memorandum on joint work in education", "drafting"),
            ],
        ),
        (
            "The presidents signed a treaty on strategic partnership in Moscow on Friday.",
            [("treaty", "Treaty on strategic partnership", "signed")],
        ),
        (
            "A memorandum of understanding on energy is expected to be signed.",
            [("mou", "Memorandum of understanding on energy", "proposed")],
        ),
        (
            "The protocol on visa-free travel entered into force on 1 March.",
            [("protocol", "Protocol on visa-free travel", "in_force")],
        ),
        (
            "The joint statement on the water dispute was initialled.",
            [("joint_statement", "Joint statement on the water dispute", "initialled")],
        ),
        (
            "A number of cooperation agreements are expected to be signed during the visit.",
            [("intergovernmental", "Cooperation agreements", "proposed")],
        ),
        (
            "They may sign trade and cultural agreements.",
            [("intergovernmental", "Trade and cultural agreements", "proposed")],
        ),
        (
            "The summit is expected to adopt a joint statement on maritime cooperation and to approve a plan.",
            [("joint_statement", "Joint statement on maritime cooperation", "proposed")],
        ),
        (
            "They spoke of a planned digital economy agreement.",
            [("intergovernmental", "Digital economy agreement", "proposed")],
        ),
        (
            "Experts expect an agreement on investment protection.",
            [("intergovernmental", "Agreement on investment protection", "proposed")],
        ),
    ],
)
def test_a_document_is_read_with_its_kind_title_and_stage(sentence, expected):
    found = find_agreements(sentence)
    assert [(a.kind, a.title, a.status) for a in found] == expected
    assert all(sentence[a.span[0] : a.span[1]] == a.quote for a in found)


@pytest.mark.parametrize(
    "sentence",
    [
        "The sides reached an agreement.",
        "They agreed to meet again.",
        "Dushanbe hoped for agreement on new flights.",  # consent, not a document
        "They discussed the trade agreement between the bloc and its neighbours.",  # one already known, in passing
    ],
)
def test_an_agreement_with_no_subject_or_as_consent_or_in_passing_names_no_document(sentence):
    assert find_agreements(sentence) == []
