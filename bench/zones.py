"""Benchmark: label a million random points with the two M4 corridor halves.

    python bench/zones.py [--quick] [--points N] [--repeats R]

In one run, on the same seeded points (uniform over the corridor's bounding box
widened by about 10 km), it times:

- Truceline zone labelling, `ZoneClassifier.classify(lon, lat, with_route=False)`,
  and, as its own figure, the full classification with km, offset and side;
- the baseline, raw vectorized shapely: pyproj projects every point, then
  `shapely.intersects_xy` on each prepared half (boundary included, as in
  Truceline), with no prefilter;
- PostGIS `ST_Intersects` when PostgreSQL is reachable (TRUCELINE_BENCH_POSTGRES_URL,
  else TRUCELINE_TEST_POSTGRES_URL, else the local socket): loading the points
  is not timed, running the query and fetching the labels is;
- the peak resident memory of Truceline classifying the points, in a child process.

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
from functools import partial
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
import psycopg
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiPolygon, Polygon

from figures import figure as make_figure  # bench/figures.py, beside this script
from truceline.adapters.classifier import ZoneClassifier
from truceline.adapters.projection import FloatArray, MetricFrame
from truceline.domain.geometry import corridor_half
from truceline.domain.zones import Route, RouteVertex, Side, Zone, ZoneKind

figure = partial(make_figure, "zones", digits=1)

SEED = 20200305
MARGIN_M = 10_000.0
HALF_WIDTH_M = 6_000.0
DEFAULT_POSTGRES_URL = "postgresql://postgres@/postgres?host=/var/run/postgresql"
POSTGIS_REPEATS_MAX = 3

# The M4 from Bdama to Saraqib, west to east: (name, lon, lat).
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

Labels = npt.NDArray[np.int64]


# --- the corridor and the points --------------------------------------------------------


@dataclass(frozen=True)
class Corridor:
    """The halves and the route under test, and where they came from."""

    zones: tuple[Zone, ...]
    route: Route
    source: str

    def frame(self) -> MetricFrame:
        centre = self.route.line.centroid
        return MetricFrame.for_point(centre.x, centre.y)


def load_corridor() -> Corridor:
    """The halves of the bundled example pack; built here from the villages if it won't load."""
    try:
        from truceline.adapters.packs import read_pack
        from truceline.packs import example_pack_path

        path = example_pack_path()
        agreement = read_pack(path)
        route = next(r for r in agreement.routes if r.id == "m4")
        halves = tuple(
            z for z in agreement.zones if z.derivation is not None and z.derivation.route == "m4"
        )
        if len(halves) != 2:
            raise LookupError(f"expected two corridor halves on m4, found {len(halves)}")
        return Corridor(halves, route, f"bundled example pack {path}")
    except Exception as exc:  # any failure of the pack: fall back, and say why
        return build_corridor(f"M4 village points ({type(exc).__name__}: {exc})")


def build_corridor(source: str) -> Corridor:
    line = LineString([(lon, lat) for _, lon, lat in M4_VILLAGES])
    route = Route(
        id="m4",
        name="M4 highway",
        line=line,
        vertices=tuple(RouteVertex(name, "bench") for name, _, _ in M4_VILLAGES),
        accuracy_m=500.0,
        accuracy_note="village centres",
    )
    frame = Corridor((), route, "").frame()
    line_m = frame.to_metric(line)
    zones = tuple(
        Zone(
            id=f"m4-{side.value}",
            name=f"M4 corridor, {side.value} half",
            kind=ZoneKind.SECURITY_CORRIDOR,
            geometry=frame.to_wgs84(corridor_half(line_m, HALF_WIDTH_M, side)),
            responsible_party=None,
        )
        for side in (Side.NORTH, Side.SOUTH)
    )
    return Corridor(zones, route, source)


