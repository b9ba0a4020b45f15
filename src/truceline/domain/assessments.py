"""Implementation assessment: periods, the rules a pack declares, and the score they suggest.

A provision's implementation is assessed per period (an ISO week, Monday to
Sunday, or a calendar month) on the Peace Accords Matrix scale: 0 not
initiated, 1 minimal, 2 intermediate, 3 full. A provision may declare one
`AssessmentRule` (``assessed_by`` in its pack); the rule turns the period's
evidence, reduced by the services to plain counts and shares, into a
`Suggestion`: a score, the measure it came from, a sentence saying why, and
the evidence items it counted.

Each rule's measure runs one way. For the two *shares* (patrols completed
of those planned, the route's time observed open) higher is better: with
thresholds ``[a, b, c]`` the score is how many of them the measure reaches
(below a 0, from a 1, from b 2, from c 3). For the two *counts* (heavy-weapon
evidence, violations per week) lower is better: at most a scores 3, at most
b 2, at most c 1, above c 0. Whatever the rule, a period with no evidence at
all scores 0: nothing shows the provision was even begun.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from truceline.domain.errors import InputError

#: The Peace Accords Matrix scale.
SCORE_NAMES: Mapping[int, str] = {
    0: "not initiated",
    1: "minimal",
    2: "intermediate",
    3: "full",
}
SCORES = tuple(SCORE_NAMES)


def score_name(score: int) -> str:
    """The scale's word for a score: 2 is intermediate."""
    return SCORE_NAMES[score]


# --- the rules -------------------------------------------------------------------------------


class RuleKind(StrEnum):
    """How a provision's evidence becomes a score (``assessed_by.rule`` in a pack)."""

    PATROL_COMPLETION = "patrol_completion"
    ROAD_OPEN_SHARE = "road_open_share"
    HEAVY_WEAPONS = "heavy_weapons"
    VIOLATIONS_PER_WEEK = "violations_per_week"


#: The rules whose measure is a share (0 to 1) and better the higher it is.
HIGHER_IS_BETTER = frozenset({RuleKind.PATROL_COMPLETION, RuleKind.ROAD_OPEN_SHARE})

Thresholds = tuple[float, float, float]


@dataclass(frozen=True, slots=True)
class AssessmentRule:
    """The rule a provision is assessed by: its kind, thresholds and parameters.

    `route` is the route a road_open_share rule looks at (required there) or
    the only route a patrol_completion rule counts (optional). `zones`, for
    heavy_weapons only, are where a sighting counts: None means the
    provision's own zones, or, when it has none, every security corridor.
    `observations`, for heavy_weapons only, also counts heavy-weapons
    observations in those zones, which carry no verification status.
    """

    kind: RuleKind
    thresholds: Thresholds
    route: str | None = None
    zones: tuple[str, ...] | None = None
    observations: bool = False

    @property
    def higher_is_better(self) -> bool:
        return self.kind in HIGHER_IS_BETTER


RulePath = tuple[str | int, ...]


def rule_problems(rule: AssessmentRule) -> list[tuple[RulePath, str]]:
    """What makes a rule unusable, each as (path inside the rule, reason); empty when sound.

    Route and zone ids depend on the agreement: the pack reader checks those.
    """
    problems: list[tuple[RulePath, str]] = []
    values = rule.thresholds
    if len(values) != 3:
        problems.append((("thresholds",), "give three thresholds: for scores 1, 2 and 3"))
        return problems
    for k, value in enumerate(values):
        if not math.isfinite(value) or value < 0:
            problems.append((("thresholds", k), f"{value!r} is not a number of 0 or more"))
        elif rule.higher_is_better and value > 1:
            problems.append((("thresholds", k), f"{value!r}: a share runs from 0 to 1"))
    if not problems and not values[0] < values[1] < values[2]:
        problems.append(
            (("thresholds",), f"{list(values)} must rise strictly: [a, b, c], a < b < c")
        )
    if rule.kind is RuleKind.ROAD_OPEN_SHARE and rule.route is None:
        problems.append((("route",), "a road_open_share rule names its route"))
    if rule.route is not None and rule.kind not in HIGHER_IS_BETTER:
        problems.append((("route",), f"a {rule.kind} rule takes no route"))
    if rule.zones is not None and rule.kind is not RuleKind.HEAVY_WEAPONS:
        problems.append((("zones",), f"only a heavy_weapons rule takes zones, not {rule.kind}"))
    if rule.observations and rule.kind is not RuleKind.HEAVY_WEAPONS:
        problems.append(
            (("observations",), f"only a heavy_weapons rule counts observations, not {rule.kind}")
        )
    return problems


