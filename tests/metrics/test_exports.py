"""Exports stream: workbooks are written in openpyxl's write-only mode and the records behind a
count are read from the database in batches, so memory stays bounded whatever their number."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

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
    batches = []
    real_load = drilldown_module.load_items

    def counting_load(session_, record, found):  # type: ignore[no-untyped-def]
        batches.append(len(found))
        return real_load(session_, record, found)

    monkeypatch.setattr(metrics_service, "load_items", counting_load)
    buffer = io.BytesIO()
    written = reports.export_drilldown(session, world.admin, "HT", *H1, True, "cases", "received", "xlsx", buffer)
    assert (written.rows, batches, made[0].write_only) == (7, [3, 3, 1], True)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert [c.value for c in sheet[1]][:3] == ["id", "tracking_code", "kind"] and sheet.max_row == 8
    text = io.BytesIO()
    reports.export_drilldown(session, world.admin, "HT", *H1, True, "cases", "received", "csv", text, row_unit="HT-LH")
    assert len(list(csv.reader(io.StringIO(text.getvalue().decode("utf-8-sig"))))) == 8
