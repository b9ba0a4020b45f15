"""Reading the JSON of restrictions and observations: each reader names the field it refuses.

The codecs of `restriction_records` and `observation_records` read what an
actor states (a command's data, as signed) and what is stored (a record's
``doc``) with these: an object with only known keys, a text of bounded
length, a whole number within JSON's exact range, a number, a time with its
UTC offset. A value that cannot be read raises `InputError(field, reason)`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from truceline.domain.errors import InputError

JsonDict = dict[str, Any]

#: The largest whole number JSON keeps exactly (RFC 8785), so every count can be signed.
MAX_JSON_INT = 2**53 - 1
#: The longest free text of a record (a note, a reason, a consequence).
MAX_TEXT = 4000
#: The longest name (a place, a group, a site, who imposed a restriction).
MAX_NAME = 200
#: The years a time of the field may fall in (far from the calendar's ends, so that
#: local days and periods can always be worked out).
YEARS = (1900, 2999)


def obj(value: object, field: str, allowed: tuple[str, ...]) -> Mapping[str, Any]:
    """An object whose keys are all among `allowed`."""
    if not isinstance(value, Mapping):
        raise InputError(field, "must be an object")
    unknown = sorted(str(k) for k in set(value) - set(allowed))
    if unknown:
        raise InputError(f"{field}.{unknown[0]}" if field else unknown[0], "is not a known field")
    return value


def at(prefix: str, key: str) -> str:
    """The dotted path of `key` under `prefix` (the key alone at the top)."""
    return f"{prefix}.{key}" if prefix else key


def text(data: Mapping[str, Any], key: str, field: str, *, limit: int = MAX_TEXT) -> str:
    """A text, trimmed; "" when absent or null."""
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(at(field, key), "must be a text")
    value = value.strip()
    if len(value) > limit:
        raise InputError(at(field, key), f"at most {limit} characters")
    return value


def optional_int(data: Mapping[str, Any], key: str, field: str) -> int | None:
    """A whole number, or None when absent or null."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(at(field, key), f"must be a whole number, not {value!r}")
    if abs(value) > MAX_JSON_INT:
        raise InputError(at(field, key), f"must be at most {MAX_JSON_INT} (JSON's exact range)")
    return value


def optional_number(data: Mapping[str, Any], key: str, field: str) -> float | None:
    """A finite number, or None when absent or null."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(at(field, key), f"must be a number, not {value!r}")
    if not math.isfinite(value):
        raise InputError(at(field, key), "must be a finite number")
    return float(value)


def parse_time(value: object, field: str) -> datetime:
    """An ISO 8601 time with its UTC offset."""
    if not isinstance(value, str | datetime):
        raise InputError(field, "give a time such as 2020-03-20T10:00:00Z")
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise InputError(field, f"{value!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise InputError(field, "give the time with a UTC offset, such as 2020-03-20T10:00:00Z")
    if not YEARS[0] <= parsed.year <= YEARS[1]:
        raise InputError(field, f"give a time from the years {YEARS[0]} to {YEARS[1]}")
    return parsed


def optional_time(data: Mapping[str, Any], key: str, field: str) -> datetime | None:
    """A time, or None when absent or null."""
    value = data.get(key)
    return None if value is None or value == "" else parse_time(value, at(field, key))


def time_text(value: datetime) -> str:
    """A time as stored and signed: ISO 8601 with its offset."""
    return value.isoformat()


def prefixed(error: InputError, prefix: str) -> InputError:
    """The same error with its field under `prefix`."""
    return InputError(at(prefix, error.field), error.reason)
