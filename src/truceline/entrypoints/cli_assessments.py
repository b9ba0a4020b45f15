"""`truceline assessments ...`: suggest, propose, respond, list, show, timeline.

Reading runs as the server's operator. Proposing (an information-group
member or the monitor) and responding (a guarantor's authorized officer)
are done as a user and signed with that user's own key (`--as USERNAME
--key PEM`). A period is named by its kind and any day in it (`--period
week --date 2020-03-18` is 2020-W12). Bad input exits with code 2 and
``field: reason``; nothing is written then.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from truceline.adapters.charts import score_timeline_svg
from truceline.bootstrap import App
from truceline.domain.assessment_periods import Period, PeriodKind
from truceline.domain.assessment_records import Assessment, AssessmentState
from truceline.domain.assessments import Suggestion, score_name
from truceline.entrypoints.api.assessment_schemas import (
    AssessmentListOut,
    assessment_out,
    suggested_out,
    timeline_out,
)
from truceline.entrypoints.cli_support import (
    AgreementOption,
    AsOption,
    DbOption,
    KeyOption,
    acting,
    app_for,
    fail,
    out,
)
from truceline.services import assessments
from truceline.services.assessment_queries import (
    AssessmentQuery,
    assessment_view,
    list_assessments,
    timeline,
)

assessments_cli = typer.Typer(
    help="Implementation assessments: each provision's score per week or month, with evidence.",
    no_args_is_help=True,
)

DAY = ["%Y-%m-%d"]
ProvisionOption = Annotated[str, typer.Option("--provision", help="The provision's id.")]
KindOption = Annotated[PeriodKind, typer.Option("--period", help="week (ISO) or month.")]
DateOption = Annotated[
    datetime | None,
    typer.Option("--date", formats=DAY, metavar="<date>", help="A day of the period; today."),
]
From = Annotated[
    datetime | None, typer.Option("--from", formats=DAY, metavar="<date>", help="From this day.")
]
To = Annotated[
    datetime | None, typer.Option("--to", formats=DAY, metavar="<date>", help="Up to this day.")
]
AssessmentArg = Annotated[str, typer.Argument(help="The assessment's id (asm_...).")]
JsonFlag = Annotated[bool, typer.Option("--json", help="As the API gives it.")]


def _today(app: App, agreement: str | None) -> date:
    return assessments.local_today(app.geography(agreement).agreement, app.now())


def _period(app: App, agreement: str | None, kind: PeriodKind, day: datetime | None) -> Period:
    return Period.containing(kind, _today(app, agreement) if day is None else day.date())


def print_suggestion(suggestion: Suggestion) -> None:
    out.print(
        f"suggested score {suggestion.score} ({suggestion.score_name}): {suggestion.explanation}",
        markup=False,
    )
    for item in suggestion.evidence:
        mark = "counted" if item.counts else "watched"
        out.print(f"  [{mark}] {item.kind} {item.id}: {item.text}", markup=False)


def print_assessment(assessment: Assessment) -> None:
    out.print(
        f"{assessment.id} (No. {assessment.number}, version {assessment.version}) "
        f"{assessment.provision} {assessment.period}: score {assessment.score} "
        f"({score_name(assessment.score)}), {assessment.state}",
        markup=False,
    )
    if assessment.note:
        out.print(f"note: {assessment.note}", markup=False)
    for view in assessment.views:
        own = f", holds {view.score}" if view.score is not None else ""
        reason = f": {view.reason}" if view.reason else ""
        out.print(f"{view.party} {view.stance}{own}{reason}", markup=False)
    if assessment.awaiting and assessment.state is not AssessmentState.SUPERSEDED:
        out.print(f"awaiting: {', '.join(assessment.awaiting)}", markup=False)


@assessments_cli.command("suggest")
def assessments_suggest(
    provision: ProvisionOption,
    period: KindOption = PeriodKind.WEEK,
    day: DateOption = None,
    as_json: JsonFlag = False,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """What the provision's rule suggests for a period, and the evidence it counted."""
    with app_for(db) as app:
        geo = app.geography(agreement)
        chosen = _period(app, agreement, period, day)
        today = _today(app, agreement)
        found = assessments.suggest(app.uow(), geo, provision, chosen, today=today)
    if as_json:
        out.print(suggested_out(provision, chosen, found).model_dump_json(indent=2), markup=False)
        return
    out.print(f"{provision} {chosen}", markup=False)
    print_suggestion(found)


