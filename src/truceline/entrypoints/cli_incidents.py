"""`truceline incidents ...`: report, list, show, and each side's position, on the server.

Reading runs as the server's operator. Every change is made as a user and
signed with that user's own key (`--as USERNAME --key PEM`, the file that
`truceline keys generate` wrote): the log records the user, not the server,
as its author. Bad input exits with code 2 and ``field: reason``; nothing is
written then.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from truceline.bootstrap import App
from truceline.domain.accounts import Actor, Role
from truceline.domain.event_types import MONITORING_FITS, MonitoringKind
from truceline.domain.reports import Channel
from truceline.domain.verification import VerificationStatus
from truceline.entrypoints.api.incident_schemas import incident_out
from truceline.entrypoints.cli_incident_tables import print_incident, print_page, print_reported
from truceline.entrypoints.cli_support import (
    AgreementOption,
    AsOption,
    DbOption,
    KeyOption,
    acting,
    app_for,
    err,
    fail,
    out,
)
from truceline.services import accounts, incidents, positions
from truceline.services.incident_queries import (
    DEFAULT_PAGE,
    MAX_PAGE,
    incident_view,
    list_incidents,
)
from truceline.services.incident_store import IncidentFilter

incidents_cli = typer.Typer(
    help="Incidents: report, list, show, positions, merge and split.", no_args_is_help=True
)

DAY = ["%Y-%m-%d"]
From = Annotated[
    datetime | None, typer.Option(formats=DAY, metavar="<date>", help="From this day on.")
]
To = Annotated[datetime | None, typer.Option(formats=DAY, metavar="<date>", help="Up to this day.")]


# --- reporting ---------------------------------------------------------------------------


@incidents_cli.command("add")
def incidents_add(
    as_user: AsOption,
    key: KeyOption,
    date: Annotated[
        datetime | None,
        typer.Option(
            formats=DAY, metavar="<date>", help="The day it happened, YYYY-MM-DD (unless --json)."
        ),
    ] = None,
    end_date: Annotated[
        datetime | None,
        typer.Option(formats=DAY, metavar="<date>", help="The last day, when it lasted several."),
    ] = None,
    lon: Annotated[float | None, typer.Option(help="Longitude, WGS 84.")] = None,
    lat: Annotated[float | None, typer.Option(help="Latitude, WGS 84.")] = None,
    place: Annotated[
        str | None,
        typer.Option(help="Place name; without --lon/--lat, its point from the gazetteer."),
    ] = None,
    event_type: Annotated[str | None, typer.Option(help="ACLED event type.")] = None,
    sub_event_type: Annotated[str | None, typer.Option(help="ACLED sub-event type.")] = None,
    monitoring: Annotated[
        str | None,
        typer.Option(help=f"Monitoring kind ({', '.join(MonitoringKind)}); sets default types."),
    ] = None,
    notes: Annotated[str | None, typer.Option(help="What happened, in a few sentences.")] = None,
    actor1: Annotated[str | None, typer.Option(help="Who acted (ACLED's actor 1).")] = None,
    inter1: Annotated[int | None, typer.Option(help="ACLED actor code of actor 1.")] = None,
    actor2: Annotated[str | None, typer.Option(help="Against whom (ACLED's actor 2).")] = None,
    inter2: Annotated[int | None, typer.Option(help="ACLED actor code of actor 2.")] = None,
    fatalities: Annotated[int | None, typer.Option(help="Best estimate of the dead.")] = None,
    channel: Annotated[
        Channel | None,
        typer.Option(help="How the report came in; party_allegation (monitor for a monitor)."),
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="Who gave it; the username by default.")
    ] = None,
    grade: Annotated[str | None, typer.Option(help="Admiralty grade, such as B2 (F6).")] = None,
    language: Annotated[str | None, typer.Option(help="Language of --text (en).")] = None,
    text: Annotated[str | None, typer.Option(help="The report as received (--notes).")] = None,
    json_file: Annotated[
        Path | None,
        typer.Option("--json", help="A file with the whole data: {report, incident}."),
    ] = None,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Report a new incident, signed with your own key; prints its links and duplicates."""
    fields = {
        "--date": date,
        "--end-date": end_date,
        "--lon": lon,
        "--lat": lat,
        "--place": place,
        "--event-type": event_type,
        "--sub-event-type": sub_event_type,
        "--monitoring": monitoring,
        "--notes": notes,
        "--actor1": actor1,
        "--inter1": inter1,
        "--actor2": actor2,
        "--inter2": inter2,
        "--fatalities": fatalities,
        "--channel": channel,
        "--source": source,
        "--grade": grade,
        "--language": language,
        "--text": text,
    }
    given = [name for name, value in fields.items() if value is not None]
    if json_file is not None and given:
        raise fail(f"--json: the file holds the whole data; leave out {', '.join(given)}")
    with acting(db, as_user, key) as (app, actor, signing):
        enricher = app.enricher(agreement)
        at = app.now()
        if json_file is not None:
            data = read_json(json_file)
        else:
            if date is None:
                raise fail("--date: give the day it happened (or --json FILE)")
            point = where(app, agreement, lon, lat, place)
            kind = next((k for k in MonitoringKind if k == monitoring), None)
            if kind is not None and event_type is None and sub_event_type is None:
                event_type, sub_event_type = (
                    MONITORING_FITS[kind].event_type,
                    MONITORING_FITS[kind].sub_event_type,
                )
            chosen = channel or (Channel.MONITOR if actor.role is Role.MONITOR else None)
            chosen = chosen or Channel.PARTY_ALLEGATION
            own = chosen in (Channel.PARTY_ALLEGATION, Channel.MONITOR)
            actors = {"actor1": actor1 or "", "inter1": inter1 or 0}
            actors |= {"actor2": actor2 or "", "inter2": inter2 or 0}
            data = {
                "report": {
                    "channel": str(chosen),
                    "reporting_party": actor.party if own else None,
                    "source_name": source or actor.username,
                    "received_at": at.isoformat(),
                    "original_text": text or notes or "",
                    "language": language or "en",
                    "grade": grade or "F6",
                },
                "incident": {
                    "dates": {
                        "start": date.date().isoformat(),
                        "end": (end_date or date).date().isoformat(),
                    },
                    "location": point,
                    "event_type": event_type or "",
                    "sub_event_type": sub_event_type or "",
                    "monitoring": monitoring,
                    "notes": notes or "",
                    "actors": actors,
                    **({} if fatalities is None else {"fatalities": {"best": fatalities}}),
                },
            }
        done = incidents.report_incident(
            app.uow(), actor, signing, enricher, data, at, policy=app.duplicate_policy, now=app.now
        )
    print_reported(done.record)


