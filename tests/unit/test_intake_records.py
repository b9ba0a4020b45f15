"""Intake values: ids, outlet keys, the dict codecs, corrections, and the report of a candidate."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from truceline.domain.errors import InputError
from truceline.domain.event_types import SUB_EVENT_TYPES
from truceline.domain.intake import (
    Candidate,
    DatePrecision,
    DateSpan,
    Document,
    Finding,
    PlaceFix,
    PlacePrecision,
    candidate_id,
    document_id,
    site_key,
    text_digest,
)
from truceline.domain.intake_records import (
    candidate_from_dict,
    candidate_to_dict,
    edited,
    finding_from_dict,
    finding_to_dict,
    incident_draft,
    report_part,
)
from truceline.domain.reports import AdmiraltyGrade

DEVSET = Path(__file__).resolve().parents[1] / "data" / "intake" / "devset.json"
FINDING = Finding(
    sentence="On September 1, Russia and Turkey started drills on the M4.",
    event_type="Strategic developments",
    sub_event_type="Other",
    dates=DateSpan(date(2020, 9, 1), date(2020, 9, 1), DatePrecision.DAY, "September 1"),
    place=PlaceFix("M4 highway", 35.8, 36.5, PlacePrecision.REGION, "m4", "M4"),
    actors=("Russian Federation", "Republic of Turkey"),
    fatalities=None,
    injuries=2,
    claimed_by="the Russian Defence Ministry",
    confidence=0.8,
    index=11,
)


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("https://www.globalresearch.ca/video/5723532", "globalresearch.ca"),
        ("http://News.Example.org:8080/x", "news.example.org"),
        ("South Front", "south-front"),
    ],
)
def test_an_outlet_is_keyed_by_its_host_or_name(value: str, key: str) -> None:
    assert site_key(value) == key


def test_ids_are_stable_for_the_same_text_and_sentence() -> None:
    digest = text_digest("Shells hit Afes.")
    assert document_id(digest) == "doc_" + digest[:16]
    first = candidate_id("idlib-m4", "doc_0123456789abcdef", 3)
    assert first == candidate_id("idlib-m4", "doc_0123456789abcdef", 3)
    assert first != candidate_id("idlib-m4", "doc_0123456789abcdef", 4)
    assert first.startswith("cand_")


def test_a_finding_and_a_candidate_survive_the_round_trip() -> None:
    assert finding_from_dict(json.loads(json.dumps(finding_to_dict(FINDING)))) == FINDING
    candidate = Candidate(
        candidate_id("idlib-m4", "doc_0123456789abcdef", 11),
        "idlib-m4",
        "doc_0123456789abcdef",
        FINDING,
        created_at=datetime(2020, 9, 7, tzinfo=UTC),
    )
    assert candidate_from_dict(json.loads(json.dumps(candidate_to_dict(candidate)))) == candidate
    assert candidate.report_id == "rep_" + candidate.id[5:]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sentence": "something else"}, "changes.sentence"),
        ({"dates": {"start": "2020-09-05", "end": "2020-09-01"}}, "changes.dates.end"),
        ({"dates": {"start": "yesterday"}}, "changes.dates.start"),
        ({"place": {"name": "X", "lat": 95, "lon": 36}}, "changes.place.lat"),
        ({"sub_event_type": "Armed clash"}, "sub_event_type"),
        ({"fatalities": -1}, "fatalities"),
        ({"actors": "Russia"}, "changes.actors"),
    ],
)
def test_a_bad_correction_is_refused_naming_the_field(
    changes: dict[str, object], field: str
) -> None:
    with pytest.raises(InputError) as error:
        edited(FINDING, changes)
    assert error.value.field.endswith(field)


def test_a_correction_changes_only_what_it_names() -> None:
    changed = edited(FINDING, {"event_type": "Battles", "sub_event_type": "Armed clash"})
    assert (changed.event_type, changed.sub_event_type) == ("Battles", "Armed clash")
    assert changed.dates == FINDING.dates
    assert changed.sentence == FINDING.sentence


def test_a_candidate_becomes_an_open_source_report_with_its_grade() -> None:
    document = Document(
        id=document_id(text_digest("x y z")),
        digest=text_digest("x y z"),
        url="https://www.globalresearch.ca/a",
        site="globalresearch.ca",
        title="A",
        text="x y z",
        fetched_at=datetime(2020, 9, 7, tzinfo=UTC),
    )
    candidate = Candidate(
        candidate_id("idlib-m4", document.id, 11), "idlib-m4", document.id, FINDING
    )
    report = report_part(candidate, document, AdmiraltyGrade("D", 4), "Global Research")
    assert report["channel"] == "open_source"
    assert (report["source_url"], report["grade"], report["source_name"]) == (
        "https://www.globalresearch.ca/a",
        "D4",
        "Global Research",
    )
    assert "claimed by the Russian Defence Ministry" in report["original_text"]
    draft = incident_draft(FINDING, lambda name: 8)
    assert draft["location"]["geo_precision"] == 3
    assert draft["actors"] == {
        "actor1": "Russian Federation",
        "inter1": 8,
        "actor2": "Republic of Turkey",
        "inter2": 8,
    }
    assert draft["injuries"] == 2
    assert "fatalities" not in draft


@pytest.mark.parametrize("missing", ["dates", "place"])
def test_a_candidate_without_date_or_place_cannot_become_a_report(missing: str) -> None:
    data = finding_to_dict(FINDING) | {missing: None}
    with pytest.raises(InputError) as error:
        incident_draft(finding_from_dict(data), lambda name: 8)
    assert error.value.field == f"finding.{missing}"


def test_the_development_set_is_well_formed() -> None:
    data = json.loads(DEVSET.read_text(encoding="utf-8"))
    items = data["items"]
    assert len({i["id"] for i in items}) == len(items)
    article = (DEVSET.parent / items[0]["file"]).read_text(encoding="utf-8")
    for item in items:
        text = item.get("text") or article
        assert item["source"], item["id"]
        for label in item["incidents"]:
            assert SUB_EVENT_TYPES[label["sub_event_type"]] == label["event_type"], item["id"]
            if label.get("contains"):
                assert label["contains"] in text, item["id"]
            if label["start"]:
                assert date.fromisoformat(label["start"]) <= date.fromisoformat(label["end"])
            assert (label["lat"] is None) == (label["lon"] is None)
    groups = [i["duplicate_group"] for i in items if i["duplicate_group"]]
    assert all(groups.count(g) >= 2 for g in groups)
