"""The `tracker` command as operators script it (API.md, 'Command line'): every command takes
--database-url, a refusal is a message and exit code 1, never a traceback."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from tracker.cli import main


@pytest.fixture()
def tracker(empty_db_url, monkeypatch):
    """Run `tracker ARGS...` against a database of the test's own; returns the click result."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None):
        return runner.invoke(main, [*args, "--database-url", empty_db_url], input=stdin, catch_exceptions=False)

    run.url = empty_db_url
    assert run("init").exit_code == 0
    return run


def sql(url: str, statement: str, **params):
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            return conn.execute(text(statement), params).fetchall() if statement.lstrip().upper().startswith("SELECT") else \
                conn.execute(text(statement), params).rowcount
    finally:
        engine.dispose()


def a_refusal(result) -> bool:
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    return result.exit_code == 1 and "Traceback" not in output and bool(output.strip())


def test_init_is_safe_to_run_twice(tracker):
    assert tracker("init").exit_code == 0
    assert sql(tracker.url, "SELECT count(*) FROM cases") == [(0,)]


def test_units_are_created_under_their_parent_and_a_duplicate_code_is_refused(tracker):
    assert tracker("units", "create", "TN", "--name", "Tỉnh Tây Ninh", "--kind", "province").exit_code == 0
    assert tracker("units", "create", "HT", "--name", "Thị xã Hòa Thành", "--kind", "district", "--parent", "TN").exit_code == 0
    assert a_refusal(tracker("units", "create", "HT", "--name", "x", "--kind", "district", "--parent", "TN"))
    assert a_refusal(tracker("units", "create", "X", "--name", "x", "--kind", "galaxy", "--parent", "TN"))
    assert a_refusal(tracker("units", "create", "Y", "--name", "x", "--kind", "commune"))  # only a province has no parent
    assert sql(tracker.url, "SELECT code, path FROM units ORDER BY id") == [("TN", "/1/"), ("HT", "/1/2/")]


@pytest.fixture()
def with_user(tracker):
    tracker("units", "create", "TN", "--name", "Tỉnh Tây Ninh", "--kind", "province")
    result = tracker("users", "create", "tiepdan1", "--role", "reception", "--unit", "TN", "--email", "td@example.vn",
                     "--full-name", "Cán bộ tiếp dân", "--password-stdin", stdin="Mat-khau-dai-2026\n")
    assert result.exit_code == 0, result.output
    return tracker


def test_a_user_is_created_with_a_hashed_password_read_from_stdin(with_user):
    [(stored,)] = sql(with_user.url, "SELECT password_hash FROM users WHERE username = 'tiepdan1'")
    assert stored.startswith("$argon2id$") and "Mat-khau" not in stored


def test_a_password_is_never_taken_on_the_command_line(with_user):
    result = with_user("users", "create", "x1", "--role", "reception", "--unit", "TN")
    assert result.exit_code != 0 and "password-stdin" in result.output


@pytest.mark.parametrize(("args", "stdin"), [
    (("tiepdan1", "--role", "reception", "--unit", "TN"), "Mat-khau-dai-2026\n"),  # duplicate username
    (("x2", "--role", "emperor", "--unit", "TN"), "Mat-khau-dai-2026\n"),
    (("x3", "--role", "reception", "--unit", "NOWHERE"), "Mat-khau-dai-2026\n"),
    (("x4", "--role", "reception", "--unit", "TN"), "short\n"),
    (("x5", "--role", "supervisor", "--unit", "TN"), "Mat-khau-dai-2026\n"),  # a supervisor sits on a board
])
def test_a_bad_user_is_refused_with_a_message(with_user, args, stdin):
    assert a_refusal(with_user("users", "create", *args, "--password-stdin", stdin=stdin))


def test_a_token_is_printed_alone_on_one_line_and_stored_hashed(with_user):
    result = with_user("users", "token", "tiepdan1")
    token = result.output.strip()
    assert result.exit_code == 0 and len(result.output.splitlines()) == 1 and " " not in token
    [(digest,)] = sql(with_user.url, "SELECT token_hash FROM api_tokens")
    assert token not in digest and len(digest) == 64
    assert a_refusal(with_user("users", "token", "nobody"))


