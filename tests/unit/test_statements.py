"""The statement's state machine and its text's digest, on the pure domain."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import rfc8785

from truceline.domain.errors import ConflictError, InputError, PermissionDenied
from truceline.domain.statement_records import statement_from_dict, statement_to_dict
from truceline.domain.statement_text import StatementText, statement_text
from truceline.domain.statements import (
    Seal,
    Statement,
    StatementKind,
    StatementState,
    approve,
    claim,
    draft,
    publish,
    revise,
)

AT = datetime(2020, 4, 1, 9, 0, tzinfo=UTC)
GUARANTORS = ("tr", "ru")
TEXT = statement_text(
    "Joint statement on the shelling of Ariha",
    "Both sides **confirm** the shelling of Ariha on 20 March.\n\n- no patrol was hit",
    ["inc_0000000000000001"],
    ["moscow-1-ceasefire"],
)


def drafted(text: StatementText = TEXT) -> Statement:
    return draft("stm_1", 1, text, GUARANTORS, by="usr_ig_tr", party="tr", at=AT)


def approved_by(statement: Statement, *parties: str) -> Statement:
    for party in parties:
        current = statement.current
        statement = approve(
            statement,
            party=party,
            version=current.number,
            text_sha256=current.sha256,
            by=f"usr_ao_{party}",
            at=AT + timedelta(minutes=5),
        )
    return statement


def test_a_new_draft_awaits_every_guarantor() -> None:
    statement = drafted()
    assert statement.state is StatementState.DRAFT
    assert statement.kind is StatementKind.JOINT
    assert statement.awaiting == GUARANTORS
    assert statement.current.number == 1


def test_one_approval_makes_it_partly_approved_and_it_cannot_be_published() -> None:
    statement = approved_by(drafted(), "tr")
    assert statement.state is StatementState.PARTLY_APPROVED
    assert statement.approved_by == ("tr",)
    assert statement.awaiting == ("ru",)
    with pytest.raises(ConflictError, match="awaits the approval of ru"):
        publish(statement, by="usr_ig", party="tr", at=AT)


def test_both_approvals_make_it_approved_and_publishable() -> None:
    statement = approved_by(drafted(), "tr", "ru")
    assert statement.state is StatementState.APPROVED
    done = publish(statement, by="usr_ig_ru", party="ru", at=AT + timedelta(hours=1))
    assert done.state is StatementState.PUBLISHED
    assert done.publication is not None
    assert done.publication.text_sha256 == TEXT.sha256
    assert done.publication.version == 1


def test_a_draft_without_any_approval_cannot_be_published() -> None:
    with pytest.raises(ConflictError, match="awaits the approval of tr, ru"):
        publish(drafted(), by="usr_ig", party="tr", at=AT)


def test_a_change_after_an_approval_voids_it() -> None:
    statement = approved_by(drafted(), "tr", "ru")
    changed = statement_text(TEXT.title, TEXT.body + "\n\nOne more sentence.")
    revised = revise(statement, changed, by="usr_ig_ru", party="ru", at=AT + timedelta(hours=1))
    assert revised.state is StatementState.DRAFT
    assert revised.current.number == 2
    assert revised.approved_by == ()
    # The approvals are kept, marked void by version 2.
    assert [(a.party, a.void, a.voided_by) for a in revised.approvals] == [
        ("tr", True, 2),
        ("ru", True, 2),
    ]
    with pytest.raises(ConflictError):
        publish(revised, by="usr_ig", party="tr", at=AT)
    # The new text is approved afresh, by both.
    again = approved_by(revised, "tr", "ru")
    assert again.state is StatementState.APPROVED
    assert len(again.approvals) == 4


def test_an_approval_of_the_previous_text_is_refused_after_a_change() -> None:
    statement = approved_by(drafted(), "tr")
    old = statement.current
    revised = revise(
        statement, statement_text("New title", TEXT.body), by="usr_ig", party="tr", at=AT
    )
    with pytest.raises(ConflictError, match="version 1 is not the current version"):
        approve(revised, party="ru", version=1, text_sha256=old.sha256, by="usr_ao_ru", at=AT)
    with pytest.raises(ConflictError, match="is not the digest of version 2"):
        approve(revised, party="ru", version=2, text_sha256=old.sha256, by="usr_ao_ru", at=AT)


def test_a_party_approves_a_text_once() -> None:
    statement = approved_by(drafted(), "tr")
    with pytest.raises(ConflictError, match="already approved"):
        approved_by(statement, "tr")


def test_a_party_that_is_not_a_guarantor_does_not_approve() -> None:
    current = drafted().current
    with pytest.raises(PermissionDenied, match="its approvers are the guarantors: tr, ru"):
        approve(
            drafted(),
            party="sy-gov",
            version=1,
            text_sha256=current.sha256,
            by="usr_x",
            at=AT,
        )


def test_a_malformed_digest_is_refused_naming_the_field() -> None:
    with pytest.raises(InputError) as refused:
        approve(drafted(), party="tr", version=1, text_sha256="ABC", by="usr_ao_tr", at=AT)
    assert refused.value.field == "text_sha256"


def test_a_published_statement_never_changes() -> None:
    done = publish(approved_by(drafted(), "tr", "ru"), by="usr_ig", party="tr", at=AT)
    current = done.current
    with pytest.raises(ConflictError, match="published statement is never changed"):
        revise(done, statement_text("Other", "Other text"), by="usr_ig", party="tr", at=AT)
    with pytest.raises(ConflictError, match="never approved again"):
        approve(
            done,
            party="tr",
            version=current.number,
            text_sha256=current.sha256,
            by="usr_ao_tr",
            at=AT,
        )
    with pytest.raises(ConflictError, match="never published again"):
        publish(done, by="usr_ig", party="tr", at=AT)


def test_an_unchanged_text_is_not_a_new_version() -> None:
    same = statement_text(TEXT.title, TEXT.body.replace("\n", "\r\n") + "\n  ", TEXT.incidents)
    with pytest.raises(InputError, match="unchanged"):
        revise(drafted(), replace(same, provisions=TEXT.provisions), by="u", party="tr", at=AT)


def test_a_revision_naming_a_stale_version_number_is_refused() -> None:
    changed = statement_text("New title", TEXT.body)
    with pytest.raises(ConflictError, match="would be 2, not 3"):
        revise(drafted(), changed, by="u", party="tr", at=AT, expected=3)


def test_publishing_names_the_current_version_and_digest() -> None:
    statement = approved_by(drafted(), "tr", "ru")
    with pytest.raises(ConflictError, match="version 2 is not the current"):
        publish(statement, by="u", party="tr", at=AT, version=2)
    with pytest.raises(ConflictError, match="is not the digest"):
        publish(statement, by="u", party="tr", at=AT, text_sha256="0" * 64)


def test_a_claim_is_published_at_once_and_never_approved_or_changed() -> None:
    made = claim("stm_2", 2, TEXT, party="ru", by="usr_ao_ru", at=AT)
    assert made.kind is StatementKind.UNILATERAL
    assert made.state is StatementState.PUBLISHED
    assert made.party == "ru"
    assert made.approvers == ()
    current = made.current
    with pytest.raises(ConflictError, match="claim is never approved again"):
        approve(made, party="tr", version=1, text_sha256=current.sha256, by="usr_ao_tr", at=AT)
    with pytest.raises(ConflictError, match="claim is never changed"):
        revise(made, statement_text("x", "y"), by="u", party="ru", at=AT)


def test_the_digest_is_sha256_of_the_rfc8785_canonical_json_of_the_text() -> None:
    title = "Émission — \u2018quoted\u2019 </tag>"
    text = statement_text(title, 'Line "one"\n\tTabbed\\ 🙂 \u2028', [], ["b", "a"])
    value = {"title": text.title, "body": text.body, "incidents": [], "provisions": ["a", "b"]}
    assert text.canonical().encode() == rfc8785.dumps(value)
    assert text.sha256 == hashlib.sha256(rfc8785.dumps(value)).hexdigest()


def test_texts_that_read_the_same_have_the_same_digest() -> None:
    one = statement_text(" Title ", "A\r\nB\r\n", ["inc_2", "inc_1"], ["p"])
    two = statement_text("Title", "A\nB", ["inc_1", "inc_2", "inc_1"], ["p"])
    assert one == two
    assert one.sha256 == two.sha256
    assert statement_text("Title", "A\nB!").sha256 != two.sha256


@pytest.mark.parametrize(
    ("title", "body", "incidents", "field"),
    [
        ("", "text", [], "title"),
        ("Two\nlines", "text", [], "title"),
        ("T", "   ", [], "body"),
        ("T", "x" * 20_001, [], "body"),
        ("T", "nul \x00 here", [], "body"),
        ("T", "text", ["rep_1"], "incidents[0]"),
        ("T", "text", "inc_1", "incidents"),
        ("T", 7, [], "body"),
    ],
)
def test_a_bad_text_is_refused_naming_its_field(
    title: object, body: object, incidents: object, field: str
) -> None:
    with pytest.raises(InputError) as refused:
        statement_text(title, body, incidents, [])
    assert refused.value.field == field


def test_a_statement_reads_back_from_its_stored_document_with_every_approval() -> None:
    statement = approved_by(drafted(), "tr")
    sealed = replace(
        statement,
        approvals=(replace(statement.approvals[0], seal=Seal(7, "a2V5", "c2ln")),),
    )
    revised = revise(sealed, statement_text("New", "Body"), by="u", party="ru", at=AT)
    done = publish(approved_by(revised, "tr", "ru"), by="u", party="tr", at=AT)
    assert statement_from_dict(statement_to_dict(done)) == done


def test_a_stored_document_whose_text_was_altered_does_not_read() -> None:
    doc = statement_to_dict(drafted())
    doc["versions"][0]["body"] = "Something else"
    with pytest.raises(InputError, match="does not match the digest"):
        statement_from_dict(doc)
