"""The dropout registers as one spreadsheet (openpyxl), headers in the reader's language.

For a school (or some of its classes) and a month, three sheets:

1. suspected dropouts (疑似辍学名单): cases live during the month that had not been
   confirmed by its end — still suspected, or ended before anyone confirmed them;
2. 流失学生登记表: cases confirmed by the month's end and not ended before it began:
   name, class, reason, parents, home address, whereabouts, actions taken (visits and
   legal steps, summarised), where the case stands now, and the key dates;
3. monthly summary per grade: cases opened, confirmed, returned and closed in the month,
   and cases open at the month's end.

"Live during the month": opened on or before its last day and not ended before its first.
Dates are the events' dates (what the teacher entered), in the school's calendar; the
grade is the student's current class.
"""

from __future__ import annotations

import calendar as month_calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import DropoutCaseEvent, DropoutEventKind, DropoutStage, School
from db.models.enums import DropoutOutcome
from db.repositories import dropout as repo
from db.repositories.dropout import CaseRow
from locales import Translator, get_translator
from services.access import Actor
from services.dropout import class_label, state_label
from services.spreadsheet import add_sheet, first_sheet, titled, to_bytes, wrap


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """'2026-11' → Month(2026, 11); ValueError otherwise."""
        year, _, month = text.strip().partition("-")
        value = cls(int(year), int(month))
        if not 1 <= value.month <= 12 or not 1900 < value.year < 3000:
            raise ValueError(text)
        return value

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, month_calendar.monthrange(self.year, self.month)[1])

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class CaseFacts:
    row: CaseRow
    events: list[tuple[DropoutCaseEvent, str | None]]
    opened_on: date
    confirmed_on: date | None
    reported_on: date | None
    ended_on: date | None

    def live_in(self, month: Month) -> bool:
        return self.opened_on <= month.last and (self.ended_on is None or self.ended_on >= month.first)

    def confirmed_by(self, day: date) -> bool:
        return self.confirmed_on is not None and self.confirmed_on <= day


def _facts(row: CaseRow, events: list[tuple[DropoutCaseEvent, str | None]]) -> CaseFacts:
    tz = ZoneInfo(row.timezone)
    case = row.case

    def first(kind: str, to_stage: str | None = None) -> date | None:
        return next(
            (e.happened_on for e, _ in events if e.kind == kind and (to_stage is None or e.to_stage == to_stage)),
            None,
        )

    ended_on = None
    if case.ended_at is not None:
        ended_on = (
            first(DropoutEventKind.RETURNED) or first(DropoutEventKind.CLOSED) or case.ended_at.astimezone(tz).date()
        )
    return CaseFacts(
        row=row,
        events=events,
        opened_on=first(DropoutEventKind.OPENED) or case.opened_at.astimezone(tz).date(),
        confirmed_on=first(DropoutEventKind.STAGE, DropoutStage.CONFIRMED),
        reported_on=first(DropoutEventKind.STAGE, DropoutStage.REPORTED),
        ended_on=ended_on,
    )


async def load_facts(
    session: AsyncSession, school_id: int, class_ids: Iterable[int] | None = None
) -> list[CaseFacts]:
    rows = await repo.cases_of_school(session, school_id, class_ids)
    events = await repo.events_of(session, [r.case.id for r in rows])
    return [_facts(r, events.get(r.case.id, [])) for r in rows]


def actions_taken(translator: Translator, lang: str, facts: CaseFacts) -> str:
    """The visits and legal steps, one line each, oldest first."""
    lines = []
    for event, _by in facts.events:
        if event.kind == DropoutEventKind.VISIT:
            lines.append(
                translator.get(
                    "dropout-reg-visit", lang, date=event.happened_on.isoformat(),
                    visitors=event.visitors or "", said=event.said or "", result=event.result or "",
                )
            )
        elif event.kind == DropoutEventKind.STAGE and event.to_stage == DropoutStage.ENFORCING:
            lines.append(
                translator.get("dropout-reg-enforce", lang, date=event.happened_on.isoformat(), note=event.note or "")
            )
    return "\n".join(lines)


@dataclass(frozen=True)
class RegisterScope:
    school_id: int
    class_ids: tuple[int, ...] | None = None  # None: the whole school


