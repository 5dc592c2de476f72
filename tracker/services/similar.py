"""Earlier cases of the same person and likely duplicates, shown at the desk while a petition
is typed in. A match on a person (ID number, phone, name) is looked for only among the cases
whose petitioners the actor may search by (policy.identity_search_filter): a denouncer is
never revealed to someone the law does not allow, not even by the fact that they match."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session

from tracker.auth import policy
from tracker.auth.policy import Actor
from tracker.models import Case, Petitioner
from tracker.services.cases import phone_digits
from tracker.text import fold

# Below these lengths a partial value matches too many people to be useful.
MIN_NAME = 5
MIN_DIGITS = 8
MIN_SUBJECT = 8


@dataclass(frozen=True)
class Similar:
    """A case that may be the same person's or the same matter, and why it was found."""

    case: Case
    same_id_number: bool
    same_phone: bool
    same_name: bool
    same_subject: bool

    @property
    def same_person(self) -> bool:
        """Found by who brought it (not only by what it is about)."""
        return self.same_id_number or self.same_phone or self.same_name


def similar_cases(session: Session, actor: Actor, *, id_number: str | None = None, phone: str | None = None,
                  name: str | None = None, subject: str | None = None, limit: int = 10) -> list[Similar]:
    """Cases in the actor's area of the same person (ID number, phone, or accent-insensitive
    name) or about the same subject, newest first; the same ID number ranks first."""
    id_key = (id_number or "").strip()
    phone_key = "".join(ch for ch in phone or "" if ch.isdigit())
    name_key = fold(name or "")
    subject_key = fold(subject or "")
    person: list[ColumnElement[bool]] = []
    contact = policy.sees_contact_details(actor)
    if contact and len(id_key) >= MIN_DIGITS:
        person.append(Petitioner.id_number == id_key)
    if contact and len(phone_key) >= MIN_DIGITS:
        person.append(phone_digits(Petitioner.phone) == phone_key)
    if len(name_key) >= MIN_NAME:
        person.append(Petitioner.name_search.like(f"%{name_key}%"))
    found: list[ColumnElement[bool]] = []
    if person:
        found.append(and_(exists().where(Petitioner.case_id == Case.id, or_(*person)), policy.identity_search_filter(actor)))
    if len(subject_key) >= MIN_SUBJECT:
        found.append(Case.subject_search.like(f"%{subject_key}%") & policy.readable_filter(actor))
    if not found:
        return []
    rows = list(session.scalars(
        select(Case).where(policy.visible_filter(actor), or_(*found)).order_by(Case.received_at.desc(), Case.id.desc())
        .limit(limit * 3)))
    matches = [_why(actor, case, id_key, phone_key, name_key, subject_key) for case in rows]
    matches.sort(key=lambda m: (not m.same_id_number, not m.same_person), reverse=False)
    return matches[:limit]


def _why(actor: Actor, case: Case, id_key: str, phone_key: str, name_key: str, subject_key: str) -> Similar:
    # Person matches are reported only where the actor may see the person at all.
    people = case.petitioners if policy.may_search_identity(actor, case) else []
    return Similar(
        case=case,
        same_id_number=bool(id_key) and any(p.id_number == id_key for p in people),
        same_phone=len(phone_key) >= MIN_DIGITS and any("".join(c for c in p.phone or "" if c.isdigit()) == phone_key
                                                         for p in people),
        same_name=len(name_key) >= MIN_NAME and any(name_key in p.name_search for p in people),
        same_subject=(len(subject_key) >= MIN_SUBJECT and subject_key in case.subject_search
                      and policy.may_read_denunciation(actor, case)),
    )

