"""The records the TT 06/2025 forms read, made through their services: who may make them, what is
refused (and then changes nothing), and that the forms count them."""
from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from tests.metrics.conftest import D
from tracker import clock
from tracker.metrics.periods import parse_period
from tracker.models import ExecutionRecord, ReceptionDay
from tracker.reports.layout import layout_for
from tracker.reports.table import form_table
from tracker.schemas_reports import (
    AnnouncedDayIn,
    AnnouncementIn,
    ConclusionIn,
    DocumentIn,
    ExecutionIn,
    InspectionExecutionIn,
    InspectionIn,
    ReviewIn,
    TrainingIn,
)
from tracker.services import report_records as records
from tracker.services.errors import Conflict, Forbidden, NotFound, Refused

Q1 = parse_period("2026-Q1", default_scheme="official")
HEAD_DAY = AnnouncedDayIn(unit="HT", held_on=D(2026, 2, 12), host="head", leader="Chủ tịch UBND")


@pytest.fixture(autouse=True)
def spring_2026():  # type: ignore[no-untyped-def]
    with clock.frozen_at(D(2026, 4, 20)):
        yield


def totals(world, session, form):  # type: ignore[no-untyped-def]
    table = form_table(session, layout_for(form, Q1.end), world.tree["TN"], True, Q1)
    return dict(enumerate(table.total.values, start=1))


def test_an_announced_reception_day_counts_once_and_a_duplicate_or_late_announcement_is_refused(world, session):
    day = records.schedule_reception_day(session, world.admin, HEAD_DAY)
    assert totals(world, session, "01/TCD")[10] == 0  # scheduled, not announced
    with pytest.raises(Refused):
        records.announce_reception_day(session, world.admin, day.id, AnnouncementIn(announced_on=D(2026, 2, 13)))
    records.announce_reception_day(session, world.admin, day.id, AnnouncementIn(announced_on=D(2026, 2, 1)))
    assert totals(world, session, "01/TCD")[10] == 1
    with pytest.raises(Conflict):
        records.schedule_reception_day(session, world.admin, HEAD_DAY)
    with pytest.raises(ValidationError):
        AnnouncedDayIn(unit="HT", held_on=D(2026, 2, 12), host="head", leader="Chủ tịch UBND", announced_on=D(2026, 2, 20))
    assert [d.id for d in records.list_reception_days(session, world.admin, "HT", None, None)] == [day.id]


def test_reception_days_outside_the_area_or_by_a_board_are_refused(world, session, make_user):
    clerk = make_user("reception", world.tree["BT"])
    with pytest.raises(Forbidden):
        records.schedule_reception_day(session, clerk, HEAD_DAY)
    board = make_user("supervisor", world.tree["HT-MT"])
    with pytest.raises(Forbidden):
        records.schedule_reception_day(session, board, HEAD_DAY)
    assert session.query(ReceptionDay).count() == 0


def test_a_review_finds_a_received_petition_competent_once_and_only_while_it_is_processed(world, session):
    case = world.petition("complaint", "HT", D(2026, 1, 5))
    review = records.record_review(session, world.admin, case.id, ReviewIn(found_on=D(2026, 1, 7)))
    assert review.unit_id == world.tree["HT"].id
    assert (totals(world, session, "02/XLD")[6], totals(world, session, "03/GQKN")[3]) == (1, 1)
    with pytest.raises(Conflict):
        records.record_review(session, world.admin, case.id, ReviewIn(found_on=D(2026, 1, 8)))
    accepted = world.act(world.petition("complaint", "HT", D(2026, 1, 5)), "accept", D(2026, 1, 6))
    with pytest.raises(Refused):
        records.record_review(session, world.admin, accepted.id, ReviewIn())
    with pytest.raises(Refused):  # before the petition was received
        records.record_review(session, world.admin, world.petition("feedback", "HT", D(2026, 1, 5)).id,
                              ReviewIn(found_on=D(2026, 1, 1)))


def test_execution_is_recorded_in_steps_until_finished_and_never_beyond_what_the_decision_requires(world, session):
    case = world.resolved(decided=D(2026, 1, 20), recovered_money_vnd="10000000", returned_land_m2="30")
    records.record_execution(session, world.admin, case.id, ExecutionIn(recorded_on=D(2026, 2, 1),
                                                                         recovered_money_vnd=Decimal(4_000_000)))
    with pytest.raises(Refused):
        records.record_execution(session, world.admin, case.id, ExecutionIn(recorded_on=D(2026, 2, 2),
                                                                             recovered_money_vnd=Decimal(7_000_000)))
    with pytest.raises(Refused):  # before the previous step
        records.record_execution(session, world.admin, case.id, ExecutionIn(recorded_on=D(2026, 1, 25)))
    records.record_execution(session, world.admin, case.id, ExecutionIn.model_validate_json(
        '{"recorded_on": "2026-03-01", "recovered_money_vnd": 6000000, "returned_land_m2": "30", "finished": true}'))
    with pytest.raises(Refused):
        records.record_execution(session, world.admin, case.id, ExecutionIn(recorded_on=D(2026, 3, 2)))
    assert [r.recorded_on for r in records.executions_of(session, world.admin, case.id)] == [D(2026, 2, 1), D(2026, 3, 1)]
    found = totals(world, session, "05/KQTH")
    assert [found[n] for n in (1, 2, 3, 5, 8, 10)] == [1, 1, 10, 10, 30, 30]


