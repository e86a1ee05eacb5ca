"""The guardian side of the daily arrival report (学生到校日报告制度).

Three things happen here:

1. A guardian answers the notice "<child> is not at school today. Do you know why?"
   (queued by the teacher's sheet with buttons `abs:<mark_id>:<answer>`). Only a current
   guardian of that child may answer, once, on the day itself. The answer is stored on the
   mark; "sick" and "family" also become the mark's reason (with a change row), but only
   while the reason is still "unknown" — a reason the teacher set by hand is not
   overwritten, the answer is still shown beside it. "On the way" leaves the mark absent
   with reason "unknown": the child is not there yet, and the teacher marks them late
   when they arrive; the answer itself tells the teacher not to worry.
2. "I don't know", or no answer within `no_answer_minutes` of the notice, sends an urgent
   "a child may be missing" alert to the class's head teacher and every admin of the
   school, once (escalated_at plus per-recipient dedup keys). An answer that arrives after
   the no-answer alert is passed on to the same people, so nobody keeps searching for a
   child who is at home in bed.
3. A guardian reports an absence before school ("sick today"): today's mark is created
   (or its reason updated) with source "guardian", so the teacher's sheet is pre-filled and
   no "why" notice is sent; the head teacher is told.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AbsenceReason,
    AttendanceChange,
    AttendanceMark,
    AttendanceStatus,
    GuardianAnswer,
    MarkSource,
    Person,
    Priority,
    StudentStatus,
)
from db.repositories import absence as repo
from locales import Translator
from services.access import Actor
from services.calendar import load_calendar
from services.clock import Clock, local_today
from services.outbox import OutgoingMessage, enqueue

log = logging.getLogger(__name__)

ALERT_KIND = "absence-alert"
ALERT_UPDATE_KIND = "absence-alert-update"
REPORT_KIND = "absence-report"

# What each answer makes of the mark's reason (None: the reason stays as it is).
ANSWER_REASON: dict[GuardianAnswer, AbsenceReason | None] = {
    GuardianAnswer.SICK: AbsenceReason.SICK,
    GuardianAnswer.FAMILY: AbsenceReason.FAMILY,
    GuardianAnswer.ON_THE_WAY: None,
    GuardianAnswer.DONT_KNOW: None,
}

# What a guardian may give as the reason when reporting before school.
REPORT_REASONS: tuple[AbsenceReason, ...] = (
    AbsenceReason.SICK,
    AbsenceReason.PERSONAL_LEAVE,
    AbsenceReason.FAMILY,
)

# The no-answer job looks no further back than this: after a long outage it must not
# raise "missing" alerts about yesterday's children.
NO_ANSWER_LOOKBACK = timedelta(hours=18)


# --------------------------------------------------------------------- wording


def answer_label(translator: Translator, lang: str, answer: str) -> str:
    return translator.get(f"absence-answer-label-{answer.replace('_', '-')}", lang)


def reason_label(translator: Translator, lang: str, reason: str) -> str:
    return translator.get(f"absence-reason-label-{reason}", lang)


def relation_label(translator: Translator, lang: str, relation: str | None) -> str:
    known = {
        "grandfather", "grandmother", "father", "mother", "uncle", "aunt", "sibling", "other",
    }
    return translator.get(f"absence-relation-{relation if relation in known else 'other'}", lang)


def class_label(translator: Translator, lang: str, info: repo.StudentInfo) -> str:
    if info.grade is None or info.class_name is None:
        return translator.get("absence-no-class", lang)
    return translator.get("absence-class-label", lang, grade=info.grade, name=info.class_name)


def guardian_label(translator: Translator, lang: str, name: str, relation: str | None) -> str:
    return translator.get(
        "absence-guardian", lang, name=name, relation=relation_label(translator, lang, relation)
    )


def _contacts(translator: Translator, lang: str, contacts: list[repo.GuardianContact]) -> str:
    if not contacts:
        return translator.get("absence-no-contacts", lang)
    return "\n".join(
        translator.get(
            "absence-contact-line", lang,
            guardian=guardian_label(translator, lang, c.name, c.relation),
            phone=c.phone or translator.get("absence-no-phone", lang),
        )
        for c in contacts
    )


# ------------------------------------------------------------------ recipients


async def _staff_to_alert(session: AsyncSession, info: repo.StudentInfo) -> list[Person]:
    """The class's head teacher and every admin of the school, each once."""
    people: list[Person] = []
    head = await repo.head_teacher(session, info.head_teacher_id)
    if head is not None:
        people.append(head)
    people.extend(await repo.school_admins(session, info.school_id))
    seen: set[int] = set()
    unique = []
    for person in people:
        if person.id not in seen:
            seen.add(person.id)
            unique.append(person)
    return unique