def test_calendar_overrides_are_added_listed_and_not_duplicated(tracker):
    assert tracker("calendar", "add-day-off", "2026-12-31", "--note", "QĐ nghỉ bù").exit_code == 0
    assert tracker("calendar", "add-working-day", "05/12/2026").exit_code == 0
    assert a_refusal(tracker("calendar", "add-day-off", "2026-12-31"))
    assert tracker("calendar", "add-day-off", "31.12.2026").exit_code == 2  # a usage error, not a crash
    listing = tracker("calendar", "list").output.splitlines()
    assert listing == ["05/12/2026\tworking_day\t", "31/12/2026\tday_off\tQĐ nghỉ bù"]


@pytest.fixture()
def demo(tracker, monkeypatch, clock_at):
    """A small demo database made on 01/12/2026 (hashing one password for every demo user keeps it quick)."""
    import datetime as dt

    import tracker.services.admin as admin

    clock_at(dt.date(2026, 12, 1))

    fast = admin.hash_password("demo-2026-tracker")
    monkeypatch.setattr(admin, "hash_password", lambda password: fast)
    result = tracker("demo", "--cases", "60", "--seed", "7")
    assert result.exit_code == 0, result.output
    return tracker


def test_the_demo_fills_a_province_with_cases_of_every_kind_and_verified_histories(demo):
    kinds = {k for (k,) in sql(demo.url, "SELECT DISTINCT kind FROM cases")}
    assert kinds >= {"complaint", "recommendation", "feedback", "dialogue_opinion", "supervision_recommendation"}
    communes = "SELECT count(*) FROM units WHERE code LIKE :d AND kind = 'commune'"
    assert (sql(demo.url, communes, d="BT-%"), sql(demo.url, communes, d="KA-%")) == ([(20,)], [(11,)])
    [(opinions, settled)] = sql(demo.url, "SELECT count(*), sum(CASE WHEN settled_on_spot THEN 1 ELSE 0 END) FROM cases "
                                          "WHERE kind = 'dialogue_opinion'")
    assert settled / opinions > 0.75
    verified = demo("history", "verify")
    assert verified.exit_code == 0 and verified.output.startswith("OK")


def test_the_demo_runs_once_and_is_skipped_when_asked_on_a_filled_database(demo):
    before = sql(demo.url, "SELECT count(*) FROM cases")
    assert demo("demo", "--if-empty").exit_code == 0
    assert a_refusal(demo("demo"))
    assert sql(demo.url, "SELECT count(*) FROM cases") == before


def test_editing_a_history_row_in_the_database_makes_verify_name_the_case(demo):
    [(case_id, code)] = sql(demo.url, "SELECT id, tracking_code FROM cases ORDER BY id LIMIT 1 OFFSET 3")
    assert sql(demo.url, "UPDATE history_entries SET note = 'sửa lén' WHERE case_id = :c AND seq = 1", c=case_id) == 1
    result = demo("history", "verify")
    assert result.exit_code == 1
    assert f"case {case_id} ({code}) at entry 1: content was altered" in result.output
    assert "1 case(s) with a broken history" in result.output


def test_deleting_a_history_row_breaks_the_chain_too(demo):
    [(case_id,)] = sql(demo.url, "SELECT case_id FROM history_entries WHERE seq = 2 ORDER BY case_id LIMIT 1")
    sql(demo.url, "DELETE FROM history_entries WHERE case_id = :c AND seq = 1", c=case_id)
    result = demo("history", "verify")
    assert result.exit_code == 1 and f"case {case_id} " in result.output and "entry 1 is missing" in result.output