@assessments_cli.command("propose")
def assessments_propose(
    provision: ProvisionOption,
    as_user: AsOption,
    key: KeyOption,
    period: KindOption = PeriodKind.WEEK,
    day: DateOption = None,
    score: Annotated[
        int | None, typer.Option(help="0 to 3; the suggestion's when left out.")
    ] = None,
    note: Annotated[
        str | None, typer.Option(help="Why, when the score is not the suggestion's.")
    ] = None,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Propose a provision's score for a period (an information-group member or the monitor)."""
    with acting(db, as_user, key) as (app, actor, signing):
        geo = app.geography(agreement)
        chosen = _period(app, agreement, period, day)
        data: dict[str, Any] = {"provision": provision, "period": chosen.label}
        if score is not None:
            data["score"] = score
        if note is not None:
            data["note"] = note
        done = assessments.propose(app.uow(), actor, signing, geo, data, app.now(), now=app.now)
    print_assessment(done)
    if done.suggestion is not None:
        print_suggestion(done.suggestion)


@assessments_cli.command("respond")
def assessments_respond(
    assessment: AssessmentArg,
    as_user: AsOption,
    key: KeyOption,
    stance: Annotated[str, typer.Option(help="confirms or disagrees.")],
    reason: Annotated[str | None, typer.Option(help="Why; required to disagree.")] = None,
    score: Annotated[
        int | None, typer.Option(help="Your party's own score; required to disagree.")
    ] = None,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Confirm an assessment for your party, or disagree with a reason and your score."""
    data: dict[str, Any] = {"stance": stance}
    if reason is not None:
        data["reason"] = reason
    if score is not None:
        data["score"] = score
    with acting(db, as_user, key) as (app, actor, signing):
        found = app.geography(agreement).agreement
        done = assessments.respond(
            app.uow(), actor, signing, found, assessment, data, app.now(), now=app.now
        )
    print_assessment(done)


@assessments_cli.command("list")
def assessments_list(
    provision: Annotated[str | None, typer.Option(help="Only this provision's.")] = None,
    period: Annotated[PeriodKind | None, typer.Option(help="Only weeks, or only months.")] = None,
    day_from: From = None,
    day_to: To = None,
    state: Annotated[AssessmentState | None, typer.Option(help="Only in this state.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Superseded versions too.")] = False,
    as_json: JsonFlag = False,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """The assessments, newest period first: score, state and each side's view."""
    query = AssessmentQuery(
        provision=provision,
        kind=period,
        day_from=None if day_from is None else day_from.date(),
        day_to=None if day_to is None else day_to.date(),
        state=state,
        include_superseded=every,
    )
    with app_for(db) as app:
        found = list_assessments(app.uow(), app.geography(agreement).agreement, query)
    if as_json:
        listed = AssessmentListOut(items=[assessment_out(a) for a in found])
        out.print(listed.model_dump_json(indent=2), markup=False)
        return
    table = Table("id", "provision", "period", "version", "score", "state", "views")
    for a in found:
        views = "; ".join(
            f"{v.party} {v.stance}" + (f" ({v.score})" if v.score is not None else "")
            for v in a.views
        )
        cells = (a.id, a.provision, a.period.label, str(a.version), str(a.score), a.state, views)
        table.add_row(*(Text(str(c)) for c in cells))
    out.print(table)
    out.print(f"{len(found)} assessment(s)", markup=False)


@assessments_cli.command("show")
def assessments_show(
    assessment: AssessmentArg,
    as_json: JsonFlag = False,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """One assessment: its score, evidence, each side's view and its versions."""
    with app_for(db) as app:
        view = assessment_view(app.uow(), app.geography(agreement).agreement.id, assessment)
    if as_json:
        out.print(assessment_out(view.assessment, view).model_dump_json(indent=2), markup=False)
        return
    print_assessment(view.assessment)
    if view.assessment.suggestion is not None:
        print_suggestion(view.assessment.suggestion)
    if len(view.versions) > 1:
        listed = ", ".join(f"{a.version}: {a.id} ({a.state})" for a in view.versions)
        out.print(f"versions: {listed}", markup=False)


@assessments_cli.command("timeline")
def assessments_timeline(
    provision: ProvisionOption,
    period: KindOption = PeriodKind.WEEK,
    day_from: From = None,
    day_to: To = None,
    svg: Annotated[
        Path | None, typer.Option("--svg", help="Also write the chart to this SVG file.")
    ] = None,
    as_json: JsonFlag = False,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """A provision's score in each period (the last 12 by default), and its chart."""
    with app_for(db) as app:
        found = app.geography(agreement).agreement
        points = timeline(
            app.uow(),
            found,
            provision,
            period,
            _today(app, agreement),
            day_from=None if day_from is None else day_from.date(),
            day_to=None if day_to is None else day_to.date(),
        )
    if svg is not None:
        colours = {p.id: p.colour for p in found.parties if p.colour}
        chart = score_timeline_svg(points, title=f"{provision}, by {period}", party_colours=colours)
        try:
            svg.write_text(chart, encoding="utf-8")
        except OSError as error:
            raise fail(f"--svg: {svg}: {error.strerror}") from None
    if as_json:
        out.print(timeline_out(provision, points).model_dump_json(indent=2), markup=False)
        return
    for point in points:
        if point.score is None:
            out.print(f"{point.period}  -", markup=False)
            continue
        held = "".join(f", {party} holds {score}" for party, score in point.disagreements)
        out.print(
            f"{point.period}  {point.score} ({score_name(point.score)}), {point.state}{held}",
            markup=False,
        )
