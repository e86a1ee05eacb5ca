"""School days: terms, weekends, holidays and make-up working days (调休)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import CalendarDay, Term
from services.calendar import SchoolCalendar, TermSpan, load_calendar
from services.clock import FakeClock
from tests.support.factory import Factory

AUTUMN = TermSpan(1, "2026秋", date(2026, 9, 1), date(2027, 1, 20))


def test_without_terms_monday_to_friday_are_school_days() -> None:
    cal = SchoolCalendar()
    assert cal.is_school_day(date(2026, 11, 23))  # Monday
    assert not cal.is_school_day(date(2026, 11, 28))  # Saturday


def test_terms_holidays_and_make_up_days() -> None:
    cal = SchoolCalendar(
        (AUTUMN,),
        {date(2026, 10, 1): False, date(2026, 10, 10): True},  # 国庆节; a Saturday 调休
    )
    assert not cal.is_school_day(date(2026, 8, 31))  # Monday before the term
    assert cal.is_school_day(date(2026, 9, 1))
    assert not cal.is_school_day(date(2026, 10, 1))  # Thursday, holiday
    assert cal.is_school_day(date(2026, 10, 10))  # Saturday, make-up day
    assert not cal.is_school_day(date(2027, 1, 21))  # after the term
    assert cal.term_of(date(2026, 12, 1)) == AUTUMN and cal.term_of(date(2027, 2, 1)) is None


def test_last_school_days_skip_weekends_and_holidays() -> None:
    cal = SchoolCalendar((AUTUMN,), {date(2026, 11, 20): False})  # Friday off
    assert cal.last_school_days(date(2026, 11, 23), 3) == [
        date(2026, 11, 18), date(2026, 11, 19), date(2026, 11, 23),
    ]
    assert cal.last_school_days(date(2026, 9, 2), 5) == [date(2026, 9, 1), date(2026, 9, 2)]


def test_term_school_days_counts_the_whole_term() -> None:
    cal = SchoolCalendar((TermSpan(2, "t", date(2026, 11, 2), date(2026, 11, 15)),), {date(2026, 11, 14): True})
    assert len(cal.term_school_days(date(2026, 11, 3))) == 11  # 10 weekdays + one 调休 Saturday
    assert cal.term_school_days(date(2026, 12, 1)) == []


async def test_load_calendar_reads_only_this_schools_rows(
    session: AsyncSession, factory: Factory, clock: FakeClock
) -> None:
    one, two = await factory.school("一小"), await factory.school("二小")
    now = clock.now()
    session.add_all([
        Term(school_id=one.id, name="秋", starts_on=date(2026, 9, 1), ends_on=date(2027, 1, 20), created_at=now),
        CalendarDay(school_id=one.id, day=date(2026, 11, 23), is_school_day=False, note="运动会", created_at=now),
        CalendarDay(school_id=two.id, day=date(2026, 11, 24), is_school_day=False, created_at=now),
    ])
    await session.flush()
    cal = await load_calendar(session, one.id)
    assert cal.has_terms and not cal.is_school_day(date(2026, 11, 23))
    assert cal.is_school_day(date(2026, 11, 24))  # the other school's holiday is not ours
    assert not (await load_calendar(session, two.id)).is_school_day(date(2026, 11, 24))
