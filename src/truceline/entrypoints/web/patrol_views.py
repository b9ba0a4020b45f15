"""What the patrol pages show: the month's calendar, rows, a patrol's timeline and map layers.

Plain functions from the patrol values (domain.patrols, services.patrol_queries)
to what the templates print; no rule is decided here.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from shapely.geometry import mapping

from truceline.domain.agreements import Agreement
from truceline.domain.patrol_stats import MonthStats
from truceline.domain.patrols import (
    Patrol,
    PatrolState,
)
from truceline.entrypoints.web import pages
from truceline.services.field_store import FieldStep
from truceline.services.patrol_queries import PatrolView

#: How each state reads on the page.
STATE_WORDS: dict[PatrolState, str] = {
    PatrolState.PLANNED: "planned, awaiting acknowledgement",
    PatrolState.ACKNOWLEDGED: "acknowledged, ready to start",
    PatrolState.UNDER_WAY: "under way",
    PatrolState.COMPLETED: "completed",
    PatrolState.CURTAILED: "curtailed",
    PatrolState.ABORTED: "aborted",
}

#: How each step of the timeline reads.
STEP_WORDS: dict[str, str] = {
    "planned": "Planned; notice given to the other side",
    "acknowledged": "Notice acknowledged",
    "started": "Set out",
    "checkpoint_reached": "Checkpoint reached",
    "track_recorded": "Track points recorded",
    "ended": "Ended",
    "incident_linked": "Incident linked",
}


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th, 21st."""
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def km(value: float | None) -> str:
    """A km post as people write it."""
    return "" if value is None else f"km {value:g}"


@dataclass(frozen=True, slots=True)
class PatrolRow:
    """One patrol in a list or a calendar day."""

    id: str
    title: str
    day: str
    start_time: str
    segment: str
    state: str
    state_words: str
    parties: str
    planned_km: str
    covered_km: str
    outcome: str


def patrol_title(patrol: Patrol) -> str:
    return f"{ordinal(patrol.number)} joint patrol"


def segment_text(patrol: Patrol) -> str:
    return f"{km(patrol.from_km)} → {km(patrol.to_km)}"


def outcome_text(patrol: Patrol) -> str:
    """The outcome in a sentence: completed; curtailed at km x: reason; aborted: reason."""
    state = patrol.state
    if state is PatrolState.COMPLETED:
        return "completed the planned segment"
    if state is PatrolState.CURTAILED:
        return f"curtailed at {km(patrol.stopped_at_km)}: {patrol.reason}"
    if state is PatrolState.ABORTED:
        return f"aborted: {patrol.reason}"
    return ""


def patrol_row(agreement: Agreement, patrol: Patrol) -> PatrolRow:
    return PatrolRow(
        id=patrol.id,
        title=patrol_title(patrol),
        day=patrol.day.isoformat(),
        start_time=f"{patrol.start_time:%H:%M}",
        segment=segment_text(patrol),
        state=str(patrol.state),
        state_words=STATE_WORDS[patrol.state],
        parties=" + ".join(pages.party_name(agreement, c.party) for c in patrol.contingents),
        planned_km=f"{patrol.planned_km:.1f}",
        covered_km=f"{patrol.covered_km:.1f}",
        outcome=outcome_text(patrol),
    )


@dataclass(frozen=True, slots=True)
class CalendarDay:
    """One cell of the month's calendar: its day (None outside the month) and its patrols."""

    day: date | None
    patrols: tuple[PatrolRow, ...]


def month_calendar(month: date, rows: Sequence[PatrolRow]) -> list[list[CalendarDay]]:
    """The month as weeks (Monday first), each day with the patrols planned for it."""
    by_day: dict[str, list[PatrolRow]] = {}
    for row in rows:
        by_day.setdefault(row.day, []).append(row)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
        weeks.append(
            [
                CalendarDay(d, tuple(by_day.get(d.isoformat(), ())))
                if d.month == month.month
                else CalendarDay(None, ())
                for d in week
            ]
        )
    return weeks


