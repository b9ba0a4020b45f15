"""The demo's work in the field, made by the demo officers: the roster, the hotline, patrols.

Made once, after the demo incidents, through the same services as anyone's
work and signed with the demo users' own keys: each side's authorized
officer on duty and its zone officer on duty in every zone of
responsibility; an urgent hotline message about the patrol attack,
acknowledged, and a routine one still awaiting acknowledgement; a completed
patrol with its track, a curtailed one on which the demo's patrol attack
happened (and is linked), and one planned and still awaiting the other
side's acknowledgement; a delay of that patrol, and observations of heavy
weapons, an armed group and the road closed. All invented for the demonstration; the zones and
the route are the agreement's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from truceline.domain.accounts import Actor
from truceline.domain.agreements import Agreement
from truceline.domain.patrols import TrackPoint
from truceline.services import hotline, observations, patrols, restrictions, roster
from truceline.services.authorship import ServerSigned
from truceline.services.demo_incidents import DemoCast
from truceline.services.geography import Geography
from truceline.services.patrol_geometry import planned_segment

TR, RU = "tr-zone-officer", "ru-zone-officer"
#: A demo user acting, with their key opened.
Signer = tuple[Actor, ServerSigned]
AUTHORIZED = {"tr": "tr-authorized-officer", "ru": "ru-authorized-officer"}


@dataclass(frozen=True, slots=True)
class DemoField:
    """How many demo records of each kind were made."""

    duties: int = 0
    messages: int = 0
    patrols: int = 0
    restrictions: int = 0
    observations: int = 0
    attack: str | None = None
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class _Patrol:
    day: str
    from_km: float
    to_km: float
    checkpoints: tuple[float, ...]
    acknowledged: bool
    run_to_km: float | None
    outcome: str | None
    reason: str
    links_attack: bool


_PATROLS = (
    _Patrol("2020-04-07", 0, 24, (8, 16), True, 24, "completed", "", False),
    _Patrol(
        "2020-04-14",
        0,
        40,
        (10, 20, 30),
        True,
        22,
        "curtailed",
        "A roadside bomb damaged a vehicle; the patrol turned back at Urum al-Jawz.",
        True,
    ),
    _Patrol("2020-04-28", 0, 30, (15,), False, None, None, "", False),
)


def _contingents() -> list[dict[str, Any]]:
    return [
        {"party": "tr", "units": ["Mechanised infantry company"], "vehicles": 4},
        {"party": "ru", "units": ["Military police platoon"], "vehicles": 3},
    ]


def demo_field(cast: DemoCast, geography: Geography, incidents: Sequence[str]) -> DemoField:
    """Plan and run the demo patrols; link the demo's patrol attack to the one it hit."""
    tr, ru = cast.signer(TR), cast.signer(RU)
    agreement = geography.agreement
    route = agreement.mechanism.patrol_route
    if tr is None or ru is None or route is None:
        return DemoField()
    at = cast.now - timedelta(hours=3)
    duties = _roster(cast, agreement, at)
    with cast.uow() as uow:
        attack = next(
            (
                i
                for i in incidents
                if (record := uow.incidents.get(i)) is not None
                and record.incident.monitoring == "patrol_attack"
            ),
            None,
        )
    at = cast.now - timedelta(hours=2)
    made = 0
    patrol_ids: list[str] = []
    for scene in _PATROLS:
        at += timedelta(minutes=10)
        data = {
            "day": scene.day,
            "start_time": "08:00",
            "from_km": scene.from_km,
            "to_km": scene.to_km,
            "contingents": _contingents(),
            "checkpoints": list(scene.checkpoints),
        }
        patrol = patrols.plan_patrol(cast.uow(), *tr, agreement, data, at)
        patrol_ids.append(patrol.id)
        made += 1
        if not scene.acknowledged:
            continue
        at += timedelta(minutes=1)
        patrols.acknowledge_patrol(cast.uow(), *ru, agreement, patrol.id, at)
        if scene.run_to_km is None:
            continue
        at += timedelta(minutes=1)
        patrols.start_patrol(cast.uow(), *tr, agreement, patrol.id, at)
        for km in scene.checkpoints:
            if km <= scene.run_to_km:
                at += timedelta(minutes=1)
                patrols.reach_checkpoint(cast.uow(), *ru, agreement, patrol.id, km, at)
        line = planned_segment(geography, route, scene.from_km, scene.run_to_km)
        track = [TrackPoint(float(x), float(y)) for x, y, *_ in line.coords]
        at += timedelta(minutes=1)
        patrols.record_track(cast.uow(), *tr, agreement, patrol.id, track, at)
        if scene.links_attack and attack is not None:
            at += timedelta(minutes=1)
            patrols.link_incident(cast.uow(), *tr, agreement, patrol.id, attack, at)
        end: dict[str, Any] = {"outcome": scene.outcome, "reason": scene.reason}
        if scene.outcome == "curtailed":
            end["at_km"] = scene.run_to_km
        at += timedelta(minutes=1)
        patrols.end_patrol(cast.uow(), *tr, agreement, patrol.id, end, at)
    messages = _hotline(cast, (tr, ru), agreement, attack, patrol_ids[1], at)
    restrictions, observations = _field_reports(cast, (tr, ru), geography, patrol_ids[1], at)
    return DemoField(
        duties, messages, made, restrictions, observations, attack, at + timedelta(hours=1)
    )


