"""The shape of agreement.yaml, checked with pydantic (unknown keys are refused)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from truceline.domain.agreements import BreachRule, PartyRole, ProvisionCategory
from truceline.domain.assessments import AssessmentRule, RuleKind
from truceline.domain.event_types import Family, MonitoringKind
from truceline.domain.zones import Side, ZoneKind

Ident = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date_if_date_only(value: object) -> object:
    """A quoted "2020-03-15" is a date, as it is unquoted, not midnight without an offset."""
    if isinstance(value, str) and _DATE_ONLY.match(value.strip()):
        return date.fromisoformat(value.strip())
    return value


#: A date (read in the agreement's time zone) or a time with a UTC offset.
Moment = Annotated[datetime | date, BeforeValidator(_date_if_date_only)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DocumentIn(_Strict):
    id: Ident
    title: Text
    date: date
    place: Text
    reference: Text
    url: str = ""


class PartyIn(_Strict):
    id: Ident
    name: Text
    short_name: str = ""
    roles: list[PartyRole] = Field(min_length=1)
    colour: Colour | None = None


class SourceRefIn(_Strict):
    document: Ident
    section: Text


class BreachRuleIn(_Strict):
    families: list[Family] = Field(default_factory=list)
    event_types: list[Text] = Field(default_factory=list)
    sub_event_types: list[Text] = Field(default_factory=list)
    monitoring: list[MonitoringKind] = Field(default_factory=list)
    zones: list[Ident] | None = None
    after: Literal["effective", "deadline"] = "effective"

    def rule(self) -> BreachRule:
        """The domain rule this entry declares."""
        return BreachRule(
            families=tuple(self.families),
            event_types=tuple(self.event_types),
            sub_event_types=tuple(self.sub_event_types),
            monitoring=tuple(self.monitoring),
            zones=None if self.zones is None else tuple(self.zones),
            after=self.after,
        )


class AssessmentRuleIn(_Strict):
    rule: RuleKind
    thresholds: list[float] = Field(min_length=3, max_length=3)
    route: Ident | None = None
    zones: list[Ident] | None = None
    observations: bool = False

    def assessment_rule(self) -> AssessmentRule:
        """The domain rule this entry declares."""
        a, b, c = self.thresholds
        return AssessmentRule(
            kind=self.rule,
            thresholds=(a, b, c),
            route=self.route,
            zones=None if self.zones is None else tuple(self.zones),
            observations=self.observations,
        )


class ProvisionIn(_Strict):
    id: Ident
    text: Text
    category: ProvisionCategory
    obligated: list[Ident] = Field(min_length=1)
    effective: Moment
    deadline: Moment | None = None
    zones: list[Ident] = Field(default_factory=list)
    verification: Text
    source: SourceRefIn
    breached_by: list[BreachRuleIn] = Field(default_factory=list)
    assessed_by: AssessmentRuleIn | None = None


class RouteIn(_Strict):
    id: Ident
    name: Text
    feature: Ident
    km_start: float = 0.0
    km_step: float = Field(default=1.0, gt=0)
    accuracy_m: float = Field(gt=0)
    accuracy_note: Text
    end_note: str = ""


class CorridorIn(_Strict):
    route: Ident
    width_km: float = Field(gt=0, le=200)
    side: Side


class ZoneIn(_Strict):
    id: Ident
    name: Text
    kind: ZoneKind
    responsible: Ident | None = None
    colour: Colour | None = None
    corridor: CorridorIn | None = None
    feature: Ident | None = None


class MechanismIn(_Strict):
    patrol_route: Ident | None = None
    patrol_start_unacknowledged: bool = False
    hotline_escalation_minutes: int = Field(default=30, ge=1, le=10080)


class AgreementIn(_Strict):
    format: str
    id: Ident
    title: Text
    summary: str = ""
    timezone: Text
    crs: str = "auto"
    documents: list[DocumentIn] = Field(min_length=1)
    parties: list[PartyIn] = Field(min_length=1)
    provisions: list[ProvisionIn] = Field(default_factory=list)
    routes: list[RouteIn] = Field(default_factory=list)
    zones: list[ZoneIn] = Field(default_factory=list)
    attribution: list[Text] = Field(default_factory=list)
    mechanism: MechanismIn = Field(default_factory=MechanismIn)
