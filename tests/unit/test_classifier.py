"""The vectorized point classifier, on geometries whose answers are known by construction.

The route runs straight west to east for 40 km through (36.5E, 35.8N) in UTM
zone 37N, with kilometre posts counted from 100; each corridor half is 6 km deep.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
import shapely.affinity
from shapely.geometry import LineString, Polygon

from truceline.adapters import classifier as classifier_module
from truceline.adapters.classifier import ZoneClassifier
from truceline.adapters.projection import MetricFrame
from truceline.domain.errors import GeometryError
from truceline.domain.geometry import corridor_half
from truceline.domain.zones import Route, RouteVertex, Side, Zone, ZoneKind

FRAME = MetricFrame("EPSG:32637")
_CX, _CY = FRAME.xy_to_metric(np.array([36.5]), np.array([35.8]))
CX, CY = float(_CX[0]), float(_CY[0])
HALF_LENGTH_M = 20_000.0
KM_START = 100.0
LINE_M = LineString([(CX - HALF_LENGTH_M, CY), (CX + HALF_LENGTH_M, CY)])


def _route(line_m: LineString, km_start: float = KM_START) -> Route:
    coords = list(line_m.coords)
    return Route(
        id="r1",
        name="test road",
        line=FRAME.to_wgs84(line_m),
        vertices=tuple(RouteVertex(f"v{i}", "constructed") for i in range(len(coords))),
        accuracy_m=1.0,
        accuracy_note="constructed",
        km_start=km_start,
    )


def _half(side: Side, party: str) -> Zone:
    return Zone(
        id=f"half-{side.value}",
        name=f"{side.value} half",
        kind=ZoneKind.SECURITY_CORRIDOR,
        geometry=FRAME.to_wgs84(corridor_half(LINE_M, 6_000.0, side)),
        responsible_party=party,
    )


ROUTE = _route(LINE_M)
NORTH = _half(Side.NORTH, "party-n")
SOUTH = _half(Side.SOUTH, "party-s")


def _lonlat(points_m: list[tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Points given in metres from the route's midpoint, as lon/lat arrays."""
    x = np.array([CX + dx for dx, _ in points_m])
    y = np.array([CY + dy for _, dy in points_m])
    return FRAME.xy_to_wgs84(x, y)


@pytest.fixture(scope="module")
def classifier() -> ZoneClassifier:
    return ZoneClassifier(FRAME, [NORTH, SOUTH], ROUTE)


@pytest.mark.parametrize(
    ("dx", "dy", "north", "south"),
    [
        pytest.param(5_000.0, 2_000.0, True, False, id="2 km north"),
        pytest.param(5_000.0, -2_000.0, False, True, id="its mirror 2 km south"),
        pytest.param(5_000.0, 10_000.0, False, False, id="10 km north"),
        pytest.param(5_000.0, -10_000.0, False, False, id="10 km south"),
        pytest.param(HALF_LENGTH_M + 3_000.0, 2_000.0, False, False, id="beyond the east end"),
    ],
)
def test_a_point_is_in_the_half_on_its_side_of_the_route_and_in_neither_when_far_off(
    classifier: ZoneClassifier, dx: float, dy: float, north: bool, south: bool
) -> None:
    lon, lat = _lonlat([(dx, dy)])
    result = classifier.classify(lon, lat)
    assert result.inside.tolist() == [[north, south]]


def test_the_classification_names_the_zones_and_their_responsible_parties_in_order(
    classifier: ZoneClassifier,
) -> None:
    lon, lat = _lonlat([(0.0, 1_000.0)])
    result = classifier.classify(lon, lat)
    assert result.zone_ids == ("half-north", "half-south")
    assert result.responsible == ("party-n", "party-s")


