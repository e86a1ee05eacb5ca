"""Queries for the guardian side of attendance: answers to the absence notice, the
no-answer escalation, and absences reported by a guardian before school."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AttendanceChange,
    AttendanceMark,
    AttendanceSheet,
    AttendanceStatus,
    Person,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
)
from db.repositories.people import is_current_guardian, school_admins  # noqa: F401  (shared; callers use repo.<name>)


@dataclass(frozen=True)
class StudentInfo:
    """What a message about one student needs: names, class, school and its timezone."""

    id: int
    name: str
    status: str
    school_id: int
    school_name: str
    timezone: str
    class_id: int | None
    grade: int | None
    class_name: str | None
    head_teacher_id: int | None  # Staff.id


@dataclass(frozen=True)
class GuardianContact:
    person_id: int
    name: str
    relation: str
    phone: str | None


async def mark_by_id(session: AsyncSession, mark_id: int) -> AttendanceMark | None:
    return await session.get(AttendanceMark, mark_id)


async def mark_of_day(session: AsyncSession, student_id: int, day: date) -> AttendanceMark | None:
    return await session.scalar(
        select(AttendanceMark).where(AttendanceMark.student_id == student_id, AttendanceMark.day == day)
    )


async def sheet_exists(session: AsyncSession, class_id: int | None, day: date) -> bool:
    if class_id is None:
        return False
    found = await session.scalar(
        select(AttendanceSheet.id).where(AttendanceSheet.class_id == class_id, AttendanceSheet.day == day)
    )
    return found is not None


async def student_info(session: AsyncSession, student_id: int) -> StudentInfo | None:
    row = (
        await session.execute(
            select(
                Student.id, Student.name, Student.status, Student.school_id, School.name,
                School.timezone, Student.class_id, SchoolClass.grade, SchoolClass.name,
                SchoolClass.head_teacher_id,
            )
            .join(School, School.id == Student.school_id)
            .outerjoin(SchoolClass, SchoolClass.id == Student.class_id)
            .where(Student.id == student_id)
        )
    ).first()
    return StudentInfo(*row) if row else None


async def students_info(session: AsyncSession, student_ids: frozenset[int] | set[int]) -> list[StudentInfo]:
    if not student_ids:
        return []
    rows = await session.execute(
        select(
            Student.id, Student.name, Student.status, Student.school_id, School.name,
            School.timezone, Student.class_id, SchoolClass.grade, SchoolClass.name,
            SchoolClass.head_teacher_id,
        )
        .join(School, School.id == Student.school_id)
        .outerjoin(SchoolClass, SchoolClass.id == Student.class_id)
        .where(Student.id.in_(sorted(student_ids)))
        .order_by(Student.name, Student.id)
    )
    return [StudentInfo(*row) for row in rows]




async def guardian_relation(session: AsyncSession, person_id: int, student_id: int) -> str | None:
    return await session.scalar(
        select(StudentGuardian.relation).where(
            StudentGuardian.person_id == person_id,
            StudentGuardian.student_id == student_id,
            StudentGuardian.ended_at.is_(None),
        ).limit(1)
    )


async def guardian_contacts(session: AsyncSession, student_id: int) -> list[GuardianContact]:
    rows = await session.execute(
        select(Person.id, Person.name, StudentGuardian.relation, Person.phone)
        .join(StudentGuardian, StudentGuardian.person_id == Person.id)
        .where(StudentGuardian.student_id == student_id, StudentGuardian.ended_at.is_(None))
        .order_by(StudentGuardian.id)
    )
    return [GuardianContact(*row) for row in rows]


async def head_teacher(session: AsyncSession, staff_id: int | None) -> Person | None:
    """The person holding this (active) head-teacher post."""
    if staff_id is None:
        return None
    return await session.scalar(
        select(Person)
        .join(Staff, Staff.person_id == Person.id)
        .where(Staff.id == staff_id, Staff.active.is_(True))
    )




async def person_name(session: AsyncSession, person_id: int | None) -> str | None:
    if person_id is None:
        return None
    return await session.scalar(select(Person.name).where(Person.id == person_id))


async def claim_answer(
    session: AsyncSession, mark_id: int, answer: str, person_id: int, at: datetime
) -> bool:
    """Stores the answer unless someone answered first (a double tap, a second guardian,
    two taps racing in different chats): True when this call stored it."""
    result = await session.execute(
        update(AttendanceMark)
        .where(AttendanceMark.id == mark_id, AttendanceMark.guardian_answer.is_(None))
        .values(guardian_answer=answer, answered_by_id=person_id, answered_at=at)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def claim_escalation(session: AsyncSession, mark_id: int, at: datetime, *, unanswered: bool) -> bool:
    """Sets escalated_at once; with `unanswered`, only while nobody has answered (an answer
    arriving in the same instant wins over the no-answer alert)."""
    condition = [AttendanceMark.id == mark_id, AttendanceMark.escalated_at.is_(None)]
    if unanswered:
        condition.append(AttendanceMark.guardian_answer.is_(None))
    result = await session.execute(
        update(AttendanceMark)
        .where(*condition)
        .values(escalated_at=at)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def waiting_for_answer(
    session: AsyncSession, sent_before: datetime, sent_after: datetime
) -> list[tuple[AttendanceMark, str]]:
    """Unexplained absences whose guardian notice went out in (sent_after, sent_before] and
    got no answer and no alert yet, with their school's timezone."""
    rows = await session.execute(
        select(AttendanceMark, School.timezone)
        .join(School, School.id == AttendanceMark.school_id)
        .where(
            AttendanceMark.notice_sent_at.is_not(None),
            AttendanceMark.notice_sent_at <= sent_before,
            AttendanceMark.notice_sent_at > sent_after,
            AttendanceMark.guardian_answer.is_(None),
            AttendanceMark.escalated_at.is_(None),
            AttendanceMark.status == AttendanceStatus.ABSENT,
        )
        .order_by(AttendanceMark.id)
    )
    return [(mark, tz) for mark, tz in rows.all()]


def add_mark(session: AsyncSession, mark: AttendanceMark) -> None:
    session.add(mark)


def add_change(session: AsyncSession, change: AttendanceChange) -> None:
    session.add(change)