def read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise fail(f"--json: {path}: {error.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise fail(f"--json: {path}: not JSON ({error})") from None
    if not isinstance(data, dict):
        raise fail(f"--json: {path}: must hold an object with report and incident")
    return data


def where(
    app: App, agreement: str | None, lon: float | None, lat: float | None, place: str | None
) -> dict[str, Any]:
    """The location: the given point, or the gazetteer's point of the named place."""
    if lon is not None and lat is not None:
        return {"lon": lon, "lat": lat, "place": place or ""}
    if lon is not None or lat is not None:
        raise fail("--lon, --lat: give both, or --place alone")
    if place is None:
        raise fail("--lon, --lat: give the point, or --place with a name in the gazetteer")
    matches = app.geography(agreement).search_places(place, limit=10)
    found = next((m.place for m in matches if m.place.lon is not None), None)
    if found is None or found.lon is None or found.lat is None:
        raise fail(f"--place: no place {place!r} with a known point; give --lon and --lat")
    err.print(f"{place}: {found.name} ({found.lon:.5f}, {found.lat:.5f}) from the gazetteer")
    return {"lon": found.lon, "lat": found.lat, "place": found.name}


# --- reading -----------------------------------------------------------------------------


@incidents_cli.command("list")
def incidents_list(
    date_from: From = None,
    date_to: To = None,
    zone: Annotated[str | None, typer.Option(help="A zone id.")] = None,
    responsible_party: Annotated[str | None, typer.Option(help="A party id.")] = None,
    event_type: Annotated[str | None, typer.Option(help="An ACLED event type.")] = None,
    status: Annotated[VerificationStatus | None, typer.Option(help="The joint finding.")] = None,
    provision: Annotated[str | None, typer.Option(help="A provision id.")] = None,
    channel: Annotated[Channel | None, typer.Option(help="How a report came in.")] = None,
    reporting_party: Annotated[str | None, typer.Option(help="Who filed a report.")] = None,
    awaiting: Annotated[
        str | None, typer.Option(help="Only those this party has no position on (its queue).")
    ] = None,
    include_merged: Annotated[bool, typer.Option(help="Show merged-away incidents too.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=MAX_PAGE, help="Page size.")] = DEFAULT_PAGE,
    after: Annotated[str | None, typer.Option(help="The cursor a page ended with.")] = None,
    total: Annotated[bool, typer.Option("--total", help="Count every match too.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines, one per incident.")] = False,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """A page of incidents, newest first, and the cursor of the next page."""
    with app_for(db) as app:
        found = app.geography(agreement).agreement
        where = IncidentFilter(
            found.id,
            date_from=None if date_from is None else date_from.date(),
            date_to=None if date_to is None else date_to.date(),
            zone=zone,
            responsible_party=responsible_party,
            event_type=event_type,
            status=status,
            provision=provision,
            channel=channel,
            reporting_party=reporting_party,
            awaiting=awaiting,
            include_merged=include_merged,
        )
        page = list_incidents(app.uow(), found, where, after=after, limit=limit, with_total=total)
    print_page(page, as_json)


@incidents_cli.command("show")
def incidents_show(
    incident_id: Annotated[str, typer.Argument(help="The incident's id (inc_...).")],
    as_json: Annotated[bool, typer.Option("--json", help="As the API gives it.")] = False,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """One incident: its reports, each party's latest position beside the finding, history."""
    with app_for(db) as app:
        view = incident_view(app.uow(), app.geography(agreement).agreement, incident_id)
        names = {u.id: u.username for u in accounts.list_users(app.uow(), Actor.operator())}
    shown = incident_out(view)
    if as_json:
        out.print(shown.model_dump_json(indent=2), markup=False)
    else:
        print_incident(view.record, shown, names)


# --- positions, merge, split -------------------------------------------------------------


@incidents_cli.command("position")
def incidents_position(
    incident_id: Annotated[str, typer.Argument(help="The incident's id.")],
    as_user: AsOption,
    key: KeyOption,
    stance: Annotated[str, typer.Option(help="confirms, denies or cannot_assess.")],
    held_responsible: Annotated[
        str | None, typer.Option(help="The actor your party holds responsible.")
    ] = None,
    evidence: Annotated[
        list[str] | None, typer.Option(help="A piece of evidence, repeatable.")
    ] = None,
    text: Annotated[str, typer.Option(help="Your party's statement.")] = "",
    version: Annotated[
        int | None, typer.Option(help="The version this must be (the next by default).")
    ] = None,
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Record the next version of your party's position (a monitor's: the verdict)."""
    statement = {
        "stance": stance,
        "held_responsible": held_responsible,
        "evidence": evidence or [],
        "text": text,
    }
    data: dict[str, Any] = {"position": statement}
    if version is not None:
        data["version"] = version
    with acting(db, as_user, key) as (app, actor, signing):
        found = app.geography(agreement).agreement
        result = positions.record_position(
            app.uow(), actor, signing, found, incident_id, data, app.now(), now=app.now
        )
    out.print(f"recorded {actor.party}'s position on {incident_id}: {stance}")
    held = result.attribution.actor
    out.print(
        f"finding: {result.status}; attribution {result.attribution.state}"
        + (f" ({held})" if held else "")
    )


@incidents_cli.command("merge")
def incidents_merge(
    kept: Annotated[str, typer.Argument(help="The incident that stays.")],
    absorbed: Annotated[str, typer.Argument(help="The incident merged into it.")],
    as_user: AsOption,
    key: KeyOption,
    note: Annotated[str, typer.Option(help="Why they are one event.")] = "",
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Merge one incident into another; the absorbed one stays, marked as merged."""
    with acting(db, as_user, key) as (app, actor, signing):
        found = app.geography(agreement).agreement
        done = incidents.merge(
            app.uow(), actor, signing, found, kept, absorbed, note, app.now(), now=app.now
        )
    reports = ", ".join(done.record.incident.report_ids)
    out.print(f"merged {absorbed} into {kept}; its reports now: {reports}")


@incidents_cli.command("split")
def incidents_split(
    incident_id: Annotated[str, typer.Argument(help="The incident to split.")],
    report_ids: Annotated[list[str], typer.Argument(help="The reports to move.")],
    as_user: AsOption,
    key: KeyOption,
    new_id: Annotated[str | None, typer.Option(help="The new incident's id.")] = None,
    note: Annotated[str, typer.Option(help="Why they are separate events.")] = "",
    db: DbOption = None,
    agreement: AgreementOption = None,
) -> None:
    """Move some reports of an incident to a new incident."""
    with acting(db, as_user, key) as (app, actor, signing):
        found = app.geography(agreement).agreement
        done = incidents.split(
            app.uow(),
            actor,
            signing,
            found,
            incident_id,
            report_ids,
            new_id,
            note,
            app.now(),
            now=app.now,
        )
    created = done.event.data["new_id"]
    out.print(f"moved {', '.join(report_ids)} from {incident_id} to the new incident {created}")