@pytest.mark.parametrize(
    ("dx", "dy", "km", "offset_m", "side"),
    [
        pytest.param(5_000.0, 2_000.0, 125.0, 2_000.0, 1, id="2 km north is left"),
        pytest.param(5_000.0, -2_000.0, 125.0, 2_000.0, -1, id="2 km south is right"),
        pytest.param(-12_345.0, 10_000.0, 107.655, 10_000.0, 1, id="10 km north"),
        pytest.param(-HALF_LENGTH_M - 3_000.0, 0.0, 100.0, 3_000.0, None, id="off the west end"),
        pytest.param(HALF_LENGTH_M + 4_000.0, 3_000.0, 140.0, 5_000.0, 1, id="off the east end"),
    ],
)
def test_km_offset_and_side_match_the_constructed_truth(
    classifier: ZoneClassifier,
    dx: float,
    dy: float,
    km: float,
    offset_m: float,
    side: int | None,
) -> None:
    lon, lat = _lonlat([(dx, dy)])
    result = classifier.classify(lon, lat)
    assert result.km[0] == pytest.approx(km, abs=0.003)
    assert result.offset_m[0] == pytest.approx(offset_m, abs=3.0)
    if side is not None:  # on the line of the route, beyond its end, either side will do
        assert result.side[0] == side


def test_a_point_on_the_route_is_on_neither_side() -> None:
    x = np.array([CX - HALF_LENGTH_M, CX, CX + 7_000.0])
    lon, lat = FRAME.xy_to_wgs84(x, np.full(3, CY))
    on_route_x, on_route_y = FRAME.xy_to_metric(lon, lat)
    route_m = FRAME.to_metric(ROUTE.line)
    assert shapely.distance(route_m, shapely.points(on_route_x, on_route_y)).max() < 1e-6
    result = ZoneClassifier(FRAME, [], ROUTE).classify(lon, lat)
    assert result.side.tolist() == [0, 0, 0]
    np.testing.assert_allclose(result.offset_m, 0.0, atol=1e-6)


def test_the_side_stays_right_around_the_outside_of_a_sharp_bend() -> None:
    # East for 10 km, then back west-south-west: a bend of about 160 degrees to the right.
    bend = LineString([(CX - 10_000.0, CY), (CX, CY), (CX - 8_000.0, CY - 3_000.0)])
    lon, lat = _lonlat([(2_000.0, 500.0), (-5_000.0, 1_000.0), (-5_000.0, -1_000.0)])
    result = ZoneClassifier(FRAME, [], _route(bend)).classify(lon, lat)
    # Beyond the corner and north of the first leg: outside the bend, which is left.
    assert result.side.tolist() == [1, 1, -1]


def test_a_winding_route_is_located_as_shapely_locates_it() -> None:
    rng = np.random.default_rng(7)
    xs = CX + np.linspace(-HALF_LENGTH_M, HALF_LENGTH_M, 60)
    ys = CY + rng.normal(0.0, 1_500.0, xs.size)
    line_m = LineString(np.column_stack([xs, ys]))
    x = CX + rng.uniform(-25_000.0, 25_000.0, 500)
    y = CY + rng.uniform(-8_000.0, 8_000.0, 500)
    lon, lat = FRAME.xy_to_wgs84(x, y)
    result = ZoneClassifier(FRAME, [], _route(line_m, km_start=0.0)).classify(lon, lat)
    points = shapely.points(x, y)
    along = shapely.line_locate_point(line_m, points)
    np.testing.assert_allclose(result.km, along / 1000.0, atol=1e-5)
    np.testing.assert_allclose(result.offset_m, shapely.distance(line_m, points), atol=0.01)


def test_without_the_route_km_and_offset_are_nan_and_side_is_zero(
    classifier: ZoneClassifier,
) -> None:
    lon, lat = _lonlat([(5_000.0, 2_000.0), (5_000.0, -2_000.0)])
    for result in (
        classifier.classify(lon, lat, with_route=False),
        ZoneClassifier(FRAME, [NORTH, SOUTH]).classify(lon, lat),
    ):
        assert result.inside.tolist() == [[True, False], [False, True]]
        assert np.isnan(result.km).all()
        assert np.isnan(result.offset_m).all()
        assert result.side.tolist() == [0, 0]


