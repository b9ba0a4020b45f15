"""Benchmark of the ledger: appends, verification, proofs, memory.

    python bench/ledger.py [--quick] [--entries N] [--appends K] [--repeats R]

In one run, on SQLite files in a temporary folder (WAL, synchronous=NORMAL),
it measures:

- appends per second: canonical JSON + leaf hash + Ed25519 signature + store,
  K events appended in ONE transaction (``record_many`` on blocks of 1,000
  events, then the commit, all timed), against the raw Ed25519 signing rate of
  the same events' canonical bytes (cryptography's ``sign``), the two
  interleaved block by block. Also, for reference, appends with one
  transaction each (``record`` + commit), which pay a commit per entry;
- verifying an exported bundle of N entries (``verify_bundle`` reading the
  file), against the raw cost of the same entries: SHA-256 leaf hash and
  Ed25519 verification (public keys already loaded) on bytes prepared untimed.
  Every 10,000 entries the verification clock stops while the raw work runs on
  those entries, so the two are interleaved chunk by chunk;
- inclusion and consistency proof times in the log of N entries, from the
  stored tree nodes (random positions and sizes; median);
- the peak resident memory of a fresh process verifying the bundle.

The log of N entries (1,000,000; 10,000 with --quick) is generated in a child
process by batch appends (10,000 entries per transaction): ten users' keys are
registered by the operator, then entries alternate between those users and
the operator, so the key rule is exercised. Medians of R runs (3; 5 with
--quick). Prints a table, then one JSON line per figure.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from figures import figure as make_figure  # bench/figures.py, beside this script
from truceline.adapters.db.engine import make_engine
from truceline.adapters.db.migrate import upgrade
from truceline.adapters.db.unit_of_work import SqlUnitOfWork
from truceline.adapters.signing import Ed25519Signer
from truceline.domain import merkle
from truceline.domain.events import OPERATOR, Event
from truceline.domain.ledger import b64, parse_leaf
from truceline.services.ledger import (
    LogIdentity,
    event_json,
    publish_checkpoint,
    record,
    record_many,
)
from truceline.services.ledger_proofs import consistency_proof, inclusion_proof
from truceline.services.ledger_verify import export_bundle, verify_bundle

figure = partial(make_figure, "ledger", digits=3)

SEED = 20200305
USERS = 10
CHUNK = 10_000
BLOCK = 1_000
ORIGIN = "bench.truceline.local/ledger"
START = datetime(2020, 3, 5, 22, 1, tzinfo=UTC)


# --- events ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cast:
    """The log key and the users' keys (deterministic, from the seed)."""

    log: Ed25519Signer
    users: tuple[tuple[str, Ed25519Signer], ...]


def cast(seed: int) -> Cast:
    rng = random.Random(seed)
    keys = [Ed25519Signer.from_private_bytes(rng.randbytes(32)) for _ in range(USERS + 1)]
    return Cast(keys[0], tuple((f"usr_bench{i:02d}", k) for i, k in enumerate(keys[1:])))


def registrations(people: Cast) -> list[tuple[Event, Ed25519Signer]]:
    """The operator registers every user's key."""
    return [
        (
            Event(
                "user.key_registered",
                OPERATOR,
                None,
                START,
                user,
                {"public_key": b64(key.public_key), "key_id": key.key_id},
            ),
            people.log,
        )
        for user, key in people.users
    ]


def events(people: Cast, start: int, count: int) -> list[tuple[Event, Ed25519Signer]]:
    """Entries ``start`` .. ``start + count - 1``: users' and the operator's, alternating."""
    out = []
    for i in range(start, start + count):
        at = START + timedelta(seconds=i)
        if i % 2:
            user, key = people.users[i % USERS]
            event = Event(
                "token.created",
                user,
                "tr" if i % 4 == 1 else "ru",
                at,
                f"tok_bench{i:08d}",
                {"token": f"tok_bench{i:08d}", "scopes": ["read", "ledger"], "name": "sync"},
            )
            out.append((event, key))
        else:
            event = Event(
                "agreement.replaced",
                OPERATOR,
                None,
                at,
                "agreement:idlib-m4",
                {"agreement": "idlib-m4", "digest": f"{i:064x}", "title": "Idlib M4 corridor"},
            )
            out.append((event, people.log))
    return out


