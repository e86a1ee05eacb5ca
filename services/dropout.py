"""控辍保学: dropout cases, from the first alarm to the return to school.

Opening (automatic, by the daily job, or by hand):
- **consecutive**: N (default 3) consecutive school days absent with no reason given
  (mark absent, reason unknown). Only days whose class sheet exists count: a day nobody
  counted breaks the run, because we do not know the child was away. The run is looked
  for among the last N+1 school days, so a run that ended yesterday is still found when
  today's sheet is not in yet (or the bot was down last evening).
- **term ratio**: absent days (any reason) in the current term reach the ratio (default
  10 %) of the term's *total* school days as the calendar has them (not "so far": that
  would open a case on the first absence of term). Without a term set, this rule waits.
- Absences on or before the day a student's previous case ended do not count again:
  a child who came back starts with a clean slate.

A case moves through exactly the policy's stages, one step forward at a time —
suspected → confirmed (辍学认定) → reported (学校报告) → persuading (走访动员) →
enforcing (依法强制) — and ends from any open stage: returned (复学) or closed with a reason.
The first visit logged on a reported case moves it to persuading. Every step is an event
(date, person, note). Breaking the order raises DropoutError with a locale key.

Who: a case's head teacher (the student's class) and the school's admins act on it;
bureau officers see their county's cases read-only; nobody else sees them at all.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    DropoutCase,
    DropoutCaseEvent,
    DropoutEventKind,
    DropoutStage,
    DropoutTrigger,
    Person,
    Priority,
    School,
    SchoolClass,
    Student,
    StudentStatus,
)
from db.models.enums import DropoutOutcome
from db.repositories import dropout as repo
from db.repositories.dropout import CaseRow
from locales import Translator
from services.access import Actor
from services.calendar import load_calendar
from services.clock import Clock, local_today
from services.outbox import Button, OutgoingMessage, enqueue, insert_ignoring_duplicates

log = logging.getLogger(__name__)

OPEN_STAGES: tuple[DropoutStage, ...] = (
    DropoutStage.SUSPECTED,
    DropoutStage.CONFIRMED,
    DropoutStage.REPORTED,
    DropoutStage.PERSUADING,
    DropoutStage.ENFORCING,
)
NEXT_STAGE: dict[str, DropoutStage] = {
    DropoutStage.SUSPECTED: DropoutStage.CONFIRMED,
    DropoutStage.CONFIRMED: DropoutStage.REPORTED,
    DropoutStage.REPORTED: DropoutStage.PERSUADING,
    DropoutStage.PERSUADING: DropoutStage.ENFORCING,
}
VISIT_STAGES = frozenset({DropoutStage.REPORTED, DropoutStage.PERSUADING, DropoutStage.ENFORCING})
CLOSE_OUTCOMES: tuple[DropoutOutcome, ...] = (
    DropoutOutcome.TRANSFERRED,
    DropoutOutcome.MOVED_AWAY,
    DropoutOutcome.OTHER,
)
MAX_TEXT_LENGTH = 500
CASE_CALLBACK_PREFIX = "dcase"  # handlers.dropout.CaseCallback's prefix: "dcase:<id>"


class DropoutError(Exception):
    """A step that may not happen; `key` is the locale message that says why."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params


# ----------------------------------------------------------------------- access


def may_use(actor: Actor) -> bool:
    return bool(actor.roles & {"head_teacher", "school_admin", "bureau_officer"})


def _head_staff_ids(actor: Actor) -> list[int]:
    return [p.staff_id for p in actor.posts if p.is_head_teacher]


def _head_classes(actor: Actor) -> ColumnElement[bool] | None:
    staff_ids = _head_staff_ids(actor)
    if not staff_ids:
        return None
    return Student.class_id.in_(select(SchoolClass.id).where(SchoolClass.head_teacher_id.in_(staff_ids)))


def acting_scope(actor: Actor) -> ColumnElement[bool]:
    """Cases (joined with their Student) this actor may work on."""
    clauses: list[ColumnElement[bool]] = []
    if actor.admin_school_ids:
        clauses.append(DropoutCase.school_id.in_(sorted(actor.admin_school_ids)))
    if (head := _head_classes(actor)) is not None:
        clauses.append(head)
    return or_(*clauses) if clauses else false()