def test_the_primary_zone_is_the_first_zone_holding_each_point_or_minus_one() -> None:
    both = Zone("wide", "wide", ZoneKind.OTHER, FRAME.to_wgs84(LINE_M.buffer(8_000.0)), None)
    lon, lat = _lonlat([(0.0, 2_000.0), (0.0, -2_000.0), (0.0, 7_000.0), (0.0, 20_000.0)])
    result = ZoneClassifier(FRAME, [NORTH, SOUTH, both]).classify(lon, lat)
    assert result.primary_zone().tolist() == [0, 1, 2, -1]
    assert result.counts() == {"half-north": 1, "half-south": 1, "wide": 3}


def test_no_zones_label_every_point_with_minus_one() -> None:
    lon, lat = _lonlat([(0.0, 2_000.0), (0.0, -2_000.0)])
    result = ZoneClassifier(FRAME, []).classify(lon, lat)
    assert result.inside.shape == (2, 0)
    assert result.primary_zone().tolist() == [-1, -1]


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_coordinate_that_is_not_a_finite_number_raises_value_error_naming_its_index(
    classifier: ZoneClassifier, bad: float
) -> None:
    lon, lat = _lonlat([(0.0, 1_000.0), (0.0, 2_000.0), (0.0, 3_000.0), (0.0, 4_000.0)])
    lat[2] = bad
    lon[3] = np.nan
    with pytest.raises(ValueError, match=r"index 2\b"):
        classifier.classify(lon, lat)


def test_lon_and_lat_of_different_lengths_are_refused(classifier: ZoneClassifier) -> None:
    with pytest.raises(ValueError, match="same length"):
        classifier.classify(np.array([36.5, 36.6]), np.array([35.8]))


def test_no_points_give_an_empty_classification(classifier: ZoneClassifier) -> None:
    result = classifier.classify(np.array([]), np.array([]))
    assert result.inside.shape == (0, 2)
    assert result.km.shape == (0,)


def _ring_zone(zone_id: str, radius_m: float, hole_m: float) -> Zone:
    ring = shapely.Point(CX, CY).buffer(radius_m).difference(shapely.Point(CX, CY).buffer(hole_m))
    return Zone(zone_id, zone_id, ZoneKind.OTHER, FRAME.to_wgs84(ring), None)


def _rotated_square(zone_id: str, side_m: float) -> Zone:
    square = shapely.affinity.rotate(shapely.box(-1.0, -1.0, 1.0, 1.0), 30.0)
    square = shapely.affinity.scale(square, side_m / 2, side_m / 2, origin=(0.0, 0.0))
    square = shapely.affinity.translate(square, CX, CY)
    return Zone(zone_id, zone_id, ZoneKind.OTHER, FRAME.to_wgs84(square), None)


EDGE_CASE_ZONES = [
    pytest.param([NORTH, SOUTH], id="the two corridor halves"),
    pytest.param([_ring_zone("ring", 9_000.0, 4_000.0)], id="a ring with a hole"),
    pytest.param([_rotated_square("wide", 400_000.0)], id="a square 400 km wide"),
    pytest.param([_rotated_square("small", 30.0)], id="a square 30 m wide"),
]


