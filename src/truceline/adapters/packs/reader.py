"""Read an agreement pack directory into an Agreement, or report every problem in it.

Stages: parse (YAML, GeoJSON, CSV) -> validate (shape, cross-references,
geometry) -> build (project, derive corridors). Nothing is written anywhere:
storing is the service's job, and it only ever receives a complete Agreement.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import shapely
from pydantic import ValidationError
from shapely.geometry import LineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from truceline.adapters.packs.checks import ROUTES_FILE, ZONES_FILE, check_references
from truceline.adapters.packs.geojson_source import Feature, read_feature_collection
from truceline.adapters.packs.places_csv import read_places
from truceline.adapters.packs.schema import AgreementIn, RouteIn, ZoneIn
from truceline.adapters.packs.yaml_source import YamlDocument, parse_yaml
from truceline.adapters.projection import MetricFrame
from truceline.domain.agreements import (
    Agreement,
    Mechanism,
    Party,
    Provision,
    SourceDocument,
    SourceRef,
)
from truceline.domain.errors import GeometryError, PackError, Problem
from truceline.domain.geometry import corridor_half, invalid_reason
from truceline.domain.places import Place
from truceline.domain.zones import CorridorSpec, Route, RouteVertex, Zone

PACK_FORMAT = "truceline-pack/1"
AGREEMENT_FILE = "agreement.yaml"
PLACES_FILE = "places.csv"
PACK_FILES = (AGREEMENT_FILE, ROUTES_FILE, ZONES_FILE, PLACES_FILE)
MAX_FILE_BYTES = 64 * 1024 * 1024


def digest_of(texts: dict[str, str | None]) -> str:
    """SHA-256 over the pack's files as read, names included, so any edit changes it."""
    digest = hashlib.sha256()
    for name in PACK_FILES:
        text = texts.get(name)
        if text is not None:
            digest.update(name.encode() + b"\0" + text.encode("utf-8") + b"\0")
    return digest.hexdigest()


def read_pack(path: Path) -> Agreement:
    """The agreement the pack at `path` declares; PackError listing every problem otherwise."""
    return read_pack_with_digest(path)[0]


def read_pack_with_digest(path: Path) -> tuple[Agreement, str]:
    """The agreement and the digest of exactly the bytes it was built from."""
    path = Path(path)
    if not path.is_dir():
        raise PackError([Problem(str(path), "", "not a directory")])
    problems: list[Problem] = []
    texts = {name: _read_text(path, name, problems) for name in PACK_FILES}
    if texts[AGREEMENT_FILE] is None and not any(p.file.endswith(AGREEMENT_FILE) for p in problems):
        problems.append(Problem(str(path / AGREEMENT_FILE), "", "missing: every pack needs one"))

    model: AgreementIn | None = None
    doc: YamlDocument | None = None
    agreement_text = texts[AGREEMENT_FILE]
    if agreement_text is not None:
        doc, yaml_problems = parse_yaml(agreement_text, str(path / AGREEMENT_FILE))
        problems.extend(yaml_problems)
        if doc is not None:
            model = _validate_model(doc, problems)

    route_features = _features(path, texts, ROUTES_FILE, ("LineString",), problems)
    zone_features = _features(path, texts, ZONES_FILE, ("Polygon", "MultiPolygon"), problems)
    places: list[Place] = []
    places_text = texts[PLACES_FILE]
    if places_text is not None:
        places, place_problems = read_places(places_text, str(path / PLACES_FILE))
        problems.extend(place_problems)

    if model is None or doc is None:
        raise PackError(problems)
    check_references(model, doc, route_features, zone_features, problems)
    if problems:
        raise PackError(problems)
    return _build(model, doc, route_features, zone_features, places, path), digest_of(texts)


def _read_text(path: Path, name: str, problems: list[Problem]) -> str | None:
    file = path / name
    if not file.is_file():
        return None
    if file.stat().st_size > MAX_FILE_BYTES:
        problems.append(Problem(str(file), "", f"larger than {MAX_FILE_BYTES // 2**20} MiB"))
        return None
    try:
        return file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        problems.append(Problem(str(file), f"byte {err.start}", "not UTF-8 text"))
        return None


def _features(
    path: Path,
    texts: dict[str, str | None],
    name: str,
    allowed: tuple[str, ...],
    problems: list[Problem],
) -> dict[str, Feature]:
    text = texts[name]
    if text is None:
        return {}
    features, feature_problems = read_feature_collection(text, str(path / name), allowed)
    problems.extend(feature_problems)
    return features


def _validate_model(doc: YamlDocument, problems: list[Problem]) -> AgreementIn | None:
    if not isinstance(doc.data, dict):
        problems.append(doc.problem((), "the top level must be a mapping"))
        return None
    try:
        model = AgreementIn.model_validate(doc.data)
    except ValidationError as err:
        for error in err.errors():
            loc = tuple(p for p in error["loc"] if not _is_union_tag(p))
            problems.append(doc.problem(loc, error["msg"]))
        return None
    if model.format != PACK_FORMAT:
        problems.append(doc.problem(("format",), f"expected {PACK_FORMAT!r}, got {model.format!r}"))
        return None
    return model


