"""Build the packaged DOCX templates of the written acts, laid out per ND 30/2020 Appendix I.

    python -m tracker.acts.build_templates [OUTPUT_DIR]

Writes `<version>/<key>.docx` for every act of `tracker.acts.catalog` and both template
versions (`2021`: before 01/07/2026; `2026`: ND 154/155/156/2026). The templates hold
docxtpl (Jinja) tags that `tracker.acts.render` fills from a case; a province replaces them
with its own wording by putting files of the same names under `ACTS_TEMPLATES_DIR`.
Reproducible: the generated files are committed, and running this again rewrites them.
"""
from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from tracker.acts.catalog import ACTS, Act

HERE = Path(__file__).with_name("templates")
FONT = "Times New Roman"
VERSIONS = ("2021", "2026")

# The legal basis each version cites (NOTICES.md, DOMAIN.md §3).
BASIS = {
    "2021": {
        "tcd": "Luật Tiếp công dân năm 2013; Nghị định số 64/2014/NĐ-CP; Thông tư số 04/2021/TT-TTCP",
        "kn": "Luật Khiếu nại năm 2011; Nghị định số 124/2020/NĐ-CP ngày 19/10/2020 của Chính phủ",
        "tc": "Luật Tố cáo năm 2018; Nghị định số 31/2019/NĐ-CP ngày 10/4/2019 của Chính phủ",
        "xld": "Thông tư số 05/2021/TT-TTCP ngày 01/10/2021 của Thanh tra Chính phủ",
    },
    "2026": {
        "tcd": "Luật Tiếp công dân năm 2013, sửa đổi bởi Luật số 136/2025/QH15; Nghị định số 154/2026/NĐ-CP",
        "kn": "Luật Khiếu nại năm 2011, sửa đổi bởi Luật số 136/2025/QH15; Nghị định số 124/2020/NĐ-CP, "
              "sửa đổi bởi Nghị định số 155/2026/NĐ-CP",
        "tc": "Luật Tố cáo năm 2018, sửa đổi bởi Luật số 136/2025/QH15; Nghị định số 31/2019/NĐ-CP, "
              "sửa đổi bởi Nghị định số 156/2026/NĐ-CP",
        "xld": "Thông tư số 05/2021/TT-TTCP ngày 01/10/2021 của Thanh tra Chính phủ",
    },
}


def _font(run, size: float, *, bold: bool = False, italic: bool = False) -> None:  # type: ignore[no-untyped-def]
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold, run.italic = bold, italic
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _para(container, text: str = "", *, size: float = 14, bold: bool = False, italic: bool = False,  # type: ignore[no-untyped-def]
          align: WD_ALIGN_PARAGRAPH | None = None, indent: bool = False, after: float = 0) -> Paragraph:
    p = container.add_paragraph()
    if text:
        _font(p.add_run(text), size, bold=bold, italic=italic)
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(after)
    if indent:
        fmt.first_line_indent = Cm(1)
    return p


