"""学籍管理: a student's status changes, each kept as a StudentStatusChange row.

- **transfer out**: to a named school. When that school uses the system too, the
  same Student row moves there (new school, no class yet), so the ledger's whole history
  goes with the child; the receiving school's admins are told and place the child in a
  class (**transfer in** of an arrival). Otherwise the student stays on this school's
  books as transferred out. Either way the student leaves attendance sheets and class
  lists at once, and an open dropout case ends with outcome "transferred".
- **transfer in** from outside the system: a new student (name, 学籍号, class).
- **file pending** (档案资料 … 登记备案待查): a transfer whose file did not come is listed
  to the school's admins until one of them clears it, and every Monday they are reminded
  of those still pending (`remind_pending_files`, scheduler/student_status.py).
- **suspension** (休学) with a reason and the certificate's photo (a Telegram file id);
  **resumption** (复学); **graduation** of a whole class at once.

Only a school admin of the student's school records these. Dates are the school's
calendar days: today unless another is given, never in the future (a change is recorded
when it happens, so "from the effective date" is "from now" for sheets and lists).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import and_
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    DropoutStage,
    Priority,
    SchoolClass,
    Student,
    StudentStatus,
    StudentStatusChange,
)
from db.models.enums import DropoutOutcome
from db.repositories import ledger as repo
from locales import Translator
from services import audit, dropout
from services.access import Actor
from services.clock import Clock, local_today
from services.outbox import Button, OutgoingMessage, enqueue

log = logging.getLogger(__name__)

MAX_TEXT = 200
MAX_NUMBER = 32
CURRENT = (StudentStatus.ENROLLED, StudentStatus.SUSPENDED)


class ChangeKind(StrEnum):
    TRANSFER_IN = "transfer_in"
    TRANSFER_OUT = "transfer_out"
    SUSPENSION = "suspension"
    RESUMPTION = "resumption"
    GRADUATION = "graduation"


class StatusError(Exception):
    """Refused: `key` is the locale message that says why."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params


def may_manage(actor: Actor) -> bool:
    return bool(actor.admin_school_ids)


def check_text(text: str | None, *, limit: int = MAX_TEXT) -> str:
    value = (text or "").strip()
    if not value:
        raise StatusError("status-text-empty")
    if len(value) > limit:
        raise StatusError("status-text-too-long", max=limit)
    return value


async def _timezone(session: AsyncSession, school_id: int) -> ZoneInfo:
    school = await repo.school(session, school_id)
    return ZoneInfo(school.timezone if school else "Asia/Shanghai")


async def school_today(session: AsyncSession, clock: Clock, school_id: int) -> date:
    return local_today(clock, await _timezone(session, school_id))


async def _day(session: AsyncSession, clock: Clock, school_id: int, on: date | None) -> date:
    today = await school_today(session, clock, school_id)
    day = on or today
    if day > today:
        raise StatusError("status-date-future")
    return day


async def _student(
    session: AsyncSession, actor: Actor, student_id: int, statuses: tuple[str, ...]
) -> Student:
    student = await session.get(Student, student_id)
    if student is None or student.school_id not in actor.admin_school_ids:
        raise StatusError("status-not-allowed")
    if student.status not in statuses:
        raise StatusError("status-wrong-state")
    return student


async def _class(session: AsyncSession, actor: Actor, class_id: int) -> SchoolClass:
    found = await repo.get_class(session, class_id)
    if found is None or found.school_id not in actor.admin_school_ids:
        raise StatusError("status-not-allowed")
    return found


def _record(
    session: AsyncSession, clock: Clock, actor: Actor, student: Student, kind: ChangeKind, to_status: str,
    on: date, **fields: object,
) -> StudentStatusChange:
    change = StudentStatusChange(
        student_id=student.id, from_status=student.status, to_status=to_status, effective_on=on,
        kind=kind.value, school_id=student.school_id, class_id=student.class_id,
        recorded_by_id=actor.person_id, recorded_at=clock.now(), **fields,
    )
    repo.add(session, change)
    audit.add_for_student(session, clock, actor, audit.Action.CHANGE, audit.STATUS, student)
    return change


# ------------------------------------------------------------------- listings


