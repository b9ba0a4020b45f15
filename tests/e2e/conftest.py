"""End-to-end fixtures: the real server in a subprocess, Debian's Chromium through Playwright.

Every browser context is guarded: a request to anything but the loopback
interface is aborted and recorded, and fails the test at teardown, as does
any JavaScript error or console error on a page.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    Route,
    ViewportSize,
    sync_playwright,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
LOCAL_SCHEMES = frozenset({"data", "blob"})
PROJECT = Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT_S = 30.0
VIEWPORT: ViewportSize = {"width": 1440, "height": 1000}


def unavailable(reason: str) -> None:
    """Skip loudly on a developer's machine; fail in CI, where everything must run."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the end-to-end tests must run)")
    pytest.skip(f"END-TO-END TESTS NOT RUN: {reason}")


def is_off_machine(url: str) -> bool:
    """Whether loading `url` would leave the machine (anything but loopback, data: and blob:)."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return False
    return parts.hostname not in LOOPBACK_HOSTS


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def answers(url: str) -> bool:
    """Whether the server at `url` answers 200, without any proxy in between."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def cli(*args: str) -> list[str]:
    """The `truceline` command line, run with this interpreter."""
    return [sys.executable, "-c", "from truceline.entrypoints.cli import main; main()", *args]


def database_with_users(
    folder: Path, users: Sequence[tuple[str, str, str, str | None]], password: str
) -> tuple[Path, dict[str, str]]:
    """A database in `folder` with the example loaded and `users` (username, name, role,
    party) added through the CLI; returns it and the environment to serve it with."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUCELINE_")}
    env["TRUCELINE_LOG_KEY"] = str(folder / "log.key")
    database = folder / "truceline.db"

    def truceline(*args: str, stdin: str = "") -> None:
        subprocess.run(
            cli(*args, "--db", str(database)),
            cwd=PROJECT,
            env=env,
            input=stdin,
            check=True,
            capture_output=True,
            text=True,
        )

    truceline("init")
    for username, name, role, party in users:
        args = ["users", "add", username, "--role", role, "--name", name, "--password-stdin"]
        truceline(*args, *(["--party", party] if party else []), stdin=f"{password}\n")
    return database, env


def serve(database: Path, env: dict[str, str], log_path: Path) -> Iterator[str]:
    """Run `truceline serve` on `database` on a free loopback port; yield its base URL."""
    if not (PROJECT / "node_modules" / "leaflet" / "dist" / "leaflet.js").is_file():
        unavailable(f"no Leaflet in {PROJECT / 'node_modules'}: run `npm ci` in the project folder")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            cli("serve", "--db", str(database), "--host", "127.0.0.1", "--port", str(port)),
            cwd=PROJECT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not answers(f"{url}/api/agreements"):
            if process.poll() is not None:
                pytest.fail(f"the server exited with {process.returncode}:\n{log_path.read_text()}")
            if time.monotonic() > deadline:
                waited = f"the server did not answer within {SERVER_START_TIMEOUT_S} s"
                pytest.fail(f"{waited}:\n{log_path.read_text()}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of `truceline serve` on a free loopback port, the example loaded."""
    folder = tmp_path_factory.mktemp("server")
    database = folder / "e2e.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUCELINE_")}
    subprocess.run(
        cli("init", "--db", str(database)), cwd=PROJECT, env=env, check=True, capture_output=True
    )
    yield from serve(database, env, folder / "server.log")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, unable to resolve any name but localhost."""
    if not CHROMIUM.is_file():
        unavailable(
            f"{CHROMIUM} is missing: install Debian's chromium package (never `playwright install`)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


class Guard:
    """Records what a test's pages must not do: leave the machine, throw, log errors."""

    def __init__(self) -> None:
        self.off_machine: list[str] = []
        self.errors: list[str] = []

    def watch(self, context: BrowserContext) -> None:
        context.route("**/*", self._route)
        context.on("page", self._watch_page)

    def _route(self, route: Route) -> None:
        url = route.request.url
        if is_off_machine(url):
            self.off_machine.append(url)
            route.abort("blockedbyclient")
        else:
            route.continue_()

    def _watch_page(self, page: Page) -> None:
        page.on("pageerror", self._page_error)
        page.on("console", self._console)

    def _page_error(self, error: Error) -> None:
        self.errors.append(f"page error: {error.message}")

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console error: {message.text} at {message.location}")


@pytest.fixture
def guard() -> Iterator[Guard]:
    """Fails the test at teardown if a page requested a non-loopback address or raised errors."""
    watcher = Guard()
    yield watcher
    if watcher.off_machine:
        pytest.fail(
            "the page requested addresses off the machine:\n  " + "\n  ".join(watcher.off_machine)
        )
    if watcher.errors:
        pytest.fail("the page reported errors:\n  " + "\n  ".join(watcher.errors))


@pytest.fixture
def new_context(
    browser: Browser, server: str, guard: Guard
) -> Iterator[Callable[..., BrowserContext]]:
    """Makes guarded browser contexts on the test server; closes them after the test."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        context = browser.new_context(base_url=server, viewport=VIEWPORT, **options)
        context.set_default_timeout(10_000)
        guard.watch(context)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    """A page with JavaScript on, in a guarded context."""
    return new_context().new_page()


@pytest.fixture
def map_page(page: Page) -> Page:
    """The home page once its map has drawn every layer."""
    page.goto("/")
    page.wait_for_selector("#map[data-ready='true']")
    return page


#: The password the e2e modules give the users they add.
PASSWORD = "a long enough passphrase"


def logged_in(
    new_context: Callable[..., BrowserContext],
    username: str,
    then: str,
    password: str = PASSWORD,
) -> Page:
    """A browser of its own for `username`, logged in and on `then`."""
    page = new_context().new_page()
    page.goto(f"/login?next={then}")
    page.fill("#login-username", username)
    page.fill("#login-password", password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(f"{re.escape(then)}$"))
    return page