def viewing_scope(actor: Actor) -> ColumnElement[bool]:
    """Cases this actor may see: the ones they act on, and a bureau's whole county."""
    clauses = [acting_scope(actor)]
    if actor.bureau_county_ids:
        clauses.append(
            DropoutCase.school_id.in_(
                select(School.id).where(School.county_id.in_(sorted(actor.bureau_county_ids)))
            )
        )
    return or_(*clauses)


async def _case_in(session: AsyncSession, case_id: int, scope: ColumnElement[bool]) -> bool:
    found = await session.scalar(
        select(DropoutCase.id)
        .join(Student, Student.id == DropoutCase.student_id)
        .where(DropoutCase.id == case_id, scope)
    )
    return found is not None


async def can_view(session: AsyncSession, actor: Actor, case_id: int) -> bool:
    return await _case_in(session, case_id, viewing_scope(actor))


async def can_act(session: AsyncSession, actor: Actor, case_id: int) -> bool:
    return await _case_in(session, case_id, acting_scope(actor))


def student_scope(actor: Actor) -> ColumnElement[bool]:
    """Students for whom this actor may open a case by hand."""
    clauses: list[ColumnElement[bool]] = []
    if actor.admin_school_ids:
        clauses.append(Student.school_id.in_(sorted(actor.admin_school_ids)))
    if (head := _head_classes(actor)) is not None:
        clauses.append(head)
    return or_(*clauses) if clauses else false()


async def can_open_for(session: AsyncSession, actor: Actor, student_id: int) -> bool:
    found = await session.scalar(
        select(Student.id).where(Student.id == student_id, student_scope(actor))
    )
    return found is not None


async def classes_to_open_in(session: AsyncSession, actor: Actor) -> list[SchoolClass]:
    """Classes whose students this actor may open a case for: the school's for admins,
    their own classes for head teachers."""
    classes = {c.id: c for c in await repo.classes_of_schools(session, actor.admin_school_ids)}
    for c in await repo.head_teacher_classes(session, _head_staff_ids(actor)):
        classes.setdefault(c.id, c)
    return sorted(classes.values(), key=lambda c: (c.school_id, c.grade, c.name))


async def students_to_open_for(session: AsyncSession, actor: Actor, class_id: int) -> list[Student]:
    if class_id not in {c.id for c in await classes_to_open_in(session, actor)}:
        return []
    return await repo.enrolled_without_case(session, class_id)


# ------------------------------------------------------------------------ words


def class_label(translator: Translator, lang: str, grade: int | None, class_name: str | None) -> str:
    if grade is None or class_name is None:
        return translator.get("menu-no-class", lang)
    return translator.get("menu-class-label", lang, grade=grade, class_name=class_name)


def stage_label(translator: Translator, lang: str, stage: str) -> str:
    return translator.get(f"dropout-stage-{stage}", lang)


def outcome_label(translator: Translator, lang: str, outcome: str | None) -> str:
    return translator.get(f"dropout-outcome-{outcome or DropoutOutcome.OTHER}", lang)


def state_label(translator: Translator, lang: str, case: DropoutCase, tz: ZoneInfo) -> str:
    """Where a case stands: its stage, or how it ended and when."""
    if case.ended_at is None:
        return stage_label(translator, lang, case.stage)
    ended = case.returned_on or case.ended_at.astimezone(tz).date()
    if case.outcome == DropoutOutcome.RETURNED:
        return translator.get("dropout-state-returned", lang, date=ended.isoformat())
    return translator.get(
        "dropout-state-closed", lang, date=ended.isoformat(), outcome=outcome_label(translator, lang, case.outcome)
    )


DATE_EXAMPLE = "2026-11-23"
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*$")


def parse_day(text: str | None) -> date | None:
    """YYYY-MM-DD (also with / or .); None when it is not a real date."""
    match = _DATE.match(text or "")
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def check_text(text: str | None, *, required: bool = True) -> str | None:
    value = (text or "").strip()
    if not value:
        if required:
            raise DropoutError("dropout-text-empty")
        return None
    if len(value) > MAX_TEXT_LENGTH:
        raise DropoutError("dropout-text-too-long", length=len(value), max=MAX_TEXT_LENGTH)
    return value


# --------------------------------------------------------------- reading cases


