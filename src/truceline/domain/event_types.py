"""The event vocabulary Truceline shares with ACLED and UCDP.

ACLED's 6 event types and 25 sub-event types are kept with ACLED's exact
spelling, each sub-type with its parent, the *family* duplicate detection
compares, and the disorder type Truceline assumes when a source gives none.
The precision scales of both datasets, ACLED's actor (``inter``) codes and
the monitoring kinds of a ceasefire mechanism sit here too, with the rules
that convert between them. docs/incidents.md explains every table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from truceline.domain.errors import InputError


class Family(StrEnum):
    """A coarse grouping of event types: events of one family may describe the same thing."""

    VIOLENT = "violent"
    DEMONSTRATIONS = "demonstrations"
    STRATEGIC = "strategic"


BATTLES = "Battles"
EXPLOSIONS = "Explosions/Remote violence"
VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"
PROTESTS = "Protests"
RIOTS = "Riots"
STRATEGIC_DEVELOPMENTS = "Strategic developments"

#: Each ACLED event type with its sub-event types, in ACLED's order.
EVENT_TYPES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        BATTLES: (
            "Armed clash",
            "Government regains territory",
            "Non-state actor overtakes territory",
        ),
        EXPLOSIONS: (
            "Chemical weapon",
            "Air/drone strike",
            "Suicide bomb",
            "Shelling/artillery/missile attack",
            "Remote explosive/landmine/IED",
            "Grenade",
        ),
        VIOLENCE_AGAINST_CIVILIANS: (
            "Sexual violence",
            "Attack",
            "Abduction/forced disappearance",
        ),
        PROTESTS: (
            "Peaceful protest",
            "Protest with intervention",
            "Excessive force against protesters",
        ),
        RIOTS: ("Violent demonstration", "Mob violence"),
        STRATEGIC_DEVELOPMENTS: (
            "Agreement",
            "Arrests",
            "Change to group/activity",
            "Disrupted weapons use",
            "Headquarters or base established",
            "Looting/property destruction",
            "Non-violent transfer of territory",
            "Other",
        ),
    }
)

#: The parent event type of every sub-event type (ACLED's names are unique across types).
SUB_EVENT_TYPES: Mapping[str, str] = MappingProxyType(
    {sub: parent for parent, subs in EVENT_TYPES.items() for sub in subs}
)

FAMILIES: Mapping[str, Family] = MappingProxyType(
    {
        BATTLES: Family.VIOLENT,
        EXPLOSIONS: Family.VIOLENT,
        VIOLENCE_AGAINST_CIVILIANS: Family.VIOLENT,
        PROTESTS: Family.DEMONSTRATIONS,
        RIOTS: Family.DEMONSTRATIONS,
        STRATEGIC_DEVELOPMENTS: Family.STRATEGIC,
    }
)

POLITICAL_VIOLENCE = "Political violence"
DEMONSTRATIONS = "Demonstrations"
POLITICAL_VIOLENCE_DEMONSTRATIONS = "Political violence; Demonstrations"
STRATEGIC = "Strategic developments"
DISORDER_TYPES = (POLITICAL_VIOLENCE, DEMONSTRATIONS, POLITICAL_VIOLENCE_DEMONSTRATIONS, STRATEGIC)

# Demonstration sub-types in which demonstrators meet lethal or mob violence.
_VIOLENT_DEMONSTRATIONS = frozenset({"Excessive force against protesters", "Mob violence"})


def family_of(event_type: str) -> Family:
    """The family of an ACLED event type."""
    try:
        return FAMILIES[event_type]
    except KeyError:
        raise InputError("event_type", f"unknown ACLED event type {event_type!r}") from None


def check_event_type(event_type: str, sub_event_type: str) -> None:
    """Raise InputError unless the sub-event type is one of the event type's own."""
    family_of(event_type)
    parent = SUB_EVENT_TYPES.get(sub_event_type)
    if parent is None:
        raise InputError("sub_event_type", f"unknown ACLED sub-event type {sub_event_type!r}")
    if parent != event_type:
        raise InputError(
            "sub_event_type", f"{sub_event_type!r} belongs to {parent!r}, not to {event_type!r}"
        )


