"""Write the example pack's routes.geojson from the village points in shared/data.

Run by hand when shared/data/places-idlib.csv changes:

    .venv/bin/python scripts/build_routes.py ../shared/data/places-idlib.csv

No package ships the M4 carriageway, so the route is drawn through the
villages that sit on the road. Each vertex records the row it came from.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

PACK = Path(__file__).resolve().parent.parent / "src" / "truceline" / "packs" / "idlib-m4"

# East to west: kilometre 0 is at the eastern end, as patrols count from Trumba.
M4_EAST_TO_WEST = [
    "Saraqib",
    "Trumba",
    "Nayrab (Idlib)",
    "Ariha",
    "Urum al-Jawz",
    "Bsanqul",
    "Mhambal",
    "Frikeh",
    "Jisr al-Shughur",
    "Najiyah",
    "Bdama",
]
PATROL_START = "Trumba"


def main(csv_path: str) -> None:
    with open(csv_path, encoding="utf-8", newline="") as handle:
        rows = {row["name"]: row for row in csv.DictReader(handle)}
    vertices = []
    for name in M4_EAST_TO_WEST:
        row = rows[name]
        vertices.append(
            {
                "name": name.replace(" (Idlib)", ""),
                "lon": round(float(row["lon"]), 6),
                "lat": round(float(row["lat"]), 6),
                "source": row["source_url"],
            }
        )
    start = [v["name"] for v in vertices].index(PATROL_START)
    features = [
        _feature("m4", vertices, "M4 highway, Saraqib to Bdama, through the on-road villages"),
        _feature(
            "patrol-trumba-west",
            vertices[start:],
            "Joint patrol route from Trumba westward; Ain al-Havr, its agreed end, has no "
            "known coordinate, so the line ends at Bdama, the last known point",
        ),
    ]
    out = PACK / "routes.geojson"
    out.write_text(
        json.dumps(
            {"type": "FeatureCollection", "features": features}, indent=1, ensure_ascii=False
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {out} ({len(features)} routes)")


def _feature(fid: str, vertices: list[dict[str, object]], description: str) -> dict[str, object]:
    return {
        "type": "Feature",
        "id": fid,
        "properties": {
            "description": description,
            "vertices": [{"name": v["name"], "source": v["source"]} for v in vertices],
        },
        "geometry": {"type": "LineString", "coordinates": [[v["lon"], v["lat"]] for v in vertices]},
    }


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/places-idlib.csv")
