"""Field records and their steps on a real database, SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from truceline.bootstrap import App, bootstrap
from truceline.services.field_store import FieldFilter, FieldKind, FieldRecord, FieldStep
from truceline.settings import Settings

AT = datetime(2020, 9, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def app(database_url: str) -> Iterator[App]:
    app = bootstrap(Settings(database_url=database_url))
    yield app
    app.close()


def record(record_id: str, day: date, **changes: object) -> FieldRecord:
    base = FieldRecord(
        id=record_id,
        agreement_id="idlib-m4",
        kind=FieldKind.PATROL,
        day=day,
        state="planned",
        doc={"note": record_id, "nested": {"km": [0, 12.5]}},
        created_at=AT,
        updated_at=AT,
        zone="corridor-north",
        party="tr",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_record_comes_back_as_stored_and_an_update_keeps_its_creation_time(app: App) -> None:
    first = record("pat_1", date(2020, 9, 1), number=1)
    with app.uow() as uow:
        uow.field.insert(first)
        uow.commit()
    later = datetime(2020, 9, 3, tzinfo=UTC)
    changed = replace(first, state="completed", doc={"done": True}, updated_at=later)
    with app.uow() as uow:
        assert uow.field.get("pat_1") == first
        uow.field.update(replace(changed, created_at=later))
        uow.commit()
    with app.uow() as uow:
        assert uow.field.get("pat_1") == changed
        assert uow.field.get("pat_2") is None


def test_find_narrows_by_zone_party_state_and_days_in_day_order(app: App) -> None:
    with app.uow() as uow:
        uow.field.insert(record("pat_b", date(2020, 9, 2)))
        uow.field.insert(record("pat_a", date(2020, 9, 1), party="ru", zone="corridor-south"))
        uow.field.insert(record("pat_c", date(2020, 9, 3), state="completed"))
        uow.field.insert(record("obs_a", date(2020, 9, 2), kind=FieldKind.OBSERVATION))
        uow.commit()
    with app.uow() as uow:
        every = FieldFilter("idlib-m4", FieldKind.PATROL)
        assert [r.id for r in uow.field.find(every)] == ["pat_a", "pat_b", "pat_c"]
        newest = uow.field.find(every, newest_first=True, limit=2)
        assert [r.id for r in newest] == ["pat_c", "pat_b"]
        assert [r.id for r in uow.field.find(replace(every, party="ru"))] == ["pat_a"]
        assert [r.id for r in uow.field.find(replace(every, zone="corridor-south"))] == ["pat_a"]
        assert [r.id for r in uow.field.find(replace(every, state="completed"))] == ["pat_c"]
        window = replace(every, day_from=date(2020, 9, 2), day_to=date(2020, 9, 2))
        assert [r.id for r in uow.field.find(window)] == ["pat_b"]
        assert uow.field.find(FieldFilter("other", FieldKind.PATROL)) == []


def test_numbers_run_in_sequence_per_kind_and_never_repeat(app: App) -> None:
    with app.uow() as uow:
        assert uow.field.next_number("idlib-m4", FieldKind.PATROL) == 1
        uow.field.insert(record("pat_1", date(2020, 9, 1), number=1))
        assert uow.field.next_number("idlib-m4", FieldKind.PATROL) == 2
        assert uow.field.next_number("idlib-m4", FieldKind.MESSAGE) == 1
        uow.commit()
    with app.uow() as uow, pytest.raises(IntegrityError):
        uow.field.insert(record("pat_x", date(2020, 9, 1), number=1))


def test_steps_come_back_in_the_order_they_were_added(app: App) -> None:
    steps = [
        FieldStep("pat_1", "planned", AT, "u1", "tr", {"from_km": 0}, 7),
        FieldStep("pat_1", "acknowledged", AT, "u2", "ru", {}, 8),
        FieldStep("pat_2", "planned", AT, "u1", "tr"),
    ]
    with app.uow() as uow:
        for step in steps:
            uow.field.add_step(step)
        uow.commit()
    with app.uow() as uow:
        assert uow.field.steps("pat_1") == steps[:2]
        assert uow.field.steps("pat_2") == [steps[2]]
