"""Implementation assessments: suggest a score, propose it, and each guarantor's view of it.

`suggest` reads the period's evidence (``services.assessment_evidence``) and
applies the provision's rule. `propose` (an information-group member or the
monitor, for their own party) records the suggestion, with its evidence as
it stands, as a field record of kind ``assessment``; a proposal for a
provision and period already assessed is the next version and supersedes
the current one, which is kept. `respond` is a guarantor's authorized
officer confirming it or disagreeing with a reason and their own score.

Each command appends one ledger entry whose data is exactly the command's
data in its normal form (the suggestion with its evidence included, so the
proposer signs what they saw), stores the change and keeps it as a step
tied to that entry, in one transaction. After the entry is appended (which
serialises writers) the stored state is read again: a proposal or a view
that raced another is refused rather than applied to what it did not see.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from truceline.domain import assessment_records as rules
from truceline.domain.accounts import Actor
from truceline.domain.agreements import Agreement, Provision
from truceline.domain.assessment_periods import Period
from truceline.domain.assessment_records import (
    Assessment,
    Stance,
    assessment_from_dict,
    assessment_to_dict,
    new_assessment_id,
    suggestion_to_dict,
)
from truceline.domain.assessments import Suggestion
from truceline.domain.checks import member
from truceline.domain.errors import ConflictError, InputError, NotFoundError
from truceline.domain.events import Event
from truceline.domain.field_codec import MAX_TEXT, obj, optional_int, text
from truceline.domain.permissions import Action, authorize
from truceline.services.assessment_evidence import period_instants, suggestion_for
from truceline.services.authorship import Signing
from truceline.services.field_store import FieldFilter, FieldKind, FieldRecord, FieldStep
from truceline.services.geography import Geography
from truceline.services.incidents import Now, active_actor
from truceline.services.ledger import utc_now
from truceline.services.positions import guarantors
from truceline.services.unit_of_work import UnitOfWork

PROPOSAL_KEYS = (
    "id",
    "provision",
    "period",
    "score",
    "note",
    "version",
    "supersedes",
    "suggestion",
)
RESPONSE_KEYS = ("assessment", "stance", "reason", "score")


def provision_of(agreement: Agreement, provision_id: object, field: str = "provision") -> Provision:
    """A provision of the agreement; InputError naming `field` otherwise."""
    for provision in agreement.provisions:
        if provision.id == provision_id:
            return provision
    known = ", ".join(p.id for p in agreement.provisions)
    raise InputError(field, f"{provision_id!r} is not a provision of the agreement ({known})")


def local_today(agreement: Agreement, at: datetime) -> date:
    """The agreement's local day at `at`."""
    return at.astimezone(ZoneInfo(agreement.timezone)).date()


def check_period(geo: Geography, provision: Provision, period: Period, today: date) -> None:
    """Refuse a period that ends before the provision takes effect, or has not begun."""
    _, end = period_instants(geo, period)
    if end <= provision.effective:
        effective = provision.effective.astimezone(ZoneInfo(geo.agreement.timezone))
        raise InputError(
            "period",
            f"{period} ends before {provision.id} takes effect ({effective:%Y-%m-%d %H:%M} local)",
        )
    if period.start > today:
        raise InputError("period", f"{period} has not begun (today is {today})")


def suggest(
    uow: UnitOfWork,
    geography: Geography,
    provision_id: str,
    period: Period,
    *,
    today: date | None = None,
) -> Suggestion:
    """What the provision's rule suggests for the period, with the evidence it counted."""
    provision = provision_of(geography.agreement, provision_id)
    if provision.assessed_by is None:
        raise InputError(
            "provision", f"{provision.id} declares no assessed_by rule: its score is given by hand"
        )
    check_period(geography, provision, period, today or period.start)
    with uow:
        return suggestion_for(uow, geography, provision, period)


# --- storing ---------------------------------------------------------------------------------


