"""The list-query half of bench/incidents.py: a plan of filtered, paginated queries, timed.

The plan is seeded: each query is one page (50 incidents, newest first) of a
filter drawn from a mix (zone, responsible party, event type, status,
provision, date range, and pairs of them); a third of the pages follow the
previous page's cursor, up to five pages deep. The same plan runs against
Truceline's list service (`services.incident_queries.list_incidents`, on
SQLite and on PostgreSQL) and against Datasette's table JSON API over the
same SQLite file, in process (``datasette.client``), each after a short
warm-up that is not timed.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from truceline.bootstrap import App
from truceline.domain import event_types as vocab
from truceline.domain.verification import VerificationStatus
from truceline.services.incident_queries import list_incidents
from truceline.services.incident_store import IncidentFilter

AGREEMENT = "idlib-m4"
PAGE = 50
WARM_UP = 50
MAX_DEPTH = 5


@dataclass(frozen=True)
class Query:
    """One page to fetch: a filter and how deep into its pages (0: the first)."""

    where: IncidentFilter
    depth: int


@dataclass(frozen=True)
class Latency:
    """Milliseconds per page: the median, the 99th percentile, how many."""

    p50_ms: float
    p99_ms: float
    count: int

    @classmethod
    def of(cls, seconds: list[float]) -> Latency:
        ms = sorted(s * 1000 for s in seconds)
        p99 = statistics.quantiles(ms, n=100, method="inclusive")[98] if len(ms) > 1 else ms[0]
        return cls(statistics.median(ms), p99, len(ms))


def plan(count: int, first_day: date, last_day: date, seed: int) -> list[list[Query]]:
    """Sequences of pages of one filter each, `count` pages in all (more, for the pages that a
    short list does not have: the timings stop at `count` pages)."""
    rng = random.Random(seed)
    span = (last_day - first_day).days

    def window() -> dict[str, Any]:
        start = first_day + timedelta(days=rng.randrange(span))
        return {"date_from": start, "date_to": start + timedelta(days=rng.choice([7, 30, 90, 365]))}

    choices = [
        lambda: {},
        lambda: {"zone": rng.choice(["corridor-north", "corridor-south"])},
        lambda: {"responsible_party": rng.choice(["tr", "ru"])},
        lambda: {"event_type": rng.choice(list(vocab.EVENT_TYPES))},
        lambda: {"status": rng.choice([VerificationStatus.PENDING, VerificationStatus.VERIFIED])},
        lambda: {"provision": rng.choice(["moscow-1-ceasefire", "moscow-3-joint-patrols"])},
        window,
        lambda: {"zone": "corridor-north", "event_type": rng.choice(list(vocab.EVENT_TYPES))},
        lambda: {"responsible_party": rng.choice(["tr", "ru"]), **window()},
        lambda: {"provision": "moscow-1-ceasefire", **window()},
        lambda: {"event_type": "Battles", "status": VerificationStatus.PENDING, **window()},
    ]
    sequences: list[list[Query]] = []
    total = 0
    while total < 2 * count:
        where = IncidentFilter(AGREEMENT, **rng.choice(choices)())
        depth = 1
        while depth < MAX_DEPTH and rng.random() < 1 / 3:
            depth += 1
        sequences.append([Query(where, k) for k in range(depth)])
        total += depth
    return sequences


def time_truceline(app: App, sequences: list[list[Query]], count: int) -> Latency:
    """`count` pages through `list_incidents`, following `next_cursor`; a warm-up first."""
    agreement = app.enricher(AGREEMENT).agreement
    seconds: list[float] = []
    for n, sequence in enumerate(_with_warm_up(sequences)):
        if len(seconds) >= count:
            break
        cursor: str | None = None
        for _query in sequence:
            started = time.perf_counter()
            page = list_incidents(app.uow(), agreement, sequence[0].where, after=cursor, limit=PAGE)
            elapsed = time.perf_counter() - started
            if n >= WARM_UP:
                seconds.append(elapsed)
            cursor = page.next_cursor
            if cursor is None or len(seconds) >= count:
                break
    return Latency.of(seconds)


def _with_warm_up(sequences: list[list[Query]]) -> list[list[Query]]:
    return [*sequences[:WARM_UP], *sequences]


# --- Datasette ----------------------------------------------------------------------------


def datasette_args(where: IncidentFilter) -> list[tuple[str, str]]:
    """The table API's arguments selecting what `where` selects (see adapters/db/incidents.py)."""
    args = [("agreement_id", where.agreement_id), ("merged_into__isnull", "1")]
    if where.date_from is not None:
        args.append(("end_date__gte", where.date_from.isoformat()))
    if where.date_to is not None:
        args.append(("start_date__lte", where.date_to.isoformat()))
    if where.event_type is not None:
        args.append(("event_type", where.event_type))
    if where.status is not None:
        args.append(("status", str(where.status)))
    if where.responsible_party is not None:
        party = where.responsible_party
        args.append(
            (
                "_where",
                f"(responsible_party = '{party}' or (responsible_party is null and exists ("
                "select 1 from incident_zones z join zones zt on zt.agreement_id = z.agreement_id "
                f"and zt.id = z.zone_id where z.incident_id = incidents.id "
                f"and zt.responsible_party = '{party}')))",
            )
        )
    for value, table, column in (
        (where.zone, "incident_zones", "zone_id"),
        (where.provision, "incident_provisions", "provision_id"),
    ):
        if value is not None:
            args.append(
                (
                    "_where",
                    f"exists (select 1 from {table} x where x.incident_id = incidents.id "
                    f"and x.agreement_id = '{where.agreement_id}' and x.{column} = '{value}')",
                )
            )
    unsupported = (where.channel, where.reporting_party, where.awaiting, where.include_merged)
    assert not any(unsupported), "the plan uses no report, queue or merged filters"
    return args


