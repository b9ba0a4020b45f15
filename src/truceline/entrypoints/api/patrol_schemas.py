"""Request and response schemas of the patrol routes, and the conversions to them.

Writes have the two steps of every signed write (see ``incident_schemas``):
``{"prepare": <command>}``, then ``{"event", "public_key", "signature"}``.
The commands are typed here so the OpenAPI document shows their keys; the
rules (a km post on the route, a reason for a curtailment...) are the
services', which name the bad field.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from shapely.geometry import LineString

from truceline.domain.patrol_records import clock_time, point_to_dict
from truceline.domain.patrol_stats import MonthStats
from truceline.domain.patrols import (
    MAX_TRACK_POINTS,
    Outcome,
    Patrol,
)
from truceline.entrypoints.api.incident_schemas import Command, SignedWrite
from truceline.services.field_store import FieldStep
from truceline.services.patrol_geometry import Deviation
from truceline.services.patrol_queries import PatrolView


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


# --- reading -----------------------------------------------------------------------------


class ContingentOut(_Out):
    party: str
    units: list[str]
    vehicles: int


class AcknowledgementOut(_Out):
    party: str
    at: datetime


class CheckpointReachedOut(_Out):
    km: float
    at: datetime


class PatrolSummaryOut(_Out):
    """One patrol in a list: its number, day, segment, sides, where it stands, km covered."""

    id: str
    number: int = Field(description="Its place in the agreement's sequence of joint patrols.")
    day: date
    start_time: str = Field(description="The planned start, HH:MM in the agreement's local time.")
    route: str
    from_km: float
    to_km: float = Field(description="The patrol travels from `from_km` to `to_km`.")
    lead_party: str = Field(description="The planner's party, which gave notice.")
    parties: list[str]
    state: str = Field(
        description="planned, acknowledged, under_way, completed, curtailed or aborted."
    )
    awaiting_acknowledgement: list[str]
    started_at: datetime | None
    ended_at: datetime | None
    outcome: str | None
    stopped_at_km: float | None = Field(description="Where a curtailed patrol stopped.")
    reason: str
    planned_km: float
    covered_km: float
    incidents: list[str]
    track_points: int


class PatrolListOut(_Out):
    items: list[PatrolSummaryOut]


class PatrolDetailOut(PatrolSummaryOut):
    """A patrol whole."""

    agreement_id: str
    contingents: list[ContingentOut]
    checkpoints: list[float]
    planned_by: str = Field(description="The id of the user who planned it.")
    notice_at: datetime = Field(description="When the plan, and so the notice, was recorded.")
    acknowledgements: list[AcknowledgementOut]
    reached: list[CheckpointReachedOut]


class StepOut(_Out):
    action: str = Field(
        description="planned, acknowledged, started, checkpoint_reached, track_recorded, "
        "ended or incident_linked."
    )
    at: datetime
    actor: str
    party: str | None
    data: dict[str, Any] = Field(description="The command's data, as signed and logged.")
    ledger_seq: int | None


class DeviationOut(_Out):
    max_m: float
    mean_m: float
    share_within: float = Field(description="Share of points within the tolerance, 0 to 1.")
    tolerance_m: float = Field(description="The route's accuracy.")
    km_reached: float | None = Field(
        description="The furthest km post, in the direction of travel, a point near the route "
        "lies at."
    )


class PatrolOut(_Out):
    """One patrol with its timeline, its planned segment and track on the map, its deviation."""

    patrol: PatrolDetailOut
    steps: list[StepOut]
    deviation: DeviationOut | None
    segment: dict[str, Any] = Field(
        description="A GeoJSON Feature: the planned segment, a LineString in travel direction."
    )
    track: dict[str, Any] = Field(
        description="A GeoJSON Feature: the track (LineString; Point for one point; null "
        "geometry without any), its per-point times in properties.times."
    )


class MonthStatsOut(_Out):
    month: str = Field(description="YYYY-MM.")
    planned: int
    completed: int
    curtailed: int
    aborted: int
    km_planned: float
    km_covered: float


class PatrolStatsOut(_Out):
    months: list[MonthStatsOut]


def _summary_fields(patrol: Patrol) -> dict[str, Any]:
    return {
        "id": patrol.id,
        "number": patrol.number,
        "day": patrol.day,
        "start_time": clock_time(patrol.start_time),
        "route": patrol.route,
        "from_km": patrol.from_km,
        "to_km": patrol.to_km,
        "lead_party": patrol.lead_party,
        "parties": list(patrol.parties),
        "state": str(patrol.state),
        "awaiting_acknowledgement": list(patrol.awaiting_acknowledgement),
        "started_at": patrol.started_at,
        "ended_at": patrol.ended_at,
        "outcome": None if patrol.outcome is None else str(patrol.outcome),
        "stopped_at_km": patrol.stopped_at_km,
        "reason": patrol.reason,
        "planned_km": round(patrol.planned_km, 3),
        "covered_km": round(patrol.covered_km, 3),
        "incidents": list(patrol.incidents),
        "track_points": len(patrol.track),
    }


def summary_out(patrol: Patrol) -> PatrolSummaryOut:
    return PatrolSummaryOut(**_summary_fields(patrol))


def detail_out(patrol: Patrol) -> PatrolDetailOut:
    return PatrolDetailOut(
        **_summary_fields(patrol),
        agreement_id=patrol.agreement_id,
        contingents=[
            ContingentOut(party=c.party, units=list(c.units), vehicles=c.vehicles)
            for c in patrol.contingents
        ],
        checkpoints=list(patrol.checkpoints),
        planned_by=patrol.planned_by,
        notice_at=patrol.notice_at,
        acknowledgements=[AcknowledgementOut(party=p, at=t) for p, t in patrol.acknowledgements],
        reached=[CheckpointReachedOut(km=k, at=t) for k, t in patrol.reached],
    )


def step_out(step: FieldStep) -> StepOut:
    return StepOut(
        action=step.action,
        at=step.at,
        actor=step.actor,
        party=step.party,
        data=dict(step.data),
        ledger_seq=step.ledger_seq,
    )


def deviation_out(found: Deviation | None) -> DeviationOut | None:
    if found is None:
        return None
    return DeviationOut(
        max_m=found.max_m,
        mean_m=found.mean_m,
        share_within=found.share_within,
        tolerance_m=found.tolerance_m,
        km_reached=found.km_reached,
    )


def segment_feature(patrol: Patrol, segment: LineString) -> dict[str, Any]:
    """The planned segment as a GeoJSON Feature."""
    return {
        "type": "Feature",
        "id": f"{patrol.id}-segment",
        "geometry": {"type": "LineString", "coordinates": [[x, y] for x, y in segment.coords]},
        "properties": {"route": patrol.route, "from_km": patrol.from_km, "to_km": patrol.to_km},
    }


def track_feature(patrol: Patrol) -> dict[str, Any]:
    """The track as a GeoJSON Feature, with the times of its points (null where unknown)."""
    points = patrol.track
    coordinates = [[p.lon, p.lat] for p in points]
    geometry: dict[str, Any] | None
    if len(points) > 1:
        geometry = {"type": "LineString", "coordinates": coordinates}
    elif points:
        geometry = {"type": "Point", "coordinates": coordinates[0]}
    else:
        geometry = None
    times = [point_to_dict(p).get("at") for p in points]
    return {
        "type": "Feature",
        "id": f"{patrol.id}-track",
        "geometry": geometry,
        "properties": {"times": times},
    }


def patrol_out(view: PatrolView) -> PatrolOut:
    return PatrolOut(
        patrol=detail_out(view.patrol),
        steps=[step_out(s) for s in view.steps],
        deviation=deviation_out(view.deviation),
        segment=segment_feature(view.patrol, view.segment),
        track=track_feature(view.patrol),
    )


def stats_out(months: list[MonthStats]) -> PatrolStatsOut:
    return PatrolStatsOut(
        months=[
            MonthStatsOut(
                month=m.month.strftime("%Y-%m"),
                planned=m.planned,
                completed=m.completed,
                curtailed=m.curtailed,
                aborted=m.aborted,
                km_planned=m.km_planned,
                km_covered=m.km_covered,
            )
            for m in months
        ]
    )


# --- writing -----------------------------------------------------------------------------


class ContingentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    party: str = Field(max_length=64)
    units: list[str] = Field(min_length=1, max_length=50)
    vehicles: int = Field(ge=0, le=1000)


class PlanCommand(Command):
    """A joint patrol's plan; the caller's party leads and gives notice."""

    day: date
    start_time: str = Field(
        max_length=8, description="HH:MM, the agreement's local time.", examples=["09:00"]
    )
    from_km: float = Field(description="The km post it sets out from.")
    to_km: float = Field(description="The km post it goes to (either way along the route).")
    contingents: list[ContingentIn] = Field(
        min_length=2, max_length=10, description="One per party taking part."
    )
    checkpoints: list[float] = Field(
        default=[], max_length=200, description="Km posts inside the segment, in travel order."
    )
    id: str | None = Field(default=None, max_length=96, description="Made up when null.")

    def data(self) -> dict[str, Any]:
        out = self.model_dump(mode="json")
        if out["id"] is None:
            del out["id"]
        return out


class EmptyCommand(Command):
    """No data: who acts and when is the event's."""