def default_disorder_type(sub_event_type: str) -> str:
    """The disorder type Truceline assumes for a sub-event type when the source gives none."""
    parent = SUB_EVENT_TYPES[sub_event_type]
    if sub_event_type in _VIOLENT_DEMONSTRATIONS:
        return POLITICAL_VIOLENCE_DEMONSTRATIONS
    return {
        Family.VIOLENT: POLITICAL_VIOLENCE,
        Family.DEMONSTRATIONS: DEMONSTRATIONS,
        Family.STRATEGIC: STRATEGIC,
    }[FAMILIES[parent]]


def allowed_disorder_types(sub_event_type: str) -> frozenset[str]:
    """The disorder types a source may give for a sub-event type."""
    family = FAMILIES[SUB_EVENT_TYPES[sub_event_type]]
    if family is Family.STRATEGIC:
        return frozenset({STRATEGIC})
    own = POLITICAL_VIOLENCE if family is Family.VIOLENT else DEMONSTRATIONS
    return frozenset({own, POLITICAL_VIOLENCE_DEMONSTRATIONS})


#: ACLED actor type codes (inter1, inter2); 0 stands for "no actor".
INTER_CODES: Mapping[int, str] = MappingProxyType(
    {
        0: "No actor",
        1: "State forces",
        2: "Rebel groups",
        3: "Political militias",
        4: "Identity militias",
        5: "Rioters",
        6: "Protesters",
        7: "Civilians",
        8: "External/Other forces",
    }
)


def interaction(inter1: int, inter2: int) -> int:
    """ACLED's interaction code: both inter codes, the smaller digit first.

    An event with one actor is that actor's code followed by 0 (``10`` is
    state forces acting alone), so 0 always comes last; ``0`` means no actor.
    """
    for name, code in (("inter1", inter1), ("inter2", inter2)):
        if code not in INTER_CODES:
            raise InputError(name, f"{code!r} is not an ACLED inter code (0-8)")
    if inter1 == 0 or inter2 == 0:
        return max(inter1, inter2) * 10
    low, high = sorted((inter1, inter2))
    return low * 10 + high


#: ACLED time_precision.
TIME_PRECISION: Mapping[int, str] = MappingProxyType({1: "day", 2: "week", 3: "month"})
#: ACLED geo_precision.
GEO_PRECISION: Mapping[int, str] = MappingProxyType(
    {1: "the town itself", 2: "near a place, or part of a region", 3: "a region"}
)
#: UCDP GED date_prec.
DATE_PREC: Mapping[int, str] = MappingProxyType(
    {1: "exact day", 2: "2 to 6 days", 3: "a week", 4: "a month", 5: "a year"}
)
#: UCDP GED where_prec.
WHERE_PREC: Mapping[int, str] = MappingProxyType(
    {
        1: "the exact place",
        2: "within about 25 km of a known place",
        3: "a second-order administrative unit (district)",
        4: "a first-order administrative unit (province)",
        5: "part of a country larger than a province, between places, or a linear feature",
        6: "the whole country",
        7: "water or international airspace",
    }
)
#: UCDP GED type_of_violence.
TYPE_OF_VIOLENCE: Mapping[int, str] = MappingProxyType(
    {1: "state-based conflict", 2: "non-state conflict", 3: "one-sided violence"}
)

_WHERE_TO_GEO = {1: 1, 2: 2, 3: 2, 4: 3, 5: 3, 6: 3, 7: 3}
_GEO_TO_WHERE = {1: 1, 2: 2, 3: 4}


def check_code(field: str, code: int, scale: Mapping[int, str]) -> None:
    """Raise InputError unless `code` is on `scale`."""
    if isinstance(code, bool) or code not in scale:
        raise InputError(field, f"{code!r} is not one of {sorted(scale)}")


