"""Searching the idlib-m4 gazetteer by name and by distance."""

from __future__ import annotations

import csv
import re
from importlib.resources import files
from pathlib import Path

import pytest

from truceline.adapters.gazetteer import PlaceIndex
from truceline.domain.errors import InputError, NotFoundError
from truceline.domain.places import Place, name_key

PLACES_CSV = Path(str(files("truceline") / "packs" / "idlib-m4" / "places.csv"))
COLUMNS = ["id", "name", "alt_names", "lat", "lon", "admin1", "admin2", "source", "provenance"]

# Names the M4 route builder looks up.
ROUTE_NAMES = [
    "Bdama",
    "Najiyah",
    "Jisr al-Shughur",
    "Frikeh",
    "Mhambal",
    "Bsanqul",
    "Urum al-Jawz",
    "Ariha",
    "Nayrab",
    "Trumba",
    "Saraqib",
    "Ain al-Havr",
]

# Real places of northern Syria that are not in the gazetteer, each one letter or
# so from a place that is.
ABSENT_LOOK_ALIKES = [
    ("Sarmada", "sarmin"),
    ("Sayjar", "sinjar"),
    ("Kafr Basin", "kabbasin"),
    ("Maranaz", "armanaz"),
    ("Al Surman", "suran-hama"),
    ("Harran", "sharan"),
    ("Kabashin", "kabbasin"),
]


def read_places(path: Path) -> list[Place]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Place(
                id=row["id"],
                name=row["name"],
                alt_names=tuple(n for n in row["alt_names"].split(";") if n),
                lat=float(row["lat"]) if row["lat"] else None,
                lon=float(row["lon"]) if row["lon"] else None,
                admin1=row["admin1"],
                admin2=row["admin2"],
                source=row["source"],
                provenance=row["provenance"],
            )
            for row in csv.DictReader(handle)
        ]


def place(place_id: str, name: str, lon: float | None, lat: float | None) -> Place:
    return Place(place_id, name, (), lat, lon, "Idlib", "", "test", "test")


@pytest.fixture(scope="module")
def places() -> list[Place]:
    return read_places(PLACES_CSV)


@pytest.fixture(scope="module")
def index(places: list[Place]) -> PlaceIndex:
    return PlaceIndex(places)


def test_the_gazetteer_has_the_agreed_columns_and_sorted_unique_slug_ids() -> None:
    with PLACES_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == COLUMNS
    ids = [row["id"] for row in rows]
    assert ids == sorted(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)
    assert {row["admin1"] for row in rows} == {"Idlib", "Latakia", "Hama", "Aleppo"}


def test_only_kafr_shalaya_and_ain_al_havr_have_no_coordinates(places: list[Place]) -> None:
    unlocated = [p for p in places if not p.has_coordinates]
    assert sorted(p.id for p in unlocated) == ["ain-al-havr", "kafr-shalaya"]
    assert all("no coordinate" in p.provenance for p in unlocated)


@pytest.mark.parametrize(
    ("query", "place_id"),
    [
        ("Saraqeb", "saraqib"),
        ("Jisr ash-Shughur", "jisr-al-shughur"),
        ("Ma'arrat an-Nu'man", "maarat-al-numan"),
        ("Idleb", "idlib-city"),
        ("سراقب", "saraqib"),
    ],
)
def test_a_transliteration_resolves_to_its_place_first(
    index: PlaceIndex, query: str, place_id: str
) -> None:
    first = index.search(query)[0]
    assert first.place.id == place_id
    assert first.exact
    assert first.score == 100.0


def test_jisr_al_shoghour_resolves_to_jisr_al_shughur(index: PlaceIndex) -> None:
    assert index.search("Jisr al-Shoghour")[0].place.name == "Jisr al-Shughur"


@pytest.mark.parametrize("name", ROUTE_NAMES)
def test_every_name_of_the_m4_route_resolves_exactly(index: PlaceIndex, name: str) -> None:
    first = index.search(name)[0]
    assert first.exact
    assert name in first.place.names


def test_a_match_reports_the_name_as_it_was_written(index: PlaceIndex) -> None:
    first = index.search("Tromba")[0]
    assert (first.place.id, first.matched_name) == ("trumba", "Tromba")


@pytest.mark.parametrize(("query", "look_alike"), ABSENT_LOOK_ALIKES)
def test_a_name_not_in_the_gazetteer_does_not_resolve_to_a_look_alike(
    index: PlaceIndex, places: list[Place], query: str, look_alike: str
) -> None:
    assert index.get(look_alike)
    assert all(name_key(n) != name_key(query) for p in places for n in p.names)
    assert index.search(query) == []


def test_a_spelling_that_differs_only_in_vowels_is_a_fuzzy_match(index: PlaceIndex) -> None:
    first = index.search("Bsanqal")[0]
    assert first.place.id == "bsanqul"
    assert not first.exact
    assert 80.0 <= first.score < 100.0


def test_a_typo_in_a_consonant_finds_nothing(index: PlaceIndex) -> None:
    assert index.search("Saraqip") == []


def test_exact_matches_come_before_fuzzy_ones() -> None:
    index = PlaceIndex(
        [place("binnash", "Binnash", 36.0, 35.0), place("binnish", "Binnish", 36.1, 35.1)]
    )
    matches = index.search("Binnish")
    assert [(m.place.id, m.exact) for m in matches] == [("binnish", True), ("binnash", False)]


def test_search_returns_at_most_limit_matches(index: PlaceIndex) -> None:
    assert len(index.search("Suran")) == 2
    assert len(index.search("Suran", limit=1)) == 1


def test_a_blank_query_finds_nothing(index: PlaceIndex) -> None:
    assert index.search("  ") == []


def test_get_returns_the_place_with_that_id(index: PlaceIndex) -> None:
    assert index.get("jisr-al-shughur").name == "Jisr al-Shughur"


def test_get_of_an_unknown_id_raises_not_found(index: PlaceIndex) -> None:
    with pytest.raises(NotFoundError, match="sarmada"):
        index.get("sarmada")


def test_two_places_with_one_id_are_refused() -> None:
    with pytest.raises(InputError, match="saraqib"):
        PlaceIndex(
            [place("saraqib", "Saraqib", 36.8, 35.86), place("saraqib", "Sarmin", 36.7, 35.9)]
        )


def test_the_place_nearest_a_point_beside_saraqib_is_saraqib(index: PlaceIndex) -> None:
    nearby = index.nearest(36.802, 35.865)
    assert nearby[0].place.id == "saraqib"
    assert nearby[0].distance_m < 500.0
    distances = [n.distance_m for n in nearby]
    assert distances == sorted(distances)
    assert len(nearby) == 5


def test_places_without_coordinates_never_appear_among_the_nearest(
    index: PlaceIndex, places: list[Place]
) -> None:
    nearby = index.nearest(36.5, 35.8, limit=len(places))
    assert len(nearby) == sum(1 for p in places if p.has_coordinates)
    assert all(n.place.has_coordinates for n in nearby)


def test_nearest_measures_great_circle_distance_in_metres() -> None:
    index = PlaceIndex([place("origin", "Origin", 0.0, 0.0), place("far", "Far", 90.0, 0.0)])
    nearby = index.nearest(0.0, 1.0)
    assert nearby[0].place.id == "origin"
    # One degree of arc on a sphere of the mean Earth radius.
    assert nearby[0].distance_m == pytest.approx(111_195.08, abs=0.01)


def test_nearest_refuses_a_latitude_off_the_globe(index: PlaceIndex) -> None:
    with pytest.raises(InputError, match="lat"):
        index.nearest(36.8, 95.0)
