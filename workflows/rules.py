"""Dated rule sets: the legal periods as data (DOMAIN.md §1, §3).

Each file in `rulesets/` is one set with its `effective_from` date and, for every
period, the article it comes from. A period is counted under the set in force on the
date of the act that starts it, so a change in the law never moves a running deadline.
"""
from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from workflows.calendar import DayUnit

RULESET_DIR = Path(__file__).with_name("rulesets")


class RuleSetError(ValueError):
    """A rule set is missing, malformed, or does not cover a date or period."""


@dataclass(frozen=True)
class Period:
    """A legal period: how many days, counted how, and the article it comes from."""

    key: str
    days: int
    unit: DayUnit
    source: str
    configurable: bool = False


@dataclass(frozen=True)
class ExtensionRule:
    """How often and how far a due date may be moved for one case kind."""

    max_times: int
    max_days_each: int | None = None
    cap_period: str | None = None
    source: str = ""


@dataclass(frozen=True)
class RuleSet:
    """All periods in force from `effective_from` until the next set takes over."""

    id: str
    title: str
    effective_from: date
    periods: Mapping[str, Period]
    extensions: Mapping[str, ExtensionRule] = field(default_factory=dict)

    def period(self, key: str) -> Period:
        """The period named `key`; RuleSetError when this set does not define it."""
        try:
            return self.periods[key]
        except KeyError:
            raise RuleSetError(f"rule set {self.id} has no period {key!r}") from None

    def extension(self, kind: str) -> ExtensionRule | None:
        """The extension rule for `kind`, or None when its due date cannot be moved."""
        return self.extensions.get(kind)


def parse_ruleset(text: str) -> RuleSet:
    """Build a RuleSet from the TOML text of one rule-set file."""
    raw = tomllib.loads(text)
    try:
        effective = raw["effective_from"]
        if not isinstance(effective, date):
            raise RuleSetError("effective_from must be a TOML date")
        periods = {
            key: Period(key, int(p["days"]), DayUnit(p["unit"]), str(p["source"]), bool(p.get("configurable", False)))
            for key, p in raw.get("periods", {}).items()
        }
        extensions = {
            kind: ExtensionRule(int(e["max_times"]), e.get("max_days_each"), e.get("cap_period"), str(e.get("source", "")))
            for kind, e in raw.get("extensions", {}).items()
        }
        return RuleSet(str(raw["id"]), str(raw.get("title", raw["id"])), effective, periods, extensions)
    except (KeyError, TypeError, ValueError) as exc:
        raise RuleSetError(f"malformed rule set: {exc}") from exc


class RuleBook:
    """The ordered rule sets, answering which set is in force on a given date."""

    def __init__(self, sets: Iterable[RuleSet]):
        self._sets = sorted(sets, key=lambda s: s.effective_from)
        if not self._sets:
            raise RuleSetError("no rule set")
        ids = [s.id for s in self._sets]
        if len(set(ids)) != len(ids):
            raise RuleSetError("two rule sets share an id")

    @property
    def sets(self) -> tuple[RuleSet, ...]:
        """All sets, oldest first."""
        return tuple(self._sets)

    def in_force(self, on: date) -> RuleSet:
        """The set in force on `on`: the latest whose effective_from is not after it."""
        current = None
        for rule_set in self._sets:
            if rule_set.effective_from <= on:
                current = rule_set
        if current is None:
            raise RuleSetError(f"no rule set in force on {on.isoformat()}")
        return current

    def by_id(self, set_id: str) -> RuleSet:
        """The set named `set_id`."""
        for rule_set in self._sets:
            if rule_set.id == set_id:
                return rule_set
        raise RuleSetError(f"unknown rule set {set_id!r}")


@cache
def shipped_rulebook() -> RuleBook:
    """The rule sets shipped with the code, one file each in `rulesets/`."""
    return RuleBook(parse_ruleset(p.read_text(encoding="utf-8")) for p in sorted(RULESET_DIR.glob("*.toml")))
