"""The six forms of TT 06/2025/TT-TTCP (shared/REPORT-FORMS-2025.md): which form a period gets,
the superseded codes, each form's columns on small hand-computed histories, and the workbook laid
out as the annex."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.metrics.conftest import D
from tracker.metrics.periods import parse_period
from tracker.models import (
    Case,
    EligibilityReview,
    ExecutionRecord,
    ManagementDocument,
    ReceptionDay,
    ResponsibilityInspection,
    TrainingSession,
)
from tracker.reports.layout import all_layouts, layout_for
from tracker.reports.table import form_table
from tracker.services import reports
from tracker.services.errors import BadRequest

Q1 = parse_period("2026-Q1", default_scheme="official")  # 15/12/2025 - 14/03/2026
TT06 = {"01/TCD": 21, "02/XLD": 25, "03/GQKN": 23, "04/GQTC": 25, "05/KQTH": 31, "06/QLKNTC": 17}


def values(world, session, form, unit="HT", period=Q1, row=None):  # type: ignore[no-untyped-def]
    """{column number: value} of the totals, or of the row of a unit."""
    tbl = form_table(session, layout_for(form, period.end), world.tree[unit], True, period)
    target = tbl.total if row is None else next(r for r in tbl.rows if r.code == row)
    return dict(enumerate(target.values, start=1))


def pick(found, *numbers):  # type: ignore[no-untyped-def]
    return [found[n] for n in numbers]


def test_the_six_forms_of_tt06_2025_have_the_annex_columns_and_take_effect_on_30_09_2025():
    tt06 = {layout.code: layout for layout in all_layouts() if layout.version == "2025"}
    assert {code: len(layout.columns) for code, layout in tt06.items()} == TT06
    assert {layout.in_force_from for layout in tt06.values()} == {D(2025, 9, 30)}
    for code in TT06:
        assert layout_for(code, D(2025, 12, 14)).version == "2025"  # Q4 2025 ends after 30/09/2025
    assert layout_for("01/TCD", D(2025, 9, 14)).version == "2021"  # Q3 2025 still on the old form


@pytest.mark.parametrize(("old", "new"), [("01/XLD", "02/XLD"), ("01/KQGQ", "03/GQKN"), ("03/KQGQ", "04/GQTC")])
def test_a_superseded_form_is_made_for_a_later_period_only_when_its_version_is_named_with_a_note(world, session, old, new):
    with pytest.raises(BadRequest) as refused:
        reports.report(session, world.admin, "HT", "2026-Q1", old, "csv", io.BytesIO())
    assert new in str(refused.value) and "30/09/2025" in str(refused.value)
    version = layout_for(old, D(2025, 6, 14)).key
    table, _, used = reports.build_report(session, world.admin, "HT", "2026-Q1", version)
    assert used == version and any(f"thay thế bởi biểu {new}" in note for note in table.notes)
    older, _, _ = reports.build_report(session, world.admin, "HT", "2025-Q2", old)
    assert not any("thay thế" in note for note in older.notes)


def test_01_tcd_2025_counts_delegations_of_five_and_the_announced_reception_days(world, session):
    case = world.petition("complaint", "HT", D(2026, 1, 5))
    world.visit("HT", D(2026, 1, 5), "staff", persons=1, case_ids=[case.id])
    world.visit("HT", D(2026, 1, 6), "staff", persons=6, delegation=True)
    world.visit("HT", D(2026, 1, 7), "staff", persons=4, delegation=True)  # four people: not a delegation in 2025
    world.visit("HT", D(2026, 1, 15), "head_scheduled", persons=5)
    world.visit("HT", D(2026, 1, 20), "head_ad_hoc", persons=2)
    world.visit("HT-LH", D(2026, 2, 3), "authorised", persons=7)
    ht, lh = world.tree["HT"].id, world.tree["HT-LH"].id
    session.add_all([
        ReceptionDay(unit_id=ht, held_on=D(2026, 1, 15), host="head", leader="Chủ tịch UBND", announced_on=D(2026, 1, 2)),
        ReceptionDay(unit_id=ht, held_on=D(2026, 2, 15), host="head", leader="Chủ tịch UBND", announced_on=D(2026, 2, 1)),
        ReceptionDay(unit_id=ht, held_on=D(2026, 1, 20), host="head", leader="Chủ tịch UBND", announced_on=None),  # not announced
        ReceptionDay(unit_id=lh, held_on=D(2026, 2, 3), host="authorised", leader="Phó Chủ tịch", announced_on=D(2026, 1, 30)),
    ])
    session.flush()
    found = values(world, session, "01/TCD")
    assert pick(found, 1, 2, 3, 4) == [6, 25, 6, 3]
    assert pick(found, 5, 6, 7, 8, 9) == [3, 11, 3, 1, 6]
    assert pick(found, 10, 11, 12, 13, 14, 15) == [2, 2, 7, 2, 1, 5]
    assert pick(found, 16, 17, 18, 19, 20, 21) == [1, 1, 7, 1, 1, 7]
    assert values(world, session, "01/TCD", row="HT-LH")[16] == 1


def test_02_xld_2025_splits_competent_petitions_by_kind_round_and_area_and_the_rest_by_outcome(world, session):
    land = world.petition("complaint", "HT", D(2026, 1, 5), subject_area="land_housing")
    world.act(land, "accept", D(2026, 1, 8))
    late = world.petition("complaint", "HT", D(2026, 1, 5), subject_area="policy_benefits")
    world.act(late, "file", D(2026, 1, 9), reason="time_barred")  # competent, not accepted
    corrupt = world.petition("denunciation", "HT", D(2026, 1, 6), subject_area="corruption")
    session.add(EligibilityReview(case_id=corrupt.id, unit_id=world.tree["HT"].id, found_on=D(2026, 1, 10)))
    civil = world.petition("denunciation", "HT", D(2026, 1, 6), subject_area="civil_service")
    world.act(civil, "accept", D(2026, 1, 7))
    feedback = world.petition("feedback", "HT", D(2026, 1, 6), subject_area="party")
    world.act(feedback, "accept", D(2026, 1, 7))
    world.act(world.petition("feedback", "HT", D(2026, 1, 6)), "guide", D(2026, 1, 7))
    world.act(world.petition("recommendation", "HT", D(2026, 1, 6)), "forward", D(2026, 1, 7), unit="HT-LH")
    world.act(world.petition("complaint", "HT", D(2026, 1, 6)), "file", D(2026, 1, 7), reason="duplicate")
    world.petition("complaint", "HT", D(2026, 3, 10))  # not handled by 14/03
    world.act(world.petition("complaint", "HT", D(2025, 11, 2)), "accept", D(2025, 11, 3))  # handled before the period
    session.flush()
    found = values(world, session, "02/XLD", row="HT")
    assert pick(found, 1, 2, 3, 4, 5) == [9, 8, 7, 5, 5]
    assert pick(found, 6, 7, 8, 9, 10, 11) == [2, 2, 0, 1, 1, 0]
    assert pick(found, 12, 13, 14, 15, 16, 17, 18) == [2, 2, 0, 1, 1, 0, 0]
    assert pick(found, 19, 20, 21, 22, 23, 24, 25) == [1, 0, 0, 1, 2, 1, 1]
    assert values(world, session, "02/XLD", row="HT-LH")[1] == 1  # the forwarded recommendation arrived there


def test_03_gqkn_analyses_the_competent_complaints_and_counts_the_decisions_of_the_period(world, session):
    accepted = world.act(world.petition("complaint", "HT", D(2026, 1, 5)), "accept", D(2026, 1, 6))
    world.act(world.petition("complaint", "HT", D(2026, 1, 5)), "file", D(2026, 1, 6), reason="already_final")
    reviewing = world.petition("complaint", "HT", D(2026, 1, 5))
    session.add(EligibilityReview(case_id=reviewing.id, unit_id=world.tree["HT"].id, found_on=D(2026, 1, 7)))
    gone = world.act(world.petition("complaint", "HT", D(2026, 1, 5)), "accept", D(2026, 1, 6))
    world.act(gone, "withdraw", D(2026, 2, 1))
    world.act(accepted, "resolve", D(2026, 2, 10), outcome="partly_upheld", recovered_money_vnd="30000000",
              recovered_land_m2="50", returned_money_vnd="2000000", returned_land_m2="10", returned_to="individual",
              people_disciplined=2, civil_servants_disciplined=1, referred_for_investigation=3, civil_servants_referred=2)
    first = world.resolved(unit="HT-LH", received=D(2026, 1, 2), accepted=D(2026, 1, 3), decided=D(2026, 1, 10),
                           outcome="rejected")
    world.act(first, "recomplain", D(2026, 1, 15))
    second = session.scalar(select(Case).where(Case.parent_case_id == first.id))
    world.act(world.act(second, "accept", D(2026, 1, 16)), "resolve", D(2026, 3, 1), outcome="upheld")
    session.flush()
    found = values(world, session, "03/GQKN", row="HT")
    assert pick(found, 1, 2, 3, 4, 5, 6) == [5, 5, 1, 2, 1, 1]  # the second round arrived at HT and was accepted
    total = values(world, session, "03/GQKN")
    assert pick(total, 7, 8, 9, 10, 11, 12) == [3, 0, 1, 1, 0, 1]
    assert pick(total, 13, 14, 15, 16, 17, 18) == [30, 50, 2, 10, 0, 1]
    assert pick(total, 19, 20, 21, 22, 23) == [2, 1, 1, 3, 2]
    assert total[1] == values(world, session, "02/XLD")[6]


def test_04_gqtc_counts_re_denunciations_and_organisations_recommended_for_sanctions(world, session):
    first = world.resolved("denunciation", decided=D(2026, 1, 20), outcome="upheld", organisations_disciplined=2,
                           people_disciplined=3, civil_servants_disciplined=3)
    assert first.state == "resolved"
    repeat = world.resolved("denunciation", unit="HT-LH", decided=D(2026, 2, 20), outcome="rejected")
    # A denunciation made again to the superior (TC Art. 37) is of round 2 (the `redenounce` trigger's link).
    session.get(Case, repeat.id).round = 2
    session.flush()
    found = values(world, session, "04/GQTC")
    assert pick(found, 1, 2, 4, 7, 8, 12) == [2, 2, 2, 2, 1, 1]
    assert pick(found, 20, 21, 22) == [2, 3, 3]
    assert values(world, session, "02/XLD")[14] == 1


def _execution(session, case, on, **counts):  # type: ignore[no-untyped-def]
    decision = case.latest_decision
    session.add(ExecutionRecord(decision_id=decision.id, recorded_on=on, **counts))
    session.flush()


def test_05_kqth_keeps_a_decision_to_execute_until_a_record_finishes_it_and_counts_what_was_recovered(world, session):
    old = world.resolved(received=D(2025, 10, 1), accepted=D(2025, 10, 2), decided=D(2025, 11, 1),
                         recovered_money_vnd="40000000", recovered_land_m2="100", returned_money_vnd="6000000")
    _execution(session, old, D(2025, 12, 1), recovered_money_vnd=Decimal(10_000_000))  # before the period
    _execution(session, old, D(2026, 1, 10), recovered_money_vnd=Decimal(20_000_000), recovered_land_m2=Decimal(100),
               people_disciplined=2, civil_servants_disciplined=1, prosecuted_cases=1, prosecuted_people=2)
    new = world.resolved(decided=D(2026, 2, 1), returned_money_vnd="3000000", returned_land_m2="20")
    _execution(session, new, D(2026, 2, 20), returned_money_vnd=Decimal(3_000_000), returned_land_m2=Decimal(20), finished=True)
    done = world.resolved(received=D(2025, 9, 1), accepted=D(2025, 9, 2), decided=D(2025, 9, 20))
    _execution(session, done, D(2025, 10, 1), finished=True)  # finished before the period: not to execute
    conclusion = world.resolved("denunciation", decided=D(2026, 3, 1), recovered_money_vnd="5000000")
    _execution(session, conclusion, D(2026, 3, 5), organisations_disciplined=1, people_disciplined=2,
               civil_servants_disciplined=2, prosecuted_cases=1, prosecuted_people=1, prosecuted_civil_servants=1)
    found = values(world, session, "05/KQTH")
    assert pick(found, 1, 2) == [2, 1]
    assert pick(found, 3, 4, 5, 6) == [30, 100, 20, 100]
    assert pick(found, 7, 8, 9, 10) == [9, 20, 3, 20]
    assert pick(found, 11, 12, 13, 14, 15) == [2, 1, 1, 2, 0]
    assert pick(found, 16, 17, 18, 20, 26, 27, 28, 29, 30, 31) == [1, 0, 5, 0, 1, 2, 2, 1, 1, 1]
    assert found[1] >= values(world, session, "03/GQKN")[7]
    next_quarter = values(world, session, "05/KQTH", period=parse_period("2026-Q2", default_scheme="official"))
    assert pick(next_quarter, 1, 3, 16) == [1, 10, 1]  # only the old decision is still to execute, 10 million left


def test_06_qlkntc_counts_documents_training_and_responsibility_inspections_of_the_period(world, session):
    ht = world.tree["HT"].id
    session.add_all([
        ManagementDocument(unit_id=ht, action="issued", issued_on=D(2026, 1, 5), number="01/KH-UBND", title="Kế hoạch"),
        ManagementDocument(unit_id=ht, action="amended", issued_on=D(2026, 2, 5), number="02/QĐ-UBND", title="Sửa đổi"),
        ManagementDocument(unit_id=ht, action="repealed", issued_on=D(2025, 12, 1), number="03/QĐ-UBND", title="Trước kỳ"),
        TrainingSession(unit_id=ht, held_on=D(2026, 1, 20), topic="Luật Tố cáo", attendees=45),
        ResponsibilityInspection(unit_id=ht, subject="Kỳ trước", started_on=D(2025, 11, 1), units_inspected=2,
                                 concluded_on=D(2026, 1, 10), recommended_organisations=1, recommended_people=2,
                                 referred_people=1, executed_on=D(2026, 3, 1), sanctioned_people=2, prosecuted_cases=1,
                                 prosecuted_people=1),
        ResponsibilityInspection(unit_id=ht, subject="Trong kỳ", started_on=D(2026, 2, 1), units_inspected=3),
        ResponsibilityInspection(unit_id=ht, subject="Đã xong", started_on=D(2025, 6, 1), concluded_on=D(2025, 8, 1)),
    ])
    session.flush()
    found = values(world, session, "06/QLKNTC")
    assert pick(found, 1, 2, 3, 4, 5) == [1, 1, 0, 1, 45]
    assert pick(found, 6, 7, 8, 9, 10, 11, 12) == [2, 5, 1, 1, 2, 0, 1]
    assert pick(found, 13, 14, 15, 16, 17) == [1, 0, 2, 1, 1]


def test_a_tt06_workbook_is_laid_out_as_the_annex(world, session):
    world.petition("complaint", "HT-LH", D(2026, 1, 5))
    buffer = io.BytesIO()
    info = reports.report(session, world.admin, "HT", "2026-Q1", "02/XLD", "xlsx", buffer)
    assert info.form == "02/XLD:2025" and (info.start, info.end) == (D(2025, 12, 15), D(2026, 3, 14))
    ws = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert ws["A2"].value == "TỔNG HỢP KẾT QUẢ XỬ LÝ ĐƠN"
    assert ws["A3"].value == "Số liệu tính từ ngày 15/12/2025 đến ngày 14/03/2026"
    assert ws["A4"].value.startswith("(Kèm theo Báo cáo số")
    headings = [ws.cell(row=5, column=c).value for c in range(1, 8)]
    assert headings[:6] == ["Đơn vị", "Tổng số đơn", "Số đơn đã xử lý", "Số đơn đủ điều kiện xử lý", "Số đơn thuộc thẩm quyền",
                            "Số vụ việc thuộc thẩm quyền"]
    ms_row = next(r for r in range(5, 12) if ws.cell(row=r, column=1).value == "MS")
    assert [ws.cell(row=ms_row, column=c).value for c in (2, 4, 5, 7)] == [1, "3=4+23", "4=6+12+19", "6=7+8=9+10+11"]
    assert ws.cell(row=ms_row + 5, column=1).value == "Tổng cộng"
    assert ws.cell(row=ms_row + 7, column=1).value.startswith("26. Ghi chú:")
    assert ws.cell(row=1, column=14).value == "02/XLD"  # the form code alone, top right


def test_each_tt06_form_is_listed_and_made_as_csv_for_any_unit(world, session):
    assert set(TT06) <= set(reports.forms())
    for code in TT06:
        buffer = io.BytesIO()
        reports.report(session, world.admin, "TN", "2026-Q1", code, "csv", buffer)
        lines = list(csv.reader(io.StringIO(buffer.getvalue().decode("utf-8-sig"))))
        assert len(lines) == 1 + 4 + 1  # header, TN and its three children, totals
        assert {len(line) for line in lines} == {2 + TT06[code]}
