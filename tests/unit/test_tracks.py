"""Patrol tracks from GPX and GeoJSON files: points in order, longitude first, with their times."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from truceline.adapters.tracks import MAX_POINTS, parse_track
from truceline.domain.errors import InputError
from truceline.domain.patrols import TrackPoint

T0 = datetime(2020, 3, 15, 6, 0, tzinfo=UTC)
T1 = datetime(2020, 3, 15, 6, 1, tzinfo=UTC)

GPX = b"""<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <wpt lat="35.90" lon="36.70"><name>Staging area</name></wpt>
  <trk><name>Patrol 1</name>
    <trkseg>
      <trkpt lat="35.858945" lon="36.76672"><ele>380</ele><time>2020-03-15T06:00:00Z</time></trkpt>
      <trkpt lat="35.86972" lon="36.72028"><time>2020-03-15T06:01:00</time></trkpt>
    </trkseg>
    <trkseg><trkpt lat="35.817" lon="36.6"/></trkseg>
  </trk>
</gpx>
"""


def refused(content: bytes, filename: str) -> str:
    with pytest.raises(InputError) as caught:
        parse_track(content, filename)
    assert caught.value.field == filename
    return caught.value.reason


def geojson(data: Any) -> bytes:
    return json.dumps(data).encode()


def test_a_gpx_track_gives_its_track_points_in_order_with_their_times_in_utc() -> None:
    assert parse_track(GPX, "patrol-1.GPX") == [
        TrackPoint(36.76672, 35.858945, T0),
        TrackPoint(36.72028, 35.86972, T1),
        TrackPoint(36.6, 35.817, None),
    ]


def test_a_gpx_route_or_waypoints_serve_when_there_is_no_track() -> None:
    route = b"""<gpx xmlns="http://www.topografix.com/GPX/1/0"><wpt lat="1" lon="2"/>
      <rte><rtept lat="35.8" lon="36.5"/><rtept lat="35.81" lon="36.4"/></rte></gpx>"""
    assert parse_track(route, "r.gpx") == [TrackPoint(36.5, 35.8), TrackPoint(36.4, 35.81)]
    waypoints = (
        b'<gpx><wpt lat="35.8" lon="36.5"><time>2020-03-15T09:00:00+03:00</time></wpt></gpx>'
    )
    assert parse_track(waypoints, "w.gpx") == [TrackPoint(36.5, 35.8, T0)]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"<gpx><trk><trkseg><trkpt lat='35' lon='36'></trk></gpx>", "not XML"),
        (b"this is not xml", "not XML"),
        (b"<kml><Placemark/></kml>", "not a GPX file"),
        (b"<gpx><trk/></gpx>", "no track points"),
        (b"<gpx><trk><trkseg><trkpt lat='35' lon='200'/></trkseg></trk></gpx>", "longitude"),
        (b"<gpx><trk><trkseg><trkpt lat='-95' lon='36'/></trkseg></trk></gpx>", "latitude"),
        (b"<gpx><trk><trkseg><trkpt lon='36'/></trkseg></trk></gpx>", "not a position"),
        (
            b"<gpx><trk><trkseg><trkpt lat='35' lon='36'><time>noon</time></trkpt>"
            b"</trkseg></trk></gpx>",
            "not an ISO 8601 time",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaa">]><gpx>&a;</gpx>',
            "DOCTYPE",
        ),
    ],
)
def test_a_bad_gpx_file_is_refused_naming_the_file_and_the_problem(
    content: bytes, expected: str
) -> None:
    assert expected in refused(content, "patrol.gpx")


def test_a_geojson_line_gives_its_positions_with_the_times_property() -> None:
    feature = {
        "type": "Feature",
        "properties": {"times": ["2020-03-15T06:00:00Z", "2020-03-15T06:01:00Z"]},
        "geometry": {"type": "LineString", "coordinates": [[36.7, 35.86, 380], [36.6, 35.82]]},
    }
    assert parse_track(geojson(feature), "t.geojson") == [
        TrackPoint(36.7, 35.86, T0),
        TrackPoint(36.6, 35.82, T1),
    ]


def test_a_feature_collection_of_lines_and_points_gives_every_position_in_order() -> None:
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"coordTimes": [["2020-03-15T06:00:00Z"], ["2020-03-15T06:01:00Z"]]},
                "geometry": {
                    "type": "MultiLineString",
                    "coordinates": [[[36.7, 35.86]], [[36.6, 35.82]]],
                },
            },
            {"type": "Feature", "properties": None, "geometry": None},
            {
                "type": "Feature",
                "properties": {"time": "2020-03-15T06:01:00Z"},
                "geometry": {"type": "Point", "coordinates": [36.5, 35.8]},
            },
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "MultiPoint", "coordinates": [[36.4, 35.79]]},
            },
        ],
    }
    assert parse_track(geojson(collection), "t.json") == [
        TrackPoint(36.7, 35.86, T0),
        TrackPoint(36.6, 35.82, T1),
        TrackPoint(36.5, 35.8, T1),
        TrackPoint(36.4, 35.79, None),
    ]


def test_a_bare_geometry_is_a_track_too() -> None:
    line = {"type": "LineString", "coordinates": [[36.7, 35.86], [36.6, 35.82]]}
    assert parse_track(geojson(line), "t.geojson") == [
        TrackPoint(36.7, 35.86),
        TrackPoint(36.6, 35.82),
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"{not json", "not JSON"),
        (geojson([1, 2]), "not GeoJSON"),
        (geojson({"type": "FeatureCollection", "features": []}), "no track points"),
        (geojson({"type": "LineString", "coordinates": [[36.7, 95.0]]}), "latitude"),
        (geojson({"type": "LineString", "coordinates": [[-190, 35.0]]}), "longitude"),
        (geojson({"type": "LineString", "coordinates": [[36.7]]}), "not a position"),
        (geojson({"type": "LineString", "coordinates": [[True, 35.0]]}), "not a position"),
        (
            geojson({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 1], [0, 0]]]}),
            "Polygon",
        ),
        (
            geojson(
                {
                    "type": "Feature",
                    "properties": {"times": ["2020-03-15T06:00:00Z"]},
                    "geometry": {"type": "LineString", "coordinates": [[36.7, 35.8], [36.6, 35.8]]},
                }
            ),
            "one time per position",
        ),
    ],
)
def test_a_bad_geojson_file_is_refused_naming_the_file_and_the_problem(
    data: bytes, expected: str
) -> None:
    assert expected in refused(data, "track.geojson")


def test_a_file_of_another_kind_is_refused() -> None:
    assert ".gpx" in refused(GPX, "track.kml")


def test_a_file_over_5_mb_is_refused() -> None:
    assert "5 MB" in refused(b" " * (5 * 1024 * 1024 + 1), "huge.gpx")


def test_a_track_of_more_than_100000_points_is_refused() -> None:
    line = {"type": "LineString", "coordinates": [[36, 35]] * (MAX_POINTS + 1)}
    assert "100,000" in refused(geojson(line), "long.geojson")