async def admin_classes(session: AsyncSession, actor: Actor) -> list[SchoolClass]:
    return await repo.classes_of_schools(session, actor.admin_school_ids)


async def students_of_class(
    session: AsyncSession, actor: Actor, class_id: int, statuses: tuple[str, ...] = CURRENT
) -> list[Student]:
    if class_id not in {c.id for c in await admin_classes(session, actor)}:
        return []
    return await repo.students(session, Student.class_id == class_id, statuses=statuses)


async def suspended_students(session: AsyncSession, actor: Actor) -> list[Student]:
    if not actor.admin_school_ids:
        return []
    return await repo.students(
        session, Student.school_id.in_(sorted(actor.admin_school_ids)), statuses=(StudentStatus.SUSPENDED,)
    )


async def arrivals(session: AsyncSession, actor: Actor) -> list[Student]:
    return await repo.arrivals(session, actor.admin_school_ids)


async def pending_files(session: AsyncSession, actor: Actor) -> list[tuple[StudentStatusChange, str]]:
    return await repo.pending_files(session, actor.admin_school_ids)


async def has_open_dropout_case(session: AsyncSession, student_id: int) -> bool:
    return await repo.open_case_of(session, student_id) is not None


@dataclass(frozen=True)
class Destination:
    school_id: int
    name: str


async def destinations(session: AsyncSession, actor: Actor, name: str) -> list[Destination]:
    """Schools in the system with exactly this name (other than the admin's own)."""
    found = await repo.schools_named(session, name.strip())
    return [Destination(s.id, s.name) for s in found if s.id not in actor.admin_school_ids]


# ---------------------------------------------------------------------- steps


async def _close_dropout_case(
    session: AsyncSession, clock: Clock, actor: Actor, student: Student, day: date
) -> int | None:
    case = await repo.open_case_of(session, student.id)
    if case is None:
        return None
    try:
        await dropout.close_case(
            session, clock, actor, case.id, outcome=DropoutOutcome.TRANSFERRED.value, on=day
        )
    except dropout.DropoutError as exc:
        if exc.key != "dropout-date-before-open":
            raise StatusError("status-not-allowed") from exc
        # Transferred before the case was opened (recorded late): the case ends today.
        await dropout.close_case(session, clock, actor, case.id, outcome=DropoutOutcome.TRANSFERRED.value)
    assert case.stage == DropoutStage.CLOSED
    return case.id


async def transfer_out(
    session: AsyncSession,
    clock: Clock,
    translator: Translator,
    actor: Actor,
    student_id: int,
    *,
    destination: str,
    destination_school_id: int | None = None,
    file_pending: bool = False,
    on: date | None = None,
) -> StudentStatusChange:
    student = await _student(session, actor, student_id, CURRENT)
    name = check_text(destination, limit=100)
    target = None
    if destination_school_id is not None:
        target = await repo.school(session, destination_school_id)
        if target is None or target.id == student.school_id:
            raise StatusError("status-not-allowed")
        name = target.name
    elif name in (await repo.school_names(session, [student.school_id])).values():
        raise StatusError("status-same-school")
    day = await _day(session, clock, student.school_id, on)
    await _close_dropout_case(session, clock, actor, student, day)
    change = _record(
        session, clock, actor, student, ChangeKind.TRANSFER_OUT, StudentStatus.TRANSFERRED_OUT, day,
        other_school=name, other_school_id=target.id if target else None, file_pending=file_pending,
    )
    from_school = student.school_id
    if target is not None:
        # The same row moves: attendance, cases, guardians and this history go with it.
        student.school_id = target.id
        student.class_id = None
        student.status = StudentStatus.ENROLLED
    else:
        student.status = StudentStatus.TRANSFERRED_OUT
    student.updated_at = clock.now()
    await session.flush()
    if target is not None:
        await _tell_receiving_school(session, clock, translator, student, change, from_school, target.id)
    log.info("student %s transferred out of school %s (in system: %s)", student.id, from_school, target is not None)
    return change


