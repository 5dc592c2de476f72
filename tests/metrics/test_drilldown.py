"""Every count opens as the list of records behind it: same filters, same definition."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.metrics.conftest import D
from tracker.metrics import FIGURES
from tracker.metrics.figures import Kind
from tracker.services import metrics as service
from tracker.services.errors import BadRequest, Refused

H1 = (D(2026, 1, 1), D(2026, 6, 30))
COUNTABLE = [f for f in FIGURES if f.kind is not Kind.SHARE]


@pytest.fixture()
def busy(world, make_unit):  # type: ignore[no-untyped-def]
    """A little of everything in Hòa Thành's first half of 2026."""
    for unit, on in (("HT", D(2026, 1, 5)), ("HT-LH", D(2026, 2, 5)), ("HT", D(2025, 12, 5))):
        world.petition("complaint", unit, on)
    world.resolved(unit="HT", resolver="HT-TNMT", received=D(2026, 1, 5), accepted=D(2026, 1, 8), decided=D(2026, 1, 20))
    world.resolved(unit="HT-LH", received=D(2026, 2, 1), accepted=D(2026, 2, 3), decided=D(2026, 3, 30))
    first = world.resolved(unit="HT-LH", received=D(2026, 1, 5), accepted=D(2026, 1, 6), decided=D(2026, 1, 20))
    world.act(first, "recomplain", D(2026, 2, 1))
    session = world.dialogue("HT-LH", D(2026, 2, 10))
    world.act(world.opinion(session, settled=True), "reopen", D(2026, 3, 1), unit="HT-TNMT", due_on=D(2026, 3, 30))
    world.act(world.opinion(session, settled=False), "resolve", D(2026, 3, 1))
    world.dialogue("HT", D(2026, 5, 1))
    world.plan("HT-LH")
    world.plan("HT")
    supervision = world.supervision("LH-TTND", D(2026, 3, 1))
    world.act(world.recommendation(supervision, "HT-LH", D(2026, 3, 2)), "answer", D(2026, 3, 10))
    world.recommendation(supervision, "HT-TNMT", D(2026, 3, 2))
    # One supervision of each other kind of board, each with an answered recommendation.
    world.act(world.recommendation(world.supervision("HT-MT", D(2026, 4, 1)), "HT-TNMT", D(2026, 4, 2)), "answer",
              D(2026, 4, 9))
    make_unit("LH-GSDT", kind="investment_board", parent=world.tree["HT-LH"], name="Ban giám sát đầu tư phường Long Hoa")
    on_the_road = world.supervision("LH-GSDT", D(2026, 5, 4), project=world.project())
    world.act(world.recommendation(on_the_road, "HT-LH", D(2026, 5, 6)), "answer", D(2026, 5, 20))
    return world


def _all(session, admin, figure, **kw):  # type: ignore[no-untyped-def]
    return service.drilldown(session, admin, "HT", *H1, True, figure.group, figure.key, per_page=500, **kw)


def test_a_drilldown_lists_exactly_the_records_a_count_counts(busy, session):
    m = busy.metrics("HT", *H1)
    item_class = {"case": "CaseItem", "dialogue": "SessionItem", "plan": "PlanItem", "supervision": "SupervisionItem",
                  "unit": "UnitItem"}
    for figure in COUNTABLE:
        page = _all(session, busy.admin, figure)
        counted = m.totals.cases.resolved if figure.kind is Kind.MEDIAN else m.totals.value(figure.path)
        assert page.total == len(page.items) == counted, figure.path
        assert page.items and type(page.items[0]).__name__ == item_class[figure.record], figure.path
        for row in m.by_unit:
            counted = row.cases.resolved if figure.kind is Kind.MEDIAN else row.value(figure.path)
            assert _all(session, busy.admin, figure, row_unit=row.unit.code).total == counted, (figure.path, row.unit.code)


def test_a_median_drilldown_shows_each_cases_days(busy, session):
    page = service.drilldown(session, busy.admin, "HT", *H1, True, "cases", "median_days_to_resolve")
    assert sorted(item.days for item in page.items) == [15.0, 15.0, 57.0]


def test_a_drilldown_pages_in_a_stable_order(busy, session):
    pages = [service.drilldown(session, busy.admin, "HT", *H1, True, "cases", "received", page=n, per_page=2) for n in (1, 2, 3)]
    ids = [item.id for page in pages for item in page.items]
    assert pages[0].total == 6 and len(ids) == 6 and ids == sorted(ids)


def test_a_drilldown_never_shows_the_subject_of_a_denunciation(world, session):
    world.petition("denunciation", "HT", D(2026, 1, 5))
    item = service.drilldown(session, world.admin, "HT", *H1, True, "cases", "received").items[0]
    assert item.kind == "denunciation" and item.subject is None


def test_a_share_cannot_be_drilled_into_but_names_its_parts(world, session):
    with pytest.raises(Refused) as refused:
        service.drilldown(session, world.admin, "HT", *H1, True, "cases", "resolution_rate")
    assert refused.value.details == {"numerator": "cases.resolved", "denominator": "cases.to_resolve"}
    with pytest.raises(BadRequest):
        service.drilldown(session, world.admin, "HT", *H1, True, "cases", "no_such_figure")


def test_the_drilldown_document_carries_the_definition_and_plain_dates(busy, session):
    doc = service.drilldown(session, busy.admin, "HT", *H1, True, "dialogues", "units_with_plan").to_json()
    assert doc["record"] == "unit" and doc["total"] == 2 and {i["unit"] for i in doc["items"]} == {"HT", "HT-LH"}
    assert doc["definition"]["en"].startswith("Counts: distinct units")
    case_doc = service.drilldown(session, busy.admin, "HT", *H1, True, "cases", "resolved").to_json()
    assert dt.date.fromisoformat(case_doc["items"][0]["decided_on"])


def test_an_export_streams_every_record_in_batches(busy, session, monkeypatch):
    monkeypatch.setattr(service, "EXPORT_BATCH", 2)
    figure, items = service.drilldown_items(session, busy.admin, "HT", *H1, True, "cases", "received")
    assert figure.path == "cases.received" and len(list(items)) == 6
