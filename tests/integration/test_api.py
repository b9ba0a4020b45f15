"""The REST API on a real database, SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.geometries import known_points
from truceline.bootstrap import bootstrap
from truceline.entrypoints.api.app import create_app
from truceline.settings import Settings

BASE = "/api/agreements/idlib-m4"


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    app = bootstrap(Settings(database_url=database_url, example="idlib-m4"))
    try:
        with TestClient(create_app(app)) as client:
            yield client
    finally:
        app.close()


def test_the_agreement_list_names_the_example(client: TestClient) -> None:
    [summary] = client.get("/api/agreements").json()
    assert summary["id"] == "idlib-m4"
    assert summary["zones"] == 2
    assert summary["places"] > 100


def test_the_agreement_names_its_guarantors_and_observed_parties(client: TestClient) -> None:
    body = client.get(BASE).json()
    roles = {p["id"]: p["roles"] for p in body["parties"]}
    assert "guarantor" in roles["ru"]
    assert "guarantor" in roles["tr"]
    assert roles["sy-gov"] == ["observed_party"]
    assert {d["reference"] for d in body["documents"]} == {
        "PA-X agreement 2169",
        "PA-X agreement 2273",
    }


def test_every_provision_cites_its_source_document(client: TestClient) -> None:
    provisions = client.get(f"{BASE}/provisions").json()
    assert len(provisions) == 11
    assert {p["source_document"] for p in provisions} == {"sochi-2018", "moscow-2020"}
    ceasefire = next(p for p in provisions if p["category"] == "ceasefire")
    assert ceasefire["effective"] == "2020-03-05T22:01:00Z"


def test_zones_are_a_geojson_feature_collection_with_responsible_parties(
    client: TestClient,
) -> None:
    body = client.get(f"{BASE}/zones").json()
    assert body["type"] == "FeatureCollection"
    parties = {f["id"]: f["properties"]["responsible_party"] for f in body["features"]}
    assert parties == {"corridor-north": "tr", "corridor-south": "ru"}
    ring = body["features"][0]["geometry"]["coordinates"][0]
    lon, lat = ring[0]
    assert 35 < lon < 38
    assert 35 < lat < 37


def test_routes_carry_vertex_provenance_and_accuracy(client: TestClient) -> None:
    features = {f["id"]: f for f in client.get(f"{BASE}/routes").json()["features"]}
    m4 = features["m4"]["properties"]
    assert [v["name"] for v in m4["vertices"]][:2] == ["Saraqib", "Trumba"]
    assert all(v["source"] for v in m4["vertices"])
    assert "village" in m4["accuracy_note"]
    assert 50 < m4["length_km"] < 70
    assert "Ain al-Havr" in features["patrol-trumba-ain-al-havr"]["properties"]["end_note"]


def test_km_posts_start_at_zero_at_trumba_on_the_patrol_route(client: TestClient) -> None:
    posts = client.get(f"{BASE}/routes/patrol-trumba-ain-al-havr/km-posts").json()["features"]
    assert posts[0]["properties"]["km"] == 0
    assert posts[0]["geometry"]["coordinates"] == pytest.approx([36.76672, 35.858945], abs=1e-5)
    assert posts[1]["properties"]["km"] == 1


def test_an_unknown_route_is_a_404_naming_it(client: TestClient) -> None:
    response = client.get(f"{BASE}/routes/m5/km-posts")
    assert response.status_code == 404
    assert "no route 'm5'" in response.json()["errors"][0]["reason"]


def test_an_unknown_agreement_is_a_404(client: TestClient) -> None:
    response = client.get("/api/agreements/nowhere/zones")
    assert response.status_code == 404
    assert "no agreement 'nowhere'" in response.json()["errors"][0]["reason"]


def test_classify_puts_the_known_points_in_their_halves(client: TestClient) -> None:
    points = known_points()
    response = client.post(
        f"{BASE}/classify", json={"points": [{"lon": p.lon, "lat": p.lat} for p in points]}
    )
    assert response.status_code == 200
    results = response.json()["points"]
    assert [r["zones"] for r in results] == [[p.zone] if p.zone else [] for p in points]
    assert [r["responsible"] for r in results] == [
        [p.responsible] if p.responsible else [] for p in points
    ]


def test_classify_names_the_bad_field(client: TestClient) -> None:
    response = client.post(
        f"{BASE}/classify", json={"points": [{"lon": 36.6, "lat": 35.8}, {"lon": 190, "lat": 35.8}]}
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "points[1].lon"
    assert "less than or equal to 180" in error["reason"]


def test_classify_refuses_unknown_fields(client: TestClient) -> None:
    response = client.post(
        f"{BASE}/classify", json={"points": [{"lon": 36.6, "lat": 35.8, "z": 1}]}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "points[0].z"


def test_place_search_is_transliteration_aware(client: TestClient) -> None:
    for query, expected in [("Idleb", "idlib-city"), ("Jisr ash-Shughur", "jisr-al-shughur")]:
        [first, *_] = client.get(f"{BASE}/places/search", params={"q": query}).json()
        assert first["place"]["id"] == expected


def test_place_search_for_an_unknown_name_is_empty(client: TestClient) -> None:
    assert client.get(f"{BASE}/places/search", params={"q": "Sarmada"}).json() == []


def test_nearest_places_are_ordered_by_distance(client: TestClient) -> None:
    nearby = client.get(
        f"{BASE}/places/nearest", params={"lon": 36.80, "lat": 35.86, "limit": 3}
    ).json()
    distances = [n["distance_m"] for n in nearby]
    assert nearby[0]["place"]["id"] == "saraqib"
    assert distances == sorted(distances)


def test_places_geojson_leaves_out_places_without_coordinates(client: TestClient) -> None:
    ids = {f["id"] for f in client.get(f"{BASE}/places").json()["features"]}
    assert "saraqib" in ids
    assert "ain-al-havr" not in ids


def test_the_openapi_document_lists_every_route(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/agreements/{agreement_id}/classify" in paths
    assert "/api/agreements/{agreement_id}/routes/{route_id}/km-posts" in paths


def test_an_unknown_path_uses_the_same_error_shape(client: TestClient) -> None:
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"errors": [{"field": "path", "reason": "Not Found"}]}


def test_a_point_the_projection_cannot_reach_is_outside_with_no_km_post(client: TestClient) -> None:
    response = client.post(f"{BASE}/classify", json={"points": [{"lon": 126.0, "lat": 0.0}]})
    assert response.status_code == 200
    [point] = response.json()["points"]
    assert point["zones"] == []
    assert (point["km"], point["offset_m"], point["side"]) == (None, None, None)
