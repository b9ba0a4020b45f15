"""What the incident page shows: facts, links, reports, positions side by side, history.

Plain values for the templates, built from the incident services' records and
the agreement; no business rule is decided here (the finding comes from
services.incidents), only how it reads: party ids as short names, instants in
the agreement's time zone, precision codes with their meaning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from truceline.domain import event_types as vocab
from truceline.domain.accounts import MONITOR_PARTY
from truceline.domain.agreements import Agreement
from truceline.domain.incidents import DateRange, HistoryEntry, Incident
from truceline.domain.reports import CREDIBILITY, RELIABILITY, Report
from truceline.domain.verification import Position, Stance, VerificationStatus
from truceline.entrypoints.web.audit_views import ActorNames
from truceline.entrypoints.web.incident_rows import actor_name, dates_text, title_of
from truceline.entrypoints.web.pages import label, moment, party_name
from truceline.services.incident_queries import IncidentView
from truceline.services.incident_store import IncidentRecord, StoredPosition
from truceline.services.positions import Finding

#: What each verification status means, in a line (the list's legend and the finding card).
STATUS_MEANING = {
    VerificationStatus.PENDING: "waiting for a guarantor's position",
    VerificationStatus.VERIFIED: "the guarantors (or the monitor) confirm it happened",
    VerificationStatus.DISPUTED: "one side confirms, the other denies",
    VerificationStatus.UNVERIFIABLE: "no one can settle whether it happened",
    VerificationStatus.REJECTED: "the guarantors (or the monitor) deny it happened",
}
STANCE_WORDS = {
    Stance.CONFIRMS: "confirms",
    Stance.DENIES: "denies",
    Stance.CANNOT_ASSESS: "cannot assess",
}


def precision_text(dates: DateRange) -> str:
    """The span's ACLED time precision and UCDP date_prec, with their meanings."""
    tp, dp = dates.time_precision, dates.date_prec
    days = f"{dates.days} day{'' if dates.days == 1 else 's'}"
    return (
        f"{days}: ACLED time precision {tp} ({vocab.TIME_PRECISION[tp]}), "
        f"UCDP date_prec {dp} ({vocab.DATE_PREC[dp]})"
    )


# --- one incident ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Linked:
    """A linked record: its label and, when it has a page, where."""

    text: str
    href: str = ""
    detail: str = ""


@dataclass(frozen=True, slots=True)
class PositionCard:
    """One version of a party's position (or of the monitor's verdict)."""

    version: int
    stance: str
    stance_class: str
    held_responsible: str
    evidence: tuple[str, ...]
    text: str
    recorded_at: str
    recorded_by: str


@dataclass(frozen=True, slots=True)
class PositionColumn:
    """A party's positions: the latest version and the earlier ones, newest first."""

    party: str
    name: str
    guarantor: bool
    latest: PositionCard | None
    earlier: tuple[PositionCard, ...] = ()


@dataclass(frozen=True, slots=True)
class FindingCard:
    """The joint finding as read by people."""

    status: str
    meaning: str
    attribution: str
    actor: str
    confidence: str
    named: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One report of the incident, as received."""

    id: str
    channel: str
    party: str
    source_name: str
    source_url: str
    grade: str
    grade_meaning: str
    received_at: str
    language: str
    original_text: str
    entered_by: str


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One change to the incident."""

    at: str
    action: str
    by: str
    note: str
    other: str
    report_ids: tuple[str, ...]


@dataclass
class IncidentPage:
    """Everything the incident page shows, read from an `IncidentView`."""

    id: str
    title: str
    status: str
    merged_into: str | None
    facts: list[tuple[str, str]]
    links: list[tuple[str, list[Linked]]]
    reports: list[ReportRow]
    columns: list[PositionColumn]
    finding: FindingCard
    verdict: PositionColumn
    history: list[HistoryRow]
    point: dict[str, Any]
    merged_from: list[str] = field(default_factory=list)
    possible_duplicates: tuple[str, ...] = ()
    report_ids: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()


