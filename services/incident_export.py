"""Incidents and their timelines as one spreadsheet (openpyxl), headers in the reader's
language: for a school (its admins) or a county (its bureau officers).

Sheet 1 has one row per incident with both deadlines: when each was met (or not), how long
it took, and the verdict computed from the stored times — a missed deadline is a row like
any other. Sheet 2 is every incident's timeline, one row per event, oldest first.
Times are in the school's timezone, "YYYY-MM-DD HH:MM". The reader picks the period:
this month, last month, this term or everything (`period_range`); the title says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import County, Incident, Person, School
from db.repositories import incidents as repo
from locales import Translator
from services.access import Actor
from services.calendar import load_calendar
from services.incidents import (
    bureau_status,
    category_label,
    class_label,
    event_line,
    guardian_status,
    how_label,
    local_stamp,
)
from services.ledger_export import term_start
from services.spreadsheet import add_sheet, first_sheet, titled, to_bytes, wrap


@dataclass(frozen=True)
class ExportScope:
    kind: str  # "school" or "county"
    id: int
    name: str

    def where(self) -> ColumnElement[bool]:
        if self.kind == "school":
            return Incident.school_id == self.id
        return Incident.school_id.in_(select(School.id).where(School.county_id == self.id))


async def export_scopes(session: AsyncSession, actor: Actor) -> list[ExportScope]:
    """A school admin gets each of their schools; a bureau officer each of their counties."""
    scopes: list[ExportScope] = []
    for school_id in sorted(actor.admin_school_ids):
        school = await session.get(School, school_id)
        if school is not None:
            scopes.append(ExportScope("school", school.id, school.name))
    for county_id in sorted(actor.bureau_county_ids):
        county = await session.get(County, county_id)
        if county is not None:
            scopes.append(ExportScope("county", county.id, county.name))
    return scopes


class Period(StrEnum):
    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    TERM = "term"
    ALL = "all"


@dataclass(frozen=True)
class PeriodRange:
    """Incidents whose day (the school's calendar) is within since..until, both inclusive;
    None is open."""

    period: str
    since: date | None = None
    until: date | None = None

    def holds(self, day: date) -> bool:
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)


async def period_range(
    session: AsyncSession, scope: ExportScope, period: str, now: datetime, timezone: str
) -> PeriodRange:
    """This month, last month, this term (the school's calendar term; a county, or a school
    without one, from 1 September or 1 February), or everything. `timezone` is for a county;
    a school's own timezone decides its "today"."""
    if period not in {p.value for p in Period}:
        raise ValueError(period)
    if scope.kind == "school":
        school = await session.get(School, scope.id)
        timezone = school.timezone if school is not None else timezone
    today = now.astimezone(ZoneInfo(timezone)).date()
    first = today.replace(day=1)
    if period == Period.THIS_MONTH:
        return PeriodRange(period, first, today)
    if period == Period.LAST_MONTH:
        end = first - timedelta(days=1)
        return PeriodRange(period, end.replace(day=1), end)
    if period == Period.TERM:
        term = (await load_calendar(session, scope.id)).term_of(today) if scope.kind == "school" else None
        return PeriodRange(period, term_start(term.starts_on if term else None, today), today)
    return PeriodRange(period)


def period_text(translator: Translator, lang: str, span: PeriodRange) -> str:
    if span.since is None and span.until is None:
        return translator.get("incident-period-everything", lang)
    return translator.get(
        "incident-period-range", lang, since=span.since.isoformat() if span.since else "",
        until=span.until.isoformat() if span.until else "",
    )


async def build_incident_workbook(
    session: AsyncSession, translator: Translator, lang: str, scope: ExportScope, now: datetime,
    period: PeriodRange | None = None,
) -> bytes:
    def t(key: str, **params: object) -> str:
        return translator.get(key, lang, **params)

    span = period or PeriodRange(Period.ALL)
    rows = sorted(
        (
            r for r in await repo.incident_rows(session, scope.where(), open_only=False)
            if span.holds(r.incident.happened_at.astimezone(ZoneInfo(r.timezone)).date())
        ),
        key=lambda r: (r.incident.happened_at, r.incident.id),
    )
    events = await repo.events_of(session, [r.incident.id for r in rows])
    ids = {r.incident.guardian_informed_by_id for r in rows} | {r.incident.bureau_acknowledged_by_id for r in rows}
    names = dict(
        (await session.execute(select(Person.id, Person.name).where(Person.id.in_([i for i in ids if i])))).all()  # type: ignore[arg-type]
    )

    workbook = Workbook()
    sheet = first_sheet(workbook, t("incident-sheet-incidents"))
    titled(
        sheet, t("incident-export-period-title", title=t("incident-export-title", name=scope.name),
                 period=period_text(translator, lang, span)),
        [t(f"incident-col-{c}") for c in (
            "no", "school", "class", "student", "category", "description", "happened", "opened", "opened-by",
            "guardian-due", "guardian-informed", "guardian-how", "guardian-by", "guardian-minutes",
            "guardian-result", "bureau-due", "bureau-ack", "bureau-by", "bureau-minutes", "bureau-result",
            "closed", "close-note",
        )],
        [6, 14, 12, 10, 10, 30, 17, 17, 10, 17, 17, 10, 10, 8, 10, 17, 17, 10, 8, 10, 17, 30],
        wrap_headers=False,
    )
    for r in rows:
        i, tz = r.incident, r.timezone
        g, b = guardian_status(i, now), bureau_status(i, now)
        sheet.append([
            i.id, r.school_name, class_label(translator, lang, r.grade, r.class_name), r.student_name,
            category_label(translator, lang, i.category), i.description or "",
            local_stamp(i.happened_at, tz), local_stamp(i.opened_at, tz), r.opened_by or "",
            local_stamp(i.guardian_due_at, tz), local_stamp(i.guardian_informed_at, tz),
            how_label(translator, lang, i.guardian_informed_how) if i.guardian_informed_how else "",
            names.get(i.guardian_informed_by_id, ""), g.took_minutes if g.took_minutes is not None else "",
            t(f"incident-result-{g.state}"),
            local_stamp(i.bureau_due_at, tz), local_stamp(i.bureau_acknowledged_at, tz),
            names.get(i.bureau_acknowledged_by_id, ""), b.took_minutes if b.took_minutes is not None else "",
            t(f"incident-result-{b.state}"),
            local_stamp(i.closed_at, tz), i.close_note or "",
        ])

    timeline = add_sheet(workbook, t("incident-sheet-timeline"))
    titled(
        timeline, t("incident-export-timeline-title", name=scope.name),
        [t(f"incident-col-{c}") for c in ("no", "student", "event-time", "event", "event-by", "recorded", "note")],
        [6, 10, 17, 40, 10, 17, 30], wrap_headers=False,
    )
    for r in rows:
        for event, by in events.get(r.incident.id, []):
            # The note has its own column; the line is the event alone.
            line = event_line(translator, lang, event, by, r.timezone, with_note=False)
            timeline.append([
                r.incident.id, r.student_name, local_stamp(event.at, r.timezone), line, by or "",
                local_stamp(event.recorded_at, r.timezone), event.note or "",
            ])
    wrap(sheet)
    wrap(timeline)
    return to_bytes(workbook)


def export_filename(translator: Translator, lang: str, scope: ExportScope, now: datetime, timezone: str) -> str:
    return translator.get("incident-export-filename", lang, name=scope.name, date=local_stamp(now, timezone)[:10])


__all__ = [
    "ExportScope", "Period", "PeriodRange", "build_incident_workbook", "export_filename", "export_scopes",
    "period_range", "period_text",
]
