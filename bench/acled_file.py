"""A generated ACLED CSV over the example's area, for bench/incidents.py.

Points spread uniformly over the M4 corridor's surroundings (lon 36.2-36.9,
lat 35.6-36.0), dates from 2020-03-06 to some weeks ago, every ACLED event
type (violent ones four times as often), actors with their inter codes,
ceasefire-violation tags (some with counts of explosions and shots) on a
tenth of the violent rows. Seeded: the same seed gives the same file.
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from truceline.adapters.interchange.acled import ACLED_COLUMNS
from truceline.domain import event_types as vocab

FIRST_DAY = date(2020, 3, 6)
PLACES = ("Saraqib", "Nayrab", "Ariha", "Urum al-Jawz", "Mhambal", "Frikeh", "Jisr al-Shughur")
SOURCES = ("SOHR", "Step News Agency", "Enab Baladi", "SANA; SOHR", "Syrian Civil Defence")
ACTORS = {
    1: ("Military Forces of Syria (2000-)", "Military Forces of Turkey (2016-)"),
    2: ("HTS: Hayat Tahrir al Sham", "NLF: National Liberation Front"),
    3: ("Unidentified Armed Group (Syria)",),
    6: ("Protesters (Syria)",),
    7: ("Civilians (Syria)",),
    8: ("Military Forces of Russia (2000-)",),
}


def last_day() -> date:
    """The last event date: ACLED's month precision reaches 15 days on, never the future."""
    return min(date(2025, 12, 31), datetime.now(UTC).date() - timedelta(days=30))


def write_acled_file(path: Path, n: int, seed: int) -> None:
    """`n` ACLED rows, varied over every column that matters to the import (seeded)."""
    rng = np.random.default_rng(seed)
    pairs = [(parent, sub) for parent, subs in vocab.EVENT_TYPES.items() for sub in subs]
    violent = [vocab.FAMILIES[parent] == vocab.Family.VIOLENT for parent, _ in pairs]
    weights = np.array([4.0 if v else 1.0 for v in violent])
    span = (last_day() - FIRST_DAY).days
    chunk = 50_000
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(ACLED_COLUMNS)
        for first in range(0, n, chunk):
            size = min(chunk, n - first)
            columns = {
                "pair": rng.choice(len(pairs), size, p=weights / weights.sum()),
                "day": rng.integers(0, span + 1, size),
                "precision": rng.choice([1, 2, 3], size, p=[0.8, 0.15, 0.05]),
                "lon": rng.uniform(36.2, 36.9, size),
                "lat": rng.uniform(35.6, 36.0, size),
                "geo": rng.choice([1, 2, 3], size, p=[0.6, 0.3, 0.1]),
                "inter1": rng.choice([1, 2, 3, 7, 8], size),
                "inter2": rng.choice([0, 1, 2, 3, 7, 8], size),
                "deaths": rng.choice([0, 0, 0, 1, 2, 3, 5, 12], size),
                "roll": rng.random(size),
                "pick": rng.integers(0, 1 << 30, size),
            }
            values = {k: v.tolist() for k, v in columns.items()}
            writer.writerows(
                _row(first + k, pairs, {key: column[k] for key, column in values.items()})
                for k in range(size)
            )


def _row(n: int, pairs: list[tuple[str, str]], v: dict[str, Any]) -> list[str]:
    parent, sub = pairs[v["pair"]]
    day = FIRST_DAY + timedelta(days=v["day"])
    pick, roll = v["pick"], v["roll"]
    inter1, inter2 = v["inter1"], v["inter2"]
    if parent in (vocab.PROTESTS, vocab.RIOTS):
        inter1, inter2 = 6, 0
    actor1 = ACTORS[inter1][pick % len(ACTORS[inter1])]
    actor2 = ACTORS[inter2][pick % len(ACTORS[inter2])] if inter2 else ""
    if actor2 == actor1:
        inter2, actor2 = 0, ""
    disorder = sorted(vocab.allowed_disorder_types(sub))
    place = PLACES[pick % len(PLACES)]
    tags = ""
    fits = vocab.MONITORING_FITS[vocab.MonitoringKind.CEASEFIRE_VIOLATION].allowed
    if (parent, sub) in fits and roll < 0.1:
        tags = vocab.MONITORING_TAG + "ceasefire_violation"
        if roll < 0.05:
            tags += f"; {vocab.EXPLOSIONS_TAG}{pick % 40}; {vocab.SHOTS_TAG}{pick % 300}"
    elif roll > 0.9:
        tags = "local administrators"
    return [
        f"SYR{n:07d}",
        day.isoformat(),
        str(day.year),
        str(v["precision"]),
        disorder[pick % len(disorder)],
        parent,
        sub,
        actor1,
        "Turkmen Ethnic Militia (Syria)" if inter1 == 2 and roll < 0.2 else "",
        str(inter1),
        actor2,
        "",
        str(inter2),
        str(vocab.interaction(inter1, inter2)),
        "Civilian targeting" if inter2 == 7 and parent != vocab.BATTLES else "",
        "760",
        "Middle East",
        "Syria",
        "Idleb",
        "Ariha" if v["lon"] > 36.5 else "Jisr-Ash-Shugur",
        place,
        place,
        f"{v['lat']:.4f}",
        f"{v['lon']:.4f}",
        str(v["geo"]),
        SOURCES[pick % len(SOURCES)],
        "National",
        f"On {day:%d %B %Y}, {sub.lower()} near {place}; {v['deaths']} reported killed.",
        str(v["deaths"]),
        tags,
        str(1_600_000_000 + n * 37),
    ]