def test_execution_needs_a_decision_an_executing_role_and_consistent_counts(world, session, make_user):
    open_case = world.act(world.petition("complaint", "HT", D(2026, 1, 5)), "accept", D(2026, 1, 6))
    with pytest.raises(Refused):
        records.record_execution(session, world.admin, open_case.id, ExecutionIn())
    decided = world.resolved(decided=D(2026, 1, 20))
    with pytest.raises(Forbidden):
        records.record_execution(session, make_user("reception", world.tree["HT"]), decided.id, ExecutionIn())
    with pytest.raises(NotFound):
        records.record_execution(session, make_user("agency", world.tree["BT"]), decided.id, ExecutionIn())
    for bad in ('{"people_disciplined": 1, "civil_servants_disciplined": 2}', '{"recovered_money_vnd": -1}',
                '{"recovered_money_vnd": true}', '{"prosecuted_civil_servants": 1}', '{"recorded_on": "2026-02-30"}'):
        with pytest.raises(ValidationError):
            ExecutionIn.model_validate_json(bad)
    assert session.query(ExecutionRecord).count() == 0


def test_documents_training_and_inspections_fill_06_qlkntc_and_an_inspection_moves_forward_only(world, session):
    records.record_document(session, world.admin, DocumentIn(unit="HT", action="issued", issued_on=D(2026, 1, 5),
                                                             number="01/KH-UBND", title="Kế hoạch tiếp công dân"))
    records.record_training(session, world.admin, TrainingIn(unit="HT-LH", held_on=D(2026, 2, 5), topic="Luật Tố cáo",
                                                             attendees=60))
    inspection = records.open_inspection(session, world.admin, InspectionIn(unit="HT", subject="Thanh tra trách nhiệm",
                                                                          started_on=D(2026, 1, 10), units_inspected=3))
    with pytest.raises(Refused):  # no conclusion yet
        records.record_inspection_execution(session, world.admin, inspection.id,
                                            InspectionExecutionIn(version=1, executed_on=D(2026, 3, 1)))
    with pytest.raises(Refused):  # concluded before it started
        records.conclude_inspection(session, world.admin, inspection.id, ConclusionIn(
            version=1, concluded_on=D(2026, 1, 9), conclusion_no="05/KL-TTr"))
    records.conclude_inspection(session, world.admin, inspection.id, ConclusionIn(
        version=1, concluded_on=D(2026, 2, 20), conclusion_no="05/KL-TTr", recommended_people=2, referred_organisations=1))
    with pytest.raises(Conflict):
        records.record_inspection_execution(session, world.admin, inspection.id,
                                            InspectionExecutionIn(version=1, executed_on=D(2026, 3, 1)))
    records.record_inspection_execution(session, world.admin, inspection.id, InspectionExecutionIn(
        version=2, executed_on=D(2026, 3, 1), sanctioned_people=2, prosecuted_cases=1, prosecuted_people=1))
    found = totals(world, session, "06/QLKNTC")
    assert [found[n] for n in range(1, 18)] == [1, 0, 0, 1, 60, 1, 3, 1, 0, 2, 1, 0, 1, 0, 2, 1, 1]
    documents, trainings, inspections = records.list_management(session, world.admin, "HT", D(2026, 1, 1), D(2026, 3, 31))
    assert (len(documents), len(trainings), [i.version for i in inspections]) == (1, 1, [3])


def test_management_records_need_a_leader_or_admin_and_a_past_date(world, session, make_user):
    with pytest.raises(Forbidden):
        records.record_training(session, make_user("reception", world.tree["HT"]),
                                TrainingIn(unit="HT", held_on=D(2026, 2, 5), topic="Tập huấn", attendees=5))
    with pytest.raises(Refused):
        records.record_document(session, world.admin, DocumentIn(unit="HT", action="issued", issued_on=D(2026, 5, 1),
                                                                 number="01", title="Tương lai"))
    with pytest.raises(ValidationError):
        TrainingIn.model_validate_json('{"unit": "HT", "held_on": "2026-02-05", "topic": "x", "attendees": 0}')
