"""`tracker units create --kind investment_board` and `tracker projects create/list`, as an
operator scripts them; and the migration that brings them to a database holding data."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, text

from tests.test_cli import a_refusal, demo, sql, tracker  # noqa: F401 - the `tracker` and `demo` fixtures
from tracker.migrate import upgrade


@pytest.fixture(autouse=True)
def _today(clock_at):
    """These tests happen on 30/06/2026."""
    clock_at(dt.date(2026, 6, 30))


@pytest.fixture()
def ward(tracker):  # noqa: F811 - the imported fixture
    """A province, a town and a ward, with the ward's community investment supervision board."""
    for args in (("TN", "--name", "Tỉnh Tây Ninh", "--kind", "province"),
                 ("HT", "--name", "Thị xã Hòa Thành", "--kind", "district", "--parent", "TN"),
                 ("HT-LH", "--name", "Phường Long Hoa", "--kind", "commune", "--parent", "HT"),
                 ("LH-GSDT", "--name", "Ban giám sát đầu tư của cộng đồng phường Long Hoa", "--kind", "investment_board",
                  "--parent", "HT-LH")):
        result = tracker("units", "create", *args)
        assert result.exit_code == 0, result.output
    return tracker


def test_an_investment_board_is_created_under_a_commune_and_refused_elsewhere(ward):
    assert sql(ward.url, "SELECT kind FROM units WHERE code = 'LH-GSDT'") == [("investment_board",)]
    assert a_refusal(ward("units", "create", "HT-GSDT", "--name", "Ban", "--kind", "investment_board", "--parent", "HT"))


def test_projects_are_created_and_listed(ward):
    created = ward("projects", "create", "--unit", "HT-LH", "--name", "Nâng cấp đường Phạm Văn Đồng", "--investor",
                   "UBND phường Long Hoa", "--investor-unit", "HT-LH", "--budget-vnd", "4500000000", "--started-on", "2026-02-01",
                   "--planned-completion-on", "2026-12-31", "--location", "Khu phố Long Bình")
    assert created.exit_code == 0, created.output
    project_id = created.output.split("\t")[0]
    assert ward("projects", "create", "--unit", "HT-LH", "--name", "Trường mầm non", "--investor", "Ban QLDA").exit_code == 0
    listed = ward("projects", "list", "--unit", "HT").output.splitlines()
    assert listed == [f"{project_id}\tHT-LH\tin_progress\t01/02/2026\t31/12/2026\t4.500.000.000\tNâng cấp đường Phạm Văn Đồng",
                      f"{int(project_id) + 1}\tHT-LH\tpreparing\t-\t-\t-\tTrường mầm non"]


@pytest.mark.parametrize("args", [
    ("--unit", "HT", "--name", "Dự án", "--investor", "UBND"),                              # a town, not a commune
    ("--unit", "HT-LH", "--name", "Dự án", "--investor", "UBND", "--budget-vnd", "-5"),    # a negative budget
    ("--unit", "HT-LH", "--name", "Dự án", "--investor", "UBND", "--started-on", "2026-05-01",
     "--planned-completion-on", "2026-04-01"),                                              # dates out of order
    ("--unit", "HT-LH", "--name", "Dự án", "--investor", "UBND", "--started-on", "01/05/2026"),
    ("--unit", "HT-LH", "--name", "Dự án", "--investor", "UBND", "--investor-unit", "LH-GSDT"),
    ("--unit", "HT-LH", "--name", "Dự án", "--investor", "UBND", "--status", "abandoned"),
])
def test_a_bad_project_is_refused_with_a_message_and_nothing_written(ward, args):
    assert a_refusal(ward("projects", "create", *args))
    assert sql(ward.url, "SELECT count(*) FROM projects") == [(0,)]


def test_the_migration_brings_boards_and_projects_to_a_database_with_data(empty_db_url):
    upgrade(empty_db_url, "0008_board_guard")
    engine = create_engine(empty_db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO units (id, code, name, kind, path, settings, created_at) VALUES "
                              "(1, 'TN', 'Tỉnh', 'province', '/1/', '{}', CURRENT_TIMESTAMP), "
                              "(2, 'LH', 'Phường', 'commune', '/1/2/', '{}', CURRENT_TIMESTAMP), "
                              "(3, 'LH-TTND', 'Ban TTND', 'inspection_board', '/1/2/3/', '{}', CURRENT_TIMESTAMP)"))
            conn.execute(text("UPDATE units SET parent_id = 1 WHERE id = 2"))
            conn.execute(text("UPDATE units SET parent_id = 2 WHERE id = 3"))
            conn.execute(text("INSERT INTO supervisions (board_unit_id, subject, started_on, created_at) VALUES "
                              "(3, 'Giám sát', '2026-03-01', CURRENT_TIMESTAMP)"))
        upgrade(empty_db_url)
        with engine.begin() as conn:
            assert conn.execute(text("SELECT count(*) FROM units")).scalar() == 3
            assert conn.execute(text("SELECT project_id FROM supervisions")).fetchall() == [(None,)]
            conn.execute(text("INSERT INTO units (id, code, name, kind, parent_id, path, settings, created_at) VALUES "
                              "(4, 'LH-GSDT', 'Ban GSĐTCĐ', 'investment_board', 2, '/1/2/4/', '{}', CURRENT_TIMESTAMP)"))
    finally:
        engine.dispose()


def test_the_demo_has_investment_boards_in_several_communes_with_projects_and_answered_recommendations(demo):  # noqa: F811
    rows = sql(demo.url, """
        SELECT b.code, c.kind,
               (SELECT count(*) FROM projects p WHERE p.unit_id = c.id),
               (SELECT count(*) FROM supervisions s WHERE s.board_unit_id = b.id AND s.project_id IS NOT NULL),
               (SELECT count(*) FROM supervisions s WHERE s.board_unit_id = b.id AND s.project_id IS NULL)
        FROM units b JOIN units c ON c.id = b.parent_id WHERE b.kind = 'investment_board' ORDER BY b.code""")
    assert len(rows) >= 4 and {kind for _, kind, *_ in rows} == {"commune"}
    assert all(projects >= 3 and supervised >= 1 and unscoped == 0 for _, _, projects, supervised, unscoped in rows)
    [(issued, answered)] = sql(demo.url, """
        SELECT count(*), sum(CASE WHEN r.state IN ('answered', 'accepted') THEN 1 ELSE 0 END)
        FROM cases r JOIN supervisions s ON s.id = r.supervision_id JOIN units b ON b.id = s.board_unit_id
        WHERE b.kind = 'investment_board'""")
    assert issued > 0 and answered > 0
