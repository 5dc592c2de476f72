"""Checking a report before it is sent: every sum rule and inequality of each form, in every row
(each unit and the totals), and the cross-form rules between the forms of the same report
(03/GQKN column 1 = 02/XLD column 6...), naming the unit, the form and the columns of anything
that does not add up. The rules are the form files' own (`rules`, `cross_rules`)."""
from __future__ import annotations

from dataclasses import dataclass

from tracker.reports.layout import FormLayout
from tracker.reports.table import Row, Table

TOTAL_CODE = ""  # the code of the totals row


@dataclass(frozen=True)
class Finding:
    """A rule that does not hold in one row."""

    form: str  # "03/GQKN:2025"
    unit_code: str  # "" for the totals row
    unit: str
    rule: str  # as the form file writes it: "2 = 3 + 4 + 5 + 6", "1 = 02/XLD 6"
    columns: dict[str, object]  # the values the rule read, by "FORM column" or column number

    @property
    def message(self) -> str:
        """One line a report writer can act on."""
        read = ", ".join(f"cột {k} = {v}" for k, v in self.columns.items())
        return (f"{self.unit} · {self.form}: quy tắc {self.rule} không thỏa ({read}) / "
                f"rule {self.rule} does not hold ({read.replace('cột', 'column')})")


def _rows(table: Table) -> list[Row]:
    return [*table.rows, table.total]


def check_tables(tables: list[tuple[FormLayout, Table]]) -> list[Finding]:
    """Every rule of every form, and every cross-form rule whose other form is among `tables`,
    in every row; the rows of two forms are matched by unit code (the totals with the totals)."""
    findings: list[Finding] = []
    by_code = {layout.code: (layout, table) for layout, table in tables}
    for layout, table in tables:
        for row in _rows(table):
            values = dict(enumerate(row.values, start=1))
            for rule in layout.rules:
                if not rule.holds(values):
                    read = {str(n): values[n] for n in dict.fromkeys(rule.left + rule.right)}
                    findings.append(Finding(layout.key, row.code, row.label, rule.text, read))
        for cross in layout.cross_rules:
            if cross.other_form not in by_code:
                continue
            other_layout, other_table = by_code[cross.other_form]
            other_rows = {row.code: row for row in _rows(other_table)}
            for row in _rows(table):
                other = other_rows.get(row.code)
                if other is None:
                    continue
                mine, theirs = row.values[cross.column - 1], other.values[cross.other_column - 1]
                if not cross.holds(mine, theirs):
                    read = {f"{layout.code} {cross.column}": mine, f"{other_layout.code} {cross.other_column}": theirs}
                    findings.append(Finding(layout.key, row.code, row.label, cross.text, read))
    return findings


__all__ = ["TOTAL_CODE", "Finding", "check_tables"]
