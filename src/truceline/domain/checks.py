"""Field checks shared by the incident model: each failure is an `InputError(field, reason)`."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TypeVar

from truceline.domain.errors import InputError

INCIDENT_ID = re.compile(r"inc_[A-Za-z0-9][A-Za-z0-9._-]*")
REPORT_ID = re.compile(r"rep_[A-Za-z0-9][A-Za-z0-9._-]*")
#: The longest id the database keeps.
MAX_ID_LENGTH = 96
_E = TypeVar("_E", bound=StrEnum)


def check(ok: bool, field_name: str, reason: str) -> None:
    """Raise `InputError(field_name, reason)` unless `ok`."""
    if not ok:
        raise InputError(field_name, reason)


def check_count(value: int | None, field_name: str) -> None:
    """None, or a whole number of at least 0."""
    if value is not None:
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        check(ok, field_name, f"must be a whole number of at least 0, not {value!r}")


def check_id(value: str, pattern: re.Pattern[str], field_name: str) -> None:
    """An id of the pattern's form, such as ``inc_…`` or ``rep_…``."""
    ok = isinstance(value, str) and pattern.fullmatch(value) is not None
    check(ok, field_name, f"{value!r} is not a valid id ({pattern.pattern})")
    check(len(value) <= MAX_ID_LENGTH, field_name, f"at most {MAX_ID_LENGTH} characters")


def check_names(names: tuple[str, ...], field_name: str) -> None:
    """Names that are non-empty, trimmed, free of ';' and newlines, and not repeated."""
    for name in names:
        ok = bool(name.strip()) and name == name.strip() and not set(name) & set(";\n\r")
        check(ok, field_name, f"{name!r}: names are non-empty, trimmed, without ';' or newlines")
    check(len(set(names)) == len(names), field_name, "a name is repeated")


def member(enum: type[_E], value: object, field_name: str) -> _E:
    """The enum member whose value is `value`."""
    try:
        return enum(str(value))
    except ValueError:
        raise InputError(field_name, f"{value!r} is not one of {[str(m) for m in enum]}") from None