class CheckpointCommand(Command):
    km: float = Field(description="The km post of a planned checkpoint.")


class TrackPointIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    at: datetime | None = Field(default=None, description="With a UTC offset.")


class TrackCommand(Command):
    points: list[TrackPointIn] = Field(min_length=1, max_length=MAX_TRACK_POINTS)

    def data(self) -> dict[str, Any]:
        return {
            "points": [
                {"lon": p.lon, "lat": p.lat, **({} if p.at is None else {"at": p.at.isoformat()})}
                for p in self.points
            ]
        }


class EndCommand(Command):
    outcome: Outcome
    at_km: float | None = Field(default=None, description="Curtailed: where it stopped.")
    reason: str = Field(default="", max_length=2000, description="Curtailed or aborted: why.")

    def data(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class LinkCommand(Command):
    incident_id: str = Field(max_length=96)


class PlanWrite(SignedWrite):
    prepare: PlanCommand | None = None


class EmptyWrite(SignedWrite):
    prepare: EmptyCommand | None = None


class CheckpointWrite(SignedWrite):
    prepare: CheckpointCommand | None = None


class TrackWrite(SignedWrite):
    prepare: TrackCommand | None = None


class EndWrite(SignedWrite):
    prepare: EndCommand | None = None


class LinkWrite(SignedWrite):
    prepare: LinkCommand | None = None
