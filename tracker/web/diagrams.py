"""A workflow drawn as SVG straight from its definition: the states in rows by how far they lie
from where a case starts, each step an arrow from the states it leaves to the state it reaches.
A small layered layout of our own, so no graphviz is needed on the server and nothing is loaded
in the browser; the page stays readable at 390 px because the SVG scales with its box."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

from workflows.definitions.base import Clock, Workflow

NODE_W, NODE_H = 170, 44
GAP_X, GAP_Y = 40, 80
MARGIN = 20
# A step open from this many states or more (withdraw, a second complaint) is written under the
# state it leads to instead of drawn as one arrow per state: the arrows would hide the main path.
MANY_SOURCES = 3


@dataclass(frozen=True)
class Edge:
    """One arrow: the steps that lead from `source` to `dest`."""

    source: str
    dest: str
    triggers: tuple[str, ...]


def edges(workflow: Workflow) -> list[Edge]:
    """The arrows of a workflow: steps that change the state, grouped by (from, to)."""
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for trigger in workflow.triggers:
        for source in trigger.sources:
            if trigger.dest is not None and trigger.dest != source:
                grouped[(source, trigger.dest)].append(trigger.name)
    return [Edge(s, d, tuple(names)) for (s, d), names in grouped.items()]


def layers(workflow: Workflow) -> dict[str, int]:
    """Each state's row: the longest path to it from a starting state, arrows that lead back ignored."""
    out: dict[str, list[str]] = defaultdict(list)
    for edge in edges(workflow):
        out[edge.source].append(edge.dest)
    order = [s.name for s in workflow.states]
    # Arrows that close a cycle (resume after suspend) are found by a depth-first walk and ignored.
    back: set[tuple[str, str]] = set()
    visiting: set[str] = set()
    done: set[str] = set()

    def walk(state: str) -> None:
        visiting.add(state)
        for nxt in out[state]:
            if nxt in visiting:
                back.add((state, nxt))
            elif nxt not in done:
                walk(nxt)
        visiting.discard(state)
        done.add(state)

    for start in (*workflow.initial, *order):
        if start not in done:
            walk(start)
    row = {name: 0 for name in order}
    for _ in order:  # relax: at most one pass per state in a graph without cycles
        changed = False
        for source, targets in out.items():
            for dest in targets:
                if (source, dest) not in back and dest not in workflow.initial and row[dest] < row[source] + 1:
                    row[dest] = row[source] + 1
                    changed = True
        if not changed:
            break
    return row


def _point(x1: float, y1: float, x2: float, y2: float, bend: float, at_y: float) -> float:
    """The x of the arrow (a cubic curve with vertical tangents) where it crosses height `at_y`."""
    best_t, best = 0.5, float("inf")
    for step in range(101):
        t = step / 100
        y = (1 - t) ** 3 * y1 + 3 * (1 - t) ** 2 * t * (y1 + bend) + 3 * (1 - t) * t ** 2 * (y2 - bend) + t ** 3 * y2
        if abs(y - at_y) < best:
            best_t, best = t, abs(y - at_y)
    t = best_t
    return (1 - t) ** 3 * x1 + 3 * (1 - t) ** 2 * t * x1 + 3 * (1 - t) * t ** 2 * x2 + t ** 3 * x2


def _clear_of(placed: list[tuple[float, float, float]], x: float, y: float, width: float) -> float:
    """A baseline at or below `y` where a label `width` wide centred on `x` overlaps none placed; noted."""
    def overlaps(at: float) -> bool:
        return any(abs(at - py) < 12 and abs(x - px) < (width + pw) / 2 + 4 for px, py, pw in placed)

    for _ in range(6):
        if not overlaps(y):
            break
        y += 12
    placed.append((x, y, width))
    return y


