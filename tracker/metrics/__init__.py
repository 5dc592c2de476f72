"""Resolution metrics, drill-down and the periods they are computed for (DOMAIN.md §7, §8).

Every figure is defined once, as a `Figure` next to the SQL that computes it, in `cases`,
`dialogues` and `supervisions`; `by_unit` computes them per report row, `drilldown` lists the
records behind a count. Services call these; nothing here checks who asks.
"""
from __future__ import annotations

from tracker.metrics import cases, dialogues, supervisions
from tracker.metrics.figures import Figure

GROUPS = ("cases", "dialogues", "supervisions")
FIGURES: tuple[Figure, ...] = cases.FIGURES + dialogues.FIGURES + supervisions.FIGURES
_BY_PATH = {f.path: f for f in FIGURES}


def figure(path: str) -> Figure | None:
    """The figure called "group.key", if any."""
    return _BY_PATH.get(path)
