"""The demo's work in the field: joint patrols in every state, made by the demo officers.

Made once, after the demo incidents, through the same services as anyone's
work and signed with the demo users' own keys: a completed patrol with its
track, a curtailed one on which the demo's patrol attack happened (and is
linked), and one planned and still awaiting the other side's acknowledgement.
The patrols are invented for the demonstration; the route is the agreement's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from truceline.domain.patrols import TrackPoint
from truceline.services import patrols
from truceline.services.demo_incidents import DemoCast
from truceline.services.geography import Geography
from truceline.services.patrol_geometry import planned_segment

TR, RU = "tr-zone-officer", "ru-zone-officer"


@dataclass(frozen=True, slots=True)
class DemoField:
    """How many demo records of each kind were made."""

    patrols: int


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
        return DemoField(patrols=0)
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
    return DemoField(patrols=made)