def _free_lane(x1: float, x2: float, boxes: list[float]) -> float:
    """An x between the boxes at lefts `boxes` (or beside them), nearest the straight way down."""
    def free(x: float) -> bool:
        return all(not (left - 8 <= x <= left + NODE_W + 8) for left in boxes)

    wanted = (x1 + x2) / 2
    candidates = [x1, x2, *(left - GAP_X / 2 for left in boxes), *(left + NODE_W + GAP_X / 2 for left in boxes)]
    return min((x for x in candidates if free(x)), key=lambda x: abs(x - wanted), default=x1)


def workflow_svg(workflow: Workflow, state_label: Callable[[str], str], trigger_label: Callable[[str], str],
                 title: str, from_many: Callable[[str, int], str]) -> Markup:
    """The workflow as an inline SVG, labelled in the page's language; `from_many(step, n)` words a
    step open from n states (written under the state it leads to)."""
    row = layers(workflow)
    order = [s.name for s in workflow.states]
    by_row: dict[int, list[str]] = defaultdict(list)
    for name in order:
        by_row[row[name]].append(name)
    arrows = edges(workflow)
    parents: dict[str, list[str]] = defaultdict(list)
    for edge in arrows:
        parents[edge.dest].append(edge.source)
    # Within a row, put a state under the states it comes from (one barycentre pass).
    x_of: dict[str, float] = {}
    for r in sorted(by_row):
        names = by_row[r]
        if r:
            names.sort(key=lambda n: (sum(x_of.get(p, 0) for p in parents[n] if p in x_of)
                                      / max(1, sum(1 for p in parents[n] if p in x_of)), order.index(n)))
        for i, name in enumerate(names):
            x_of[name] = i
    widest = max(len(v) for v in by_row.values())
    width = MARGIN * 2 + widest * NODE_W + (widest - 1) * GAP_X + 80  # room on the right for arrows that turn back
    height = MARGIN * 2 + len(by_row) * NODE_H + (len(by_row) - 1) * GAP_Y + 16  # room for a note under the last row
    many = [t for t in workflow.triggers if t.dest is not None and len(t.sources) >= MANY_SOURCES]
    crowded = {t.name for t in many}
    notes: dict[str, list[str]] = defaultdict(list)
    for trigger in many:
        assert trigger.dest is not None
        notes[trigger.dest].append(from_many(trigger_label(trigger.name), len(trigger.sources)))
    pos: dict[str, tuple[float, float]] = {}
    for r, names in by_row.items():
        row_width = len(names) * NODE_W + (len(names) - 1) * GAP_X
        left = MARGIN + (widest * NODE_W + (widest - 1) * GAP_X - row_width) / 2
        for i, name in enumerate(names):
            pos[name] = (left + i * (NODE_W + GAP_X), MARGIN + r * (NODE_H + GAP_Y))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
             f'height="{height:.0f}" role="img" aria-label="{escape(title)}" font-family="system-ui, sans-serif">',
             f"<title>{escape(title)}</title>",
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#5b6473"/></marker></defs>']
    labels: list[str] = []
    placed: list[tuple[float, float, float]] = []  # the labels written so far: centre x, baseline y, width
    for edge in arrows:
        drawn = [t for t in edge.triggers if t not in crowded]
        if not drawn:
            continue
        (sx, sy), (dx, dy) = pos[edge.source], pos[edge.dest]
        text = escape(", ".join(trigger_label(t) for t in drawn))
        if row[edge.dest] == row[edge.source] + 1:
            x1, y1, x2, y2 = sx + NODE_W / 2, sy + NODE_H, dx + NODE_W / 2, dy
            bend = (y2 - y1) / 2
            path = f"M{x1:.0f},{y1:.0f} C{x1:.0f},{y1 + bend:.0f} {x2:.0f},{y2 - bend:.0f} {x2:.0f},{y2:.0f}"
            # The label sits in the gap right below the source, clear of every box.
            ly = y1 + GAP_Y / 2
            lx = _point(x1, y1, x2, y2, bend, ly)
        elif row[edge.dest] > row[edge.source]:
            # Down past rows in between: along a lane between their boxes, never through one.
            x1, y1, x2, y2 = sx + NODE_W / 2, sy + NODE_H, dx + NODE_W / 2, dy
            between = [pos[n] for n in order if row[edge.source] < row[n] < row[edge.dest]]
            lane = _free_lane(x1, x2, [bx for bx, _ in between])
            top, bottom, q = y1 + GAP_Y * 0.6, y2 - GAP_Y * 0.4, GAP_Y * 0.3
            path = (f"M{x1:.0f},{y1:.0f} C{x1:.0f},{y1 + q:.0f} {lane:.0f},{top - q:.0f} {lane:.0f},{top:.0f} "
                    f"L{lane:.0f},{bottom:.0f} C{lane:.0f},{bottom + q:.0f} {x2:.0f},{y2 - q:.0f} {x2:.0f},{y2:.0f}")
            lx, ly = (x1 + lane) / 2, y1 + GAP_Y / 2
        elif row[edge.dest] < row[edge.source]:  # back up (resume after a suspension): top to bottom
            x1, y1, x2, y2 = sx + NODE_W / 2 + 20, sy, dx + NODE_W / 2 + 20, dy + NODE_H
            bend = (y1 - y2) / 2
            path = f"M{x1:.0f},{y1:.0f} C{x1:.0f},{y1 - bend:.0f} {x2:.0f},{y2 + bend:.0f} {x2:.0f},{y2:.0f}"
            lx, ly = (x1 + x2) / 2 + 18, (y1 + y2) / 2
        else:  # along the same row: an arc above it
            x1, y1, x2, y2 = sx + NODE_W / 2, sy, dx + NODE_W / 2, dy
            path = f"M{x1:.0f},{y1:.0f} C{x1:.0f},{y1 - 30:.0f} {x2:.0f},{y2 - 30:.0f} {x2:.0f},{y2:.0f}"
            lx, ly = (x1 + x2) / 2, y1 - 24
        parts.append(f'<path d="{path}" fill="none" stroke="#5b6473" stroke-width="1.4" marker-end="url(#arrow)"/>')
        ly = _clear_of(placed, lx, ly, len(text) * 6.2)
        labels.append(f'<text x="{lx:.0f}" y="{ly:.0f}" font-size="11" text-anchor="middle" fill="#1d2330" stroke="#fff" '
                      f'stroke-width="3" paint-order="stroke">{text}</text>')
    for state in workflow.states:
        x, y = pos[state.name]
        dashed = ' stroke-dasharray="5 3"' if state.clock is Clock.PAUSED else ""
        fill = "#eef0f3" if state.final else "#fff"
        stroke_width = 3 if state.name in workflow.initial else 1.5
        parts.append(f'<g class="state" data-state="{escape(state.name)}"><rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" '
                     f'height="{NODE_H}" rx="8" fill="{fill}" stroke="#9b1c1c" stroke-width="{stroke_width}"{dashed}/>')
        if state.final:
            parts.append(f'<rect x="{x + 4:.0f}" y="{y + 4:.0f}" width="{NODE_W - 8}" height="{NODE_H - 8}" rx="6" '
                         'fill="none" stroke="#9b1c1c" stroke-width="0.8"/>')
        name = state_label(state.name)
        size = 14 if len(name) <= 19 else max(9, int(14 * 19 / len(name)))  # a long name fits its box
        parts.append(f'<text x="{x + NODE_W / 2:.0f}" y="{y + NODE_H / 2 + 5:.0f}" font-size="{size}" text-anchor="middle" '
                     f'fill="#1d2330">{escape(name)}</text></g>')
        for line, note in enumerate(notes.get(state.name, [])):
            labels.append(f'<text x="{x + NODE_W / 2:.0f}" y="{y + NODE_H + 13 + line * 12:.0f}" font-size="10" '
                          f'text-anchor="middle" fill="#5b6473">{escape(note)}</text>')
    parts.extend(labels)  # on top of every arrow
    parts.append("</svg>")
    return Markup("".join(parts))
