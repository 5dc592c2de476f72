"""The metrics service: who may ask, the document's shape, the definitions."""
from __future__ import annotations

import pytest

from tests.metrics.conftest import D
from tracker.metrics import FIGURES, GROUPS
from tracker.metrics.cases import FINAL_STATES, KINDS
from tracker.metrics.figures import Kind
from tracker.metrics.results import group_fields, to_json
from tracker.services import metrics as service
from tracker.services.errors import Forbidden, Refused
from workflows import definitions

API_FIELDS = {  # API.md, "Metrics": the contract
    "cases": {"received", "accepted", "resolved", "resolved_on_time", "resolution_rate", "on_time_rate", "open",
              "overdue_open", "median_days_to_resolve", "recomplaints"},
    "dialogues": {"sessions", "opinions", "settled_on_spot", "settled_on_spot_share", "assigned", "assigned_resolved",
                  "plans", "units_with_plan", "units_with_session"},
    "supervisions": {"sessions", "recommendations", "answered", "answered_on_time", "answer_rate"},
}


def test_the_document_has_every_figure_api_md_names_for_the_totals_and_each_row(world):
    world.petition("complaint", "HT-LH", D(2026, 1, 5))
    doc = to_json(world.metrics("HT", D(2026, 1, 1), D(2026, 3, 31)))
    assert {k for k in doc if k not in GROUPS} >= {"unit", "from", "to", "by_unit"}
    assert (doc["unit"], doc["from"], doc["to"]) == ("HT", "2026-01-01", "2026-03-31")
    for part in [doc, *doc["by_unit"]]:
        for group, names in API_FIELDS.items():
            assert names <= set(part[group]), group
    assert [row["unit"] for row in doc["by_unit"]] == ["HT", "HT-LH", "HT-TNMT", "HT-MT"]
    assert doc["by_unit"][1]["cases"]["received"] == 1 and doc["cases"]["resolution_rate"] is None


def test_every_figure_is_defined_once_in_both_languages_next_to_its_sql():
    assert len({f.path for f in FIGURES}) == len(FIGURES)
    for group in GROUPS:
        assert [f.key for f in FIGURES if f.group == group] == group_fields(group)
    for figure in FIGURES:
        for lang in ("vi", "en"):
            assert figure.definition.text(lang) and getattr(figure.label, lang)
        if figure.kind is Kind.SHARE:
            assert figure.definition.denominator is not None and figure.source is None
        else:
            assert figure.source is not None and figure.where is not None


def test_every_petition_kind_has_the_final_states_the_open_figure_uses():
    for kind in KINDS:
        assert definitions.latest(kind).final_states == set(FINAL_STATES)


def test_a_user_may_compute_figures_only_for_units_in_their_area(world, session, make_user):
    commune_clerk = make_user("reception", world.tree["HT-LH"])
    service.metrics(session, commune_clerk, "HT-LH", D(2026, 1, 1), D(2026, 3, 31))
    with pytest.raises(Forbidden):
        service.metrics(session, commune_clerk, "HT", D(2026, 1, 1), D(2026, 3, 31))
    with pytest.raises(Forbidden):
        service.drilldown(session, commune_clerk, "BT", D(2026, 1, 1), D(2026, 3, 31), True, "cases", "received")
    board = make_user("supervisor", world.tree["LH-TTND"])  # a board watches its ward
    service.metrics(session, board, "HT-LH", D(2026, 1, 1), D(2026, 3, 31))


def test_a_period_ending_before_it_starts_is_refused(world, session):
    with pytest.raises(Refused):
        service.metrics(session, world.admin, "HT", D(2026, 3, 31), D(2026, 1, 1))


def test_the_definitions_document_names_every_figure_with_its_words_and_what_it_opens():
    document = service.definitions_document()
    assert [(d["group"], d["figure"]) for d in document] == [(f.group, f.key) for f in FIGURES]
    rate = next(d for d in document if d["figure"] == "resolution_rate")
    assert (rate["numerator"], rate["denominator"], rate["drilldown"]) == ("cases.resolved", "cases.to_resolve", None)
    assert next(d for d in document if d["figure"] == "units_with_plan")["drilldown"] == "unit"