def facts_of(agreement: Agreement, incident: Incident) -> list[tuple[str, str]]:
    """The incident's stated facts as (label, value), in reading order."""
    loc = incident.location
    place = ", ".join(p for p in (loc.place, loc.admin2, loc.admin1) if p) or "unnamed"
    actors = incident.actors
    facts = [
        ("Dates", dates_text(incident.dates)),
        ("Date precision", precision_text(incident.dates)),
        ("Place", place),
        ("Point", f"{loc.lat:.5f} N, {loc.lon:.5f} E (WGS 84)"),
        (
            "Place precision",
            f"ACLED geo_precision {loc.geo_precision} "
            f"({vocab.GEO_PRECISION[loc.geo_precision]}), UCDP where_prec {loc.where_prec} "
            f"({vocab.WHERE_PREC[loc.where_prec]})",
        ),
        ("Event type", incident.event_type),
        ("Sub-event type", incident.sub_event_type),
        ("Disorder type", incident.disorder_type),
        (
            "Monitoring kind",
            label(str(incident.monitoring)) if incident.monitoring else "none given",
        ),
    ]
    for n, name, code, associated in (
        ("1", actors.actor1, actors.inter1, actors.associated1),
        ("2", actors.actor2, actors.inter2, actors.associated2),
    ):
        if name:
            with_ = f"; with {', '.join(associated)}" if associated else ""
            shown = actor_name(agreement, name)
            facts.append((f"Actor {n}", f"{shown} ({vocab.INTER_CODES[code]}){with_}"))
    dead = incident.fatalities
    if dead.low == dead.high:
        facts.append(("Fatalities", str(dead.best)))
    else:
        facts.append(("Fatalities", f"{dead.best} (from {dead.low} to {dead.high})"))
    if incident.injuries is not None:
        facts.append(("Injuries", str(incident.injuries)))
    if incident.civilian_targeting:
        facts.append(("Civilian targeting", "yes"))
    if incident.explosions is not None:
        facts.append(("Explosions", str(incident.explosions)))
    if incident.shots is not None:
        facts.append(("Shots", str(incident.shots)))
    if incident.notes:
        facts.append(("Notes", incident.notes))
    return facts


def links_of(agreement: Agreement, record: IncidentRecord) -> list[tuple[str, list[Linked]]]:
    """What enrichment linked the incident to, each with a page where it has one."""
    incident = record.incident
    links = incident.links
    zones = {z.id: z.name for z in agreement.zones}
    routes = {r.id: r.name for r in agreement.routes}
    provisions = {p.id: p.text for p in agreement.provisions}
    found: list[tuple[str, list[Linked]]] = [
        (
            "Zones",
            [Linked(zones.get(z, z), f"/zones#zone-{z}") for z in links.zones]
            or [Linked("outside every zone")],
        ),
        (
            "Responsible party",
            [
                Linked(
                    party_name(agreement, record.responsible_party),
                    f"/incidents?responsible_party={record.responsible_party}",
                    "its other incidents",
                )
            ]
            if record.responsible_party
            else [Linked("none: no zone names one")],
        ),
    ]
    if links.route is not None and links.km_post is not None:
        route = routes.get(links.route, links.route)
        found.append(("Kilometre post", [Linked(f"km {links.km_post:.1f} of {route}")]))
    if links.side is not None:
        found.append(("Side of the route", [Linked(str(links.side))]))
    if links.distance_to_route_m is not None:
        found.append(
            ("Distance to the route", [Linked(f"{links.distance_to_route_m / 1000:.2f} km")])
        )
    found.append(
        (
            "Provisions it may breach",
            [
                Linked(p, f"/provisions#provision-{p}", _short(provisions.get(p, "")))
                for p in links.provisions
            ]
            or [Linked("none by the agreement's rules")],
        )
    )
    found.append(
        (
            "Possible duplicates",
            [Linked(d, f"/incidents/{d}") for d in incident.possible_duplicates]
            or [Linked("none found")],
        )
    )
    return found


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def report_rows(
    agreement: Agreement, reports: Sequence[Report], names: ActorNames
) -> list[ReportRow]:
    rows = []
    for r in reports:
        rows.append(
            ReportRow(
                id=r.id,
                channel=label(str(r.channel)),
                party=_reporter(agreement, r.reporting_party),
                source_name=r.source_name,
                source_url=_https(r.source_url),
                grade=str(r.grade),
                grade_meaning=(
                    f"{RELIABILITY[r.grade.reliability]}; {CREDIBILITY[r.grade.credibility]}"
                ),
                received_at=moment(r.received_at, agreement.timezone),
                language=r.language,
                original_text=r.original_text,
                entered_by=names.of(r.entered_by),
            )
        )
    return rows


def _reporter(agreement: Agreement, party: str | None) -> str:
    if party is None:
        return ""
    return "the monitor" if party == MONITOR_PARTY else party_name(agreement, party)


def _https(url: str | None) -> str:
    """A link only to an https page; anything else is shown as text, if at all."""
    return url if url and url.startswith("https://") else ""


