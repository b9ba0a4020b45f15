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
from dataclasses import dataclass, replace
from datetime import timedelta

import numpy as np

from truceline.domain.breaches import provisions_breached
from truceline.domain.duplicates import DuplicateCandidate, possible_duplicates
from truceline.domain.incidents import Incident, Links
from truceline.domain.zones import Side
from truceline.services.geography import Geography, rows
from truceline.services.unit_of_work import UnitOfWork

#: Kilometres per degree of latitude (and of longitude at the equator), for search boxes.
_KM_PER_DEGREE = 111.32
_SIDES = {str(side): side for side in Side}


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

    def place(self, incidents: Sequence[Incident]) -> list[Placed]:
        """Each incident with its `Links` computed afresh (vectorized over the batch)."""
        if not incidents:
            return []
        lon = np.fromiter((i.location.lon for i in incidents), np.float64, len(incidents))
        lat = np.fromiter((i.location.lat for i in incidents), np.float64, len(incidents))
        geo = self.geography
        points = rows(geo, lon, lat, geo.classify_arrays(lon, lat))
        route = geo.reference_route
        placed: list[Placed] = []
        for incident, point in zip(incidents, points, strict=True):
            links = Links(
                zones=point.zones,
                route=None if route is None else route.id,
                km_post=point.km if route is not None else None,
                side=_SIDES.get(point.side or ""),
                distance_to_route_m=None if point.offset_m is None else abs(point.offset_m),
                provisions=provisions_breached(
                    self.agreement,
                    event_type=incident.event_type,
                    sub_event_type=incident.sub_event_type,
                    monitoring=incident.monitoring,
                    zones=point.zones,
                    dates=incident.dates,
                ),
            )
            # On the shared edge of two parties' zones (the road itself) no one party answers.
            parties = set(point.responsible)
            responsible = parties.pop() if len(parties) == 1 else None
            placed.append(Placed(replace(incident, links=links), responsible))
        return placed


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
