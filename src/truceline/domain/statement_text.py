"""The text of a statement's version, and its digest: what approvers sign.

A version states a title, a Markdown body and the incidents and provisions
it is about. `statement_text` checks and normalises them, so that two texts
that read the same have one digest; `StatementText.sha256` is that digest,
over the text's canonical JSON (see docs/statements.md).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from truceline.domain.checks import INCIDENT_ID, MAX_ID_LENGTH, check, check_id
from truceline.domain.errors import InputError

SHA256_HEX = re.compile(r"[0-9a-f]{64}")
#: The longest title, and the longest Markdown body, in characters.
MAX_TITLE = 200
MAX_BODY = 20_000
#: The most incidents, and the most provisions, one statement may name.
MAX_LINKS = 100


def check_sha256(value: object, field_name: str) -> str:
    """A SHA-256 digest as 64 lowercase hexadecimal digits."""
    ok = isinstance(value, str) and SHA256_HEX.fullmatch(value) is not None
    check(ok, field_name, f"must be a SHA-256 digest in 64 lowercase hex digits, not {value!r}")
    assert isinstance(value, str)
    return value


@dataclass(frozen=True, slots=True)
class StatementText:
    """What a version states: a title, a Markdown body, the incidents and provisions it names.

    Build one with `statement_text`, which normalises and checks it, so that
    two texts that read the same have the same digest.
    """

    title: str
    body: str
    incidents: tuple[str, ...] = ()
    provisions: tuple[str, ...] = ()

    def canonical(self) -> str:
        """The text as canonical JSON: what `sha256` digests.

        An object with exactly the keys ``body``, ``incidents``, ``provisions``
        and ``title``, in that (sorted) order, no whitespace between tokens,
        non-ASCII characters as themselves, the links as sorted lists of ids.
        For values of this shape (strings and lists of strings) this is RFC
        8785's canonical JSON, so any JCS library gives the same bytes.
        """
        value = {
            "body": self.body,
            "incidents": list(self.incidents),
            "provisions": list(self.provisions),
            "title": self.title,
        }
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @property
    def sha256(self) -> str:
        """The SHA-256 of the canonical JSON's UTF-8 bytes, in lowercase hex."""
        return hashlib.sha256(self.canonical().encode("utf-8")).hexdigest()


def _plain_text(value: object, field_name: str, limit: int, *, lines: bool) -> str:
    check(isinstance(value, str), field_name, f"must be text, not {type(value).__name__}")
    assert isinstance(value, str)
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    check(bool(text), field_name, "must not be empty")
    check(len(text) <= limit, field_name, f"at most {limit} characters, not {len(text)}")
    allowed = "\n\t" if lines else ""
    bad = sorted({c for c in text if (ord(c) < 32 and c not in allowed) or ord(c) == 127})
    check(not bad, field_name, f"holds control characters {[hex(ord(c)) for c in bad]}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(field_name, "is not valid Unicode (a lone surrogate)") from None
    return text


def _ids(value: object, field_name: str) -> tuple[str, ...]:
    check(
        isinstance(value, list | tuple),
        field_name,
        f"must be a list of ids, not {type(value).__name__}",
    )
    assert isinstance(value, list | tuple)
    check(len(value) <= MAX_LINKS, field_name, f"at most {MAX_LINKS} ids")
    for index, item in enumerate(value):
        ok = isinstance(item, str) and item == item.strip() and 0 < len(item) <= MAX_ID_LENGTH
        check(ok, f"{field_name}[{index}]", f"{item!r} is not an id")
    return tuple(sorted(set(value)))


def statement_text(
    title: object, body: object, incidents: object = (), provisions: object = ()
) -> StatementText:
    """The checked, normalised text of a version.

    The title is one line; the body's line ends become ``\\n``; both lose
    leading and trailing white space. Links are sorted and each named once,
    since their order says nothing. Whether the incidents and provisions
    exist is for the caller to check against the agreement.
    """
    text = StatementText(
        title=_plain_text(title, "title", MAX_TITLE, lines=False),
        body=_plain_text(body, "body", MAX_BODY, lines=True),
        incidents=_ids(incidents, "incidents"),
        provisions=_ids(provisions, "provisions"),
    )
    for index, incident_id in enumerate(text.incidents):
        check_id(incident_id, INCIDENT_ID, f"incidents[{index}]")
    return text