def stored_assessment(
    uow: UnitOfWork, agreement_id: str, assessment_id: str
) -> tuple[FieldRecord, Assessment]:
    """An assessment of the agreement as stored; NotFoundError otherwise."""
    record = uow.field.get(assessment_id)
    if (
        record is None
        or record.kind is not FieldKind.ASSESSMENT
        or record.agreement_id != agreement_id
    ):
        raise NotFoundError(f"no assessment {assessment_id!r} in agreement {agreement_id!r}")
    return record, assessment_from_dict(record.doc)


def versions_of(
    uow: UnitOfWork, agreement_id: str, provision_id: str, period: Period
) -> list[tuple[FieldRecord, Assessment]]:
    """Every proposal for the provision and period, oldest version first."""
    where = FieldFilter(
        agreement_id, FieldKind.ASSESSMENT, day_from=period.start, day_to=period.start
    )
    found = []
    for record in uow.field.find(where):
        assessment = assessment_from_dict(record.doc)
        if assessment.provision == provision_id and assessment.period == period:
            found.append((record, assessment))
    return sorted(found, key=lambda pair: pair[1].version)


def _record(
    agreement_id: str, assessment: Assessment, at: datetime, old: FieldRecord | None = None
) -> FieldRecord:
    doc = assessment_to_dict(assessment)
    state = str(assessment.state)
    if old is not None:
        return FieldRecord(
            id=old.id,
            agreement_id=old.agreement_id,
            kind=old.kind,
            day=old.day,
            state=state,
            doc=doc,
            created_at=old.created_at,
            updated_at=max(old.updated_at, at),
            number=old.number,
            zone=old.zone,
            party=old.party,
        )
    return FieldRecord(
        id=assessment.id,
        agreement_id=agreement_id,
        kind=FieldKind.ASSESSMENT,
        day=assessment.period.start,
        state=state,
        doc=doc,
        created_at=at,
        updated_at=at,
        number=assessment.number,
        party=assessment.party,
    )


def _step(record_id: str, action: str, event: Event, seq: int | None) -> FieldStep:
    return FieldStep(
        record_id=record_id,
        action=action,
        at=event.time,
        actor=event.actor,
        party=event.party,
        data=dict(event.data),
        ledger_seq=seq,
    )


# --- proposing -------------------------------------------------------------------------------


def propose(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    geography: Geography,
    data: Mapping[str, Any],
    at: datetime,
    *,
    now: Now = utc_now,
) -> Assessment:
    """Propose a provision's score for a period: ``data`` is {provision, period (2020-W12 or
    2020-03), score (the suggestion's when left out), note}, optionally id.

    The event also carries the ``suggestion`` (with its evidence), the
    ``version`` and what it ``supersedes``; a command that names them (a
    signed event sent back) must name what the server finds now.
    """
    agreement = geography.agreement
    data = dict(obj(data, "", PROPOSAL_KEYS))
    if not data.get("id"):
        data["id"] = new_assessment_id()
    provision = provision_of(agreement, data.get("provision"))
    period = Period.parse(data.get("period"))
    note = text(data, "note", "", limit=MAX_TEXT)
    with uow:
        actor = active_actor(uow, actor)
        authorize(actor, Action.PROPOSE_ASSESSMENT, actor.party)
        check_period(geography, provision, period, local_today(agreement, at))
        suggestion = None
        if provision.assessed_by is not None:
            suggestion = suggestion_for(uow, geography, provision, period)
        stated = None if suggestion is None else suggestion_to_dict(suggestion)
        if "suggestion" in data and data["suggestion"] != stated:
            raise InputError(
                "suggestion", "the evidence changed since this was prepared: prepare it again"
            )
        score = optional_int(data, "score", "")
        if score is None:
            if suggestion is None:
                raise InputError("score", f"{provision.id} has no rule: give the score")
            score = suggestion.score
        versions = versions_of(uow, agreement.id, provision.id, period)
        version = versions[-1][1].version + 1 if versions else 1
        current = rules.current_of(a for _, a in versions)
        supersedes = None if current is None else current.id
        _expect(data, "version", version, f"version {version} is the next for {period}")
        _expect(data, "supersedes", supersedes, f"the current proposal is {supersedes}")
        assessment_id = str(data["id"])
        if uow.field.get(assessment_id) is not None:
            raise ConflictError(f"a record {assessment_id!r} already exists")

        def make(number: int) -> Assessment:
            return rules.propose(
                assessment_id,
                number,
                provision.id,
                period,
                version=version,
                score=score,
                suggestion=suggestion,
                note=note,
                by=actor.user_id,
                party=actor.party,
                at=at,
                responders=guarantors(agreement),
                supersedes=supersedes,
            )

        make(0)  # every rule checked before anything is logged
        event_data = {
            "id": assessment_id,
            "provision": provision.id,
            "period": period.label,
            "score": score,
            "note": note,
            "version": version,
            "supersedes": supersedes,
            "suggestion": stated,
        }
        event = Event(
            "assessment.proposed", actor.user_id, actor.party, at, assessment_id, event_data
        )
        seq = signing.append(uow, event, now)
        again = versions_of(uow, agreement.id, provision.id, period)
        if [a.id for _, a in again] != [a.id for _, a in versions]:
            raise ConflictError(
                f"another proposal for {provision.id} {period} came first: prepare again"
            )
        assessment = make(uow.field.next_number(agreement.id, FieldKind.ASSESSMENT))
        uow.field.insert(_record(agreement.id, assessment, at))
        uow.field.add_step(_step(assessment_id, "proposed", event, seq))
        for record, old in again:
            if old.id == supersedes:
                uow.field.update(
                    _record(agreement.id, rules.supersede(old, assessment_id), at, record)
                )
                uow.field.add_step(_step(old.id, "superseded", event, seq))
        if signing.writes:
            uow.commit()
        return assessment