@dataclass(frozen=True)
class CaseEventView:
    event: DropoutCaseEvent
    by: str | None


@dataclass(frozen=True)
class CaseCard:
    row: CaseRow
    events: list[CaseEventView]
    can_act: bool

    @property
    def case(self) -> DropoutCase:
        return self.row.case

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.row.timezone)

    @property
    def is_open(self) -> bool:
        return self.case.ended_at is None

    def allows(self, step: str) -> bool:
        """Which step buttons the card offers."""
        if not (self.can_act and self.is_open):
            return False
        stage = self.case.stage
        return {
            "confirm": stage == DropoutStage.SUSPECTED,
            "report": stage == DropoutStage.CONFIRMED,
            "visit": stage in VISIT_STAGES,
            "enforce": stage == DropoutStage.PERSUADING,
            "returned": True,
            "close": True,
        }.get(step, False)


async def list_cases(session: AsyncSession, actor: Actor, limit: int = 200) -> list[CaseRow]:
    return await repo.case_rows(session, viewing_scope(actor), limit=limit)


async def case_card(session: AsyncSession, actor: Actor, case_id: int) -> CaseCard | None:
    """The case if the actor may see it, else None (whether it exists is not told)."""
    if not await can_view(session, actor, case_id):
        return None
    row = await repo.case_row(session, case_id)
    if row is None:
        return None
    events = (await repo.events_of(session, [case_id])).get(case_id, [])
    return CaseCard(
        row=row,
        events=[CaseEventView(e, by) for e, by in events],
        can_act=await can_act(session, actor, case_id),
    )


@dataclass(frozen=True)
class ReportPrefill:
    parents: str | None
    home_address: str | None


async def report_prefill(
    session: AsyncSession, translator: Translator, lang: str, case: DropoutCase
) -> ReportPrefill:
    """学校报告 asks for the parents and the home address: what the case already says, else
    the roster's away parents and current guardians, and the student's address."""
    parents = case.parents
    if not parents:
        parts: list[str] = []
        for parent in await repo.away_parents(session, case.student_id):
            bits = [
                translator.get(f"dropout-relation-{parent.relation}", lang),
                parent.name or "",
                parent.phone or "",
            ]
            if parent.work_place:
                bits.append(translator.get("dropout-works-in", lang, place=parent.work_place))
            parts.append(" ".join(b for b in bits if b))
        for link, person in await repo.current_guardians(session, case.student_id):
            relation = translator.get(f"dropout-relation-{link.relation}", lang)
            parts.append(" ".join(b for b in (relation, person.name, person.phone or "") if b))
        parents = translator.get("dropout-list-separator", lang).join(parts) or None
    address = case.home_address
    if not address:
        student = await session.get(Student, case.student_id)
        address = student.home_address if student else None
    return ReportPrefill(parents=parents, home_address=address)


async def student_name_and_timezone(session: AsyncSession, student_id: int) -> tuple[str, str]:
    row = (
        await session.execute(
            select(Student.name, School.timezone)
            .join(School, School.id == Student.school_id)
            .where(Student.id == student_id)
        )
    ).first()
    return (row[0], row[1]) if row else ("", "Asia/Shanghai")


async def school_name(session: AsyncSession, school_id: int) -> str:
    return await session.scalar(select(School.name).where(School.id == school_id)) or ""


# ----------------------------------------------------------------------- steps


def school_today(clock: Clock, timezone: str) -> date:
    return local_today(clock, ZoneInfo(timezone))


async def _case_for_step(
    session: AsyncSession, actor: Actor, case_id: int, expected_stage: str | None
) -> tuple[DropoutCase, CaseRow]:
    if not await can_act(session, actor, case_id):
        raise DropoutError("dropout-not-allowed")
    row = await repo.case_row(session, case_id)
    if row is None:  # pragma: no cover - can_act found it a moment ago
        raise DropoutError("dropout-not-allowed")
    case = row.case
    if case.ended_at is not None:
        raise DropoutError("dropout-case-ended")
    if expected_stage is not None and case.stage != expected_stage:
        raise DropoutError("dropout-stage-changed")
    return case, row


