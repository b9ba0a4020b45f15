"""Request and response schemas of the API, separate from the domain classes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class DocumentOut(_Out):
    id: str
    title: str
    date: date
    place: str
    reference: str
    url: str


class PartyOut(_Out):
    id: str
    name: str
    short_name: str
    roles: list[str]
    colour: str


class ProvisionOut(_Out):
    id: str
    text: str
    category: str
    obligated: list[str]
    effective: datetime
    deadline: datetime | None
    zones: list[str]
    verification: str
    source_document: str
    source_section: str


class AgreementSummaryOut(_Out):
    id: str
    title: str
    crs: str
    parties: int
    provisions: int
    routes: int
    zones: int
    places: int


class AgreementOut(_Out):
    id: str
    title: str
    summary: str
    crs: str
    timezone: str
    format_version: int
    documents: list[DocumentOut]
    parties: list[PartyOut]
    attribution: list[str]


class FeatureOut(_Out):
    type: Literal["Feature"] = "Feature"
    id: str
    geometry: dict[str, Any]
    properties: dict[str, Any]


class FeatureCollectionOut(_Out):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[FeatureOut]


class PlaceOut(_Out):
    id: str
    name: str
    alt_names: list[str]
    lat: float | None
    lon: float | None
    admin1: str
    admin2: str
    source: str
    provenance: str


class PlaceMatchOut(_Out):
    place: PlaceOut
    matched_name: str
    score: float
    exact: bool


class NearbyPlaceOut(_Out):
    place: PlaceOut
    distance_m: float


class PointIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lon: float = Field(ge=-180, le=180, description="Longitude, WGS 84.")
    lat: float = Field(ge=-90, le=90, description="Latitude, WGS 84.")


class ClassifyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    points: list[PointIn] = Field(min_length=1, max_length=100_000)


class ClassifiedPointOut(_Out):
    lon: float
    lat: float
    zones: list[str]
    responsible: list[str]
    km: float | None
    offset_m: float | None
    side: str | None


class ClassifyOut(_Out):
    points: list[ClassifiedPointOut]


class ErrorItem(_Out):
    field: str
    reason: str


class ErrorOut(_Out):
    errors: list[ErrorItem]
