"""Input schemas of every domain operation, declared once: services validate with them and
the API publishes them in its OpenAPI document. Text is NFC-normalised on the way in;
unknown fields are refused; types are strict (a date is a "YYYY-MM-DD" string, a number is
a JSON number, never a string that looks like one)."""
from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    WithJsonSchema,
    model_validator,
)

from tracker.models.activity import RECEPTION_KINDS
from tracker.models.cases import CHANNELS, SUBJECT_AREAS
from tracker.models.units import UNIT_KINDS
from tracker.models.users import ROLES
from tracker.text import nfc

# No text may hold NUL or other control characters (tab, line feed and carriage return are
# fine): PostgreSQL refuses NUL, and control characters in a petition are never meant.
_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
# White space spelled out, so that the document's pattern and the server agree on "blank".
_SPACE = r"\t\n\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
PLAIN_TEXT = rf"^[^{_CONTROL}]*$"
NONBLANK_TEXT = rf"^[^{_CONTROL}]*[^{_CONTROL}{_SPACE}][^{_CONTROL}]*$"
_FORBIDDEN_CHARS = re.compile(rf"[{_CONTROL}\ud800-\udfff]")
# Row ids are 32-bit on every backend; a larger number names nothing.
MAX_ID = 2_147_483_647


def has_forbidden_chars(value: str) -> bool:
    """True when `value` holds a control character or a lone surrogate (never valid text)."""
    return _FORBIDDEN_CHARS.search(value) is not None


def _within(max_length: int):  # type: ignore[no-untyped-def]
    def check(value: str) -> str:
        # NFC can lengthen a few rare characters; the column's limit is on the stored text.
        if len(value) > max_length:
            raise ValueError(f"longer than {max_length} characters once normalised")
        return value

    return check


def _nonblank(value: str) -> str:
    value = nfc(value)
    if not value:
        raise ValueError("must not be blank")
    return value


def _optional(value: str | None) -> str | None:
    return nfc(value) or None if value is not None else None


def Text(max_length: int) -> Any:  # noqa: N802 - reads as a type in annotations
    """A required, non-blank, NFC-normalised string of at most `max_length` characters."""
    return Annotated[str, Field(min_length=1, max_length=max_length, pattern=NONBLANK_TEXT),
                     AfterValidator(_nonblank), AfterValidator(_within(max_length))]


def OptionalText(max_length: int) -> Any:  # noqa: N802
    """An optional NFC-normalised string; blank becomes None."""
    return Annotated[str | None, Field(default=None, max_length=max_length, pattern=PLAIN_TEXT),
                     AfterValidator(_optional), AfterValidator(lambda v: v if v is None else _within(max_length)(v))]


UnitCode = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]


def _integral(value: Any) -> Any:
    # JSON Schema counts 7.0 as an integer; a string such as "7" is still refused.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def Integer(ge: int, le: int) -> Any:  # noqa: N802 - reads as a type in annotations
    """A whole number in [ge, le], given as a JSON number (7 or 7.0), never as text or a boolean."""
    return Annotated[StrictInt, Field(ge=ge, le=le), BeforeValidator(_integral)]


Count = Integer(0, 1_000_000)
Id = Integer(1, MAX_ID)
PETITION_KINDS = ("complaint", "denunciation", "recommendation", "feedback", "voter_opinion")


