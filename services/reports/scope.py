"""Who gets which report, and for which days.

- A school admin: each school they administer (every class, names included).
- A bureau officer: each county they serve, every school of it, figures per school only;
  a child is named only while an open dropout case or incident concerns them (the same
  grounds that open a child's ledger to the bureau: services.ledger.BUREAU_GROUNDS).
- A head teacher who is not an admin of that school: their own classes.
Everybody else gets nothing (the caller refuses them).

A period is two school-calendar days, both included. The counts table reads its end
("as of"), the change table the whole span, the compliance table the term holding its
end, counted up to that end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db.repositories import reports as repo
from locales import Translator
from services.access import Actor
from services.clock import Clock, local_today
from services.contacts import month_last_day, month_start, previous_month, term_window
from services.ledger import class_label


class ScopeKind(StrEnum):
    SCHOOL = "school"
    COUNTY = "county"
    CLASSES = "classes"  # a head teacher's own classes in one school


@dataclass(frozen=True)
class ReportScope:
    kind: ScopeKind
    school_ids: tuple[int, ...]
    name: str
    timezone: str = "Asia/Shanghai"
    class_ids: tuple[int, ...] | None = None  # None: every class of the schools
    county_id: int | None = None

    @property
    def bureau(self) -> bool:
        """The county's view: figures per school, no child named without an open matter."""
        return self.kind == ScopeKind.COUNTY

    @property
    def key(self) -> str:
        """A short id for a button (checked again against report_scopes on the tap)."""
        if self.kind == ScopeKind.COUNTY:
            return f"c{self.county_id}"
        if self.kind == ScopeKind.CLASSES:
            return f"h{self.school_ids[0]}"
        return f"s{self.school_ids[0]}"


REPORT_ROLES = frozenset({"head_teacher", "school_admin", "bureau_officer"})


def may_use(actor: Actor) -> bool:
    return bool(actor.roles & REPORT_ROLES)


async def report_scopes(
    session: AsyncSession, actor: Actor, translator: Translator, lang: str
) -> list[ReportScope]:
    scopes: list[ReportScope] = []
    for school_id in sorted(actor.admin_school_ids):
        school = await repo.school(session, school_id)
        if school is not None:
            scopes.append(ReportScope(ScopeKind.SCHOOL, (school.id,), school.name, school.timezone))
    for county_id in sorted(actor.bureau_county_ids):
        county = await repo.county(session, county_id)
        schools = await repo.schools_of_county(session, county_id)
        if county is not None:
            scopes.append(ReportScope(
                ScopeKind.COUNTY, tuple(s.id for s in schools), county.name,
                schools[0].timezone if schools else "Asia/Shanghai", county_id=county.id,
            ))
    heads = [p.staff_id for p in actor.posts if p.is_head_teacher]
    by_school: dict[int, list[tuple[int, str]]] = {}
    for c in await repo.classes_headed_by(session, heads):
        if c.school_id not in actor.admin_school_ids:
            by_school.setdefault(c.school_id, []).append((c.id, class_label(translator, lang, c.grade, c.name)))
    for school_id, classes in sorted(by_school.items()):
        school = await repo.school(session, school_id)
        if school is None:
            continue
        labels = ("、" if lang == "zh_Hans" else ", ").join(label for _, label in classes)
        scopes.append(ReportScope(
            ScopeKind.CLASSES, (school.id,), f"{school.name} {labels}", school.timezone,
            class_ids=tuple(i for i, _ in classes),
        ))
    return scopes


# ---------------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError("period ends before it starts")


class Preset(StrEnum):
    TODAY = "today"
    TERM = "term"
    LAST_MONTH = "last_month"
    THIS_MONTH = "this_month"


def scope_today(clock: Clock, scope: ReportScope) -> date:
    return local_today(clock, ZoneInfo(scope.timezone))


async def preset_period(session: AsyncSession, scope: ReportScope, preset: Preset, today: date) -> Period:
    if preset == Preset.TODAY:
        return Period(today, today)
    if preset == Preset.THIS_MONTH:
        return Period(month_start(today), today)
    if preset == Preset.LAST_MONTH:
        first = previous_month(today)
        return Period(first, month_last_day(first))
    # This term: the school's term holding today (between terms the latest begun; no
    # terms: the half year), up to today. A county takes its first school's calendar.
    window = await term_window(session, scope.school_ids[0], today) if scope.school_ids else None
    if window is None:
        return Period(today, today)
    return Period(window.starts_on, min(today, window.ends_on))


# 2026-11-23, 2026/11/23, 2026.11.23 or 2026年11月23日 (年 月 日 至 到 as \u escapes).
_DAY = r"(\d{4})\s*[-/.\u5e74]\s*(\d{1,2})\s*[-/.\u6708]\s*(\d{1,2})\s*\u65e5?"
_ONE = re.compile(rf"^\s*{_DAY}\s*$")
_TWO = re.compile(rf"^\s*{_DAY}\s*(?:~|～|—|–|-|\u81f3|\u5230|to|\s)\s*{_DAY}\s*$")


def _day(parts: tuple[str, ...]) -> date | None:
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def parse_period(text: str | None, today: date) -> Period | None:
    """'2026-11-01' → that day; '2026-09-01 2026-11-20' (or with ~, 至, to between) → that
    span. A day after `today` is refused (None), like anything not understood."""
    text = (text or "").strip()
    two = _TWO.match(text)
    if two:
        first, last = _day(two.groups()[:3]), _day(two.groups()[3:])
        if first is None or last is None or first > last or last > today:
            return None
        return Period(first, last)
    one = _ONE.match(text)
    if one:
        day = _day(one.groups())
        if day is None or day > today:
            return None
        return Period(day, day)
    return None


__all__ = [
    "Period", "Preset", "REPORT_ROLES", "ReportScope", "ScopeKind", "may_use", "parse_period", "preset_period",
    "report_scopes", "scope_today",
]