def random_points(corridor: Corridor, n: int, seed: int) -> tuple[FloatArray, FloatArray]:
    """`n` points uniform in lon/lat over the halves' bounding box widened by MARGIN_M."""
    frame = corridor.frame()
    min_x, min_y, max_x, max_y = shapely.total_bounds(
        [frame.to_metric(z.geometry) for z in corridor.zones]
    )
    xs = np.array([min_x, max_x, min_x, max_x]) + np.array([-1, 1, -1, 1]) * MARGIN_M
    ys = np.array([min_y, min_y, max_y, max_y]) + np.array([-1, -1, 1, 1]) * MARGIN_M
    lons, lats = frame.xy_to_wgs84(xs, ys)
    rng = np.random.default_rng(seed)
    return rng.uniform(lons.min(), lons.max(), n), rng.uniform(lats.min(), lats.max(), n)


# --- the contenders ---------------------------------------------------------------------


class ShapelyBaseline:
    """Raw vectorized shapely: project every point, intersects_xy on each prepared half."""

    def __init__(self, frame: MetricFrame, zones: Sequence[Zone]) -> None:
        self.transformer = Transformer.from_crs("EPSG:4326", frame.crs, always_xy=True)
        self.halves: list[Polygon | MultiPolygon] = [frame.to_metric(z.geometry) for z in zones]
        for half in self.halves:
            shapely.prepare(half)

    def label(self, lon: FloatArray, lat: FloatArray) -> list[npt.NDArray[np.bool_]]:
        x, y = self.transformer.transform(lon, lat)
        return [shapely.intersects_xy(half, x, y) for half in self.halves]


class PostgisBaseline:
    """Points and halves in temporary tables (SRID 4326); labels by ST_Intersects."""

    QUERIES: ClassVar[dict[str, str]] = {
        # The halves drive the join: each half's prepared geometry is reused and
        # the points' GiST index finds the candidates. A point in no half is absent.
        "halves drive the join": (
            "SELECT p.id, z.id FROM bench_zones z JOIN bench_pts p ON ST_Intersects(z.geom, p.geom)"
        ),
        # Every point on the left, its half or NULL.
        "LEFT JOIN from the points": (
            "SELECT p.id, z.id FROM bench_pts p "
            "LEFT JOIN bench_zones z ON ST_Intersects(z.geom, p.geom)"
        ),
    }

    def __init__(self, url: str, zones: Sequence[Zone], lon: FloatArray, lat: FloatArray) -> None:
        self.n = lon.shape[0]
        self.conn: psycopg.Connection[Any] = psycopg.connect(
            url, connect_timeout=5, autocommit=True
        )
        try:
            self._load(zones, lon, lat)
        except BaseException:
            self.conn.close()
            raise

    def _load(self, zones: Sequence[Zone], lon: FloatArray, lat: FloatArray) -> None:
        with self.conn.cursor() as cur:
            cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            row = cur.execute("SELECT postgis_lib_version(), postgis_geos_version()").fetchone()
            self.version = f"PostGIS {row[0]} (GEOS {row[1]})" if row else "PostGIS"
            cur.execute("CREATE TEMP TABLE bench_xy (id integer, lon float8, lat float8)")
            with cur.copy("COPY bench_xy (id, lon, lat) FROM STDIN") as copy:
                for start in range(0, self.n, 100_000):
                    copy.write(
                        _rows(start, lon[start : start + 100_000], lat[start : start + 100_000])
                    )
            cur.execute(
                "CREATE TEMP TABLE bench_pts AS SELECT id, "
                "ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geometry(Point, 4326) AS geom "
                "FROM bench_xy"
            )
            cur.execute("DROP TABLE bench_xy")
            cur.execute("CREATE INDEX ON bench_pts USING gist (geom)")
            cur.execute("CREATE TEMP TABLE bench_zones (id integer, geom geometry(Geometry, 4326))")
            for j, zone in enumerate(zones):
                cur.execute(
                    "INSERT INTO bench_zones VALUES (%s, ST_GeomFromWKB(%s, 4326))",
                    (j, shapely.to_wkb(zone.geometry)),
                )
            cur.execute("ANALYZE bench_pts")
            cur.execute("ANALYZE bench_zones")

    def label(self, query: str) -> Labels:
        """The index of the first half holding each point, -1 for none, fetched by COPY."""
        buffer = io.BytesIO()
        with self.conn.cursor() as cur, cur.copy(f"COPY ({query}) TO STDOUT") as copy:
            for block in copy:
                buffer.write(block)
        text = buffer.getvalue().replace(b"\\N", b"-1").decode("ascii")
        pairs = np.fromstring(text, dtype=np.int64, sep=" ").reshape(-1, 2)
        labels = np.full(self.n, -1, dtype=np.int64)
        hits = pairs[pairs[:, 1] >= 0][::-1]  # reversed: where halves overlap, the first wins
        labels[hits[:, 0]] = hits[:, 1]
        return labels

    def close(self) -> None:
        self.conn.close()


