"""Writing a Table: an Excel workbook laid out as the paper form, or CSV.

The workbook is written in openpyxl's write-only mode: rows go to a temporary file as they are
appended and are zipped into the stream at the end, so memory stays bounded whatever the number
of rows (drill-down exports stream their rows straight from the database).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from tracker.reports.neutral import FORMULA_STARTS, as_text, csv_text, xlsx_value
from tracker.reports.table import Column, Sheet, Table

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_FORMATS = {"count": "#,##0", "amount": "#,##0.00", "share": "0.0%", "days": "0.0"}
HEADER_TOP = 5  # the first heading row: unit and form lines, title, period line, the report line or a blank row


def new_workbook() -> Workbook:
    """A streaming (write-only) workbook."""
    return Workbook(write_only=True)


def _cell(ws: Any, value: object, *, bold: bool = False, italic: bool = False, align: Alignment | None = None,
          border: bool = False, number_format: str | None = None) -> WriteOnlyCell:
    cell = as_text(WriteOnlyCell(ws, value=value))
    if bold or italic:
        cell.font = Font(bold=bold, italic=italic)
    if align is not None:
        cell.alignment = align
    if border:
        cell.border = _BOX
    if number_format:
        cell.number_format = number_format
    return cell


def heading_grid(columns: Sequence[Column], depth: int) -> tuple[list[list[str | None]], list[tuple[int, int, int, int]]]:
    """The heading texts by (level, column) and the merges (first row, first col, last row, last col),
    all 0-based over the columns: a group spans the columns sharing its heading path; a heading
    with nothing below it reaches down to the last heading row."""
    grid: list[list[str | None]] = [[None] * len(columns) for _ in range(depth)]
    merges: list[tuple[int, int, int, int]] = []
    for level in range(depth):
        j = 0
        while j < len(columns):
            path = columns[j].heading
            if len(path) <= level:
                j += 1
                continue
            last = j
            while last + 1 < len(columns) and columns[last + 1].heading[: level + 1] == path[: level + 1]:
                last += 1
            bottom = depth - 1 if len(path) == level + 1 else level
            grid[level][j] = path[level]
            if last > j or bottom > level:
                merges.append((level, j, bottom, last))
            j = last + 1
    return grid, merges


def _merge(ws: Any, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
    ws.merged_cells.add(CellRange(min_row=first_row, min_col=first_col, max_row=last_row, max_col=last_col))


def _value(value: object) -> object:
    return float(value) if isinstance(value, Decimal) else value


def _write_table(wb: Workbook, table: Table) -> None:
    ws = wb.create_sheet(table.sheet[:31])
    width = len(table.columns) + 1
    ws.column_dimensions["A"].width = 36
    for i in range(2, width + 1):
        ws.column_dimensions[get_column_letter(i)].width = 13
    ws.page_setup.orientation = "landscape"
    half = max(2, width // 2)
    ws.append([_cell(ws, f"ĐƠN VỊ BÁO CÁO: {table.reporting_unit.upper()}", bold=True)] + [None] * (half - 1)
              + [_cell(ws, table.form_label, italic=True, align=_CENTER)])
    _merge(ws, 1, 1, 1, half)
    _merge(ws, 1, half + 1, 1, max(width, half + 1))
    ws.append([_cell(ws, table.title, bold=True, align=_CENTER)])
    _merge(ws, 2, 1, 2, width)
    ws.append([_cell(ws, table.data_line, italic=True, align=_CENTER)])
    _merge(ws, 3, 1, 3, width)
    if table.attached_line:
        ws.append([_cell(ws, table.attached_line, italic=True, align=_CENTER)])
        _merge(ws, 4, 1, 4, width)
    else:
        ws.append([])
    depth = table.depth
    grid, merges = heading_grid(table.columns, depth)
    for level in range(depth):
        first = [_cell(ws, table.unit_heading if level == 0 else None, bold=True, align=_CENTER, border=True)]
        ws.append(first + [_cell(ws, text, bold=True, align=_CENTER, border=True) for text in grid[level]])
    _merge(ws, HEADER_TOP, 1, HEADER_TOP + depth - 1, 1)
    for top, left, bottom, right in merges:
        _merge(ws, HEADER_TOP + top, left + 2, HEADER_TOP + bottom, right + 2)
    ms = [int(c.ms) if c.ms.isdigit() else c.ms for c in table.columns]
    ws.append([_cell(ws, "MS", bold=True, align=_CENTER, border=True)]
              + [_cell(ws, label, bold=True, align=_CENTER, border=True) for label in ms])
    ws.freeze_panes = f"B{HEADER_TOP + depth + 1}"
    for row in [*table.rows, table.total]:
        bold = row is table.total
        ws.append([_cell(ws, row.label, bold=bold, align=_LEFT, border=True)]
                  + [_cell(ws, _value(v), bold=bold, border=True, number_format=_FORMATS[c.style])
                     for v, c in zip(row.values, table.columns, strict=True)])
    ws.append([])
    note_row = HEADER_TOP + depth + len(table.rows) + 3  # after the MS row, the unit rows, the totals, a blank row
    for n, note in enumerate(table.notes):
        ws.append([_cell(ws, note, italic=True, align=_LEFT)])
        _merge(ws, note_row + n, 1, note_row + n, width)
    for sheet in table.extra_sheets:
        _write_sheet(wb, sheet)


def _write_sheet(wb: Workbook, sheet: Sheet) -> None:
    ws = wb.create_sheet(sheet.title[:31])
    for i, w in enumerate(sheet.widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.append([_cell(ws, text, bold=True, align=_CENTER, border=True) for text in sheet.header])
    for row in sheet.rows:
        ws.append([_cell(ws, text, align=_LEFT, border=True) for text in row])


def write_xlsx(table: Table, stream: IO[bytes]) -> None:
    """The table as a workbook laid out as the form, written to `stream`."""
    wb = new_workbook()
    _write_table(wb, table)
    wb.save(stream)


def _heading(column: Column) -> str:
    return f"({column.ms}) " + " - ".join(column.heading)


# A text starting with one of these may need the apostrophe (a leading space: look further).
_CAREFUL_FIRST = frozenset(FORMULA_STARTS) | {" "}


def _plain_row(row: Sequence[object]) -> bool:
    """True when csv.writer writes every value of `row` as `_csv_value` would (None empty, dates,
    whole numbers and safe text as they are): no text a spreadsheet could run, no float or
    Decimal to format. Most rows of an export are plain and go to the writer untouched, which
    saves converting every cell in Python."""
    for value in row:
        kind = value.__class__
        if kind is str:
            if value[:1] in _CAREFUL_FIRST:  # type: ignore[index]
                return False
        elif kind is float or kind is Decimal:
            return False
    return True


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return csv_text(value)


def write_csv(table: Table, stream: IO[bytes]) -> None:
    """The table as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the accents):
    a header line, one line per unit, the totals line."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        out = csv.writer(text)
        out.writerow([csv_text(text) for text in ["Mã đơn vị", table.unit_heading, *(_heading(c) for c in table.columns)]])
        for row in [*table.rows, table.total]:
            out.writerow([csv_text(row.code), csv_text(row.label)] + [_csv_value(_value(v)) for v in row.values])
    finally:
        text.flush()
        text.detach()


def write_rows_xlsx(title: str, header: list[str], rows: Iterable[Sequence[object]], stream: IO[bytes]) -> int:
    """A plain one-sheet workbook streamed row by row (drill-down exports); the number of rows."""
    wb = new_workbook()
    ws = wb.create_sheet(title[:31])
    ws.append([_cell(ws, text, bold=True) for text in header])
    count = 0
    for row in rows:
        ws.append([xlsx_value(ws, _value(v)) for v in row])
        count += 1
    wb.save(stream)
    return count


def write_rows_csv(header: list[str], rows: Iterable[Sequence[object]], stream: IO[bytes]) -> int:
    """The same as CSV; the number of rows."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    count = 0
    try:
        out = csv.writer(text)
        out.writerow([csv_text(text) for text in header])
        for row in rows:
            out.writerow(row if _plain_row(row) else [_csv_value(_value(v)) for v in row])
            count += 1
    finally:
        text.flush()
        text.detach()
    return count


__all__ = ["heading_grid", "new_workbook", "write_csv", "write_rows_csv", "write_rows_xlsx", "write_xlsx"]