def _check_day(clock: Clock, row: CaseRow, on: date | None) -> date:
    tz = ZoneInfo(row.timezone)
    today = local_today(clock, tz)
    day = on or today
    if day > today:
        raise DropoutError("dropout-date-future")
    opened = row.case.opened_at.astimezone(tz).date()
    if day < opened:
        raise DropoutError("dropout-date-before-open", opened=opened.isoformat())
    return day


def _moment(clock: Clock, timezone: str, day: date) -> datetime:
    """When a step dated `day` happened, for stage_since: now if today, else that morning."""
    tz = ZoneInfo(timezone)
    if day == local_today(clock, tz):
        return clock.now()
    return datetime.combine(day, time(8, 0), tzinfo=tz).astimezone(UTC)


async def _event(
    session: AsyncSession,
    clock: Clock,
    case: DropoutCase,
    kind: DropoutEventKind,
    on: date,
    by: int | None,
    **fields: object,
) -> DropoutCaseEvent:
    event = DropoutCaseEvent(
        case_id=case.id, kind=kind, happened_on=on, recorded_by_id=by, recorded_at=clock.now(), **fields
    )
    await repo.add(session, event)
    return event


async def _move(
    session: AsyncSession,
    clock: Clock,
    case: DropoutCase,
    row: CaseRow,
    to_stage: DropoutStage,
    on: date,
    by: int | None,
    note: str | None = None,
) -> None:
    if NEXT_STAGE.get(case.stage) != to_stage:
        raise DropoutError(
            "dropout-illegal-step", stage=case.stage, to_stage=to_stage.value
        )
    await _event(
        session, clock, case, DropoutEventKind.STAGE, on, by,
        from_stage=case.stage, to_stage=to_stage.value, note=note,
    )
    case.stage = to_stage.value
    case.stage_since = _moment(clock, row.timezone, on)
    await session.flush()


async def advance(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    case_id: int,
    to_stage: DropoutStage,
    *,
    on: date | None = None,
    note: str | None = None,
    expected_stage: str | None = None,
) -> DropoutCase:
    """One step forward (only the next stage); for the stages that need no form."""
    case, row = await _case_for_step(session, actor, case_id, expected_stage)
    if to_stage == DropoutStage.REPORTED:
        raise DropoutError("dropout-illegal-step", stage=case.stage, to_stage=to_stage.value)
    day = _check_day(clock, row, on)
    await _move(session, clock, case, row, to_stage, day, actor.person_id, check_text(note, required=False))
    return case


async def confirm_dropout(
    session: AsyncSession, clock: Clock, actor: Actor, case_id: int, *,
    on: date | None = None, note: str | None = None, expected_stage: str | None = DropoutStage.SUSPECTED,
) -> DropoutCase:
    """辍学认定."""
    return await advance(
        session, clock, actor, case_id, DropoutStage.CONFIRMED, on=on, note=note, expected_stage=expected_stage
    )


async def file_report(
    session: AsyncSession, clock: Clock, actor: Actor, case_id: int, *,
    reason: str, parents: str, home_address: str, whereabouts: str,
    on: date | None = None, expected_stage: str | None = DropoutStage.CONFIRMED,
) -> DropoutCase:
    """学校报告: reason, parents, home address and whereabouts go on the case."""
    case, row = await _case_for_step(session, actor, case_id, expected_stage)
    day = _check_day(clock, row, on)
    values = {
        "reason": check_text(reason),
        "parents": check_text(parents),
        "home_address": check_text(home_address),
        "whereabouts": check_text(whereabouts),
    }
    await _move(session, clock, case, row, DropoutStage.REPORTED, day, actor.person_id)
    for name, value in values.items():
        setattr(case, name, value)
    await session.flush()
    return case


async def log_visit(
    session: AsyncSession, clock: Clock, actor: Actor, case_id: int, *,
    visitors: str, said: str, result: str, on: date | None = None,
    expected_stage: str | None = None,
) -> DropoutCaseEvent:
    """走访动员: one visit (date, who went, what was said, what came of it). The first
    visit on a reported case starts the persuading stage; visits go on while enforcing."""
    case, row = await _case_for_step(session, actor, case_id, expected_stage)
    if case.stage not in VISIT_STAGES:
        raise DropoutError("dropout-illegal-step", stage=case.stage, to_stage=DropoutStage.PERSUADING.value)
    day = _check_day(clock, row, on)
    fields = {"visitors": check_text(visitors), "said": check_text(said), "result": check_text(result)}
    if case.stage == DropoutStage.REPORTED:
        await _move(session, clock, case, row, DropoutStage.PERSUADING, day, actor.person_id)
    return await _event(session, clock, case, DropoutEventKind.VISIT, day, actor.person_id, **fields)


