"""Statement pages: the public list, page and Atom feed; drafting, approving and publishing.

Published statements and claims are public: ``/statements``, each one's
page and ``/statements/feed.atom`` need no login. Everything else needs a
signed-in user: ``/statements/drafts`` lists the joint statements under
way, ``/statements/new`` drafts one (information-group members),
``/statements/{id}/edit`` shows one with its versions and approvals, takes a
revision, and offers each guarantor's authorized officer the approval of
the current text, showing the exact digest their key signs; once every
guarantor approved, an information-group member publishes it.
``/statements/claims/new`` records the viewer's party's own claim.

Every POST sits on a router that checks the session's CSRF token first and
is signed with the viewer's key unlocked for the session. A refusal is a
403 page; a bad value or a stale text shows the form again with the field
and the reason (400, or 409 for a conflict), and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from truceline.adapters.feeds import ATOM_TYPE, atom_feed
from truceline.adapters.markdown import MarkdownRenderer
from truceline.bootstrap import App
from truceline.domain.errors import ConflictError, InputError, NotFoundError
from truceline.domain.statements import Statement, StatementState
from truceline.entrypoints.web import auth, statement_forms, statement_views
from truceline.entrypoints.web.admin_pages import NO_STORE, sentence
from truceline.entrypoints.web.audit_views import ActorNames
from truceline.entrypoints.web.incident_forms import Fields
from truceline.entrypoints.web.page_kit import FormFields, PageKit, Refused, common
from truceline.entrypoints.web.pages import party_name
from truceline.services import statement_claims, statements
from truceline.services.authorship import ServerSigned
from truceline.services.geography import Geography
from truceline.services.statement_queries import (
    in_progress,
    public_statement,
    published,
    statement_view,
)

Act = Callable[[auth.WebSession, Geography], Statement]


def viewer_party(request: Request) -> str | None:
    session = auth.viewer(request)
    return None if session is None else session.user.party


def go(path: str) -> Response:
    return RedirectResponse(path, status_code=303, headers=NO_STORE)


def mount(api: FastAPI, app: App) -> None:
    """Add the statement pages (after pages.mount, which serves their static files)."""
    kit = PageKit(app)
    render = kit.render
    markdown = MarkdownRenderer()
    router = APIRouter(include_in_schema=False, dependencies=[Depends(auth.check_session_csrf)])

    def public(request: Request, build: Callable[[Geography], Response]) -> Response:
        """A page anyone may read, on the first agreement loaded."""
        try:
            geo = app.geography()
        except NotFoundError as error:
            return render(request, "no_agreement.html", {"reason": str(error)}, status=404)
        return build(geo)

    def viewing(
        request: Request, build: Callable[[auth.WebSession, Geography], Response]
    ) -> Response:
        return kit.viewing(request, build, missing="No such statement")

    # --- public ---------------------------------------------------------------------------

    @router.get("/statements", response_class=HTMLResponse)
    def statement_list(request: Request) -> Response:
        def build(geo: Geography) -> Response:
            agreement = geo.agreement
            cards = [
                statement_views.card(agreement, s, markdown)
                for s in published(app.uow(), agreement.id)
            ]
            session = auth.viewer(request)
            context = common(geo) | {
                "joint": [c for c in cards if not c.claim],
                "claims": [c for c in cards if c.claim],
                "may_draft": session is not None and statement_forms.may_draft(session),
                "may_claim": session is not None and statement_forms.may_claim(session),
            }
            return render(request, "statements.html", context)

        return public(request, build)

    @router.get("/statements/feed.atom")
    def feed(request: Request) -> Response:
        def build(geo: Geography) -> Response:
            base = str(request.base_url).rstrip("/")
            found = published(app.uow(), geo.agreement.id)
            head, entries = statement_views.feed_of(geo.agreement, found, base)
            return Response(atom_feed(head, entries), media_type=ATOM_TYPE)

        return public(request, build)

    # --- drafting -------------------------------------------------------------------------

    @router.get("/statements/drafts", response_class=HTMLResponse)
    def drafts(request: Request) -> Response:
        def build(session: auth.WebSession, geo: Geography) -> Response:
            agreement = geo.agreement
            cards = [
                statement_views.card(agreement, s, markdown)
                for s in in_progress(app.uow(), agreement.id)
            ]
            context = common(geo) | {
                "cards": cards,
                "may_draft": statement_forms.may_draft(session),
            }
            return render(request, "statement_drafts.html", context)

        return viewing(request, build)

    def form_page(
        request: Request,
        geo: Geography,
        *,
        mode: str,
        entered: dict[str, Any] | None = None,
        error: InputError | ConflictError | None = None,
        status: int = 200,
    ) -> Response:
        context = common(geo) | {
            "mode": mode,
            "action": "/statements/claims/new" if mode == "claim" else "/statements/new",
            "entered": entered or {"title": "", "body": "", "incidents": "", "provisions": []},
            "provision_choices": [(p.id, p.text) for p in geo.agreement.provisions],
            "problem": statement_forms.problem(error),
            "form": mode,
            "party_label": party_name(geo.agreement, party)
            if (party := viewer_party(request))
            else "",
        }
        return render(request, "statement_form.html", context, status=status)

    def submit_new(request: Request, fields: Fields, mode: str) -> Response:
        def build(session: auth.WebSession, geo: Geography) -> Response:
            check = statement_forms.may_claim if mode == "claim" else statement_forms.may_draft
            if not check(session):
                what = "record claims" if mode == "claim" else "draft joint statements"
                raise Refused(f"{session.user.username} ({session.user.role}) may not {what}")
            command = (
                statement_claims.record_claim if mode == "claim" else statements.draft_statement
            )
            try:
                done = command(
                    app.uow(),
                    session.actor,
                    ServerSigned(session.signer),
                    geo.agreement,
                    statement_forms.text_data(fields),
                    app.now(),
                    now=app.now,
                )
            except (InputError, ConflictError) as error:
                status = 409 if isinstance(error, ConflictError) else 400
                return form_page(
                    request,
                    geo,
                    mode=mode,
                    entered=statement_forms.entered(fields),
                    error=error,
                    status=status,
                )
            return go(
                f"/statements/{done.id}" if mode == "claim" else f"/statements/{done.id}/edit"
            )

        return viewing(request, build)

    @router.get("/statements/new", response_class=HTMLResponse)
    def new_statement(request: Request) -> Response:
        def build(session: auth.WebSession, geo: Geography) -> Response:
            if not statement_forms.may_draft(session):
                raise Refused(
                    f"{session.user.username} ({session.user.role}) may not draft joint statements"
                )
            return form_page(request, geo, mode="draft")

        return viewing(request, build)

    @router.post("/statements/new")
    def create(request: Request, fields: FormFields) -> Response:
        return submit_new(request, fields, "draft")

    @router.get("/statements/claims/new", response_class=HTMLResponse)
    def new_claim(request: Request) -> Response:
        def build(session: auth.WebSession, geo: Geography) -> Response:
            if not statement_forms.may_claim(session):
                raise Refused(
                    f"{session.user.username} ({session.user.role}) may not record claims"
                )
            return form_page(request, geo, mode="claim")

        return viewing(request, build)

    @router.post("/statements/claims/new")
    def create_claim(request: Request, fields: FormFields) -> Response:
        return submit_new(request, fields, "claim")

    # --- one statement --------------------------------------------------------------------

    @router.get("/statements/{statement_id}", response_class=HTMLResponse)
    def statement_page(request: Request, statement_id: str) -> Response:
        def build(geo: Geography) -> Response:
            agreement = geo.agreement
            try:
                found = public_statement(app.uow(), agreement.id, statement_id)
            except NotFoundError as error:
                if auth.viewer(request) is not None:
                    return go(f"/statements/{statement_id}/edit")
                context = {
                    "agreement": agreement,
                    "heading": "No such statement",
                    "reason": sentence(error),
                    "advice": "Drafts are not public; only published statements are.",
                }
                return render(request, "forbidden.html", context, status=404)
            view = statement_view(app.uow(), agreement.id, statement_id)
            shown = statement_views.card(agreement, found, markdown, verified=view.verified)
            return render(request, "statement.html", common(geo) | {"statement": shown})

        return public(request, build)

    def work_page(
        request: Request,
        session: auth.WebSession,
        geo: Geography,
        statement_id: str,
        *,
        form: str = "",
        entered: dict[str, Any] | None = None,
        error: InputError | ConflictError | None = None,
        status: int = 200,
    ) -> Response:
        agreement = geo.agreement
        view = statement_view(app.uow(), agreement.id, statement_id)
        statement = view.statement
        shown = statement_views.card(
            agreement, statement, markdown, names=ActorNames(app), verified=view.verified
        )
        party = session.user.party
        open_ = not statement.published
        current = statement.current.text
        defaults = {
            "title": current.title,
            "body": current.body,
            "incidents": " ".join(current.incidents),
            "provisions": list(current.provisions),
        }
        context = common(geo) | {
            "statement": shown,
            "form": form,
            "problem": statement_forms.problem(error),
            "entered": entered if form == "revise" and entered else defaults,
            "provision_choices": [(p.id, p.text) for p in agreement.provisions],
            "may_revise": open_ and not shown.claim and statement_forms.may_draft(session),
            "may_approve": open_
            and not shown.claim
            and statement_forms.may_approve(session)
            and party in shown.awaiting,
            "approver_party": party_name(agreement, party) if party else "",
            "may_publish": open_
            and not shown.claim
            and statement_forms.may_publish(session)
            and statement.state is StatementState.APPROVED,
            "next_version": statement.current.number + 1,
        }
        return render(request, "statement_work.html", context, status=status)

    @router.get("/statements/{statement_id}/edit", response_class=HTMLResponse)
    def edit(request: Request, statement_id: str) -> Response:
        return viewing(request, lambda session, geo: work_page(request, session, geo, statement_id))

    def acting(
        request: Request,
        statement_id: str,
        fields: Fields,
        form: str,
        act: Act,
        then: Callable[[Statement], str],
    ) -> Response:
        """Run a form's command; on a bad value or a stale text show the page again with why."""

        def build(session: auth.WebSession, geo: Geography) -> Response:
            try:
                done = act(session, geo)
            except (InputError, ConflictError) as error:
                status = 409 if isinstance(error, ConflictError) else 400
                return work_page(
                    request,
                    session,
                    geo,
                    statement_id,
                    form=form,
                    entered=statement_forms.entered(fields),
                    error=error,
                    status=status,
                )
            return go(then(done))

        return viewing(request, build)

    @router.post("/statements/{statement_id}/edit")
    def revise(request: Request, statement_id: str, fields: FormFields) -> Response:
        def act(session: auth.WebSession, geo: Geography) -> Statement:
            data = statement_forms.text_data(fields)
            version = fields.text("version")
            if version.isdigit():
                data["version"] = int(version)
            return statements.revise_statement(
                app.uow(),
                session.actor,
                ServerSigned(session.signer),
                geo.agreement,
                statement_id,
                data,
                app.now(),
                now=app.now,
            )

        return acting(
            request, statement_id, fields, "revise", act, lambda s: f"/statements/{s.id}/edit"
        )

    @router.post("/statements/{statement_id}/approve")
    def approve(request: Request, statement_id: str, fields: FormFields) -> Response:
        def act(session: auth.WebSession, geo: Geography) -> Statement:
            version = fields.text("version")
            if not version.isdigit():
                raise InputError("version", "name the version you approve")
            data = {"version": int(version), "text_sha256": fields.text("text_sha256")}
            return statements.approve_statement(
                app.uow(),
                session.actor,
                ServerSigned(session.signer),
                geo.agreement,
                statement_id,
                data,
                app.now(),
                now=app.now,
            )

        return acting(
            request,
            statement_id,
            fields,
            "approve",
            act,
            lambda s: f"/statements/{s.id}/edit#approvals",
        )

    @router.post("/statements/{statement_id}/publish")
    def publish(request: Request, statement_id: str, fields: FormFields) -> Response:
        def act(session: auth.WebSession, geo: Geography) -> Statement:
            data: dict[str, Any] = {}
            version = fields.text("version")
            if version.isdigit():
                data["version"] = int(version)
            if fields.text("text_sha256"):
                data["text_sha256"] = fields.text("text_sha256")
            return statements.publish_statement(
                app.uow(),
                session.actor,
                ServerSigned(session.signer),
                geo.agreement,
                statement_id,
                data,
                app.now(),
                now=app.now,
            )

        return acting(
            request, statement_id, fields, "publish", act, lambda s: f"/statements/{s.id}"
        )

    api.include_router(router)
