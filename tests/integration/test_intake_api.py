"""The intake over HTTP: read without writing, ingest and review with client-signed entries."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.incident_support import Cast, Clock, Officer, cast, make_app
from truceline.adapters.intake.fetch import Fetcher
from truceline.bootstrap import App
from truceline.domain.accounts import Actor
from truceline.entrypoints.api import intake as intake_api
from truceline.entrypoints.api.app import create_app
from truceline.services import accounts
from truceline.services.ledger import entries_page, event_json

DATA = Path(__file__).resolve().parents[1] / "data" / "intake"
PAGE = (DATA / "idlib-m4-article-2020-09.html").read_bytes()
URL = "https://www.globalresearch.ca/video-idlib-question/5723532"
BASE = "/api/agreements/idlib-m4/intake"
NOW = datetime(2020, 9, 10, 9, 0, tzinfo=UTC)


def handle(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith(".png"):
        return httpx.Response(200, headers={"content-type": "image/png"}, content=b"\x89PNG")
    if request.url.path.endswith("/empty"):
        return httpx.Response(200, headers={"content-type": "text/html"}, content=b"")
    return httpx.Response(200, headers={"content-type": "text/html"}, content=PAGE)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass
class World:
    app: App
    client: TestClient
    people: Cast
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, officer: Officer) -> dict[str, str]:
        if officer.actor.user_id not in self.tokens:
            _, self.tokens[officer.actor.user_id] = accounts.create_token(
                accounts.CreateToken(officer.actor.user_id, "test", ("read", "write")),
                self.app.uow(),
                Actor.operator(),
                self.app.log.signer,
                now=self.app.now,
            )
        return {"Authorization": f"Bearer {self.tokens[officer.actor.user_id]}"}

    def write(self, officer: Officer, path: str, command: dict[str, Any]) -> httpx.Response:
        prepared = self.client.post(path, headers=self.headers(officer), json={"prepare": command})
        assert prepared.status_code == 200, prepared.text
        event = prepared.json()["event"]
        return self.client.post(
            path,
            headers=self.headers(officer),
            json={
                "event": event,
                "public_key": b64(officer.signer.public_key),
                "signature": b64(officer.signer.sign(event_json(event))),
            },
        )

    def log_size(self) -> int:
        return entries_page(self.app.uow(), 0, 1).size


@pytest.fixture
def world(database_url: str, tmp_path: Path, example_pack: Path) -> Iterator[World]:
    app = make_app(database_url, tmp_path, example_pack, Clock(NOW))
    api = create_app(app)

    def mocked() -> Iterator[Fetcher]:
        with Fetcher(httpx.MockTransport(handle)) as fetcher:
            yield fetcher

    api.dependency_overrides[intake_api.fetcher] = mocked
    try:
        with TestClient(api) as client:
            yield World(app, client, cast(app))
    finally:
        app.close()


def test_reading_a_url_shows_candidates_and_writes_nothing(world: World) -> None:
    headers = world.headers(world.people.tr)
    before = world.log_size()
    response = world.client.post(f"{BASE}/read", headers=headers, json={"url": URL})
    assert response.status_code == 200, response.text
    shown = response.json()
    assert shown["written"] is False
    assert shown["document"]["original_published"] == "2020-09-02"
    sentences = [c["sentence"] for c in shown["candidates"]]
    assert any("drills" in s for s in sentences)
    assert world.log_size() == before
    listed = world.client.get(f"{BASE}/candidates", headers=world.headers(world.people.tr))
    assert listed.json() == []


def test_a_pasted_text_is_read_too(world: World) -> None:
    response = world.client.post(
        f"{BASE}/read",
        headers=world.headers(world.people.tr),
        json={
            "text": "Two civilians were wounded in shelling near Ariha yesterday, a monitor said.",
            "published": "2020-09-02",
        },
    )
    assert response.status_code == 200, response.text
    [candidate] = response.json()["candidates"]
    assert candidate["dates"]["start"] == "2020-09-01"
    assert candidate["place"]["name"] == "Ariha"
    assert candidate["injuries"] == 2
    assert candidate["claimed_by"] == "a monitor"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "https://www.globalresearch.ca/chart.png"}, "content_type"),
        ({"url": "https://www.globalresearch.ca/empty"}, "content"),
        ({"text": "   "}, "text"),
        ({"url": URL, "text": "both"}, "url"),
        ({"url": URL, "extra": 1}, "extra"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    world: World, body: dict[str, Any], field: str
) -> None:
    response = world.client.post(f"{BASE}/read", headers=world.headers(world.people.tr), json=body)
    assert response.status_code == 422, response.text
    assert field in response.text


def test_ingest_is_signed_once_then_a_candidate_is_accepted_signed(world: World) -> None:
    tr = world.people.tr
    world.headers(tr)
    before = world.log_size()
    done = world.write(tr, f"{BASE}/documents", {"url": URL})
    assert done.status_code == 201, done.text
    assert done.json()["written"] is True
    assert world.log_size() == before + 1
    again = world.client.post(
        f"{BASE}/documents", headers=world.headers(tr), json={"prepare": {"url": URL}}
    )
    assert again.status_code == 200
    assert again.json()["new"] is False
    queue = world.client.get(f"{BASE}/candidates", headers=world.headers(tr)).json()
    drills = next(c for c in queue if "drills" in c["sentence"])

    edited = world.write(tr, f"{BASE}/candidates/{drills['id']}/edit", {"changes": {"injuries": 0}})
    assert edited.status_code == 201, edited.text
    assert edited.json()["injuries"] == 0
    accepted = world.write(tr, f"{BASE}/candidates/{drills['id']}/accept", {})
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["status"] == "accepted"
    incident_id = accepted.json()["incident_id"]
    incident = world.client.get(
        f"/api/agreements/idlib-m4/incidents/{incident_id}", headers=world.headers(tr)
    ).json()
    [report] = incident["reports"]
    assert report["channel"] == "open_source"
    assert report["source_url"] == URL

    other = next(c for c in queue if c["id"] != drills["id"])
    merged = world.write(
        world.people.monitor, f"{BASE}/candidates/{other['id']}/accept", {"into": incident_id}
    )
    assert merged.status_code == 201, merged.text
    assert (merged.json()["status"], merged.json()["incident_id"]) == ("merged", incident_id)
    late = world.client.post(
        f"{BASE}/candidates/{other['id']}/reject",
        headers=world.headers(tr),
        json={"prepare": {"note": "late"}},
    )
    assert late.status_code == 409


def test_the_source_registry_is_graded_signed_and_listed(world: World) -> None:
    monitor = world.people.monitor
    graded = world.write(monitor, "/api/intake/sources", {"site": URL, "grade": "c3"})
    assert graded.status_code == 201, graded.text
    assert graded.json() == {"site": "globalresearch.ca", "grade": "C3", "name": "", "note": ""}
    listed = world.client.get("/api/intake/sources", headers=world.headers(monitor)).json()
    assert [s["site"] for s in listed] == ["globalresearch.ca"]
    refused = world.client.post(
        "/api/intake/sources",
        headers=world.headers(world.people.tr),
        json={"prepare": {"site": "x.org", "grade": "A1"}},
    )
    assert refused.status_code == 403
