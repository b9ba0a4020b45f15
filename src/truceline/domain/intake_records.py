"""Intake values as JSON-ready dicts and back, and a candidate as the report it becomes.

The dicts are the stored documents of candidates, the data of the ledger's
intake events, and what the API and `truceline ingest --format json` show.
Reading a dict runs every check, so a reviewer's bad edit is an
`InputError` naming its field (``finding.dates.start``...).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from truceline.domain.errors import InputError
from truceline.domain.intake import (
    Candidate,
    DatePrecision,
    DateSpan,
    Document,
    DuplicateSuggestion,
    Finding,
    PlaceFix,
    PlacePrecision,
)
from truceline.domain.reports import AdmiraltyGrade, Channel

JsonDict = dict[str, Any]
#: The fields of a finding a reviewer may change.
EDITABLE = (
    "dates",
    "place",
    "event_type",
    "sub_event_type",
    "actors",
    "fatalities",
    "injuries",
    "claimed_by",
)


def dates_to_dict(span: DateSpan | None) -> JsonDict | None:
    if span is None:
        return None
    return {
        "start": span.start.isoformat(),
        "end": span.end.isoformat(),
        "precision": str(span.precision),
        "text": span.text,
    }


def place_to_dict(place: PlaceFix | None) -> JsonDict | None:
    if place is None:
        return None
    return {
        "name": place.name,
        "lat": place.lat,
        "lon": place.lon,
        "precision": str(place.precision),
        "place_id": place.place_id,
        "text": place.text,
    }


def finding_to_dict(finding: Finding) -> JsonDict:
    """A finding as a dict: the sentence and every field read in it."""
    return {
        "sentence": finding.sentence,
        "index": finding.index,
        "dates": dates_to_dict(finding.dates),
        "place": place_to_dict(finding.place),
        "event_type": finding.event_type,
        "sub_event_type": finding.sub_event_type,
        "actors": list(finding.actors),
        "fatalities": finding.fatalities,
        "injuries": finding.injuries,
        "claimed_by": finding.claimed_by,
        "confidence": finding.confidence,
    }


def _mapping(value: object, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError(field, "must be an object")
    return value


def _day(value: object, field: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError(field, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _float(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(field, f"must be a number, not {value!r}")
    return float(value)


def _count(value: object, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(field, f"must be a whole number, not {value!r}")
    return value


def dates_from_dict(value: object, field: str = "dates") -> DateSpan | None:
    """A date span from its dict; None stays None."""
    if value is None:
        return None
    data = _mapping(value, field)
    start = _day(data.get("start"), f"{field}.start")
    end = _day(data.get("end", data.get("start")), f"{field}.end")
    if end < start:
        raise InputError(f"{field}.end", "the range ends before it starts")
    precision = str(data.get("precision") or DatePrecision.DAY)
    if precision not in DatePrecision.__members__.values():
        raise InputError(f"{field}.precision", f"{precision!r} is not a date precision")
    return DateSpan(start, end, DatePrecision(precision), str(data.get("text") or ""))


def place_from_dict(value: object, field: str = "place") -> PlaceFix | None:
    """A resolved place from its dict; None stays None."""
    if value is None:
        return None
    data = _mapping(value, field)
    precision = str(data.get("precision") or PlacePrecision.TOWN)
    if precision not in PlacePrecision.__members__.values():
        raise InputError(f"{field}.precision", f"{precision!r} is not a place precision")
    try:
        return PlaceFix(
            name=str(data.get("name") or ""),
            lat=_float(data.get("lat"), f"{field}.lat"),
            lon=_float(data.get("lon"), f"{field}.lon"),
            precision=PlacePrecision(precision),
            place_id=str(data.get("place_id") or ""),
            text=str(data.get("text") or ""),
        )
    except InputError as error:
        raise InputError(f"{field}.{error.field.split('.')[-1]}", error.reason) from None


def finding_from_dict(value: object, field: str = "finding") -> Finding:
    """A finding from its dict; InputError names the bad field."""
    data = _mapping(value, field)
    actors = data.get("actors") or []
    if not isinstance(actors, list | tuple) or not all(isinstance(a, str) for a in actors):
        raise InputError(f"{field}.actors", "must be a list of names")
    try:
        return Finding(
            sentence=str(data.get("sentence") or ""),
            event_type=str(data.get("event_type") or ""),
            sub_event_type=str(data.get("sub_event_type") or ""),
            dates=dates_from_dict(data.get("dates"), f"{field}.dates"),
            place=place_from_dict(data.get("place"), f"{field}.place"),
            actors=tuple(a.strip() for a in actors if a.strip()),
            fatalities=_count(data.get("fatalities"), f"{field}.fatalities"),
            injuries=_count(data.get("injuries"), f"{field}.injuries"),
            claimed_by=str(data.get("claimed_by") or ""),
            confidence=_float(data.get("confidence", 0.5), f"{field}.confidence"),
            index=int(data.get("index") or 0),
        )
    except InputError as error:
        if error.field.startswith(field):
            raise
        raise InputError(f"{field}.{error.field}", error.reason) from None


def edited(finding: Finding, changes: Mapping[str, Any]) -> Finding:
    """The finding with a reviewer's changes; only `EDITABLE` fields may change."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InputError(
            f"changes.{unknown[0]}", f"is not an editable field ({', '.join(EDITABLE)})"
        )
    data = finding_to_dict(finding) | dict(changes)
    return finding_from_dict(data, "changes")


