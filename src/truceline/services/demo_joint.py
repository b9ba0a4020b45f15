"""The demo's joint work: a statement both sides approved and published, and a disputed score.

Made once, after the demo's field records, through the same services as
anyone's work and signed with the demo users' own keys: Turkey's
information-group member drafts a joint statement on the patrol attack, both
authorized officers approve its exact text and it is published; Russia's
information-group member proposes the week's score for the joint patrols,
which Turkey's authorized officer confirms and Russia's disputes with its
own score. Invented for the demonstration.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from truceline.services import assessments, statements
from truceline.services.demo_incidents import DemoCast
from truceline.services.geography import Geography

INFO = {"tr": "tr-info-group", "ru": "ru-info-group"}
AUTHORIZED = {"tr": "tr-authorized-officer", "ru": "ru-authorized-officer"}


@dataclass(frozen=True, slots=True)
class DemoJoint:
    """What the demo's joint work made."""

    statements: int = 0
    assessments: int = 0


def demo_joint(cast: DemoCast, geography: Geography, attack: str | None, at: datetime) -> DemoJoint:
    """A published joint statement on the patrol attack; a disputed patrol score for its week."""
    names = (*INFO.values(), *AUTHORIZED.values())
    signers = {n: found for n in names if (found := cast.signer(n)) is not None}
    if len(signers) < len(names):
        return DemoJoint()
    agreement = geography.agreement
    drafter = signers[INFO["tr"]]
    text = {
        "title": "Joint statement on the attack on the joint patrol of 14 April 2020",
        "body": (
            "The guarantors condemn the roadside bomb that damaged a vehicle of the joint "
            "patrol near Urum al-Jawz on 14 April 2020.\n\n"
            "Joint patrols along the M4 continue; the next is planned for 28 April."
        ),
        "incidents": [attack] if attack else [],
        "provisions": ["moscow-3-joint-patrols"],
    }
    draft = statements.draft_statement(cast.uow(), *drafter, agreement, text, at)
    for party in ("tr", "ru"):
        approver = signers[AUTHORIZED[party]]
        at += timedelta(minutes=5)
        approval = {"version": draft.current.number, "text_sha256": draft.current.sha256}
        statements.approve_statement(cast.uow(), *approver, agreement, draft.id, approval, at)
    at += timedelta(minutes=5)
    statements.publish_statement(cast.uow(), *drafter, agreement, draft.id, {}, at)
    proposer = signers[INFO["ru"]]
    at += timedelta(minutes=5)
    proposal = {"provision": "moscow-3-joint-patrols", "period": "2020-W16", "note": "demo"}
    score = assessments.propose(cast.uow(), *proposer, geography, proposal, at)
    views: dict[str, dict[str, Any]] = {
        "tr": {"stance": "confirms"},
        "ru": {
            "stance": "disagrees",
            "reason": "The patrol turned back at km 22 because of an attack, not a failure.",
            "score": min(score.score + 1, 3),
        },
    }
    for party, view in views.items():
        officer = signers[AUTHORIZED[party]]
        at += timedelta(minutes=5)
        assessments.respond(cast.uow(), *officer, agreement, score.id, view, at)
    return DemoJoint(statements=1, assessments=1)