def _card(agreement: Agreement, stored: StoredPosition, names: ActorNames) -> PositionCard:
    p = stored.position
    return PositionCard(
        version=p.version,
        stance=STANCE_WORDS[p.stance],
        stance_class=str(p.stance),
        held_responsible=actor_name(agreement, p.held_responsible),
        evidence=p.evidence,
        text=p.text,
        recorded_at=moment(p.recorded_at, agreement.timezone),
        recorded_by=names.of(stored.recorded_by),
    )


def _column(
    agreement: Agreement,
    party: str,
    name: str,
    versions: Sequence[StoredPosition],
    names: ActorNames,
    *,
    guarantor: bool,
) -> PositionColumn:
    cards = sorted(
        (_card(agreement, s, names) for s in versions), key=lambda c: c.version, reverse=True
    )
    return PositionColumn(party, name, guarantor, cards[0] if cards else None, tuple(cards[1:]))


def position_columns(
    agreement: Agreement, view: IncidentView, names: ActorNames
) -> tuple[list[PositionColumn], PositionColumn]:
    """Each guarantor's column (then any other party that stated one) and the monitor's."""
    by_party: dict[str, list[StoredPosition]] = {}
    verdicts: list[StoredPosition] = []
    for stored in view.versions:
        if stored.monitor:
            verdicts.append(stored)
        else:
            by_party.setdefault(stored.position.party, []).append(stored)
    parties = list(view.guarantors) + sorted(set(by_party) - set(view.guarantors))
    columns = [
        _column(
            agreement,
            party,
            party_name(agreement, party),
            by_party.get(party, []),
            names,
            guarantor=party in view.guarantors,
        )
        for party in parties
    ]
    verdict = _column(agreement, MONITOR_PARTY, "The monitor", verdicts, names, guarantor=False)
    return columns, verdict


def finding_card(agreement: Agreement, finding: Finding) -> FindingCard:
    attribution = finding.attribution
    return FindingCard(
        status=str(finding.status),
        meaning=STATUS_MEANING[finding.status],
        attribution=label(str(attribution.state)),
        actor=actor_name(agreement, attribution.actor) if attribution.actor else "",
        confidence=f"{attribution.confidence:.0%}" if attribution.actor else "",
        named=tuple(actor_name(agreement, a) for a in attribution.named),
    )


def history_rows(
    agreement: Agreement, entries: Sequence[HistoryEntry], names: ActorNames
) -> list[HistoryRow]:
    return [
        HistoryRow(
            at=moment(e.at, agreement.timezone),
            action=label(str(e.action)),
            by=names.of(e.by),
            note=e.note,
            other=e.other_incident_id or "",
            report_ids=e.report_ids,
        )
        for e in entries
    ]


def incident_page(agreement: Agreement, view: IncidentView, names: ActorNames) -> IncidentPage:
    """The incident page's content."""
    record = view.record
    incident = record.incident
    columns, verdict = position_columns(agreement, view, names)
    actors = incident.actors
    named = (actors.actor1, actors.actor2, *actors.associated1, *actors.associated2)
    return IncidentPage(
        id=incident.id,
        title=title_of(incident),
        status=str(record.status),
        merged_into=incident.merged_into,
        facts=facts_of(agreement, incident),
        links=links_of(agreement, record),
        reports=report_rows(agreement, view.reports, names),
        columns=columns,
        finding=finding_card(agreement, view.finding),
        verdict=verdict,
        history=history_rows(agreement, incident.history, names),
        point={
            "id": incident.id,
            "lon": incident.location.lon,
            "lat": incident.location.lat,
            "status": str(record.status),
            "title": title_of(incident),
            "place": incident.location.place,
            "url": "",
        },
        merged_from=view.merged_from,
        possible_duplicates=incident.possible_duplicates,
        report_ids=tuple(r.id for r in view.reports),
        actors=tuple(dict.fromkeys(a for a in named if a)),
    )


def own_latest(view: IncidentView, party: str | None, *, monitor: bool) -> Position | None:
    """The latest version of the viewer's party's position (a monitor's: the verdict)."""
    mine = [s.position for s in view.versions if s.position.party == party and s.monitor == monitor]
    return max(mine, key=lambda p: p.version, default=None)


def position_defaults(latest: Position | None) -> dict[str, str]:
    """The position form filled in with the latest version, to revise it."""
    if latest is None:
        return {"stance": "", "held_responsible": "", "evidence": "", "text": ""}
    return {
        "stance": str(latest.stance),
        "held_responsible": latest.held_responsible or "",
        "evidence": "\n".join(latest.evidence),
        "text": latest.text,
    }