async def start_enforcement(
    session: AsyncSession, clock: Clock, actor: Actor, case_id: int, *,
    note: str, on: date | None = None, expected_stage: str | None = DropoutStage.PERSUADING,
) -> DropoutCase:
    """依法强制: what legal step was taken is required."""
    text = check_text(note)
    return await advance(
        session, clock, actor, case_id, DropoutStage.ENFORCING, on=on, note=text, expected_stage=expected_stage
    )


async def mark_returned(
    session: AsyncSession, clock: Clock, actor: Actor, case_id: int, *,
    on: date | None = None, note: str | None = None, expected_stage: str | None = None,
) -> DropoutCase:
    """The student is back: the case ends with the return date and the student is
    present that day (an absence mark that day is removed, the change recorded)."""
    case, row = await _case_for_step(session, actor, case_id, expected_stage)
    day = _check_day(clock, row, on)
    await _event(
        session, clock, case, DropoutEventKind.RETURNED, day, actor.person_id,
        from_stage=case.stage, to_stage=DropoutStage.RETURNED.value, note=check_text(note, required=False),
    )
    case.stage = DropoutStage.RETURNED.value
    case.stage_since = _moment(clock, row.timezone, day)
    case.ended_at = clock.now()
    case.outcome = DropoutOutcome.RETURNED.value
    case.returned_on = day
    await session.flush()
    await repo.mark_present(session, case.student_id, day, actor.person_id, clock.now())
    return case


async def close_case(
    session: AsyncSession, clock: Clock, actor: Actor, case_id: int, *,
    outcome: str, note: str | None = None, on: date | None = None,
    expected_stage: str | None = None,
) -> DropoutCase:
    """Ends the case for a reason other than a return: transferred, moved away, or other
    (which needs a note saying what)."""
    if outcome not in {o.value for o in CLOSE_OUTCOMES}:
        raise DropoutError("dropout-bad-outcome")
    text = check_text(note, required=outcome == DropoutOutcome.OTHER)
    case, row = await _case_for_step(session, actor, case_id, expected_stage)
    day = _check_day(clock, row, on)
    await _event(
        session, clock, case, DropoutEventKind.CLOSED, day, actor.person_id,
        from_stage=case.stage, to_stage=DropoutStage.CLOSED.value, note=text, result=outcome,
    )
    case.stage = DropoutStage.CLOSED.value
    case.stage_since = _moment(clock, row.timezone, day)
    case.ended_at = clock.now()
    case.outcome = outcome
    case.close_reason = text
    await session.flush()
    return case


# ---------------------------------------------------------------------- opening


async def _insert_case(
    session: AsyncSession,
    clock: Clock,
    *,
    student_id: int,
    school_id: int,
    trigger: DropoutTrigger,
    opened_by_id: int | None,
    on: date,
    note: str | None,
) -> DropoutCase | None:
    """A new case in stage suspected with its OPENED event, or None when the student
    already has an open case (the partial unique index decides, even between processes)."""
    now = clock.now()
    new = await insert_ignoring_duplicates(
        session,
        DropoutCase.__table__,  # type: ignore[arg-type]
        [
            {
                "student_id": student_id,
                "school_id": school_id,
                "stage": DropoutStage.SUSPECTED.value,
                "trigger": trigger.value,
                "opened_at": now,
                "opened_by_id": opened_by_id,
                "stage_since": now,
            }
        ],
    )
    if not new:
        return None
    case = await repo.open_case_of(session, student_id)
    assert case is not None
    await _event(
        session, clock, case, DropoutEventKind.OPENED, on, opened_by_id,
        to_stage=DropoutStage.SUSPECTED.value, note=note,
    )
    return case