def _near_boundaries(zones: list[Zone], per_zone: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Points within a few millimetres of the zones' boundaries and vertices, as lon/lat."""
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for zone in zones:
        boundary = FRAME.to_metric(zone.geometry).boundary
        along = rng.uniform(0.0, boundary.length, per_zone)
        on_edge = shapely.get_coordinates(shapely.line_interpolate_point(boundary, along))
        vertices = shapely.get_coordinates(boundary)
        points = np.concatenate([on_edge, vertices])
        points += rng.uniform(-0.003, 0.003, points.shape)
        xs.append(points[:, 0])
        ys.append(points[:, 1])
    return FRAME.xy_to_wgs84(np.concatenate(xs), np.concatenate(ys))


def _intersects_xy_labels(zones: list[Zone], lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """What shapely says, on every point, with no prefilter: the ground truth."""
    x, y = FRAME.xy_to_metric(lon, lat)
    return np.column_stack(
        [shapely.intersects_xy(FRAME.to_metric(z.geometry), x, y) for z in zones]
    )


@pytest.mark.parametrize("zones", EDGE_CASE_ZONES)
def test_points_millimetres_from_a_boundary_are_labelled_as_intersects_xy_labels_them(
    zones: list[Zone],
) -> None:
    lon, lat = _near_boundaries(zones, per_zone=4_000, seed=5)
    result = ZoneClassifier(FRAME, zones).classify(lon, lat)
    expected = _intersects_xy_labels(zones, lon, lat)
    assert expected.any()
    assert not expected.all()
    np.testing.assert_array_equal(result.inside, expected)


@pytest.mark.parametrize("zones", EDGE_CASE_ZONES)
def test_points_scattered_around_the_zones_are_labelled_as_intersects_xy_labels_them(
    zones: list[Zone],
) -> None:
    rng = np.random.default_rng(9)
    min_lon, min_lat, max_lon, max_lat = shapely.total_bounds([z.geometry for z in zones])
    pad_lon, pad_lat = (max_lon - min_lon) / 4, (max_lat - min_lat) / 4
    lon = rng.uniform(min_lon - pad_lon, max_lon + pad_lon, 50_000)
    lat = rng.uniform(min_lat - pad_lat, max_lat + pad_lat, 50_000)
    result = ZoneClassifier(FRAME, zones).classify(lon, lat, with_route=False)
    np.testing.assert_array_equal(result.inside, _intersects_xy_labels(zones, lon, lat))


def test_without_a_cell_grid_every_candidate_is_tested_exactly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(classifier_module._CellGrid, "build", classmethod(lambda *_: None))
    zones = [NORTH, SOUTH]
    lon, lat = _near_boundaries(zones, per_zone=500, seed=3)
    result = ZoneClassifier(FRAME, zones, ROUTE).classify(lon, lat)
    np.testing.assert_array_equal(result.inside, _intersects_xy_labels(zones, lon, lat))


def test_tiny_chunks_give_exactly_what_one_chunk_gives() -> None:
    rng = np.random.default_rng(11)
    x = CX + rng.uniform(-30_000.0, 30_000.0, 1_001)
    y = CY + rng.uniform(-12_000.0, 12_000.0, 1_001)
    lon, lat = FRAME.xy_to_wgs84(x, y)
    whole = ZoneClassifier(FRAME, [NORTH, SOUTH], ROUTE, chunk_size=10_000).classify(lon, lat)
    chunked = ZoneClassifier(FRAME, [NORTH, SOUTH], ROUTE, chunk_size=7).classify(lon, lat)
    assert whole.inside.any(axis=0).all()
    assert not whole.inside.all(axis=1).any()
    np.testing.assert_array_equal(chunked.inside, whole.inside)
    np.testing.assert_array_equal(chunked.km, whole.km)
    np.testing.assert_array_equal(chunked.offset_m, whole.offset_m)
    np.testing.assert_array_equal(chunked.side, whole.side)


def test_a_chunk_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="chunk_size"):
        ZoneClassifier(FRAME, [NORTH], chunk_size=0)


def test_an_invalid_zone_polygon_is_refused_when_the_classifier_is_built() -> None:
    bowtie = Polygon([(36.4, 35.7), (36.6, 35.9), (36.6, 35.7), (36.4, 35.9)])
    zone = Zone("bowtie", "bowtie", ZoneKind.OTHER, bowtie, None)
    with pytest.raises(GeometryError, match="bowtie"):
        ZoneClassifier(FRAME, [zone])


def test_a_village_the_route_is_drawn_through_lies_in_both_halves_of_the_corridor() -> None:
    from truceline.adapters.packs.reader import read_pack
    from truceline.packs import example_pack_path
    from truceline.services.geography import Geography

    geography = Geography(read_pack(example_pack_path("idlib-m4")))
    ariha = geography.search_places("Ariha", 1)[0].place
    [point] = geography.classify([(ariha.lon, ariha.lat)])
    assert point.offset_m == 0.0
    assert set(point.zones) == {"corridor-north", "corridor-south"}
    assert set(point.responsible) == {"tr", "ru"}
