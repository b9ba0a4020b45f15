"""Benchmark of the open-source intake on its development set: quality and speed.

    python bench/intake.py [--quick] [--repeats R]

On tests/data/intake/devset.json (real public texts with hand-written labels:
the September 2020 article on Idlib and UCDP GED headlines, see
tests/data/README.md), in one run:

- incident detection: precision and recall of the candidates against the
  labelled incidents (a candidate matches a label of its text: the sentence
  the label names, or the text's one incident). Baseline: every sentence
  that names an event word is an incident (the pipeline's first look alone);
- event type: accuracy of the ACLED event type of the matched candidates
  (baseline: the most frequent labelled type for all);
- date: share of matched candidates with a labelled date whose range starts
  and ends within a day of the label's (baseline: the publication date);
- place: share of matched candidates with a labelled point placed within
  10 km of it (baseline: none);
- duplicate linking: recall of the duplicate groups. For each group the first
  text's candidate is accepted as an incident (a real SQLite database, the
  services as the CLI runs them); then each other text of the group is
  ingested, and counts as linked when the incident is among its candidate's
  duplicate suggestions;
- throughput of the core pipeline (extract, split, find, dates, places,
  types, actors, counts, claims; no database) in articles per second of CPU
  time, one process (so per core), best of R passes (5; 2 with --quick);
  against the extract stage alone measured in the same run, and for the
  long article alone.

Prints a table, then one JSON line per figure.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from figures import figure as make_figure  # bench/figures.py, beside this script
from figures import print_figures
from truceline.adapters.intake.classify import names_an_event
from truceline.adapters.intake.extract import extract_markdown, extract_text
from truceline.adapters.intake.pipeline import Pipeline
from truceline.adapters.intake.sentences import model_name, split_sentences
from truceline.adapters.packs import read_pack
from truceline.adapters.signing import Ed25519Signer
from truceline.bootstrap import bootstrap
from truceline.domain.accounts import MONITOR_PARTY, Actor, Role
from truceline.domain.errors import InputError
from truceline.domain.intake import Document, Finding
from truceline.packs import example_pack_path
from truceline.services import accounts, intake, intake_review
from truceline.services.accounts import AccountPolicy, Argon2Cost
from truceline.services.authorship import ServerSigned
from truceline.settings import Settings

BENCH = "intake"
DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "intake"
FETCHED = datetime(2020, 9, 10, 9, 0, tzinfo=UTC)
TARGETS = {
    "precision": 0.8,
    "recall": 0.8,
    "event_type": 0.7,
    "date": 0.7,
    "place": 0.8,
    "duplicates": 0.6,
    "throughput": 20.0,
}


@dataclass(frozen=True)
class Item:
    """A text of the development set and the incidents labelled in it."""

    id: str
    read: Callable[[], Document]
    labels: list[dict[str, Any]]
    group: str | None


def items() -> list[Item]:
    data = json.loads((DATA / "devset.json").read_text(encoding="utf-8"))
    found = []
    for raw in data["items"]:
        if "file" in raw:
            text = (DATA / raw["file"]).read_text(encoding="utf-8")

            def read(text: str = text, raw: dict[str, Any] = raw) -> Document:
                return extract_markdown(text, raw["url"], FETCHED, site=raw["site"])
        else:

            def read(raw: dict[str, Any] = raw) -> Document:
                published = date.fromisoformat(raw["published"])
                return extract_text(raw["text"], "", FETCHED, site="", published=published)

        found.append(Item(raw["id"], read, raw["incidents"], raw.get("duplicate_group")))
    return found


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p = math.pi / 180
    h = (
        math.sin((lat2 - lat1) * p / 2) ** 2
        + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def match(labels: list[dict[str, Any]], findings: list[Finding]) -> list[tuple[dict, Finding]]:
    """Pairs of a label and the candidate that states it; each used once."""
    pairs = []
    free = list(findings)
    for label in labels:
        words = label.get("contains")
        chosen = next((f for f in free if words is None or words in f.sentence), None)
        if chosen is not None:
            free.remove(chosen)
            pairs.append((label, chosen))
    return pairs


@dataclass
class Scores:
    labelled: int = 0
    found: int = 0
    matched: int = 0
    types: int = 0
    sub_types: int = 0
    dated: int = 0
    dates_right: int = 0
    placed: int = 0
    places_right: int = 0
    base_found: int = 0
    base_matched: int = 0
    base_dates_right: int = 0
    base_types_right: int = 0


def day(value: str) -> date:
    return date.fromisoformat(value)


def quality(pipeline: Pipeline, all_items: list[Item]) -> tuple[Scores, list[str]]:
    scores = Scores()
    misses: list[str] = []
    commonest = Counter(lab["event_type"] for i in all_items for lab in i.labels).most_common(1)
    majority = commonest[0][0]
    for item in all_items:
        document = item.read()
        findings = list(pipeline.run(document).findings)
        scores.labelled += len(item.labels)
        scores.found += len(findings)
        pairs = match(item.labels, findings)
        scores.matched += len(pairs)
        for label in item.labels:
            if all(label is not pair[0] for pair in pairs):
                misses.append(f"missed  {item.id}: {label.get('contains') or '(headline)'}")
        for finding in findings:
            if all(finding is not pair[1] for pair in pairs):
                misses.append(f"extra   {item.id}: {finding.sentence[:90]}")
        # The baseline: every sentence naming an event word.
        baseline = [s.text for s in split_sentences(document.text) if names_an_event(s.text)]
        scores.base_found += len(baseline)
        taken = list(baseline)
        for label in item.labels:
            words = label.get("contains")
            hit = next((s for s in taken if words is None or words in s), None)
            if hit is not None:
                taken.remove(hit)
                scores.base_matched += 1
        anchor = document.anchor or FETCHED.date()
        for label, finding in pairs:
            if finding.sub_event_type != label["sub_event_type"]:
                misses.append(
                    f"type    {item.id}: {finding.sub_event_type} for {label['sub_event_type']}"
                )
            scores.types += finding.event_type == label["event_type"]
            scores.sub_types += finding.sub_event_type == label["sub_event_type"]
            scores.base_types_right += label["event_type"] == majority
            if label["start"]:
                scores.dated += 1
                start, end = day(label["start"]), day(label["end"])
                scores.base_dates_right += (
                    abs((anchor - start).days) <= 1 and abs((anchor - end).days) <= 1
                )
                if finding.dates is not None:
                    near = abs((finding.dates.start - start).days) <= 1
                    scores.dates_right += near and abs((finding.dates.end - end).days) <= 1
                if finding.dates is None or not (
                    abs((finding.dates.start - start).days) <= 1
                    and abs((finding.dates.end - end).days) <= 1
                ):
                    got = (
                        "none"
                        if finding.dates is None
                        else f"{finding.dates.start}..{finding.dates.end}"
                    )
                    misses.append(f"date    {item.id}: {got} for {start}..{end}")
            if label["lat"] is not None:
                scores.placed += 1
                p = finding.place
                right = p is not None and km(p.lat, p.lon, label["lat"], label["lon"]) <= 10
                scores.places_right += right
                if not right:
                    got = "none" if p is None else p.name
                    misses.append(f"place   {item.id}: {got} for {label['place']}")
    return scores, misses


CHEAP = Argon2Cost(time_cost=1, memory_kib=1024, parallelism=1)


def duplicates(all_items: list[Item], skipped: list[str]) -> tuple[int, int]:
    """(linked, texts to link): each group's first text accepted, the others ingested after.

    A group whose event the agreement does not cover (dated before it) is skipped.
    """
    groups: dict[str, list[Item]] = {}
    for item in all_items:
        if item.group:
            groups.setdefault(item.group, []).append(item)
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=f"sqlite:///{folder}/bench.db",
            example="idlib-m4",
            log_key=Path(folder) / "log.key",
            checkpoint_interval_s=0,
        )
        app = bootstrap(settings)
        try:
            app.now = lambda: FETCHED
            signer = Ed25519Signer.generate()
            user = accounts.add_user(
                accounts.AddUser(
                    "bench", "Bench", MONITOR_PARTY, Role.MONITOR, "x" * 16, signer.public_key
                ),
                app.uow(),
                Actor.operator(),
                app.log.signer,
                now=app.now,
                policy=AccountPolicy(password_cost=CHEAP, key_cost=CHEAP),
            )
            actor, signing = Actor.of(user), ServerSigned(signer)
            agreement = app.geography().agreement
            pipeline = Pipeline(agreement)
            linked = total = 0
            for members in groups.values():
                # The reviewer accepts a text that says where; the others are linked to it.
                members.sort(
                    key=lambda m: not any(f.place for f in pipeline.run(m.read()).findings)
                )
                first, *rest = members
                done = ingest(app, actor, signing, pipeline, first)
                if not done.candidates:
                    total += len(rest)
                    continue
                try:
                    reviewed = intake_review.accept(
                        app.uow(),
                        actor,
                        signing,
                        app.enricher(),
                        done.candidates[0].id,
                        None,
                        FETCHED,
                    )
                except InputError as error:  # dated before the agreement: not an incident of it
                    skipped.append(f"{first.id}: {error}")
                    continue
                incident_id = reviewed.candidate.incident_id
                for other in rest:
                    total += 1
                    later = ingest(app, actor, signing, pipeline, other)
                    suggested = {d.incident_id for c in later.candidates for d in c.duplicates}
                    linked += incident_id in suggested
            return linked, total
        finally:
            app.close()


def ingest(app: Any, actor: Actor, signing: ServerSigned, pipeline: Pipeline, item: Item) -> Any:
    extraction = pipeline.run(item.read())
    return intake.ingest(
        app.uow(), actor, signing, pipeline.agreement, extraction, FETCHED, command={"id": item.id}
    )


def throughput(
    run: Callable[[Document], object], documents: list[Callable[[], Document]], repeats: int
) -> float:
    """Texts per CPU second of this process (best of `repeats` passes)."""
    best = math.inf
    for _ in range(repeats):
        start = time.process_time()
        for read in documents:
            run(read())
        best = min(best, time.process_time() - start)
    return len(documents) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer passes (under a minute)")
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args()
    repeats = args.repeats or (2 if args.quick else 5)

    agreement = read_pack(example_pack_path("idlib-m4"))
    pipeline = Pipeline(agreement)
    all_items = items()
    pipeline.run(all_items[0].read())  # load the model once before timing anything

    scores, misses = quality(pipeline, all_items)
    skipped: list[str] = []
    linked, to_link = duplicates(all_items, skipped)

    reads = [i.read for i in all_items]
    core = throughput(pipeline.run, reads, repeats)
    extract_only = throughput(lambda d: d, reads, repeats)
    article = [i.read for i in all_items if i.id.startswith("idlib-m4-article")]
    core_article = throughput(pipeline.run, article, repeats * 4)

    def share(part: int, whole: int) -> float:
        return part / whole if whole else 0.0

    precision = share(scores.matched, scores.found)
    recall = share(scores.matched, scores.labelled)
    base_precision = share(scores.base_matched, scores.base_found)
    base_recall = share(scores.base_matched, scores.labelled)
    rows = [
        ("texts", len(all_items), "", ""),
        ("labelled incidents", scores.labelled, "", ""),
        ("candidates", scores.found, "", f"{scores.base_found} (event words)"),
        ("detection precision", f"{precision:.3f}", "", f"{base_precision:.3f}"),
        ("detection recall", f"{recall:.3f}", "", f"{base_recall:.3f}"),
        (
            "event type accuracy",
            f"{share(scores.types, scores.matched):.3f}",
            f"of {scores.matched}",
            f"{share(scores.base_types_right, scores.matched):.3f} (majority)",
        ),
        ("sub-event type accuracy", f"{share(scores.sub_types, scores.matched):.3f}", "", ""),
        (
            "date within a day",
            f"{share(scores.dates_right, scores.dated):.3f}",
            f"of {scores.dated}",
            f"{share(scores.base_dates_right, scores.dated):.3f} (publication date)",
        ),
        (
            "place within 10 km",
            f"{share(scores.places_right, scores.placed):.3f}",
            f"of {scores.placed}",
            "",
        ),
        ("duplicate linking recall", f"{share(linked, to_link):.3f}", f"of {to_link}", ""),
        ("throughput, texts/s/core", f"{core:.1f}", "", f"{extract_only:.1f} (extract only)"),
        ("throughput, long article", f"{core_article:.1f}", "", ""),
        ("English model", model_name(), "", ""),
    ]
    print(f"{'figure':28} {'value':>10} {'':>10}  baseline")
    for name, value, note, base in rows:
        print(f"{name:28} {value!s:>10} {note:>10}  {base}")
    for line in skipped:
        print(f"duplicate group skipped, {line}")
    if misses:
        print("\nWhere the pipeline and the labels differ:")
        for line in misses:
            print("  " + line)
    print()
    figures = [
        make_figure(
            BENCH, "detection_precision", precision, "ratio", base_precision, TARGETS["precision"]
        ),
        make_figure(BENCH, "detection_recall", recall, "ratio", base_recall, TARGETS["recall"]),
        make_figure(
            BENCH,
            "event_type_accuracy",
            share(scores.types, scores.matched),
            "ratio",
            share(scores.base_types_right, scores.matched),
            TARGETS["event_type"],
        ),
        make_figure(
            BENCH,
            "date_accuracy",
            share(scores.dates_right, scores.dated),
            "ratio",
            share(scores.base_dates_right, scores.dated),
            TARGETS["date"],
        ),
        make_figure(
            BENCH,
            "place_within_10km",
            share(scores.places_right, scores.placed),
            "ratio",
            None,
            TARGETS["place"],
        ),
        make_figure(
            BENCH,
            "duplicate_link_recall",
            share(linked, to_link),
            "ratio",
            None,
            TARGETS["duplicates"],
        ),
        make_figure(
            BENCH,
            "throughput",
            core,
            "articles/s/core",
            extract_only,
            TARGETS["throughput"],
            digits=1,
        ),
        make_figure(
            BENCH,
            "throughput_long_article",
            core_article,
            "articles/s/core",
            None,
            TARGETS["throughput"],
            digits=1,
        ),
    ]
    print_figures(figures)


if __name__ == "__main__":
    sys.exit(main())
