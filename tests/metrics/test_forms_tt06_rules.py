"""Every sum rule, inequality and cross-form rule of the TT 06/2025 annex holds in every row of
every form, over random histories (hypothesis), and `tracker report check` names the unit, form
and columns of anything that does not add up."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.metrics.conftest import D, World, random_history
from tracker.metrics.periods import parse_period
from tracker.models import (
    Case,
    Decision,
    EligibilityReview,
    ExecutionRecord,
    ManagementDocument,
    ReceptionDay,
    ResponsibilityInspection,
    TrainingSession,
)
from tracker.reports.check import check_tables
from tracker.reports.layout import forms_in_force, layout_for
from tracker.reports.table import Row, form_table
from tracker.services import reports

UNITS = ["TN", "HT", "HT-LH", "HT-TNMT", "BT", "BT-P1", "TN-TTR"]
PERIODS = ["2025-Q4", "2026-Q1", "2026-Q2", "2026-H1", "2026-9M"]


def tt06_records(world: World, seed: int) -> None:
    """What the TT 06/2025 forms read besides petitions and visits, at random: eligibility
    reviews of petitions still being processed, execution records of decisions (partial and
    finishing), announced reception days, documents, training sessions, responsibility
    inspections at every stage."""
    rng = random.Random(seed)
    session = world.session

    def day(after: dt.date, most: int) -> dt.date:
        return min(after + dt.timedelta(days=rng.randint(0, most)), D(2026, 8, 31))

    for case in session.scalars(select(Case).where(Case.state == "received")):
        if rng.random() < 0.6:
            session.add(EligibilityReview(case_id=case.id, unit_id=case.resolving_unit.id,
                                          found_on=day(case.last_effective_on, 10)))
    for decision in session.scalars(select(Decision)):
        recovered = decision.recovered_money_vnd or Decimal(0)
        steps = rng.randint(0, 3)
        for n in range(steps):
            people = rng.randint(0, 3)
            session.add(ExecutionRecord(
                decision_id=decision.id, recorded_on=day(decision.effective_on, 60 * (n + 1)),
                recovered_money_vnd=recovered / 4, returned_land_m2=Decimal(rng.randint(0, 20)),
                organisations_disciplined=rng.randint(0, 1), people_disciplined=people,
                civil_servants_disciplined=rng.randint(0, people), prosecuted_cases=rng.randint(0, 1),
                prosecuted_people=people, prosecuted_civil_servants=rng.randint(0, people), finished=n == steps - 1 and rng.random() < 0.5,
            ))
    for unit in UNITS:
        unit_id = world.tree[unit].id
        for held in sorted({day(D(2025, 9, 1), 330) for _ in range(rng.randint(0, 4))}):
            session.add(ReceptionDay(unit_id=unit_id, held_on=held, host=rng.choice(["head", "authorised"]), leader="Chủ tịch UBND",
                                     announced_on=held - dt.timedelta(days=7) if rng.random() < 0.8 else None))
        for _ in range(rng.randint(0, 3)):
            session.add(ManagementDocument(unit_id=unit_id, action=rng.choice(["issued", "amended", "repealed"]),
                                           issued_on=day(D(2025, 9, 1), 330), number="01/KH", title="Kế hoạch"))
            session.add(TrainingSession(unit_id=unit_id, held_on=day(D(2025, 9, 1), 330), topic="Luật Khiếu nại",
                                        attendees=rng.randint(5, 80)))
        for _ in range(rng.randint(0, 2)):
            started = day(D(2025, 8, 1), 300)
            concluded = day(started, 90) if rng.random() < 0.6 else None
            executed = day(concluded, 60) if concluded and rng.random() < 0.5 else None
            session.add(ResponsibilityInspection(
                unit_id=unit_id, subject="Thanh tra trách nhiệm", started_on=started, units_inspected=rng.randint(1, 5),
                concluded_on=concluded, recommended_organisations=rng.randint(0, 2), recommended_people=rng.randint(0, 3),
                referred_organisations=rng.randint(0, 1), referred_people=rng.randint(0, 1), executed_on=executed,
                sanctioned_organisations=rng.randint(0, 1), sanctioned_people=rng.randint(0, 2),
                prosecuted_cases=rng.randint(0, 1), prosecuted_people=rng.randint(0, 1)))
    session.flush()


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), petitions=st.integers(10, 30), root=st.sampled_from(["TN", "HT"]),
       token=st.sampled_from(PERIODS))
def test_every_rule_of_every_tt06_form_holds_in_every_row_over_random_histories(world, session, seed, petitions, root, token):
    nested = session.begin_nested()
    try:
        random_history(world, seed, petitions)
        tt06_records(world, seed)
        period = parse_period(token, default_scheme="official")
        layouts = forms_in_force(period.end)
        assert [layout.code for layout in layouts] == ["01/TCD", "02/XLD", "03/GQKN", "04/GQTC", "05/KQTH", "06/QLKNTC"]
        tables = [(layout, form_table(session, layout, world.tree[root], True, period)) for layout in layouts]
        for layout, table in tables:
            for row in [*table.rows, table.total]:
                values = dict(enumerate(row.values, start=1))
                for rule in layout.rules:
                    assert rule.holds(values), (layout.key, row.label, rule.text, values)
        by_code = {layout.code: table for layout, table in tables}
        for layout, table in tables:
            for cross in layout.cross_rules:
                other = {row.code: row for row in [*by_code[cross.other_form].rows, by_code[cross.other_form].total]}
                for row in [*table.rows, table.total]:
                    mine, theirs = row.values[cross.column - 1], other[row.code].values[cross.other_column - 1]
                    assert cross.holds(mine, theirs), (layout.key, row.label, cross.text, mine, theirs)
        assert check_tables(tables) == []
    finally:
        nested.rollback()


def test_report_check_names_the_unit_form_and_columns_of_a_rule_that_does_not_hold(world, session):
    period = parse_period("2026-Q1", default_scheme="official")
    world.act(world.petition("complaint", "HT-LH", D(2026, 1, 5)), "accept", D(2026, 1, 6))
    tables = [(layout, form_table(session, layout, world.tree["HT"], True, period)) for layout in forms_in_force(period.end)]
    assert check_tables(tables) == []
    xld_layout, xld = tables[1]
    broken = [Row(r.code, r.label, list(r.values)) for r in xld.rows]
    broken[1].values[6] += 1  # 02/XLD column 7 of Long Hoa's row: first-round complaints one too many
    tables[1] = (xld_layout, type(xld)(**{**xld.__dict__, "rows": broken}))
    findings = check_tables(tables)
    assert [(f.form, f.unit_code, f.rule) for f in findings] == [("02/XLD:2025", "HT-LH", "6 = 7 + 8")]
    assert "Phường Long Hoa" in findings[0].message and "cột 7 = 2" in findings[0].message


def test_report_check_compares_each_unit_row_across_forms(world, session):
    period = parse_period("2026-Q1", default_scheme="official")
    world.act(world.petition("denunciation", "HT-LH", D(2026, 1, 5)), "accept", D(2026, 1, 6))
    layouts = {layout.code: layout for layout in forms_in_force(period.end)}
    xld = form_table(session, layouts["02/XLD"], world.tree["HT"], True, period)
    gqtc = form_table(session, layouts["04/GQTC"], world.tree["HT"], True, period)
    gqtc.rows[1].values[0] = 0  # 04/GQTC column 1 of Long Hoa no longer equals its 02/XLD column 12
    findings = check_tables([(layouts["02/XLD"], xld), (layouts["04/GQTC"], gqtc)])
    assert [(f.form, f.unit_code, f.rule, f.columns) for f in findings] == [
        ("04/GQTC:2025", "HT-LH", "2 <= 1", {"2": 1, "1": 0}),  # its own inequality fails too
        ("04/GQTC:2025", "HT-LH", "1 = 02/XLD 12", {"04/GQTC 1": 0, "02/XLD 12": 1})]


def test_check_report_makes_every_form_in_force_for_the_period(world, session):
    random_history(world, 7, 15)
    tt06_records(world, 7)
    result = reports.check_report(session, world.admin, "TN", "2026-Q1")
    assert result.ok and result.forms == tuple(f"{code}:2025" for code in
                                               ("01/TCD", "02/XLD", "03/GQKN", "04/GQTC", "05/KQTH", "06/QLKNTC"))
    older = reports.check_report(session, world.admin, "TN", "2025-Q2")
    assert older.ok and older.forms == ("01/KQGQ:2021", "01/TCD:2021", "01/XLD:2024", "03/KQGQ:2021")
    assert layout_for("02/XLD", result.period.end).key in result.forms
