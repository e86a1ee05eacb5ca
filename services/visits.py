"""家访: a teacher logs a home visit (or a phone or video call with the family).

What is recorded: the student, the date (the school's today unless said otherwise; never
in the future), the form, the purpose, who was met, what happened (typed, or a voice
message kept as its Telegram file id), an optional photo and an optional follow-up date.

Who: a teacher for the students they are responsible for (their class, the classes they
teach, their mentees), a school admin for the school's students. Guardians and bureau
officers log no visits.

A visit to persuade a dropout to return (purpose "persuade") for a student with an open
dropout case belongs to that case: the visit row points at the case, and the visit is
recorded on the case through services.dropout.log_visit — so the case's timeline, its
stage (the first visit on a reported case starts 走访动员) and the dropout register see it
exactly as if it had been logged from the case. The dropout service has its own rules
(only the class's head teacher or an admin acts on a case; visits count from the report
on); when it refuses for one of those two reasons, the visit still goes on the case's
timeline as a visit event — who went, what was said — but the stage is left where it is
(a subject teacher's visit does not move a case; a visit to a suspected dropout does not
make it "persuading"). A visit dated before the case was opened is linked only.

A follow-up date makes a reminder to the teacher on that day (scheduler/visits.py),
once: the reminder's dedup key is the visit's id, and the visit remembers it was sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    DropoutCaseEvent,
    DropoutEventKind,
    HomeVisit,
    Priority,
    Student,
    VisitForm,
    VisitMet,
    VisitPurpose,
)
from db.repositories import care as repo
from db.repositories import dropout as dropout_repo
from db.repositories.care import StudentChoice
from locales import Translator
from services import dropout
from services.access import Actor, teaching_scope, visible_students
from services.clock import Clock, local_today
from services.dropout import DropoutError
from services.outbox import Button, OutgoingMessage, enqueue

log = logging.getLogger(__name__)

MAX_NOTE_LENGTH = dropout.MAX_TEXT_LENGTH  # the note also goes on a dropout case
MAX_DAYS_BACK = 366
MAX_FOLLOW_UP_DAYS = 366
VISIT_CALLBACK_PREFIX = "cvisit"  # handlers.care.VisitCallback: "cvisit:<student_id>"


class CareError(Exception):
    """Something that may not be recorded; `key` is the locale message that says why."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params


# ----------------------------------------------------------------------- access


def may_log_visits(actor: Actor) -> bool:
    return actor.is_teacher or actor.is_school_admin


def visit_scope(actor: Actor) -> ColumnElement[bool]:
    """Students this actor may log a visit for: what they see as a teacher, and their
    school as an admin. Not their own children, not a bureau's county."""
    clauses: list[ColumnElement[bool]] = [visible_students(teaching_scope(actor))]
    if actor.admin_school_ids:
        clauses.append(Student.school_id.in_(sorted(actor.admin_school_ids)))
    return or_(*clauses) if may_log_visits(actor) else false()


async def can_visit(session: AsyncSession, actor: Actor, student_id: int) -> bool:
    found = await session.scalar(select(Student.id).where(and_(Student.id == student_id, visit_scope(actor))))
    return found is not None


async def students_to_pick(session: AsyncSession, actor: Actor, limit: int = 200) -> list[StudentChoice]:
    """The buttons: the teacher's own students (an admin who teaches nothing gets none and
    types a name instead; a school's whole roster is no list to scroll)."""
    if not actor.is_teacher:
        return []
    return await repo.enrolled_students(session, visible_students(teaching_scope(actor)), limit=limit)


async def search_students(session: AsyncSession, actor: Actor, text: str | None, limit: int = 30) -> list[StudentChoice]:
    """Typed name search among every student the actor may log a visit for."""
    part = (text or "").strip()
    if not part or len(part) > 50:
        return []
    return await repo.enrolled_students(session, visit_scope(actor), name_part=part, limit=limit)


async def student_for_visit(session: AsyncSession, actor: Actor, student_id: int) -> StudentChoice | None:
    if not await can_visit(session, actor, student_id):
        return None
    return await repo.student_choice(session, student_id)


