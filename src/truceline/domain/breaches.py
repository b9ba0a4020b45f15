"""Which provisions an incident may breach, by the rules the agreement pack declares.

Each provision lists `BreachRule`s (domain/agreements.py); an incident may
breach the provision when any one of them matches. A rule matches when every
criterion it gives matches: the incident's family, event type, sub-event type
and monitoring kind are each one of the rule's; its zones meet the rule's
zones (the provision's own when the rule names none; anywhere when neither
does); and some part of its dates lies after the provision's effective time
or, with ``after: deadline``, its deadline.

Dates are whole days in the agreement's time zone: day D runs from D 00:00 to
D+1 00:00 local time. An instant is read to the second, as packs write them,
so time after it starts at the end of that second: a date-only deadline,
stored as 23:59:59 local, is broken by events of the next day, not of its own.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from truceline.domain import event_types as vocab
from truceline.domain.agreements import Agreement, BreachRule, Provision
from truceline.domain.errors import InputError
from truceline.domain.event_types import Family, MonitoringKind
from truceline.domain.incidents import DateRange

AFTER_EFFECTIVE = "effective"
AFTER_DEADLINE = "deadline"
#: The instants of a provision a rule may count from.
AFTER = (AFTER_EFFECTIVE, AFTER_DEADLINE)
#: The criteria of which a rule gives at least one.
CRITERIA = ("families", "event_types", "sub_event_types", "monitoring")

_SECOND = timedelta(seconds=1)

#: Where, inside a rule, a problem is: ("sub_event_types", 1).
RulePath = tuple[str | int, ...]


def provisions_breached(
    agreement: Agreement,
    *,
    event_type: str,
    sub_event_type: str,
    monitoring: MonitoringKind | None,
    zones: Collection[str],
    dates: DateRange,
) -> tuple[str, ...]:
    """The ids of the provisions an incident may breach, in the agreement's order."""
    family = vocab.family_of(event_type)
    inside = frozenset(zones)
    until = datetime.combine(
        dates.end + timedelta(days=1), time(0), tzinfo=ZoneInfo(agreement.timezone)
    )
    return tuple(
        provision.id
        for provision in agreement.provisions
        if any(
            _types_match(rule, family, event_type, sub_event_type, monitoring)
            and _zones_match(rule, provision, inside)
            and _time_matches(rule, provision, until)
            for rule in provision.breached_by
        )
    )


def rule_problems(rule: BreachRule) -> list[tuple[RulePath, str]]:
    """What makes a rule unusable, each as (path inside the rule, reason); empty when sound.

    Checks the vocabulary (families, ACLED types, monitoring kinds, `after`)
    and that some incident could meet every criterion at once. Zone ids and
    whether the provision has a deadline depend on the agreement: the pack
    reader checks those.
    """
    problems: list[tuple[RulePath, str]] = []
    if not any(getattr(rule, name) for name in CRITERIA):
        problems.append(((), f"a rule gives at least one of {', '.join(CRITERIA)}"))
    for k, family in enumerate(rule.families):
        if family not in set(Family):
            problems.append((("families", k), f"unknown family {family!r}"))
    for k, kind in enumerate(rule.monitoring):
        if kind not in set(MonitoringKind):
            problems.append((("monitoring", k), f"unknown monitoring kind {kind!r}"))
    for k, event_type in enumerate(rule.event_types):
        if event_type not in vocab.EVENT_TYPES:
            known = ", ".join(vocab.EVENT_TYPES)
            problems.append(
                (("event_types", k), f"unknown ACLED event type {event_type!r} (known: {known})")
            )
    for k, sub in enumerate(rule.sub_event_types):
        parent = vocab.SUB_EVENT_TYPES.get(sub)
        if parent is None:
            problems.append(
                (
                    ("sub_event_types", k),
                    f"unknown ACLED sub-event type {sub!r}; see docs/incidents.md",
                )
            )
        elif rule.event_types and parent not in rule.event_types:
            problems.append(
                (
                    ("sub_event_types", k),
                    f"{sub!r} belongs to {parent!r}, none of the rule's event_types",
                )
            )
    if rule.after not in AFTER:
        problems.append((("after",), f"{rule.after!r} is not one of {', '.join(AFTER)}"))
    if not problems and not _satisfiable(rule):
        problems.append(
            (
                (),
                "no incident can meet all of this rule's criteria at once: criteria combine "
                "with AND, so give alternatives as separate rules",
            )
        )
    return problems


def _types_match(
    rule: BreachRule,
    family: Family,
    event_type: str,
    sub_event_type: str,
    monitoring: MonitoringKind | None,
) -> bool:
    return (
        (not rule.families or family in rule.families)
        and (not rule.event_types or event_type in rule.event_types)
        and (not rule.sub_event_types or sub_event_type in rule.sub_event_types)
        and (not rule.monitoring or monitoring in rule.monitoring)
    )


def _zones_match(rule: BreachRule, provision: Provision, inside: frozenset[str]) -> bool:
    wanted = provision.zones if rule.zones is None else rule.zones
    return not wanted or not inside.isdisjoint(wanted)


def _time_matches(rule: BreachRule, provision: Provision, until: datetime) -> bool:
    if rule.after == AFTER_EFFECTIVE:
        instant: datetime | None = provision.effective
    elif rule.after == AFTER_DEADLINE:
        instant = provision.deadline
    else:
        raise InputError("after", f"{rule.after!r} is not one of {', '.join(AFTER)}")
    return instant is not None and until - instant > _SECOND


def _satisfiable(rule: BreachRule) -> bool:
    """Whether some valid incident (ACLED types, monitoring kind) meets the rule's criteria."""
    for sub, parent in vocab.SUB_EVENT_TYPES.items():
        family = vocab.FAMILIES[parent]
        for kind in (None, *MonitoringKind):
            if kind is not None and (parent, sub) not in vocab.MONITORING_FITS[kind].allowed:
                continue
            if _types_match(rule, family, parent, sub, kind):
                return True
    return False