# --- a database and a bundle ---------------------------------------------------------------


def open_db(path: Path) -> Any:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    return engine


def generate(folder: Path, n: int, seed: int) -> None:
    """Write ``folder/log.db`` with n entries (batch appends) and ``folder/bundle.jsonl``."""
    people = cast(seed)
    log = LogIdentity(ORIGIN, people.log)
    engine = open_db(folder / "log.db")
    try:
        first = registrations(people)
        done = 0
        while done < n:
            count = min(CHUNK, n - done)
            items = first[:count] if done == 0 else []
            items += events(people, done + len(items), count - len(items))
            with SqlUnitOfWork(engine) as uow:
                record_many(uow, items)
                uow.commit()
            done += count
        publish_checkpoint(SqlUnitOfWork(engine), log)
        export_bundle(SqlUnitOfWork(engine), log, folder / "bundle.jsonl")
    finally:
        engine.dispose()


def _generate_in_child(folder: str, n: int, seed: int) -> None:
    generate(Path(folder), n, seed)


def run_child(target: Callable[..., None], *args: Any) -> None:
    """Run ``target(*args)`` in a fresh (spawned) process and wait for it."""
    context = multiprocessing.get_context("spawn")
    child = context.Process(target=target, args=args)
    child.start()
    child.join()
    if child.exitcode != 0:
        raise SystemExit(f"{target.__name__} failed in a child process ({child.exitcode})")


# --- memory ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Memory:
    after_imports_mb: float
    peak_mb: float


def _current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _verify_in_child(bundle: str, results: Any) -> None:
    after_imports = _current_rss_mb()
    with open(bundle, encoding="utf-8") as lines:
        report = verify_bundle(lines)
    assert report.valid, report.summary()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kB on Linux
    results.put(Memory(after_imports, peak))


