"""Hotline messages on plain values: acknowledgement, response times, overdue and escalation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from truceline.domain.errors import ConflictError, InputError
from truceline.domain.hotline import (
    Message,
    acknowledge,
    due_for_escalation,
    escalate,
    party_stats,
    percentile,
)
from truceline.domain.hotline_records import (
    message_from_dict,
    message_to_dict,
    sending_from_dict,
)

T0 = datetime(2020, 3, 20, 6, 0, tzinfo=UTC)
LIMIT = timedelta(minutes=30)


def minutes(value: float) -> datetime:
    return T0 + timedelta(minutes=value)


def message(number: int = 1, urgent: bool = False, sent: float = 0, **more: object) -> Message:
    values: dict[str, object] = {
        "id": f"msg_{number}",
        "number": number,
        "from_user": "usr_tr",
        "from_party": "tr",
        "to_party": "ru",
        "sent_at": minutes(sent),
        "subject": "Shelling near Ariha",
        "urgent": urgent,
    }
    return Message(**(values | more))  # type: ignore[arg-type]


def test_the_response_time_is_from_sending_to_acknowledgement() -> None:
    sent = message(sent=0)
    assert sent.response_time() is None
    assert sent.state == "sent"
    done = acknowledge(sent, "usr_ru", minutes(12.5), "seen")
    assert done.response_time() == timedelta(minutes=12.5)
    assert (done.acknowledged_by, done.acknowledge_note, done.state) == (
        "usr_ru",
        "seen",
        "acknowledged",
    )


def test_a_message_is_acknowledged_once_and_not_before_it_was_sent() -> None:
    done = acknowledge(message(), "usr_ru", minutes(1))
    with pytest.raises(ConflictError, match="already acknowledged"):
        acknowledge(done, "usr_ru2", minutes(2))
    with pytest.raises(InputError):
        acknowledge(message(sent=10), "usr_ru", minutes(5))


def test_a_message_goes_to_the_other_side_with_a_subject() -> None:
    with pytest.raises(InputError) as own:
        message(to_party="tr")
    assert own.value.field == "to_party"
    with pytest.raises(InputError) as empty:
        message(subject="  ")
    assert empty.value.field == "subject"


def test_only_an_urgent_unacknowledged_message_past_the_limit_is_overdue() -> None:
    urgent = message(urgent=True)
    assert urgent.due_at(LIMIT) == minutes(30)
    assert not urgent.overdue(minutes(30), LIMIT)
    assert urgent.overdue(minutes(30.01), LIMIT)
    assert not message(urgent=False).overdue(minutes(600), LIMIT)
    assert message(urgent=False).due_at(LIMIT) is None
    assert not acknowledge(urgent, "usr_ru", minutes(29)).overdue(minutes(600), LIMIT)
    late = acknowledge(urgent, "usr_ru", minutes(45))
    assert not late.overdue(minutes(600), LIMIT)


def test_escalation_takes_the_overdue_not_yet_escalated_messages_oldest_first() -> None:
    messages = [
        message(3, urgent=True, sent=10),
        message(1, urgent=True, sent=0),
        message(2, urgent=False, sent=0),
        acknowledge(message(4, urgent=True, sent=0), "usr_ru", minutes(5)),
        escalate(message(5, urgent=True, sent=0), minutes(31), LIMIT, "usr_ao"),
        message(6, urgent=True, sent=30),
    ]
    due = due_for_escalation(messages, minutes(45), LIMIT)
    assert [m.number for m in due] == [1, 3]


def test_escalating_records_when_and_to_whom_and_only_once() -> None:
    urgent = message(urgent=True)
    with pytest.raises(InputError, match="not overdue"):
        escalate(urgent, minutes(20), LIMIT, "usr_ao")
    done = escalate(urgent, minutes(31), LIMIT, "usr_ao")
    assert (done.escalated_at, done.escalated_to, done.state) == (
        minutes(31),
        "usr_ao",
        "escalated",
    )
    with pytest.raises(ConflictError, match="already escalated"):
        escalate(done, minutes(40), LIMIT, "usr_ao")
    answered = acknowledge(done, "usr_ru", minutes(50))
    assert answered.state == "acknowledged"
    assert answered.escalated


def test_nearest_rank_percentiles() -> None:
    assert percentile([], 0.9) is None
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([float(v) for v in range(1, 11)], 0.9) == 9.0
    assert percentile([float(v) for v in range(1, 11)], 0.5) == 5.0
    assert percentile([3.0, 1.0, 2.0], 1.0) == 3.0


def test_statistics_count_each_partys_answers_to_what_it_received() -> None:
    messages = [
        acknowledge(message(1, sent=0), "usr_ru", minutes(10)),
        acknowledge(message(2, sent=0), "usr_ru", minutes(20)),
        acknowledge(message(3, sent=0), "usr_ru", minutes(60)),
        message(4, urgent=True, sent=0),
        message(5, urgent=True, sent=50),
        escalate(message(6, urgent=True, sent=0), minutes(40), LIMIT, None),
        acknowledge(
            message(7, sent=0, from_user="usr_ru", from_party="ru", to_party="tr"),
            "usr_tr",
            minutes(4),
        ),
    ]
    tr, ru = party_stats(messages, ["tr", "ru"], minutes(60), LIMIT)
    assert (ru.party, ru.received, ru.acknowledged, ru.sent) == ("ru", 6, 3, 1)
    assert ru.median_response_min == 20.0
    assert ru.p90_response_min == 60.0
    assert (ru.unacknowledged_urgent, ru.overdue) == (3, 2)
    assert (tr.sent, tr.received, tr.escalated) == (6, 1, 1)
    assert tr.median_response_min == tr.p90_response_min == 4.0
    assert tr.unacknowledged_urgent == 0


def test_a_message_round_trips_through_its_stored_form() -> None:
    full = escalate(
        message(urgent=True, zone="corridor-north", incident_id="inc_1"),
        minutes(31),
        LIMIT,
        "usr_ao",
    )
    full = acknowledge(full, "usr_ru", minutes(33), "on it")
    assert message_from_dict(message_to_dict(full)) == full
    assert message_from_dict(message_to_dict(message())) == message()


def test_a_sending_names_its_bad_field() -> None:
    cases = [
        ({"body": "x"}, "subject"),
        ({"subject": "x", "urgent": "yes"}, "urgent"),
        ({"subject": "x", "incident_id": "12"}, "incident_id"),
        ({"subject": "x", "id": "duty_1"}, "id"),
        ({"subject": "x", "priority": 1}, "priority"),
        ({"subject": "x" * 201}, "subject"),
    ]
    for data, field in cases:
        with pytest.raises(InputError) as refused:
            sending_from_dict(data)
        assert refused.value.field == field, data
    sent = sending_from_dict({"subject": " Fire at km 12 ", "urgent": True})
    assert (sent.subject, sent.urgent, sent.to_party) == ("Fire at km 12", True, None)