async def _staff_to_tell_of_report(session: AsyncSession, info: repo.StudentInfo) -> tuple[list[Person], bool]:
    """The head teacher (True); a class without one, or one who has not joined, falls back
    to the school's admins (False), so the report reaches someone who keeps the sheet."""
    head = await repo.head_teacher(session, info.head_teacher_id)
    if head is not None and head.chat_id is not None:
        return [head], True
    return [p for p in await repo.school_admins(session, info.school_id) if p.chat_id is not None], False


def _message(
    translator: Translator, person: Person, info: repo.StudentInfo, *, key: str, dedup_key: str,
    kind: str, priority: int, **params: object,
) -> OutgoingMessage | None:
    if person.chat_id is None:
        return None
    lang = translator.normalize(person.language)
    text = translator.get(key, lang, child=info.name, class_label=class_label(translator, lang, info), **params)
    return OutgoingMessage(
        dedup_key=dedup_key, chat_id=person.chat_id, text=text, kind=kind, priority=priority,
        person_id=person.id, school_id=info.school_id, timezone=info.timezone,
    )


async def _send_alert(
    session: AsyncSession, clock: Clock, translator: Translator, mark: AttendanceMark,
    info: repo.StudentInfo, *, answered_by: Person | None, no_answer_minutes: int | None,
) -> int:
    """The urgent "a child may be missing" alert, in each recipient's language."""
    contacts = await repo.guardian_contacts(session, info.id)
    relation = (
        await repo.guardian_relation(session, answered_by.id, info.id) if answered_by else None
    )
    messages = []
    recipients = await _staff_to_alert(session, info)
    for person in recipients:
        lang = translator.normalize(person.language)
        if answered_by is not None:
            key = "absence-alert-dont-know"
            params: dict[str, object] = {
                "guardian": guardian_label(translator, lang, answered_by.name, relation),
                "answer": answer_label(translator, lang, GuardianAnswer.DONT_KNOW),
            }
        else:
            key = "absence-alert-no-answer"
            params = {"minutes": no_answer_minutes or 0}
        params["contacts"] = _contacts(translator, lang, contacts)
        message = _message(
            translator, person, info, key=key, dedup_key=f"absence-alert:{mark.id}:to:{person.id}",
            kind=ALERT_KIND, priority=Priority.URGENT, **params,
        )
        if message is not None:
            messages.append(message)
    if not messages:
        log.warning("absence alert for mark %s reaches nobody (no joined head teacher or admin)", mark.id)
    return await enqueue(session, clock, messages)


async def _send_alert_update(
    session: AsyncSession, clock: Clock, translator: Translator, mark: AttendanceMark,
    info: repo.StudentInfo, answered_by: Person, answer: GuardianAnswer,
) -> int:
    relation = await repo.guardian_relation(session, answered_by.id, info.id)
    messages = []
    for person in await _staff_to_alert(session, info):
        lang = translator.normalize(person.language)
        message = _message(
            translator, person, info, key="absence-alert-update",
            dedup_key=f"absence-alert-update:{mark.id}:to:{person.id}",
            kind=ALERT_UPDATE_KIND, priority=Priority.URGENT,
            guardian=guardian_label(translator, lang, answered_by.name, relation),
            answer=answer_label(translator, lang, answer),
        )
        if message is not None:
            messages.append(message)
    return await enqueue(session, clock, messages)


# ---------------------------------------------------------- answering the notice


class AnswerOutcome(StrEnum):
    RECORDED = "recorded"
    ALREADY_ANSWERED = "already_answered"
    NOT_YOURS = "not_yours"
    STALE = "stale"  # the notice is from an earlier day
    NO_LONGER_NEEDED = "no_longer_needed"  # marked present or late, or no notice was sent
    INVALID = "invalid"  # not an answer the notice offers


@dataclass(frozen=True)
class AnswerResult:
    outcome: AnswerOutcome
    answer: str | None = None  # the stored answer (ours, or the earlier one)
    answered_by: str | None = None  # name of whoever answered first
    alerted: int = 0  # alert messages queued


