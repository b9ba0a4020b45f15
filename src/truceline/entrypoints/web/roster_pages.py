"""The roster page and the hotline: who is on duty in each zone, messages and acknowledgements.

Every page needs a signed-in user (VIEW_RECORD); every POST sits on a router
that checks the session's CSRF token first. The services decide who may do
what (signed with the user's key unlocked for the session): a refusal is a
403 page, a bad value shows the page again with the field and the reason
(400, or 409 for a conflict), and nothing is written then. Success
redirects (303).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from truceline.bootstrap import App
from truceline.domain.accounts import Role
from truceline.domain.agreements import Agreement
from truceline.domain.errors import ConflictError, InputError
from truceline.domain.permissions import Action
from truceline.domain.roster import AUTHORIZED, Duty, guarantor_parties, zone_posts
from truceline.entrypoints.web import auth, roster_views
from truceline.entrypoints.web.admin_pages import NO_STORE
from truceline.entrypoints.web.audit_views import ActorNames
from truceline.entrypoints.web.incident_forms import Fields, problem_of
from truceline.entrypoints.web.page_kit import Build, FormFields, PageKit, common, submit
from truceline.services import hotline, roster
from truceline.services.authorship import ServerSigned
from truceline.services.geography import Geography
from truceline.services.hotline import MessageFilter

Problem = InputError | ConflictError


def form_time(fields: Fields, name: str) -> str | None:
    """A `datetime-local` field, read as UTC, as ISO 8601; None when left empty."""
    text = fields.text(name)
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(name, f"{text!r} is not a date and time") from None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def redirect(path: str) -> Response:
    return RedirectResponse(path, status_code=303, headers=NO_STORE)


def status_of(error: Problem) -> int:
    return 409 if isinstance(error, ConflictError) else 400


def mount(api: FastAPI, app: App) -> None:
    """Add the roster and hotline pages (after pages.mount, which serves their static files)."""
    kit = PageKit(app)
    router = APIRouter(include_in_schema=False, dependencies=[Depends(auth.check_session_csrf)])

    def viewing(request: Request, build: Build) -> Response:
        return kit.viewing(request, build, missing="No such record")

    def acting(
        request: Request,
        act: Callable[[auth.WebSession, Geography], str],
        again: Callable[[auth.WebSession, Geography, Problem], Response],
    ) -> Response:
        """Run a form's command; redirect where it says, or show the page again with why."""
        target: list[str] = []
        return submit(
            kit,
            request,
            lambda session, geo: target.append(act(session, geo)),
            again=lambda session, geo, error, _status: again(session, geo, error),
            done=lambda: redirect(target[0]),
        )

    # --- the roster -------------------------------------------------------------------------

    def roster_page(
        request: Request,
        session: auth.WebSession,
        geo: Geography,
        *,
        entered: dict[str, str] | None = None,
        error: Problem | None = None,
    ) -> Response:
        agreement = geo.agreement
        now = app.now()
        view = roster.roster_view(app.uow(), agreement, now)
        names = ActorNames(app)
        managed = roster_views.managed_parties(session, agreement)
        officers = roster.officers(app.uow(), agreement)
        mine = [d for d in view.periods if d.is_open and d.user_id == session.user.id]
        successors = [
            u
            for u in officers
            if u.party == session.user.party and u.id != session.user.id and u.role in _roles(mine)
        ]
        context = common(geo) | {
            "now": roster_views.when(now),
            "guarantors": guarantor_parties(agreement),
            "posts": [(p, roster_views.post_label(agreement, p)) for p in _posts(agreement)],
            "rows": roster_views.post_rows(agreement, view.on_duty, session, names.of),
            "periods": roster_views.period_rows(agreement, view.periods, names.of),
            "managed": managed,
            "candidates": [u for u in officers if u.party in managed],
            "mine": [(d, roster_views.post_label(agreement, d.post)) for d in mine],
            "successors": successors,
            "entered": entered or {},
            "problem": problem_of(error),
        }
        return kit.render(
            request, "roster.html", context, status=200 if error is None else status_of(error)
        )

    @router.get("/roster", response_class=HTMLResponse)
    def roster_get(request: Request) -> Response:
        return viewing(request, lambda session, geo: roster_page(request, session, geo))

    @router.post("/roster")
    def roster_assign(request: Request, fields: FormFields) -> Response:
        def act(session: auth.WebSession, geo: Geography) -> str:
            data: dict[str, Any] = {
                "post": fields.text("post"),
                "user": fields.text("user"),
                "party": fields.text("party") or None,
                "start": form_time(fields, "start"),
                "handover": fields.text("handover") in ("1", "on", "true"),
                "note": fields.text("note"),
            }
            roster.assign_duty(
                app.uow(),
                session.actor,
                ServerSigned(session.signer),
                geo.agreement,
                data,
                app.now(),
                now=app.now,
            )
            return "/roster"

        def again(session: auth.WebSession, geo: Geography, error: Problem) -> Response:
            return roster_page(request, session, geo, entered=fields.entered(), error=error)

        return acting(request, act, again)

    @router.post("/roster/{duty_id}/end")
    def roster_end(request: Request, duty_id: str, fields: FormFields) -> Response:
        def act(session: auth.WebSession, geo: Geography) -> str:
            data = {"end": form_time(fields, "end"), "note": fields.text("note")}
            roster.finish_duty(
                app.uow(),
                session.actor,
                ServerSigned(session.signer),
                geo.agreement,
                duty_id,
                data,
                app.now(),
                now=app.now,
            )
            return "/roster"

        def again(session: auth.WebSession, geo: Geography, error: Problem) -> Response:
            return roster_page(request, session, geo, error=error)

        return acting(request, act, again)

    # --- the hotline ------------------------------------------------------------------------

    def hotline_page(
        request: Request,
        session: auth.WebSession,
        geo: Geography,
        *,
        entered: dict[str, str] | None = None,
        error: Problem | None = None,
    ) -> Response:
        agreement = geo.agreement
        now = app.now()
        limit = agreement.mechanism.hotline_escalation
        names = ActorNames(app)
        waiting_only = request.query_params.get("unacknowledged", "") in ("1", "on", "true")
        messages = hotline.list_messages(
            app.uow(), agreement, MessageFilter(unacknowledged=waiting_only)
        )
        rows = [roster_views.message_row(m, session, now, limit, names.of) for m in messages]
        party = session.user.party
        own = party in guarantor_parties(agreement)
        may_send = own and session.can(Action.LOG_HOTLINE_MESSAGE, party)
        officers = roster.officers(app.uow(), agreement)
        with app.uow() as uow:
            duties = roster.stored_duties(uow, agreement.id)
        my_zone = next(
            (
                d.post
                for d in duties
                if d.user_id == session.user.id and d.covers(now) and d.post != AUTHORIZED
            ),
            "",
        )
        context = common(geo) | {
            "own": own,
            "party": party,
            "inbox": [r for r in rows if own and r.to_party == party],
            "outbox": [r for r in rows if own and r.from_party == party],
            "every": rows,
            "escalated_to_me": [r for r in rows if r.escalated_to_me],
            "waiting_only": waiting_only,
            "stats": hotline.stats_of(agreement, messages, now) if not waiting_only else [],
            "escalation_min": f"{limit.total_seconds() / 60:g}",
            "may_send": may_send,
            "addressees": [u for u in officers if own and u.party != party],
            "zone_posts": [
                (z, roster_views.post_label(agreement, z)) for z in zone_posts(agreement)
            ],
            "my_zone": my_zone,
            "entered": entered or {},
            "problem": problem_of(error),
        }
        status = 200 if error is None else status_of(error)
        return kit.render(request, "hotline.html", context, status=status)

    @router.get("/hotline", response_class=HTMLResponse)
    def hotline_get(request: Request) -> Response:
        return viewing(request, lambda session, geo: hotline_page(request, session, geo))

    @router.post("/hotline")
    def hotline_send(request: Request, fields: FormFields) -> Response:
        def act(session: auth.WebSession, geo: Geography) -> str:
            data = {
                "subject": fields.text("subject"),
                "body": fields.text("body"),
                "urgent": fields.text("urgent") in ("1", "on", "true"),
                "zone": fields.text("zone") or None,
                "to_user": fields.text("to_user") or None,
                "incident_id": fields.text("incident_id") or None,
                "patrol_id": fields.text("patrol_id") or None,
            }
            done = hotline.send_message(
                app.uow(),
                session.actor,
                ServerSigned(session.signer),
                geo.agreement,
                data,
                app.now(),
                now=app.now,
            )
            return f"/hotline/{done.message.id}"

        def again(session: auth.WebSession, geo: Geography, error: Problem) -> Response:
            return hotline_page(request, session, geo, entered=fields.entered(), error=error)

        return acting(request, act, again)

    def message_page(
        request: Request,
        session: auth.WebSession,
        geo: Geography,
        message_id: str,
        *,
        error: Problem | None = None,
    ) -> Response:
        agreement = geo.agreement
        view = hotline.message_view(app.uow(), agreement, message_id)
        names = ActorNames(app)
        limit = agreement.mechanism.hotline_escalation
        row = roster_views.message_row(view.message, session, app.now(), limit, names.of)
        steps = [
            {
                "at": roster_views.when(s.at),
                "action": s.action,
                "by": names.of(s.actor),
                "seq": s.ledger_seq,
                "note": str(s.data.get("note") or ""),
            }
            for s in view.steps
        ]
        context = common(geo) | {"m": row, "steps": steps, "problem": problem_of(error)}
        status = 200 if error is None else status_of(error)
        return kit.render(request, "hotline_message.html", context, status=status)

    @router.get("/hotline/{message_id}", response_class=HTMLResponse)
    def hotline_message(request: Request, message_id: str) -> Response:
        return viewing(
            request, lambda session, geo: message_page(request, session, geo, message_id)
        )

    @router.post("/hotline/{message_id}/acknowledge")
    def hotline_acknowledge(request: Request, message_id: str, fields: FormFields) -> Response:
        def act(session: auth.WebSession, geo: Geography) -> str:
            hotline.acknowledge_message(
                app.uow(),
                session.actor,
                ServerSigned(session.signer),
                geo.agreement,
                message_id,
                {"note": fields.text("note")},
                app.now(),
                now=app.now,
            )
            back = fields.text("return_to")
            return "/hotline" if back == "list" else f"/hotline/{message_id}"

        def again(session: auth.WebSession, geo: Geography, error: Problem) -> Response:
            return message_page(request, session, geo, message_id, error=error)

        return acting(request, act, again)

    api.include_router(router)


def _posts(agreement: Agreement) -> list[str]:
    return [*zone_posts(agreement), AUTHORIZED]


def _roles(mine: list[Duty]) -> set[Role]:
    """The roles that may succeed the viewer at the posts they hold."""
    return {Role.AUTHORIZED_OFFICER if d.post == AUTHORIZED else Role.ZONE_OFFICER for d in mine}
