"""Reading agreement packs: YAML for the agreement, GeoJSON for geometry, CSV for places."""

from truceline.adapters.packs.reader import PACK_FORMAT, read_pack

__all__ = ["PACK_FORMAT", "read_pack"]
