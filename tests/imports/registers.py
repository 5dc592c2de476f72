"""Generated registers shaped like the real exports NOTICES.md describes, good rows and bad."""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from openpyxl import Workbook

EXCEL_EPOCH = dt.date(1899, 12, 30)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ")
GIVEN = ("Văn An", "Thị Bích", "Minh Châu", "Quốc Dũng", "Thị Hoa", "Văn Hùng")
KINDS = ("Khiếu nại/ 1", "Tố cáo/ 1", "Kiến nghị/ 2", "Phản ánh/ 1", "Tranh chấp/ 1", "Dân nguyện, dân sự/ 1", "", "Khiếu nại/ 6")
CONTENTS = ("Khiếu nại quyết định thu hồi đất ở ấp Long Bình", "Tố cáo cán bộ địa chính nhận tiền", "Kiến nghị sửa đường liên ấp",
            "Phản ánh ô nhiễm từ cơ sở chăn nuôi", "Tranh chấp ranh giới đất với hộ liền kề", "Đề nghị xem xét chế độ chính sách")


def serial(day: dt.date) -> int:
    return (day - EXCEL_EPOCH).days


def header(ws) -> None:  # type: ignore[no-untyped-def]
    ws.append(["SỔ TIẾP CÔNG DÂN NĂM 2025"])
    ws.append([])
    ws.append(["STT", "Ngày tiếp", "Họ tên, địa chỉ, CCCD", "Nội dung tóm tắt", "Loại đơn / số người", "Cơ quan đã giải quyết",
               "Kết quả xử lý", None, None, "Lãnh đạo tiếp", "Ghi chú"])
    ws.append([None, None, None, None, None, None, "Thụ lý (thuộc thẩm quyền)", "Hướng dẫn", "Chuyển đơn", None, None])


def good_row(n: int, rng: random.Random, day: dt.date) -> list[object]:
    name = f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}"
    cccd = f"0790{rng.randint(10**7, 10**8 - 1)}"
    kind = KINDS[n % len(KINDS)]
    content = f"{CONTENTS[n % len(CONTENTS)]} (vụ {n})"
    handling = [None, None, None]
    if n % 3 == 0:
        handling[0] = "x"
    elif n % 3 == 1:
        handling[1] = "Tòa án nhân dân tỉnh"
    return [n, serial(day), f"{name}, ấp Long Bình, phường Long Hoa, CCCD {cccd}", content, kind, None, *handling,
            "Chủ tịch UBND" if n % 10 == 0 else None, None]


def write_register(path: Path, rows: int, *, seed: int = 15, start: dt.date = dt.date(2025, 3, 3), bad: bool = True) -> dict[int, str]:
    """A register of `rows` good rows (and, with `bad`, the bad ones below); returns {sheet row: what is wrong}."""
    rng = random.Random(seed)
    wb = Workbook()
    ws = wb.active
    header(ws)
    for n in range(1, rows + 1):
        ws.append(good_row(n, rng, start + dt.timedelta(days=n % 200)))
    wrong: dict[int, str] = {}
    if bad:
        def add(values: list[object], why: str) -> None:
            ws.append(values)
            wrong[ws.max_row] = why

        add([rows + 1, "32/13/2025", "Lê Văn Bảy, ấp 3", "Khiếu nại tiền bồi thường", "Khiếu nại/ 1", None, "x", None, None, None, None],
            "date")
        add([rows + 2, serial(dt.date(2025, 4, 1)), "", "Khiếu nại không ghi tên", "Khiếu nại/ 1", None, None, None, None, None, None],
            "name")
        add([rows + 3, serial(dt.date(2025, 4, 2)), "Phạm Thị Tám, ấp 4", "", "Kiến nghị/ 1", None, None, None, None, None, None],
            "content")
        add([rows + 4, serial(dt.date(2011, 5, 5)), "Võ Văn Chín, ấp 5", "Khiếu nại đất từ năm 2011", "Khiếu nại/ 1", None, None, None,
             None, None, None], "2011")  # before the earliest rule set: the intake refuses it
        add([rows + 5, serial(dt.date(2025, 4, 3)), "Huỳnh Văn Mười", "Kiến nghị có số người sai", "Kiến nghị/ 1", None, None, None,
             None, None, None], "fine")
        ws.cell(ws.max_row, 5).value = "Kiến nghị/ nhiều"  # not a number of people: read as a kind, 1 person
        del wrong[ws.max_row]
        ws.append([])  # blank rows are skipped, not reported
        add([rows + 6, "", "Lý Văn Mười Một", "Thiếu ngày", "Phản ánh/ 1", None, None, None, None, None, None], "no_date")
    wb.save(str(path))
    return wrong
