"""Official form layouts, read from the data files in `forms/` (one file per form version).

A file gives the form's code and version, the circular it belongs to and the date that circular
took effect, the title, the columns (number, heading path from the top group down, the MS
label, the measure that fills it and what that means) and the sum rules between columns. A
new circular (TT 06/2025/TT-TTCP...) is a new file, not new code.
"""
from __future__ import annotations

import datetime as dt
import operator
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from tracker.reports.measures import all_measures

_RULE_SIDE = re.compile(r"^\s*\d+(\s*\+\s*\d+)*\s*$")
_RULE_OPERATOR = re.compile(r"(>=|<=|=)")
_COMPARE = {"=": operator.eq, ">=": operator.ge, "<=": operator.le}


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
    """The sum of the left columns equals (or is at least, or at most) that of the right ones,
    in every row: "1 = 2 + 3", "1 >= 2", "20 <= 19"."""

    left: tuple[int, ...]
    right: tuple[int, ...]
    text: str
    op: str = "="

    def holds(self, values: dict[int, object]) -> bool:
        """True when the rule holds for one row's values by column number."""
        left = sum(values[n] for n in self.left)  # type: ignore[misc]
        right = sum(values[n] for n in self.right)  # type: ignore[misc]
        return bool(_COMPARE[self.op](left, right))


@dataclass(frozen=True)
class CrossRule:
    """A column of this form against a column of another form of the same report, in the rows of
    the same unit: "1 = 02/XLD 6" (03/GQKN column 1 equals 02/XLD column 6)."""

    column: int
    op: str
    other_form: str
    other_column: int
    text: str

    def holds(self, value: object, other: object) -> bool:
        """True when the rule holds for one unit's two values."""
        return bool(_COMPARE[self.op](value, other))


_CROSS = re.compile(r"^\s*(\d+)\s*(>=|<=|=)\s*(\S+)\s+(\d+)\s*$")


def _cross_rule(text: str) -> CrossRule:
    match = _CROSS.match(text)
    if not match:
        raise LayoutError(f"cross-form rule {text!r}: write it as '1 = 02/XLD 6'")
    return CrossRule(int(match[1]), match[2], match[3], int(match[4]), text)


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
    replaces: tuple[str, ...] = ()  # codes of earlier forms this one takes the place of
    form_label: str = ""  # what the top right shows; by default "Biểu số CODE — circular"
    attached_line: str = ""  # the "(Kèm theo Báo cáo số …)" line under the period, when the form has one
    cross_rules: tuple[CrossRule, ...] = ()

    @property
    def key(self) -> str:
        """"01/XLD:2021"."""
        return f"{self.code}:{self.version}"


def _rule(text: str) -> SumRule:
    parts = _RULE_OPERATOR.split(text)
    if len(parts) != 3 or not all(_RULE_SIDE.match(side) for side in parts[::2]):
        raise LayoutError(f"sum rule {text!r}: write it as '1 = 2 + 3', '1 >= 2' or '2 <= 1'")
    left, right = (tuple(int(n) for n in side.split("+")) for side in parts[::2])
    return SumRule(left, right, text, parts[1])


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
            tuple(data.get("replaces", [])), data.get("form_label", ""), data.get("attached_line", ""),
            tuple(_cross_rule(r) for r in data.get("cross_rules", [])),
        )
    except (KeyError, TypeError) as error:
        raise LayoutError(f"{file}: missing or malformed {error}") from error
    if [c.number for c in columns] != list(range(1, len(columns) + 1)):
        raise LayoutError(f"{file}: columns must be numbered 1..{len(columns)} in order")
    for column in columns:
        if column.measure not in all_measures():
            raise LayoutError(f"{file}: column {column.number} names an unknown measure {column.measure!r}")
        if not column.heading:
            raise LayoutError(f"{file}: column {column.number} has no heading")
    for rule in layout.rules:
        if not set(rule.left + rule.right) <= set(range(1, len(columns) + 1)):
            raise LayoutError(f"{file}: rule {rule.text!r} names a column the form does not have")
    for cross in layout.cross_rules:
        if not 1 <= cross.column <= len(columns):
            raise LayoutError(f"{file}: rule {cross.text!r} names a column the form does not have")
    return layout


@cache
def all_layouts() -> tuple[FormLayout, ...]:
    """Every form version shipped in tracker/reports/forms."""
    folder = resources.files("tracker.reports").joinpath("forms")
    found = [parse_layout(f.read_text(encoding="utf-8"), f.name) for f in folder.iterdir() if f.name.endswith(".toml")]
    return tuple(sorted(found, key=lambda layout: (layout.code, layout.in_force_from)))


def forms_in_force(on: dt.date) -> tuple[FormLayout, ...]:
    """The forms a report for a period ending `on` is made of: each code's version in force then,
    leaving out forms another one has replaced."""
    found = []
    for code in form_codes():
        versions = [layout for layout in all_layouts() if layout.code == code and layout.in_force_from <= on]
        if versions and superseded_by(versions[-1], on) is None:
            found.append(versions[-1])
    return tuple(found)


def form_codes() -> tuple[str, ...]:
    """The official forms there is a layout for."""
    return tuple(dict.fromkeys(layout.code for layout in all_layouts()))


def superseded_by(layout: FormLayout, on: dt.date) -> FormLayout | None:
    """The form in force on `on` that took the place of `layout` (a newer version of the same
    code, or a form that names its code in `replaces`), or None while `layout` is in force."""
    newer = [other for other in all_layouts()
             if layout.in_force_from < other.in_force_from <= on
             and (other.code == layout.code or layout.code in other.replaces)]
    return max(newer, key=lambda other: other.in_force_from) if newer else None


def superseded_note(layout: FormLayout, on: dt.date) -> str | None:
    """The note a superseded form carries when made for a period it no longer covers."""
    newer = superseded_by(layout, on)
    if newer is None:
        return None
    return (f"Biểu {layout.code} ({layout.circular}) đã được thay thế bởi biểu {newer.code} của {newer.circular} "
            f"từ ngày {newer.in_force_from:%d/%m/%Y}; chỉ dùng để đối chiếu / form {layout.code} was superseded by "
            f"{newer.code} from {newer.in_force_from:%d/%m/%Y}; for comparison only.")


def layout_for(form: str, on: dt.date) -> FormLayout:
    """The version of `form` in force on `on` (the period's last day), or the version named by
    "01/XLD:2021"; the oldest version for a period before any of them. A form another one
    replaced (01/XLD, 01/KQGQ, 03/KQGQ by the TT 06/2025 forms) is made for a later period only
    when its version is named (LookupError otherwise, naming the form in force)."""
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
    chosen = in_force[-1] if in_force else versions[0]
    newer = superseded_by(chosen, on)
    if newer is not None:
        raise LookupError(
            f"Biểu {code} đã được thay thế bởi biểu {newer.code} ({newer.circular}) từ ngày "
            f"{newer.in_force_from:%d/%m/%Y}; để vẫn lập biểu cũ, ghi rõ phiên bản ({chosen.key}) / form {code} was "
            f"superseded by {newer.code} from {newer.in_force_from:%d/%m/%Y}: use {newer.code}, or name the version "
            f"({chosen.key}) to make the old form anyway")
    return chosen