async def open_case_manually(
    session: AsyncSession,
    clock: Clock,
    translator: Translator,
    actor: Actor,
    student_id: int,
    *,
    note: str | None = None,
    on: date | None = None,
) -> DropoutCase:
    if not await can_open_for(session, actor, student_id):
        raise DropoutError("dropout-not-allowed")
    student = await session.get(Student, student_id)
    assert student is not None
    if student.status != StudentStatus.ENROLLED:
        raise DropoutError("dropout-student-not-enrolled")
    if await repo.open_case_of(session, student_id) is not None:
        raise DropoutError("dropout-already-open")
    school = await session.get(School, student.school_id)
    assert school is not None
    today = school_today(clock, school.timezone)
    day = on or today
    if day > today:
        raise DropoutError("dropout-date-future")
    case = await _insert_case(
        session, clock, student_id=student_id, school_id=student.school_id, trigger=DropoutTrigger.MANUAL,
        opened_by_id=actor.person_id, on=day, note=check_text(note, required=False),
    )
    if case is None:
        raise DropoutError("dropout-already-open")
    await _notify_opened(session, clock, translator, case, skip_person_id=actor.person_id, opener=actor.name or "")
    return case


@dataclass
class OpeningReport:
    opened: int = 0
    by_trigger: dict[str, int] = field(default_factory=dict)


def _has_run(days: list[date], counted: set[date], n: int) -> list[date] | None:
    for start in range(len(days) - n, -1, -1):
        window = days[start : start + n]
        if len(window) == n and all(d in counted for d in window):
            return window
    return None


async def open_due_cases(
    session: AsyncSession,
    clock: Clock,
    translator: Translator,
    *,
    consecutive: int = 3,
    ratio: float = 0.10,
) -> OpeningReport:
    """The daily job's work: open a case for every enrolled student who meets a rule
    (see the module's docstring) and has no open case; tell their head teacher and the
    school's admins. Safe to run any number of times. Does not commit."""
    report = OpeningReport()
    for school in await repo.schools(session):
        tz = ZoneInfo(school.timezone)
        today = local_today(clock, tz)
        calendar = await load_calendar(session, school.id)
        skip = await repo.students_with_open_case(session, school.id)
        due: dict[int, tuple[DropoutTrigger, str]] = {}

        days = calendar.last_school_days(today, consecutive + 1)
        if len(days) >= consecutive:
            unexplained = await repo.absent_days(
                session, school.id, days[0], days[-1], unexplained_only=True, exclude_students=skip
            )
            cutoffs = await _cutoffs(session, unexplained, tz)
            for student_id, marked in unexplained.items():
                counted = {d for d in marked if d > cutoffs.get(student_id, date.min)}
                run = _has_run(days, counted, consecutive)
                if run:
                    due[student_id] = (DropoutTrigger.CONSECUTIVE, ", ".join(d.isoformat() for d in run))

        term = calendar.term_of(today)
        if term is not None:
            total = len(calendar.term_school_days(today))
            threshold = max(1, math.ceil(round(ratio * total, 9)))
            absences = await repo.absent_days(
                session, school.id, term.starts_on, today, unexplained_only=False,
                exclude_students=skip | set(due),
            )
            cutoffs = await _cutoffs(session, absences, tz)
            for student_id, marked in absences.items():
                counted = [
                    d for d in marked if d > cutoffs.get(student_id, date.min) and calendar.is_school_day(d)
                ]
                if len(counted) >= threshold:
                    due[student_id] = (DropoutTrigger.TERM_RATIO, f"{len(counted)}/{total}")

        for student_id, (trigger, detail) in sorted(due.items()):
            case = await _insert_case(
                session, clock, student_id=student_id, school_id=school.id, trigger=trigger,
                opened_by_id=None, on=today, note=detail,
            )
            if case is None:
                continue
            report.opened += 1
            report.by_trigger[trigger] = report.by_trigger.get(trigger, 0) + 1
            log.info("dropout case %s opened for student %s (%s)", case.id, student_id, trigger.value)
            await _notify_opened(session, clock, translator, case, detail=detail)
    return report


async def _cutoffs(session: AsyncSession, marks: dict[int, set[date]], tz: ZoneInfo) -> dict[int, date]:
    ended = await repo.last_case_end(session, marks)
    return {student_id: moment.astimezone(tz).date() for student_id, moment in ended.items()}


# ------------------------------------------------------------------- messages


def case_button(translator: Translator, lang: str, case_id: int) -> tuple[tuple[Button, ...], ...]:
    return ((Button(translator.get("dropout-notice-button", lang), callback_data=f"{CASE_CALLBACK_PREFIX}:{case_id}"),),)


