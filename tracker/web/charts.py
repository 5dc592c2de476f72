"""The dashboard's charts as geometry for server-drawn SVG (templates/_charts.html draws it):
a line chart for month-by-month trends and grouped horizontal bars for units compared. No
script and no library: the SVG scales to the page's width (viewBox), every point carries a
<title> and a link to the records behind it, and the page shows the same numbers as a table.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

WIDTH = 640
LINE_HEIGHT = 240
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 44, 24, 12, 36
BAR, BAR_GAP, LABEL = 14, 3, 18  # a bar's thickness, the space between bars, a unit's name line


@dataclass(frozen=True)
class Point:
    """A point (or a bar's end) with its value, its words and the records behind it."""

    x: float
    y: float
    value: float
    text: str  # the value as shown
    title: str  # what a screen reader and a hover say
    href: str | None
    after_gap: bool = False  # the label before it had no value: the line does not join them


@dataclass(frozen=True)
class Line:
    """One series of a line chart; `style` is its CSS class (its colour)."""

    name: str
    style: str
    points: list[Point]

    @property
    def path(self) -> str:
        """The SVG path joining the points that have a value."""
        return " ".join(f"{'M' if i == 0 or p.after_gap else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(self.points))


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    lines: list[Line]
    x_labels: list[tuple[float, str, str]]  # x, text, text-anchor (the ends are kept inside)
    y_ticks: list[tuple[float, str]]
    baseline: float


@dataclass(frozen=True)
class Series:
    """The input of a chart: a name, a CSS class, one value (None: no figure) and one link per label."""

    name: str
    style: str
    values: list[float | None]
    hrefs: list[str | None]


def nice_top(largest: float) -> float:
    """A round top for an axis: 1, 2, 5 or 10 times a power of ten, at least `largest`."""
    if largest <= 0:
        return 1
    power = 10 ** math.floor(math.log10(largest))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= largest)


def _text(value: float, percent: bool) -> str:
    return f"{value:.1f}%" if percent else f"{value:g}"


def line_chart(labels: list[str], series: list[Series], *, percent: bool = False) -> LineChart:
    """Lines over `labels` (months); with `percent` the values are shares 0..1 drawn as 0..100 %."""
    scale = 100.0 if percent else 1.0
    values = [v * scale for s in series for v in s.values if v is not None]
    top = 100.0 if percent else nice_top(max(values, default=0))
    inner_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT - 10  # the first point keeps clear of the axis's numbers
    inner_h = LINE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    step = inner_w / max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return MARGIN_LEFT + 10 + (i * step if len(labels) > 1 else inner_w / 2)

    def y(v: float) -> float:
        return MARGIN_TOP + inner_h * (1 - v / top)

    lines = []
    for s in series:
        points = [Point(x(i), y(v * scale), v * scale, _text(v * scale, percent),
                        f"{s.name} — {labels[i]}: {_text(v * scale, percent)}", s.hrefs[i],
                        after_gap=i > 0 and s.values[i - 1] is None)
                  for i, v in enumerate(s.values) if v is not None]
        lines.append(Line(s.name, s.style, points))
    # Counts get whole-number ticks: a top of 1, 2, 5, 10, 20, 50... divides into that many or five steps.
    steps = 4 if percent else int(min(top, 5))
    ticks = [(y(top * k / steps), _text(top * k / steps, percent)) for k in range(steps + 1)]
    # At most about eight month labels, so they never overlap at any width.
    every = max(1, math.ceil(len(labels) / 8))
    shown = [i for i in range(len(labels)) if i % every == 0]
    x_labels = [(x(i), labels[i], "start" if i == 0 and len(labels) > 1 else "end" if i == len(labels) - 1 and i
                 else "middle") for i in shown]
    return LineChart(WIDTH, LINE_HEIGHT, lines, x_labels, ticks, y(0))


@dataclass(frozen=True)
class Bar:
    y: float
    width: float
    style: str
    point: Point


@dataclass(frozen=True)
class BarGroup:
    label: str
    label_y: float
    bars: list[Bar]


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    groups: list[BarGroup]
    legend: list[tuple[str, str]]
    left: int


def bar_chart(labels: list[str], series: list[Series]) -> BarChart:
    """Grouped horizontal bars, one group per label (a unit), one bar per series; the unit's
    name stands on its own line above its bars, so long names never squeeze the bars."""
    values = [v for s in series for v in s.values if v is not None]
    top = nice_top(max(values, default=0))
    left, inner_w = 4, WIDTH - 4 - 60  # room at the right for the value
    groups, y = [], 4.0
    for i, label in enumerate(labels):
        label_y = y + LABEL - 5
        y += LABEL
        bars = []
        for s in series:
            value = s.values[i] or 0
            bars.append(Bar(y, max(inner_w * value / top, 1.0), s.style,
                            Point(left, y, value, f"{value:g}", f"{label} — {s.name}: {value:g}", s.hrefs[i])))
            y += BAR + BAR_GAP
        groups.append(BarGroup(label, label_y, bars))
        y += 8
    return BarChart(WIDTH, int(y) + 4, groups, [(s.name, s.style) for s in series], left)
