"""Benchmark of incidents: a million ACLED rows imported, then listed page by page.

    python bench/incidents.py [--quick] [--rows N] [--repeats R] [--queries Q]

Needs the bench extra (pandas and Datasette): ``pip install -e ".[bench]"``.
In one run, on N generated incidents (1,000,000; 20,000 with --quick):

- writes them as an ACLED CSV: points spread over the example's area (the M4
  corridor, lon 36.2-36.9, lat 35.6-36.0), dates from 2020-03-06 to some
  weeks ago, every event type, ceasefire-violation tags on some (seeded);
- times Truceline's import of the file as ``truceline incidents import``
  does it (SHA-256 of the file, then `iter_acled` and `import_rows`: every
  row parsed and checked, placed in the zones, linked to the provisions it
  may breach, stored, all in one transaction) into a fresh SQLite database,
  against ``pandas.read_csv`` of the same file; each run in a fresh process,
  the two interleaved, R runs each (3), medians. The import's process also
  reports its peak resident memory;
- times, in the same rounds, two floors of this design: Python's csv
  module reading the file's rows (nothing checked), and SQLite alone
  storing the rows the import stored (copied by ``INSERT ... SELECT`` into a
  fresh database with the same schema and indexes, no Python involved);
- imports the same file once into a fresh PostgreSQL database, when one is
  reachable (TRUCELINE_BENCH_POSTGRES_URL, else TRUCELINE_TEST_POSTGRES_URL,
  else the local socket); the database is dropped at the end;
- times Q (1,000) filtered, paginated list queries (`list_incidents`, 50 a
  page, following the cursor; see bench/incident_lists.py) on SQLite and on
  PostgreSQL: p50 and p99; and the same pages from Datasette's table JSON
  API over the same SQLite file (its row counts checked against
  Truceline's for a few filters first).

Prints a table, then one JSON line per figure.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import queue
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from acled_file import FIRST_DAY, last_day, write_acled_file
from figures import figure as make_figure  # bench/figures.py, beside this script
from figures import print_figures
from incident_lists import (
    AGREEMENT,
    PAGE,
    Latency,
    datasette_count,
    plan,
    time_datasette,
    time_truceline,
)
from truceline.adapters.db.bulk_rows import BULK_CACHE_KIB
from truceline.adapters.interchange.acled import iter_acled
from truceline.adapters.signing import Ed25519Signer
from truceline.bootstrap import App, bootstrap
from truceline.domain.accounts import Actor
from truceline.services.authorship import ServerSigned
from truceline.services.incident_exchange import ImportFormat, file_digest, import_rows
from truceline.services.incident_store import IncidentFilter
from truceline.settings import Settings

figure = partial(make_figure, "incidents", digits=3)

SEED = 20200305
#: The tables an import writes rows to (the log's one entry aside).
STORED_TABLES = (
    "incidents",
    "reports",
    "incident_zones",
    "incident_provisions",
    "incident_history",
)
DEFAULT_POSTGRES_URL = "postgresql://postgres@/postgres?host=/var/run/postgresql"


# --- runs in fresh processes --------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One timed run in a child process: seconds, what it did, its memory."""

    seconds: float
    rows: int
    detail: str
    peak_mb: float
    after_imports_mb: float


def _current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kB on Linux


def make_app(url: str, key: Path) -> App:
    return bootstrap(
        Settings(database_url=url, log_key=key, example=AGREEMENT, checkpoint_interval_s=0)
    )


def _import_in_child(url: str, key: str, file: str, results: Any) -> None:
    after_imports = _current_rss_mb()
    app = make_app(url, Path(key))
    try:
        enricher = app.enricher(AGREEMENT)
        started = time.perf_counter()
        with open(file, "rb") as raw:
            digest = file_digest(raw)
        with open(file, newline="", encoding="utf-8") as stream:
            outcome = import_rows(
                app.uow(),
                Actor.operator(),
                ServerSigned(app.log.signer),
                enricher,
                iter_acled(stream, entered_by="operator", received_at=app.now()),
                fmt=ImportFormat.ACLED,
                file_name=Path(file).name,
                file_sha256=digest,
                at=app.now(),
                now=app.now,
            )
        seconds = time.perf_counter() - started
    finally:
        app.close()
    counts = outcome.counts
    detail = f"{counts.inserted:,} inserted, {counts.rejected:,} rejected"
    assert outcome.committed, detail
    assert counts.rejected == 0, detail
    results.put(Run(seconds, counts.inserted, detail, _peak_rss_mb(), after_imports))


