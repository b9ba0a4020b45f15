"""Browser sessions: the session cookie, CSRF tokens, the signed-in user, unlocked signers.

How a browser proves who it is:

- Logging in (services.logins) checks the password, unlocks the user's
  Ed25519 key and starts a session. The browser gets the session token in an
  HttpOnly cookie; the database keeps only its hash.
- The unlocked signer lives in this process's memory only (`UnlockedSigners`,
  on ``api.state``), keyed by a digest of the session token, and is dropped at
  logout, when the session is found expired, or when the server stops. A
  session whose signer is gone (the server restarted) is ended too, so a
  signed-in user can always sign what they do; they log in again.
- Every form that changes something carries a CSRF token in a hidden field:
  the session's own token once signed in, and for the login form (no session
  yet) a random pre-session token that is also set as a cookie (double
  submit). Both are compared with `hmac.compare_digest`; a POST without the
  right token is refused with 403 before anything else happens.
- Cookies are `Secure` when the request came over HTTPS, i.e. when
  ``request.url.scheme`` is ``https``. Behind a reverse proxy that ends TLS,
  uvicorn sets the scheme from ``X-Forwarded-Proto`` when the proxy's
  address is trusted (``--forwarded-allow-ips``; loopback by default), so a
  proxy on the same machine needs no setting here.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from threading import Lock
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool

from truceline.adapters.signing import Ed25519Signer
from truceline.bootstrap import App
from truceline.domain.accounts import Actor, User
from truceline.domain.permissions import Action, can
from truceline.services import logins

SESSION_COOKIE = "truceline_session"
LOGIN_CSRF_COOKIE = "truceline_login_csrf"
CSRF_FIELD = "csrf_token"
LOGIN_CSRF_MAX_AGE_S = 3600
_URLSAFE = frozenset(string.ascii_letters + string.digits + "-_")
_STATE_KEY = "truceline_viewer"
_UNSET = object()


class CsrfRejected(Exception):
    """A form came without the CSRF token of its session (or of the login page)."""


class LoginRequired(Exception):
    """A page needs a signed-in user; the browser is sent to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class UnlockedSigners:
    """The signers unlocked at login, by session, in this process's memory and nowhere else.

    A signer is dropped at logout, when its session is found ended, and by the
    sweep that runs on every use, once it has gone unused for longer than a
    session may be idle or is older than a session may live (the same limits
    services.accounts applies to the session itself).
    """

    def __init__(self, lifetime: timedelta, idle: timedelta) -> None:
        self._lifetime = lifetime
        self._idle = idle
        self._held: dict[str, _Held] = {}
        self._lock = Lock()

    def keep(self, session_key: str, signer: Ed25519Signer, now: datetime) -> None:
        with self._lock:
            self._sweep(now)
            self._held[session_key] = _Held(signer, now, now)

    def get(self, session_key: str, now: datetime) -> Ed25519Signer | None:
        with self._lock:
            self._sweep(now)
            held = self._held.get(session_key)
            if held is None:
                return None
            held.used_at = now
            return held.signer

    def drop(self, session_key: str) -> None:
        with self._lock:
            self._held.pop(session_key, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._held)

    def _sweep(self, now: datetime) -> None:
        stale = [
            key
            for key, held in self._held.items()
            if now - held.used_at >= self._idle or now - held.since >= self._lifetime
        ]
        for key in stale:
            del self._held[key]


@dataclass(slots=True)
class _Held:
    signer: Ed25519Signer
    since: datetime
    used_at: datetime


@dataclass(frozen=True, slots=True)
class WebSession:
    """The signed-in user of a request, with their session's CSRF token and unlocked signer."""

    key: str
    user: User
    csrf: str
    signer: Ed25519Signer

    @property
    def actor(self) -> Actor:
        """Who acts when this user submits a form."""
        return Actor.of(self.user)

    def can(self, action: Action | str, target_party: str | None = None) -> bool:
        """Whether the matrix lets this user take `action` (pages hide what they may not)."""
        return can(self.actor, Action(action), target_party)