def _roster(cast: DemoCast, agreement: Agreement, at: datetime) -> int:
    """Each side's authorized officer on duty, and its zone officer in every zone it watches."""
    zones = [z.id for z in agreement.zones if z.responsible_party is not None]
    made = 0
    for party, officer in AUTHORIZED.items():
        acting = cast.signer(officer)
        zone_officer = TR if party == "tr" else RU
        if acting is None:
            continue
        for post, user in [("authorized", officer), *((z, zone_officer) for z in zones)]:
            data = {"post": post, "user": user, "party": party, "note": "demo roster"}
            roster.assign_duty(cast.uow(), *acting, agreement, data, at)
            made += 1
    return made


def _hotline(
    cast: DemoCast,
    sides: tuple[Signer, Signer],
    agreement: Agreement,
    attack: str | None,
    patrol_id: str,
    at: datetime,
) -> int:
    """An urgent message about the patrol attack, acknowledged; a routine one awaiting it."""
    tr, ru = sides
    urgent = {
        "subject": "Explosion beside the joint patrol near Urum al-Jawz",
        "body": "One vehicle damaged, no casualties. Request your units hold fire on the M4.",
        "urgent": True,
        "zone": "corridor-north",
        "patrol_id": patrol_id,
        **({"incident_id": attack} if attack else {}),
    }
    sent = hotline.send_message(cast.uow(), *tr, agreement, urgent, at + timedelta(minutes=5))
    hotline.acknowledge_message(
        cast.uow(), *ru, agreement, sent.message.id, {}, at + timedelta(minutes=17)
    )
    routine = {
        "subject": "Route check for the patrol of 28 April",
        "body": "Please confirm the road is clear from km 0 to km 30 by 07:30.",
        "zone": "corridor-south",
    }
    hotline.send_message(cast.uow(), *ru, agreement, routine, at + timedelta(minutes=20))
    return 2


def _field_reports(
    cast: DemoCast, sides: tuple[Signer, Signer], geography: Geography, patrol_id: str, at: datetime
) -> tuple[int, int]:
    """A delay of the curtailed patrol; heavy weapons, an armed group, the road closed."""
    tr, ru = sides
    delay = {
        "at": "2020-04-14T08:40:00+03:00",
        "location": {"km": 12},
        "affected": "patrol",
        "patrol_id": patrol_id,
        "kind": "delayed",
        "imposed_by": "a crowd on the road",
        "duration_minutes": 40,
        "reason_given": "Protest against the patrols",
        "consequence": "The patrol waited 40 minutes, then went on.",
    }
    restrictions.record_restriction(cast.uow(), *ru, geography, delay, at + timedelta(minutes=30))
    seen: list[tuple[Signer, dict[str, Any]]] = [
        (
            ru,
            {
                "subkind": "heavy_weapons",
                "observed_at": "2020-04-20T10:40:00+03:00",
                "location": {"lon": 36.49, "lat": 35.765},
                "details": {"weapon_type": "tank", "count": 2},
                "note": "Drone imagery.",
                "grade": "B2",
            },
        ),
        (
            tr,
            {
                "subkind": "armed_group",
                "observed_at": "2020-04-14T07:50:00+03:00",
                "location": {"km": 18},
                "details": {"group": "opposition", "estimated_size": 30, "activity": "checkpoint"},
            },
        ),
        (
            tr,
            {
                "subkind": "road_status",
                "observed_at": "2020-04-14T12:00:00+03:00",
                "location": None,
                "details": {"from_km": 0, "to_km": 30, "status": "closed"},
                "note": "The M4 closed to civilian traffic after the explosion.",
            },
        ),
    ]
    for n, (who, data) in enumerate(seen, start=1):
        observations.record_observation(
            cast.uow(), *who, geography, data, at + timedelta(minutes=30 + n)
        )
    return 1, len(seen)
