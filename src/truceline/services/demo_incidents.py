"""Demo incidents: a few reports by the demo officers, with each side's positions.

Made once, when the demo accounts are made, so that the demo shows every
state of the joint finding: verified and agreed, disputed, verified by the
monitor's verdict, and pending in one side's queue. Each is reported and
answered through the same services as any user's work, signed with the demo
users' own keys (opened with the passwords just generated). The events are
invented for the demonstration; the places are the gazetteer's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from truceline.domain.accounts import Actor, User
from truceline.services.accounts import DEFAULT_POLICY, AccountPolicy
from truceline.services.authorship import ServerSigned
from truceline.services.enrichment import Enricher
from truceline.services.incidents import report_incident
from truceline.services.logins import authenticate
from truceline.services.positions import record_position
from truceline.services.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class _Scene:
    reporter: str
    party: str | None
    channel: str
    place: str
    offset: tuple[float, float]
    day: str
    event_type: str
    sub_event_type: str
    monitoring: str | None
    notes: str
    positions: tuple[tuple[str, str, str | None, str], ...]


_SCENES = (
    _Scene(
        "tr-zone-officer",
        "tr",
        "party_allegation",
        "Urum al-Jawz",
        (0.0, 0.02),
        "2020-03-20",
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
        "ceasefire_violation",
        "Artillery shells landed north of the road near Urum al-Jawz in the morning.",
        (
            ("tr-zone-officer", "confirms", "sy-gov", "Crater analysis points south-east."),
            ("ru-zone-officer", "confirms", "sy-gov", "A government battery fired in error."),
        ),
    ),
    _Scene(
        "ru-zone-officer",
        "ru",
        "party_allegation",
        "Mhambal",
        (0.0, -0.025),
        "2020-04-02",
        "Battles",
        "Armed clash",
        "ceasefire_violation",
        "Exchange of fire south of the M4 near Mhambal; two fighters wounded.",
        (
            ("ru-zone-officer", "confirms", "opposition", "Intercepted radio traffic."),
            ("tr-zone-officer", "denies", None, "No fire heard by our post 3 km away."),
        ),
    ),
    _Scene(
        "ru-zone-officer",
        "ru",
        "party_allegation",
        "Urum al-Jawz",
        (-0.01, -0.004),
        "2020-04-14",
        "Explosions/Remote violence",
        "Remote explosive/landmine/IED",
        "patrol_attack",
        "A roadside bomb went off beside the joint patrol; one vehicle damaged.",
        (
            ("ru-zone-officer", "confirms", "opposition", "Photographs of the vehicle."),
            ("tr-zone-officer", "cannot_assess", None, "Our vehicles were ahead of the blast."),
            ("monitor", "confirms", "opposition", "Debris examined on site."),
        ),
    ),
    _Scene(
        "tr-zone-officer",
        "tr",
        "party_allegation",
        "Mhambal",
        (0.02, -0.03),
        "2020-04-20",
        "Strategic developments",
        "Other",
        "heavy_weapon_sighting",
        "Two tanks seen moving inside the south half of the corridor.",
        (("tr-zone-officer", "confirms", "sy-gov", "Drone imagery, 20 April 10:40."),),
    ),
)


class DemoCast:
    """The demo users just made, each able to act and sign with their own key."""

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        created: Sequence[tuple[User, str]],
        now: datetime,
        *,
        policy: AccountPolicy = DEFAULT_POLICY,
    ) -> None:
        self.uow = uow
        self.now = now
        self._users = {user.username: (user, password) for user, password in created}
        self._policy = policy
        self._signers: dict[str, tuple[Actor, ServerSigned]] = {}

    def signer(self, username: str) -> tuple[Actor, ServerSigned] | None:
        """The user as an actor with their key opened; None when there is no such demo user."""
        if username not in self._signers and username in self._users:
            user, password = self._users[username]
            opened, key = authenticate(
                self.uow(), user.username, password, self.now, "demo", policy=self._policy
            )
            self._signers[username] = (Actor.of(opened), ServerSigned(key))
        return self._signers.get(username)


def demo_incidents(cast: DemoCast, enricher: Enricher) -> list[str]:
    """Report the demo's incidents and positions; returns the ids of the incidents made.

    A scene whose users are missing (an agreement without these parties) is left out.
    """
    uow, signer, now = cast.uow, cast.signer, cast.now
    made: list[str] = []
    at = now - timedelta(hours=len(_SCENES) * 2)
    for scene in _SCENES:
        reporter = signer(scene.reporter)
        answers = [
            (signer(name), stance, held, text) for name, stance, held, text in scene.positions
        ]
        matches = enricher.geography.search_places(scene.place, 1)
        if reporter is None or not matches or any(a[0] is None for a in answers):
            continue
        place = matches[0].place
        if place.lon is None or place.lat is None:
            continue
        point = (round(place.lon + scene.offset[0], 5), round(place.lat + scene.offset[1], 5))
        actor, signing = reporter
        at += timedelta(minutes=30)
        done = report_incident(uow(), actor, signing, enricher, _data(scene, place.name, point), at)
        for answer, stance, held, text in answers:
            assert answer is not None
            at += timedelta(minutes=30)
            statement: Mapping[str, Any] = {
                "position": {
                    "stance": stance,
                    "held_responsible": held,
                    "evidence": [],
                    "text": text,
                }
            }
            record_position(
                uow(),
                answer[0],
                answer[1],
                enricher.agreement,
                done.record.incident.id,
                statement,
                at,
            )
        made.append(done.record.incident.id)
    return made


def _data(scene: _Scene, place: str, point: tuple[float, float]) -> dict[str, Any]:
    return {
        "report": {
            "channel": scene.channel,
            "reporting_party": scene.party,
            "source_name": f"{scene.reporter} (demo)",
            "received_at": f"{scene.day}T12:00:00+03:00",
            "original_text": scene.notes,
            "language": "en",
            "grade": "B2",
        },
        "incident": {
            "dates": {"start": scene.day, "end": scene.day},
            "location": {"lon": point[0], "lat": point[1], "place": place},
            "event_type": scene.event_type,
            "sub_event_type": scene.sub_event_type,
            "monitoring": scene.monitoring,
            "notes": scene.notes,
            "tags": ["demo"],
        },
    }
