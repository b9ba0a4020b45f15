"""Statements as JSON-ready dicts, and back: the commands' data and the stored documents.

One reader serves what an actor sends (a command's data, as signed) and one
serves what is stored (a field record's ``doc``). Each refuses unknown keys
and bad values with `InputError` naming the field, so a typo is never
silently dropped and a stored document that does not read is never trusted:
the digest of every stored version is computed again and must match.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from truceline.domain.checks import check, member
from truceline.domain.errors import InputError
from truceline.domain.statement_text import StatementText, check_sha256, statement_text
from truceline.domain.statements import (
    Approval,
    Publication,
    Seal,
    Statement,
    StatementKind,
    Version,
)

JsonDict = dict[str, Any]

#: The keys of a text in a command: what a version states.
TEXT_KEYS = ("title", "body", "incidents", "provisions")


def keys(value: object, field: str, allowed: tuple[str, ...]) -> Mapping[str, Any]:
    """An object whose keys are all among `allowed`."""
    check(isinstance(value, Mapping), field or "data", "must be an object")
    assert isinstance(value, Mapping)
    unknown = sorted(str(k) for k in value if k not in allowed)
    if unknown:
        where = f"{field}.{unknown[0]}" if field else unknown[0]
        raise InputError(where, f"is not a known field (known: {', '.join(allowed)})")
    return value


def whole(value: object, field: str, *, least: int = 1) -> int:
    """A whole number of at least `least` (never a bool)."""
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= least
    check(ok, field, f"must be a whole number of at least {least}, not {value!r}")
    assert isinstance(value, int)
    return value


def optional_whole(value: object, field: str) -> int | None:
    return None if value is None else whole(value, field)


def optional_sha256(value: object, field: str) -> str | None:
    return None if value is None else check_sha256(value, field)


def text_from(data: Mapping[str, Any]) -> StatementText:
    """The text a command states: title, body and (optionally) incidents and provisions."""
    for required in ("title", "body"):
        if required not in data:
            raise InputError(required, "is required")
    return statement_text(
        data["title"], data["body"], data.get("incidents", []), data.get("provisions", [])
    )


def text_to_dict(text: StatementText) -> JsonDict:
    return {
        "title": text.title,
        "body": text.body,
        "incidents": list(text.incidents),
        "provisions": list(text.provisions),
    }


def check_stated_sha256(data: Mapping[str, Any], text: StatementText) -> None:
    """When the command names the text's digest, it must be the digest of what it states."""
    stated = optional_sha256(data.get("text_sha256"), "text_sha256")
    if stated is not None and stated != text.sha256:
        raise InputError("text_sha256", f"is not the digest of this text ({text.sha256})")