def rule_to_dict(rule: AssessmentRule) -> dict[str, Any]:
    """A rule as stored (the pack's keys)."""
    return {
        "rule": str(rule.kind),
        "thresholds": list(rule.thresholds),
        "route": rule.route,
        "zones": None if rule.zones is None else list(rule.zones),
        "observations": rule.observations,
    }


def rule_from_dict(data: Mapping[str, Any]) -> AssessmentRule:
    """The rule `rule_to_dict` stored."""
    a, b, c = (float(v) for v in data["thresholds"])
    zones = data.get("zones")
    return AssessmentRule(
        kind=RuleKind(data["rule"]),
        thresholds=(a, b, c),
        route=data.get("route"),
        zones=None if zones is None else tuple(zones),
        observations=bool(data.get("observations", False)),
    )


# --- what a rule suggests --------------------------------------------------------------------


class EvidenceKind(StrEnum):
    """What an evidence item is."""

    INCIDENT = "incident"
    PATROL = "patrol"
    OBSERVATION = "observation"
    STORAGE_SITE = "storage_site"


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """One record the score rests on: its id, kind, a line about it and where to read it.

    `counts` is True when the item is counted in the measure, False when it
    only shows the provision was watched (a patrol that ran, a sighting not
    yet verified).
    """

    id: str
    kind: EvidenceKind
    text: str
    link: str = ""
    counts: bool = True


@dataclass(frozen=True, slots=True)
class Suggestion:
    """The score a rule suggests for a period, the measure behind it, why, and the evidence.

    `measure` is None when there was no evidence at all.
    """

    rule: RuleKind
    thresholds: Thresholds
    score: int
    measure: float | None
    explanation: str
    evidence: tuple[EvidenceItem, ...] = ()

    @property
    def score_name(self) -> str:
        return score_name(self.score)


def score_at_least(measure: float, thresholds: Thresholds) -> int:
    """Higher is better: how many thresholds the measure reaches (0 to 3)."""
    return sum(1 for t in thresholds if measure >= t)


def score_at_most(measure: float, thresholds: Thresholds) -> int:
    """Lower is better: 3 at most the first threshold, 0 above the last."""
    return 3 - sum(1 for t in thresholds if measure > t)


def _percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _rung(score: int, thresholds: Thresholds, higher: bool, shown: list[str]) -> str:
    """Which threshold the score came from, in words."""
    if higher:
        if score == 0:
            return f"below {shown[0]} scores 0 ({score_name(0)})"
        return f"at least {shown[score - 1]} scores {score} ({score_name(score)})"
    if score == 0:
        return f"above {shown[2]} scores 0 ({score_name(0)})"
    return f"at most {shown[3 - score]} scores {score} ({score_name(score)})"


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"


def _check_thresholds(thresholds: Thresholds) -> None:
    problems = rule_problems(AssessmentRule(RuleKind.HEAVY_WEAPONS, thresholds))
    if problems:
        raise InputError("thresholds", problems[0][1])


def patrol_completion(
    planned: int,
    completed: int,
    thresholds: Thresholds,
    evidence: Sequence[EvidenceItem] = (),
) -> Suggestion:
    """Joint patrols: the share of the period's planned patrols that were completed.

    No patrol planned in the period is no evidence: 0.
    """
    _check_thresholds(thresholds)
    if planned < 0 or not 0 <= completed <= planned:
        raise InputError("completed", f"{completed} completed of {planned} planned is impossible")
    rule = RuleKind.PATROL_COMPLETION
    if planned == 0:
        text = "no joint patrol was planned in the period: no evidence, 0 (not initiated)"
        return Suggestion(rule, thresholds, 0, None, text, tuple(evidence))
    share = completed / planned
    score = score_at_least(share, thresholds)
    shown = [_percent(t) for t in thresholds]
    text = (
        f"{completed} of {_plural(planned, 'planned patrol')} completed ({_percent(share)}): "
        f"{_rung(score, thresholds, True, shown)}"
    )
    return Suggestion(rule, thresholds, score, round(share, 4), text, tuple(evidence))