class Input(BaseModel):
    """Base of every input: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", strict=True, str_max_length=100_000)


class UnitIn(Input):
    code: UnitCode
    name: Text(255)  # type: ignore[valid-type]
    kind: Literal[UNIT_KINDS]  # type: ignore[valid-type]
    parent_code: UnitCode | None = None


class UserIn(Input):
    username: Annotated[str, Field(min_length=2, max_length=80, pattern=r"^[A-Za-z0-9_.\-@]+$")]
    role: Literal[ROLES]  # type: ignore[valid-type]
    unit: UnitCode
    password: Annotated[str, Field(min_length=8, max_length=200, pattern=PLAIN_TEXT)]
    email: Annotated[str | None, Field(default=None, max_length=255, pattern=r"^[^@\s]+@[^@\s]+$")] = None
    full_name: OptionalText(255) = None  # type: ignore[valid-type]


class PetitionerIn(Input):
    full_name: Text(255)  # type: ignore[valid-type]
    id_number: Annotated[str | None, Field(default=None, max_length=30, pattern=r"^[0-9A-Za-z\-]+$")] = None
    phone: Annotated[str | None, Field(default=None, max_length=30, pattern=r"^[0-9+() .\-]+$")] = None
    address: OptionalText(500) = None  # type: ignore[valid-type]


class CaseIn(Input):
    kind: Literal[PETITION_KINDS]  # type: ignore[valid-type]
    channel: Literal[CHANNELS]  # type: ignore[valid-type]
    received_unit: UnitCode
    subject: Text(500)  # type: ignore[valid-type]
    content: Text(20_000)  # type: ignore[valid-type]
    received_at: AwareDatetime | None = None
    petitioners: Annotated[list[PetitionerIn], Field(max_length=100)] = []
    anonymous: StrictBool = False
    crowd_size: Integer(1, 100_000) | None = None  # type: ignore[valid-type]
    subject_area: Literal[SUBJECT_AREAS] | None = None  # type: ignore[valid-type]
    # A denunciation that must be checked in several places gets 10 working days (TC Art. 24).
    multi_place: StrictBool = False
    # A voters' opinion several agencies must answer gets 50 days (QĐ 33/2017).
    multi_agency: StrictBool = False
    # A voters' opinion starts at the unit that must answer it; defaults to the receiving unit.
    assigned_unit: UnitCode | None = None
    visit_id: Id | None = None

    @model_validator(mode="after")
    def _petitioners_match_kind(self) -> CaseIn:
        if self.anonymous and self.petitioners:
            raise ValueError("an anonymous petition names no petitioner")
        if self.kind == "complaint" and not self.petitioners:
            raise ValueError("a complaint needs at least one petitioner")
        if self.kind == "denunciation" and not self.anonymous and not self.petitioners:
            raise ValueError("a named denunciation needs at least one petitioner")
        return self


# What a trigger's `data` may hold: each trigger's own fields (GET /api/v1/workflows lists them)
# check the values; numbers beyond 32 bits are read as decimals, never as row counts.
DataValue = (
    Annotated[str, Field(max_length=20_000, pattern=PLAIN_TEXT)]
    | Integer(-MAX_ID, MAX_ID)
    | Annotated[float, Field(allow_inf_nan=False)]
    | StrictBool
    | None
)
DATA_KEY = r"^[a-z][a-z0-9_]*$"
DataKey = Annotated[str, Field(min_length=1, max_length=40, pattern=DATA_KEY)]
# pydantic would describe the key rule as patternProperties, which lets other keys through.
_DATA_SCHEMA = {
    "type": "object", "maxProperties": 30,
    "propertyNames": {"type": "string", "minLength": 1, "maxLength": 40, "pattern": DATA_KEY},
    "additionalProperties": {"anyOf": [
        {"type": "string", "maxLength": 20_000, "pattern": PLAIN_TEXT},
        {"type": "number"}, {"type": "boolean"}, {"type": "null"},
    ]},
}


class TransitionIn(Input):
    trigger: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z_]*$")]
    version: Id
    note: OptionalText(5_000) = None  # type: ignore[valid-type]
    data: Annotated[dict[DataKey, DataValue], WithJsonSchema(_DATA_SCHEMA), Field(max_length=30, description=(
        "What the trigger needs, e.g. {\"unit\": \"CODE\"} for accept/forward, {\"outcome\", \"decision_no\", "
        "\"summary\"} for resolve, {\"due_on\": \"YYYY-MM-DD\", \"reason\"} for extend. GET /api/v1/workflows lists "
        "every trigger's fields; a field the trigger does not take is refused (422)."))] = {}
    effective_on: dt.date | None = None


class VisitIn(Input):
    unit: UnitCode
    visited_on: dt.date
    reception: Literal[RECEPTION_KINDS]  # type: ignore[valid-type]
    persons: Integer(1, 10_000)  # type: ignore[valid-type]
    delegation: StrictBool = False
    case_ids: Annotated[list[Id], Field(max_length=100)] = []
    repeat: StrictBool = False
    note: OptionalText(5_000) = None  # type: ignore[valid-type]


class DialogueIn(Input):
    host_unit: UnitCode
    held_on: dt.date
    chair: Text(255)  # type: ignore[valid-type]
    topic: Text(500)  # type: ignore[valid-type]
    attendees: Count | None = None
    plan_id: Id | None = None


class OpinionIn(Input):
    subject: Text(500)  # type: ignore[valid-type]
    content: Text(20_000)  # type: ignore[valid-type]
    petitioners: Annotated[list[PetitionerIn], Field(max_length=100)] = []
    settled_on_spot: StrictBool
    answer: OptionalText(20_000) = None  # type: ignore[valid-type]
    assigned_unit: UnitCode | None = None
    due_on: dt.date | None = None

    @model_validator(mode="after")
    def _assignment_is_complete(self) -> OpinionIn:
        if not self.settled_on_spot and (self.assigned_unit is None or self.due_on is None):
            raise ValueError("an opinion not settled on the spot needs assigned_unit and due_on")
        return self


class PlanIn(Input):
    unit: UnitCode
    year: Integer(2000, 2100)  # type: ignore[valid-type]
    planned_sessions: Integer(1, 1000)  # type: ignore[valid-type]


class ScopeIn(Input):
    unit: UnitCode | None = None
    case_ids: Annotated[list[Id], Field(max_length=1000)] = []


class SupervisionIn(Input):
    board_unit: UnitCode
    subject: Text(500)  # type: ignore[valid-type]
    started_on: dt.date
    ended_on: dt.date | None = None
    scope: ScopeIn | None = None
    findings: OptionalText(20_000) = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _dates_in_order(self) -> SupervisionIn:
        if self.ended_on is not None and self.ended_on < self.started_on:
            raise ValueError("ended_on is before started_on")
        return self


class RecommendationIn(Input):
    addressee_unit: UnitCode
    content: Text(20_000)  # type: ignore[valid-type]
    due_on: dt.date | None = None
    issued_on: dt.date | None = None


class LoginIn(Input):
    username: Annotated[str, Field(min_length=1, max_length=80, pattern=PLAIN_TEXT)]
    password: Annotated[str, Field(min_length=1, max_length=200, pattern=PLAIN_TEXT)]


class ReceptionDayIn(Input):
    unit: UnitCode
    held_on: dt.date
    leader: Text(255)  # type: ignore[valid-type]
    note: OptionalText(5_000) = None  # type: ignore[valid-type]
