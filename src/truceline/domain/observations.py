"""Observations that bear on provisions: heavy weapons, armed groups, road status, storage sites.

An `Observation` is one sighting, of one of four subkinds, each with its own
details: heavy weapons seen (type and how many; whether inside the security
corridor is derived from the point), an armed group present, a stretch of a
route open or closed to civilian traffic from a time on, and a storage
site's weapons as declared against those observed (the discrepancies are
worked out, never stated). Common to all: when it was observed, where, a
note and optionally the source's Admiralty grade.

`storage_discrepancies` is the difference, per weapon type, between what
was observed and declared; `domain.road_status` turns road-status reports
into the share of a period each kilometre of a route was observed open.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType

from truceline.domain.checks import check, check_id
from truceline.domain.errors import InputError
from truceline.domain.field_codec import MAX_JSON_INT, MAX_NAME, MAX_TEXT
from truceline.domain.field_location import Placement, StatedLocation
from truceline.domain.reports import AdmiraltyGrade
from truceline.domain.restrictions import Period, period_label, period_start

OBSERVATION_ID = re.compile(r"obs_[A-Za-z0-9][A-Za-z0-9._-]*")


def new_observation_id() -> str:
    """A fresh random observation id."""
    return "obs_" + secrets.token_hex(8)


class Subkind(StrEnum):
    """What an observation is of."""

    HEAVY_WEAPONS = "heavy_weapons"
    ARMED_GROUP = "armed_group"
    ROAD_STATUS = "road_status"
    STORAGE_SITE = "storage_site"


class WeaponType(StrEnum):
    """Heavy weapons: those the agreements name (tanks, MRLs, artillery, mortars) and a few more."""

    TANK = "tank"
    ARTILLERY = "artillery"
    MORTAR = "mortar"
    MRLS = "mrls"
    ARMOURED_VEHICLE = "armoured_vehicle"
    ANTI_AIRCRAFT = "anti_aircraft"
    OTHER = "other"


class RoadState(StrEnum):
    """Whether a stretch of road is open to civilian traffic."""

    OPEN = "open"
    CLOSED = "closed"


def _count(value: int, field: str, least: int) -> None:
    ok = isinstance(value, int) and not isinstance(value, bool) and least <= value <= MAX_JSON_INT
    check(ok, field, f"must be a whole number of at least {least}, not {value!r}")


@dataclass(frozen=True, slots=True)
class HeavyWeapons:
    """Heavy weapons seen: of which type, how many (and what, for `other`)."""

    weapon_type: WeaponType
    count: int
    description: str = ""

    def __post_init__(self) -> None:
        _count(self.count, "count", 1)
        check(len(self.description) <= MAX_NAME, "description", f"at most {MAX_NAME} characters")


@dataclass(frozen=True, slots=True)
class ArmedGroup:
    """An armed group present: which (free text or a party id), roughly how many, doing what."""

    group: str
    estimated_size: int | None = None
    activity: str = ""

    def __post_init__(self) -> None:
        check(bool(self.group), "group", "name the group (a party id or words)")
        check(len(self.group) <= MAX_NAME, "group", f"at most {MAX_NAME} characters")
        if self.estimated_size is not None:
            _count(self.estimated_size, "estimated_size", 1)
        check(len(self.activity) <= MAX_TEXT, "activity", f"at most {MAX_TEXT} characters")


@dataclass(frozen=True, slots=True)
class RoadStatus:
    """A stretch of a route, from km to km, open or closed to civilian traffic since a time."""

    route: str
    from_km: float
    to_km: float
    status: RoadState
    since: datetime

    def __post_init__(self) -> None:
        check(bool(self.route), "route", "name the route")
        check(self.from_km >= 0, "from_km", "must be 0 or more")
        check(self.to_km > self.from_km, "to_km", "must be beyond from_km")
        check(self.since.tzinfo is not None, "since", "give the time with a UTC offset")


def _weapon_counts(counts: Mapping[WeaponType, int], field: str) -> Mapping[WeaponType, int]:
    for weapon, number in counts.items():
        _count(number, f"{field}.{weapon}", 0)
    ordered = {w: counts[w] for w in WeaponType if w in counts}
    return MappingProxyType(ordered)


@dataclass(frozen=True, slots=True)
class StorageSite:
    """A storage site's weapons by type: as declared, and as observed.

    `site` is the id of a zone of kind storage_site, or the name of a site
    given by its point.
    """

    site: str
    declared: Mapping[WeaponType, int]
    observed: Mapping[WeaponType, int]

    def __post_init__(self) -> None:
        check(bool(self.site), "site", "name the site (a storage-site zone id, or a name)")
        check(len(self.site) <= MAX_NAME, "site", f"at most {MAX_NAME} characters")
        object.__setattr__(self, "declared", _weapon_counts(self.declared, "declared"))
        object.__setattr__(self, "observed", _weapon_counts(self.observed, "observed"))
        check(bool(self.declared or self.observed), "observed", "give at least one count")

    @property
    def discrepancies(self) -> dict[WeaponType, int]:
        """Observed minus declared, for every type that differs."""
        return storage_discrepancies(self.declared, self.observed)


Details = HeavyWeapons | ArmedGroup | RoadStatus | StorageSite
SUBKIND_OF: Mapping[type, Subkind] = MappingProxyType(
    {
        HeavyWeapons: Subkind.HEAVY_WEAPONS,
        ArmedGroup: Subkind.ARMED_GROUP,
        RoadStatus: Subkind.ROAD_STATUS,
        StorageSite: Subkind.STORAGE_SITE,
    }
)


def storage_discrepancies(
    declared: Mapping[WeaponType, int], observed: Mapping[WeaponType, int]
) -> dict[WeaponType, int]:
    """Observed minus declared per weapon type, for the types that differ (a type not named
    on one side counts 0 there): +2 is two more seen than declared, -3 three missing."""
    out = {}
    for weapon in WeaponType:
        difference = observed.get(weapon, 0) - declared.get(weapon, 0)
        if difference:
            out[weapon] = difference
    return out


@dataclass(frozen=True, slots=True)
class Observation:
    """One observation as recorded: everything the observer states.

    `location` may be left out for a road status (the middle of its stretch
    is used) and for a storage site named by its zone (the zone's point).
    """

    id: str
    observed_at: datetime
    details: Details
    location: StatedLocation | None = None
    note: str = ""
    grade: AdmiraltyGrade | None = None

    def __post_init__(self) -> None:
        check_id(self.id, OBSERVATION_ID, "id")
        check(self.observed_at.tzinfo is not None, "observed_at", "give a UTC offset")
        check(len(self.note) <= MAX_TEXT, "note", f"at most {MAX_TEXT} characters")
        if self.location is None and self.subkind in (Subkind.HEAVY_WEAPONS, Subkind.ARMED_GROUP):
            raise InputError("location", "give a point (lon, lat) or a km post (km, route)")
        if isinstance(self.details, RoadStatus):
            late = self.details.since > self.observed_at
            check(not late, "details.since", "must not be after the observation")

    @property
    def subkind(self) -> Subkind:
        """Which of the four subkinds this is."""
        return SUBKIND_OF[type(self.details)]


@dataclass(frozen=True, slots=True)
class ObservationEntry:
    """An observation as stored: what was stated, where it lies, and who recorded it when."""

    observation: Observation
    placement: Placement
    number: int | None
    day: date
    party: str | None
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class ObservationCount:
    """How many observations of one subkind a period saw in one zone (None: outside every
    zone), and how many of them lay inside the security corridor."""

    period: str
    period_start: date
    zone: str | None
    subkind: Subkind
    count: int
    inside_corridor: int


def count_observations(
    entries: Iterable[ObservationEntry], period: Period
) -> list[ObservationCount]:
    """Observations counted per period, zone (the first that holds each) and subkind, in order:
    by period, then zone (outside every zone last), then subkind."""
    totals: dict[tuple[date, str | None, Subkind], list[int]] = {}
    for entry in entries:
        key = (period_start(entry.day, period), entry.placement.zone, entry.observation.subkind)
        row = totals.setdefault(key, [0, 0])
        row[0] += 1
        row[1] += 1 if entry.placement.inside_corridor else 0
    kinds = list(Subkind)
    order = sorted(totals, key=lambda k: (k[0], k[1] is None, k[1] or "", kinds.index(k[2])))
    return [
        ObservationCount(period_label(start, period), start, zone, subkind, *totals[key])
        for key in order
        for start, zone, subkind in (key,)
    ]