async def school_today(session: AsyncSession, clock: Clock, school_id: int) -> date:
    return local_today(clock, ZoneInfo(await repo.school_timezone(session, school_id)))


async def open_case_id(session: AsyncSession, student_id: int) -> int | None:
    case = await dropout_repo.open_case_of(session, student_id)
    return case.id if case else None


# ------------------------------------------------------------------ checking


def check_note(text: str | None) -> str | None:
    value = (text or "").strip()
    if not value:
        return None
    if len(value) > MAX_NOTE_LENGTH:
        raise CareError("care-text-too-long", length=len(value), max=MAX_NOTE_LENGTH)
    return value


def check_visit_day(day: date, today: date) -> date:
    if day > today:
        raise CareError("care-date-future")
    if (today - day).days > MAX_DAYS_BACK:
        raise CareError("care-date-too-old")
    return day


def check_follow_up(day: date, today: date) -> date:
    """Reminders go out in the morning, so a follow-up is tomorrow at the earliest."""
    if day <= today:
        raise CareError("visit-follow-up-not-future")
    if (day - today).days > MAX_FOLLOW_UP_DAYS:
        raise CareError("visit-follow-up-too-far")
    return day


# -------------------------------------------------------------------- logging


@dataclass(frozen=True)
class VisitDraft:
    student_id: int
    form: str
    purpose: str
    met: str
    visited_on: date | None = None  # None = the school's today
    note: str | None = None
    voice_file_id: str | None = None
    photo_file_id: str | None = None
    follow_up_on: date | None = None


@dataclass(frozen=True)
class VisitSaved:
    visit: HomeVisit
    case_id: int | None  # the dropout case the visit is linked to
    on_case: bool  # recorded on the case's timeline
    case_refusal: str | None = None  # the dropout service's reason when it is not
    # On the case's timeline as a visit, but the stage was left alone (the visitor does not
    # move cases, or the case is not reported yet).
    stage_kept: bool = False


async def log_home_visit(
    session: AsyncSession, clock: Clock, translator: Translator, actor: Actor, draft: VisitDraft
) -> VisitSaved:
    if draft.form not in set(VisitForm) or draft.purpose not in set(VisitPurpose) or draft.met not in set(VisitMet):
        raise CareError("care-stale-button")
    student = await student_for_visit(session, actor, draft.student_id)
    if student is None or actor.person_id is None:
        raise CareError("care-not-your-student")
    today = await school_today(session, clock, student.school_id)
    day = check_visit_day(draft.visited_on or today, today)
    note = check_note(draft.note)
    if note is None and not draft.voice_file_id:
        raise CareError("visit-note-missing")
    follow_up = check_follow_up(draft.follow_up_on, today) if draft.follow_up_on else None

    visit = HomeVisit(
        student_id=student.id, school_id=student.school_id, visited_by_id=actor.person_id,
        visited_on=day, form=draft.form, purpose=draft.purpose, met=draft.met, note=note,
        voice_file_id=draft.voice_file_id, photo_file_id=draft.photo_file_id,
        follow_up_on=follow_up, recorded_at=clock.now(),
    )
    case_id = await open_case_id(session, student.id) if draft.purpose == VisitPurpose.PERSUADE else None
    visit.dropout_case_id = case_id
    await repo.add(session, visit)
    if case_id is None:
        return VisitSaved(visit, None, False)
    lang = translator.normalize(actor.language)
    fields = {
        "visitors": actor.name or translator.get("visit-case-visitor-unknown", lang),
        "said": note or translator.get("visit-case-said-voice", lang),
        "result": translator.get(
            "visit-case-result", lang,
            form=translator.get(f"visit-form-{draft.form}", lang),
            met=translator.get(f"visit-met-{draft.met}", lang),
        ),
    }
    try:
        # dropout.log_visit checks everything before it writes, so a refusal leaves the
        # case untouched and the visit (already linked) stands.
        event = await dropout.log_visit(session, clock, actor, case_id, on=day, **fields)
    except DropoutError as exc:
        if exc.key not in STAGE_KEPT_REASONS:
            log.info("home visit %s linked to dropout case %s, not on its timeline (%s)", visit.id, case_id, exc.key)
            return VisitSaved(visit, case_id, False, exc.key)
        event = await _visit_on_case_only(session, clock, actor, case_id, day, fields)
        if event is None:
            log.info("home visit %s predates dropout case %s: linked only", visit.id, case_id)
            return VisitSaved(visit, case_id, False, "dropout-date-before-open")
        visit.dropout_event_id = event.id
        await session.flush()
        return VisitSaved(visit, case_id, True, exc.key, stage_kept=True)
    visit.dropout_event_id = event.id
    await session.flush()
    return VisitSaved(visit, case_id, True)


