"""Attendance sheets, marks and their change log; the classes and people around them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AttendanceChange,
    AttendanceMark,
    AttendanceSheet,
    Person,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
    StudentStatus,
)
from db.repositories.people import school_admins  # noqa: F401  (shared; callers use repo.<name>)


@dataclass(frozen=True)
class ClassInfo:
    id: int
    school_id: int
    grade: int
    name: str
    head_teacher_id: int | None
    school_name: str
    timezone: str


def _class_info_query():  # type: ignore[no-untyped-def]
    return select(
        SchoolClass.id, SchoolClass.school_id, SchoolClass.grade, SchoolClass.name,
        SchoolClass.head_teacher_id, School.name, School.timezone,
    ).join(School, School.id == SchoolClass.school_id)


async def class_info(session: AsyncSession, class_id: int) -> ClassInfo | None:
    row = (await session.execute(_class_info_query().where(SchoolClass.id == class_id))).first()
    return ClassInfo(*row) if row else None


async def classes_headed_by(session: AsyncSession, staff_ids: Iterable[int]) -> list[ClassInfo]:
    ids = list(staff_ids)
    if not ids:
        return []
    rows = await session.execute(
        _class_info_query()
        .where(SchoolClass.head_teacher_id.in_(ids))
        .order_by(SchoolClass.grade, SchoolClass.name, SchoolClass.id)
    )
    return [ClassInfo(*row) for row in rows]


async def classes_by_ids(session: AsyncSession, class_ids: Iterable[int]) -> list[ClassInfo]:
    ids = list(class_ids)
    if not ids:
        return []
    rows = await session.execute(
        _class_info_query()
        .where(SchoolClass.id.in_(ids))
        .order_by(SchoolClass.grade, SchoolClass.name, SchoolClass.id)
    )
    return [ClassInfo(*row) for row in rows]


@dataclass(frozen=True)
class RosterEntry:
    student_id: int
    name: str
    class_id: int | None


async def roster(session: AsyncSession, class_id: int) -> list[RosterEntry]:
    """Enrolled students of a class in roster order (the order the school's list had)."""
    rows = await session.execute(
        select(Student.id, Student.name, Student.class_id)
        .where(Student.class_id == class_id, Student.status == StudentStatus.ENROLLED)
        .order_by(Student.id)
    )
    return [RosterEntry(*row) for row in rows]


async def students_where(session: AsyncSession, where) -> list[RosterEntry]:  # type: ignore[no-untyped-def]
    rows = await session.execute(
        select(Student.id, Student.name, Student.class_id)
        .where(Student.status == StudentStatus.ENROLLED, where)
        .order_by(Student.class_id, Student.id)
    )
    return [RosterEntry(*row) for row in rows]


async def sheet(session: AsyncSession, class_id: int, day: date) -> AttendanceSheet | None:
    return await session.scalar(
        select(AttendanceSheet).where(AttendanceSheet.class_id == class_id, AttendanceSheet.day == day)
    )


async def sheets_of(session: AsyncSession, class_ids: Iterable[int], day: date) -> dict[int, AttendanceSheet]:
    ids = list(class_ids)
    if not ids:
        return {}
    rows = await session.scalars(
        select(AttendanceSheet).where(AttendanceSheet.class_id.in_(ids), AttendanceSheet.day == day)
    )
    return {s.class_id: s for s in rows}


async def marks_of(session: AsyncSession, student_ids: Sequence[int], day: date) -> dict[int, AttendanceMark]:
    """The day's marks of these students, by student (a guardian's report made before the
    sheet existed is among them)."""
    if not student_ids:
        return {}
    rows = await session.scalars(
        select(AttendanceMark).where(
            AttendanceMark.student_id.in_(list(student_ids)), AttendanceMark.day == day
        )
    )
    return {m.student_id: m for m in rows}


async def delete_mark(session: AsyncSession, mark: AttendanceMark) -> None:
    await session.delete(mark)


def add(session: AsyncSession, *objects: object) -> None:
    session.add_all(objects)


@dataclass(frozen=True)
class Recipient:
    person_id: int
    chat_id: int
    language: str | None
    name: str


async def current_guardians(
    session: AsyncSession, student_ids: Sequence[int]
) -> dict[int, list[Recipient]]:
    """Current guardians who can get a message (joined the bot), by student."""
    if not student_ids:
        return {}
    rows = await session.execute(
        select(StudentGuardian.student_id, Person.id, Person.chat_id, Person.language, Person.name)
        .join(Person, Person.id == StudentGuardian.person_id)
        .where(
            StudentGuardian.student_id.in_(list(student_ids)),
            StudentGuardian.ended_at.is_(None),
            Person.chat_id.is_not(None),
        )
        .order_by(StudentGuardian.student_id, Person.id)
    )
    found: dict[int, list[Recipient]] = {}
    for student_id, person_id, chat_id, language, name in rows:
        found.setdefault(student_id, []).append(Recipient(person_id, chat_id, language, name))
    return found


async def staff_person(session: AsyncSession, staff_id: int) -> Person | None:
    return await session.scalar(
        select(Person).join(Staff, Staff.person_id == Person.id).where(
            Staff.id == staff_id, Staff.active.is_(True)
        )
    )




async def all_schools(session: AsyncSession) -> list[School]:
    return list(await session.scalars(select(School).order_by(School.id)))


@dataclass(frozen=True)
class ClassOnDuty:
    """A class that owes a sheet: it has enrolled students."""

    id: int
    grade: int
    name: str
    head_teacher_id: int | None
    students: int


async def classes_with_students(session: AsyncSession, school_id: int) -> list[ClassOnDuty]:
    rows = await session.execute(
        select(
            SchoolClass.id, SchoolClass.grade, SchoolClass.name, SchoolClass.head_teacher_id,
            func.count(Student.id),
        )
        .join(Student, Student.class_id == SchoolClass.id)
        .where(SchoolClass.school_id == school_id, Student.status == StudentStatus.ENROLLED)
        .group_by(SchoolClass.id, SchoolClass.grade, SchoolClass.name, SchoolClass.head_teacher_id)
        .order_by(SchoolClass.grade, SchoolClass.name, SchoolClass.id)
    )
    return [ClassOnDuty(*row) for row in rows]


async def changes_of(session: AsyncSession, student_id: int, day: date) -> list[AttendanceChange]:
    return list(
        await session.scalars(
            select(AttendanceChange)
            .where(AttendanceChange.student_id == student_id, AttendanceChange.day == day)
            .order_by(AttendanceChange.id)
        )
    )
