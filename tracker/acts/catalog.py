"""Which acts exist, what each is for, and the template version in force on a date.

Marks follow NOTICES.md: form numbers of ND 154/155/156/2026 and TT 05/2021 not seen in a
signed text are inferred (U) and carried only as the template's label."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

PETITIONS = ("complaint", "denunciation", "recommendation", "feedback")
# ND 154, 155, 156/2026/NĐ-CP take effect with Law 136/2025/QH15.
VERSION_2026_FROM = dt.date(2026, 7, 1)


@dataclass(frozen=True)
class Act:
    """One kind of written act."""

    key: str
    title: str  # the act's name as printed (THÔNG BÁO, QUYẾT ĐỊNH...)
    subject: str  # "Về việc ..."
    type_code: str  # ND 30/2020 abbreviation in the number ("TB" in 05/TB-UBND); "" for a letter
    document_kind: str  # the kind of the stored document
    kinds: tuple[str, ...]  # case kinds it is made for
    step: str  # the trigger whose people may issue it ("intake" for the desk's acts)
    form: tuple[str, str]  # the template's label before 2026-07-01, and from then
    to_citizen: bool = False  # the citizen must receive it: its delivery is tracked
    names_denouncer: bool = False  # addressed to the denouncer or kept in the sealed file
    send_within_working_days: int | None = None  # a legal time to send it after signing


ACTS: tuple[Act, ...] = (
    Act("receipt", "GIẤY BIÊN NHẬN", "Tiếp nhận thông tin, tài liệu, bằng chứng", "BN", "receipt", PETITIONS, "intake",
        ("Mẫu số 02/TCD, TT 04/2021/TT-TTCP", "Mẫu số 02/TCD, NĐ 154/2026/NĐ-CP"), to_citizen=True, names_denouncer=True),
    Act("refusal_to_receive", "THÔNG BÁO", "Từ chối tiếp công dân", "TB", "notice", PETITIONS, "file",
        ("Mẫu số 01/TCD, TT 04/2021/TT-TTCP", "Mẫu số 01/TCD, NĐ 154/2026/NĐ-CP"), to_citizen=True, names_denouncer=True,
        send_within_working_days=3),
    Act("complaint_accepted", "THÔNG BÁO", "Thụ lý giải quyết khiếu nại", "TB", "notice", ("complaint",), "accept",
        ("Mẫu số 03, NĐ 124/2020/NĐ-CP", "Mẫu số 03, NĐ 124/2020/NĐ-CP sửa đổi bởi NĐ 155/2026/NĐ-CP"), to_citizen=True),
    Act("complaint_refused", "THÔNG BÁO", "Không thụ lý giải quyết khiếu nại", "TB", "notice", ("complaint",), "file",
        ("Mẫu số 04, NĐ 124/2020/NĐ-CP", "Mẫu số 04, NĐ 124/2020/NĐ-CP sửa đổi bởi NĐ 155/2026/NĐ-CP"), to_citizen=True),
    Act("acceptance_proposal", "PHIẾU ĐỀ XUẤT THỤ LÝ", "Đề xuất thụ lý đơn", "PĐX", "other", PETITIONS, "accept",
        ("TT 05/2021/TT-TTCP", "TT 05/2021/TT-TTCP")),
    Act("forwarding_slip", "PHIẾU CHUYỂN ĐƠN", "Chuyển đơn đến cơ quan có thẩm quyền", "PC", "slip", PETITIONS, "forward",
        ("TT 05/2021/TT-TTCP", "TT 05/2021/TT-TTCP")),
    Act("guidance_slip", "PHIẾU HƯỚNG DẪN", "Hướng dẫn gửi đơn đến cơ quan có thẩm quyền", "HD", "slip", PETITIONS, "guide",
        ("TT 05/2021/TT-TTCP", "TT 05/2021/TT-TTCP"), to_citizen=True, names_denouncer=True),
    Act("urging_letter", "", "Đôn đốc giải quyết đơn", "", "report", PETITIONS, "urge",
        ("TT 05/2021/TT-TTCP", "TT 05/2021/TT-TTCP")),
    # The resolving authority notifies the denouncer and sets up the verification team.
    Act("denunciation_accepted", "THÔNG BÁO", "Thụ lý tố cáo", "TB", "notice", ("denunciation",), "start_verification",
        ("NĐ 31/2019/NĐ-CP", "NĐ 31/2019/NĐ-CP sửa đổi bởi NĐ 156/2026/NĐ-CP"), to_citizen=True, names_denouncer=True),
    Act("denunciation_refused", "THÔNG BÁO", "Không thụ lý tố cáo", "TB", "notice", ("denunciation",), "file",
        ("NĐ 31/2019/NĐ-CP", "NĐ 31/2019/NĐ-CP sửa đổi bởi NĐ 156/2026/NĐ-CP"), to_citizen=True, names_denouncer=True),
    Act("denunciation_acceptance_decision", "QUYẾT ĐỊNH", "Thụ lý tố cáo và thành lập Tổ xác minh nội dung tố cáo", "QĐ",
        "decision", ("denunciation",), "start_verification",
        ("NĐ 31/2019/NĐ-CP", "NĐ 31/2019/NĐ-CP sửa đổi bởi NĐ 156/2026/NĐ-CP")),
    Act("dialogue_minutes", "BIÊN BẢN", "Đối thoại giải quyết khiếu nại", "BB", "minutes", ("complaint",), "record_dialogue",
        ("Mẫu số 14, NĐ 124/2020/NĐ-CP", "Mẫu số 14, NĐ 124/2020/NĐ-CP sửa đổi bởi NĐ 155/2026/NĐ-CP")),
    Act("suspension_decision", "QUYẾT ĐỊNH", "Tạm đình chỉ việc giải quyết", "QĐ", "decision", ("complaint", "denunciation"),
        "suspend", ("NĐ 124/2020/NĐ-CP; NĐ 31/2019/NĐ-CP", "Mẫu số 14a, NĐ 155/2026/NĐ-CP"), to_citizen=True,
        send_within_working_days=3),
    Act("resumption_decision", "QUYẾT ĐỊNH", "Tiếp tục giải quyết", "QĐ", "decision", ("complaint", "denunciation"), "resume",
        ("NĐ 124/2020/NĐ-CP; NĐ 31/2019/NĐ-CP", "Mẫu số 14b, NĐ 155/2026/NĐ-CP"), to_citizen=True),
    Act("extension_decision", "QUYẾT ĐỊNH", "Gia hạn thời hạn giải quyết", "QĐ", "decision", ("complaint", "denunciation"),
        "extend", ("NĐ 124/2020/NĐ-CP; NĐ 31/2019/NĐ-CP", "NĐ 155/2026/NĐ-CP; NĐ 156/2026/NĐ-CP"), to_citizen=True),
    Act("complaint_decision", "QUYẾT ĐỊNH", "Giải quyết khiếu nại", "QĐ", "decision", ("complaint",), "resolve",
        ("NĐ 124/2020/NĐ-CP", "NĐ 124/2020/NĐ-CP"), to_citizen=True),
    Act("denunciation_conclusion", "KẾT LUẬN", "Nội dung tố cáo", "KL", "conclusion", ("denunciation",), "resolve",
        ("NĐ 31/2019/NĐ-CP", "NĐ 31/2019/NĐ-CP sửa đổi bởi NĐ 156/2026/NĐ-CP"), to_citizen=True),
)
BY_KEY = {act.key: act for act in ACTS}
KEYS = tuple(BY_KEY)


def version_for(on: dt.date) -> str:
    """The template version in force on the act's date: `2026` from 01/07/2026, else `2021`."""
    return "2026" if on >= VERSION_2026_FROM else "2021"
