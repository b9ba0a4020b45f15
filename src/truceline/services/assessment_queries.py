"""Reading assessments: the filtered list, one assessment whole, and timelines per provision.

A timeline has one point per period (ISO week or month) of a range: the
score and state of the provision's current assessment for that period, or
an empty point where none was proposed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from truceline.domain import assessment_records as rules
from truceline.domain.agreements import Agreement
from truceline.domain.assessment_periods import Period, PeriodKind, periods_between
from truceline.domain.assessment_records import (
    Assessment,
    AssessmentState,
    TimelinePoint,
    assessment_from_dict,
)
from truceline.domain.errors import InputError
from truceline.services.assessments import provision_of, stored_assessment, versions_of
from truceline.services.field_store import FieldFilter, FieldKind, FieldStep
from truceline.services.unit_of_work import UnitOfWork

#: How many periods a timeline shows when no range is given.
DEFAULT_PERIODS = 12
#: The most periods one timeline may span (ten years of weeks).
MAX_PERIODS = 520


@dataclass(frozen=True, slots=True)
class AssessmentQuery:
    """Which assessments to list: each criterion given must match. Superseded versions are
    left out unless asked for."""

    provision: str | None = None
    kind: PeriodKind | None = None
    day_from: date | None = None
    day_to: date | None = None
    state: AssessmentState | None = None
    include_superseded: bool = False


def list_assessments(
    uow: UnitOfWork, agreement: Agreement, query: AssessmentQuery
) -> list[Assessment]:
    """The assessments matching `query`, newest period first, then provision, newest version."""
    if query.provision is not None:
        provision_of(agreement, query.provision)
    if query.day_from and query.day_to and query.day_to < query.day_from:
        raise InputError("date_to", "the range ends before it starts")
    where = FieldFilter(
        agreement.id,
        FieldKind.ASSESSMENT,
        state=None if query.state is None else str(query.state),
        day_from=query.day_from,
        day_to=query.day_to,
    )
    with uow:
        records = uow.field.find(where)
    found = [assessment_from_dict(r.doc) for r in records]
    found = [
        a
        for a in found
        if (query.provision is None or a.provision == query.provision)
        and (query.kind is None or a.period.kind is query.kind)
        and (query.include_superseded or a.superseded_by is None or query.state is not None)
    ]
    order = {p.id: i for i, p in enumerate(agreement.provisions)}
    found.sort(key=lambda a: (a.period.start, -order.get(a.provision, 0), a.version), reverse=True)
    return found


@dataclass(frozen=True, slots=True)
class AssessmentView:
    """One assessment with its steps and every version for its provision and period."""

    assessment: Assessment
    steps: tuple[FieldStep, ...]
    versions: tuple[Assessment, ...]


def assessment_view(uow: UnitOfWork, agreement_id: str, assessment_id: str) -> AssessmentView:
    """One assessment whole: its steps (with their ledger entries) and its other versions."""
    with uow:
        _, assessment = stored_assessment(uow, agreement_id, assessment_id)
        steps = tuple(uow.field.steps(assessment_id))
        versions = versions_of(uow, agreement_id, assessment.provision, assessment.period)
    return AssessmentView(assessment, steps, tuple(a for _, a in versions))


def recent_periods(kind: PeriodKind, today: date, count: int = DEFAULT_PERIODS) -> list[Period]:
    """The `count` periods of the kind up to the one holding `today`, oldest first."""
    last = Period.containing(kind, today)
    out = [last]
    while len(out) < count:
        out.insert(0, out[0].preceding())
    return out


def timelines(
    uow: UnitOfWork, agreement: Agreement, periods: list[Period]
) -> dict[str, list[TimelinePoint]]:
    """Every provision's points over the periods (all of one kind), in the agreement's order."""
    if not periods:
        return {p.id: [] for p in agreement.provisions}
    kind = periods[0].kind
    where = FieldFilter(
        agreement.id, FieldKind.ASSESSMENT, day_from=periods[0].start, day_to=periods[-1].start
    )
    with uow:
        records = uow.field.find(where)
    found = [assessment_from_dict(r.doc) for r in records]
    found = [a for a in found if a.period.kind is kind]
    return {
        p.id: rules.timeline([a for a in found if a.provision == p.id], periods)
        for p in agreement.provisions
    }


def timeline(
    uow: UnitOfWork,
    agreement: Agreement,
    provision_id: str,
    kind: PeriodKind,
    today: date,
    *,
    day_from: date | None = None,
    day_to: date | None = None,
) -> list[TimelinePoint]:
    """A provision's point in each period of the kind from `day_from` to `day_to` (by default
    the 12 periods up to today): its current assessment's score and state."""
    provision_of(agreement, provision_id)
    if day_from is None and day_to is None:
        periods = recent_periods(kind, today)
    else:
        last = day_to or today
        first = day_from or recent_periods(kind, last)[0].start
        span = (last - first).days // (7 if kind is PeriodKind.WEEK else 28)
        if span > MAX_PERIODS:
            raise InputError("date_from", f"about {span} periods: at most {MAX_PERIODS} at once")
        periods = periods_between(kind, first, last)
    return timelines(uow, agreement, periods)[provision_id]


def latest_by_provision(uow: UnitOfWork, agreement: Agreement, day: date) -> dict[str, Assessment]:
    """Each assessed provision's current assessment of the latest period begun by `day`."""
    latest: dict[str, Assessment] = {}
    for found in list_assessments(uow, agreement, AssessmentQuery(day_to=day)):
        if found.period.start > day:
            continue
        held = latest.get(found.provision)
        if held is None or (found.period.start, found.version) > (held.period.start, held.version):
            latest[found.provision] = found
    return latest