def _csv_reader_in_child(file: str, results: Any) -> None:
    """The floor of reading the rows in Python: the standard csv module, nothing checked."""
    after_imports = _current_rss_mb()
    started = time.perf_counter()
    rows = 0
    with open(file, newline="", encoding="utf-8") as stream:
        for _ in csv.reader(stream):
            rows += 1
    seconds = time.perf_counter() - started
    results.put(Run(seconds, rows - 1, "csv.reader", _peak_rss_mb(), after_imports))


def _store_in_child(url: str, key: str, imported: str, results: Any) -> None:
    """The floor of storing the rows: the imported ones copied by SQLite alone, in C.

    A fresh database gets the same schema (the migrations), then one
    transaction copies every row the import stored in the incident tables
    (``INSERT ... SELECT`` from the imported file, attached), with the same
    settings and page cache as the import: what SQLite itself spends on
    storing those rows and their indexes, without any Python.
    """
    after_imports = _current_rss_mb()
    make_app(url, Path(key)).close()
    conn = sqlite3.connect(make_url(url).database or "", isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        conn.execute("ATTACH DATABASE ? AS imported", (imported,))
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        rows = 0
        for table in STORED_TABLES:
            copied = conn.execute(f"INSERT INTO main.{table} SELECT * FROM imported.{table}")
            rows += copied.rowcount
        conn.execute("COMMIT")
        seconds = time.perf_counter() - started
    finally:
        conn.close()
    detail = f"{rows:,} rows in {len(STORED_TABLES)} tables"
    results.put(Run(seconds, rows, detail, _peak_rss_mb(), after_imports))


def _pandas_in_child(file: str, results: Any) -> None:
    after_imports = _current_rss_mb()
    import pandas

    started = time.perf_counter()
    frame = pandas.read_csv(file)
    seconds = time.perf_counter() - started
    detail = f"pandas {pandas.__version__}"
    results.put(Run(seconds, len(frame), detail, _peak_rss_mb(), after_imports))


def in_child(target: Any, *args: Any) -> Run:
    """Run `target(*args, results)` in a fresh (spawned) process and return what it put.

    A fresh process each time: its peak memory is its own (Linux carries the
    peak across fork and exec), and no run warms the next one's caches.
    """
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    child = context.Process(target=target, args=(*args, results))
    child.start()
    try:
        while True:
            try:
                run: Run = results.get(timeout=1)
                break
            except queue.Empty:
                if not child.is_alive():
                    raise SystemExit(
                        f"{target.__name__} failed in a child process ({child.exitcode})"
                    ) from None
    finally:
        child.join()
    return run


# --- PostgreSQL -------------------------------------------------------------------------


def postgres_admin_url() -> str:
    return (
        os.environ.get("TRUCELINE_BENCH_POSTGRES_URL")
        or os.environ.get("TRUCELINE_TEST_POSTGRES_URL")
        or DEFAULT_POSTGRES_URL
    )


def create_database(admin_url: str) -> str:
    """A fresh database of our own on the server; its URL."""
    name = f"truceline_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, connect_timeout=5, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, url: str) -> None:
    """Drop the database `create_database` made (and only that one)."""
    name = make_url(url).database
    assert name is not None
    assert name.startswith("truceline_bench_")
    with psycopg.connect(admin_url, connect_timeout=5, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the run ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Floors:
    """What no import of this design can go under: reading the rows, and SQLite storing them."""

    parses: list[Run]
    stores: list[Run]

    @property
    def parse_s(self) -> float:
        return statistics.median(r.seconds for r in self.parses)

    @property
    def store_s(self) -> float:
        return statistics.median(r.seconds for r in self.stores)


@dataclass(frozen=True)
class Results:
    """Everything measured, for the table and the figures."""

    n: int
    imports: list[Run]
    reads: list[Run]
    floors: Floors
    sqlite_lists: Latency
    datasette_lists: Latency
    datasette_version: str
    postgres: Postgres

    @property
    def import_s(self) -> float:
        return statistics.median(r.seconds for r in self.imports)

    @property
    def read_s(self) -> float:
        return statistics.median(r.seconds for r in self.reads)

    @property
    def peak_mb(self) -> float:
        return max(r.peak_mb for r in self.imports)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark of incident import and listing.")
    parser.add_argument("--quick", action="store_true", help="20,000 incidents, not 1,000,000")
    parser.add_argument("--rows", type=int, help="incidents in the file")
    parser.add_argument("--repeats", type=int, default=3, help="timed imports and reads (median)")
    parser.add_argument("--queries", type=int, default=1000, help="list pages timed per engine")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    n = args.rows or (20_000 if args.quick else 1_000_000)
    with tempfile.TemporaryDirectory(prefix="truceline-bench-") as tmp:
        results = measure(Path(tmp), n, max(1, args.repeats), args.queries, args.seed)
    report(results)
    return 0


def measure(folder: Path, n: int, repeats: int, queries: int, seed: int) -> Results:
    key = folder / "log.key"
    Ed25519Signer.generate().save(key)
    file = folder / "acled.csv"
    started = time.perf_counter()
    write_acled_file(file, n, seed)
    size_mb = file.stat().st_size / 2**20
    print(f"generated {n:,} ACLED rows ({size_mb:.0f} MB) in {time.perf_counter() - started:.1f} s")

    imports: list[Run] = []
    reads: list[Run] = []
    floors = Floors([], [])
    db_file = folder / "truceline.db"
    copy_file = folder / "stored-again.db"
    for run in range(repeats):  # interleaved, so that drifts of the machine hit all alike
        for stale in [*folder.glob("truceline.db*"), *folder.glob("stored-again.db*")]:
            stale.unlink()
        imports.append(in_child(_import_in_child, f"sqlite:///{db_file}", str(key), str(file)))
        reads.append(in_child(_pandas_in_child, str(file)))
        floors.parses.append(in_child(_csv_reader_in_child, str(file)))
        floors.stores.append(
            in_child(_store_in_child, f"sqlite:///{copy_file}", str(key), str(db_file))
        )
        print(
            f"run {run + 1}: import {imports[-1].seconds:.1f} s ({imports[-1].detail}, "
            f"peak {imports[-1].peak_mb:.0f} MB); pandas.read_csv {reads[-1].seconds:.2f} s; "
            f"csv.reader {floors.parses[-1].seconds:.2f} s; "
            f"SQLite alone {floors.stores[-1].seconds:.1f} s ({floors.stores[-1].detail})"
        )

    sequences = plan(queries, FIRST_DAY, last_day(), seed)
    app = make_app(f"sqlite:///{db_file}", key)
    try:
        check_translation(app, db_file)
        sqlite_lists = time_truceline(app, sequences, queries)
    finally:
        app.close()
    datasette_lists, datasette_version = time_datasette(db_file, sequences, queries)
    postgres = time_postgres(key, file, sequences, queries)
    return Results(
        n,
        imports,
        reads,
        floors,
        sqlite_lists,
        datasette_lists,
        datasette_version,
        postgres,
    )


def report(r: Results) -> None:
    """The table, then one JSON line per figure."""
    pg = r.postgres
    print()
    print(f"{r.n:,} incidents; medians of {len(r.imports)} runs, a fresh process for each")
    print(f"{'':<46}{'seconds':>10}{'rows/s':>12}")
    rows = [("Truceline import, SQLite", r.import_s)]
    if pg.import_run is not None:
        rows.append(("Truceline import, PostgreSQL (one run)", pg.import_run.seconds))
    rows.append(("pandas.read_csv", r.read_s))
    for name, seconds in rows:
        print(f"{name:<46}{seconds:>10.2f}{r.n / seconds:>12,.0f}")
    print(f"import / read_csv: {r.import_s / r.read_s:.1f}   (target <= 3)")
    floors = r.floors
    print(
        f"floors: csv.reader alone {floors.parse_s:.2f} s ({floors.parse_s / r.read_s:.1f} x "
        f"read_csv); SQLite alone storing the imported rows {floors.store_s:.1f} s "
        f"({floors.store_s / r.read_s:.1f} x read_csv)"
    )
    print(
        f"peak RSS of the import: {r.peak_mb:.0f} MB, "
        f"{r.peak_mb - r.imports[0].after_imports_mb:.0f} MB over the interpreter's start "
        "(target < 1500 MB)"
    )
    print()
    print(f"{r.sqlite_lists.count:,} list pages of {PAGE}, mixed filters, after a warm-up")
    print(f"{'':<46}{'p50 ms':>10}{'p99 ms':>12}")
    lists = [("Truceline, SQLite", r.sqlite_lists)]
    if pg.lists is not None:
        lists.append(("Truceline, PostgreSQL", pg.lists))
    lists.append((f"{r.datasette_version}, the same SQLite file", r.datasette_lists))
    for name, latency in lists:
        print(f"{name:<46}{latency.p50_ms:>10.1f}{latency.p99_ms:>12.1f}")
    ours, theirs = r.sqlite_lists, r.datasette_lists
    print(
        f"Truceline / Datasette on SQLite: p50 {ours.p50_ms / theirs.p50_ms:.2f}, "
        f"p99 {ours.p99_ms / theirs.p99_ms:.2f}   (target: p99 <= 50 ms on each engine)"
    )
    if pg.note:
        print(f"PostgreSQL: {pg.note}")
    print()
    figures = [
        figure("import_s_vs_read_csv", r.import_s, "s", r.read_s, 3),
        figure("import_peak_rss_mb", r.peak_mb, "MB", None, 1500),
        figure("csv_reader_s_vs_read_csv", floors.parse_s, "s", r.read_s, None),
        figure("sqlite_store_s_vs_read_csv", floors.store_s, "s", r.read_s, None),
        figure("list_p50_ms_sqlite_vs_datasette", ours.p50_ms, "ms", theirs.p50_ms, None),
        figure("list_p99_ms_sqlite_vs_datasette", ours.p99_ms, "ms", theirs.p99_ms, None),
        figure("list_p99_ms_sqlite", ours.p99_ms, "ms", None, 50),
    ]
    if pg.import_run is not None:
        seconds = pg.import_run.seconds
        figures.append(figure("import_s_vs_read_csv_postgresql", seconds, "s", r.read_s, 3))
    if pg.lists is not None:
        figures.append(figure("list_p50_ms_postgresql", pg.lists.p50_ms, "ms", None, None))
        figures.append(figure("list_p99_ms_postgresql", pg.lists.p99_ms, "ms", None, 50))
    print_figures(figures)


def check_translation(app: App, db_file: Path) -> None:
    """Datasette's arguments select as many rows as Truceline's filter, for a few filters."""
    with app.uow() as uow:
        for where in (
            IncidentFilter(AGREEMENT, zone="corridor-north", event_type="Battles"),
            IncidentFilter(AGREEMENT, responsible_party="ru"),
            IncidentFilter(AGREEMENT, provision="moscow-1-ceasefire", date_to=date(2021, 1, 1)),
        ):
            ours = uow.incidents.count(where)
            theirs = datasette_count(db_file, where)
            assert ours == theirs, (where, ours, theirs)


@dataclass(frozen=True)
class Postgres:
    import_run: Run | None
    lists: Latency | None
    note: str = ""


def time_postgres(key: Path, file: Path, sequences: list[Any], queries: int) -> Postgres:
    """The import (one run) and the list queries on a fresh PostgreSQL database, if reachable."""
    admin = postgres_admin_url()
    try:
        url = create_database(admin)
    except Exception as exc:
        return Postgres(None, None, f"skipped, {admin} is not usable: {type(exc).__name__}: {exc}")
    try:
        run = in_child(_import_in_child, url, str(key), str(file))
        print(f"PostgreSQL: import {run.seconds:.1f} s ({run.detail}, peak {run.peak_mb:.0f} MB)")
        app = make_app(url, key)
        try:
            with app.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
            lists = time_truceline(app, sequences, queries)
        finally:
            app.close()
        return Postgres(run, lists)
    finally:
        drop_database(admin, url)


if __name__ == "__main__":
    sys.exit(main())