async def answer_notice(
    session: AsyncSession, clock: Clock, translator: Translator, actor: Actor, mark_id: int, answer: str,
) -> AnswerResult:
    """A guardian taps one of the notice's buttons. Changes nothing unless RECORDED."""
    try:
        given = GuardianAnswer(answer)
    except ValueError:
        return AnswerResult(AnswerOutcome.INVALID)
    mark = await repo.mark_by_id(session, mark_id)
    if mark is None:
        return AnswerResult(AnswerOutcome.NO_LONGER_NEEDED)
    if actor.person_id is None or not await repo.is_current_guardian(session, actor.person_id, mark.student_id):
        log.info("person %s answered absence notice %s of a child not theirs", actor.person_id, mark_id)
        return AnswerResult(AnswerOutcome.NOT_YOURS)
    info = await repo.student_info(session, mark.student_id)
    if info is None:  # pragma: no cover - marks belong to students
        return AnswerResult(AnswerOutcome.NO_LONGER_NEEDED)
    if mark.day != local_today(clock, ZoneInfo(info.timezone)):
        return AnswerResult(AnswerOutcome.STALE)
    if mark.guardian_answer is not None:
        return AnswerResult(
            AnswerOutcome.ALREADY_ANSWERED, mark.guardian_answer,
            await repo.person_name(session, mark.answered_by_id),
        )
    if mark.status != AttendanceStatus.ABSENT or mark.notice_sent_at is None:
        # Arrived after all, or never asked (a guardian reported it): nothing to answer.
        return AnswerResult(AnswerOutcome.NO_LONGER_NEEDED)

    now = clock.now()
    if not await repo.claim_answer(session, mark.id, given, actor.person_id, now):
        await session.refresh(mark)
        return AnswerResult(
            AnswerOutcome.ALREADY_ANSWERED, mark.guardian_answer,
            await repo.person_name(session, mark.answered_by_id),
        )
    await session.refresh(mark)
    new_reason = ANSWER_REASON[given]
    if new_reason is not None and mark.reason == AbsenceReason.UNKNOWN:
        repo.add_change(session, AttendanceChange(
            student_id=mark.student_id, day=mark.day,
            from_status=mark.status, from_reason=mark.reason,
            to_status=mark.status, to_reason=new_reason,
            source=MarkSource.GUARDIAN, changed_by_id=actor.person_id, changed_at=now,
        ))
        mark.reason = new_reason
    await session.flush()

    guardian = await session.get(Person, actor.person_id)
    assert guardian is not None
    alerted = 0
    if mark.escalated_at is not None:
        # The no-answer alert went out already: tell the same people what we now know.
        alerted = await _send_alert_update(session, clock, translator, mark, info, guardian, given)
    elif given == GuardianAnswer.DONT_KNOW and await repo.claim_escalation(session, mark.id, now, unanswered=False):
        await session.refresh(mark)
        alerted = await _send_alert(
            session, clock, translator, mark, info, answered_by=guardian, no_answer_minutes=None
        )
    log.info("absence notice %s answered %s by person %s", mark.id, given.value, actor.person_id)
    return AnswerResult(AnswerOutcome.RECORDED, given.value, guardian.name, alerted)


# -------------------------------------------------------- the no-answer escalation


async def escalate_unanswered(
    session: AsyncSession, clock: Clock, translator: Translator, no_answer_minutes: int,
) -> int:
    """Alerts for every notice of today left unanswered for `no_answer_minutes`; returns
    how many marks were escalated. Safe to run any number of times. Does not commit."""
    now = clock.now()
    escalated = 0
    waiting = await repo.waiting_for_answer(
        session, now - timedelta(minutes=no_answer_minutes), now - NO_ANSWER_LOOKBACK
    )
    for mark, timezone in waiting:
        if mark.reason != AbsenceReason.UNKNOWN:
            continue  # explained meanwhile (the teacher phoned, the guardian reported)
        if mark.day != local_today(clock, ZoneInfo(timezone)):
            continue
        if not await repo.claim_escalation(session, mark.id, now, unanswered=True):
            continue
        await session.refresh(mark)
        info = await repo.student_info(session, mark.student_id)
        if info is None:  # pragma: no cover
            continue
        await _send_alert(
            session, clock, translator, mark, info, answered_by=None, no_answer_minutes=no_answer_minutes
        )
        escalated += 1
        log.info("absence mark %s escalated: no answer in %s minutes", mark.id, no_answer_minutes)
    return escalated


# --------------------------------------------------------- reporting before school


class ReportProblem(StrEnum):
    NOT_YOURS = "not_yours"
    NOT_SCHOOL_DAY = "not_school_day"
    BAD_REASON = "bad_reason"


class ReportError(ValueError):
    def __init__(self, problem: ReportProblem) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True)
class Child:
    id: int
    name: str


@dataclass(frozen=True)
class ReportResult:
    mark_id: int
    child: str
    reason: str
    changed: bool  # False: the same report again (nothing new written or sent)
    told: int  # staff messages queued
    sheet_said_present: bool


async def reportable_children(session: AsyncSession, actor: Actor) -> list[Child]:
    """The actor's own current children who are at school (enrolled)."""
    return [
        Child(info.id, info.name)
        for info in await repo.students_info(session, actor.children)
        if info.status == StudentStatus.ENROLLED
    ]


