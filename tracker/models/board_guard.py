"""The database's own refusal of a supervisory board as a case's receiving or resolving unit.

A board's users must never hold a petitioner's identity (DOMAIN.md §5), so no path — a
service, a script, a hand-written UPDATE — may make a board a case's unit. A CHECK cannot
look at another table, so this is a trigger on `cases` (and one on `units`, so a unit that
holds cases cannot become a board), the same rule on SQLite and PostgreSQL.

The only case a board stands at is the recommendation it issued itself (kind
`supervision_recommendation`, received at the board, no petitioners).

The kinds are passed in by the migration that creates the triggers, frozen as they were
then: a migration that adds a board kind (e.g. `investment_board`) calls `create_sql` again
with the new `BOARD_KINDS`.
"""
from __future__ import annotations

from collections.abc import Sequence

MESSAGE = "a supervisory board cannot be a case's receiving or resolving unit"
ISSUED_BY_BOARD = "supervision_recommendation"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _kinds(board_kinds: Sequence[str]) -> str:
    return ", ".join(_literal(kind) for kind in board_kinds)


def _case_condition(board_kinds: Sequence[str]) -> str:
    kinds = _kinds(board_kinds)
    return (f"(NEW.kind <> '{ISSUED_BY_BOARD}' AND EXISTS (SELECT 1 FROM units u WHERE u.id = NEW.received_unit_id "
            f"AND u.kind IN ({kinds}))) OR EXISTS (SELECT 1 FROM units u WHERE u.id = NEW.assigned_unit_id "
            f"AND u.kind IN ({kinds}))")


def _unit_condition(board_kinds: Sequence[str]) -> str:
    kinds = _kinds(board_kinds)
    return (f"NEW.kind IN ({kinds}) AND EXISTS (SELECT 1 FROM cases c WHERE c.assigned_unit_id = NEW.id "
            f"OR (c.received_unit_id = NEW.id AND c.kind <> '{ISSUED_BY_BOARD}'))")


def create_sql(dialect: str, board_kinds: Sequence[str]) -> list[str]:
    """The statements that create the guard for `board_kinds` on `dialect`."""
    case_when, unit_when = _case_condition(board_kinds), _unit_condition(board_kinds)
    if dialect == "sqlite":
        return [
            *(f"CREATE TRIGGER cases_no_board_unit_{event.split()[0].lower()} BEFORE {event} ON cases FOR EACH ROW "
              f"WHEN {case_when} BEGIN SELECT RAISE(ABORT, {_literal(MESSAGE)}); END"
              for event in ("INSERT", "UPDATE OF kind, received_unit_id, assigned_unit_id")),
            f"CREATE TRIGGER units_no_board_with_cases BEFORE UPDATE OF kind ON units FOR EACH ROW "
            f"WHEN {unit_when} BEGIN SELECT RAISE(ABORT, {_literal(MESSAGE)}); END",
        ]
    return [
        f"""CREATE FUNCTION cases_no_board_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF {case_when} THEN
        RAISE EXCEPTION {_literal(MESSAGE)} USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$""",
        "CREATE TRIGGER cases_no_board_unit BEFORE INSERT OR UPDATE OF kind, received_unit_id, assigned_unit_id "
        "ON cases FOR EACH ROW EXECUTE FUNCTION cases_no_board_unit()",
        f"""CREATE FUNCTION units_no_board_with_cases() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF {unit_when} THEN
        RAISE EXCEPTION {_literal(MESSAGE)} USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$""",
        "CREATE TRIGGER units_no_board_with_cases BEFORE UPDATE OF kind ON units FOR EACH ROW "
        "EXECUTE FUNCTION units_no_board_with_cases()",
    ]


def drop_sql(dialect: str) -> list[str]:
    """The statements that remove the guard (before creating it again with other kinds)."""
    if dialect == "sqlite":
        return ["DROP TRIGGER IF EXISTS cases_no_board_unit_insert", "DROP TRIGGER IF EXISTS cases_no_board_unit_update",
                "DROP TRIGGER IF EXISTS units_no_board_with_cases"]
    return ["DROP TRIGGER IF EXISTS cases_no_board_unit ON cases", "DROP FUNCTION IF EXISTS cases_no_board_unit()",
            "DROP TRIGGER IF EXISTS units_no_board_with_cases ON units", "DROP FUNCTION IF EXISTS units_no_board_with_cases()"]
