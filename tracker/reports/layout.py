"""Official form layouts, read from the data files in `forms/` (one file per form version).

A file gives the form's code and version, the circular it belongs to and the date that circular
took effect, the title, the columns (number, heading path from the top group down, the MS
label, the measure that fills it and what that means) and the sum rules between columns. A
new circular (TT 06/2025/TT-TTCP...) is a new file, not new code.
"""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from tracker.reports.measures import MEASURES

_RULE_SIDE = re.compile(r"^\s*\d+(\s*\+\s*\d+)*\s*$")


class LayoutError(ValueError):
    """A form file that does not hold together."""


@dataclass(frozen=True)
class FormColumn:
    number: int
    heading: tuple[str, ...]
    measure: str
    ms: str
    definition: str


@dataclass(frozen=True)
class SumRule:
    """left columns add up to right columns, in every row."""

    left: tuple[int, ...]
    right: tuple[int, ...]
    text: str

    def holds(self, values: dict[int, object]) -> bool:
        """True when the rule holds for one row's values by column number."""
        return sum(values[n] for n in self.left) == sum(values[n] for n in self.right)  # type: ignore[misc]


@dataclass(frozen=True)
class FormLayout:
    code: str
    version: str
    circular: str
    in_force_from: dt.date
    title: str
    unit_heading: str
    note_number: int
    columns: tuple[FormColumn, ...]
    rules: tuple[SumRule, ...]
    notes: tuple[str, ...]
    file: str

    @property
    def key(self) -> str:
        """"01/XLD:2021"."""
        return f"{self.code}:{self.version}"


def _rule(text: str) -> SumRule:
    sides = text.split("=")
    if len(sides) != 2 or not all(_RULE_SIDE.match(side) for side in sides):
        raise LayoutError(f"sum rule {text!r}: write it as '1 = 2 + 3'")
    left, right = (tuple(int(n) for n in side.split("+")) for side in sides)
    return SumRule(left, right, text)


def parse_layout(text: str, file: str) -> FormLayout:
    """A layout from the text of a form file; LayoutError naming what is wrong."""
    data = tomllib.loads(text)
    try:
        columns = tuple(
            FormColumn(int(c["number"]), tuple(c["heading"]), c["measure"], str(c.get("ms", c["number"])), c.get("definition", ""))
            for c in data["columns"]
        )
        layout = FormLayout(
            data["code"], str(data["version"]), data["circular"], data["in_force_from"], data["title"],
            data.get("unit_heading", "Đơn vị"), int(data.get("note_number", len(columns) + 1)), columns,
            tuple(_rule(r) for r in data.get("rules", [])), tuple(data.get("notes", [])), file,
        )
    except (KeyError, TypeError) as error:
        raise LayoutError(f"{file}: missing or malformed {error}") from error
    if [c.number for c in columns] != list(range(1, len(columns) + 1)):
        raise LayoutError(f"{file}: columns must be numbered 1..{len(columns)} in order")
    for column in columns:
        if column.measure not in MEASURES:
            raise LayoutError(f"{file}: column {column.number} names an unknown measure {column.measure!r}")
        if not column.heading:
            raise LayoutError(f"{file}: column {column.number} has no heading")
    for rule in layout.rules:
        if not set(rule.left + rule.right) <= set(range(1, len(columns) + 1)):
            raise LayoutError(f"{file}: rule {rule.text!r} names a column the form does not have")
    return layout


@cache
def all_layouts() -> tuple[FormLayout, ...]:
    """Every form version shipped in tracker/reports/forms."""
    folder = resources.files("tracker.reports").joinpath("forms")
    found = [parse_layout(f.read_text(encoding="utf-8"), f.name) for f in folder.iterdir() if f.name.endswith(".toml")]
    return tuple(sorted(found, key=lambda layout: (layout.code, layout.in_force_from)))


def form_codes() -> tuple[str, ...]:
    """The official forms there is a layout for."""
    return tuple(dict.fromkeys(layout.code for layout in all_layouts()))


def layout_for(form: str, on: dt.date) -> FormLayout:
    """The version of `form` in force on `on` (the period's last day), or the version named by
    "01/XLD:2021"; the oldest version for a period before any of them."""
    code, _, version = form.partition(":")
    versions = [layout for layout in all_layouts() if layout.code == code]
    if not versions:
        raise LookupError(f"Không có biểu mẫu {code} / no form {code}; one of {', '.join(form_codes())}")
    if version:
        for layout in versions:
            if layout.version == version:
                return layout
        raise LookupError(f"Biểu {code} không có phiên bản {version} / no version {version}: "
                          f"{', '.join(v.version for v in versions)}")
    in_force = [layout for layout in versions if layout.in_force_from <= on]
    return in_force[-1] if in_force else versions[0]