def session_key(token: str) -> str:
    """The in-memory key of a session: a digest of its token, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def install(api: FastAPI, app: App) -> None:
    """Give the application its store of unlocked signers, kept as long as sessions live."""
    policy = app.account_policy
    api.state.unlocked_signers = UnlockedSigners(policy.session_lifetime, policy.session_idle)


def signers(request: Request) -> UnlockedSigners:
    store: UnlockedSigners = request.app.state.unlocked_signers
    return store


def truceline_app(request: Request) -> App:
    app: App = request.app.state.truceline
    return app


def viewer(request: Request) -> WebSession | None:
    """The signed-in user of this request, or None; looked up once per request.

    A session that expired, or whose signer is no longer in memory, is ended
    here and counts as signed out.
    """
    cached = getattr(request.state, _STATE_KEY, _UNSET)
    if cached is None or isinstance(cached, WebSession):
        return cached
    found = _resolve(request)
    setattr(request.state, _STATE_KEY, found)
    return found


def forget_viewer(request: Request) -> None:
    """Look the session up again on the next call (after login or logout)."""
    if hasattr(request.state, _STATE_KEY):
        delattr(request.state, _STATE_KEY)


def _resolve(request: Request) -> WebSession | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    app = truceline_app(request)
    key = session_key(token)
    store = signers(request)
    found = logins.session_user(app.uow(), token, app.now(), policy=app.account_policy)
    if found is None:
        store.drop(key)
        return None
    user, csrf = found
    signer = store.get(key, app.now())
    if signer is None or user.disabled:
        store.drop(key)
        logins.end_session(app.uow(), token)
        return None
    return WebSession(key=key, user=user, csrf=csrf, signer=signer)


def require_viewer(request: Request) -> WebSession:
    """The signed-in user; LoginRequired (a redirect to the login page) when there is none."""
    found = viewer(request)
    if found is None:
        raise LoginRequired(here(request))
    return found


def here(request: Request) -> str:
    """This request's path and query, to come back to after logging in."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def safe_next(value: str | None) -> str:
    """A local path to go to after login; anything else (another site, a scheme) is `/`."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    if any(ord(c) < 0x20 for c in value):
        return "/"
    return value


def login_url(next_path: str) -> str:
    return "/login?next=" + quote(safe_next(next_path), safe="/")


def is_https(request: Request) -> bool:
    """Whether the browser reached us over HTTPS (see the module docstring for proxies)."""
    return request.url.scheme == "https"


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    """The session cookie: HttpOnly, SameSite=Lax, Secure over HTTPS, gone with the browser."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=is_https(request),
        path="/",
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, samesite="lax", secure=is_https(request), path="/"
    )


def login_csrf(request: Request) -> str:
    """The pre-session CSRF token of the login form: the browser's cookie, or a new one."""
    current = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    return current if _well_formed(current) else secrets.token_urlsafe(32)


def set_login_csrf_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=LOGIN_CSRF_MAX_AGE_S,
        httponly=True,
        samesite="strict",
        secure=is_https(request),
        path="/login",
    )


def _well_formed(token: str) -> bool:
    """Whether a token looks like one `secrets.token_urlsafe` made (base64url, 32-128 chars)."""
    return 32 <= len(token) <= 128 and all(c in _URLSAFE for c in token)


def tokens_match(expected: str, given: str) -> bool:
    """Whether a submitted CSRF token is the expected one (constant time; empty never matches)."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


async def _submitted_token(request: Request) -> str:
    form = await request.form()
    value = form.get(CSRF_FIELD)
    return value if isinstance(value, str) else ""


async def check_session_csrf(request: Request) -> None:
    """Dependency of every signed-in form: the session's CSRF token must come with the POST."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    given = await _submitted_token(request)
    session = await run_in_threadpool(viewer, request)
    if session is None or not tokens_match(session.csrf, given):
        raise CsrfRejected()


async def check_login_csrf(request: Request) -> None:
    """Dependency of the login form: double submit of the pre-session token (cookie and field)."""
    given = await _submitted_token(request)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not _well_formed(cookie) or not tokens_match(cookie, given):
        raise CsrfRejected()


def template_context(request: Request) -> dict[str, Any]:
    """What every page's header needs: the signed-in user, if any, and the current path."""
    return {"viewer": viewer(request), "return_to": here(request)}
