"""The fast path of the ACLED reader gives exactly what the careful reader gives."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.test_interchange_acled import BAD_VALUES, IMPORTED_AT, as_csv, generated_rows
from truceline.adapters.interchange import ImportedRow, ImportResult
from truceline.adapters.interchange.acled import ACLED_COLUMNS, read_acled
from truceline.adapters.interchange.acled_fast import QuickRows


def read(text: str) -> ImportResult:
    return read_acled(io.StringIO(text), entered_by="importer", received_at=IMPORTED_AT)


def careful_read(text: str) -> ImportResult:
    """The file read with every row going to the careful reader."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(QuickRows, "__call__", lambda self, line, values: None)
        return read(text)


def test_plain_rows_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    taken: list[int] = []
    original = QuickRows.__call__

    def spy(self: QuickRows, line: int, values: list[str]) -> ImportedRow | None:
        row = original(self, line, values)
        if row is not None:
            taken.append(line)
        return row

    monkeypatch.setattr(QuickRows, "__call__", spy)
    result = read(as_csv(generated_rows(200)))
    assert len(result.imported) == len(taken) == 200


def test_generated_rows_read_the_same_either_way() -> None:
    text = as_csv(generated_rows(300))
    assert read(text) == careful_read(text)


#: Values each reader must read alike: plain, odd but valid, and bad.
ODD_VALUES: list[dict[str, str]] = [
    *(change for change, _ in BAD_VALUES),
    {"event_id_cnty": " SYR7 "},
    {"event_id_cnty": "inc_native-1"},
    {"event_date": " 2020-03-07 "},
    {"event_date": "07 March 2020"},
    {"event_date": "20200307", "year": ""},
    {"year": "2020.0"},
    {"year": "\uff12\uff10\uff12\uff10"},  # fullwidth digits
    {"time_precision": "1.0"},
    {"time_precision": " 2 "},
    {"time_precision": "01"},
    {"inter1": "State forces", "interaction": ""},
    {"inter1": "state force", "interaction": ""},
    {"inter1": "1.0", "interaction": ""},
    {"inter1": "-1", "interaction": ""},
    {"inter2": "", "actor2": "", "assoc_actor_2": "", "interaction": ""},
    {"interaction": "State forces-Civilians"},
    {"interaction": "١٢"},
    {"interaction": "²"},
    {"latitude": " 35.8 "},
    {"latitude": "nan"},
    {"longitude": "inf"},
    {"longitude": "3_6.5"},
    {"geo_precision": "2.0"},
    {"iso": ""},
    {"iso": "760.0"},
    {"iso": "1000"},
    {"fatalities": "007"},
    {"fatalities": "3.0"},
    {"fatalities": ""},
    {"timestamp": ""},
    {"timestamp": "1600000000.0"},
    {"timestamp": "-5"},
    {"timestamp": "99999999999999999999"},
    {"civilian_targeting": " Civilian targeting "},
    {"tags": "truceline:monitoring=ceasefire_violation"},
    {
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "tags": "truceline:monitoring=ceasefire_violation; truceline:explosions=4; "
        "truceline:shots=x",
    },
    {
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "tags": "a; truceline:monitoring=ceasefire_violation; truceline:explosions=4",
    },
    {"tags": "truceline:monitoring=patrol_attack"},
    {"tags": "truceline:explosions=\u00b2"},  # a digit, but not a decimal one
    {"tags": "a; a"},
    {"assoc_actor_1": "X; X"},
    {"actor1": "A;B"},
    {"disorder_type": ""},
    {"source": ""},
    {"notes": "  kept as written  "},
    {"sub_event_type": " Armed clash ", "event_type": "Battles"},
]


@pytest.mark.parametrize("change", ODD_VALUES, ids=range(len(ODD_VALUES)))
def test_an_odd_value_reads_the_same_either_way(change: dict[str, str]) -> None:
    rows = generated_rows(3)
    rows[1] = {**rows[1], **change}
    text = as_csv(rows)
    assert read(text) == careful_read(text)


def test_a_file_without_optional_columns_reads_the_same_either_way() -> None:
    columns = tuple(c for c in ACLED_COLUMNS if c not in {"tags", "timestamp", "iso", "year"})
    text = as_csv(generated_rows(20), columns)
    assert read(text) == careful_read(text)


def test_a_repeated_column_reads_the_same_either_way() -> None:
    text = as_csv(generated_rows(5)).replace("event_id_cnty,", "event_id_cnty,source,", 1)
    lines = text.splitlines()
    text = "\n".join([lines[0], *(line.replace(",", ",X,", 1) for line in lines[1:])])
    assert read(text) == careful_read(text)


PIECES = st.sampled_from(
    ["", " ", "0", "1", "2", "3", "8", "9", "-1", "1.0", "x", "2020", "760", "State forces", ";"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    column=st.sampled_from(ACLED_COLUMNS),
    value=st.one_of(
        PIECES,
        st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=6),
        st.lists(PIECES, max_size=3).map("".join),
    ),
)
def test_any_value_in_any_column_reads_the_same_either_way(column: str, value: str) -> None:
    rows = generated_rows(2)
    rows[0] = {**rows[0], column: value}
    text = as_csv(rows)
    assert read(text) == careful_read(text)