def _is_union_tag(part: Any) -> bool:
    return isinstance(part, str) and part in {"datetime", "date", "function-after[...]"}


def _as_datetime(value: datetime | date, tz: ZoneInfo, end_of_day: bool) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    moment = datetime.combine(value, time(0, 0), tzinfo=tz)
    if end_of_day:
        moment = moment + timedelta(days=1) - timedelta(seconds=1)
    return moment.astimezone(UTC)


def _frame(model: AgreementIn, geometries: list[BaseGeometry]) -> MetricFrame:
    if model.crs != "auto":
        return MetricFrame(model.crs)
    if not geometries:
        return MetricFrame.for_point(0.0, 0.0)
    centre = shapely.GeometryCollection(geometries).centroid
    return MetricFrame.for_point(centre.x, centre.y)


def _build(
    model: AgreementIn,
    doc: YamlDocument,
    route_features: dict[str, Feature],
    zone_features: dict[str, Feature],
    places: list[Place],
    path: Path,
) -> Agreement:
    tz = ZoneInfo(model.timezone)
    used = [route_features[r.feature].geometry for r in model.routes]
    used += [zone_features[z.feature].geometry for z in model.zones if z.feature]
    frame = _frame(model, used)
    routes = tuple(_route(r, route_features[r.feature]) for r in model.routes)
    by_id = {r.id: r for r in routes}
    problems: list[Problem] = []
    zones: list[Zone] = []
    for index, zone in enumerate(model.zones):
        built = _zone(zone, index, doc, by_id, zone_features, frame, problems)
        if built is not None:
            zones.append(built)
    if problems:
        raise PackError(problems)
    return Agreement(
        id=model.id,
        title=model.title,
        summary=model.summary.strip(),
        format_version=1,
        crs=frame.name,
        timezone=model.timezone,
        documents=tuple(
            SourceDocument(d.id, d.title, d.date, d.place, d.reference, d.url)
            for d in model.documents
        ),
        parties=tuple(
            Party(p.id, p.name, tuple(p.roles), p.short_name or p.name, p.colour or "")
            for p in model.parties
        ),
        provisions=tuple(
            Provision(
                id=p.id,
                text=" ".join(p.text.split()),
                category=p.category,
                obligated=tuple(p.obligated),
                effective=_as_datetime(p.effective, tz, end_of_day=False),
                deadline=None
                if p.deadline is None
                else _as_datetime(p.deadline, tz, end_of_day=True),
                zones=tuple(p.zones),
                verification=" ".join(p.verification.split()),
                source=SourceRef(p.source.document, p.source.section),
                breached_by=tuple(rule.rule() for rule in p.breached_by),
                assessed_by=None if p.assessed_by is None else p.assessed_by.assessment_rule(),
            )
            for p in model.provisions
        ),
        routes=routes,
        zones=tuple(zones),
        places=tuple(places),
        attribution=tuple(model.attribution),
        mechanism=Mechanism(
            patrol_route=model.mechanism.patrol_route,
            patrol_start_unacknowledged=model.mechanism.patrol_start_unacknowledged,
            hotline_escalation=timedelta(minutes=model.mechanism.hotline_escalation_minutes),
        ),
    )


def _route(route: RouteIn, feature: Feature) -> Route:
    line = feature.geometry
    assert isinstance(line, LineString)
    vertices = tuple(
        RouteVertex(str(v["name"]), str(v["source"])) for v in feature.properties["vertices"]
    )
    return Route(
        id=route.id,
        name=route.name,
        line=line,
        vertices=vertices,
        accuracy_m=route.accuracy_m,
        accuracy_note=" ".join(route.accuracy_note.split()),
        km_start=route.km_start,
        km_step=route.km_step,
        end_note=" ".join(route.end_note.split()),
    )


def _zone(
    zone: ZoneIn,
    index: int,
    doc: YamlDocument,
    routes: dict[str, Route],
    features: dict[str, Feature],
    frame: MetricFrame,
    problems: list[Problem],
) -> Zone | None:
    spec: CorridorSpec | None = None
    if zone.corridor is not None:
        spec = CorridorSpec(zone.corridor.route, zone.corridor.width_km, zone.corridor.side)
        try:
            band = corridor_half(
                frame.to_metric(routes[spec.route].line), spec.width_km * 1000, spec.side
            )
        except GeometryError as err:
            problems.append(doc.problem(("zones", index, "corridor"), str(err)))
            return None
        geometry: BaseGeometry = frame.to_wgs84(band)
    else:
        assert zone.feature is not None
        geometry = features[zone.feature].geometry
    reason = invalid_reason(geometry)
    if reason is not None or not isinstance(geometry, Polygon | MultiPolygon):
        problems.append(doc.problem(("zones", index), reason or "not a polygon"))
        return None
    return Zone(
        id=zone.id,
        name=zone.name,
        kind=zone.kind,
        geometry=geometry,
        responsible_party=zone.responsible,
        derivation=spec,
        colour=zone.colour or "",
    )
