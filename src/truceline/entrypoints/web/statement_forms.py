"""What the statement forms read, and who is offered which of them.

The forms post plain fields; `text_data` turns them into the text the
statement services take, and `entered` keeps what was typed to show a
refused form again. The `may_*` checks decide which forms and buttons a
page offers; the services check again whatever is posted.
"""

from __future__ import annotations

import re
from typing import Any

from truceline.domain.errors import ConflictError, InputError
from truceline.domain.permissions import Action
from truceline.entrypoints.web import auth
from truceline.entrypoints.web.incident_forms import Fields, problem_of
from truceline.services import statement_claims

_SEPARATORS = re.compile(r"[\s,;]+")


def incident_ids(text: str) -> list[str]:
    """The incident ids typed in one field, separated by spaces, commas or new lines."""
    return [part for part in _SEPARATORS.split(text.strip()) if part]


def text_data(fields: Fields) -> dict[str, Any]:
    """The text of a statement form as the services take it."""
    return {
        "title": fields.values.get("title", ""),
        "body": fields.values.get("body", ""),
        "incidents": incident_ids(fields.values.get("incidents", "")),
        "provisions": list(fields.all("provisions")),
    }


def may_draft(session: auth.WebSession) -> bool:
    party = session.user.party
    return party is not None and session.can(Action.DRAFT_STATEMENT, party)


def may_approve(session: auth.WebSession) -> bool:
    party = session.user.party
    return party is not None and session.can(Action.APPROVE_STATEMENT, party)


def may_publish(session: auth.WebSession) -> bool:
    party = session.user.party
    return party is not None and session.can(Action.PUBLISH_STATEMENT, party)


def may_claim(session: auth.WebSession) -> bool:
    return statement_claims.may_record_claim(session.actor, session.user.party)


def entered(fields: Fields) -> dict[str, Any]:
    """What was typed in a statement form, to show it again as it was."""
    return {
        "title": fields.values.get("title", ""),
        "body": fields.values.get("body", ""),
        "incidents": fields.values.get("incidents", ""),
        "provisions": list(fields.all("provisions")),
    }


def problem(error: InputError | ConflictError | None) -> dict[str, str] | None:
    """A refused form's problem, marking the form field (``incidents`` for ``incidents[2]``)."""
    found = problem_of(error)
    if found is not None:
        found["field"] = found["field"].split("[", 1)[0]
    return found