async def _own_child(session: AsyncSession, actor: Actor, student_id: int) -> repo.StudentInfo:
    """Re-checked at every step: dialog data and callback data can be stale or forged."""
    if actor.person_id is None or not await repo.is_current_guardian(session, actor.person_id, student_id):
        raise ReportError(ReportProblem.NOT_YOURS)
    info = await repo.student_info(session, student_id)
    if info is None or info.status != StudentStatus.ENROLLED:
        raise ReportError(ReportProblem.NOT_YOURS)
    return info


async def _reportable_today(
    session: AsyncSession, clock: Clock, actor: Actor, student_id: int
) -> tuple[repo.StudentInfo, date]:
    info = await _own_child(session, actor, student_id)
    today = local_today(clock, ZoneInfo(info.timezone))
    calendar = await load_calendar(session, info.school_id)
    if not calendar.is_school_day(today):
        raise ReportError(ReportProblem.NOT_SCHOOL_DAY)
    return info, today


async def check_report(session: AsyncSession, clock: Clock, actor: Actor, student_id: int) -> Child:
    """Whether the actor may report this child absent today; raises ReportError if not."""
    info, _ = await _reportable_today(session, clock, actor, student_id)
    return Child(info.id, info.name)


async def report_absence(
    session: AsyncSession, clock: Clock, translator: Translator, actor: Actor, student_id: int, reason: str,
) -> ReportResult:
    """The guardian says the child will not come today. Creates or updates today's mark
    (source guardian) and tells the head teacher. Does not commit."""
    try:
        chosen = AbsenceReason(reason)
    except ValueError:
        raise ReportError(ReportProblem.BAD_REASON) from None
    if chosen not in REPORT_REASONS:
        raise ReportError(ReportProblem.BAD_REASON)
    info, today = await _reportable_today(session, clock, actor, student_id)
    assert actor.person_id is not None
    now = clock.now()

    mark = await repo.mark_of_day(session, student_id, today)
    sheet_said_present = mark is None and await repo.sheet_exists(session, info.class_id, today)
    first = mark is None
    if mark is None:
        mark = AttendanceMark(
            student_id=student_id, class_id=info.class_id, school_id=info.school_id, day=today,
            status=AttendanceStatus.ABSENT, reason=chosen, source=MarkSource.GUARDIAN,
            recorded_by_id=actor.person_id, recorded_at=now,
        )
        repo.add_mark(session, mark)
        from_status: str | None = None
        from_reason: str | None = None
    else:
        if mark.status == AttendanceStatus.ABSENT and mark.reason == chosen:
            return ReportResult(mark.id, info.name, chosen.value, False, 0, False)
        from_status, from_reason = mark.status, mark.reason
        # A mark the teacher made stays the teacher's (they saw the child missing); its
        # reason now comes from the guardian, which the change row records.
        mark.status = AttendanceStatus.ABSENT
        mark.reason = chosen
    await session.flush()
    change = AttendanceChange(
        student_id=student_id, day=today, from_status=from_status, from_reason=from_reason,
        to_status=AttendanceStatus.ABSENT, to_reason=chosen, source=MarkSource.GUARDIAN,
        changed_by_id=actor.person_id, changed_at=now,
    )
    repo.add_change(session, change)
    await session.flush()

    guardian = await session.get(Person, actor.person_id)
    assert guardian is not None
    relation = await repo.guardian_relation(session, guardian.id, student_id)
    # The first report has the agreed key; a changed reason is news with its own key.
    dedup = f"absence-report:{mark.id}" if first else f"absence-report:{mark.id}:change:{change.id}"
    messages = []
    recipients, to_head = await _staff_to_tell_of_report(session, info)
    for person in recipients:
        lang = translator.normalize(person.language)
        note = "\n" + translator.get("absence-report-sheet-said-present", lang) if sheet_said_present else ""
        message = _message(
            translator, person, info,
            key="absence-report-to-teacher" if first else "absence-report-to-teacher-changed",
            dedup_key=dedup if to_head else f"{dedup}:to:{person.id}",
            kind=REPORT_KIND, priority=Priority.NORMAL,
            guardian=guardian_label(translator, lang, guardian.name, relation),
            reason=reason_label(translator, lang, chosen), note=note,
        )
        if message is not None:
            messages.append(message)
    told = await enqueue(session, clock, messages)
    if not messages:
        log.warning("absence report for mark %s reaches no staff", mark.id)
    log.info("absence of student %s reported by person %s (mark %s)", student_id, guardian.id, mark.id)
    return ReportResult(mark.id, info.name, chosen.value, True, told, sheet_said_present)


__all__ = [
    "ANSWER_REASON", "REPORT_REASONS", "AnswerOutcome", "AnswerResult", "Child", "ReportError",
    "ReportProblem", "ReportResult", "answer_label", "answer_notice", "check_report",
    "escalate_unanswered", "reason_label", "report_absence", "reportable_children",
]
