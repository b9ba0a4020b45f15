"""Build the application from settings: one place where engines and caches are made."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from threading import Lock

from sqlalchemy import Engine

from truceline.adapters.db.engine import make_engine
from truceline.adapters.db.migrate import upgrade
from truceline.adapters.db.unit_of_work import SqlUnitOfWork
from truceline.adapters.notes import verifier_key
from truceline.adapters.signing import Ed25519Signer
from truceline.domain.accounts import LockoutPolicy
from truceline.domain.errors import InputError, NotFoundError
from truceline.packs import example_names, example_pack_path
from truceline.services.accounts import AccountPolicy
from truceline.services.agreements import (
    LoadPack,
    LoadResult,
    agreement_record,
    get_agreement,
    load_pack,
)
from truceline.services.enrichment import DuplicatePolicy, Enricher
from truceline.services.geography import Geography
from truceline.services.ledger import LogIdentity
from truceline.settings import Settings


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


@dataclass
class App:
    """The composed application: storage, clock and per-agreement caches."""

    settings: Settings
    engine: Engine
    log: LogIdentity
    now: Callable[[], datetime] = utc_now
    _geographies: dict[tuple[str, str], Geography] = field(default_factory=dict)
    _lock: Lock = field(default_factory=Lock)

    def uow(self) -> SqlUnitOfWork:
        """A new unit of work on the application's database."""
        return SqlUnitOfWork(self.engine)

    def load(self, cmd: LoadPack) -> LoadResult:
        """Load an agreement pack (see services.agreements.load_pack)."""
        return load_pack(cmd, self.uow(), self.now, self.log.signer)

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

    def enricher(self, agreement_id: str | None = None) -> Enricher:
        """What links incidents to the agreement's zones, route and provisions."""
        return Enricher(self.geography(agreement_id))

    @property
    def duplicate_policy(self) -> DuplicatePolicy:
        """When two incidents may be the same event, from the settings."""
        s = self.settings
        return DuplicatePolicy(s.duplicate_km, s.duplicate_days, s.duplicate_text_similarity)

    @property
    def account_policy(self) -> AccountPolicy:
        """Lockout, throttling and session lifetimes from the settings."""
        return account_policy(self.settings)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


def bootstrap(settings: Settings, *, migrate: bool = True) -> App:
    """The application for `settings`: migrated database, optional pack loaded."""
    log = log_identity(settings)
    engine = make_engine(settings.database_url)
    app = App(settings=settings, engine=engine, log=log)
    try:
        if migrate:
            upgrade(engine)
        pack = startup_pack(settings)
        if pack is not None:
            # A bundled example is Truceline's own: a newer version replaces the one loaded.
            app.load(LoadPack(pack, replace=settings.pack is None))
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


def log_identity(settings: Settings) -> LogIdentity:
    """The log's origin and key; a missing key file is generated (0600) with a warning."""
    path = settings.log_key.expanduser()
    try:
        signer = Ed25519Signer.load(path)
    except FileNotFoundError:
        signer = Ed25519Signer.generate()
        try:
            signer.save(path)
        except FileExistsError:  # another process created it first: use theirs
            signer = Ed25519Signer.load(path)
        except OSError as error:
            raise InputError("log_key", f"{path}: cannot create it: {error.strerror}") from None
        else:
            sys.stderr.write(
                f"warning: no log key at {path}: generated a new one (key id {signer.key_id}). "
                "It signs every checkpoint of this log: keep it and back it up.\n"
            )
    except ValueError as error:
        raise InputError("log_key", str(error)) from None
    except OSError as error:
        raise InputError("log_key", f"{path}: {error.strerror}") from None
    try:
        verifier_key(settings.log_origin, signer.public_key)
    except ValueError as error:
        raise InputError("log_origin", str(error)) from None
    return LogIdentity(settings.log_origin, signer)


def account_policy(settings: Settings) -> AccountPolicy:
    """The account rules the settings give (argon2id costs stay the documented defaults)."""
    return AccountPolicy(
        lockout=LockoutPolicy(
            max_failures=settings.login_max_failures,
            window=timedelta(seconds=settings.login_window_s),
            lock_for=timedelta(seconds=settings.login_lockout_s),
        ),
        source_max_failures=settings.login_source_max_failures,
        session_lifetime=timedelta(seconds=settings.session_lifetime_s),
        session_idle=timedelta(seconds=settings.session_idle_s),
    )
