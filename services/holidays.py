"""Public holidays and make-up working days (调休) pre-filled from the `chinese-calendar`
package (PyPI `chinesecalendar`), which knows each year only once the State Council has
published it (and not before 2004).

A year the package lacks never fails: `public_days` says None, and the school's admins are
asked (through the outbox, once per school and year) to enter that year's holidays in the
calendar themselves. Days the admin has already set are never overwritten.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import CalendarDay, Priority, School
from db.repositories import calendar as calendar_repo
from db.repositories import returns as repo
from locales import Translator
from services.access import Actor, can_manage_school
from services.clock import Clock, local_today
from services.outbox import OutgoingMessage, enqueue

log = logging.getLogger(__name__)

ASK_KIND = "holidays-missing"


class HolidaysError(Exception):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class PublicDay:
    day: date
    is_school_day: bool  # True: a make-up working day on a weekend
    holiday: str  # the package's name for the holiday, e.g. "national_day"


def public_days(year: int) -> list[PublicDay] | None:
    """The year's public holidays and weekend make-up working days; None when the package
    has no data for the year (or is not installed)."""
    try:
        import chinese_calendar
    except ImportError:  # pragma: no cover - a dependency, but never a reason to crash
        log.warning("chinese-calendar is not installed: holidays must be entered by hand")
        return None
    names = {h.value: h.name for h in chinese_calendar.Holiday}
    found: list[PublicDay] = []
    day = date(year, 1, 1)
    try:
        while day.year == year:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
            if name is not None:
                key = names.get(name, "other")
                if on_holiday:
                    found.append(PublicDay(day, False, key))
                elif day.weekday() >= 5:
                    found.append(PublicDay(day, True, key))
            day += timedelta(days=1)
    except NotImplementedError:
        log.info("chinese-calendar has no data for %s", year)
        return None
    return found


def holiday_note(translator: Translator, language: str | None, public: PublicDay) -> str:
    if public.is_school_day:
        return translator.get("holidays-makeup-note", language)
    key = "holidays-name-" + public.holiday.replace("_", "-")
    lang = translator.normalize(language)
    return translator.get(key, lang) if translator.has(key, lang) else translator.get("holidays-name-other", lang)


@dataclass(frozen=True)
class PrefillResult:
    year: int
    added: int = 0  # days written
    kept: int = 0  # days the school had set already (left as they were)
    missing: bool = False  # the package has no data for the year
    asked: int = 0  # admins asked to enter the year by hand


async def prefill_year(
    session: AsyncSession, clock: Clock, translator: Translator, school_id: int, year: int,
    *, actor: Actor | None = None, language: str | None = None,
) -> PrefillResult:
    """Write the year's public holidays and make-up days into the school's calendar.
    `actor` None is the command line (the server's operator). Does not commit."""
    if actor is not None and not can_manage_school(actor, school_id):
        raise HolidaysError("holidays-not-allowed")
    days = public_days(year)
    if days is None:
        asked = await ask_admins_for_year(session, clock, translator, school_id, year)
        return PrefillResult(year, missing=True, asked=asked)
    existing = {
        d.day for d in await calendar_repo.exceptions_of(session, school_id, date(year, 1, 1), date(year, 12, 31))
    }
    now = clock.now()
    added = kept = 0
    for public in days:
        if public.day in existing:
            kept += 1
            continue
        session.add(CalendarDay(
            school_id=school_id, day=public.day, is_school_day=public.is_school_day,
            note=holiday_note(translator, language, public), created_at=now,
        ))
        added += 1
    await session.flush()
    log.info("holidays prefilled: school=%s year=%s added=%d kept=%d", school_id, year, added, kept)
    return PrefillResult(year, added=added, kept=kept)


async def ask_admins_for_year(
    session: AsyncSession, clock: Clock, translator: Translator, school_id: int, year: int
) -> int:
    """Ask the school's admins, once per year, to enter the year's holidays by hand."""
    school = await session.get(School, school_id)
    if school is None:
        return 0
    messages = []
    for admin in await repo.school_admins(session, school_id):
        if admin.chat_id is None:
            continue
        messages.append(OutgoingMessage(
            dedup_key=f"holidays-missing:{school_id}:{year}:to:{admin.id}",
            chat_id=admin.chat_id,
            text=translator.get("holidays-missing-ask", translator.normalize(admin.language), year=str(year), school=school.name),
            kind=ASK_KIND,
            priority=Priority.NORMAL,
            person_id=admin.id,
            school_id=school_id,
            timezone=school.timezone,
        ))
    return await enqueue(session, clock, messages)


def years_needed(today: date, term_ends: list[tuple[date, date]]) -> list[int]:
    """This year, every year a current or future term touches, and next year in December."""
    years = {today.year}
    if today.month == 12:
        years.add(today.year + 1)
    for start, end in term_ends:
        if end >= today:
            years.update(range(max(start.year, today.year), end.year + 1))
    return sorted(years)


async def check_missing_years(session: AsyncSession, clock: Clock, translator: Translator) -> int:
    """For each school, each needed year the package lacks and the school has entered no
    holiday for: its admins are asked (once). Returns messages queued. Does not commit."""
    queued = 0
    cache: dict[int, bool] = {}
    for school in await repo.all_schools(session):
        today = local_today(clock, ZoneInfo(school.timezone))
        terms = await calendar_repo.terms_of(session, school.id)
        for year in years_needed(today, [(t.starts_on, t.ends_on) for t in terms]):
            if year not in cache:
                cache[year] = public_days(year) is not None
            if cache[year]:
                continue
            rows = await calendar_repo.exceptions_of(session, school.id, date(year, 1, 1), date(year, 12, 31))
            if any(not r.is_school_day and r.day.weekday() < 5 for r in rows):
                continue  # the admin has entered holidays for that year
            queued += await ask_admins_for_year(session, clock, translator, school.id, year)
    return queued


__all__ = [
    "HolidaysError", "PrefillResult", "PublicDay", "ask_admins_for_year", "check_missing_years",
    "prefill_year", "public_days", "years_needed",
]
