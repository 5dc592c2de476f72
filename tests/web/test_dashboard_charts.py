"""The leaders' dashboard charts: drawn on the server as SVG, each point titled for screen
readers and a link to the records behind it (the same count), the numbers also as a table."""
from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from tests.web.test_pages import sign_in
from tracker.web import charts

VN = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture()
def leader(tree, make_user):
    return make_user("leader", tree["HT"])


@pytest.fixture()
def received(clerk, intake, tree, make_user, clock_at):
    """Two petitions in March, one in April at the town, one at its commune in April."""
    clock_at(dt.date(2026, 6, 1))
    commune = make_user("reception", tree["HT-LH"])
    for month, day, who in ((3, 2, clerk), (3, 9, clerk), (4, 6, clerk), (4, 7, commune)):
        intake(who, received_unit=who.unit.code, received_at=dt.datetime(2026, month, day, 8, tzinfo=VN))


def _figure(page: str, chart_id: str) -> str:
    return page.split(f'id="{chart_id}"', 1)[1].split("</figure>", 1)[0]


def _points(svg: str) -> list[tuple[str, str]]:
    """(href, title) of every linked point."""
    return [(html.unescape(href), html.unescape(title))
            for href, title in re.findall(r'<a href="([^"]+)" class="point">.*?<title>([^<]+)</title>', svg, re.S)]


def test_each_trend_point_opens_the_records_it_counts(client, leader, received):
    sign_in(client, leader.username)
    page = client.get("/dashboard?unit=HT&year=2026").get_data(as_text=True)
    svg = _figure(page, "chart-trend")
    assert "<svg" in svg and "<script" not in page.split("<main>")[1]
    points = dict((title, href) for href, title in _points(svg))
    march = next(href for title, href in points.items() if title.startswith("Số đơn tiếp nhận") and "03/2026" in title)
    assert next(t for t in points if t.startswith("Số đơn tiếp nhận") and "03/2026" in t).endswith(": 2")
    assert "from=2026-03-01" in march and "to=2026-03-31" in march
    records = client.get(march).get_data(as_text=True)
    assert re.search(r"<h1>[^<]*: 2</h1>", records)
    assert len(points) == 4 * 6  # four series over the months of the year up to today (1 June)


def test_units_are_compared_with_bars_that_open_each_units_records(client, leader, received):
    sign_in(client, leader.username)
    page = client.get("/dashboard?unit=HT&year=2026").get_data(as_text=True)
    svg = _figure(page, "chart-units")
    commune = next(href for href, title in _points(svg) if title.startswith("Phường Long Hoa — Số đơn tiếp nhận"))
    assert "row=HT-LH" in commune
    assert re.search(r"<h1>[^<]*: 1</h1>", client.get(commune).get_data(as_text=True))


def test_the_charts_numbers_are_also_a_table_and_speak_english(client, leader, received):
    sign_in(client, leader.username)
    client.set_cookie("lang", "en")
    page = client.get("/dashboard?unit=HT&year=2026").get_data(as_text=True)
    assert "The numbers as a table" in page and "Share settled on the spot" in _figure(page, "chart-share")
    table = page.split('id="chart-trend"', 1)[1].split("</details>", 1)[0]
    assert re.search(r'<th scope="row">03/2026</th>\s*<td class="num"><a href="[^"]+">2</a>', table)


def test_an_axis_ends_on_a_round_number():
    assert [charts.nice_top(v) for v in (0, 3, 7, 12, 180)] == [1, 5, 10, 20, 200]


def test_a_share_is_drawn_on_a_hundred_percent_axis_and_months_without_opinions_have_no_point():
    chart = charts.line_chart(["01/2026", "02/2026", "03/2026"],
                              [charts.Series("Tại chỗ", "trend-share", [0.5, None, 1.0], ["/a", None, "/c"])], percent=True)
    (line,) = chart.lines
    assert [p.text for p in line.points] == ["50.0%", "100.0%"] and chart.y_ticks[-1][1] == "100.0%"
    assert line.points[1].y < line.points[0].y < chart.baseline


def test_a_line_is_broken_where_a_month_has_no_figure():
    chart = charts.line_chart(["01", "02", "03", "04"], [charts.Series("s", "c", [1, 2, None, 3], [None] * 4)])
    assert chart.lines[0].path.count("M") == 2 and chart.lines[0].path.count("L") == 1