def month_of(text: str, today: date) -> date:
    """The first day of the month a `YYYY-MM` query names; this month when empty or bad."""
    try:
        year, month = (int(part) for part in text.split("-", 1))
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def shift_month(month: date, by: int) -> date:
    index = month.year * 12 + month.month - 1 + by
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, slots=True)
class StatsRow:
    """One month of the statistics, with bar widths (0-100) for the chart."""

    month: str
    planned: int
    completed: int
    curtailed: int
    aborted: int
    km_planned: float
    km_covered: float
    completed_pct: float
    covered_pct: float


def stats_rows(stats: Sequence[MonthStats]) -> list[StatsRow]:
    rows = []
    for s in stats:
        rows.append(
            StatsRow(
                month=f"{s.month:%Y-%m}",
                planned=s.planned,
                completed=s.completed,
                curtailed=s.curtailed,
                aborted=s.aborted,
                km_planned=round(s.km_planned, 1),
                km_covered=round(s.km_covered, 1),
                completed_pct=round(100 * s.completed / s.planned, 1) if s.planned else 0.0,
                covered_pct=round(100 * s.km_covered / s.km_planned, 1) if s.km_planned else 0.0,
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One step of a patrol's life, for its timeline."""

    at: str
    what: str
    who: str
    detail: str
    ledger_seq: int | None


def step_detail(step: FieldStep) -> str:
    data = step.data
    action = step.action
    if action == "checkpoint_reached":
        return km(float(data["km"])) if "km" in data else ""
    if action == "track_recorded":
        points = data.get("points")
        return f"{len(points)} points" if isinstance(points, list) else ""
    if action == "ended":
        parts = [str(data.get("outcome", ""))]
        if data.get("at_km") is not None:
            parts.append(f"at {km(float(data['at_km']))}")
        if data.get("reason"):
            parts.append(f"— {data['reason']}")
        return " ".join(p for p in parts if p)
    if action == "incident_linked":
        return str(data.get("incident_id", ""))
    return ""


def timeline(
    agreement: Agreement, steps: Sequence[FieldStep], name_of: Callable[[str], str]
) -> list[TimelineRow]:
    return [
        TimelineRow(
            at=pages.moment(step.at, agreement.timezone),
            what=STEP_WORDS.get(step.action, pages.label(step.action)),
            who=name_of(step.actor)
            + (f", {pages.party_name(agreement, step.party)}" if step.party else ""),
            detail=step_detail(step),
            ledger_seq=step.ledger_seq,
        )
        for step in steps
    ]


def map_layers(view: PatrolView, checkpoint_points: Sequence[tuple[float, float, float]]) -> Any:
    """The patrol's map as GeoJSON: the planned segment, the track, the checkpoints."""
    patrol = view.patrol
    reached = {k for k, _ in patrol.reached}
    features: list[dict[str, Any]] = [
        {
            "type": "Feature",
            "id": "planned",
            "properties": {"layer": "planned", "title": f"Planned: {segment_text(patrol)}"},
            "geometry": mapping(view.segment),
        }
    ]
    if patrol.track:
        coordinates = [[p.lon, p.lat] for p in patrol.track]
        geometry = (
            {"type": "LineString", "coordinates": coordinates}
            if len(coordinates) > 1
            else {"type": "Point", "coordinates": coordinates[0]}
        )
        features.append(
            {
                "type": "Feature",
                "id": "track",
                "properties": {"layer": "track", "title": f"Track: {len(coordinates)} points"},
                "geometry": geometry,
            }
        )
    for km_post, lon, lat in checkpoint_points:
        features.append(
            {
                "type": "Feature",
                "id": f"checkpoint-{km_post:g}",
                "properties": {
                    "layer": "checkpoint",
                    "title": f"Checkpoint {km(km_post)}",
                    "reached": km_post in reached,
                },
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
            }
        )
    return {"type": "FeatureCollection", "features": features}
