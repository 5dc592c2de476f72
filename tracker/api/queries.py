"""Query-string parameters of the list endpoints, declared once (validation and document).

Query values arrive as text: a number must be written in digits, a boolean as `true` or
`false`, a date as `YYYY-MM-DD`; anything else is a 400, as the document says.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from tracker.schemas import PLAIN_TEXT, UnitCode
from workflows import definitions

KINDS = definitions.KINDS
STATES = tuple(dict.fromkeys(s.name for w in definitions.ALL for s in w.states))


def _whole_number(value: Any) -> Any:
    if isinstance(value, str):
        if not re.fullmatch(r"[0-9]{1,9}", value):
            raise ValueError("a whole number written in digits")
        return int(value)
    return value


def _boolean(value: Any) -> Any:
    if isinstance(value, str):
        if value not in ("true", "false"):
            raise ValueError("true or false")
        return value == "true"
    return value


def _date(value: Any) -> Any:
    if isinstance(value, str):
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise ValueError("a date as YYYY-MM-DD")
        return dt.date.fromisoformat(value)
    return value


# Constraints before the validator, so that pydantic publishes them as minimum/maximum.
Page = Annotated[int, Field(ge=1, le=100_000, description="Page number, from 1."), BeforeValidator(_whole_number)]
PerPage = Annotated[int, Field(ge=1, le=200, description="Items per page, 1 to 200."), BeforeValidator(_whole_number)]
QueryDate = Annotated[dt.date, BeforeValidator(_date)]


class Query(BaseModel):
    """Base of the query models: strict once the text is read."""

    model_config = ConfigDict(strict=True, extra="ignore", populate_by_name=True)


class PageQuery(Query):
    page: Page = 1
    per_page: PerPage = 50


_STATE = "(?:" + "|".join(STATES) + ")"
SORTS = ("urgency", "-urgency", "due_on", "-due_on", "received_at", "-received_at")


class CaseListQuery(PageQuery):
    # The list refuses what it does not know (API.md): a misspelt filter must not silently list everything.
    model_config = ConfigDict(strict=True, extra="forbid", populate_by_name=True)

    kind: Literal[KINDS] | None = None  # type: ignore[valid-type]
    state: Annotated[str, Field(pattern=rf"^{_STATE}(?:,{_STATE})*$", max_length=400,
                                description="One state or several separated by commas (any of them).")] | None = None
    unit: UnitCode | None = Field(default=None, description="Cases received or resolved in this unit's tree.")
    overdue: Annotated[bool, BeforeValidator(_boolean)] | None = None
    open: Annotated[bool, BeforeValidator(_boolean)] | None = Field(
        default=None, description="true: only cases not yet in a final state; false: only final ones.")
    due_before: QueryDate | None = Field(default=None, description="Only cases due on or before this date (YYYY-MM-DD).")
    sort: Literal[SORTS] = Field(  # type: ignore[valid-type]
        default="urgency", description="urgency (overdue first, then soonest due), due_on or received_at; '-' for descending.")
    q: Annotated[str, Field(max_length=200, pattern=PLAIN_TEXT)] | None = Field(
        default=None, description="Search: subject (accent-insensitive), tracking code (with or without dashes), or a "
                                  "petitioner's name, ID number or phone where you may see them.")

    @property
    def states(self) -> tuple[str, ...]:
        """The states asked for, in order, once each."""
        return tuple(dict.fromkeys(self.state.split(","))) if self.state else ()


class ActivityQuery(PageQuery):
    unit: UnitCode | None = Field(default=None, description="Only this unit's tree (inside your area).")
    date_from: QueryDate | None = Field(default=None, alias="from", description="From this date, inclusive.")
    date_to: QueryDate | None = Field(default=None, alias="to", description="Until this date, inclusive.")


class PlanQuery(PageQuery):
    unit: UnitCode | None = Field(default=None, description="Only this unit's tree (inside your area).")
    year: Annotated[int, Field(ge=2000, le=2100), BeforeValidator(_whole_number)] | None = None
