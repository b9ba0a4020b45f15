"""Zones and routes as GeoJSON, places, and point classification."""

from __future__ import annotations

import json
from typing import Annotated, Any

import shapely
from fastapi import APIRouter, Query

from truceline.domain.places import Place
from truceline.entrypoints.api.deps import GeographyDep
from truceline.entrypoints.api.schemas import (
    ClassifiedPointOut,
    ClassifyIn,
    ClassifyOut,
    FeatureCollectionOut,
    FeatureOut,
    NearbyPlaceOut,
    PlaceMatchOut,
    PlaceOut,
)

router = APIRouter(prefix="/api/agreements/{agreement_id}", tags=["geography"])


def geojson(geometry: Any) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(shapely.to_geojson(geometry))
    return value


@router.get("/zones", response_model=FeatureCollectionOut)
def zones(geo: GeographyDep) -> FeatureCollectionOut:
    """The zones as a GeoJSON FeatureCollection (WGS 84), with kind and responsible party."""
    parties = {p.id: p for p in geo.agreement.parties}
    features = []
    for z in geo.agreement.zones:
        party = parties.get(z.responsible_party or "")
        features.append(
            FeatureOut(
                id=z.id,
                geometry=geojson(z.geometry),
                properties={
                    "name": z.name,
                    "kind": str(z.kind),
                    "responsible_party": z.responsible_party,
                    "responsible_name": party.short_name if party else None,
                    "colour": z.colour or (party.colour if party else ""),
                    "derivation": None
                    if z.derivation is None
                    else {
                        "route": z.derivation.route,
                        "width_km": z.derivation.width_km,
                        "side": str(z.derivation.side),
                    },
                },
            )
        )
    return FeatureCollectionOut(features=features)


@router.get("/routes", response_model=FeatureCollectionOut)
def routes(geo: GeographyDep) -> FeatureCollectionOut:
    """The routes as GeoJSON LineStrings, with their accuracy and vertex provenance."""
    return FeatureCollectionOut(
        features=[
            FeatureOut(
                id=r.id,
                geometry=geojson(r.line),
                properties={
                    "name": r.name,
                    "length_km": round(geo.frame.to_metric(r.line).length / 1000, 3),
                    "km_start": r.km_start,
                    "accuracy_m": r.accuracy_m,
                    "accuracy_note": r.accuracy_note,
                    "end_note": r.end_note,
                    "vertices": [{"name": v.name, "source": v.source} for v in r.vertices],
                },
            )
            for r in geo.agreement.routes
        ]
    )


@router.get("/routes/{route_id}/km-posts", response_model=FeatureCollectionOut)
def km_posts(route_id: str, geo: GeographyDep) -> FeatureCollectionOut:
    """The route's kilometre posts as GeoJSON points."""
    route = geo.route(route_id)
    return FeatureCollectionOut(
        features=[
            FeatureOut(
                id=f"{route.id}-km-{p.km:g}",
                geometry={"type": "Point", "coordinates": [round(p.lon, 6), round(p.lat, 6)]},
                properties={"route": route.id, "km": p.km},
            )
            for p in geo.km_posts(route)
        ]
    )


def place_out(p: Place) -> PlaceOut:
    return PlaceOut(
        id=p.id,
        name=p.name,
        alt_names=list(p.alt_names),
        lat=p.lat,
        lon=p.lon,
        admin1=p.admin1,
        admin2=p.admin2,
        source=p.source,
        provenance=p.provenance,
    )


@router.get("/places", response_model=FeatureCollectionOut)
def places(geo: GeographyDep) -> FeatureCollectionOut:
    """The gazetteer's places that have coordinates, as GeoJSON points."""
    return FeatureCollectionOut(
        features=[
            FeatureOut(
                id=p.id,
                geometry={"type": "Point", "coordinates": [p.lon, p.lat]},
                properties={
                    "name": p.name,
                    "alt_names": list(p.alt_names),
                    "admin1": p.admin1,
                    "source": p.source,
                },
            )
            for p in geo.agreement.places
            if p.lon is not None and p.lat is not None
        ]
    )


@router.get("/places/search", response_model=list[PlaceMatchOut])
def search_places(
    geo: GeographyDep,
    q: Annotated[
        str, Query(min_length=1, max_length=200, description="A name in any common spelling.")
    ],
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> list[PlaceMatchOut]:
    """Places by name, fuzzy and transliteration-aware; an unknown name matches nothing."""
    return [
        PlaceMatchOut(
            place=place_out(m.place), matched_name=m.matched_name, score=m.score, exact=m.exact
        )
        for m in geo.search_places(q, limit=limit)
    ]


@router.get("/places/nearest", response_model=list[NearbyPlaceOut])
def nearest_places(
    geo: GeographyDep,
    lon: Annotated[float, Query(ge=-180, le=180)],
    lat: Annotated[float, Query(ge=-90, le=90)],
    limit: Annotated[int, Query(ge=1, le=100)] = 5,
) -> list[NearbyPlaceOut]:
    """The places nearest to a point."""
    return [
        NearbyPlaceOut(place=place_out(n.place), distance_m=round(n.distance_m, 1))
        for n in geo.nearest_places(lon, lat, limit=limit)
    ]


@router.post("/classify", response_model=ClassifyOut)
def classify(body: ClassifyIn, geo: GeographyDep) -> ClassifyOut:
    """Each point's zones, responsible parties, km post, side and distance to the route."""
    result = geo.classify([(p.lon, p.lat) for p in body.points])
    return ClassifyOut(
        points=[
            ClassifiedPointOut(
                lon=r.lon,
                lat=r.lat,
                zones=list(r.zones),
                responsible=list(r.responsible),
                km=r.km,
                offset_m=r.offset_m,
                side=r.side,
            )
            for r in result
        ]
    )
