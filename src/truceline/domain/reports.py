"""Reports: one account of something, from one channel, with its source's grade."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from truceline.domain.checks import INCIDENT_ID, REPORT_ID, check, check_id, member

_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def new_report_id() -> str:
    """A fresh random report id."""
    return "rep_" + secrets.token_hex(8)


class Channel(StrEnum):
    """How a report reached the mechanism."""

    PARTY_ALLEGATION = "party_allegation"
    JOINT_PATROL = "joint_patrol"
    MONITOR = "monitor"
    OPEN_SOURCE = "open_source"
    BULK_IMPORT = "bulk_import"


#: Admiralty (NATO) scales: how reliable the source, how credible the information.
RELIABILITY = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
CREDIBILITY = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}


@dataclass(frozen=True, slots=True)
class AdmiraltyGrade:
    """A source grade such as B2: source reliability A-F, information credibility 1-6."""

    reliability: str
    credibility: int

    def __post_init__(self) -> None:
        check(self.reliability in RELIABILITY, "grade", "source reliability is one of A-F")
        check(self.credibility in CREDIBILITY, "grade", "information credibility is 1-6")

    @classmethod
    def parse(cls, text: str) -> AdmiraltyGrade:
        """The grade written as two characters, such as ``B2``."""
        value = text.strip().upper()
        ok = len(value) == 2 and value[1].isdigit()
        check(ok, "grade", f"{text!r} is not a grade such as B2")
        return cls(value[0], int(value[1]))

    def __str__(self) -> str:
        return f"{self.reliability}{self.credibility}"


UNGRADED = AdmiraltyGrade("F", 6)


@dataclass(frozen=True, slots=True)
class Report:
    """One account of something, from one channel, kept as it was received."""

    id: str
    channel: Channel
    source_name: str
    received_at: datetime
    original_text: str
    language: str
    grade: AdmiraltyGrade
    entered_by: str
    reporting_party: str | None = None
    source_url: str | None = None
    incident_id: str | None = None

    def __post_init__(self) -> None:
        check_id(self.id, REPORT_ID, "id")
        object.__setattr__(self, "channel", member(Channel, self.channel, "channel"))
        check(bool(self.source_name.strip()), "source_name", "a report names its source")
        check(self.received_at.tzinfo is not None, "received_at", "needs a time zone")
        check(bool(_LANGUAGE.fullmatch(self.language)), "language", "a language tag such as ar")
        check(bool(self.entered_by.strip()), "entered_by", "a report names who entered it")
        if self.channel is Channel.PARTY_ALLEGATION:
            check(bool(self.reporting_party), "reporting_party", "an allegation names its party")
        if self.source_url is not None:
            ok = self.source_url.startswith(("http://", "https://"))
            check(ok, "source_url", "must be an http or https URL")
        if self.incident_id is not None:
            check_id(self.incident_id, INCIDENT_ID, "incident_id")
