"""Build broken copies of the example pack for tests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from truceline.packs import example_pack_path


def copy_example(tmp_path: Path) -> Path:
    """A writable copy of the example pack."""
    target = tmp_path / "pack"
    shutil.copytree(example_pack_path("idlib-m4"), target)
    return target


def edit_text(pack: Path, name: str, old: str, new: str) -> None:
    """Replace `old` (which must occur) by `new` in one file of the pack."""
    file = pack / name
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(pack: Path, name: str, needle: str) -> int:
    """The 1-based line of the first occurrence of `needle`."""
    for number, line in enumerate((pack / name).read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {name}")


def add_zone_feature(pack: Path, feature: dict[str, Any], zone_yaml: str) -> None:
    """Add an explicit polygon zone: a feature in zones.geojson, an entry in agreement.yaml."""
    zones = pack / "zones.geojson"
    data = (
        json.loads(zones.read_text())
        if zones.exists()
        else {"type": "FeatureCollection", "features": []}
    )
    data["features"].append(feature)
    zones.write_text(json.dumps(data))
    edit_text(pack, "agreement.yaml", "\nattribution:", f"{zone_yaml}\nattribution:")