def _first_para(cell: _Cell, text: str, **kw) -> Paragraph:  # type: ignore[no-untyped-def]
    p = cell.paragraphs[0]
    _font(p.add_run(text), kw.get("size", 13), bold=kw.get("bold", False), italic=kw.get("italic", False))
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def _page(document) -> None:  # type: ignore[no-untyped-def]
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _header(document, act: Act) -> None:  # type: ignore[no-untyped-def]
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(9.5)
    _first_para(left, "{{ parent_body }}", size=13)
    _para(left, "{{ issuing_body }}", size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(left, "———————", size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(left, "Số: {{ number }}", size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    if not act.title:  # a letter says what it is about under its number
        _para(left, "V/v {{ act_subject|lower }}", size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _first_para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True)
    _para(right, "Độc lập - Tự do - Hạnh phúc", size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(right, "———————————", size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(right, "{{ place }}, {{ date_line }}", size=14, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(document, "")


def _title(document, act: Act, version: str) -> None:  # type: ignore[no-untyped-def]
    if act.title:
        _para(document, act.title, size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _para(document, f"Về việc {act.subject[0].lower()}{act.subject[1:]}", size=14, bold=True,
              align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(document, f"({act.form[0] if version == '2021' else act.form[1]})", size=11, italic=True,
          align=WD_ALIGN_PARAGRAPH.CENTER, after=6)


def _addressee(document) -> None:  # type: ignore[no-untyped-def]
    _para(document, "Kính gửi: {{ addressee }}", size=14, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)


def _body(document, paragraphs: list[str]) -> None:  # type: ignore[no-untyped-def]
    for text in paragraphs:
        if text.startswith("{%p"):
            _para(document, text)
        else:
            _para(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True, after=3)


def _closing(document) -> None:  # type: ignore[no-untyped-def]
    _para(document, "")
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(7.5), Cm(8.5)
    p = left.paragraphs[0]
    _font(p.add_run("Nơi nhận:"), 12, bold=True, italic=True)
    _para(left, "{%p for copy in copies %}", size=11)
    _para(left, "- {{ copy }}", size=11)
    _para(left, "{%p endfor %}", size=11)
    _first_para(right, "{{ signer_authority }}", size=13, bold=True)
    _para(right, "{{ signer_title }}", size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(right, "(Ký, ghi rõ họ tên, đóng dấu)", size=13, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for _ in range(3):
        _para(right, "", size=13)
    _para(right, "{{ signer_name }}", size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)


def _receipt_table(document) -> None:  # type: ignore[no-untyped-def]
    table = document.add_table(rows=3, cols=4)
    table.style = document.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, ("STT", "Tên thông tin, tài liệu, bằng chứng", "Số trang",
                                                "Bản chính / bản sao"), strict=True):
        _first_para(cell, text, size=12, bold=True)
    table.rows[1].cells[0].paragraphs[0].add_run("{%tr for d in received_documents %}")
    for cell, text in zip(table.rows[2].cells, ("{{ loop.index }}", "{{ d.name }}", "{{ d.pages }}", "{{ d.form }}"), strict=True):
        _first_para(cell, text, size=12)
    row = table.add_row()
    row.cells[0].paragraphs[0].add_run("{%tr endfor %}")


def _minutes_signatures(document) -> None:  # type: ignore[no-untyped-def]
    _para(document, "")
    table = document.add_table(rows=3, cols=2)
    labels = ("NGƯỜI GIẢI QUYẾT (CHỦ TRÌ)", "NGƯỜI GHI BIÊN BẢN", "NGƯỜI KHIẾU NẠI", "NGƯỜI BỊ KHIẾU NẠI",
              "NGƯỜI CÓ QUYỀN, NGHĨA VỤ LIÊN QUAN", "ĐẠI DIỆN CƠ QUAN, TỔ CHỨC")
    for cell, label in zip([c for r in table.rows for c in r.cells], labels, strict=True):
        _first_para(cell, label, size=12, bold=True)
        _para(cell, "(Ký, ghi rõ họ tên)", size=12, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _para(cell, "", size=12)


# -- the bodies: what each act says (NOTICES.md, "The acts, with what each holds") ----------------

def _bodies(version: str) -> dict[str, list[str]]:
    b = BASIS[version]
    accept_days = ("Thời hạn thông báo thụ lý hoặc không thụ lý bằng văn bản là 07 ngày làm việc (Điều 16.1 Nghị định số "
                   "124/2020/NĐ-CP sửa đổi bởi Nghị định số 155/2026/NĐ-CP)." if version == "2026" else
                   "Thời hạn thụ lý là 10 ngày kể từ ngày nhận được khiếu nại (Điều 27 Luật Khiếu nại).")
    return {
        "receipt": [
            f"Căn cứ {b['tcd']};",
            "Hồi {{ received_time }}, ngày {{ received_date }}, tại {{ place_received }}, tôi là {{ officer_name }}, "
            "chức vụ {{ officer_title }}, đã nhận của ông/bà {{ petitioner_name }}, số định danh cá nhân/CCCD/hộ chiếu "
            "{{ petitioner_id }}, địa chỉ {{ petitioner_address }} các thông tin, tài liệu, bằng chứng sau:",
            "{{ tables }}",
            "Nội dung: {{ case_subject }}. Mã hồ sơ để tra cứu: {{ tracking_code }} (tra cứu tại {{ track_url }}).",
            "Giấy biên nhận được lập thành 02 bản, mỗi bên giữ 01 bản.",
        ],
        "refusal_to_receive": [
            f"Căn cứ {b['tcd']};",
            "Ngày {{ received_date }}, ông/bà {{ petitioner_name }}, số định danh cá nhân/CCCD {{ petitioner_id }}, địa chỉ "
            "{{ petitioner_address }} đến {{ issuing_body_name }} trình bày về việc: {{ case_subject }}.",
            "{{ issuing_body_name }} từ chối tiếp công dân với lý do: {{ reason }}.",
            "Thông báo này được gửi trong thời hạn 03 ngày làm việc kể từ ngày từ chối tiếp.",
        ],
        "complaint_accepted": [
            f"Căn cứ {b['kn']};",
            "Ngày {{ received_date }}, {{ issuing_body_name }} nhận được đơn khiếu nại {{ round_label }} của ông/bà "
            "{{ petitioner_name }}, số định danh cá nhân/CCCD {{ petitioner_id }}, địa chỉ {{ petitioner_address }}, "
            "khiếu nại về việc: {{ case_subject }}.",
            "Sau khi xem xét, khiếu nại đủ điều kiện thụ lý. {{ issuing_body_name }} thụ lý giải quyết khiếu nại "
            "{{ round_label }} từ ngày {{ accepted_date }}; thời hạn giải quyết đến ngày {{ due_date }}.",
            accept_days,
        ],
        "complaint_refused": [
            f"Căn cứ {b['kn']};",
            "Ngày {{ received_date }}, {{ issuing_body_name }} nhận được đơn khiếu nại của ông/bà {{ petitioner_name }}, "
            "địa chỉ {{ petitioner_address }}, về việc: {{ case_subject }}.",
            "Khiếu nại không đủ điều kiện thụ lý theo Điều 11 Luật Khiếu nại, với lý do: {{ reason }}.",
            accept_days,
        ],
        "acceptance_proposal": [
            f"Căn cứ {b['xld']};",
            "Đơn của: {{ petitioner_line }}. Mã hồ sơ {{ tracking_code }}, nhận ngày {{ received_date }}.",
            "Nội dung đơn: {{ case_subject }}. {{ case_content }}",
            "Kết quả giải quyết trước đó (nếu có): {{ earlier_resolution }}.",
            "Đề xuất: thụ lý giải quyết {{ kind_label|lower }}, giao {{ resolving_unit_name }} giải quyết.",
        ],
        "forwarding_slip": [
            f"Căn cứ {b['xld']};",
            "Ngày {{ received_date }}, {{ issuing_body_name }} nhận được {{ kind_label|lower }} của {{ petitioner_line }}, "
            "nội dung: {{ case_subject }}.",
            "Căn cứ quy định của pháp luật, {{ issuing_body_name }} chuyển đơn đến {{ forward_to }} để xem xét, giải quyết "
            "theo thẩm quyền và thông báo kết quả cho {{ issuing_body_name }}.",
        ],
        "guidance_slip": [
            f"Căn cứ {b['xld']};",
            "Ngày {{ received_date }}, {{ issuing_body_name }} nhận được đơn của ông/bà {{ petitioner_name }}, địa chỉ "
            "{{ petitioner_address }}, nội dung: {{ case_subject }}.",
            "Nội dung đơn không thuộc thẩm quyền giải quyết của {{ issuing_body_name }}. Đề nghị ông/bà gửi đơn đến "
            "{{ guide_to }} để được xem xét, giải quyết theo quy định.",
        ],
        "urging_letter": [
            f"Căn cứ {b['xld']};",
            "Ngày {{ forwarded_date }}, {{ issuing_body_name }} đã chuyển đến {{ resolving_unit_name }} {{ kind_label|lower }} "
            "mã {{ tracking_code }}, nội dung: {{ case_subject }}.",
            "Đến nay đã quá thời hạn giải quyết (hạn {{ due_date }}) nhưng chưa nhận được kết quả. Đề nghị {{ resolving_unit_name }} "
            "khẩn trương giải quyết và báo cáo kết quả về {{ issuing_body_name }}.",
        ],
        "denunciation_accepted": [
            f"Căn cứ {b['tc']};",
            "Ngày {{ received_date }}, {{ issuing_body_name }} nhận được đơn tố cáo của ông/bà {{ petitioner_name }}, "
            "số định danh cá nhân/CCCD {{ petitioner_id }}, địa chỉ {{ petitioner_address }}, tố cáo về việc: {{ case_subject }}.",
            "{{ issuing_body_name }} đã thụ lý tố cáo từ ngày {{ accepted_date }}; thời hạn giải quyết không quá 30 ngày, "
            "đến ngày {{ due_date }}.",
            "Người tố cáo có quyền và nghĩa vụ theo Điều 9 Luật Tố cáo; thông tin về người tố cáo được giữ bí mật.",
        ],
        "denunciation_refused": [
            f"Căn cứ {b['tc']};",
            "Ngày {{ received_date }}, {{ issuing_body_name }} nhận được đơn tố cáo của ông/bà {{ petitioner_name }}, địa chỉ "
            "{{ petitioner_address }}, về việc: {{ case_subject }}.",
            "{{ issuing_body_name }} không thụ lý tố cáo với lý do: {{ reason }}.",
        ],
        "denunciation_acceptance_decision": [
            f"Căn cứ {b['tc']};",
            "Xét đơn tố cáo mã {{ tracking_code }} nhận ngày {{ received_date }} (thông tin người tố cáo được giữ bí mật),",
            "QUYẾT ĐỊNH:",
            "Điều 1. Thụ lý tố cáo về việc: {{ case_subject }}. Thời hạn giải quyết: 30 ngày kể từ ngày {{ accepted_date }}, "
            "đến ngày {{ due_date }}.",
            "Điều 2. Thành lập Tổ xác minh nội dung tố cáo gồm: {{ team }}. Tổ xác minh thực hiện nhiệm vụ trong thời hạn giải quyết.",
            "Điều 3. {{ resolving_unit_name }} và các cá nhân có tên tại Điều 2 chịu trách nhiệm thi hành Quyết định này.",
        ],
        "dialogue_minutes": [
            f"Căn cứ {b['kn']};",
            "Vào hồi {{ dialogue_time }}, ngày {{ dialogue_date }}, tại {{ issuing_body_name }}, tiến hành đối thoại giải quyết "
            "khiếu nại {{ round_label }} của ông/bà {{ petitioner_name }} về việc: {{ case_subject }}.",
            "Thông báo đối thoại bằng văn bản ngày {{ notified_date }}.",
            "Thành phần: người giải quyết (chủ trì): {{ chair }}; người ghi biên bản: {{ clerk }}; người khiếu nại: "
            "{{ petitioner_name }} ({{ complainant_presence }}); người bị khiếu nại; người có quyền, nghĩa vụ liên quan; "
            "cơ quan, tổ chức có liên quan.",
            "Nội dung đối thoại: {{ dialogue_content }}",
            "Kết quả đối thoại: {{ dialogue_result }}",
            "Buổi đối thoại kết thúc hồi {{ dialogue_end }} cùng ngày. Biên bản đã được đọc lại cho những người tham dự nghe và ký tên.",
        ],
        "suspension_decision": [
            f"Căn cứ {b['kn']};" if version == "2026" else f"Căn cứ {b['kn']}; {b['tc']};",
            "Xét việc giải quyết {{ kind_label|lower }} mã {{ tracking_code }} về việc: {{ case_subject }},",
            "QUYẾT ĐỊNH:",
            "Điều 1. Tạm đình chỉ việc giải quyết kể từ ngày ký, vì lý do: {{ reason }}.",
            "Điều 2. Quyết định được gửi trong thời hạn 03 ngày làm việc (chậm nhất ngày {{ send_due_date }}) cho người khiếu nại, "
            "người bị khiếu nại và người có quyền, nghĩa vụ liên quan.",
            "Điều 3. {{ resolving_unit_name }} chịu trách nhiệm thi hành Quyết định này.",
        ],
        "resumption_decision": [
            f"Căn cứ {b['kn']};",
            "Xét lý do tạm đình chỉ việc giải quyết {{ kind_label|lower }} mã {{ tracking_code }} nay không còn,",
            "QUYẾT ĐỊNH:",
            "Điều 1. Tiếp tục giải quyết kể từ ngày ký ({{ issued_date }}); thời hạn giải quyết đến ngày {{ due_date }}. "
            "Lý do: {{ reason }}.",
            "Điều 2. {{ resolving_unit_name }} chịu trách nhiệm thi hành Quyết định này.",
        ],
        "extension_decision": [
            f"Căn cứ {b['kn']}; {b['tc']};",
            "Xét vụ việc mã {{ tracking_code }} về việc: {{ case_subject }} có tính chất phức tạp ({{ reason }}),",
            "QUYẾT ĐỊNH:",
            "Điều 1. Gia hạn thời hạn giải quyết đến ngày {{ due_date }}.",
            "Điều 2. {{ resolving_unit_name }} chịu trách nhiệm thi hành Quyết định này.",
        ],
        "complaint_decision": [
            f"Căn cứ {b['kn']};",
            "Xét đơn khiếu nại {{ round_label }} của ông/bà {{ petitioner_name }}, địa chỉ {{ petitioner_address }}, "
            "khiếu nại về việc: {{ case_subject }}.",
            "Kết quả xác minh và đối thoại: {{ decision_summary }}",
            "QUYẾT ĐỊNH:",
            "Điều 1. Khiếu nại là {{ outcome_label }}. {{ amounts_line }}",
            "Điều 2. Trong thời hạn {{ appeal_days }} ngày kể từ ngày nhận được Quyết định này, nếu không đồng ý, người khiếu nại "
            "có quyền {{ appeal_right }}.",
            "Điều 3. {{ resolving_unit_name }} và các cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này.",
        ],
        "denunciation_conclusion": [
            f"Căn cứ {b['tc']};",
            "Xét nội dung tố cáo mã {{ tracking_code }} về việc: {{ case_subject }}, và kết quả xác minh,",
            "Kết luận: tố cáo là {{ outcome_label }}. {{ decision_summary }}",
            "{{ amounts_line }}",
            "Các biện pháp xử lý theo thẩm quyền và kiến nghị: theo Điều 35 Luật Tố cáo.",
        ],
    }


def build_one(act: Act, version: str, target: Path) -> None:
    """Write the template of `act` for `version` to `target`."""
    document = Document()
    props = document.core_properties
    props.author = props.last_modified_by = "Petition & Dialogue Tracker"
    props.title = act.title or act.subject
    props.created = props.modified = dt.datetime(2026, 7, 1)  # the same file each run, whatever the day
    _page(document)
    _header(document, act)
    _title(document, act, version)
    if act.key not in ("receipt", "acceptance_proposal", "denunciation_acceptance_decision", "dialogue_minutes",
                       "suspension_decision", "resumption_decision", "extension_decision", "complaint_decision",
                       "denunciation_conclusion"):
        _addressee(document)
    for text in _bodies(version)[act.key]:
        if text == "{{ tables }}":
            _receipt_table(document)
            continue
        _body(document, [text])
    if act.key == "dialogue_minutes":
        _minutes_signatures(document)
    else:
        _closing(document)
    target.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(target))


def build(out: Path = HERE, log: Callable[[str], None] = print) -> list[Path]:
    """Every template of every version."""
    made = []
    for version in VERSIONS:
        for act in ACTS:
            target = out / version / f"{act.key}.docx"
            build_one(act, version, target)
            made.append(target)
            log(str(target))
    return made


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
