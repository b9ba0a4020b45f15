"""Benchmark: label a million points with the M4 corridor halves.

    python bench/zones.py [--quick] [--points N] [--repeats R]

Compares, in one run and on the same seeded random points (the corridor's
bounding box widened by about 10 km):

- Truceline: `ZoneClassifier.classify(lon, lat, with_route=False)`, and the
  full classification with kilometre posts, offset and side on the route;
- raw vectorized shapely: project with pyproj, then `shapely.contains_xy` on
  each prepared half, no prefilter;
- PostGIS `ST_Contains` when PostgreSQL is reachable
  (TRUCELINE_BENCH_POSTGRES_URL, TRUCELINE_TEST_POSTGRES_URL, or the local
  socket); loading the points is not timed, fetching the labels is;
- the peak resident memory of the Truceline classification, in a child process.

Prints a table, then one JSON line per figure.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiPolygon, Polygon

from truceline.adapters.classifier import ZoneClassifier
from truceline.adapters.projection import FloatArray, MetricFrame
from truceline.domain.geometry import corridor_half
from truceline.domain.zones import Route, RouteVertex, Side, Zone, ZoneKind

SEED = 20200305
MARGIN_M = 10_000.0
CORRIDOR_HALF_WIDTH_M = 6_000.0
DEFAULT_POSTGRES_URL = "postgresql://postgres@/postgres?host=/var/run/postgresql"

# The M4 between Bdama and Saraqib, west to east: (name, lon, lat).
M4_VILLAGES = (
    ("Bdama", 36.19361, 35.8125),
    ("Najiyah", 36.219248, 35.788429),
    ("Jisr al-Shughur", 36.317605, 35.812585),
    ("Frikeh", 36.358159, 35.760797),
    ("Mhambal", 36.4726, 35.78668),
    ("Bsanqul", 36.4968, 35.80734),
    ("Urum al-Jawz", 36.564957, 35.792086),
    ("Ariha", 36.600, 35.817),
    ("Nayrab", 36.72028, 35.86972),
    ("Trumba", 36.76672, 35.858945),
    ("Saraqib", 36.80056, 35.86361),
)


@dataclass(frozen=True)
class Corridor:
    """The zones and route under test, and where they came from."""

    zones: tuple[Zone, ...]
    route: Route
    source: str


def load_corridor() -> Corridor:
    """The two corridor halves of the bundled example pack, or built here if it is missing."""
    try:
        from truceline.adapters.packs import read_pack
        from truceline.packs import example_pack_path

        agreement = read_pack(example_pack_path())
        route = next(r for r in agreement.routes if r.id == "m4")
        halves = tuple(
            z for z in agreement.zones if z.derivation is not None and z.derivation.route == "m4"
        )
        if len(halves) != 2:
            raise LookupError(f"expected two corridor halves on m4, found {len(halves)}")
        return Corridor(halves, route, f"bundled example pack ({example_pack_path()})")
    except Exception as exc:  # the pack reader is optional here: fall back, and say so
        return build_corridor(f"built in the bench ({type(exc).__name__}: {exc})")


def build_corridor(source: str) -> Corridor:
    """The halves built from the M4 village points, 6 km deep each side."""
    line = LineString([(lon, lat) for _, lon, lat in M4_VILLAGES])
    route = Route(
        id="m4",
        name="M4 highway",
        line=line,
        vertices=tuple(RouteVertex(name, "bench") for name, _, _ in M4_VILLAGES),
        accuracy_m=500.0,
        accuracy_note="village centres",
    )
    frame = frame_for(route)
    line_m = frame.to_metric(line)
    zones = tuple(
        Zone(
            id=f"m4-{side.value}",
            name=f"M4 corridor, {side.value} half",
            kind=ZoneKind.SECURITY_CORRIDOR,
            geometry=frame.to_wgs84(corridor_half(line_m, CORRIDOR_HALF_WIDTH_M, side)),
            responsible_party=None,
        )
        for side in (Side.NORTH, Side.SOUTH)
    )
    return Corridor(zones, route, source)


def frame_for(route: Route) -> MetricFrame:
    centre = route.line.centroid
    return MetricFrame.for_point(centre.x, centre.y)


def random_points(
    frame: MetricFrame, zones: Sequence[Zone], n: int, seed: int
) -> tuple[FloatArray, FloatArray]:
    """`n` points uniform in lon/lat over the zones' bounding box widened by MARGIN_M."""
    metric = [frame.to_metric(z.geometry) for z in zones]
    min_x, min_y, max_x, max_y = shapely.total_bounds(metric)
    corners_x = np.array([min_x - MARGIN_M, max_x + MARGIN_M, min_x - MARGIN_M, max_x + MARGIN_M])
    corners_y = np.array([min_y - MARGIN_M, min_y - MARGIN_M, max_y + MARGIN_M, max_y + MARGIN_M])
    lons, lats = frame.xy_to_wgs84(corners_x, corners_y)
    rng = np.random.default_rng(seed)
    lon = rng.uniform(lons.min(), lons.max(), n)
    lat = rng.uniform(lats.min(), lats.max(), n)
    return lon, lat