def test_the_demo_shows_the_2025_reorganisation_as_it_happened(demo):
    districts = sql(demo.url, "SELECT d.code, d.closed_on, s.code FROM units d JOIN units s ON s.id = d.successor_id "
                              "WHERE d.kind = 'district' ORDER BY d.code")
    assert [(code, str(closed), heir) for code, closed, heir in districts] == [("BT", "2025-07-01", "TN"),
                                                                              ("KA", "2025-07-01", "TN")]
    assert sql(demo.url, "SELECT p.code FROM units u JOIN units p ON p.id = u.parent_id WHERE u.code = 'BT-P01'") == [("TN",)]
    under_closed = "SELECT count(*) FROM units u JOIN units p ON p.id = u.parent_id WHERE p.closed_on IS NOT NULL AND u.closed_on IS NULL"
    assert sql(demo.url, under_closed) == [(0,)]
    [(transfers,)] = sql(demo.url, "SELECT count(*) FROM history_entries WHERE trigger = 'transfer'")
    assert transfers > 0
    [(open_at_closed,)] = sql(demo.url, "SELECT count(*) FROM cases c JOIN units u ON u.id = COALESCE(c.assigned_unit_id, "
                                        "c.received_unit_id) WHERE u.closed_on IS NOT NULL AND c.state IN ('received', "
                                        "'accepted', 'verifying', 'suspended', 'assigned', 'issued')")
    assert open_at_closed == 0


def test_the_demo_looks_like_a_working_office_today(demo):
    rows = sql(demo.url, "SELECT due_on FROM cases WHERE state IN ('received', 'accepted', 'verifying', 'assigned', 'issued') "
                         "AND due_on < '2026-12-01' AND NOT (kind = 'supervision_recommendation' AND state = 'accepted')")
    import datetime as dt

    late = [(dt.date(2026, 12, 1) - dt.date.fromisoformat(str(due))).days for (due,) in rows]
    assert len(late) <= 10 and max(late, default=0) <= 75  # a few cases, late by weeks


def test_the_full_demo_of_the_quick_start_loads_and_holds_every_second_round_dialogue(tmp_path, monkeypatch, clock_at):
    """`make demo` runs `tracker demo` with its defaults: it must load, and each second-round complaint
    accepted from 01/07/2026 and decided has the dialogue the 2026 procedure requires before it."""
    import datetime as dt

    import tracker.services.admin as admin

    clock_at(dt.date(2026, 12, 1))
    fast = admin.hash_password("demo-2026-tracker")
    monkeypatch.setattr(admin, "hash_password", lambda password: fast)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    runner = CliRunner()
    assert runner.invoke(main, ["init", "--database-url", url]).exit_code == 0
    loaded = runner.invoke(main, ["demo", "--database-url", url])
    assert loaded.exit_code == 0, loaded.output[-2000:]
    decided_second_rounds = sql(url, "SELECT c.id, EXISTS (SELECT 1 FROM history_entries h WHERE h.case_id = c.id "
                                     "AND h.trigger = 'record_dialogue') FROM cases c JOIN history_entries r "
                                     "ON r.case_id = c.id AND r.trigger = 'resolve' WHERE c.kind = 'complaint' "
                                     "AND c.round = 2 AND c.accepted_on >= '2026-07-01'")
    assert decided_second_rounds, "the demo decides some second-round complaints under the 2026 procedure"
    assert all(held for _, held in decided_second_rounds)

    # The report writer's view of it: every column of every form in force has a figure for the
    # last completed quarter, and every rule of the report holds.
    from tracker import create_app, database
    from tracker.auth.policy import SYSTEM
    from tracker.demo.report_forms import last_completed_quarter
    from tracker.reports.layout import forms_in_force
    from tracker.reports.table import form_table
    from tracker.services import reports
    from tracker.services.common import unit_by_code

    app = create_app({"DATABASE_URL": url, "TESTING": True})
    with database(app).transaction() as session:
        quarter = last_completed_quarter(dt.date(2026, 12, 1))
        province = unit_by_code(session, "TN")
        empty = [(layout.code, n) for layout in forms_in_force(quarter.end)
                 for n, value in enumerate(form_table(session, layout, province, True, quarter).total.values, start=1)
                 if not value]
        assert empty == []
        assert reports.check_report(session, SYSTEM, "TN", quarter.token).ok
