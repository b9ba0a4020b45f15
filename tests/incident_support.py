"""Helpers of the incident tests: an application with officers of both sides, and drafts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from truceline.adapters.signing import Ed25519Signer
from truceline.bootstrap import App, bootstrap
from truceline.domain.accounts import MONITOR_PARTY, Actor, Role
from truceline.services import accounts
from truceline.services.accounts import AccountPolicy, Argon2Cost
from truceline.services.authorship import ServerSigned
from truceline.settings import Settings

CHEAP = Argon2Cost(time_cost=1, memory_kib=1024, parallelism=1)
FAST = AccountPolicy(password_cost=CHEAP, key_cost=CHEAP)
PASSWORD = "correct horse battery staple"
#: The tests' "now": well after the Moscow protocol, so its dates are in the past.
NOW = datetime(2020, 4, 1, 9, 0, tzinfo=UTC)
#: A point in the corridor's north half (Turkey's), near Ariha, and one in the south (Russia's).
NORTH = (36.55, 35.83)
SOUTH = (36.55, 35.75)
#: Well outside the corridor (Idlib city's north).
OUTSIDE = (36.63, 35.98)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = NOW) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass
class Officer:
    """A user with their own key (kept by the test, as on their own machine)."""

    actor: Actor
    signer: Ed25519Signer

    @property
    def signing(self) -> ServerSigned:
        return ServerSigned(self.signer)


def make_app(database_url: str, tmp_path: Path, pack: Path, clock: Clock) -> App:
    settings = Settings(
        database_url=database_url,
        log_key=tmp_path / "log.key",
        pack=pack,
        checkpoint_interval_s=0,
    )
    app = bootstrap(settings)
    app.now = clock
    return app


def add_officer(app: App, username: str, role: Role, party: str | None) -> Officer:
    """A user whose key pair is made here and only the public key registered."""
    signer = Ed25519Signer.generate()
    user = accounts.add_user(
        accounts.AddUser(username, username.title(), party, role, PASSWORD, signer.public_key),
        app.uow(),
        Actor.operator(),
        app.log.signer,
        now=app.now,
        policy=FAST,
    )
    return Officer(Actor.of(user), signer)


@dataclass
class Cast:
    """The people of an incident's life: a zone officer of each side, their AOs, a monitor."""

    ru: Officer
    tr: Officer
    ru_ao: Officer
    tr_ao: Officer
    monitor: Officer
    analyst: Officer


def cast(app: App) -> Cast:
    return Cast(
        ru=add_officer(app, "ru-officer", Role.ZONE_OFFICER, "ru"),
        tr=add_officer(app, "tr-officer", Role.ZONE_OFFICER, "tr"),
        ru_ao=add_officer(app, "ru-ao", Role.AUTHORIZED_OFFICER, "ru"),
        tr_ao=add_officer(app, "tr-ao", Role.AUTHORIZED_OFFICER, "tr"),
        monitor=add_officer(app, "monitor", Role.MONITOR, MONITOR_PARTY),
        analyst=add_officer(app, "analyst", Role.ANALYST, MONITOR_PARTY),
    )


def report_data(
    *,
    party: str = "tr",
    channel: str = "party_allegation",
    point: tuple[float, float] = NORTH,
    day: str = "2020-03-20",
    end: str | None = None,
    event_type: str = "Explosions/Remote violence",
    sub_event_type: str = "Shelling/artillery/missile attack",
    notes: str = "Shelling of the outskirts of Ariha from the south",
    monitoring: str | None = None,
    actor1: str = "",
    inter1: int = 0,
    **incident: Any,
) -> dict[str, Any]:
    """The data of a report that starts an incident."""
    return {
        "report": {
            "channel": channel,
            "reporting_party": party if channel == "party_allegation" else None,
            "source_name": f"{party} zone officer",
            "received_at": "2020-03-20T10:00:00+00:00",
            "original_text": notes,
            "language": "en",
            "grade": "B2",
        },
        "incident": {
            "dates": {"start": day, "end": end or day},
            "location": {"lon": point[0], "lat": point[1], "place": "Ariha"},
            "event_type": event_type,
            "sub_event_type": sub_event_type,
            "notes": notes,
            "monitoring": monitoring,
            "actors": {"actor1": actor1, "inter1": inter1} if actor1 else {},
            **incident,
        },
    }


def closing(app: App) -> Iterator[App]:
    try:
        yield app
    finally:
        app.close()