async def build_registers(
    session: AsyncSession, scope: RegisterScope, month: Month, language: str,
    translator: Translator | None = None,
) -> bytes:
    translator = translator or get_translator()
    lang = language

    def t(key: str, **params: object) -> str:
        return translator.get(key, lang, **params)

    school = await session.get(School, scope.school_id)
    assert school is not None
    tz = ZoneInfo(school.timezone)
    facts = await load_facts(session, scope.school_id, scope.class_ids)
    live = [f for f in facts if f.live_in(month)]

    workbook = Workbook()
    suspected = first_sheet(workbook, t("dropout-sheet-suspected"))
    titled(
        suspected,
        t("dropout-reg-title-suspected", school=school.name, month=str(month)),
        [t("dropout-col-no"), t("dropout-col-name"), t("dropout-col-class"), t("dropout-col-trigger"),
         t("dropout-col-opened"), t("dropout-col-stage")],
        [6, 12, 14, 18, 12, 24], wrap_headers=False,
    )
    number = 0
    for f in live:
        if f.confirmed_by(month.last):
            continue
        number += 1
        suspected.append([
            number, f.row.student_name, class_label(translator, lang, f.row.grade, f.row.class_name),
            t(f"dropout-trigger-{f.row.case.trigger}"), f.opened_on.isoformat(),
            state_label(translator, lang, f.row.case, tz),
        ])
    wrap(suspected)

    register = add_sheet(workbook, t("dropout-sheet-register"))
    titled(
        register,
        t("dropout-reg-title-register", school=school.name, month=str(month)),
        [t("dropout-col-no"), t("dropout-col-name"), t("dropout-col-class"), t("dropout-col-reason"),
         t("dropout-col-parents"), t("dropout-col-address"), t("dropout-col-whereabouts"),
         t("dropout-col-actions"), t("dropout-col-stage"), t("dropout-col-confirmed"), t("dropout-col-reported")],
        [6, 12, 14, 20, 24, 24, 20, 40, 20, 12, 12], wrap_headers=False,
    )
    number = 0
    for f in live:
        if not f.confirmed_by(month.last):
            continue
        number += 1
        case = f.row.case
        register.append([
            number, f.row.student_name, class_label(translator, lang, f.row.grade, f.row.class_name),
            case.reason or "", case.parents or "", case.home_address or f.row.student_address or "",
            case.whereabouts or "", actions_taken(translator, lang, f), state_label(translator, lang, case, tz),
            f.confirmed_on.isoformat() if f.confirmed_on else "",
            f.reported_on.isoformat() if f.reported_on else "",
        ])
    wrap(register)

    summary = add_sheet(workbook, t("dropout-sheet-summary"))
    titled(
        summary,
        t("dropout-reg-title-summary", school=school.name, month=str(month)),
        [t("dropout-col-grade"), t("dropout-col-count-opened"), t("dropout-col-count-confirmed"),
         t("dropout-col-count-returned"), t("dropout-col-count-closed"), t("dropout-col-count-open")],
        [12, 12, 12, 12, 12, 14], wrap_headers=False,
    )
    grades = sorted(
        {c.grade for c in await repo.classes_of_schools(session, [scope.school_id])
         if scope.class_ids is None or c.id in scope.class_ids}
        | {f.row.grade for f in facts if f.row.grade is not None}
    )
    keys: list[int | None] = [*grades, *([None] if any(f.row.grade is None for f in facts) else [])]
    totals = [0, 0, 0, 0, 0]
    for grade in keys:
        counts = _month_counts([f for f in facts if f.row.grade == grade], month)
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        label = t("dropout-grade", grade=grade) if grade is not None else t("dropout-no-grade")
        summary.append([label, *counts])
    summary.append([t("dropout-total"), *totals])
    summary.cell(row=summary.max_row, column=1).font = Font(bold=True)
    return to_bytes(workbook)


def _in(day: date | None, month: Month) -> bool:
    return day is not None and month.first <= day <= month.last


def _month_counts(facts: list[CaseFacts], month: Month) -> list[int]:
    opened = sum(_in(f.opened_on, month) for f in facts)
    confirmed = sum(_in(f.confirmed_on, month) for f in facts)
    returned = sum(
        _in(f.ended_on, month) and f.row.case.outcome == DropoutOutcome.RETURNED for f in facts
    )
    closed = sum(
        _in(f.ended_on, month) and f.row.case.outcome != DropoutOutcome.RETURNED for f in facts
    )
    still_open = sum(
        f.opened_on <= month.last and (f.ended_on is None or f.ended_on > month.last) for f in facts
    )
    return [opened, confirmed, returned, closed, still_open]


async def register_scopes(session: AsyncSession, actor: Actor) -> list[RegisterScope]:
    """Admins get their whole school; a head teacher (not admin there) their own classes."""
    admin = sorted(actor.admin_school_ids)
    scopes = [RegisterScope(school_id) for school_id in admin]
    by_school: dict[int, list[int]] = {}
    head_staff_ids = [p.staff_id for p in actor.posts if p.is_head_teacher]
    for c in await repo.head_teacher_classes(session, head_staff_ids):
        if c.school_id not in admin:
            by_school.setdefault(c.school_id, []).append(c.id)
    scopes += [RegisterScope(school_id, tuple(ids)) for school_id, ids in sorted(by_school.items())]
    return scopes


def register_filename(translator: Translator, lang: str, school: str, month: Month) -> str:
    return translator.get("dropout-register-filename", lang, school=school, month=str(month))


__all__ = [
    "CaseFacts", "Month", "RegisterScope", "actions_taken", "build_registers", "load_facts",
    "register_filename", "register_scopes",
]