# --- stored documents ----------------------------------------------------------------------


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _read_time(value: object, field: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise InputError(field, f"{value!r} is not an ISO 8601 time") from None
    check(parsed.tzinfo is not None, field, "needs a UTC offset")
    return parsed


def _version_to_dict(version: Version) -> JsonDict:
    return {
        "number": version.number,
        **text_to_dict(version.text),
        "text_sha256": version.sha256,
        "author": version.author,
        "party": version.party,
        "at": _time(version.at),
    }


def _version_from(data: object, field: str) -> Version:
    doc = keys(data, field, ("number", *TEXT_KEYS, "text_sha256", "author", "party", "at"))
    version = Version(
        number=whole(doc.get("number"), f"{field}.number"),
        text=text_from(doc),
        author=str(doc.get("author", "")),
        party=None if doc.get("party") is None else str(doc["party"]),
        at=_read_time(doc.get("at"), f"{field}.at"),
    )
    if doc.get("text_sha256") != version.sha256:
        raise InputError(f"{field}.text_sha256", "does not match the digest of the stored text")
    return version


def _approval_to_dict(approval: Approval) -> JsonDict:
    seal = approval.seal
    return {
        "party": approval.party,
        "version": approval.version,
        "text_sha256": approval.text_sha256,
        "approver": approval.approver,
        "at": _time(approval.at),
        "ledger_seq": None if seal is None else seal.ledger_seq,
        "public_key": None if seal is None else seal.public_key,
        "signature": None if seal is None else seal.signature,
        "voided_by": approval.voided_by,
        "voided_at": _time(approval.voided_at),
    }


_APPROVAL_KEYS = (
    "party",
    "version",
    "text_sha256",
    "approver",
    "at",
    "ledger_seq",
    "public_key",
    "signature",
    "voided_by",
    "voided_at",
)


def _approval_from(data: object, field: str) -> Approval:
    doc = keys(data, field, _APPROVAL_KEYS)
    seq = doc.get("ledger_seq")
    seal = None
    if seq is not None:
        seal = Seal(
            whole(seq, f"{field}.ledger_seq", least=0),
            str(doc.get("public_key", "")),
            str(doc.get("signature", "")),
        )
    voided_at = doc.get("voided_at")
    return Approval(
        party=str(doc.get("party", "")),
        version=whole(doc.get("version"), f"{field}.version"),
        text_sha256=check_sha256(doc.get("text_sha256"), f"{field}.text_sha256"),
        approver=str(doc.get("approver", "")),
        at=_read_time(doc.get("at"), f"{field}.at"),
        seal=seal,
        voided_by=optional_whole(doc.get("voided_by"), f"{field}.voided_by"),
        voided_at=None if voided_at is None else _read_time(voided_at, f"{field}.voided_at"),
    )


def _publication_to_dict(publication: Publication | None) -> JsonDict | None:
    if publication is None:
        return None
    return {
        "at": _time(publication.at),
        "by": publication.by,
        "party": publication.party,
        "version": publication.version,
        "text_sha256": publication.text_sha256,
    }


def _publication_from(data: object, field: str) -> Publication | None:
    if data is None:
        return None
    doc = keys(data, field, ("at", "by", "party", "version", "text_sha256"))
    return Publication(
        at=_read_time(doc.get("at"), f"{field}.at"),
        by=str(doc.get("by", "")),
        party=None if doc.get("party") is None else str(doc["party"]),
        version=whole(doc.get("version"), f"{field}.version"),
        text_sha256=check_sha256(doc.get("text_sha256"), f"{field}.text_sha256"),
    )


_STATEMENT_KEYS = (
    "id",
    "number",
    "kind",
    "party",
    "approvers",
    "versions",
    "approvals",
    "publication",
    "created_at",
)


def statement_to_dict(statement: Statement) -> JsonDict:
    """The stored document of a statement: every version, approval and the publication."""
    return {
        "id": statement.id,
        "number": statement.number,
        "kind": str(statement.kind),
        "party": statement.party,
        "approvers": list(statement.approvers),
        "versions": [_version_to_dict(v) for v in statement.versions],
        "approvals": [_approval_to_dict(a) for a in statement.approvals],
        "publication": _publication_to_dict(statement.publication),
        "created_at": _time(statement.created_at),
    }


def statement_from_dict(data: object) -> Statement:
    """The statement a stored document describes; InputError naming what does not read."""
    doc = keys(data, "", _STATEMENT_KEYS)
    versions = doc.get("versions")
    approvals = doc.get("approvals", [])
    check(isinstance(versions, list) and bool(versions), "versions", "must be a non-empty list")
    check(isinstance(approvals, list), "approvals", "must be a list")
    assert isinstance(versions, list)
    assert isinstance(approvals, list)
    read = tuple(_version_from(v, f"versions[{i}]") for i, v in enumerate(versions))
    numbers = [v.number for v in read]
    check(numbers == list(range(1, len(read) + 1)), "versions", "must be numbered 1, 2, 3 …")
    created = doc.get("created_at")
    return Statement(
        id=str(doc.get("id", "")),
        number=whole(doc.get("number"), "number"),
        kind=member(StatementKind, doc.get("kind"), "kind"),
        party=None if doc.get("party") is None else str(doc["party"]),
        approvers=tuple(str(p) for p in doc.get("approvers") or ()),
        versions=read,
        approvals=tuple(_approval_from(a, f"approvals[{i}]") for i, a in enumerate(approvals)),
        publication=_publication_from(doc.get("publication"), "publication"),
        created_at=None if created is None else _read_time(created, "created_at"),
    )