async def _recipients(session: AsyncSession, row: CaseRow, skip_person_id: int | None) -> list[Person]:
    people = await repo.staff_to_tell(session, row.case.school_id, row.head_teacher_id)
    return [p for p in people if p.chat_id is not None and p.id != skip_person_id]


async def _notify_opened(
    session: AsyncSession,
    clock: Clock,
    translator: Translator,
    case: DropoutCase,
    *,
    detail: str | None = None,
    skip_person_id: int | None = None,
    opener: str = "",
) -> int:
    row = await repo.case_row(session, case.id)
    assert row is not None
    messages = []
    for person in await _recipients(session, row, skip_person_id):
        lang = translator.normalize(person.language)
        params = {
            "name": row.student_name,
            "school": row.school_name,
            "class_label": class_label(translator, lang, row.grade, row.class_name),
        }
        if case.trigger == DropoutTrigger.CONSECUTIVE:
            dates = detail or ""
            text = translator.get(
                "dropout-notice-consecutive", lang, days=len(dates.split(", ")), dates=dates, **params
            )
        elif case.trigger == DropoutTrigger.TERM_RATIO:
            absent, _, total = (detail or "0/0").partition("/")
            text = translator.get("dropout-notice-term-ratio", lang, absent=int(absent), total=int(total), **params)
        else:
            text = translator.get("dropout-notice-manual", lang, opener=opener, **params)
        messages.append(
            OutgoingMessage(
                dedup_key=f"dropout-opened:{case.id}:to:{person.id}",
                chat_id=person.chat_id,  # type: ignore[arg-type]
                text=text,
                kind="dropout-opened",
                priority=Priority.NORMAL,
                buttons=case_button(translator, lang, case.id),
                person_id=person.id,
                school_id=case.school_id,
                timezone=row.timezone,
            )
        )
    return await enqueue(session, clock, messages)


async def remind_overdue(
    session: AsyncSession, clock: Clock, translator: Translator, *, overdue_days: int = 7
) -> int:
    """A case more than `overdue_days` in one stage: its head teacher and the school's
    admins are reminded, once per stay in a stage. Returns messages queued."""
    rows = await repo.case_rows(session, DropoutCase.id.is_not(None))
    queued = 0
    for row in rows:
        case = row.case
        tz = ZoneInfo(row.timezone)
        since = case.stage_since.astimezone(tz).date()
        days = (local_today(clock, tz) - since).days
        if days <= overdue_days:
            continue
        messages = []
        for person in await _recipients(session, row, None):
            lang = translator.normalize(person.language)
            messages.append(
                OutgoingMessage(
                    dedup_key=f"dropout-overdue:{case.id}:{case.stage}:{since.isoformat()}:to:{person.id}",
                    chat_id=person.chat_id,  # type: ignore[arg-type]
                    text=translator.get(
                        "dropout-notice-overdue", lang,
                        name=row.student_name, school=row.school_name,
                        class_label=class_label(translator, lang, row.grade, row.class_name),
                        stage=stage_label(translator, lang, case.stage),
                        next=translator.get(f"dropout-next-{case.stage}", lang),
                        days=days, since=since.isoformat(),
                    ),
                    kind="dropout-overdue",
                    priority=Priority.NORMAL,
                    buttons=case_button(translator, lang, case.id),
                    person_id=person.id,
                    school_id=case.school_id,
                    timezone=row.timezone,
                )
            )
        queued += await enqueue(session, clock, messages)
    return queued


__all__ = [
    "CASE_CALLBACK_PREFIX", "CLOSE_OUTCOMES", "CaseCard", "DropoutError", "NEXT_STAGE", "OPEN_STAGES",
    "OpeningReport", "ReportPrefill", "acting_scope", "advance", "can_act", "can_open_for", "can_view",
    "case_card", "class_label", "classes_to_open_in", "close_case", "confirm_dropout", "file_report",
    "list_cases", "log_visit", "school_name", "student_name_and_timezone", "mark_returned", "may_use", "open_case_manually", "open_due_cases",
    "outcome_label", "parse_day", "remind_overdue", "report_prefill", "school_today", "stage_label",
    "start_enforcement", "state_label", "student_scope", "students_to_open_for", "viewing_scope",
]
