"""Attaching, merging and splitting return new values and a history entry; nothing is lost."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from truceline.domain.errors import InputError
from truceline.domain.incidents import (
    DateRange,
    HistoryAction,
    Incident,
    Location,
    attach_report,
    merge_incidents,
    split_incident,
)
from truceline.domain.reports import AdmiraltyGrade, Channel, Report

T0 = datetime(2020, 3, 16, 8, 0, tzinfo=UTC)


def incident(id: str, reports: tuple[str, ...] = (), **changes: Any) -> Incident:
    values: dict[str, Any] = {
        "id": id,
        "dates": DateRange.day(date(2020, 3, 15)),
        "location": Location(36.60964, 35.81374, place="Ariha"),
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "report_ids": reports,
    }
    values.update(changes)
    return Incident(**values)


def report(id: str, incident_id: str | None = None) -> Report:
    return Report(
        id,
        Channel.JOINT_PATROL,
        "patrol 12",
        T0,
        "Small-arms fire from the south at km 23",
        "en",
        AdmiraltyGrade.parse("A2"),
        "officer-tr-1",
        incident_id=incident_id,
    )


def test_attaching_a_report_adds_it_points_it_at_the_incident_and_records_the_change() -> None:
    before = incident("inc_a", ("rep_1",))
    after, attached, entry = attach_report(before, report("rep_2"), at=T0, by="officer-ru-1")
    assert after.report_ids == ("rep_1", "rep_2")
    assert attached.incident_id == "inc_a"
    assert entry.action is HistoryAction.REPORT_ATTACHED
    assert (entry.incident_id, entry.report_ids, entry.by) == ("inc_a", ("rep_2",), "officer-ru-1")
    assert after.history == (entry,)
    assert before.report_ids == ("rep_1",), "the old value is unchanged"


def test_a_report_already_on_an_incident_is_not_attached_again() -> None:
    with pytest.raises(InputError, match="already attached to inc_b"):
        attach_report(incident("inc_a"), report("rep_2", "inc_b"), at=T0, by="u")


def test_a_merged_incident_takes_no_more_reports() -> None:
    merged = incident("inc_a", merged_into="inc_b")
    with pytest.raises(InputError, match="merged into inc_b"):
        attach_report(merged, report("rep_3"), at=T0, by="u")


def test_merging_keeps_both_report_lists_and_both_histories_and_marks_the_other() -> None:
    a, _, first = attach_report(incident("inc_a"), report("rep_1"), at=T0, by="u1")
    b, _, second = attach_report(
        incident("inc_b", tags=("m4",)), report("rep_2"), at=T0 - timedelta(hours=1), by="u2"
    )
    kept, absorbed, entry = merge_incidents(
        a, b, at=T0 + timedelta(hours=1), by="analyst", note="same clash"
    )
    assert kept.report_ids == ("rep_1", "rep_2")
    assert kept.history == (second, first, entry), "both histories, in time order"
    assert kept.tags == ("m4",)
    assert absorbed.merged_into == "inc_a"
    assert absorbed.report_ids == ("rep_2",), "the absorbed incident is kept whole"
    assert absorbed.history == (second, entry)
    assert entry.action is HistoryAction.MERGED
    assert (entry.incident_id, entry.other_incident_id) == ("inc_a", "inc_b")
    assert entry.report_ids == ("rep_2",)
    assert entry.note == "same clash"


def test_merging_drops_the_pair_from_possible_duplicates_and_joins_external_ids() -> None:
    a = incident("inc_a", possible_duplicates=("inc_b", "inc_c"), external_ids=(("acled", "S1"),))
    b = incident("inc_b", possible_duplicates=("inc_a", "inc_d"), external_ids=(("ucdp", "9"),))
    kept, _, _ = merge_incidents(a, b, at=T0, by="u")
    assert kept.possible_duplicates == ("inc_c", "inc_d")
    assert kept.external_ids == (("acled", "S1"), ("ucdp", "9"))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (incident("inc_a"), incident("inc_a")),
        (incident("inc_a", merged_into="inc_z"), incident("inc_b")),
        (incident("inc_a"), incident("inc_b", merged_into="inc_z")),
    ],
)
def test_an_incident_is_not_merged_into_itself_or_merged_twice(
    first: Incident, second: Incident
) -> None:
    with pytest.raises(InputError):
        merge_incidents(first, second, at=T0, by="u")


def test_splitting_moves_the_chosen_reports_to_a_new_copy() -> None:
    whole = incident("inc_a", ("rep_1", "rep_2", "rep_3"), external_ids=(("acled", "S1"),))
    left, new, entry = split_incident(
        whole, ("rep_3", "rep_1"), new_id="inc_n", at=T0, by="analyst", note="two events"
    )
    assert left.report_ids == ("rep_2",)
    assert new.report_ids == ("rep_1", "rep_3")
    assert (new.id, new.dates, new.location, new.sub_event_type) == (
        "inc_n",
        whole.dates,
        whole.location,
        whole.sub_event_type,
    )
    assert new.external_ids == ()
    assert left.external_ids == (("acled", "S1"),)
    assert entry.action is HistoryAction.SPLIT
    assert (entry.incident_id, entry.other_incident_id, entry.report_ids) == (
        "inc_a",
        "inc_n",
        ("rep_1", "rep_3"),
    )
    assert left.history[-1] == entry
    assert new.history == (entry,)


@pytest.mark.parametrize(
    ("chosen", "new_id", "field"),
    [
        ((), "inc_n", "report_ids"),
        (("rep_9",), "inc_n", "report_ids"),
        (("rep_1", "rep_2"), "inc_n", "report_ids"),
        (("rep_1",), "inc_a", "new_id"),
    ],
)
def test_a_split_must_move_some_but_not_all_of_its_own_reports(
    chosen: tuple[str, ...], new_id: str, field: str
) -> None:
    with pytest.raises(InputError) as error:
        split_incident(incident("inc_a", ("rep_1", "rep_2")), chosen, new_id=new_id, at=T0, by="u")
    assert error.value.field == field


def test_a_history_entry_needs_an_aware_time_and_an_author() -> None:
    with pytest.raises(InputError):
        attach_report(incident("inc_a"), report("rep_1"), at=datetime(2020, 3, 1), by="u")  # noqa: DTZ001
    with pytest.raises(InputError):
        attach_report(incident("inc_a"), report("rep_1"), at=T0, by=" ")
