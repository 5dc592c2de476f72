"""The benchmark's generator and its hand-written query, at a tiny size: the hand-written query
and the service must give the same figures (a check of both, on data shaped like real data)."""
from __future__ import annotations

import datetime as dt

from bench.generate import Generator
from bench.metrics import differences, hand_written
from tracker.auth.policy import SYSTEM
from tracker.metrics.periods import parse_period
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
