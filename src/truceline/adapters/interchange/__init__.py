"""Interchange with event datasets: ACLED CSV (`acled.py`) and UCDP GED CSV (`ucdp.py`).

Reading works row by row, in stages: split the CSV into records with the
line each starts on; parse every column (collecting every problem, each with
its line and column); build the domain values, whose own checks name a field
that is mapped back to its column. A row becomes either an `ImportedRow`
(an incident draft and its reports, channel ``bulk_import``, no enrichment
yet) or a `RejectedRow` (every problem found, and the raw values for a
rejects file). The iterators stream, so a large file is never held whole.
Plain ACLED rows take a fast path (`acled_fast.py`) that builds the same
values without collecting problems.

Writing turns incidents (and the reports they name) into rows of the
dataset's columns, in the dataset's order. docs/incidents.md maps every
column and lists what each format cannot hold.

This module holds what both formats share.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, TextIO, TypeVar

from truceline.domain.errors import InputError
from truceline.domain.incidents import Incident
from truceline.domain.reports import Report

__all__ = [
    "ExportResult",
    "ImportResult",
    "ImportedRow",
    "RejectedRow",
    "RowProblem",
    "collect",
]

if TYPE_CHECKING:
    from _csv import Reader as CsvReader

_INTEGER = re.compile(r"-?\d+(\.0+)?")
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One thing wrong with one row: the line it starts on, the column, the reason."""

    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ImportedRow:
    """A row that became an incident draft and its reports, with any warnings."""

    line: int
    incident: Incident
    reports: tuple[Report, ...]
    warnings: tuple[RowProblem, ...] = ()


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row that could not be imported: every problem found, and its raw values."""

    line: int
    problems: tuple[RowProblem, ...]
    values: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ImportResult:
    """Every row of a file, imported or rejected, in file order."""

    imported: tuple[ImportedRow, ...]
    rejected: tuple[RejectedRow, ...]

    @property
    def problems(self) -> tuple[RowProblem, ...]:
        """Every problem of every rejected row."""
        return tuple(problem for row in self.rejected for problem in row.problems)

    @property
    def warnings(self) -> tuple[RowProblem, ...]:
        """Every warning of every imported row."""
        return tuple(warning for row in self.imported for warning in row.warnings)


@dataclass(frozen=True, slots=True)
class ExportResult:
    """How many rows were written, and the incidents left out with the reason."""

    written: int
    skipped: tuple[tuple[str, str], ...] = ()


def collect(rows: Iterable[ImportedRow | RejectedRow]) -> ImportResult:
    """Gather a row iterator's results."""
    imported: list[ImportedRow] = []
    rejected: list[RejectedRow] = []
    for row in rows:
        if isinstance(row, ImportedRow):
            imported.append(row)
        else:
            rejected.append(row)
    return ImportResult(tuple(imported), tuple(rejected))


def header_of(reader: CsvReader, required: Iterable[str]) -> list[str] | RejectedRow:
    """The header's column names (trimmed, without a byte order mark), or line 1 rejected.

    Line 1 is rejected when the file is empty or lacks a required column.
    """
    header = next(reader, None)
    if header is None:
        return RejectedRow(1, (RowProblem(1, "header", "the file is empty"),))
    header = [name.lstrip("\ufeff").strip() for name in header]
    missing = [name for name in required if name not in header]
    if missing:
        problems = tuple(RowProblem(1, name, "the column is missing") for name in missing)
        return RejectedRow(1, problems)
    return header


def value_lists(reader: CsvReader, width: int) -> Iterator[tuple[int, list[str]] | RejectedRow]:
    """(line, values) for each record after the header; a record of another width is rejected.

    The line is the one the record starts on (a quoted value may span lines).
    Blank lines are skipped.
    """
    end = reader.line_num
    for values in reader:
        start, end = end + 1, reader.line_num
        if not values:
            continue
        if len(values) != width:
            reason = f"{len(values)} values for {width} columns"
            yield RejectedRow(start, (RowProblem(start, "row", reason),), {})
            continue
        yield start, values


