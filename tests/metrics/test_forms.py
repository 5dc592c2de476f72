"""The official forms (DOMAIN.md §8): layouts as data, sum rules in every row, the columns'
measures on small hand-computed fixtures, and the workbook laid out as the paper form."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.metrics.conftest import D, random_history
from tracker.metrics.periods import parse_period
from tracker.models import Case
from tracker.reports.layout import LayoutError, all_layouts, layout_for, parse_layout
from tracker.reports.table import form_table
from tracker.services import metrics as metric_services
from tracker.services import reports
from tracker.services.errors import BadRequest

H1 = parse_period("2026-H1", default_scheme="official")  # 15/12/2025 - 14/06/2026


def table(world, session, form, unit="HT", subunits=True, period=H1):  # type: ignore[no-untyped-def]
    layout = layout_for(form, period.end)
    return layout, form_table(session, layout, world.tree[unit], subunits, period)


def column(tbl, number, row=None):  # type: ignore[no-untyped-def]
    """The value of a column, by its number, in the totals or in the row of a unit."""
    target = tbl.total if row is None else next(r for r in tbl.rows if r.code == row)
    return target.values[number - 1]


def test_the_shipped_form_files_cover_the_2021_2024_forms_and_the_six_of_tt06_2025():
    old = [layout for layout in all_layouts() if layout.version != "2025"]
    assert sorted(layout.key for layout in old) == ["01/KQGQ:2021", "01/TCD:2021", "01/XLD:2021", "01/XLD:2024", "03/KQGQ:2021"]
    assert [len(layout.columns) for layout in sorted(old, key=lambda x: x.key)] == [26, 29, 26, 22, 31]
    assert len(all_layouts()) == len(old) + 6
    assert layout_for("01/XLD", D(2023, 6, 14)).version == "2021"
    assert layout_for("01/XLD", D(2025, 6, 14)).version == "2024"


def test_a_form_file_that_does_not_hold_together_is_refused():
    good = '''code = "X"\nversion = "1"\ncircular = "c"\nin_force_from = 2021-01-01\ntitle = "T"\nrules = ["1 = 2"]
[[columns]]\nnumber = 1\nheading = ["A"]\nmeasure = "xld.total"\n[[columns]]\nnumber = 2\nheading = ["B"]\nmeasure = "xld.new"\n'''
    assert len(parse_layout(good, "x.toml").columns) == 2
    for broken in (good.replace("xld.new", "no.such.measure"), good.replace("number = 2", "number = 3"),
                   good.replace('"1 = 2"', '"1 = 9"'), good.replace('"1 = 2"', '"1 == 2"')):
        with pytest.raises(LayoutError):
            parse_layout(broken, "x.toml")


@pytest.mark.parametrize("seed", [1, 2])
def test_every_sum_rule_holds_in_every_row_of_every_form(world, session, seed):
    random_history(world, seed)
    for layout in all_layouts():
        for unit, subunits in (("TN", True), ("HT", True), ("BT-P1", False)):
            tbl = form_table(session, layout, world.tree[unit], subunits, H1)
            for row in [*tbl.rows, tbl.total]:
                values = dict(enumerate(row.values, start=1))
                for rule in layout.rules:
                    assert rule.holds(values), (layout.key, unit, row.label, rule.text, values)
            assert tbl.total.values == [sum(r.values[i] for r in tbl.rows) for i in range(len(tbl.columns))]
        assert column(form_table(session, layout, world.tree["TN"], True, H1), 1) >= 0


def test_01_xld_counts_a_petition_at_each_unit_it_reaches_and_the_reply_to_its_forwarding(world, session):
    case = world.petition("complaint", "HT-LH", D(2026, 1, 5))
    case = world.act(case, "forward", D(2026, 1, 8), unit="HT")
    world.act(case, "accept", D(2026, 1, 12), unit="HT-TNMT")
    _, tbl = table(world, session, "01/XLD:2021")
    assert (column(tbl, 1, "HT-LH"), column(tbl, 24, "HT-LH"), column(tbl, 26, "HT-LH")) == (1, 1, 1)  # forwarded, reply
    assert (column(tbl, 1, "HT"), column(tbl, 18, "HT"), column(tbl, 19, "HT")) == (1, 1, 1)  # accepted: competent
    assert (column(tbl, 6, "HT-LH"), column(tbl, 9), column(tbl, 17)) == (1, 2, 2)  # one signer; eligible; never resolved


def test_01_xld_carries_over_what_was_not_handled_when_the_period_began_and_urges_count_where_sent(world, session):
    carried = world.petition("feedback", "HT", D(2025, 12, 1))  # before 15/12/2025, handled in the period
    world.act(carried, "guide", D(2026, 1, 5))
    handled_before = world.petition("feedback", "HT", D(2025, 11, 1))
    world.act(handled_before, "file", D(2025, 11, 5))  # not in the period at all
    pending = world.act(world.petition("complaint", "HT-LH", D(2026, 6, 1), crowd_size=7), "accept", D(2026, 6, 2))
    world.act(pending, "urge", D(2026, 6, 10))  # the province's administrator urges Long Hoa
    world.petition("denunciation", "HT", D(2026, 6, 10), anonymous=True)  # not handled by 14/06
    _, tbl = table(world, session, "01/XLD:2024", unit="TN")
    assert (column(tbl, 2), column(tbl, 3), column(tbl, 4), column(tbl, 5)) == (1, 3, 3, 1)
    assert (column(tbl, 19), column(tbl, 21), column(tbl, 21, "TN")) == (1, 1, 1)  # guided; urged by the province
    _, old = table(world, session, "01/XLD:2021", unit="TN")
    assert (column(old, 3), column(old, 5), column(old, 7), column(old, 16)) == (1, 2, 1, 1)  # signers; urged = in progress


def test_01_tcd_counts_visits_persons_matters_and_the_heads_reception_days(world, session):
    case = world.petition("complaint", "HT", D(2026, 2, 2))
    other = world.petition("feedback", "HT", D(2026, 2, 2))
    world.visit("HT", D(2026, 2, 2), "staff", persons=1, case_ids=[case.id, other.id])
    world.visit("HT", D(2026, 2, 3), "staff", persons=9, delegation=True, repeat=True)
    world.visit("HT", D(2026, 3, 4), "head_scheduled", persons=2)
    world.visit("HT", D(2026, 3, 4), "head_ad_hoc", persons=1, repeat=True)
    world.visit("HT-LH", D(2026, 3, 5), "authorised", persons=3)
    _, tbl = table(world, session, "01/TCD:2021")
    assert [column(tbl, n) for n in (1, 2, 3)] == [5, 16, 6]
    assert [column(tbl, n) for n in (4, 5, 6, 7, 8, 9, 10, 11)] == [2, 10, 2, 1, 1, 9, 0, 1]
    assert [column(tbl, n) for n in (12, 13, 14, 15, 16)] == [1, 2, 3, 1, 1]  # one day, two visits
    assert [column(tbl, n, "HT-LH") for n in (21, 22, 23, 24)] == [1, 1, 3, 1]


def test_01_kqgq_reports_results_by_round_money_in_millions_and_time_limits(world, session):
    world.resolved(decided=D(2026, 1, 20), outcome="partly_upheld", recovered_money_vnd="25000000",
                   returned_money_vnd="1500000", returned_to="organisation", people_disciplined=3,
                   civil_servants_disciplined=2, referred_for_investigation=1, civil_servants_referred=1)
    first = world.resolved(unit="HT-LH", received=D(2026, 1, 2), accepted=D(2026, 1, 3), decided=D(2026, 1, 10),
                           outcome="rejected")
    world.act(first, "recomplain", D(2026, 1, 15))
    second_round = session.scalar(select(Case).where(Case.parent_case_id == first.id))
    assert second_round.round == 2
    world.act(world.act(second_round, "accept", D(2026, 1, 16)), "resolve", D(2026, 4, 1), outcome="rejected")
    gone = world.act(world.petition(on=D(2025, 11, 1)), "accept", D(2025, 11, 2))
    world.act(gone, "withdraw", D(2026, 1, 5))  # carried over, then withdrawn
    _, tbl = table(world, session, "01/KQGQ:2021")
    assert [column(tbl, n) for n in (1, 2, 3, 4, 5, 6)] == [4, 1, 3, 4, 3, 1]
    assert (column(tbl, 7), column(tbl, 9), column(tbl, 11)) == (25, 1.5, 0)
    assert [column(tbl, n) for n in (13, 14, 15, 16, 17, 18, 19)] == [1, 0, 3, 2, 1, 1, 1]
    assert [column(tbl, n) for n in (20, 21, 22, 23, 24)] == [0, 1, 1, 1, 0]
    assert column(tbl, 25) + column(tbl, 26) == 3


def test_a_form_workbook_is_laid_out_as_the_paper_form(world, session):
    world.petition("complaint", "HT-LH", D(2026, 1, 5))
    buffer = io.BytesIO()
    info = reports.report(session, world.admin, "HT", "2026-H1", "01/XLD:2021", "xlsx", buffer)
    assert info.filename == "HT_01-XLD-2021_2026-H1.xlsx" and (info.start, info.end) == (D(2025, 12, 15), D(2026, 6, 14))
    ws = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert ws["A2"].value == "TỔNG HỢP KẾT QUẢ XỬ LÝ ĐƠN"
    assert ws["A3"].value == "Số liệu tính từ ngày 15/12/2025 đến ngày 14/06/2026"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A5:A7", "B5:B7", "C5:E5", "O5:R5", "O6:P6", "S5:Z5", "S6:V6", "AA5:AA7"} <= merged
    assert (ws["C5"].value, ws["C6"].value, ws["O6"].value, ws["O7"].value) == (
        "Kỳ trước chuyển sang", "Đơn có nhiều người đứng tên", "Đã giải quyết", "Lần đầu")
    assert [c.value for c in ws[8]][:4] == ["MS", "1=2+3+...+7", 2, 3]
    assert [ws.cell(row=r, column=1).value for r in range(9, 14)] == [
        "Thị xã Hòa Thành (trực tiếp)", "Phường Long Hoa", "Phòng Tài nguyên và Môi trường", "Ủy ban MTTQ thị xã", "Tổng cộng"]
    assert (ws["B10"].value, ws["B13"].value) == (1, 1)
    assert ws["A15"].value.startswith("27. Ghi chú:")


def test_a_form_as_csv_has_the_column_numbers_one_line_per_unit_and_the_totals(world, session):
    world.petition("complaint", "HT-LH", D(2026, 1, 5))
    buffer = io.BytesIO()
    reports.report(session, world.admin, "HT", "2026-H1", "01/XLD:2024", "csv", buffer)
    assert buffer.getvalue().startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(buffer.getvalue().decode("utf-8-sig"))))
    assert lines[0][:3] == ["Mã đơn vị", "Đơn vị", "(1=2+3=4+5) Tổng số đơn - Tổng số"]
    assert [line[0] for line in lines[1:]] == ["HT", "HT-LH", "HT-TNMT", "HT-MT", ""]
    assert lines[-1][1:3] == ["Tổng cộng", "1"]


def test_the_figures_report_has_a_column_per_figure_and_the_definitions_on_a_second_sheet(world, session):
    world.petition("complaint", "HT-LH", D(2026, 1, 5))
    buffer = io.BytesIO()
    info = reports.report(session, world.admin, "HT", "2026-H1", "figures", "xlsx", buffer)
    assert (info.start, info.end) == (D(2026, 1, 1), D(2026, 6, 30))  # calendar by default for the tracker's figures
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    figures, definitions = book.worksheets
    assert figures["B6"].value == "Số đơn tiếp nhận" and figures["B9"].value == 1 and figures["B12"].value == 1
    assert definitions["C2"].value == "cases.received" and definitions["F2"].value.startswith("Counts: petitions received")
    assert definitions.max_row == 1 + len(metric_services.definitions())  # a heading, then one row per figure


def test_unknown_forms_formats_and_periods_are_refused(world, session):
    for form, fmt, period in (("09/XLD", "xlsx", "2026-H1"), ("01/XLD", "pdf", "2026-H1"), ("01/XLD", "xlsx", "2026-H9"),
                              ("01/XLD:1999", "xlsx", "2026")):
        with pytest.raises(BadRequest):
            reports.report(session, world.admin, "HT", period, form, fmt, io.BytesIO())