def geo_precision_from_where_prec(where_prec: int) -> int:
    """The ACLED geo_precision closest to a UCDP where_prec."""
    check_code("where_prec", where_prec, WHERE_PREC)
    return _WHERE_TO_GEO[where_prec]


def where_prec_from_geo_precision(geo_precision: int) -> int:
    """The UCDP where_prec closest to an ACLED geo_precision."""
    check_code("geo_precision", geo_precision, GEO_PRECISION)
    return _GEO_TO_WHERE[geo_precision]


def date_prec_for_days(days: int) -> int:
    """The UCDP date_prec of a date range that spans `days` calendar days."""
    if days < 1:
        raise InputError("dates", "a date range spans at least one day")
    for limit, code in ((1, 1), (6, 2), (7, 3), (31, 4)):
        if days <= limit:
            return code
    return 5


def time_precision_for_days(days: int) -> int:
    """The ACLED time_precision of a date range that spans `days` calendar days."""
    if days < 1:
        raise InputError("dates", "a date range spans at least one day")
    return 1 if days == 1 else 2 if days <= 7 else 3


class MonitoringKind(StrEnum):
    """What a ceasefire mechanism records that ACLED's types do not name on their own."""

    CEASEFIRE_VIOLATION = "ceasefire_violation"
    HEAVY_WEAPON_SIGHTING = "heavy_weapon_sighting"
    PATROL_ATTACK = "patrol_attack"
    ACCESS_RESTRICTION = "access_restriction"


@dataclass(frozen=True, slots=True)
class MonitoringFit:
    """Where a monitoring kind sits in ACLED's types: a default and what else is allowed."""

    event_type: str
    sub_event_type: str
    allowed: frozenset[tuple[str, str]]


def _pairs(*event_types: str) -> frozenset[tuple[str, str]]:
    return frozenset((parent, sub) for parent in event_types for sub in EVENT_TYPES[parent])


MONITORING_FITS: Mapping[MonitoringKind, MonitoringFit] = MappingProxyType(
    {
        MonitoringKind.CEASEFIRE_VIOLATION: MonitoringFit(
            EXPLOSIONS,
            "Shelling/artillery/missile attack",
            _pairs(BATTLES, EXPLOSIONS, VIOLENCE_AGAINST_CIVILIANS),
        ),
        MonitoringKind.HEAVY_WEAPON_SIGHTING: MonitoringFit(
            STRATEGIC_DEVELOPMENTS,
            "Other",
            frozenset(
                {
                    (STRATEGIC_DEVELOPMENTS, "Other"),
                    (STRATEGIC_DEVELOPMENTS, "Headquarters or base established"),
                }
            ),
        ),
        MonitoringKind.PATROL_ATTACK: MonitoringFit(
            EXPLOSIONS, "Remote explosive/landmine/IED", _pairs(BATTLES, EXPLOSIONS)
        ),
        MonitoringKind.ACCESS_RESTRICTION: MonitoringFit(
            STRATEGIC_DEVELOPMENTS,
            "Other",
            _pairs(PROTESTS, RIOTS) | {(STRATEGIC_DEVELOPMENTS, "Other")},
        ),
    }
)

#: Tags Truceline writes into ACLED's ``tags`` column, and reads back.
TAG_PREFIX = "truceline:"
MONITORING_TAG = TAG_PREFIX + "monitoring="
EXPLOSIONS_TAG = TAG_PREFIX + "explosions="
SHOTS_TAG = TAG_PREFIX + "shots="


def check_monitoring_fit(kind: MonitoringKind, event_type: str, sub_event_type: str) -> None:
    """Raise InputError when a monitoring kind cannot be recorded under these ACLED types."""
    fit = MONITORING_FITS[kind]
    if (event_type, sub_event_type) not in fit.allowed:
        raise InputError(
            "monitoring",
            f"a {kind} cannot be recorded as {event_type!r} / {sub_event_type!r}",
        )