async def _tell_receiving_school(
    session: AsyncSession, clock: Clock, translator: Translator, student: Student,
    change: StudentStatusChange, from_school: int, to_school: int,
) -> int:
    names = await repo.school_names(session, [from_school])
    target = await repo.school(session, to_school)
    messages = []
    for person in await repo.school_admins(session, to_school):
        if person.chat_id is None:
            continue
        lang = translator.normalize(person.language)
        messages.append(
            OutgoingMessage(
                dedup_key=f"status-arrival:{change.id}:to:{person.id}",
                chat_id=person.chat_id,
                text=translator.get(
                    "status-arrival-notice", lang, name=student.name, school=names.get(from_school, ""),
                ),
                kind="status-arrival",
                priority=Priority.NORMAL,
                person_id=person.id,
                school_id=to_school,
                timezone=target.timezone if target else None,
            )
        )
    return await enqueue(session, clock, messages)


async def place_arrival(
    session: AsyncSession, clock: Clock, actor: Actor, student_id: int, class_id: int, *,
    file_pending: bool = False, on: date | None = None,
) -> StudentStatusChange:
    """转入 of a student the sending school moved here through the system."""
    student = await _student(session, actor, student_id, (StudentStatus.ENROLLED,))
    if student.class_id is not None:
        raise StatusError("status-wrong-state")
    school_class = await _class(session, actor, class_id)
    if school_class.school_id != student.school_id:
        raise StatusError("status-not-allowed")
    day = await _day(session, clock, student.school_id, on)
    came = [
        c for c in await repo.status_changes(session, student.id, None, None)
        if c.kind == ChangeKind.TRANSFER_OUT and c.other_school_id == student.school_id
    ]
    sender = came[-1] if came else None
    names = await repo.school_names(session, [sender.school_id] if sender and sender.school_id else [])
    student.class_id = school_class.id
    change = _record(
        session, clock, actor, student, ChangeKind.TRANSFER_IN, StudentStatus.ENROLLED, day,
        other_school=names.get(sender.school_id or 0) if sender else None,
        other_school_id=sender.school_id if sender else None, file_pending=file_pending,
    )
    change.from_status = StudentStatus.TRANSFERRED_OUT
    student.updated_at = clock.now()
    await session.flush()
    return change


async def transfer_in_new(
    session: AsyncSession, clock: Clock, actor: Actor, class_id: int, *,
    name: str, student_number: str, from_school: str, file_pending: bool = False, on: date | None = None,
) -> Student:
    """转入 from a school outside the system: a new student on this school's books."""
    school_class = await _class(session, actor, class_id)
    name = check_text(name, limit=100)
    number = check_text(student_number, limit=MAX_NUMBER).replace(" ", "").upper()
    other = check_text(from_school, limit=100)
    existing = await repo.student_by_number(session, number)
    if existing is not None:
        # Whose child it is is not told: the sending school records the transfer out.
        raise StatusError(
            "status-number-here" if existing.school_id == school_class.school_id else "status-number-in-system"
        )
    day = await _day(session, clock, school_class.school_id, on)
    student = Student(
        school_id=school_class.school_id, class_id=school_class.id, name=name, student_number=number,
        status=StudentStatus.ENROLLED, created_at=clock.now(),
    )
    repo.add(session, student)
    await session.flush()
    change = _record(
        session, clock, actor, student, ChangeKind.TRANSFER_IN, StudentStatus.ENROLLED, day,
        other_school=other, file_pending=file_pending,
    )
    change.from_status = None
    await session.flush()
    return student


async def suspend(
    session: AsyncSession, clock: Clock, actor: Actor, student_id: int, *,
    reason: str, proof_file_id: str | None = None, on: date | None = None,
) -> StudentStatusChange:
    student = await _student(session, actor, student_id, (StudentStatus.ENROLLED,))
    text = check_text(reason)
    day = await _day(session, clock, student.school_id, on)
    change = _record(
        session, clock, actor, student, ChangeKind.SUSPENSION, StudentStatus.SUSPENDED, day,
        reason=text, proof_file_id=proof_file_id,
    )
    student.status = StudentStatus.SUSPENDED
    student.updated_at = clock.now()
    await session.flush()
    return change


