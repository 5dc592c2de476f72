"""A report as a table: title, period line, grouped headings, the column-number (MS) row, one
row per unit, the totals row, notes. The official forms and the tracker's own figures are
both built as a Table; the writers (xlsx, csv) only lay a Table out."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from tracker.metrics import FIGURES
from tracker.metrics.figures import Kind, Window
from tracker.metrics.periods import Period
from tracker.metrics.results import Metrics
from tracker.metrics.scope import UnitRef, root_values, row_units, unit_rows
from tracker.models import Unit
from tracker.reports.layout import FormLayout, superseded_note
from tracker.reports.measures import measure_values

Value = int | float | Decimal | None
GROUP_LABELS = {"cases": "Đơn thư", "dialogues": "Đối thoại", "supervisions": "Giám sát"}


@dataclass(frozen=True)
class Column:
    heading: tuple[str, ...]  # from the top group down to the column's own label
    ms: str  # what the column-number row shows
    style: str = "count"  # count, amount, share, days


@dataclass(frozen=True)
class Row:
    code: str
    label: str
    values: list[Value]


@dataclass(frozen=True)
class Sheet:
    """A plain extra sheet (e.g. the definitions): a header and rows of text."""

    title: str
    header: list[str]
    rows: list[list[str]]
    widths: list[int]


@dataclass(frozen=True)
class Table:
    sheet: str
    reporting_unit: str
    form_label: str  # top-right: "Biểu số 01/XLD" and its circular
    title: str
    data_line: str
    unit_heading: str
    columns: list[Column]
    rows: list[Row]
    total: Row
    notes: list[str]
    extra_sheets: list[Sheet] = field(default_factory=list)
    attached_line: str = ""  # "(Kèm theo Báo cáo số …)", under the period line

    @property
    def depth(self) -> int:
        """How many heading rows the columns need."""
        return max(len(c.heading) for c in self.columns)


def _row_label(ref: UnitRef, root: Unit, subunits: bool) -> str:
    return f"{ref.name} (trực tiếp)" if subunits and ref.id == root.id else ref.name


def _total(values: list[list[Value]], columns: int) -> list[Value]:
    return [sum((row[i] or 0 for row in values), start=0) for i in range(columns)]  # type: ignore[misc]


def form_table(session: Session, layout: FormLayout, root: Unit, subunits: bool, period: Period) -> Table:
    """An official form for `root` over `period`: one row per report unit, then the totals."""
    refs = row_units(session, root, subunits)
    values = measure_values(session, [c.measure for c in layout.columns], Window.of(period.start, period.end),
                            unit_rows(subunits), root_values(root))
    amounts = {c.number for c in layout.columns if c.heading[-1].startswith(("Tiền", "Đất"))}
    columns = [Column(c.heading, c.ms, "amount" if c.number in amounts else "count") for c in layout.columns]
    rows = [Row(ref.code, _row_label(ref, root, subunits), [values[ref.id].get(c.measure, 0) for c in layout.columns])
            for ref in refs]
    notes = [f"{layout.note_number}. Ghi chú: " + " ".join(layout.notes)]
    superseded = superseded_note(layout, period.end)
    if superseded is not None:
        notes.append(superseded)
    if layout.in_force_from > period.end:
        notes.append(f"Biểu {layout.code} ({layout.circular}) có hiệu lực từ ngày {layout.in_force_from:%d/%m/%Y}, sau kỳ "
                     f"báo cáo này / form {layout.code} took effect on {layout.in_force_from:%d/%m/%Y}, after this period.")
    return Table(
        sheet=layout.code.replace("/", "-"), reporting_unit=root.name,
        form_label=layout.form_label or f"Biểu số {layout.code} — {layout.circular}", attached_line=layout.attached_line,
        title=layout.title, data_line=period.data_line, unit_heading=layout.unit_heading, columns=columns, rows=rows,
        total=Row("", "Tổng cộng", _total([r.values for r in rows], len(columns))), notes=notes,
    )


def figures_table(metrics: Metrics, period: Period) -> Table:
    """The tracker's own figures (DOMAIN.md §7): one row per unit, one column per figure, the
    totals, and the definitions on a second sheet."""
    style = {Kind.COUNT: "count", Kind.SHARE: "share", Kind.MEDIAN: "days"}
    columns = [Column((GROUP_LABELS[f.group], f.label.vi), str(n), style[f.kind]) for n, f in enumerate(FIGURES, start=1)]
    own_label = f"{metrics.unit.name} (trực tiếp)" if metrics.subunits else metrics.unit.name
    rows = [Row(r.unit.code, own_label if r.own and metrics.subunits else r.unit.name, [r.value(f.path) for f in FIGURES])
            for r in metrics.by_unit]
    definitions = Sheet(
        "Định nghĩa", ["Số", "Chỉ số", "Mã", "Cách tính", "Figure", "Definition"],
        [[str(n), f.label.vi, f.path, f.definition.text("vi"), f.label.en, f.definition.text("en")]
         for n, f in enumerate(FIGURES, start=1)],
        [6, 30, 30, 80, 26, 80],
    )
    return Table(
        sheet="Chỉ số", reporting_unit=metrics.unit.name, form_label="Chỉ số theo dõi đơn thư, đối thoại, giám sát",
        title="CÁC CHỈ SỐ GIẢI QUYẾT ĐƠN THƯ, ĐỐI THOẠI VÀ GIÁM SÁT", data_line=period.data_line, unit_heading="Đơn vị",
        columns=columns, rows=rows, total=Row("", "Tổng cộng", [metrics.totals.value(f.path) for f in FIGURES]),
        notes=["Định nghĩa từng chỉ số: xem trang \"Định nghĩa\". Tỷ lệ để trống khi mẫu số bằng 0."], extra_sheets=[definitions],
    )
