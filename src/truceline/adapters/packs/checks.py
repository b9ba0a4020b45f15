"""Cross-reference checks of an agreement pack: every id it names must exist."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pyproj.exceptions import CRSError
from shapely.geometry import LineString

from truceline.adapters.packs.geojson_source import Feature
from truceline.adapters.packs.schema import AgreementIn, ProvisionIn, RouteIn, ZoneIn
from truceline.adapters.packs.yaml_source import YamlDocument
from truceline.adapters.projection import MetricFrame
from truceline.domain.assessments import rule_problems as assessment_problems
from truceline.domain.breaches import AFTER_DEADLINE, rule_problems
from truceline.domain.errors import Problem

ROUTES_FILE = "routes.geojson"
ZONES_FILE = "zones.geojson"


def _duplicates(
    items: list[Any], section: str, doc: YamlDocument, problems: list[Problem]
) -> set[str]:
    ids: set[str] = set()
    for index, item in enumerate(items):
        if item.id in ids:
            problems.append(doc.problem((section, index, "id"), f"duplicate id {item.id!r}"))
        ids.add(item.id)
    return ids


def _unknown(kind: str, value: str, known: set[str]) -> str:
    listed = ", ".join(sorted(known)) or "none"
    return f"unknown {kind} {value!r} (known: {listed})"


def check_references(
    model: AgreementIn,
    doc: YamlDocument,
    route_features: dict[str, Feature],
    zone_features: dict[str, Feature],
    problems: list[Problem],
) -> None:
    documents = _duplicates(model.documents, "documents", doc, problems)
    parties = _duplicates(model.parties, "parties", doc, problems)
    _duplicates(model.provisions, "provisions", doc, problems)
    routes = _duplicates(model.routes, "routes", doc, problems)
    zones = _duplicates(model.zones, "zones", doc, problems)

    try:
        ZoneInfo(model.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(doc.problem(("timezone",), f"unknown time zone {model.timezone!r}"))
    if model.crs != "auto":
        try:
            MetricFrame(model.crs)
        except (CRSError, ValueError) as err:
            problems.append(doc.problem(("crs",), f"not a usable metric CRS: {err}"))

    for i, provision in enumerate(model.provisions):
        for j, party in enumerate(provision.obligated):
            if party not in parties:
                problems.append(
                    doc.problem(
                        ("provisions", i, "obligated", j), _unknown("party", party, parties)
                    )
                )
        for j, zone_id in enumerate(provision.zones):
            if zone_id not in zones:
                problems.append(
                    doc.problem(("provisions", i, "zones", j), _unknown("zone", zone_id, zones))
                )
        if provision.source.document not in documents:
            problems.append(
                doc.problem(
                    ("provisions", i, "source", "document"),
                    _unknown("document", provision.source.document, documents),
                )
            )
        if provision.deadline is not None and _sort_key(provision.deadline) < _sort_key(
            provision.effective
        ):
            problems.append(
                doc.problem(
                    ("provisions", i, "deadline"), "the deadline is before the effective date"
                )
            )
        for field in ("effective", "deadline"):
            value = getattr(provision, field)
            if isinstance(value, datetime) and value.tzinfo is None:
                problems.append(
                    doc.problem(
                        ("provisions", i, field), "a time needs a UTC offset, such as +02:00"
                    )
                )
        _check_breach_rules(provision, i, doc, zones, problems)
        _check_assessment_rule(provision, i, doc, routes, zones, problems)

    for i, route in enumerate(model.routes):
        _check_route(route, i, doc, route_features, problems)

    patrol_route = model.mechanism.patrol_route
    if patrol_route is not None and patrol_route not in routes:
        problems.append(
            doc.problem(("mechanism", "patrol_route"), _unknown("route", patrol_route, routes))
        )

    for i, zone in enumerate(model.zones):
        _check_zone(zone, i, doc, parties, routes, zone_features, problems)
        if zone.responsible is not None and zone.responsible not in parties:
            problems.append(
                doc.problem(
                    ("zones", i, "responsible"), _unknown("party", zone.responsible, parties)
                )
            )
        if zone.corridor is not None and zone.corridor.route not in routes:
            problems.append(
                doc.problem(
                    ("zones", i, "corridor", "route"),
                    _unknown("route", zone.corridor.route, routes),
                )
            )


def _check_breach_rules(
    provision: ProvisionIn,
    index: int,
    doc: YamlDocument,
    zones: set[str],
    problems: list[Problem],
) -> None:
    for j, entry in enumerate(provision.breached_by):
        where = ("provisions", index, "breached_by", j)
        for path, reason in rule_problems(entry.rule()):
            problems.append(doc.problem((*where, *path), reason))
        for k, zone_id in enumerate(entry.zones or ()):
            if zone_id not in zones:
                problems.append(doc.problem((*where, "zones", k), _unknown("zone", zone_id, zones)))
        if entry.after == AFTER_DEADLINE and provision.deadline is None:
            problems.append(
                doc.problem((*where, "after"), "the provision has no deadline to count from")
            )


def _check_assessment_rule(
    provision: ProvisionIn,
    index: int,
    doc: YamlDocument,
    routes: set[str],
    zones: set[str],
    problems: list[Problem],
) -> None:
    entry = provision.assessed_by
    if entry is None:
        return
    where = ("provisions", index, "assessed_by")
    for path, reason in assessment_problems(entry.assessment_rule()):
        problems.append(doc.problem((*where, *path), reason))
    if entry.route is not None and entry.route not in routes:
        problems.append(doc.problem((*where, "route"), _unknown("route", entry.route, routes)))
    for k, zone_id in enumerate(entry.zones or ()):
        if zone_id not in zones:
            problems.append(doc.problem((*where, "zones", k), _unknown("zone", zone_id, zones)))


def _sort_key(value: datetime | date) -> tuple[int, int, int]:
    return (value.year, value.month, value.day)


def _check_route(
    route: RouteIn,
    index: int,
    doc: YamlDocument,
    features: dict[str, Feature],
    problems: list[Problem],
) -> None:
    feature = features.get(route.feature)
    if feature is None:
        problems.append(
            doc.problem(
                ("routes", index, "feature"),
                f"no LineString with id {route.feature!r} in {ROUTES_FILE}",
            )
        )
        return
    vertices = feature.properties.get("vertices")
    assert isinstance(feature.geometry, LineString)
    count = len(feature.geometry.coords)
    if not isinstance(vertices, list) or len(vertices) != count:
        problems.append(
            Problem(
                feature.file,
                f"feature {feature.index} (id {feature.id})",
                f"'vertices' must list the provenance of each of the {count} vertices",
            )
        )
        return
    for k, vertex in enumerate(vertices):
        if not (
            isinstance(vertex, dict)
            and isinstance(vertex.get("name"), str)
            and vertex.get("source")
        ):
            problems.append(
                Problem(
                    feature.file,
                    f"feature {feature.index} (id {feature.id})",
                    f"vertices[{k}] needs a 'name' and a 'source'",
                )
            )


def _check_zone(
    zone: ZoneIn,
    index: int,
    doc: YamlDocument,
    parties: set[str],
    routes: set[str],
    features: dict[str, Feature],
    problems: list[Problem],
) -> None:
    if (zone.corridor is None) == (zone.feature is None):
        problems.append(
            doc.problem(
                ("zones", index),
                "give exactly one of 'corridor' (derived) or 'feature' (explicit polygon)",
            )
        )
    if zone.feature is not None and zone.feature not in features:
        problems.append(
            doc.problem(
                ("zones", index, "feature"), f"no Polygon with id {zone.feature!r} in {ZONES_FILE}"
            )
        )
