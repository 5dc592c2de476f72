"""Reading a reception register (sổ tiếp công dân, Mẫu 03/TCD) or a petition register as offices
export them (NOTICES.md, "Registers to import"): a title, a header of one or two rows found by its
words rather than its position, Excel serial dates, name + address + identity packed in one
cell, "Khiếu nại/ 3" packed kind and head count, kinds outside the law's four, tick-mark columns
for the handling. Each row becomes a `RegisterRow`, or a `RowProblem` saying why not."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from tracker.text import fold

HEADER_SCAN_ROWS = 20
EXCEL_EPOCH = dt.date(1899, 12, 30)
# The column a header names, by words found in it (accents folded); the first match wins.
COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("number", ("stt", "so thu tu")),
    ("date", ("ngay tiep", "ngay nhan", "ngay")),
    ("name", ("ho ten", "ho va ten", "nguoi dung don", "cong dan")),
    ("content", ("noi dung", "tom tat")),
    ("kind", ("loai don", "phan loai", "loai")),
    ("persons", ("so nguoi",)),
    ("identity", ("cccd", "cmnd", "ho chieu", "dinh danh")),
    ("address", ("dia chi",)),
    ("resolved_by", ("da giai quyet", "da duoc giai quyet")),
    ("guided", ("huong dan", "tra lai")),
    ("forwarded", ("chuyen don", "co quan thu ly", "chuyen")),
    ("competent", ("thuoc tham quyen", "thu ly")),
    ("leader", ("lanh dao", "nguoi tiep")),
    ("result", ("ket qua", "theo doi")),
    ("note", ("ghi chu",)),
)
REQUIRED = ("date", "name", "content")
KINDS = (
    ("khieu nai", "complaint"), ("to cao", "denunciation"), ("kien nghi", "recommendation"), ("phan anh", "feedback"),
    # Outside the law's four kinds, as real registers write them (TT 05/2021 classes them with recommendations and feedback).
    ("tranh chap", "recommendation"), ("dan nguyen", "feedback"), ("dan su", "feedback"), ("de nghi", "recommendation"),
)
IDENTITY = re.compile(r"(?:CCCD|CMND|CMT|Hộ chiếu|HC|ĐDCN|số định danh)?[:\s.]*\b(\d{12}|\d{9}|[A-Z]\d{7})\b", re.IGNORECASE)
TICK = {"x", "v", "✓", "✔", "1", "+", "có", "co"}


class RegisterError(ValueError):
    """The file is not a register the importer can read (no header found, not a workbook)."""


@dataclass(frozen=True)
class RegisterRow:
    """One petition of the register, ready for intake."""

    line: int  # the spreadsheet row number
    received_on: dt.date
    full_name: str | None
    address: str | None
    id_number: str | None
    content: str
    kind: str
    kind_written: str  # the kind as the register wrote it
    persons: int
    accepted: bool
    guided_to: str | None
    forwarded_to: str | None
    leader: str | None
    note: str | None

    @property
    def key(self) -> str:
        """The row's fingerprint: the same petition read twice gives the same key."""
        parts = (self.received_on.isoformat(), fold(self.full_name or ""), self.id_number or "", fold(self.content), self.kind)
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class RowProblem:
    """A row that cannot be taken, and why (Vietnamese / English)."""

    line: int
    reason: str
    values: tuple[str, ...] = ()


@dataclass
class Header:
    """Where the header is and which column holds what."""

    last_row: int
    columns: dict[str, int] = field(default_factory=dict)
    reception: bool = False  # a reception register (sổ tiếp công dân): each row is also a visit


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _match(label: str, taken: dict[str, int] | None = None) -> str | None:
    """The first column name whose words the label holds and that no earlier column took
    ("Số người cùng nội dung" is the head count once "Nội dung" is the content)."""
    folded = fold(label)
    for name, words in COLUMNS:
        if taken and name in taken:
            continue
        if any(re.search(rf"\b{re.escape(w)}\b", folded) for w in words):
            return name
    return None


def find_header(rows: list[tuple[Any, ...]]) -> Header:
    """The header: the first row naming a date, a name and a content, merged with the row under it
    when that row holds sub-headings (the handling split into tick columns) rather than data."""
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found: dict[str, int] = {}
        for col, value in enumerate(row):
            name = _match(_text(value), found)
            if name:
                found[name] = col
        if all(r in found for r in REQUIRED):
            header = Header(last_row=index, columns=found, reception="tiep" in fold(_text(row[found["date"]])))
            below = rows[index + 1] if index + 1 < len(rows) else ()
            if below and not _looks_like_data(below, found):
                header.last_row = index + 1
                for col, value in enumerate(below):
                    name = _match(_text(value))  # a sub-heading names its own column, whatever the row above took
                    if name:
                        header.columns[name] = col
            return header
    raise RegisterError("Không tìm thấy dòng tiêu đề (cần các cột ngày, họ tên, nội dung) / no header row found "
                        "(it needs date, name and content columns)")


