"""Exports stream: workbooks are written in openpyxl's write-only mode and the records behind a
count are read from the database in batches, so memory stays bounded whatever their number."""
from __future__ import annotations

import csv
import dataclasses
import io

from openpyxl import load_workbook
from sqlalchemy import event

from tests.metrics.conftest import D
from tracker.metrics import drilldown as drilldown_module
from tracker.reports import writers
from tracker.reports.layout import all_layouts
from tracker.services import metrics as metrics_service
from tracker.services import reports

H1 = (D(2026, 1, 1), D(2026, 6, 30))


def spy_on_workbooks(monkeypatch):  # type: ignore[no-untyped-def]
    made = []
    real = writers.new_workbook

    def recording():  # type: ignore[no-untyped-def]
        workbook = real()
        made.append(workbook)
        return workbook

    monkeypatch.setattr(writers, "new_workbook", recording)
    return made


def test_every_report_is_written_through_a_write_only_workbook(world, session, monkeypatch):
    made = spy_on_workbooks(monkeypatch)
    every = [layout.key for layout in all_layouts()] + ["figures"]  # superseded forms are made by their version
    for form in every:
        reports.report(session, world.admin, "HT", "2026-H1", form, "xlsx", io.BytesIO())
    assert len(made) == len(every) and all(workbook.write_only for workbook in made)


def test_a_drilldown_export_streams_every_record_in_batches(world, session, monkeypatch):
    for n in range(7):
        world.petition("feedback", "HT-LH", D(2026, 1, 5 + n))
    made = spy_on_workbooks(monkeypatch)
    monkeypatch.setattr(metrics_service, "EXPORT_BATCH", 3)

    def no_objects(*_args):  # type: ignore[no-untyped-def]
        raise AssertionError("an export reads plain rows, never ORM objects")

    monkeypatch.setattr(metrics_service, "load_items", no_objects)
    monkeypatch.setattr(drilldown_module, "load_items", no_objects)
    options = []
    event.listen(session.get_bind(), "before_cursor_execute",
                 lambda _c, _cur, statement, _p, context, _m: options.append(context.execution_options)
                 if "tracking_code" in statement else None)
    buffer = io.BytesIO()
    written = reports.export_drilldown(session, world.admin, "HT", *H1, True, "cases", "received", "xlsx", buffer)
    assert (written.rows, made[0].write_only) == (7, True)
    assert [(o.get("stream_results"), o.get("yield_per")) for o in options] == [(True, 3)]  # one statement, a cursor
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert [c.value for c in sheet[1]][:3] == ["id", "tracking_code", "kind"] and sheet.max_row == 8
    text = io.BytesIO()
    reports.export_drilldown(session, world.admin, "HT", *H1, True, "cases", "received", "csv", text, row_unit="HT-LH")
    assert len(list(csv.reader(io.StringIO(text.getvalue().decode("utf-8-sig"))))) == 8


def test_an_export_lists_the_same_records_with_the_same_values_as_the_drilldown_page(world, session):
    for n in range(4):
        world.petition("feedback", "HT-LH", D(2026, 1, 5 + n))
        world.petition("denunciation", "HT-LH", D(2026, 1, 6 + n))
    page = metrics_service.drilldown(session, world.admin, "HT", *H1, True, "cases", "received", per_page=500)
    _, header, rows = metrics_service.drilldown_rows(session, world.admin, "HT", *H1, True, "cases", "received")
    assert [dict(zip(header, row, strict=True)) for row in rows] == [dataclasses.asdict(item) for item in page.items]
    assert any(item.kind == "denunciation" and item.subject is None for item in page.items)
