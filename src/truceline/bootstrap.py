"""Build the application from settings: one place where engines and caches are made."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from threading import Lock

from sqlalchemy import Engine

from truceline.adapters.db.engine import make_engine
from truceline.adapters.db.migrate import upgrade
from truceline.adapters.db.unit_of_work import SqlUnitOfWork
from truceline.domain.errors import NotFoundError
from truceline.packs import example_names, example_pack_path
from truceline.services.agreements import (
    LoadPack,
    LoadResult,
    agreement_record,
    get_agreement,
    load_pack,
)
from truceline.services.geography import Geography
from truceline.settings import Settings


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


@dataclass
class App:
    """The composed application: storage, clock and per-agreement caches."""

    settings: Settings
    engine: Engine
    now: Callable[[], datetime] = utc_now
    _geographies: dict[tuple[str, str], Geography] = field(default_factory=dict)
    _lock: Lock = field(default_factory=Lock)

    def uow(self) -> SqlUnitOfWork:
        """A new unit of work on the application's database."""
        return SqlUnitOfWork(self.engine)

    def load(self, cmd: LoadPack) -> LoadResult:
        """Load an agreement pack (see services.agreements.load_pack)."""
        return load_pack(cmd, self.uow(), self.now)

    def geography(self, agreement_id: str | None = None) -> Geography:
        """The cached geography of an agreement, rebuilt when its pack changes."""
        record = agreement_record(self.uow(), agreement_id)
        key = (record.id, record.digest)
        with self._lock:
            geo = self._geographies.get(key)
            if geo is None:
                geo = Geography(get_agreement(self.uow(), record.id))
                self._geographies = {
                    k: v for k, v in self._geographies.items() if k[0] != record.id
                }
                self._geographies[key] = geo
            return geo

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


def bootstrap(settings: Settings, *, migrate: bool = True) -> App:
    """The application for `settings`: migrated database, optional pack loaded."""
    engine = make_engine(settings.database_url)
    app = App(settings=settings, engine=engine)
    try:
        if migrate:
            upgrade(engine)
        pack = startup_pack(settings)
        if pack is not None:
            app.load(LoadPack(pack))
    except BaseException:
        app.close()
        raise
    return app


def startup_pack(settings: Settings) -> Path | None:
    """The pack to load at start: `pack`, else the bundled `example`, else none."""
    if settings.pack is not None:
        return settings.pack
    if settings.example is None:
        return None
    try:
        return example_pack_path(settings.example)
    except KeyError:
        raise NotFoundError(
            f"TRUCELINE_EXAMPLE: no bundled example {settings.example!r} "
            f"(have: {', '.join(example_names())})"
        ) from None
