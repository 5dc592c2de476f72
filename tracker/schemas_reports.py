"""Input schemas of the records the report forms of TT 06/2025/TT-TTCP read (REPORT-FORMS-2025.md):
leaders' reception days, eligibility reviews, execution records of decisions, and a unit's
documents, training sessions and responsibility inspections (form 06/QLKNTC). Declared like those
of `tracker.schemas`: strict, unknown fields refused, text NFC-normalised."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, StrictBool, WithJsonSchema, model_validator

from tracker.models.management import DOCUMENT_ACTIONS
from tracker.models.reception_days import RECEPTION_HOSTS
from tracker.schemas import Count, Input, Integer, OptionalText, ReceptionDayIn, Text, UnitCode

AMOUNT_TEXT = r"^[0-9]{1,18}([.][0-9]{1,2})?$"
MAX_WHOLE_AMOUNT = 10**18 - 1


def _amount(value: Any) -> Decimal:
    # A whole JSON number (VND), or a decimal written as text ("120.50" m²); never a boolean,
    # a fraction as a binary float, or text of another shape.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_WHOLE_AMOUNT:
        return Decimal(value)
    if isinstance(value, str) and re.fullmatch(AMOUNT_TEXT, value):
        return Decimal(value)
    if isinstance(value, Decimal) and value >= 0 and value == value.quantize(Decimal("0.01")):
        return value
    raise ValueError("một số nguyên không âm, hoặc số thập phân dạng chuỗi '120.50' / a whole number >= 0, or a decimal "
                     "as text such as '120.50'")


# Money in VND or land in m², >= 0.
Amount = Annotated[Decimal, BeforeValidator(_amount), WithJsonSchema({"anyOf": [
    {"type": "integer", "minimum": 0, "maximum": MAX_WHOLE_AMOUNT},
    {"type": "string", "pattern": AMOUNT_TEXT, "maxLength": 21}]})]


def _at_most(part: str, whole: str, data: Any) -> None:
    if getattr(data, part) > getattr(data, whole):
        raise ValueError(f"{part} không lớn hơn {whole} / {part} may not exceed {whole}")


class AnnouncedDayIn(ReceptionDayIn):
    """A leader's reception day (the schedule's record) with who hosts it and when it was announced."""

    host: Literal[RECEPTION_HOSTS] = "head"  # type: ignore[valid-type]
    announced_on: dt.date | None = None

    @model_validator(mode="after")
    def _announced_before(self) -> AnnouncedDayIn:
        if self.announced_on is not None and self.announced_on > self.held_on:
            raise ValueError("announced_on phải trước held_on / a day is announced before it is held")
        return self


class AnnouncementIn(Input):
    announced_on: dt.date


class ReviewIn(Input):
    found_on: dt.date | None = None
    note: OptionalText(5_000) = None  # type: ignore[valid-type]


class ExecutionIn(Input):
    recorded_on: dt.date | None = None
    recovered_money_vnd: Amount = Decimal(0)
    recovered_land_m2: Amount = Decimal(0)
    returned_money_vnd: Amount = Decimal(0)
    returned_land_m2: Amount = Decimal(0)
    organisations_disciplined: Count = 0
    people_disciplined: Count = 0
    civil_servants_disciplined: Count = 0
    prosecuted_cases: Count = 0
    prosecuted_people: Count = 0
    prosecuted_civil_servants: Count = 0
    finished: StrictBool = False
    note: OptionalText(5_000) = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _parts_within_wholes(self) -> ExecutionIn:
        _at_most("civil_servants_disciplined", "people_disciplined", self)
        _at_most("prosecuted_civil_servants", "prosecuted_people", self)
        return self


class DocumentIn(Input):
    unit: UnitCode
    action: Literal[DOCUMENT_ACTIONS]  # type: ignore[valid-type]
    issued_on: dt.date
    number: Text(100)  # type: ignore[valid-type]
    title: Text(500)  # type: ignore[valid-type]


class TrainingIn(Input):
    unit: UnitCode
    held_on: dt.date
    topic: Text(500)  # type: ignore[valid-type]
    attendees: Integer(1, 1_000_000)  # type: ignore[valid-type]


class InspectionIn(Input):
    unit: UnitCode
    subject: Text(500)  # type: ignore[valid-type]
    started_on: dt.date
    units_inspected: Integer(1, 100_000) = 1  # type: ignore[valid-type]


class ConclusionIn(Input):
    version: Integer(1, 2_147_483_647)  # type: ignore[valid-type]
    concluded_on: dt.date
    conclusion_no: Text(100)  # type: ignore[valid-type]
    recommended_organisations: Count = 0
    recommended_people: Count = 0
    referred_organisations: Count = 0
    referred_people: Count = 0


class InspectionExecutionIn(Input):
    version: Integer(1, 2_147_483_647)  # type: ignore[valid-type]
    executed_on: dt.date
    sanctioned_organisations: Count = 0
    sanctioned_people: Count = 0
    prosecuted_cases: Count = 0
    prosecuted_people: Count = 0
