"""An agreement: its parties, provisions and source documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from truceline.domain.assessments import AssessmentRule
from truceline.domain.event_types import Family, MonitoringKind
from truceline.domain.places import Place
from truceline.domain.zones import Route, Zone


class PartyRole(StrEnum):
    """What a party is to the agreement."""

    SIGNATORY = "signatory"
    GUARANTOR = "guarantor"
    MONITOR = "monitor"
    OBSERVED = "observed_party"


class ProvisionCategory(StrEnum):
    """The kind of obligation a provision sets."""

    CEASEFIRE = "ceasefire"
    HEAVY_WEAPONS_WITHDRAWAL = "heavy_weapons_withdrawal"
    ARMED_GROUPS_WITHDRAWAL = "armed_groups_withdrawal"
    DEMILITARIZED_ZONE = "demilitarized_zone"
    SECURITY_CORRIDOR = "security_corridor"
    JOINT_PATROLS = "joint_patrols"
    ROAD_REOPENING = "road_reopening"
    FREEDOM_OF_MOVEMENT = "freedom_of_movement"
    HUMANITARIAN_ACCESS = "humanitarian_access"
    OBSERVATION_POSTS = "observation_posts"
    COORDINATION_MECHANISM = "coordination_mechanism"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Party:
    """A state, force or group with a role in the agreement."""

    id: str
    name: str
    roles: tuple[PartyRole, ...]
    short_name: str = ""
    colour: str = ""


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """A public document the agreement is built from."""

    id: str
    title: str
    date: date
    place: str
    reference: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where in a source document a provision comes from."""

    document: str
    section: str


@dataclass(frozen=True, slots=True)
class BreachRule:
    """Which incidents may breach a provision: every criterion given must match.

    Each list matches when the incident's value is any one of it; an empty list
    is no criterion. `zones` None means the provision's own zones, an empty
    tuple anywhere. `after` names the provision's instant (``effective`` or
    ``deadline``) that an incident must extend past. See domain/breaches.py.
    """

    families: tuple[Family, ...] = ()
    event_types: tuple[str, ...] = ()
    sub_event_types: tuple[str, ...] = ()
    monitoring: tuple[MonitoringKind, ...] = ()
    zones: tuple[str, ...] | None = None
    after: str = "effective"


@dataclass(frozen=True, slots=True)
class Provision:
    """One obligation of the agreement, paraphrased in the project's words."""

    id: str
    text: str
    category: ProvisionCategory
    obligated: tuple[str, ...]
    effective: datetime
    deadline: datetime | None
    zones: tuple[str, ...]
    verification: str
    source: SourceRef
    breached_by: tuple[BreachRule, ...] = ()
    #: How its implementation is scored per period (domain/assessments.py); None: by hand.
    assessed_by: AssessmentRule | None = None


@dataclass(frozen=True, slots=True)
class Mechanism:
    """How the agreement's joint mechanism runs: the patrol route and the rules of notice.

    `patrol_route` is the route joint patrols follow (km posts are counted on
    it); `patrol_start_unacknowledged` whether a patrol may set out before the
    other side acknowledged its notice; `hotline_escalation` how long an
    urgent hotline message may wait for acknowledgement before it goes to the
    sender's authorized officer.
    """

    patrol_route: str | None = None
    patrol_start_unacknowledged: bool = False
    hotline_escalation: timedelta = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class Agreement:
    """An agreement as held by Truceline: everything an agreement pack declares.

    Instants are stored in UTC; `timezone` (an IANA name) is the local time in
    which the agreement's dates are read and shown.
    """

    id: str
    title: str
    summary: str
    format_version: int
    crs: str
    timezone: str
    documents: tuple[SourceDocument, ...]
    parties: tuple[Party, ...]
    provisions: tuple[Provision, ...]
    routes: tuple[Route, ...]
    zones: tuple[Zone, ...]
    places: tuple[Place, ...] = field(default=())
    attribution: tuple[str, ...] = field(default=())
    mechanism: Mechanism = field(default_factory=Mechanism)

    def party(self, party_id: str) -> Party:
        """The party with this id; KeyError when there is none."""
        for party in self.parties:
            if party.id == party_id:
                return party
        raise KeyError(party_id)

    def route(self, route_id: str) -> Route:
        """The route with this id; KeyError when there is none."""
        for route in self.routes:
            if route.id == route_id:
                return route
        raise KeyError(route_id)

    def zone(self, zone_id: str) -> Zone:
        """The zone with this id; KeyError when there is none."""
        for zone in self.zones:
            if zone.id == zone_id:
                return zone
        raise KeyError(zone_id)
