"""What a figure is: its name, its definition in words (Vietnamese and English) and the SQL that
computes it. The API document, the report's definitions sheet and the dashboard read these
objects; nothing else defines a figure.

A count figure is a condition over the rows of a *source*: a query that yields one row per
record (case, dialogue session, plan, supervision) that may count in the period, with the unit
the record belongs to and the facts the conditions read. All the counts of one source are
computed together by one aggregate query grouped by report row (see by_unit.py); the
drill-down selects the rows of the same source that meet the same condition (drilldown.py).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Date, Integer, Select, bindparam
from sqlalchemy.sql.base import ReadOnlyColumnCollection
from sqlalchemy.sql.elements import KeyedColumnElement

Facts = ReadOnlyColumnCollection[str, KeyedColumnElement[object]]


@dataclass(frozen=True)
class Text:
    """The same words in Vietnamese and English."""

    vi: str
    en: str


@dataclass(frozen=True)
class Window:
    """The closed range of dates [start, end] figures are computed for, with the first and last
    year it touches, and the database's dialect (a query may take a faster form on PostgreSQL).
    In statements built once and reused, the dates and years are bound parameters standing for
    them (see `Window.parameters`)."""

    start: Any
    end: Any
    dialect: str = "sqlite"
    first_year: Any = None
    last_year: Any = None

    @classmethod
    def of(cls, start: dt.date, end: dt.date, dialect: str = "sqlite") -> Window:
        """A window over actual dates."""
        return cls(start, end, dialect, start.year, end.year)

    @classmethod
    def parameters(cls, dialect: str) -> Window:
        """A window of bound parameters, filled in by `values()` of an actual window."""
        return cls(bindparam("start", type_=Date), bindparam("end", type_=Date), dialect,
                   bindparam("first_year", type_=Integer), bindparam("last_year", type_=Integer))

    def values(self) -> dict[str, Any]:
        """The parameters of `Window.parameters` for this window."""
        return {"start": self.start, "end": self.end, "first_year": self.first_year, "last_year": self.last_year}


@dataclass(frozen=True)
class Source:
    """A query yielding one row per record that may count in a window: `record_id`, `unit_id`
    (the unit the record belongs to) and the facts the figures' conditions read."""

    name: str
    record: str  # what a row is: "case", "dialogue", "plan", "supervision"
    build: Callable[[Window], Select[tuple[object, ...]]]


class Kind(StrEnum):
    COUNT = "count"
    SHARE = "share"
    MEDIAN = "median"


@dataclass(frozen=True)
class Definition:
    """A figure's definition, in the parts a report writer asks about."""

    counts: Text  # what is counted (the numerator of a share)
    date: Text  # which date puts a record in the period
    unit: Text  # which unit a record belongs to
    denominator: Text | None = None
    on_time: Text | None = None
    notes: tuple[Text, ...] = ()

    def text(self, lang: str) -> str:
        """The whole definition as one paragraph per part."""
        return "\n".join(f"{label}: {words}" for label, words in self.parts(lang))

    def parts(self, lang: str) -> list[tuple[str, str]]:
        """(heading, words) of each part the definition has, in `lang` ("vi" or "en")."""
        labels = {
            "vi": ("Đếm", "Mẫu số", "Ngày xác định kỳ", "Đơn vị", "Đúng hạn", "Lưu ý"),
            "en": ("Counts", "Denominator", "Date that decides the period", "Unit", "On time", "Note"),
        }[lang]
        parts = [(labels[0], self.counts), (labels[1], self.denominator), (labels[2], self.date), (labels[3], self.unit),
                 (labels[4], self.on_time)] + [(labels[5], note) for note in self.notes]
        return [(label, getattr(words, lang)) for label, words in parts if words is not None]


@dataclass(frozen=True)
class Figure:
    """One figure of the metrics document."""

    group: str  # "cases", "dialogues", "supervisions"
    key: str
    label: Text
    definition: Definition
    kind: Kind = Kind.COUNT
    source: Source | None = None
    # COUNT and MEDIAN: the rows of the source the figure is about.
    where: Callable[[Facts, Window], ColumnElement[bool]] | None = None
    # COUNT: count the distinct values of this fact instead of rows (e.g. units with a plan).
    distinct: str | None = None
    # MEDIAN: the value whose median is taken.
    value: Callable[[Facts], ColumnElement[object]] | None = None
    # SHARE: numerator / denominator, two count figures of the same group.
    numerator: str | None = None
    denominator: str | None = None

    @property
    def path(self) -> str:
        """"group.key", the figure's name in drill-down requests."""
        return f"{self.group}.{self.key}"

    @property
    def record(self) -> str:
        """What the drill-down of this figure lists."""
        if self.distinct == "unit_id":
            return "unit"
        return self.source.record if self.source else ""


def share(numerator: int, denominator: int) -> float | None:
    """numerator / denominator, or None when nothing is in the denominator."""
    return numerator / denominator if denominator else None