def road_open_share(
    open_share: float,
    unknown_share: float,
    route_name: str,
    thresholds: Thresholds,
    evidence: Sequence[EvidenceItem] = (),
) -> Suggestion:
    """Road reopening: the share of the period the route was observed open, weighted by length.

    Time and road no report covers count as not open; a period in which no
    report covers any of the route at any time is no evidence: 0.
    """
    _check_thresholds(thresholds)
    for name, share in (("open_share", open_share), ("unknown_share", unknown_share)):
        if not 0 <= share <= 1 + 1e-9:
            raise InputError(name, f"{share!r}: a share runs from 0 to 1")
    rule = RuleKind.ROAD_OPEN_SHARE
    if unknown_share >= 1 - 1e-9:
        text = (
            f"no road-status observation covers {route_name} in the period: "
            "no evidence, 0 (not initiated)"
        )
        return Suggestion(rule, thresholds, 0, None, text, tuple(evidence))
    share = min(1.0, max(0.0, open_share))
    score = score_at_least(share, thresholds)
    shown = [_percent(t) for t in thresholds]
    unknown = f", not known {_percent(unknown_share)}" if unknown_share > 0.005 else ""
    text = (
        f"{route_name} observed open {_percent(share)} of the period{unknown}: "
        f"{_rung(score, thresholds, True, shown)}"
    )
    return Suggestion(rule, thresholds, score, round(share, 4), text, tuple(evidence))


def heavy_weapons(
    sightings: int,
    discrepant_sites: int,
    watched: bool,
    thresholds: Thresholds,
    evidence: Sequence[EvidenceItem] = (),
) -> Suggestion:
    """Heavy-weapons withdrawal: verified sightings in the zones during the period, plus the
    storage sites whose latest observation by the period's end shows a discrepancy.

    The measure is their sum, lower being better (none scores 3 with the
    usual first threshold 0). `watched` says whether anything at all was
    recorded that bears on it (a sighting, verified or not; an observation in
    the zones; a storage-site observation; a joint patrol that ran): without
    it there is no evidence, 0.
    """
    _check_thresholds(thresholds)
    if sightings < 0 or discrepant_sites < 0:
        raise InputError("sightings", "counts are 0 or more")
    rule = RuleKind.HEAVY_WEAPONS
    measure = sightings + discrepant_sites
    if measure == 0 and not watched:
        text = (
            "nothing recorded in the period bears on heavy weapons (no sighting, no observation "
            "in the zones, no storage-site check, no patrol): no evidence, 0 (not initiated)"
        )
        return Suggestion(rule, thresholds, 0, None, text, tuple(evidence))
    score = score_at_most(measure, thresholds)
    shown = [_number(t) for t in thresholds]
    text = (
        f"{_plural(sightings, 'verified heavy-weapon sighting')} in the zones and "
        f"{_plural(discrepant_sites, 'storage site')} with unresolved discrepancies, "
        f"{measure} against the provision: {_rung(score, thresholds, False, shown)}"
    )
    return Suggestion(rule, thresholds, score, float(measure), text, tuple(evidence))


def violations_per_week(
    violations: int,
    weeks: float,
    watched: bool,
    thresholds: Thresholds,
    evidence: Sequence[EvidenceItem] = (),
) -> Suggestion:
    """A ceasefire: verified incidents breaching the provision, per week of the period.

    Lower is better. `watched` says whether anything was recorded in the
    period (an incident linked to the provision whatever its status, an
    observation, a joint patrol that ran): without it there is no evidence, 0.
    """
    _check_thresholds(thresholds)
    if violations < 0:
        raise InputError("violations", "a count is 0 or more")
    if not weeks > 0:
        raise InputError("weeks", "a period lasts a positive time")
    rule = RuleKind.VIOLATIONS_PER_WEEK
    if violations == 0 and not watched:
        text = (
            "nothing was recorded in the period (no incident linked to the provision, no "
            "observation, no patrol): no evidence, 0 (not initiated)"
        )
        return Suggestion(rule, thresholds, 0, None, text, tuple(evidence))
    rate = violations / weeks
    score = score_at_most(rate, thresholds)
    shown = [f"{_number(t)} a week" for t in thresholds]
    text = (
        f"{_plural(violations, 'verified violation')} in {_number(weeks)} "
        f"{'week' if weeks == 1 else 'weeks'}, {_number(rate)} a week: "
        f"{_rung(score, thresholds, False, shown)}"
    )
    return Suggestion(rule, thresholds, score, round(rate, 4), text, tuple(evidence))
