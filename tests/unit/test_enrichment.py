"""Placing a batch gives each incident what placing it alone, point by point, gives."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest

from truceline.adapters.packs import read_pack
from truceline.domain import event_types as vocab
from truceline.domain.breaches import provisions_breached
from truceline.domain.incidents import DateRange, Incident, Links, Location
from truceline.domain.zones import Side
from truceline.packs import example_pack_path
from truceline.services.enrichment import Enricher, Placed
from truceline.services.geography import Geography, rows


@pytest.fixture(scope="module")
def geography() -> Geography:
    return Geography(read_pack(example_pack_path("idlib-m4")))


def one_by_one(geography: Geography, incident: Incident) -> Placed:
    """The links of one incident, from the point-by-point classification and the rules."""
    lon, lat = np.array([incident.location.lon]), np.array([incident.location.lat])
    [point] = rows(geography, lon, lat, geography.classify_arrays(lon, lat))
    route = geography.reference_route
    links = Links(
        zones=point.zones,
        route=None if route is None else route.id,
        km_post=point.km if route is not None else None,
        side={str(side): side for side in Side}.get(point.side or ""),
        distance_to_route_m=None if point.offset_m is None else abs(point.offset_m),
        provisions=provisions_breached(
            geography.agreement,
            event_type=incident.event_type,
            sub_event_type=incident.sub_event_type,
            monitoring=incident.monitoring,
            zones=point.zones,
            dates=incident.dates,
        ),
    )
    parties = set(point.responsible)
    return Placed(replace(incident, links=links), parties.pop() if len(parties) == 1 else None)


def incidents(geography: Geography, count: int, seed: int) -> list[Incident]:
    """Points over the corridor (some on the road), every kind of event, dates around every
    provision's start and deadline and long after."""
    rng = random.Random(seed)
    kinds = [(None, parent, sub) for parent, subs in vocab.EVENT_TYPES.items() for sub in subs]
    kinds += [
        (k, vocab.MONITORING_FITS[k].event_type, vocab.MONITORING_FITS[k].sub_event_type)
        for k in vocab.MonitoringKind
    ]
    ariha = geography.search_places("Ariha", 1)[0].place  # on the road: in both halves
    instants = [
        t.date()
        for p in geography.agreement.provisions
        for t in (p.effective, p.deadline)
        if t is not None
    ]
    made = []
    for n in range(count):
        monitoring, parent, sub = rng.choice(kinds)
        lon, lat = rng.uniform(36.2, 36.9), rng.uniform(35.6, 36.0)
        if n % 10 == 0:
            lon, lat = ariha.lon, ariha.lat
        around = rng.choice([*instants, date(2024, 5, 1)]) + timedelta(days=rng.randint(-4, 4))
        span = rng.choice([0, 0, 3, 15])
        made.append(
            Incident(
                f"inc_t{n}",
                DateRange(around - timedelta(days=span), around + timedelta(days=span)),
                Location(lon, lat),
                parent,
                sub,
                monitoring=monitoring,
            )
        )
    return made


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_batch_is_placed_as_each_incident_would_be_alone(geography: Geography, seed: int) -> None:
    batch = incidents(geography, 400, seed)
    placed = Enricher(geography).place(batch)
    assert placed == [one_by_one(geography, incident) for incident in batch]
    assert any(p.incident.links.provisions for p in placed)
    assert any(len(p.incident.links.zones) == 2 and p.responsible_party is None for p in placed)


def test_an_enricher_remembers_the_rules_without_mixing_batches_up(geography: Geography) -> None:
    enricher = Enricher(geography)
    first, second = incidents(geography, 300, 4), incidents(geography, 300, 5)
    enricher.place(first)
    assert enricher.place(second) == [one_by_one(geography, i) for i in second]
