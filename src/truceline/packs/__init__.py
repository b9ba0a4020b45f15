"""Agreement packs bundled with Truceline, as package data."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

DEFAULT_EXAMPLE = "idlib-m4"


def example_pack_path(name: str = DEFAULT_EXAMPLE) -> Path:
    """The directory of a bundled example pack; KeyError when there is no such example."""
    root = Path(str(resources.files(__name__)))
    path = root / name
    if not (path / "agreement.yaml").is_file():
        raise KeyError(name)
    return path


def example_names() -> list[str]:
    """The names of every bundled example pack."""
    root = Path(str(resources.files(__name__)))
    return sorted(p.name for p in root.iterdir() if (p / "agreement.yaml").is_file())


__all__ = ["DEFAULT_EXAMPLE", "example_names", "example_pack_path"]
