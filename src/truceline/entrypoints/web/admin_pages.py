"""Signed-in pages: logging in and out, the users page, and the audit pages.

Every route here but the login page itself sits on one router whose
dependency checks the session's CSRF token on every POST (auth.check_session_csrf),
so a form added here cannot forget it; the login form checks its own
pre-session token. Refusals are pages: 403 for a missing or wrong CSRF token
or an action the permission matrix does not allow (the services decide;
the pages only hide what the user may not do), and a redirect to the login
page for a page that needs a signed-in user.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from truceline.bootstrap import App
from truceline.domain.accounts import MONITOR_PARTY, Role
from truceline.domain.errors import (
    AuthenticationError,
    ConflictError,
    InputError,
    NotFoundError,
    PermissionDenied,
)
from truceline.domain.permissions import Action
from truceline.entrypoints.web import audit_views, auth
from truceline.services import accounts, logins

FormText = Annotated[str, Form()]
NextForm = Annotated[str, Form(alias="next")]
NextQuery = Annotated[str, Query(alias="next")]
NO_STORE = {"Cache-Control": "no-store"}


def mount(api: FastAPI, app: App, templates: Jinja2Templates) -> None:
    """Add the login, users and audit pages, with their CSRF and login checks."""
    auth.install(api, app)
    audits = audit_views.Verifications()

    def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
        response = templates.TemplateResponse(request, name, context, status_code=status)
        response.headers.update(NO_STORE)
        return response

    def forbidden(request: Request, denied: PermissionDenied) -> Response:
        return render(
            request,
            "forbidden.html",
            {
                "heading": "Not allowed",
                "reason": "Your account may not do this, so nothing was done.",
                "advice": f"The server's reason: {denied}",
            },
            status=403,
        )

    def csrf_rejected(request: Request, _exc: Exception) -> Response:
        return render(
            request,
            "forbidden.html",
            {
                "heading": "This form has expired",
                "reason": (
                    "The form came without the security token of your session, or with a "
                    "wrong one, so nothing was done. This protects you from other sites "
                    "submitting forms in your name."
                ),
                "advice": (
                    "Go back, reload the page and submit it again. If you were logged out, "
                    "log in again first."
                ),
            },
            status=403,
        )

    def login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, auth.LoginRequired)
        return RedirectResponse(auth.login_url(exc.next_path), status_code=303, headers=NO_STORE)

    api.add_exception_handler(auth.CsrfRejected, csrf_rejected)
    api.add_exception_handler(auth.LoginRequired, login_required)

    public = APIRouter(include_in_schema=False)
    signed_in = APIRouter(include_in_schema=False, dependencies=[Depends(auth.check_session_csrf)])

    # --- login and logout ------------------------------------------------------------------

    def login_page(
        request: Request,
        next_path: str,
        username: str = "",
        error: str = "",
        notice: str = "",
    ) -> Response:
        token = auth.login_csrf(request)
        response = render(
            request,
            "login.html",
            {
                "csrf_token": token,
                "next": auth.safe_next(next_path),
                "username": username,
                "error": error,
                "notice": notice,
            },
        )
        auth.set_login_csrf_cookie(request, response, token)
        return response

    @public.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next_path: NextQuery = "/") -> Response:
        session = auth.viewer(request)
        notice = f"You are logged in as {session.user.username}." if session else ""
        return login_page(request, next_path, notice=notice)

    @public.post("/login", dependencies=[Depends(auth.check_login_csrf)])
    def login(
        request: Request,
        username: FormText = "",
        password: FormText = "",
        next_path: NextForm = "/",
    ) -> Response:
        source = request.client.host if request.client else ""
        try:
            user, signer = logins.authenticate(
                app.uow(), username, password, app.now(), source, policy=app.account_policy
            )
        except AuthenticationError as error:
            return login_page(request, next_path, username=username.strip(), error=sentence(error))
        old = request.cookies.get(auth.SESSION_COOKIE)
        if old:
            auth.signers(request).drop(auth.session_key(old))
            logins.end_session(app.uow(), old)
        token, _csrf = logins.start_session(app.uow(), user, app.now(), policy=app.account_policy)
        auth.signers(request).keep(auth.session_key(token), signer, app.now())
        auth.forget_viewer(request)
        response = RedirectResponse(auth.safe_next(next_path), status_code=303, headers=NO_STORE)
        auth.set_session_cookie(request, response, token)
        response.delete_cookie(auth.LOGIN_CSRF_COOKIE, path="/login")
        return response

    @signed_in.post("/logout")
    def logout(request: Request) -> Response:
        token = request.cookies.get(auth.SESSION_COOKIE, "")
        auth.signers(request).drop(auth.session_key(token))
        logins.end_session(app.uow(), token)
        auth.forget_viewer(request)
        response = RedirectResponse("/", status_code=303, headers=NO_STORE)
        auth.clear_session_cookie(request, response)
        return response

    # --- users -----------------------------------------------------------------------------

    def users_page(
        request: Request,
        session: auth.WebSession,
        *,
        error: str = "",
        done: tuple[str, str] = ("", ""),
        entered: dict[str, str] | None = None,
        status: int = 200,
    ) -> Response:
        try:
            users = accounts.list_users(app.uow(), session.actor)
        except PermissionDenied as denied:
            return forbidden(request, denied)
        verb, username = done
        notice = ""
        if verb and any(u.username == username for u in users):
            notice = f"{verb} {username}; the change is signed and in the audit log."
        parties = party_choices(app)
        names = dict(parties)
        return render(
            request,
            "users.html",
            {
                "users": [(u, names.get(u.party or "", u.party or "no party")) for u in users],
                "may_add": session.can(Action.MANAGE_USERS),
                "may_disable": {
                    u.id: session.can(Action.MANAGE_USERS, u.party)
                    and not u.disabled
                    and u.id != session.user.id
                    for u in users
                },
                "parties": parties,
                "roles": [(str(r), str(r).replace("_", " ")) for r in Role],
                "entered": entered or {},
                "error": error,
                "notice": notice,
            },
            status=status,
        )

    @signed_in.get("/admin/users", response_class=HTMLResponse)
    def users(request: Request, added: str = "", disabled: str = "") -> Response:
        session = auth.require_viewer(request)
        done = ("Added", added) if added else ("Disabled", disabled) if disabled else ("", "")
        return users_page(request, session, done=done)

    @signed_in.post("/admin/users")
    def add_user(
        request: Request,
        username: FormText = "",
        display_name: FormText = "",
        party: FormText = "",
        role: FormText = "",
        password: FormText = "",
        public_key: FormText = "",
    ) -> Response:
        session = auth.require_viewer(request)
        entered = {"username": username, "display_name": display_name, "party": party}
        entered |= {"role": role, "public_key": public_key}
        try:
            command = accounts.AddUser(
                username=username.strip(),
                display_name=display_name,
                party=party.strip() or None,
                role=parse_role(role),
                password=password,
                public_key=parse_public_key(public_key),
            )
            user = accounts.add_user(
                command,
                app.uow(),
                session.actor,
                session.signer,
                now=app.now,
                policy=app.account_policy,
            )
        except PermissionDenied as denied:
            return forbidden(request, denied)
        except (InputError, ConflictError) as error:
            status = 409 if isinstance(error, ConflictError) else 400
            return users_page(
                request, session, error=sentence(error), entered=entered, status=status
            )
        return RedirectResponse(f"/admin/users?added={user.username}", status_code=303)

    @signed_in.post("/admin/users/{user_id}/disable")
    def disable_user(request: Request, user_id: str) -> Response:
        session = auth.require_viewer(request)
        try:
            user = accounts.disable_user(
                accounts.DisableUser(user_id), app.uow(), session.actor, session.signer, now=app.now
            )
        except PermissionDenied as denied:
            return forbidden(request, denied)
        except (NotFoundError, ConflictError) as error:
            status = 404 if isinstance(error, NotFoundError) else 409
            return users_page(request, session, error=sentence(error), status=status)
        return RedirectResponse(f"/admin/users?disabled={user.username}", status_code=303)

    # --- audit -----------------------------------------------------------------------------

    def audit_session(request: Request) -> auth.WebSession:
        session = auth.require_viewer(request)
        if not session.can(Action.VIEW_AUDIT, session.user.party):
            raise PermissionDenied(f"{session.user.username} may not view the audit log")
        return session

    @signed_in.get("/audit", response_class=HTMLResponse)
    def audit(request: Request) -> Response:
        try:
            audit_session(request)
        except PermissionDenied as denied:
            return forbidden(request, denied)
        context = audit_views.log_state(app)
        context["verification"] = audits.last
        context["verifying"] = audits.running
        return render(request, "audit.html", context)

    @signed_in.post("/audit/verify")
    def verify(request: Request) -> Response:
        try:
            session = audit_session(request)
        except PermissionDenied as denied:
            return forbidden(request, denied)
        audits.run(app, session.user.username)
        return RedirectResponse("/audit#verification", status_code=303)

    @signed_in.get("/audit/records/{subject}", response_class=HTMLResponse)
    def record_history(request: Request, subject: str) -> Response:
        try:
            audit_session(request)
        except PermissionDenied as denied:
            return forbidden(request, denied)
        rows = audit_views.history_rows(app, subject)
        return render(
            request,
            "audit_record.html",
            {
                "subject": subject,
                "about": audit_views.ActorNames(app).of_subject(subject),
                "rows": rows,
                "all_valid": all(r.valid for r in rows),
            },
            status=200 if rows else 404,
        )

    api.include_router(public)
    api.include_router(signed_in)


def party_choices(app: App) -> list[tuple[str, str]]:
    """(value, label) of the parties a user may belong to: the agreement's, the monitor, none."""
    choices = [("", "no party (administrators)")]
    try:
        agreement = app.geography().agreement
    except NotFoundError:
        agreement = None
    if agreement is not None:
        choices += [(p.id, p.short_name or p.name) for p in agreement.parties]
    choices.append((MONITOR_PARTY, "the monitor"))
    return choices


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip())
    except ValueError:
        raise InputError("role", f"choose one of the roles ({', '.join(Role)})") from None


def parse_public_key(value: str) -> bytes | None:
    """A public key pasted as base64 (32 bytes), or None when the field is empty."""
    text = "".join(value.split())
    if not text:
        return None
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InputError("public_key", "paste the public key in base64") from None


def sentence(error: Exception) -> str:
    """An error's message as a sentence: capital first letter, full stop."""
    text = str(error).strip()
    if not text:
        return "Not allowed."
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."