def time_datasette(db_file: Path, sequences: list[list[Query]], count: int) -> tuple[Latency, str]:
    """The same pages from Datasette's table JSON API, in process; and its version."""
    from datasette.app import Datasette
    from datasette.version import __version__

    async def run() -> list[float]:
        ds = Datasette([str(db_file)], settings={"sql_time_limit_ms": 60_000})
        await ds.invoke_startup()
        path = f"/{db_file.stem}/incidents.json"
        seconds: list[float] = []
        for n, sequence in enumerate(_with_warm_up(sequences)):
            if len(seconds) >= count:
                break
            base = [
                *datasette_args(sequence[0].where),
                ("_sort_desc", "start_date"),
                ("_size", str(PAGE)),
                ("_nocount", "1"),
                ("_nofacet", "1"),
                ("_nosuggest", "1"),
            ]
            token: str | None = None
            for _query in sequence:
                args = base if token is None else [*base, ("_next", token)]
                started = time.perf_counter()
                response = await ds.client.get(f"{path}?{urlencode(args)}")
                body = response.json()
                elapsed = time.perf_counter() - started
                assert response.status_code == 200, body
                if n >= WARM_UP:
                    seconds.append(elapsed)
                token = body.get("next")
                if token is None or len(seconds) >= count:
                    break
        return seconds

    return Latency.of(asyncio.run(run())), f"Datasette {__version__}"


def datasette_count(db_file: Path, where: IncidentFilter) -> int:
    """How many rows Datasette's table API selects for `where` (to check the translation)."""
    from datasette.app import Datasette

    async def run() -> int:
        ds = Datasette([str(db_file)], settings={"sql_time_limit_ms": 60_000})
        args = [*datasette_args(where), ("_size", "1"), ("_nofacet", "1"), ("_nosuggest", "1")]
        body = (await ds.client.get(f"/{db_file.stem}/incidents.json?{urlencode(args)}")).json()
        return int(body["filtered_table_rows_count"])

    return asyncio.run(run())