async def resume(
    session: AsyncSession, clock: Clock, actor: Actor, student_id: int, *, on: date | None = None
) -> StudentStatusChange:
    student = await _student(session, actor, student_id, (StudentStatus.SUSPENDED,))
    day = await _day(session, clock, student.school_id, on)
    change = _record(session, clock, actor, student, ChangeKind.RESUMPTION, StudentStatus.ENROLLED, day)
    student.status = StudentStatus.ENROLLED
    student.updated_at = clock.now()
    await session.flush()
    return change


async def graduate_class(
    session: AsyncSession, clock: Clock, actor: Actor, class_id: int, *, on: date | None = None
) -> int:
    """The whole class graduates: every current student, one history row each."""
    school_class = await _class(session, actor, class_id)
    students = await repo.students(session, and_(Student.class_id == school_class.id), statuses=CURRENT, limit=10_000)
    if not students:
        raise StatusError("status-class-empty")
    day = await _day(session, clock, school_class.school_id, on)
    for student in students:
        _record(session, clock, actor, student, ChangeKind.GRADUATION, StudentStatus.GRADUATED, day)
        student.status = StudentStatus.GRADUATED
        student.updated_at = clock.now()
    await session.flush()
    return len(students)


async def clear_file(session: AsyncSession, clock: Clock, actor: Actor, change_id: int) -> StudentStatusChange:
    change = await repo.status_change(session, change_id)
    if change is None or change.school_id not in actor.admin_school_ids:
        raise StatusError("status-not-allowed")
    if not change.file_pending or change.file_cleared_at is not None:
        raise StatusError("status-file-already-cleared")
    change.file_cleared_at = clock.now()
    change.file_cleared_by_id = actor.person_id
    await audit.record(session, clock, actor, audit.Action.CHANGE, audit.STATUS_FILE, student_id=change.student_id)
    await session.flush()
    return change


# ------------------------------------------------------------ pending files


FILES_CALLBACK = "stfiles"  # handlers.ledger: opens the admin's list of pending files
FILES_LISTED = 10  # names in the reminder; the list in the bot has them all


async def remind_pending_files(session: AsyncSession, clock: Clock, translator: Translator) -> int:
    """Weekly, to each school's admins while any transfer's file has not come: who, since
    when, and a button to the list where a tap marks one received. Once per school,
    admin and ISO week (the dedup key), however often it runs. Returns messages queued."""
    queued = 0
    for school_id in await repo.schools_with_pending_files(session):
        school = await repo.school(session, school_id)
        if school is None:
            continue
        today = local_today(clock, ZoneInfo(school.timezone))
        year, week, _ = today.isocalendar()
        pending = await repo.pending_files(session, [school_id])
        for person in await repo.school_admins(session, school_id):
            if person.chat_id is None:
                continue
            lang = translator.normalize(person.language)
            lines = [
                translator.get(
                    "status-file-item", lang, name=name, kind=translator.get(f"status-kind-{change.kind}", lang),
                    date=change.effective_on.isoformat(),
                )
                for change, name in pending[:FILES_LISTED]
            ]
            if len(pending) > FILES_LISTED:
                lines.append(translator.get("status-files-reminder-more", lang, count=len(pending) - FILES_LISTED))
            queued += await enqueue(
                session, clock,
                [
                    OutgoingMessage(
                        dedup_key=f"status-files:{school_id}:{year}-W{week:02d}:to:{person.id}",
                        chat_id=person.chat_id,
                        text=translator.get("status-files-reminder", lang, count=len(pending),
                                            names="\n".join(lines)),
                        kind="status-files",
                        priority=Priority.NORMAL,
                        buttons=((Button(translator.get("status-button-open-files", lang),
                                         callback_data=FILES_CALLBACK),),),
                        person_id=person.id,
                        school_id=school_id,
                        timezone=school.timezone,
                    )
                ],
            )
    return queued


__all__ = [
    "FILES_CALLBACK", "remind_pending_files",
    "ChangeKind", "Destination", "StatusError", "admin_classes", "arrivals", "clear_file", "destinations",
    "graduate_class", "has_open_dropout_case", "may_manage", "pending_files", "place_arrival", "resume", "students_of_class", "suspend",
    "suspended_students", "transfer_in_new", "transfer_out",
]
