"""The benchmark's generator and its hand-written query, at a tiny size: the hand-written query
and the service must give the same figures (a check of both, on data shaped like real data)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, or_, select, text

from bench.generate import Generator
from bench.lists import FLOORS, PETITIONERS, TREE
from bench.metrics import differences, hand_written
from tracker.auth.policy import SYSTEM
from tracker.metrics.periods import parse_period
from tracker.models import Case, Unit
from tracker.services.cases import CaseQuery, list_cases
from tracker.services.metrics import metrics


def test_the_hand_written_query_and_the_service_give_the_same_figures(session):
    connection = session.connection()
    generator = Generator(connection, seed=7, commit=False, today=dt.date(2026, 11, 30))
    generator.tree(districts=3, communes=4)
    generator.generate(1500, chunk=500)
    for token in ("2025", "official:2026-H1", "2024-Q3"):
        period = parse_period(token)
        result = metrics(session, SYSTEM, "P", period.start, period.end, True)
        assert result.totals.cases.received > 0
        assert differences(result, hand_written(connection, "P", period.start, period.end)) == []
        if token == "2025":
            totals = result.totals
            assert totals.cases.open and totals.cases.overdue_open and totals.dialogues.opinions and totals.supervisions.answered


def test_the_lists_floor_and_the_service_give_the_same_page(session, make_user):
    """bench/lists.py's hand-written SQL (PostgreSQL's) and `list_cases` agree on the agency queue
    and on the overdue list: the same total, the same cases in the same order, the same petitioners."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("the hand-written SQL is PostgreSQL's")
    connection = session.connection()
    today = dt.date(2026, 11, 30)
    generator = Generator(connection, seed=7, commit=False, today=today)
    generator.tree(districts=3, communes=4)
    generator.generate(1500, chunk=500)
    busiest = (select(Unit).join(Case, or_(Case.received_unit_id == Unit.id, Case.assigned_unit_id == Unit.id))
               .where(Unit.kind == "agency").group_by(Unit.id).order_by(func.count().desc(), Unit.id))
    agency = session.scalars(busiest).first()
    leader = make_user("leader", session.scalars(select(Unit).where(Unit.code == "P")).one())
    units = list(connection.execute(text(TREE), {"code": agency.code}).scalars())
    for name, actor, query, params in (
        ("queue", make_user("agency", agency), CaseQuery(unit=agency.code, open=True, per_page=20),
         {"units": units, "today": today}),
        ("overdue", leader, CaseQuery(overdue=True, per_page=20), {"today": today}),
    ):
        rows, total = list_cases(session, actor, query, today=today)
        count_sql, page_sql = FLOORS[name]
        page = [row.id for row in connection.execute(text(page_sql), params)]
        assert total == connection.execute(text(count_sql), params).scalar_one() > 0
        assert [c.id for c in rows] == page
        assert sum(len(c.petitioners) for c in rows) == len(connection.execute(text(PETITIONERS), {"ids": page}).all())
