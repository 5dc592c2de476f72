"""The metrics document: typed results, and the JSON shape of API.md's metrics section."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, fields
from typing import Any

from tracker.metrics.scope import UnitRef


@dataclass(frozen=True)
class CaseFigures:
    received: int
    accepted: int
    resolved: int
    resolved_on_time: int
    to_resolve: int
    resolution_rate: float | None
    on_time_rate: float | None
    open: int
    overdue_open: int
    median_days_to_resolve: float | None
    recomplaints: int


@dataclass(frozen=True)
class DialogueFigures:
    sessions: int
    opinions: int
    settled_on_spot: int
    settled_on_spot_share: float | None
    assigned: int
    assigned_resolved: int
    reopened: int
    plans: int
    units_with_plan: int
    units_with_session: int


@dataclass(frozen=True)
class SupervisionFigures:
    sessions: int
    recommendations: int
    answered: int
    answered_on_time: int
    answer_rate: float | None
    # The same by kind of board (tracker.models.units.BOARD_KINDS).
    sessions_front_committee: int
    sessions_inspection_board: int
    sessions_investment_board: int
    recommendations_front_committee: int
    recommendations_inspection_board: int
    recommendations_investment_board: int
    answered_front_committee: int
    answered_inspection_board: int
    answered_investment_board: int


GROUP_TYPES: dict[str, type[Any]] = {"cases": CaseFigures, "dialogues": DialogueFigures, "supervisions": SupervisionFigures}


@dataclass(frozen=True)
class FigureRow:
    """The figures of one unit's records: its own (`own`), or those of its whole tree."""

    unit: UnitRef
    own: bool
    cases: CaseFigures
    dialogues: DialogueFigures
    supervisions: SupervisionFigures

    def value(self, path: str) -> int | float | None:
        """The value of "group.key"."""
        group, key = path.split(".", 1)
        return getattr(getattr(self, group), key)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Metrics:
    """Every figure for a unit and a period, with one row per report unit."""

    unit: UnitRef
    start: dt.date
    end: dt.date
    subunits: bool
    totals: FigureRow
    by_unit: list[FigureRow]


def group_fields(group: str) -> list[str]:
    """The figure keys of a group, in document order."""
    return [f.name for f in fields(GROUP_TYPES[group])]


def _groups(row: FigureRow) -> dict[str, Any]:
    return {group: asdict(getattr(row, group)) for group in GROUP_TYPES}


def to_json(metrics: Metrics) -> dict[str, Any]:
    """The metrics document exactly as API.md shows it (plus `subunits` and each row's name)."""
    return {
        "unit": metrics.unit.code,
        "from": metrics.start.isoformat(),
        "to": metrics.end.isoformat(),
        "subunits": metrics.subunits,
        **_groups(metrics.totals),
        "by_unit": [
            {"unit": row.unit.code, "name": row.unit.name, "own": row.own, **_groups(row)} for row in metrics.by_unit
        ],
    }