def records(
    stream: TextIO, required: Iterable[str]
) -> Iterator[tuple[int, dict[str, str]] | RejectedRow]:
    """(line, values by column) for each record; a RejectedRow for line 1 if columns lack.

    The line is the one the record starts on (a quoted value may span lines);
    the header is line 1. Blank lines are skipped.
    """
    reader = csv.reader(stream)
    header = header_of(reader, required)
    if isinstance(header, RejectedRow):
        yield header
        return
    for item in value_lists(reader, len(header)):
        if isinstance(item, RejectedRow):
            yield item
        else:
            yield item[0], dict(zip(header, item[1], strict=True))


def parsed_rows(
    stream: TextIO,
    required: Iterable[str],
    parse: Callable[[int, dict[str, str]], ImportedRow | RejectedRow],
) -> Iterator[ImportedRow | RejectedRow]:
    """Each record of the CSV parsed by `parse(line, values)`; unreadable records rejected."""
    for item in records(stream, required):
        yield item if isinstance(item, RejectedRow) else parse(*item)


class RowReader:
    """Reads one row's columns, collecting a problem for each bad value."""

    def __init__(self, line: int, values: Mapping[str, str], columns: Mapping[str, str]) -> None:
        self.line = line
        self.values = values
        self.columns = columns
        self.problems: list[RowProblem] = []

    def problem(self, column: str, reason: str) -> None:
        """Record a problem with a column."""
        self.problems.append(RowProblem(self.line, column, reason))

    def domain_error(self, error: InputError) -> None:
        """Record a domain check that failed, under the column its field comes from."""
        self.problem(self.columns.get(error.field, error.field), error.reason)

    def build(self, make: Callable[[], _T]) -> _T | None:
        """The value `make` builds, or None with its problem recorded."""
        try:
            return make()
        except InputError as error:
            self.domain_error(error)
            return None

    def text(self, column: str) -> str:
        """The column's value, trimmed; empty when the file lacks the column."""
        return self.values.get(column, "").strip()

    def integer(self, column: str) -> int:
        """A required whole number (0, with a problem recorded, when it is bad)."""
        value = self.optional_integer(column)
        if value is None and self.text(column) == "":
            self.problem(column, "a value is required")
        return value or 0

    def raw(self, column: str) -> str:
        """The column's value exactly as written (for free text)."""
        return self.values.get(column, "")

    def code(self, column: str, scale: Mapping[int, str]) -> int:
        """A required code of a scale (0, with a problem recorded, when it is not one)."""
        value = self.integer(column)
        if self.text(column) and value not in scale:
            self.problem(column, f"{self.text(column)!r} is not one of {sorted(scale)}")
            return 0
        return value

    def optional_integer(self, column: str) -> int | None:
        """A whole number, or None when empty (or bad, with a problem recorded)."""
        value = self.text(column)
        if not value:
            return None
        if not _INTEGER.fullmatch(value):
            self.problem(column, f"{value!r} is not a whole number")
            return None
        return int(float(value)) if "." in value else int(value)

    def number(self, column: str) -> float:
        """A required finite decimal number (0.0, with a problem recorded, when it is bad)."""
        value = self.text(column)
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            self.problem(column, f"{value!r} is not a number")
            return 0.0
        return number

    def day(self, column: str, formats: tuple[str, ...] = ()) -> date:
        """A required date as YYYY-MM-DD or in one of the strptime `formats`.

        A bad one is recorded as a problem, and ``date.min`` is returned.
        """
        value = self.text(column)
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
        for pattern in formats:
            try:
                return datetime.strptime(value, pattern).date()  # noqa: DTZ007 (a date, no time)
            except ValueError:
                continue
        self.problem(column, f"{value!r} is not a date (YYYY-MM-DD)")
        return date.min

    def rejected(self) -> RejectedRow:
        """This row as rejected, with every problem found."""
        return RejectedRow(self.line, tuple(self.problems), dict(self.values))


def number_text(value: float) -> str:
    """A coordinate as the shortest text that reads back as the same float."""
    return repr(float(value))
