"""An admin sets the school calendar: terms, holidays, make-up working days (调休).

Everything is typed as one short line and checked here (dialogs/calendar.py only asks):

    term:     "2026秋季学期 2026-09-01 2027-01-20"   (name optional; same start = replace)
    holiday:  "2026-10-01 2026-10-07 国庆节"          (one day or a range, note optional)
    make-up:  "2026-10-10 调休"                       (a weekend day that is a school day)
    clear:    "2026-10-03" or a range                 (the days go back to the weekly rule)
    release:  "16:30", "16点30", "16：30", "1630"     (when school lets out; or back to default)

Dates may be written 2026-10-01, 2026/10/01, 2026.10.01 or 2026年10月1日. Bad input
raises CalendarInputError with the locale key that says what to fix; nothing is written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import CalendarDay, School, SchoolRelease, Term
from db.repositories import calendar as repo
from db.repositories import returns as returns_repo
from services.access import Actor, can_manage_school
from services.calendar import SchoolCalendar, load_calendar
from services.clock import Clock, local_today

MAX_TERM_DAYS = 366
MAX_RANGE_DAYS = 62
NAME_MAX = 100
NOTE_MAX = 100
# 2026-10-01, 2026/10/01, 2026.10.01 or 2026年10月1日 (year, month, day characters by
# code point: no Chinese literal lives in code, see tests/test_locales.py).
_Y, _M, _D = chr(0x5E74), chr(0x6708), chr(0x65E5)
_DATE = re.compile(rf"(\d{{4}})\s*[-/.{_Y}]\s*(\d{{1,2}})\s*[-/.{_M}]\s*(\d{{1,2}})\s*{_D}?")
# What people put between two dates ("2026-10-01 至 2026-10-07", "…到…", "… - …", "…~…"):
# not part of the name or note. 至 and 到 by code point, as above.
DATE_PATTERN = _DATE  # one date as people write it (the spreadsheet import reads cells with it)
_JOINERS = frozenset({"-", "~", "\u2013", "\u2014", "to", chr(0x81F3), chr(0x5230), ",", "\u3001"})
_EDGE = " ,;:-~\u3001"  # stripped from the ends of a name or note
_AT = "\0"  # where a date stood, while the rest is split into words
# 16:30, 16.30, 1630, 16点30(分), 16时30分, 16点, 16点半 (点 时 分 半 by code point).
_DIAN, _SHI, _FEN, _BAN = chr(0x70B9), chr(0x65F6), chr(0x5206), chr(0x534A)
_TIME = re.compile(
    rf"(?P<h>\d{{1,2}})\s*(?:[:.{_DIAN}{_SHI}]\s*(?:(?P<m>\d{{1,2}})\s*{_FEN}?|(?P<half>{_BAN}))?)?"
    rf"|(?P<hh>\d{{2}})(?P<mm>\d{{2}})"
)
# A release before 06:00 or after 22:00 is surely a typo ("4:30" meant 16:30).
EARLIEST_RELEASE, LATEST_RELEASE = time(6, 0), time(22, 0)
RELEASE_KINDS = ("weekend", "holiday")


class CalendarInputError(Exception):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class TermInput:
    name: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class DaysInput:
    start: date
    end: date
    note: str | None

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def _dates(text: str) -> tuple[list[date], str]:
    # A Chinese keyboard in full-width mode types full-width digits, dashes and commas.
    text = unicodedata.normalize("NFKC", text)
    found: list[date] = []
    for match in _DATE.finditer(text):
        try:
            found.append(date(int(match[1]), int(match[2]), int(match[3])))
        except ValueError:
            raise CalendarInputError("calendar-bad-date", text=match[0].strip()) from None
    words = _DATE.sub(f" {_AT} ", text).split()
    # A joiner counts only between two dates (a note may well say "to").
    kept = [
        w for i, w in enumerate(words)
        if w != _AT
        and not (w.lower() in _JOINERS and 0 < i < len(words) - 1 and words[i - 1] == words[i + 1] == _AT)
    ]
    return found, " ".join(kept).strip(_EDGE)


def parse_term(text: str | None) -> TermInput:
    found, name = _dates(text or "")
    if len(found) != 2:
        raise CalendarInputError("calendar-term-format")
    start, end = found
    if end < start:
        raise CalendarInputError("calendar-end-before-start")
    if (end - start).days + 1 > MAX_TERM_DAYS:
        raise CalendarInputError("calendar-term-too-long", days=MAX_TERM_DAYS)
    name = name[:NAME_MAX] or f"{start.isoformat()} ~ {end.isoformat()}"
    return TermInput(name, start, end)


def parse_days(text: str | None) -> DaysInput:
    found, note = _dates(text or "")
    if len(found) not in (1, 2):
        raise CalendarInputError("calendar-days-format")
    start, end = found[0], found[-1]
    if end < start:
        raise CalendarInputError("calendar-end-before-start")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise CalendarInputError("calendar-range-too-long", days=MAX_RANGE_DAYS)
    return DaysInput(start, end, note[:NOTE_MAX] or None)


def ensure_admin(actor: Actor, school_id: int) -> None:
    if not can_manage_school(actor, school_id):
        raise CalendarInputError("calendar-not-allowed")


_check = ensure_admin


async def add_term(
    session: AsyncSession, clock: Clock, actor: Actor, school_id: int, term: TermInput
) -> Term:
    """A new term, or the one starting the same day replaced. Terms may not overlap: a
    day belongs to one term (the absence ratio is counted per term)."""
    _check(actor, school_id)
    existing = await repo.terms_of(session, school_id)
    same = next((t for t in existing if t.starts_on == term.starts_on), None)
    for other in existing:
        if other is not same and other.starts_on <= term.ends_on and term.starts_on <= other.ends_on:
            raise CalendarInputError(
                "calendar-term-overlap", name=other.name,
                start=other.starts_on.isoformat(), end=other.ends_on.isoformat(),
            )
    now = clock.now()
    if same is None:
        same = Term(school_id=school_id, name=term.name, starts_on=term.starts_on, ends_on=term.ends_on, created_at=now)
        session.add(same)
    else:
        same.name, same.ends_on, same.updated_at = term.name, term.ends_on, now
    await session.flush()
    return same


async def remove_term(session: AsyncSession, actor: Actor, school_id: int, term_id: int) -> Term:
    _check(actor, school_id)
    term = await repo.term(session, term_id)
    if term is None or term.school_id != school_id:
        raise CalendarInputError("calendar-not-allowed")
    await repo.delete_term(session, term)
    return term


async def set_days(
    session: AsyncSession, clock: Clock, actor: Actor, school_id: int, days: DaysInput, is_school_day: bool
) -> int:
    """Holidays (is_school_day False) or make-up working days (True); returns the days set."""
    _check(actor, school_id)
    now = clock.now()
    existing = {d.day: d for d in await repo.exceptions_of(session, school_id, days.start, days.end)}
    for day in days.days:
        row = existing.get(day)
        if row is None:
            session.add(CalendarDay(school_id=school_id, day=day, is_school_day=is_school_day, note=days.note, created_at=now))
        else:
            row.is_school_day, row.note, row.updated_at = is_school_day, days.note, now
    await session.flush()
    return len(days.days)


async def clear_days(session: AsyncSession, actor: Actor, school_id: int, days: DaysInput) -> int:
    _check(actor, school_id)
    rows = await repo.exceptions_of(session, school_id, days.start, days.end)
    for row in rows:
        await repo.delete_day(session, row)
    return len(rows)


@dataclass(frozen=True)
class DayRange:
    start: date
    end: date
    is_school_day: bool
    note: str | None


@dataclass(frozen=True)
class CalendarOverview:
    terms: list[Term]
    ranges: list[DayRange]  # holidays and make-up days from today on, runs of days merged
    today: date
    today_is_school_day: bool
    calendar: SchoolCalendar


async def schools_of(session: AsyncSession, actor: Actor) -> list[School]:
    """The schools whose calendar this actor may set."""
    return await repo.schools_by_ids(session, actor.admin_school_ids)


async def overview(session: AsyncSession, clock: Clock, school_id: int, timezone: str) -> CalendarOverview:
    today = local_today(clock, ZoneInfo(timezone))
    terms = await repo.terms_of(session, school_id)
    ranges: list[DayRange] = []
    for row in await repo.exceptions_of(session, school_id, start=today):
        last = ranges[-1] if ranges else None
        if (
            last is not None
            and last.end + timedelta(days=1) == row.day
            and last.is_school_day == row.is_school_day
            and last.note == row.note
        ):
            ranges[-1] = DayRange(last.start, row.day, last.is_school_day, last.note)
        else:
            ranges.append(DayRange(row.day, row.day, row.is_school_day, row.note))
    calendar = await load_calendar(session, school_id)
    return CalendarOverview(terms, ranges, today, calendar.is_school_day(today), calendar)


# ------------------------------------------------------------------ release times


def parse_release_time(text: str | None) -> time:
    """"16:30", "16：30", "16.30", "1630", "16点30", "16点30分", "16时30分", "16点半", "16点"."""
    cleaned = "".join(unicodedata.normalize("NFKC", text or "").split())
    match = _TIME.fullmatch(cleaned)
    if match is None:
        raise CalendarInputError("calendar-release-bad-time")
    if match["hh"] is not None:
        hour, minute = int(match["hh"]), int(match["mm"])
    else:
        hour, minute = int(match["h"]), 30 if match["half"] else int(match["m"] or 0)
    if hour > 23 or minute > 59:
        raise CalendarInputError("calendar-release-bad-time")
    moment = time(hour, minute)
    if not EARLIEST_RELEASE <= moment <= LATEST_RELEASE:
        raise CalendarInputError(
            "calendar-release-out-of-range",
            earliest=EARLIEST_RELEASE.strftime("%H:%M"), latest=LATEST_RELEASE.strftime("%H:%M"),
        )
    return moment


@dataclass(frozen=True)
class ReleaseTime:
    kind: str  # weekend | holiday
    time: time  # what applies: the school's own, else the default
    default: time  # from the settings (RETURNS__WEEKEND_RELEASE / RETURNS__HOLIDAY_RELEASE)
    own: time | None  # the school's override, None when the default applies

    @property
    def is_default(self) -> bool:
        return self.own is None


async def release_times(
    session: AsyncSession, school_id: int, defaults: dict[str, time]
) -> dict[str, ReleaseTime]:
    """The weekend and holiday release times of a school; `defaults` by kind, from settings."""
    row = await returns_repo.release_times(session, school_id)
    found = {}
    for kind in RELEASE_KINDS:
        own = getattr(row, f"{kind}_time") if row is not None else None
        found[kind] = ReleaseTime(kind, own or defaults[kind], defaults[kind], own)
    return found


async def set_release_time(
    session: AsyncSession, clock: Clock, actor: Actor | None, school_id: int, kind: str, value: time | None
) -> bool:
    """The school's own release time for `kind`; None goes back to the default. Returns
    whether anything changed. `actor` None: the command line (whoever runs the server)."""
    if actor is not None:
        _check(actor, school_id)
    if kind not in RELEASE_KINDS:
        raise ValueError(f"unknown release kind {kind!r}")
    row = await returns_repo.release_times(session, school_id)
    current = getattr(row, f"{kind}_time") if row is not None else None
    if current == value:
        return False
    now = clock.now()
    if row is None:
        row = SchoolRelease(school_id=school_id, created_at=now)
        session.add(row)
    else:
        row.updated_at = now
    setattr(row, f"{kind}_time", value)
    await session.flush()
    return True
