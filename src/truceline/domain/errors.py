"""Errors raised by Truceline.

The hierarchy::

    TrucelineError
    ├── PackError            an agreement pack has one or more problems
    ├── GeometryError        a geometry cannot be built or is invalid
    ├── NotFoundError        a named record does not exist
    ├── ConflictError        a write would silently change stored data
    ├── InputError           a user-supplied value is malformed
    ├── PermissionDenied     the actor may not do this
    └── AuthenticationError  who is asking could not be established

Every error names what was wrong and where; entry points turn them into an
HTTP 4xx with the field and reason, or a CLI exit code 2 with file:line.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: where it is and why it is wrong."""

    file: str
    location: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.location}" if self.location else self.file
        return f"{where}: {self.reason}"


class TrucelineError(Exception):
    """Base class of every error Truceline raises on purpose."""


class PackError(TrucelineError):
    """An agreement pack has one or more problems; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"the agreement pack has {len(self.problems)} problem(s):\n{lines}")


class GeometryError(TrucelineError):
    """A geometry cannot be built or is invalid."""


class NotFoundError(TrucelineError):
    """A named record does not exist."""


class ConflictError(TrucelineError):
    """A write would silently change stored data."""


class InputError(TrucelineError):
    """A user-supplied value is malformed; `field` names it."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


class PermissionDenied(TrucelineError):
    """The actor may not do this; the message names the role, the action and the scope."""


class AuthenticationError(TrucelineError):
    """Who is asking could not be established: bad credentials, or a locked or disabled account."""
