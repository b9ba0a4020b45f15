"""What the assessment pages show: the board of provisions by period, one assessment's views.

Plain view models built from the domain values, so the templates only lay
them out: each cell of the board knows its score, colour, state and each
guarantor's view; each provision row its timeline chart as inline SVG.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from markupsafe import Markup

from truceline.adapters.charts import inline, score_timeline_svg
from truceline.domain.agreements import Agreement, Provision
from truceline.domain.assessment_periods import Period
from truceline.domain.assessment_records import (
    Assessment,
    AssessmentState,
    TimelinePoint,
    timeline,
)
from truceline.domain.assessments import score_name
from truceline.entrypoints.web.pages import party_name

#: How the board and the pages name each state.
STATE_WORDS: dict[AssessmentState, str] = {
    AssessmentState.SUGGESTED: "proposed, awaiting both sides",
    AssessmentState.CONFIRMED_BY_ONE: "confirmed by one side",
    AssessmentState.CONFIRMED_BY_BOTH: "confirmed by both sides",
    AssessmentState.DISPUTED: "disputed",
    AssessmentState.SUPERSEDED: "superseded by a newer proposal",
}


@dataclass(frozen=True)
class SideView:
    """One responder's view, for people."""

    party: str
    name: str
    stance: str
    score: int | None
    reason: str
    by: str
    at: str
    ledger_seq: int | None

    @property
    def mark(self) -> str:
        if self.stance == "confirms":
            return "✓"
        if self.stance == "disagrees":
            return f"✗ {self.score}"
        return "…"


def side_views(agreement: Agreement, assessment: Assessment) -> list[SideView]:
    """Each responder's view in the responders' order; awaiting ones too."""
    out = []
    for party in assessment.responders:
        view = assessment.view_of(party)
        name = party_name(agreement, party)
        if view is None:
            out.append(SideView(party, name, "awaiting", None, "", "", "", None))
            continue
        out.append(
            SideView(
                party,
                name,
                str(view.stance),
                view.score,
                view.reason,
                view.by,
                f"{view.at:%Y-%m-%d %H:%M} UTC",
                view.ledger_seq,
            )
        )
    return out


@dataclass(frozen=True)
class Cell:
    """A provision's standing in one period on the board."""

    period: Period
    assessment: Assessment | None
    sides: list[SideView]
    in_force: bool = True

    @property
    def score(self) -> int | None:
        return None if self.assessment is None else self.assessment.score

    @property
    def state(self) -> str:
        return "" if self.assessment is None else str(self.assessment.state)

    @property
    def title(self) -> str:
        if self.assessment is None:
            return f"{self.period}: not assessed"
        assessment = self.assessment
        views = "; ".join(f"{s.name} {s.stance}" for s in self.sides)
        return (
            f"{self.period}: {assessment.score} {score_name(assessment.score)}, "
            f"{STATE_WORDS[assessment.state]} ({views})"
        )


@dataclass(frozen=True)
class Row:
    """One provision on the board: its cells and its timeline chart (empty when unassessed)."""

    provision: Provision
    cells: list[Cell]
    chart: Markup


def board(
    agreement: Agreement, periods: Sequence[Period], current: Sequence[Assessment]
) -> list[Row]:
    """The board: every provision, one cell per period with its current assessment."""
    by_key = {(a.provision, a.period): a for a in current if a.superseded_by is None}
    zone = ZoneInfo(agreement.timezone)
    colours = {p.id: p.colour for p in agreement.parties if p.colour}
    rows = []
    for provision in agreement.provisions:
        cells = []
        for period in periods:
            found = by_key.get((provision.id, period))
            sides = [] if found is None else side_views(agreement, found)
            # In force once the period ends after the provision's first instant.
            starts = provision.effective.astimezone(zone).date()
            cells.append(Cell(period, found, sides, in_force=period.end > starts))
        mine = [a for a in current if a.provision == provision.id]
        rows.append(Row(provision, cells, chart(mine, periods, provision.id, colours)))
    return rows


def chart(
    assessments: Sequence[Assessment],
    periods: Sequence[Period],
    provision_id: str,
    colours: dict[str, str],
) -> Markup:
    """The provision's timeline as inline SVG, or nothing when no period is assessed."""
    points: list[TimelinePoint] = timeline(assessments, periods)
    if all(p.score is None for p in points):
        return Markup("")
    svg = score_timeline_svg(points, title=f"{provision_id}", party_colours=colours)
    # Drawn here from the agreement's own ids and numbers: no text a user typed.
    return Markup(inline(svg))


@dataclass(frozen=True)
class Paging:
    """The board's neighbours: a day of the page of periods before, and of the one after (None
    when the board already reaches today)."""

    earlier: date
    later: date | None


def paging(periods: Sequence[Period], today: date) -> Paging:
    """Where the pager's links go: as many periods back, or forward (never past today)."""
    later = periods[-1]
    for _ in periods:
        later = later.following()
    reaches_today = periods[-1].end > today
    return Paging(periods[0].preceding().start, None if reaches_today else min(later.start, today))
