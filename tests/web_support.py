"""The web pages through the ASGI app: an application with users, one logged-in client each."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from tests.integration.test_web_auth import CHEAP, PASSWORD, csrf_of
from truceline.bootstrap import App, bootstrap
from truceline.domain.accounts import MONITOR_PARTY, Actor, Role
from truceline.entrypoints.api.app import create_app
from truceline.services import accounts, ledger
from truceline.settings import Settings

#: The usual cast: each guarantor's zone officer, the monitor, an analyst, an administrator.
ACCOUNTS: dict[str, tuple[str, str | None, Role]] = {
    "tr-zone": ("Tarik Zone", "tr", Role.ZONE_OFFICER),
    "ru-zone": ("Roman Zone", "ru", Role.ZONE_OFFICER),
    "monitor": ("Mona Monitor", MONITOR_PARTY, Role.MONITOR),
    "analyst": ("Ali Analyst", MONITOR_PARTY, Role.ANALYST),
    "admin": ("Ada Admin", None, Role.ADMINISTRATOR),
}


@dataclass
class Site:
    """The application and one logged-in browser per user."""

    app: App
    api: FastAPI
    clients: dict[str, TestClient] = field(default_factory=dict)

    def as_user(self, username: str) -> TestClient:
        """A client logged in as `username` (one per user, kept for the test)."""
        if username not in self.clients:
            client = TestClient(self.api)
            token = csrf_of(client.get("/login").text)
            response = client.post(
                "/login",
                data={"username": username, "password": PASSWORD, "csrf_token": token},
                follow_redirects=False,
            )
            assert response.status_code == 303, response.text
            self.clients[username] = client
        return self.clients[username]

    def log_size(self) -> int:
        return ledger.entries_page(self.app.uow(), 0, 1).size

    def post(
        self,
        username: str,
        path: str,
        data: dict[str, Any],
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
    ) -> Response:
        """POST a form as `username`, with the session's CSRF token (and files, if any)."""
        client = self.as_user(username)
        token = csrf_of(client.get("/incidents").text)
        return client.post(
            path, data={"csrf_token": token, **data}, files=files, follow_redirects=False
        )

    def page(self, username: str, path: str) -> Response:
        return self.as_user(username).get(path)


S = TypeVar("S", bound=Site)


@contextmanager
def open_site(
    tmp_path: Path,
    kind: type[S],
    users: Mapping[str, tuple[str, str | None, Role]] = ACCOUNTS,
) -> Iterator[S]:
    """The example agreement on a fresh SQLite database with `users`, served by the ASGI app."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path}/site.db",
        example="idlib-m4",
        log_key=tmp_path / "log.key",
        checkpoint_interval_s=0,
    )
    app = bootstrap(settings)
    try:
        for username, (name, party, role) in users.items():
            accounts.add_user(
                accounts.AddUser(username, name, party, role, PASSWORD),
                app.uow(),
                Actor.operator(),
                app.log.signer,
                policy=CHEAP,
            )
        built = kind(app, create_app(app))
        yield built
        for client in built.clients.values():
            client.close()
    finally:
        app.close()
