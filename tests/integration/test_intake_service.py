"""The intake on a real database: ingest once, then accept, merge, edit and reject candidates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.incident_support import Cast, Clock, cast, make_app
from truceline.adapters.intake.extract import extract_markdown, extract_text
from truceline.adapters.intake.pipeline import Pipeline
from truceline.bootstrap import App
from truceline.domain.accounts import Actor
from truceline.domain.errors import ConflictError, InputError, PermissionDenied
from truceline.domain.intake import Candidate, CandidateStatus, Document
from truceline.domain.ledger import parse_leaf
from truceline.domain.reports import Channel
from truceline.services import intake, intake_review
from truceline.services.authorship import PrepareOnly, ServerSigned
from truceline.services.incident_queries import incident_view
from truceline.services.ledger import entries_page, history

ARTICLE = Path(__file__).resolve().parents[1] / "data" / "intake" / "idlib-m4-article-2020-09.md"
URL = "https://www.globalresearch.ca/video-idlib-question-prospects-new-syrian-turkish/5723532"
NOW = datetime(2020, 9, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def app(database_url: str, tmp_path: Path, example_pack: Path) -> Iterator[App]:
    application = make_app(database_url, tmp_path, example_pack, Clock(NOW))
    try:
        yield application
    finally:
        application.close()


@pytest.fixture
def people(app: App) -> Cast:
    return cast(app)


def article() -> Document:
    return extract_markdown(ARTICLE.read_text(encoding="utf-8"), URL, NOW)


def ingest(app: App, document: Document) -> intake.Ingested:
    agreement = app.geography().agreement
    extraction = Pipeline(agreement).run(document)
    return intake.ingest(
        app.uow(),
        Actor.operator(),
        ServerSigned(app.log.signer),
        agreement,
        extraction,
        app.now(),
        command={"url": document.url},
        now=app.now,
    )


def log_size(app: App) -> int:
    return entries_page(app.uow(), 0, 1).size


def pick(candidates: tuple[Candidate, ...], words: str) -> Candidate:
    [found] = [c for c in candidates if words in c.finding.sentence]
    return found


def test_an_article_is_ingested_once_with_its_candidates_pending(app: App) -> None:
    before = log_size(app)
    done = ingest(app, article())
    assert done.new
    assert len(done.candidates) >= 3
    assert {c.status for c in done.candidates} == {CandidateStatus.PENDING}
    assert log_size(app) == before + 1
    [entry] = history(app.uow(), done.document.id)
    body = parse_leaf(entry.leaf).body
    assert body["name"] == "intake.ingested"
    assert body["data"]["document"]["url"] == URL
    assert [c["id"] for c in body["data"]["candidates"]] == [c.id for c in done.candidates]
    queued = intake.queue(app.uow(), "idlib-m4")
    assert [c.id for c in queued] == [c.id for c in done.candidates]

    again = ingest(app, article())
    assert not again.new
    assert [c.id for c in again.candidates] == [c.id for c in done.candidates]
    assert log_size(app) == before + 1
    assert len(intake.queue(app.uow(), "idlib-m4")) == len(done.candidates)


def test_accepting_a_candidate_reports_an_incident_with_its_source_and_grade(
    app: App, people: Cast
) -> None:
    intake_review.grade_source(
        app.uow(),
        Actor.operator(),
        ServerSigned(app.log.signer),
        URL,
        "D4",
        NOW,
        name="Global Research",
    )
    done = ingest(app, article())
    drills = pick(done.candidates, "drills")
    reviewed = intake_review.accept(
        app.uow(),
        people.tr.actor,
        people.tr.signing,
        app.enricher(),
        drills.id,
        None,
        NOW,
        now=app.now,
    )
    assert reviewed.candidate.status is CandidateStatus.ACCEPTED
    assert reviewed.candidate.incident_id == drills.incident_draft_id
    view = incident_view(app.uow(), app.geography().agreement, reviewed.candidate.incident_id)
    [report] = view.reports
    assert report.id == drills.report_id
    assert report.channel is Channel.OPEN_SOURCE
    assert report.source_url == URL
    assert str(report.grade) == "D4"
    assert report.source_name == "Global Research"
    incident = view.record.incident
    assert incident.dates.start.isoformat() == "2020-09-01"
    assert incident.event_type == "Strategic developments"
    assert incident.location.geo_precision == 3
    [stored] = [c for c in intake.queue(app.uow(), "idlib-m4", status=None) if c.id == drills.id]
    assert stored.status is CandidateStatus.ACCEPTED
    with pytest.raises(ConflictError):
        intake_review.accept(
            app.uow(), people.tr.actor, people.tr.signing, app.enricher(), drills.id, None, NOW
        )


def test_a_candidate_merged_into_an_incident_becomes_its_report(app: App, people: Cast) -> None:
    done = ingest(app, article())
    drills = pick(done.candidates, "drills")
    first = intake_review.accept(
        app.uow(), people.ru.actor, people.ru.signing, app.enricher(), drills.id, None, NOW
    )
    other = ingest(
        app,
        extract_text(
            "On September 1, Russian and Turkish forces held joint drills on the M4 highway.",
            "https://news.example/drills",
            NOW,
        ),
    )
    [candidate] = other.candidates
    incident_id = first.candidate.incident_id
    assert incident_id in [d.incident_id for d in candidate.duplicates]
    merged = intake_review.accept(
        app.uow(),
        people.tr.actor,
        people.tr.signing,
        app.enricher(),
        candidate.id,
        None,
        NOW,
        into=incident_id,
    )
    assert merged.candidate.status is CandidateStatus.MERGED
    view = incident_view(app.uow(), app.geography().agreement, incident_id)
    assert [r.id for r in view.reports] == [drills.report_id, candidate.report_id]


def test_a_reviewer_edits_then_accepts_and_the_edit_is_logged(app: App, people: Cast) -> None:
    done = ingest(app, article())
    patrols = pick(done.candidates, "targets of attacks")
    changes = {
        "dates": {"start": "2020-08-20", "end": "2020-08-31", "precision": "part_of_month"},
        "place": {"name": "Ariha", "lat": 35.817, "lon": 36.6, "precision": "near"},
        "fatalities": 0,
    }
    edited = intake_review.edit(
        app.uow(),
        people.monitor.actor,
        people.monitor.signing,
        "idlib-m4",
        patrols.id,
        changes,
        NOW,
    )
    assert edited.candidate.edited
    assert edited.candidate.finding.place is not None
    assert edited.candidate.finding.place.name == "Ariha"
    [entry] = history(app.uow(), patrols.id)
    assert parse_leaf(entry.leaf).body["data"] == {"changes": changes}
    accepted = intake_review.accept(
        app.uow(),
        people.monitor.actor,
        people.monitor.signing,
        app.enricher(),
        patrols.id,
        None,
        NOW,
    )
    view = incident_view(app.uow(), app.geography().agreement, accepted.candidate.incident_id)
    assert view.record.incident.location.place == "Ariha"
    assert view.record.incident.dates.end.isoformat() == "2020-08-31"


def test_a_rejected_candidate_keeps_the_reason_and_leaves_the_queue(app: App, people: Cast) -> None:
    done = ingest(app, article())
    first = done.candidates[0]
    with pytest.raises(InputError) as error:
        intake_review.reject(
            app.uow(), people.tr.actor, people.tr.signing, "idlib-m4", first.id, "  ", NOW
        )
    assert error.value.field == "note"
    rejected = intake_review.reject(
        app.uow(), people.tr.actor, people.tr.signing, "idlib-m4", first.id, "analysis", NOW
    )
    assert rejected.candidate.status is CandidateStatus.REJECTED
    assert first.id not in [c.id for c in intake.queue(app.uow(), "idlib-m4")]
    [entry] = history(app.uow(), first.id)
    assert parse_leaf(entry.leaf).body["name"] == "intake.candidate_rejected"


def test_who_may_ingest_review_and_grade_is_checked(app: App, people: Cast) -> None:
    done = ingest(app, article())
    first = done.candidates[0]
    with pytest.raises(PermissionDenied):
        intake_review.reject(
            app.uow(), people.analyst.actor, people.analyst.signing, "idlib-m4", first.id, "no", NOW
        )
    with pytest.raises(PermissionDenied):
        intake_review.grade_source(app.uow(), people.tr.actor, people.tr.signing, URL, "A1", NOW)
    # An authorized officer reviews nothing, and a candidate needs report_incident to be accepted.
    with pytest.raises(PermissionDenied):
        intake_review.accept(
            app.uow(), people.tr_ao.actor, people.tr_ao.signing, app.enricher(), first.id, None, NOW
        )


def test_accepting_needs_a_date_within_the_agreement_and_writes_nothing_otherwise(
    app: App, people: Cast
) -> None:
    done = ingest(app, article())
    drills = pick(done.candidates, "drills")
    before = log_size(app)
    with pytest.raises(InputError) as error:
        intake_review.accept(
            app.uow(),
            people.tr.actor,
            people.tr.signing,
            app.enricher(),
            drills.id,
            {"dates": {"start": "2017-01-01", "end": "2017-01-01", "precision": "day"}},
            NOW,
        )
    assert error.value.field == "incident.dates.start"
    with pytest.raises(InputError) as error:
        intake_review.accept(
            app.uow(), people.tr.actor, people.tr.signing, app.enricher(), drills.id, {"x": 1}, NOW
        )
    assert error.value.field == "changes.x"
    assert log_size(app) == before
    assert intake.queue(app.uow(), "idlib-m4")[0].status is CandidateStatus.PENDING


def test_preparing_an_acceptance_writes_nothing(app: App, people: Cast) -> None:
    done = ingest(app, article())
    drills = pick(done.candidates, "drills")
    before = log_size(app)
    prepared = intake_review.accept(
        app.uow(), people.tr.actor, PrepareOnly(), app.enricher(), drills.id, None, NOW
    )
    assert prepared.event is not None
    assert prepared.event.name == "incident.reported"
    assert prepared.event.data["report"]["id"] == drills.report_id
    assert log_size(app) == before
    assert prepared.candidate.status is CandidateStatus.PENDING