def _rows(start: int, lon: FloatArray, lat: FloatArray) -> str:
    # repr() of a float is exact: the database stores the very same doubles.
    pairs = zip(lon.tolist(), lat.tolist(), strict=True)
    return "".join(f"{start + i}\t{a!r}\t{b!r}\n" for i, (a, b) in enumerate(pairs))


def postgres_url() -> str:
    return (
        os.environ.get("TRUCELINE_BENCH_POSTGRES_URL")
        or os.environ.get("TRUCELINE_TEST_POSTGRES_URL")
        or DEFAULT_POSTGRES_URL
    )


def seconds_per_run(run: Callable[[], object], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


# --- memory, in a child process ---------------------------------------------------------


@dataclass(frozen=True)
class Memory:
    after_imports_mb: float
    peak_mb: float


def _current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kB on Linux


def _classify_in_child(n: int, seed: int, results: multiprocessing.Queue[Memory]) -> None:
    after_imports = _current_rss_mb()
    corridor = load_corridor()
    lon, lat = random_points(corridor, n, seed)
    classifier = ZoneClassifier(corridor.frame(), corridor.zones, corridor.route)
    classifier.classify(lon, lat, with_route=True)
    results.put(Memory(after_imports, _peak_rss_mb()))


def measure_memory(n: int, seed: int) -> Memory:
    """Memory of a fresh process classifying `n` points (with the route).

    Run before this process holds the points: Linux carries ru_maxrss across
    fork and exec, so the child's peak must not be hidden under the parent's.
    """
    context = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue[Memory] = context.Queue()
    child = context.Process(target=_classify_in_child, args=(n, seed, results))
    child.start()
    memory = results.get(timeout=900)
    child.join()
    return memory


# --- the run ----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark of zone labelling.")
    parser.add_argument("--quick", action="store_true", help="100,000 points instead of 1,000,000")
    parser.add_argument("--points", type=int, help="number of points")
    parser.add_argument("--repeats", type=int, default=7, help="timed runs of each (median)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    n = args.points or (100_000 if args.quick else 1_000_000)
    repeats = max(1, args.repeats)

    memory = measure_memory(n, args.seed)
    corridor = load_corridor()
    frame = corridor.frame()
    lon, lat = random_points(corridor, n, args.seed)
    classifier = ZoneClassifier(frame, corridor.zones, corridor.route)
    baseline = ShapelyBaseline(frame, corridor.zones)
    print(f"halves: {', '.join(z.id for z in corridor.zones)}, from the {corridor.source}")
    print(f"frame {frame.name}; {n:,} random points (seed {args.seed}); median of {repeats} runs")

    # The same labels from both, or the comparison means nothing.
    ours = classifier.classify(lon, lat, with_route=False)
    theirs = baseline.label(lon, lat)
    their_counts = {z: int(hits.sum()) for z, hits in zip(ours.zone_ids, theirs, strict=True)}
    assert ours.counts() == their_counts, (ours.counts(), their_counts)
    assert all(np.array_equal(ours.inside[:, j], hits) for j, hits in enumerate(theirs))
    print(f"points per half: {ours.counts()} (Truceline and shapely agree point by point)")

    runs: dict[str, Callable[[], object]] = {
        "truceline": lambda: classifier.classify(lon, lat, with_route=False),
        "shapely": lambda: baseline.label(lon, lat),
        "route": lambda: classifier.classify(lon, lat, with_route=True),
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):  # interleaved, so that drifts of the machine hit all alike
        for name, run in runs.items():
            times[name] += seconds_per_run(run, 1)
    median = {name: statistics.median(ts) for name, ts in times.items()}
    rate = {name: n / seconds for name, seconds in median.items()}

    postgis_seconds, postgis_note = time_postgis(corridor, lon, lat, ours.primary_zone(), repeats)
    postgis_rate = n / postgis_seconds if postgis_seconds else None

    rows = [
        ("Truceline, zone labelling", median["truceline"], rate["truceline"]),
        ("Truceline, with the route (km, offset, side)", median["route"], rate["route"]),
        ("shapely (pyproj + intersects_xy, no prefilter)", median["shapely"], rate["shapely"]),
    ]
    if postgis_seconds:
        rows.append(("PostGIS ST_Intersects, labels fetched", postgis_seconds, n / postgis_seconds))
    print()
    print(f"{'':<46}{'median s':>10}{'points/s':>14}")
    for name, seconds, pts in rows:
        print(f"{name:<46}{seconds:>10.3f}{pts:>14,.0f}")
    print()
    print(f"Truceline / shapely: {rate['truceline'] / rate['shapely']:.2f}   (target >= 0.8)")
    if postgis_rate:
        print(f"Truceline / PostGIS: {rate['truceline'] / postgis_rate:.1f}   (target >= 5)")
    else:
        print(f"PostGIS: skipped, {postgis_note}")
    print(
        f"peak RSS of a process classifying {n:,} points with the route: "
        f"{memory.peak_mb:.0f} MB, {memory.peak_mb - memory.after_imports_mb:.0f} MB over "
        f"{memory.after_imports_mb:.0f} MB after imports (target <= 600 MB)"
    )
    print()
    for line in (
        figure("points_per_s_vs_shapely", rate["truceline"], "points/s", rate["shapely"], 0.8),
        figure("points_per_s_vs_postgis", rate["truceline"], "points/s", postgis_rate, 5),
        figure("peak_rss_mb", memory.peak_mb, "MB", None, 600),
        figure("points_per_s_with_route", rate["route"], "points/s", rate["shapely"], None),
    ):
        print(json.dumps(line))
    return 0


def time_postgis(
    corridor: Corridor, lon: FloatArray, lat: FloatArray, ours: npt.NDArray[np.int32], repeats: int
) -> tuple[float | None, str]:
    """Median seconds of the faster PostGIS query, or None and why it was skipped."""
    url = postgres_url()
    try:
        postgis = PostgisBaseline(url, corridor.zones, lon, lat)
    except Exception as exc:
        return None, f"{url} is not usable: {type(exc).__name__}: {str(exc).strip()}"
    n = lon.shape[0]
    best: float | None = None
    try:
        for name, query in postgis.QUERIES.items():
            differ = int(np.count_nonzero(postgis.label(query) != ours))
            seconds = statistics.median(
                seconds_per_run(partial(postgis.label, query), min(repeats, POSTGIS_REPEATS_MAX))
            )
            best = seconds if best is None else min(best, seconds)
            print(
                f"{postgis.version}, {name}: {seconds:.3f} s, {n / seconds:,.0f} points/s; "
                f"labels differ from Truceline's on {differ} of {n:,} points"
            )
    finally:
        postgis.close()
    print("(PostGIS tests the halves with edges straight in degrees; Truceline, in metres)")
    return best, postgis.version


if __name__ == "__main__":
    sys.exit(main())