# Why dropout.log_visit may refuse a persuasion visit that still belongs on the case's
# timeline: the visitor is not the head teacher or an admin (who move cases), or the case
# is not reported yet (visits count as 走访动员 from the report on). The visit is then an
# event of the case — who went, what was said — and the stage stays where it is.
STAGE_KEPT_REASONS = frozenset({"dropout-not-allowed", "dropout-illegal-step"})


async def _visit_on_case_only(
    session: AsyncSession, clock: Clock, actor: Actor, case_id: int, day: date, fields: dict[str, str]
) -> DropoutCaseEvent | None:
    """The visit as an event of the open case, without moving its stage; None when the
    visit happened before the case was opened (it is not part of that case's story)."""
    row = await dropout_repo.case_row(session, case_id)
    if row is None or row.case.ended_at is not None:
        return None
    if day < row.case.opened_at.astimezone(ZoneInfo(row.timezone)).date():
        return None
    event = DropoutCaseEvent(
        case_id=case_id, kind=DropoutEventKind.VISIT, happened_on=day, recorded_by_id=actor.person_id,
        recorded_at=clock.now(), visitors=dropout.check_text(fields["visitors"]),
        said=dropout.check_text(fields["said"]), result=dropout.check_text(fields["result"]),
    )
    await dropout_repo.add(session, event)
    return event


# ----------------------------------------------------------------- reminders


def visit_button(translator: Translator, lang: str, student_id: int) -> tuple[tuple[Button, ...], ...]:
    return ((Button(translator.get("visit-reminder-button", lang), callback_data=f"{VISIT_CALLBACK_PREFIX}:{student_id}"),),)


async def send_follow_up_reminders(session: AsyncSession, clock: Clock, translator: Translator) -> int:
    """The follow-ups due today (or missed while the bot was down) go to the teacher who
    made the visit, once each. Returns messages queued. Does not commit."""
    queued = 0
    for school in await repo.schools(session):
        today = local_today(clock, ZoneInfo(school.timezone))
        for visit, person, student_name in await repo.due_follow_ups(session, school.id, today):
            visit.follow_up_sent_at = clock.now()
            if person.chat_id is None:
                continue
            lang = translator.normalize(person.language)
            queued += await enqueue(
                session, clock,
                [
                    OutgoingMessage(
                        dedup_key=f"visit-follow-up:{visit.id}",
                        chat_id=person.chat_id,
                        text=translator.get(
                            "visit-follow-up-reminder", lang, name=student_name,
                            visited=visit.visited_on.isoformat(),
                            purpose=translator.get(f"visit-purpose-{visit.purpose}", lang),
                            date=(visit.follow_up_on or today).isoformat(),
                        ),
                        kind="visit-follow-up",
                        priority=Priority.NORMAL,
                        buttons=visit_button(translator, lang, visit.student_id),
                        person_id=person.id,
                        school_id=school.id,
                        timezone=school.timezone,
                    )
                ],
            )
        await session.flush()
    return queued


def yesterday(today: date) -> date:
    return today - timedelta(days=1)


__all__ = [
    "CareError", "MAX_NOTE_LENGTH", "VISIT_CALLBACK_PREFIX", "VisitDraft", "VisitSaved", "can_visit",
    "check_follow_up", "check_note", "check_visit_day", "log_home_visit", "may_log_visits", "open_case_id",
    "school_today", "search_students", "send_follow_up_reminders", "student_for_visit", "students_to_pick",
    "visit_scope", "yesterday",
]
