"""Hotline messages and hotline commands as JSON-ready dicts, and back.

The stored document of a message, and the data of the ledger's
``hotline.*`` events (what the actor signed). Reading a dict runs every
check, so a bad value raises `InputError` naming its field; unknown keys are
refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from truceline.domain.checks import INCIDENT_ID, check_id
from truceline.domain.hotline import MAX_BODY, MAX_SUBJECT, MESSAGE_ID, Message
from truceline.domain.roster import MAX_NOTE
from truceline.domain.roster_records import (
    fields_of,
    flag_of,
    optional_text,
    parse_time,
    text_of,
    time_text,
)

JsonDict = dict[str, Any]

SEND_FIELDS = (
    "id",
    "to_party",
    "to_user",
    "zone",
    "subject",
    "body",
    "urgent",
    "incident_id",
    "patrol_id",
)
ACK_FIELDS = ("note",)
_MESSAGE_FIELDS = (
    "id",
    "number",
    "from_user",
    "from_party",
    "to_party",
    "to_user",
    "zone",
    "sent_at",
    "subject",
    "body",
    "urgent",
    "incident_id",
    "patrol_id",
    "acknowledged_at",
    "acknowledged_by",
    "acknowledge_note",
    "escalated_at",
    "escalated_to",
)


def message_to_dict(message: Message) -> JsonDict:
    """A message as stored: every field, times in UTC."""
    return {
        "id": message.id,
        "number": message.number,
        "from_user": message.from_user,
        "from_party": message.from_party,
        "to_party": message.to_party,
        "to_user": message.to_user,
        "zone": message.zone,
        "sent_at": time_text(message.sent_at),
        "subject": message.subject,
        "body": message.body,
        "urgent": message.urgent,
        "incident_id": message.incident_id,
        "patrol_id": message.patrol_id,
        "acknowledged_at": _time_or_none(message.acknowledged_at),
        "acknowledged_by": message.acknowledged_by,
        "acknowledge_note": message.acknowledge_note,
        "escalated_at": _time_or_none(message.escalated_at),
        "escalated_to": message.escalated_to,
    }


def _time_or_none(value: datetime | None) -> str | None:
    return None if value is None else time_text(value)


def message_from_dict(value: object) -> Message:
    """The message a stored dict describes."""
    data = fields_of(value, "message", _MESSAGE_FIELDS)
    acknowledged_at, escalated_at = (
        None if data.get(key) is None else parse_time(data[key], key)
        for key in ("acknowledged_at", "escalated_at")
    )
    return Message(
        id=str(data["id"]),
        number=int(data["number"]),
        from_user=str(data["from_user"]),
        from_party=str(data["from_party"]),
        to_party=str(data["to_party"]),
        to_user=data.get("to_user"),
        zone=data.get("zone"),
        sent_at=parse_time(data.get("sent_at"), "sent_at"),
        subject=str(data["subject"]),
        body=str(data.get("body") or ""),
        urgent=bool(data.get("urgent")),
        incident_id=data.get("incident_id"),
        patrol_id=data.get("patrol_id"),
        acknowledged_at=acknowledged_at,
        acknowledged_by=data.get("acknowledged_by"),
        acknowledge_note=str(data.get("acknowledge_note") or ""),
        escalated_at=escalated_at,
        escalated_to=data.get("escalated_to"),
    )


@dataclass(frozen=True, slots=True)
class Sending:
    """Send a message to the other side: what the sender states.

    `to_party` may be left out when there is only one other guarantor;
    `to_user` (a username or user id) when the roster names the other side's
    officer on duty in `zone`; `zone` when the sender is on duty in exactly
    one zone.
    """

    id: str
    to_party: str | None
    to_user: str | None
    zone: str | None
    subject: str
    body: str
    urgent: bool
    incident_id: str | None
    patrol_id: str | None


def sending_from_dict(value: object) -> Sending:
    """The sending a command's data describes; InputError names the bad field."""
    data = fields_of(value, "", SEND_FIELDS)
    message_id = text_of(data, "id", limit=96)
    if message_id:
        check_id(message_id, MESSAGE_ID, "id")
    incident_id = optional_text(data, "incident_id", limit=96)
    if incident_id is not None:
        check_id(incident_id, INCIDENT_ID, "incident_id")
    return Sending(
        id=message_id,
        to_party=optional_text(data, "to_party", limit=64),
        to_user=optional_text(data, "to_user", limit=96),
        zone=optional_text(data, "zone", limit=64),
        subject=text_of(data, "subject", required=True, limit=MAX_SUBJECT),
        body=text_of(data, "body", limit=MAX_BODY),
        urgent=flag_of(data, "urgent"),
        incident_id=incident_id,
        patrol_id=optional_text(data, "patrol_id", limit=96),
    )


def sending_to_dict(message: Message) -> JsonDict:
    """The normal form of the sending that made `message`: what the sender signs."""
    return {
        "id": message.id,
        "to_party": message.to_party,
        "to_user": message.to_user,
        "zone": message.zone,
        "subject": message.subject,
        "body": message.body,
        "urgent": message.urgent,
        "incident_id": message.incident_id,
        "patrol_id": message.patrol_id,
    }


def ack_note_from_dict(value: object) -> str:
    """The note of an acknowledgement command (``{"note": ...}``, both optional)."""
    return text_of(fields_of(value, "", ACK_FIELDS), "note", limit=MAX_NOTE)
