"""What the statement pages show: each statement as plain strings, and the Atom feed's entries.

A statement's Markdown becomes safe HTML here (adapters.markdown), its
times are shown in the agreement's time zone, its parties by their short
names. Public pages name the approving *party* and role, never the officer:
who signed is in the log for whoever checks it, not on the front page.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time

from markupsafe import Markup

from truceline.adapters.feeds import Feed, FeedEntry
from truceline.adapters.markdown import MarkdownRenderer
from truceline.domain.agreements import Agreement
from truceline.domain.statements import Statement, StatementKind, StatementState
from truceline.entrypoints.web.audit_views import ActorNames
from truceline.entrypoints.web.pages import moment, party_name
from truceline.services.statement_queries import IncidentStatements

STATE_WORDS = {
    StatementState.DRAFT: "draft: no approval of this text yet",
    StatementState.PARTLY_APPROVED: "partly approved: awaiting the other side",
    StatementState.APPROVED: "approved by every guarantor: ready to publish",
    StatementState.PUBLISHED: "published",
}
JOINT_AUTHOR = "Joint information group"


@dataclass(frozen=True, slots=True)
class ApprovalRow:
    """One approval as shown: the party, what it signed, and whether the signature holds."""

    party: str
    party_name: str
    version: int
    text_sha256: str
    at: str
    approver: str
    void: bool
    voided_by: int | None
    verified: bool | None
    ledger_seq: int | None


@dataclass(frozen=True, slots=True)
class VersionRow:
    """One version of the text."""

    number: int
    title: str
    html: Markup
    text_sha256: str
    author: str
    at: str


@dataclass(frozen=True, slots=True)
class StatementCard:
    """A statement as the templates show it."""

    id: str
    number: int
    claim: bool
    party: str | None
    party_name: str
    label: str
    state: str
    state_words: str
    title: str
    body: str
    html: Markup
    incidents: tuple[str, ...]
    provisions: tuple[tuple[str, str], ...]
    version: int
    text_sha256: str
    approvals: tuple[ApprovalRow, ...]
    live: tuple[ApprovalRow, ...]
    approved_by: tuple[str, ...]
    awaiting: tuple[str, ...]
    awaiting_names: tuple[str, ...]
    updated_at: str
    published_at: str
    versions: tuple[VersionRow, ...]


def label_of(agreement: Agreement, statement: Statement) -> str:
    """``Joint statement No. 3`` or ``Turkey's claim No. 4``."""
    if statement.kind is StatementKind.UNILATERAL:
        return f"{party_name(agreement, statement.party or '')}'s claim No. {statement.number}"
    return f"Joint statement No. {statement.number}"


def card(
    agreement: Agreement,
    statement: Statement,
    markdown: MarkdownRenderer,
    *,
    names: ActorNames | None = None,
    verified: tuple[bool, ...] | None = None,
) -> StatementCard:
    """The card of a statement; with `names`, the approvers and authors are named too."""
    zone = agreement.timezone
    provisions = {p.id: p.text for p in agreement.provisions}
    current = statement.current
    checks: tuple[bool | None, ...] = verified or (None,) * len(statement.approvals)
    live_ids = {id(a) for a in statement.live_approvals}
    rows = []
    live = []
    for approval, ok in zip(statement.approvals, checks, strict=True):
        row = ApprovalRow(
            party=approval.party,
            party_name=party_name(agreement, approval.party),
            version=approval.version,
            text_sha256=approval.text_sha256,
            at=moment(approval.at, zone),
            approver=names.of(approval.approver) if names else "",
            void=approval.void,
            voided_by=approval.voided_by,
            verified=ok,
            ledger_seq=None if approval.seal is None else approval.seal.ledger_seq,
        )
        rows.append(row)
        if id(approval) in live_ids:
            live.append(row)
    publication = statement.publication
    return StatementCard(
        id=statement.id,
        number=statement.number,
        claim=statement.kind is StatementKind.UNILATERAL,
        party=statement.party,
        party_name=party_name(agreement, statement.party) if statement.party else "",
        label=label_of(agreement, statement),
        state=str(statement.state),
        state_words=STATE_WORDS[statement.state],
        title=current.text.title,
        body=current.text.body,
        html=markdown.html(current.text.body),
        incidents=current.text.incidents,
        provisions=tuple((p, provisions.get(p, "")) for p in current.text.provisions),
        version=current.number,
        text_sha256=current.sha256,
        approvals=tuple(rows),
        live=tuple(live),
        approved_by=tuple(party_name(agreement, p) for p in statement.approved_by),
        awaiting=statement.awaiting,
        awaiting_names=tuple(party_name(agreement, p) for p in statement.awaiting),
        updated_at=moment(current.at, zone),
        published_at=moment(publication.at, zone) if publication else "",
        versions=tuple(
            VersionRow(
                number=v.number,
                title=v.text.title,
                html=markdown.html(v.text.body),
                text_sha256=v.sha256,
                author=names.of(v.author) if names else "",
                at=moment(v.at, zone),
            )
            for v in reversed(statement.versions)
        ),
    )