def _expect(data: Mapping[str, Any], key: str, found: object, why: str) -> None:
    """A signed command that names `key` must name what the server finds now."""
    if key in data and data[key] != found:
        raise ConflictError(f"{key}: {data[key]!r} is stale ({why}): prepare again")


# --- a guarantor's view ----------------------------------------------------------------------


def respond(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    agreement: Agreement,
    assessment_id: str,
    data: Mapping[str, Any],
    at: datetime,
    *,
    now: Now = utc_now,
) -> Assessment:
    """The actor's party confirms or disagrees: ``data`` is {stance (confirms | disagrees),
    reason (required to disagree), score (the party's own, required to disagree)}."""
    data = obj(data, "", RESPONSE_KEYS)
    named = data.get("assessment")
    if named is not None and named != assessment_id:
        raise InputError("assessment", f"names {named!r}, not the assessment {assessment_id!r}")
    stance = member(Stance, data.get("stance"), "stance")
    reason = text(data, "reason", "", limit=MAX_TEXT)
    score = optional_int(data, "score", "")
    party = actor.party or ""
    event_data: dict[str, Any] = {
        "assessment": assessment_id,
        "stance": str(stance),
        "reason": reason,
        "score": score,
    }

    def change(assessment: Assessment, seq: int | None) -> Assessment:
        return rules.respond(
            assessment,
            party=party,
            stance=stance,
            reason=reason,
            score=score,
            by=actor.user_id,
            at=at,
            ledger_seq=seq,
        )

    name = "assessment.confirmed" if stance is Stance.CONFIRMS else "assessment.disputed"
    with uow:
        actor = active_actor(uow, actor)
        authorize(actor, Action.CONFIRM_ASSESSMENT, actor.party)
        _, assessment = stored_assessment(uow, agreement.id, assessment_id)
        change(assessment, None)
        event = Event(name, actor.user_id, actor.party, at, assessment_id, event_data)
        seq = signing.append(uow, event, now)
        record, assessment = stored_assessment(uow, agreement.id, assessment_id)
        changed = change(assessment, seq)
        uow.field.update(_record(agreement.id, changed, at, record))
        uow.field.add_step(_step(assessment_id, name.removeprefix("assessment."), event, seq))
        if signing.writes:
            uow.commit()
        return changed