class ShapelyBaseline:
    """Raw vectorized shapely: project every point, contains_xy on each prepared half."""

    def __init__(self, frame: MetricFrame, zones: Sequence[Zone]) -> None:
        self.transformer = Transformer.from_crs("EPSG:4326", frame.crs, always_xy=True)
        self.halves: list[Polygon | MultiPolygon] = [frame.to_metric(z.geometry) for z in zones]
        for half in self.halves:
            shapely.prepare(half)

    def label(self, lon: FloatArray, lat: FloatArray) -> list[np.ndarray]:
        x, y = self.transformer.transform(lon, lat)
        return [shapely.contains_xy(half, x, y) for half in self.halves]


def median_seconds(run: Callable[[], object], repeats: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


# --- PostGIS ---------------------------------------------------------------------------


class PostgisBaseline:
    """Points and halves in temporary tables; labelling by ST_Contains, labels to the client."""

    # Zones drive the join, so each half's prepared geometry is reused and the
    # points' GiST index picks the candidates; points in no half come back as none.
    QUERY = (
        "COPY (SELECT p.id, z.id FROM bench_zones z "
        "JOIN bench_pts p ON ST_Contains(z.geom, p.geom)) TO STDOUT"
    )
    # The literal query of the brief, every point on the left.
    LEFT_JOIN_QUERY = (
        "COPY (SELECT p.id, z.id FROM bench_pts p "
        "LEFT JOIN bench_zones z ON ST_Contains(z.geom, p.geom)) TO STDOUT"
    )

    def __init__(self, conn: object, n: int) -> None:
        self.conn = conn
        self.n = n

    @classmethod
    def connect(cls, url: str, zones: Sequence[Zone], lon: FloatArray, lat: FloatArray):  # type: ignore[no-untyped-def]
        import psycopg

        conn = psycopg.connect(url, connect_timeout=5, autocommit=True)
        with conn.cursor() as cur:
            cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            cur.execute("SELECT postgis_lib_version()")
            row = cur.fetchone()
            version = row[0] if row else "?"
            cur.execute("CREATE TEMP TABLE bench_xy (id integer, lon float8, lat float8)")
            with cur.copy("COPY bench_xy (id, lon, lat) FROM STDIN") as copy:
                copy.write(_tsv(lon, lat))
            cur.execute(
                "CREATE TEMP TABLE bench_pts AS SELECT id, "
                "ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geometry(Point, 4326) AS geom "
                "FROM bench_xy"
            )
            cur.execute("DROP TABLE bench_xy")
            cur.execute("CREATE INDEX ON bench_pts USING gist (geom)")
            cur.execute(
                "CREATE TEMP TABLE bench_zones (id integer, geom geometry(MultiPolygon, 4326))"
            )
            for j, zone in enumerate(zones):
                cur.execute(
                    "INSERT INTO bench_zones VALUES "
                    "(%s, ST_Multi(ST_GeomFromWKB(%s::bytea, 4326)))",
                    (j, shapely.to_wkb(zone.geometry)),
                )
            cur.execute("ANALYZE bench_pts")
            cur.execute("ANALYZE bench_zones")
        return cls(conn, lon.shape[0]), f"PostGIS {version}"

    def label(self, query: str | None = None) -> np.ndarray:
        """The index of the first half holding each point, -1 for none."""
        buffer = io.BytesIO()
        with self.conn.cursor() as cur, cur.copy(query or self.QUERY) as copy:  # type: ignore[attr-defined]
            for block in copy:
                buffer.write(block)
        text = buffer.getvalue().replace(b"\\N", b"-1")
        pairs = np.array(text.split(), dtype=np.int64).reshape(-1, 2)
        labels = np.full(self.n, -1, dtype=np.int64)
        # Reverse so that, where halves overlap, the first half wins as in primary_zone().
        labels[pairs[::-1, 0]] = pairs[::-1, 1]
        return labels

    def close(self) -> None:
        self.conn.close()  # type: ignore[attr-defined]


def _tsv(lon: FloatArray, lat: FloatArray) -> str:
    # repr() of a float is its shortest exact form: the database gets the same doubles.
    return "".join(f"{i}\t{a!r}\t{b!r}\n" for i, (a, b) in enumerate(zip(lon, lat, strict=True)))


def postgres_url() -> str:
    return (
        os.environ.get("TRUCELINE_BENCH_POSTGRES_URL")
        or os.environ.get("TRUCELINE_TEST_POSTGRES_URL")
        or DEFAULT_POSTGRES_URL
    )


# --- memory, in a child process ----------------------------------------------------------


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kB on Linux


def _measure_rss(n: int, seed: int, queue: multiprocessing.Queue[tuple[float, float, str]]) -> None:
    after_imports = _max_rss_mb()
    corridor = load_corridor()
    frame = frame_for(corridor.route)
    lon, lat = random_points(frame, corridor.zones, n, seed)
    classifier = ZoneClassifier(frame, corridor.zones, corridor.route)
    classifier.classify(lon, lat, with_route=True)
    queue.put((after_imports, _max_rss_mb(), corridor.source))


def peak_rss(n: int, seed: int) -> tuple[float, float, str]:
    """(RSS after imports, peak RSS) in MB of a fresh process classifying `n` points."""
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[tuple[float, float, str]] = context.Queue()
    child = context.Process(target=_measure_rss, args=(n, seed, queue))
    child.start()
    result = queue.get(timeout=600)
    child.join()
    return result


# --- the run --------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 points")
    parser.add_argument("--points", type=int, default=None, help="number of points")
    parser.add_argument("--repeats", type=int, default=7, help="timed runs of each (median)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    n = args.points or (100_000 if args.quick else 1_000_000)
    repeats = max(1, args.repeats)

    corridor = load_corridor()
    frame = frame_for(corridor.route)
    lon, lat = random_points(frame, corridor.zones, n, args.seed)
    classifier = ZoneClassifier(frame, corridor.zones, corridor.route)
    baseline = ShapelyBaseline(frame, corridor.zones)
    print(f"zones: {', '.join(z.id for z in corridor.zones)} from the {corridor.source}")
    print(f"frame: {frame.name}; {n:,} random points (seed {args.seed}); {repeats} repeats each")

    # Same labels, or the comparison means nothing.
    ours = classifier.classify(lon, lat, with_route=False)
    theirs = baseline.label(lon, lat)
    our_counts = ours.inside.sum(axis=0).tolist()
    their_counts = [int(hits.sum()) for hits in theirs]
    assert our_counts == their_counts, (our_counts, their_counts)
    assert all(np.array_equal(ours.inside[:, j], t) for j, t in enumerate(theirs))
    print(f"points per half: {dict(zip(ours.zone_ids, our_counts, strict=True))} (both agree)")

    # Interleave the contenders so that drifts of the machine hit them alike.
    times: dict[str, list[float]] = {"truceline": [], "shapely": [], "route": []}
    runs: dict[str, Callable[[], object]] = {
        "truceline": lambda: classifier.classify(lon, lat, with_route=False),
        "shapely": lambda: baseline.label(lon, lat),
        "route": lambda: classifier.classify(lon, lat, with_route=True),
    }
    for _ in range(repeats):
        for name, run in runs.items():
            times[name].extend(median_seconds(run, 1)[1])
    median = {name: statistics.median(ts) for name, ts in times.items()}
    rate = {name: n / seconds for name, seconds in median.items()}

    postgis_rate, postgis_note = run_postgis(corridor.zones, lon, lat, ours, repeats, rate)
    before, peak, _ = peak_rss(n, args.seed)

    rows = [
        ("Truceline zone labelling", median["truceline"], rate["truceline"]),
        ("Truceline with route (km, offset, side)", median["route"], rate["route"]),
        ("shapely baseline (pyproj + contains_xy)", median["shapely"], rate["shapely"]),
    ]
    if postgis_rate is not None:
        rows.append(("PostGIS ST_Contains, labels fetched", n / postgis_rate, postgis_rate))
    print()
    print(f"{'contender':<42}{'median s':>10}{'points/s':>14}")
    for name, seconds, pts in rows:
        print(f"{name:<42}{seconds:>10.3f}{pts:>14,.0f}")
    print(f"Truceline / shapely: {rate['truceline'] / rate['shapely']:.2f} (target >= 0.8)")
    if postgis_rate is not None:
        print(f"Truceline / PostGIS: {rate['truceline'] / postgis_rate:.1f} (target >= 5)")
    else:
        print(f"PostGIS skipped: {postgis_note}")
    print(f"peak RSS classifying {n:,} points with the route: {peak:.0f} MB "
          f"({peak - before:+.0f} MB over {before:.0f} MB after imports; target <= 600 MB)")
    print()

    figures = [
        figure("points_per_s_vs_shapely", rate["truceline"], "points/s", rate["shapely"], 0.8),
        figure("points_per_s_vs_postgis", rate["truceline"], "points/s", postgis_rate, 5),
        figure("peak_rss_mb", peak, "MB", None, 600),
        figure("points_per_s_with_route", rate["route"], "points/s", rate["shapely"], None),
    ]
    for line in figures:
        print(json.dumps(line))
    return 0


def run_postgis(
    zones: Sequence[Zone],
    lon: FloatArray,
    lat: FloatArray,
    ours: object,
    repeats: int,
    rate: dict[str, float],
) -> tuple[float | None, str]:
    """PostGIS points/s (the faster of the two queries), or None and why not."""
    url = postgres_url()
    try:
        postgis, version = PostgisBaseline.connect(url, zones, lon, lat)
    except Exception as exc:
        return None, f"{url} not usable: {type(exc).__name__}: {str(exc).strip()}"
    try:
        primary = ours.primary_zone()  # type: ignore[attr-defined]
        n = lon.shape[0]
        best = None
        for label, query in (("zones drive", postgis.QUERY), ("LEFT JOIN", postgis.LEFT_JOIN_QUERY)):
            labels = postgis.label(query)
            differ = int(np.count_nonzero(labels != primary))
            seconds, _ = median_seconds(lambda q=query: postgis.label(q), repeats)
            print(f"{version}, {label}: {n / seconds:,.0f} points/s; labels differ from "
                  f"Truceline's on {differ} of {n:,} points (edges straight in degrees there)")
            best = seconds if best is None else min(best, seconds)
        assert best is not None
        return n / best, version
    finally:
        postgis.close()


def figure(
    metric: str, value: float, unit: str, baseline: float | None, target: float | None
) -> dict[str, object]:
    ratio = value / baseline if baseline else None
    return {
        "bench": "zones",
        "metric": metric,
        "value": round(value, 1),
        "unit": unit,
        "baseline": None if baseline is None else round(baseline, 1),
        "ratio": None if ratio is None else round(ratio, 3),
        "target": target,
    }


if __name__ == "__main__":
    sys.exit(main())