def _looks_like_data(row: tuple[Any, ...], columns: dict[str, int]) -> bool:
    cell = row[columns["date"]] if columns["date"] < len(row) else None
    return isinstance(cell, int | float | dt.date) and not isinstance(cell, bool)


def parse_date(value: Any) -> dt.date | None:
    """An Excel serial number, a date cell, or dd/mm/yyyy text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2_958_466:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        return None
    text = _text(value)
    match = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
    if match:
        try:
            return dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        except ValueError:
            return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def split_person(cell: str) -> tuple[str | None, str | None, str | None]:
    """"Nguyễn Văn An, ấp Long Bình, CCCD 079090001111" -> (name, address, identity number)."""
    identity = None
    found = IDENTITY.search(cell)
    if found:
        identity = found.group(1)
        cell = (cell[: found.start()] + cell[found.end():])
    parts = [p.strip(" ,;-–") for p in re.split(r"[,;\n]| - | – ", cell) if p.strip(" ,;-–")]
    if not parts:
        return None, None, identity
    name, rest = parts[0], parts[1:]
    for prefix in ("Ông ", "Bà ", "ông ", "bà ", "Ông/bà ", "Ông/Bà "):
        if name.startswith(prefix):
            name = name[len(prefix):]
    return name or None, ", ".join(rest) or None, identity


def parse_kind(cell: str, content: str) -> tuple[str, int | None, str]:
    """"Khiếu nại/ 3" -> ("complaint", 3, "Khiếu nại"); an empty kind is read from the content."""
    written, count = cell, None
    match = re.match(r"^(.*?)[/\-]\s*(\d+)\s*$", cell)
    if match:
        written, count = match.group(1).strip(), int(match.group(2))
    folded = fold(written) or fold(content)
    for words, kind in KINDS:
        if words in folded:
            return kind, count, written
    return "recommendation", count, written


def _ticked(value: Any) -> bool:
    return fold(_text(value)) in TICK


@dataclass(frozen=True)
class Register:
    """What a register file holds."""

    rows: list[RegisterRow]
    problems: list[RowProblem]
    seen: int  # data rows, blank rows left out
    reception: bool


def read(path: str | Path) -> Register:
    """Every row of the first sheet: the petitions, the problems, and the number of data rows seen."""
    try:
        workbook = load_workbook(str(path), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any unreadable file is the same refusal
        raise RegisterError(f"Không đọc được tệp Excel / cannot read the workbook: {type(error).__name__}") from None
    try:
        sheet = workbook.worksheets[0]
        rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    header = find_header(rows)
    good: list[RegisterRow] = []
    bad: list[RowProblem] = []
    seen = 0
    for index in range(header.last_row + 1, len(rows)):
        row = rows[index]
        if not any(_text(v) for v in row):
            continue
        seen += 1
        result = _row(index + 1, row, header.columns)
        (good if isinstance(result, RegisterRow) else bad).append(result)  # type: ignore[arg-type]
    return Register(good, bad, seen, header.reception)


def _row(line: int, row: tuple[Any, ...], columns: dict[str, int]) -> RegisterRow | RowProblem:
    def cell(name: str) -> Any:
        col = columns.get(name)
        return row[col] if col is not None and col < len(row) else None

    values = tuple(_text(v) for v in row)
    received_on = parse_date(cell("date"))
    if received_on is None:
        return RowProblem(line, f"Ngày tiếp không hợp lệ ({_text(cell('date')) or 'trống'}) / invalid or missing date", values)
    content = _text(cell("content"))
    if not content:
        return RowProblem(line, "Thiếu nội dung / no content", values)
    name, address, identity = split_person(_text(cell("name")))
    if columns.get("address") not in (None, columns.get("name")) and _text(cell("address")):
        address = _text(cell("address"))
    if _text(cell("identity")):
        identity = _text(cell("identity"))
    kind, count, written = parse_kind(_text(cell("kind")), content)
    persons_cell = _text(cell("persons"))
    if persons_cell and not persons_cell.isdigit():
        return RowProblem(line, f"Số người không hợp lệ ({persons_cell}) / invalid number of people", values)
    persons = int(persons_cell) if persons_cell else (count or 1)
    if persons < 1 or persons > 10_000:
        return RowProblem(line, f"Số người không hợp lệ ({persons}) / invalid number of people", values)
    if name is None and kind == "complaint":
        return RowProblem(line, "Đơn khiếu nại thiếu họ tên người khiếu nại / a complaint without the complainant's name", values)
    guided_text, forwarded_text = _text(cell("guided")), _text(cell("forwarded"))
    guided = (guided_text if not _ticked(cell("guided")) else "cơ quan có thẩm quyền") if guided_text else None
    forwarded = (forwarded_text if not _ticked(cell("forwarded")) else "cơ quan có thẩm quyền") if forwarded_text else None
    accepted = _ticked(cell("competent")) and not guided and not forwarded
    return RegisterRow(line=line, received_on=received_on, full_name=name, address=address, id_number=identity,
                       content=content, kind=kind, kind_written=written, persons=persons, accepted=accepted,
                       guided_to=guided, forwarded_to=forwarded, leader=_text(cell("leader")) or None,
                       note=_text(cell("note")) or None)
