"""Text cells that a spreadsheet program will never run (OWASP "CSV injection").

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return (or their
full-width forms, which some spreadsheet programs fold) is read as a formula: a case subject
such as `=HYPERLINK("http://…"&B3,"Xem")` would become a live link carrying the row's data.
In CSV such a text gets a leading apostrophe; in a workbook it is stored as text with
Excel's own quote prefix, so the reader sees the petitioner's words exactly, never a formula.
"""
from __future__ import annotations

from typing import Any

from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet program could read `text` as a formula."""
    return text.lstrip(" ").startswith(FORMULA_STARTS)


def csv_text(value: object) -> object:
    """`value`, with a leading apostrophe when it is text a spreadsheet could run."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def as_text(cell: WriteOnlyCell) -> WriteOnlyCell:
    """Mark a workbook cell holding text as text (never a formula), whatever it starts with."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if is_formula_like(cell.value):
            cell.quotePrefix = True
    return cell


def xlsx_value(ws: Any, value: object) -> object:
    """A plain value for a streamed row, or a text cell when the text could be read as a formula."""
    if isinstance(value, str) and is_formula_like(value):
        return as_text(WriteOnlyCell(ws, value=value))
    return value
