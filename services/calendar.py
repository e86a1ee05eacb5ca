"""Which days are school days, per school.

Rule: a day is a school day when it lies inside one of the school's terms and either it
is Monday–Friday with no exception, or an exception row makes it one (调休, a make-up
working day on a weekend). A school that has set no term yet gets Monday–Friday (with its
exceptions) so attendance works from the first day; admins are told to set the terms.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from db.repositories import calendar as repo

# Looking further back than this for "the last N school days" means something is wrong
# with the calendar (e.g. no term for a year); stop instead of scanning for ever.
MAX_LOOKBACK_DAYS = 400


@dataclass(frozen=True)
class TermSpan:
    id: int
    name: str
    starts_on: date
    ends_on: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.starts_on <= day <= self.ends_on


@dataclass(frozen=True)
class SchoolCalendar:
    terms: tuple[TermSpan, ...] = ()
    exceptions: dict[date, bool] = field(default_factory=dict)  # day -> is a school day

    @property
    def has_terms(self) -> bool:
        return bool(self.terms)

    def term_of(self, day: date) -> TermSpan | None:
        return next((term for term in self.terms if day in term), None)

    def is_school_day(self, day: date) -> bool:
        if self.terms and self.term_of(day) is None:
            return False
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5

    def school_days(self, start: date, end: date) -> list[date]:
        """School days from start to end, both included."""
        return [d for d in _days(start, end) if self.is_school_day(d)]

    def last_school_days(self, until: date, count: int) -> list[date]:
        """The `count` most recent school days up to and including `until`, oldest first
        (fewer if the calendar has fewer)."""
        found: list[date] = []
        day = until
        for _ in range(MAX_LOOKBACK_DAYS):
            if len(found) == count:
                break
            if self.is_school_day(day):
                found.append(day)
            day -= timedelta(days=1)
        return list(reversed(found))

    def term_school_days(self, day: date) -> list[date]:
        """All school days of the term `day` falls in (empty outside terms)."""
        term = self.term_of(day)
        return self.school_days(term.starts_on, term.ends_on) if term else []


def _days(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


async def load_calendar(session: AsyncSession, school_id: int) -> SchoolCalendar:
    terms = tuple(
        TermSpan(t.id, t.name, t.starts_on, t.ends_on) for t in await repo.terms_of(session, school_id)
    )
    exceptions = {d.day: d.is_school_day for d in await repo.exceptions_of(session, school_id)}
    return SchoolCalendar(terms, exceptions)
