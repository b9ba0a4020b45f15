"""Enrichment: what an incident is linked to, computed on every write and again when zones change.

From the incident's point and the agreement's geography: the zones it lies
in and the party responsible for them, its kilometre post, side of and
distance to the agreement's reference route; from the pack's breach rules,
the provisions it may breach; from the incidents already stored, the ones it
may duplicate. None of it is stated by whoever reports: it is derived, never
signed, and recomputed whenever the agreement's zones change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta

import numpy as np

from truceline.adapters.classifier import Classification
from truceline.domain.breaches import provisions_breached
from truceline.domain.duplicates import DuplicateCandidate, possible_duplicates
from truceline.domain.event_types import MonitoringKind
from truceline.domain.incidents import DateRange, Incident, Links
from truceline.domain.zones import Side
from truceline.services.geography import Geography, compass_sides, finite_or_none
from truceline.services.unit_of_work import UnitOfWork

#: Kilometres per degree of latitude (and of longitude at the equator), for search boxes.
_KM_PER_DEGREE = 111.32
_SIDES = {str(side): side for side in Side}
_INCIDENT_FIELDS = tuple(f.name for f in fields(Incident) if f.name != "links")
#: Distinct breach-rule inputs remembered before the memo starts afresh.
_MEMO_SIZE = 100_000
_BreachKey = tuple[str, str, MonitoringKind | None, tuple[str, ...], date]


@dataclass(frozen=True, slots=True)
class DuplicatePolicy:
    """When two incidents may be the same event (see `domain.duplicates`)."""

    max_km: float = 5.0
    max_days: int = 2
    min_text_similarity: float = 0.3
    #: At most this many stored incidents are compared with a new one.
    candidates: int = 500


@dataclass(frozen=True, slots=True)
class Placed:
    """An incident with its links, and the one party answering for where it happened.

    None when no zone's party answers for the point, or when it lies where two
    parties' zones meet (the responsible-party filter then finds it under each).
    """

    incident: Incident
    responsible_party: str | None


class Enricher:
    """Links incidents to one agreement's zones, route and provisions."""

    def __init__(self, geography: Geography) -> None:
        self.geography = geography
        self.agreement = geography.agreement
        self._provisions: dict[_BreachKey, tuple[str, ...]] = {}
        # Breach rules compare an incident's dates with the provisions' effective times and
        # deadlines only: every date some days after the last of them breaches alike.
        instants = [
            instant.date()
            for provision in self.agreement.provisions
            for instant in (provision.effective, provision.deadline)
            if instant is not None
        ]
        self._alike_after = max(instants, default=date.min) + timedelta(days=3)

    def place(self, incidents: Sequence[Incident]) -> list[Placed]:
        """Each incident with its `Links` computed afresh (vectorized over the batch).

        The points are classified together; the zones, the party answering
        for them and the provisions breached are worked out once per distinct
        combination, not once per incident.
        """
        if not incidents:
            return []
        n = len(incidents)
        lon = np.fromiter((i.location.lon for i in incidents), np.float64, n)
        lat = np.fromiter((i.location.lat for i in incidents), np.float64, n)
        geo = self.geography
        result = geo.classify_arrays(lon, lat)
        route = geo.reference_route
        route_id = None if route is None else route.id
        members = _memberships(result)
        if route is None:
            kms: list[float | None] = [None] * n
            offsets: list[float | None] = [None] * n
            sides: list[str | None] = [None] * n
        else:
            kms = [finite_or_none(km, 3) for km in result.km.tolist()]
            offsets = [finite_or_none(offset, 1) for offset in result.offset_m.tolist()]
            sides = compass_sides(geo, lon, lat, result.km)
        placed: list[Placed] = []
        for incident, (zones, responsible), km, offset, side in zip(
            incidents, members, kms, offsets, sides, strict=True
        ):
            links = Links(
                zones=zones,
                route=route_id,
                km_post=km,
                side=_SIDES.get(side or ""),
                distance_to_route_m=None if offset is None else abs(offset),
                provisions=self._breached(incident, zones),
            )
            placed.append(Placed(_with_links(incident, links), responsible))
        return placed

    def _breached(self, incident: Incident, zones: tuple[str, ...]) -> tuple[str, ...]:
        """The provisions an incident in these zones may breach (remembered per combination)."""
        end = min(incident.dates.end, self._alike_after)
        key = (incident.event_type, incident.sub_event_type, incident.monitoring, zones, end)
        found = self._provisions.get(key)
        if found is None:
            if len(self._provisions) >= _MEMO_SIZE:
                self._provisions.clear()
            found = self._provisions[key] = provisions_breached(
                self.agreement,
                event_type=incident.event_type,
                sub_event_type=incident.sub_event_type,
                monitoring=incident.monitoring,
                zones=zones,
                dates=incident.dates if end == incident.dates.end else DateRange.day(end),
            )
        return found


def _memberships(result: Classification) -> list[tuple[tuple[str, ...], str | None]]:
    """Per point: the zones holding it (in the agreement's order) and the party answering.

    On the shared edge of two parties' zones (the road itself) no one party
    answers. Worked out once per distinct combination of zones in the batch.
    """
    n = result.inside.shape[0]
    if not result.zone_ids:
        return [((), None)] * n
    patterns, which = np.unique(result.inside, axis=0, return_inverse=True)
    kinds = []
    for pattern in patterns:
        held = np.flatnonzero(pattern).tolist()
        parties = {party for j in held if (party := result.responsible[j]) is not None}
        answering = parties.pop() if len(parties) == 1 else None
        kinds.append((tuple(result.zone_ids[j] for j in held), answering))
    return [kinds[k] for k in which.reshape(-1).tolist()]


def _with_links(incident: Incident, links: Links) -> Incident:
    """`incident` with these links, without running the incident's own checks again.

    `dataclasses.replace` would build the incident anew and check every field
    once more; only the links change, `Links` checks them itself, and none of
    the incident's checks looks at them.
    """
    copy = object.__new__(Incident)
    for name in _INCIDENT_FIELDS:
        object.__setattr__(copy, name, getattr(incident, name))
    object.__setattr__(copy, "links", links)
    return copy


def duplicates_of(
    uow: UnitOfWork, agreement_id: str, incident: Incident, policy: DuplicatePolicy
) -> list[DuplicateCandidate]:
    """Stored incidents that may describe the same event as `incident`, best first."""
    lat = incident.location.lat
    dlat = policy.max_km / _KM_PER_DEGREE
    dlon = policy.max_km / (_KM_PER_DEGREE * max(0.01, float(np.cos(np.radians(lat)))))
    box = (
        incident.location.lon - dlon,
        lat - dlat,
        incident.location.lon + dlon,
        lat + dlat,
    )
    window = timedelta(days=policy.max_days)
    dates = (incident.dates.start - window, incident.dates.end + window)
    others = uow.incidents.near(agreement_id, str(incident.family), box, dates, policy.candidates)
    return possible_duplicates(
        incident,
        others,
        max_km=policy.max_km,
        max_days=policy.max_days,
        min_text_similarity=policy.min_text_similarity,
    )