def measure_memory(bundle: Path) -> Memory:
    """Peak RSS of a fresh process verifying the bundle (run while this process is small)."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    child = context.Process(target=_verify_in_child, args=(str(bundle), results))
    child.start()
    memory: Memory = results.get(timeout=3600)
    child.join()
    return memory


# --- timings -----------------------------------------------------------------------------


def time_appends(folder: Path, people: Cast, k: int, run: int) -> tuple[float, float]:
    """Seconds to append k events in ONE transaction (record_many, BLOCK events a call, then
    the commit), and the seconds cryptography takes to sign the same events' canonical bytes.

    The two are interleaved block by block, so that the load of the machine
    weighs on both alike. A fresh database each run.
    """
    engine = open_db(folder / f"append-{run}.db")
    raw_keys = {
        s.public_key: Ed25519PrivateKey.from_private_bytes(s.private_bytes()) for s in _all(people)
    }
    appending = signing = 0.0
    try:
        with SqlUnitOfWork(engine) as uow:
            record_many(uow, registrations(people))
            uow.commit()
        with SqlUnitOfWork(engine) as uow:
            for first in range(USERS, USERS + k, BLOCK):
                items = events(people, first, min(BLOCK, USERS + k - first))
                started = time.perf_counter()
                record_many(uow, items)
                appending += time.perf_counter() - started
                messages = [(raw_keys[s.public_key], event_json(e.body())) for e, s in items]
                started = time.perf_counter()
                for key, message in messages:
                    key.sign(message)
                signing += time.perf_counter() - started
            started = time.perf_counter()
            uow.commit()
            appending += time.perf_counter() - started
    finally:
        engine.dispose()
    return appending, signing


def time_single_appends(folder: Path, people: Cast, k: int, run: int) -> float:
    """Seconds to append k events with one transaction each (record + commit)."""
    engine = open_db(folder / f"single-{run}.db")
    try:
        with SqlUnitOfWork(engine) as uow:
            record_many(uow, registrations(people))
            uow.commit()
        items = events(people, USERS, k)
        started = time.perf_counter()
        for event, signer in items:
            with SqlUnitOfWork(engine) as uow:
                record(uow, event, signer)
                uow.commit()
        return time.perf_counter() - started
    finally:
        engine.dispose()


def _all(people: Cast) -> list[Ed25519Signer]:
    return [people.log, *(k for _, k in people.users)]


class _Clock:
    """A stopwatch that can be paused."""

    def __init__(self) -> None:
        self.total = 0.0
        self._since: float | None = None

    def start(self) -> None:
        self._since = time.perf_counter()

    def stop(self) -> None:
        assert self._since is not None
        self.total += time.perf_counter() - self._since
        self._since = None


def time_verification(bundle: Path) -> tuple[float, float]:
    """Seconds of ``verify_bundle`` reading the file, and of the raw work on the same entries.

    The raw work is SHA-256 of each leaf and Ed25519 verification of its
    signature, with the public keys already loaded. Every CHUNK entries the
    verification clock is paused while the raw work runs on those entries (on
    bytes prepared untimed), so the two are interleaved chunk by chunk.
    """
    verifying = _Clock()
    raw = 0.0
    keys: dict[bytes, Ed25519PublicKey] = {}

    def lines() -> Iterator[str]:
        nonlocal raw
        with bundle.open(encoding="utf-8") as file:
            yield next(file)
            chunk: list[str] = []
            for line in file:
                yield line
                chunk.append(line)
                if len(chunk) == CHUNK:
                    verifying.stop()
                    raw += _raw_verification(chunk, keys)
                    chunk = []
                    verifying.start()
            if chunk:
                verifying.stop()
                raw += _raw_verification(chunk, keys)
                verifying.start()

    verifying.start()
    report = verify_bundle(lines())
    verifying.stop()
    assert report.valid, report.summary()
    return verifying.total, raw


def _raw_verification(chunk: list[str], keys: dict[bytes, Ed25519PublicKey]) -> float:
    work = []
    for line in chunk:
        leaf = json.loads(line)["leaf"].encode("utf-8")
        parsed = parse_leaf(leaf)
        key = keys.get(parsed.public_key)
        if key is None:
            key = keys[parsed.public_key] = Ed25519PublicKey.from_public_bytes(parsed.public_key)
        work.append((leaf, key, parsed.signature, parsed.event_json))
    started = time.perf_counter()
    for leaf, key, signature, message in work:
        merkle.leaf_hash(leaf)
        key.verify(signature, message)
    return time.perf_counter() - started


def time_proofs(db: Path, n: int, count: int, seed: int) -> tuple[float, float]:
    """Median seconds of one inclusion proof and of one consistency proof at size n."""
    engine = make_engine(f"sqlite:///{db}")
    rng = random.Random(seed)
    inclusion: list[float] = []
    consistency: list[float] = []
    try:
        for _ in range(count):
            seq = rng.randrange(n)
            started = time.perf_counter()
            proof = inclusion_proof(SqlUnitOfWork(engine), seq, n)
            inclusion.append(time.perf_counter() - started)
            assert merkle.verify_inclusion(proof.leaf_hash, seq, n, proof.proof, proof.root)
            old = rng.randrange(1, n)
            started = time.perf_counter()
            step = consistency_proof(SqlUnitOfWork(engine), old, n)
            consistency.append(time.perf_counter() - started)
            assert merkle.verify_consistency(old, n, step.old_root, step.new_root, step.proof)
    finally:
        engine.dispose()
    return statistics.median(inclusion), statistics.median(consistency)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark of the ledger.")
    parser.add_argument("--quick", action="store_true", help="10,000 entries, fewer appends")
    parser.add_argument("--entries", type=int, help="entries in the verified log")
    parser.add_argument("--appends", type=int, help="events per append run")
    parser.add_argument("--repeats", type=int, help="timed runs of each (median)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    n = args.entries or (10_000 if args.quick else 1_000_000)
    k = args.appends or (5_000 if args.quick else 20_000)
    repeats = max(1, args.repeats or (5 if args.quick else 3))
    people = cast(args.seed)

    with tempfile.TemporaryDirectory(prefix="truceline-bench-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        run_child(_generate_in_child, str(folder), n, args.seed)
        generated = time.perf_counter() - started
        bundle = folder / "bundle.jsonl"
        print(
            f"generated a log of {n:,} entries and its bundle "
            f"({bundle.stat().st_size / 2**20:.0f} MB) in {generated:.1f} s (batch appends)"
        )
        memory = measure_memory(bundle)

        times: dict[str, list[float]] = {
            "batch": [],
            "sign": [],
            "single": [],
            "verify": [],
            "raw_verify": [],
        }
        single_k = max(100, k // 10)
        for run in range(repeats):  # interleaved, so that drifts of the machine hit all alike
            os.sync()  # each figure pays for its own writes, not for the writeback of others'
            appending, signing = time_appends(folder, people, k, run)
            times["batch"].append(appending)
            times["sign"].append(signing)
            os.sync()
            times["single"].append(time_single_appends(folder, people, single_k, run))
            verifying, raw = time_verification(bundle)
            times["verify"].append(verifying)
            times["raw_verify"].append(raw)
        median = {name: statistics.median(ts) for name, ts in times.items()}
        proof_count = 50 if args.quick else 200
        inclusion_s, consistency_s = time_proofs(folder / "log.db", n, proof_count, args.seed)

    append_rate = k / median["batch"]
    sign_rate = k / median["sign"]
    single_rate = single_k / median["single"]
    verify_rate = n / median["verify"]
    raw_rate = n / median["raw_verify"]
    print(f"median of {repeats} runs; SQLite (WAL, synchronous=NORMAL)")
    print()
    print(f"{'':<58}{'median s':>10}{'per s':>12}")
    rows = [
        (f"append {k:,} events in one transaction (batch)", median["batch"], append_rate),
        (f"raw Ed25519 signing of the same {k:,} events", median["sign"], sign_rate),
        (f"append {single_k:,} events, one transaction each", median["single"], single_rate),
        (f"verify the bundle of {n:,} entries", median["verify"], verify_rate),
        (f"raw leaf hash + Ed25519 verify of the {n:,}", median["raw_verify"], raw_rate),
    ]
    for name, seconds, rate in rows:
        print(f"{name:<58}{seconds:>10.3f}{rate:>12,.0f}")
    print()
    print(f"appends / raw signing: {append_rate / sign_rate:.2f}   (target >= 0.5)")
    print(
        f"verify time / raw hash + verify time: {median['verify'] / median['raw_verify']:.2f}"
        "   (target <= 1.5)"
    )
    print(
        f"proofs at {n:,} entries (median of {proof_count}): inclusion "
        f"{inclusion_s * 1000:.2f} ms, consistency {consistency_s * 1000:.2f} ms"
    )
    print(
        f"peak RSS of a process verifying {n:,} entries: {memory.peak_mb:.0f} MB, "
        f"{memory.peak_mb - memory.after_imports_mb:.0f} MB over {memory.after_imports_mb:.0f} MB "
        "after imports (target < 500 MB)"
    )
    print()
    for line in (
        figure("appends_per_s_batch", append_rate, "entries/s", sign_rate, 0.5),
        figure("appends_per_s_one_transaction_each", single_rate, "entries/s", sign_rate, None),
        figure("verify_seconds", median["verify"], "s", median["raw_verify"], 1.5),
        figure("inclusion_proof_ms", inclusion_s * 1000, "ms", None, None),
        figure("consistency_proof_ms", consistency_s * 1000, "ms", None, None),
        figure("verify_peak_rss_mb", memory.peak_mb, "MB", None, 500),
    ):
        print(json.dumps(line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
