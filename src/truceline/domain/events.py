"""Domain events: every change to the record, as the ledger stores it.

An event names what happened, who did it (the actor: a user id, or
``operator`` for the server's own administrative commands), on behalf of
which party, when, and to which record (the subject). The ledger signs and
stores exactly these events, so the audit vocabulary and the domain
vocabulary are one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

OPERATOR = "operator"

#: Every event name, with what it records (one line each).
EVENT_NAMES: dict[str, str] = {
    "agreement.loaded": "An agreement pack was loaded for the first time.",
    "agreement.replaced": "An agreement already loaded was replaced by a changed pack.",
    "user.added": "A user account was created, with its party and role.",
    "user.disabled": "A user account was disabled; it can no longer log in or act.",
    "user.key_registered": "A user's Ed25519 public key was registered for signing entries.",
    "token.created": "An API token was issued to a user, with its scopes (never the token itself).",
    "token.revoked": "An API token was revoked.",
    "incident.reported": "A report was filed and started a new incident.",
    "incident.report_attached": "A new report was filed and joined an existing incident.",
    "incident.merged": "An incident was merged into another; it stays, marked as merged.",
    "incident.split": "Some reports of an incident were moved to a new incident.",
    "incident.position_recorded": "A party recorded a version of its position on an incident.",
    "incident.verdict_recorded": "The monitor recorded a version of its verdict on an incident.",
    "incidents.imported": "A file of ACLED or UCDP rows was imported (its checksum and counts).",
    "duty.started": "An officer took up duty for a party in a zone, or as its authorized officer.",
    "duty.ended": "An officer's duty period ended (without a successor taking over).",
    "duty.handed_over": "A duty passed to a successor: one period ends as the next begins.",
    "hotline.sent": "An officer sent a message to the other side's officer on the hotline.",
    "hotline.acknowledged": "The other side acknowledged a hotline message.",
    "hotline.escalated": "An urgent hotline message went unacknowledged and was escalated.",
    "patrol.planned": "A joint patrol was planned and notice of it given to the other side.",
    "patrol.acknowledged": "The other side acknowledged notice of a joint patrol.",
    "patrol.started": "A joint patrol set out.",
    "patrol.checkpoint_reached": "A joint patrol reached one of its checkpoints.",
    "patrol.track_recorded": "Track points of a joint patrol were uploaded or entered.",
    "patrol.ended": "A joint patrol ended: completed, curtailed at a km post, or aborted.",
    "patrol.incident_linked": "An incident was linked to the joint patrol it happened on.",
    "restriction.recorded": "A patrol or monitor was denied access or delayed, as recorded.",
    "observation.recorded": "An observation bearing on a provision was recorded.",
    "statement.drafted": "A joint statement was drafted: its first version, text and hash.",
    "statement.revised": "A joint statement's text changed: a new version, voiding its approvals.",
    "statement.approved": "A party's authorized officer signed the hash of a statement's text.",
    "statement.published": "A joint statement approved by every guarantor was made public.",
    "statement.claim_recorded": "A party's unilateral statement was recorded as its own claim.",
    "intake.ingested": "A text was read and its incident candidates queued for review.",
    "intake.candidate_edited": "A reviewer corrected what was read in an incident candidate.",
    "intake.candidate_rejected": "A reviewer rejected an incident candidate, with the reason.",
    "source.graded": "An outlet's default Admiralty grade was set in the source registry.",
    "assessment.proposed": "A provision's score for a period was proposed, with its evidence.",
    "assessment.confirmed": "A party's authorized officer confirmed a proposed assessment.",
    "assessment.disputed": "A party's authorized officer disagreed with an assessment, saying why.",
    "checkpoint.published": "The log signed a checkpoint of its current tree head.",
    "witness.cosigned": "A witness cosigned a checkpoint it found consistent with its last one.",
}


@dataclass(frozen=True, slots=True)
class Event:
    """One change: what happened, who did it for which party, when, and to what."""

    name: str
    actor: str
    party: str | None
    time: datetime
    subject: str
    data: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.name not in EVENT_NAMES:
            raise ValueError(f"unknown event name {self.name!r}")
        if self.time.tzinfo is None:
            raise ValueError("an event time needs a time zone")

    def body(self) -> dict[str, Any]:
        """The event as a JSON object: the exact thing that is signed and logged."""
        return {
            "name": self.name,
            "actor": self.actor,
            "party": self.party,
            "time": self.time.astimezone(UTC)
            .isoformat(timespec="microseconds")
            .replace("+00:00", "Z"),
            "subject": self.subject,
            "data": dict(self.data),
        }

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> Event:
        """The event a JSON object describes; ValueError when it is not one."""
        try:
            time = datetime.fromisoformat(str(body["time"]).replace("Z", "+00:00"))
            return cls(
                name=str(body["name"]),
                actor=str(body["actor"]),
                party=None if body["party"] is None else str(body["party"]),
                time=time,
                subject=str(body["subject"]),
                data=dict(body["data"]),
            )
        except (KeyError, TypeError) as error:
            raise ValueError(f"not an event: missing or bad {error}") from None