def duplicate_to_dict(suggestion: DuplicateSuggestion) -> JsonDict:
    return {
        "incident_id": suggestion.incident_id,
        "score": round(suggestion.score, 3),
        "reasons": list(suggestion.reasons),
    }


def candidate_to_dict(candidate: Candidate) -> JsonDict:
    """A candidate as a dict (its finding inline)."""
    return {
        "id": candidate.id,
        "agreement_id": candidate.agreement_id,
        "document_id": candidate.document_id,
        "status": str(candidate.status),
        "finding": finding_to_dict(candidate.finding),
        "duplicates": [duplicate_to_dict(d) for d in candidate.duplicates],
        "created_at": _time(candidate.created_at),
        "reviewed_by": candidate.reviewed_by,
        "reviewed_at": _time(candidate.reviewed_at),
        "incident_id": candidate.incident_id,
        "note": candidate.note,
        "edited": candidate.edited,
    }


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _parse_time(value: object) -> datetime | None:
    return None if not value else datetime.fromisoformat(str(value))


def candidate_from_dict(data: Mapping[str, Any]) -> Candidate:
    """A stored candidate from its dict."""
    return Candidate(
        id=str(data["id"]),
        agreement_id=str(data["agreement_id"]),
        document_id=str(data["document_id"]),
        finding=finding_from_dict(data["finding"]),
        status=data.get("status", "pending"),
        duplicates=tuple(
            DuplicateSuggestion(str(d["incident_id"]), float(d["score"]), tuple(d["reasons"]))
            for d in data.get("duplicates") or ()
        ),
        created_at=_parse_time(data.get("created_at")),
        reviewed_by=str(data.get("reviewed_by") or ""),
        reviewed_at=_parse_time(data.get("reviewed_at")),
        incident_id=str(data.get("incident_id") or ""),
        note=str(data.get("note") or ""),
        edited=bool(data.get("edited")),
    )


def document_to_dict(document: Document, *, with_text: bool = False) -> JsonDict:
    """A document's facts (and its text when asked)."""
    out: JsonDict = {
        "id": document.id,
        "digest": document.digest,
        "url": document.url,
        "site": document.site,
        "title": document.title,
        "kind": document.kind,
        "fetched_at": document.fetched_at.isoformat(),
        "published": None if document.published is None else document.published.isoformat(),
        "original_published": (
            None if document.original_published is None else document.original_published.isoformat()
        ),
        "original_site": document.original_site,
    }
    if with_text:
        out["text"] = document.text
    return out


# --- a candidate as a report ------------------------------------------------------------


def incident_draft(finding: Finding, inter_of: Callable[[str], int]) -> JsonDict:
    """The incident part of the report a finding becomes; InputError when it lacks a date or
    a place (the reviewer gives them first)."""
    if finding.dates is None:
        raise InputError("finding.dates", "give the date before accepting")
    if finding.place is None:
        raise InputError("finding.place", "give the place before accepting")
    actors = list(finding.actors[:2])
    who: JsonDict = {}
    for n, name in enumerate(actors, start=1):
        who[f"actor{n}"] = name
        who[f"inter{n}"] = inter_of(name)
    notes = finding.sentence if len(finding.sentence) <= 2000 else finding.sentence[:1997] + "..."
    draft: JsonDict = {
        "dates": {"start": finding.dates.start.isoformat(), "end": finding.dates.end.isoformat()},
        "location": {
            "lon": finding.place.lon,
            "lat": finding.place.lat,
            "place": finding.place.name,
            "geo_precision": finding.place.precision.geo_precision,
        },
        "event_type": finding.event_type,
        "sub_event_type": finding.sub_event_type,
        "actors": who,
        "notes": notes,
    }
    if finding.fatalities is not None:
        n = finding.fatalities
        draft["fatalities"] = {"low": n, "best": n, "high": n}
    if finding.injuries is not None:
        draft["injuries"] = finding.injuries
    return draft


def report_part(
    candidate: Candidate, document: Document, grade: AdmiraltyGrade, outlet: str
) -> JsonDict:
    """The report part: the open-source channel, the outlet, its URL and grade, the sentence."""
    text = candidate.finding.sentence
    if candidate.finding.claimed_by:
        text = f"{text}\n\n(claimed by {candidate.finding.claimed_by})"
    return {
        "id": candidate.report_id,
        "channel": str(Channel.OPEN_SOURCE),
        "reporting_party": None,
        "source_name": outlet or document.site,
        "source_url": document.url or None,
        "received_at": document.fetched_at.isoformat(),
        "original_text": text,
        "language": "en",
        "grade": str(grade),
    }