@dataclass(frozen=True, slots=True)
class SaidAbout:
    """What was said publicly about one incident: joint statements, then each party's claims."""

    joint: tuple[StatementCard, ...]
    claims: tuple[StatementCard, ...]

    @property
    def any(self) -> bool:
        return bool(self.joint or self.claims)


def said_about(agreement: Agreement, found: IncidentStatements) -> SaidAbout:
    """The incident page's section on the statements that mention it."""
    markdown = MarkdownRenderer()
    return SaidAbout(
        joint=tuple(card(agreement, s, markdown) for s in found.joint),
        claims=tuple(card(agreement, s, markdown) for s in found.claims),
    )


# --- the feed ------------------------------------------------------------------------------


def _urn(agreement: Agreement, name: str) -> str:
    """A stable IRI for the feed and its entries, whatever host serves them."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"truceline:{agreement.id}:{name}").urn


def feed_of(
    agreement: Agreement, statements: list[Statement], base: str
) -> tuple[Feed, list[FeedEntry]]:
    """The Atom feed of the published statements and claims, newest first."""
    markdown = MarkdownRenderer()
    entries = []
    for statement in statements:
        publication = statement.publication
        if publication is None:
            continue
        shown = card(agreement, statement, markdown)
        if shown.claim:
            title = f"{shown.party_name}'s claim: {shown.title}"
            lead = Markup(
                "<p><strong>{}</strong> — a unilateral statement of {}, not a joint position.</p>"
            ).format(shown.label, shown.party_name)
            author, category, category_label = shown.party_name, "claim", "Claim of one party"
        else:
            title = shown.title
            lead = Markup("<p><strong>{}</strong>, approved by {}.</p>").format(
                shown.label, ", ".join(shown.approved_by)
            )
            author, category, category_label = JOINT_AUTHOR, "joint", "Joint statement"
        entries.append(
            FeedEntry(
                id=_urn(agreement, statement.id),
                title=title,
                link=f"{base}/statements/{statement.id}",
                updated=publication.at,
                published=publication.at,
                html=str(lead + shown.html),
                author=author,
                category=category,
                category_label=category_label,
            )
        )
    newest = max((e.updated for e in entries), default=None)
    start = min(d.date for d in agreement.documents) if agreement.documents else None
    fallback = datetime.combine(start, time(), UTC) if start else datetime(2000, 1, 1, tzinfo=UTC)
    feed = Feed(
        id=_urn(agreement, "statements"),
        title=f"{agreement.title}: statements",
        subtitle="Joint statements approved by every guarantor, and each party's own claims.",
        self_link=f"{base}/statements/feed.atom",
        site_link=f"{base}/statements",
        author=JOINT_AUTHOR,
        updated=newest or fallback,
    )
    return feed, entries
