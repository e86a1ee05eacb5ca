"""Queries for the monthly child–parent contact and the teacher–parent contact log."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AwayParent,
    MonthlyParentContact,
    OutboxMessage,
    Person,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
    StudentMentor,
    StudentStatus,
    TeacherParentContact,
    Term,
)


@dataclass(frozen=True)
class ChildRow:
    """A left-behind, enrolled student with what every screen and message shows of them."""

    id: int
    name: str
    school_id: int
    class_id: int | None
    grade: int | None
    class_name: str | None
    head_teacher_id: int | None
    timezone: str


def _child_query():  # type: ignore[no-untyped-def]
    return (
        select(
            Student.id, Student.name, Student.school_id, Student.class_id, SchoolClass.grade,
            SchoolClass.name, SchoolClass.head_teacher_id, School.timezone,
        )
        .join(School, School.id == Student.school_id)
        .outerjoin(SchoolClass, SchoolClass.id == Student.class_id)
        .where(Student.status == StudentStatus.ENROLLED, Student.is_left_behind.is_(True))
    )


def _order(query):  # type: ignore[no-untyped-def]
    return query.order_by(SchoolClass.grade, SchoolClass.name, Student.class_id, Student.id)


async def children_where(session: AsyncSession, where: ColumnElement[bool]) -> list[ChildRow]:
    rows = await session.execute(_order(_child_query().where(where)))
    return [ChildRow(*row) for row in rows]


def family_of(person_id: int) -> ColumnElement[bool]:
    """Students this person is a current guardian of, or a registered away parent of."""
    return or_(
        Student.id.in_(
            select(StudentGuardian.student_id).where(
                StudentGuardian.person_id == person_id, StudentGuardian.ended_at.is_(None)
            )
        ),
        Student.id.in_(select(AwayParent.student_id).where(AwayParent.person_id == person_id)),
    )


async def schools(session: AsyncSession) -> list[School]:
    return list(await session.scalars(select(School).order_by(School.id)))


async def school_children(session: AsyncSession, school_id: int) -> list[ChildRow]:
    return await children_where(session, Student.school_id == school_id)


# ---------------------------------------------------------------------- monthly


@dataclass(frozen=True)
class MonthlyRow:
    contact: MonthlyParentContact
    confirmed_by: str


async def monthly_of(session: AsyncSession, student_ids: Iterable[int], month: date) -> dict[int, MonthlyRow]:
    ids = list(student_ids)
    if not ids:
        return {}
    rows = await session.execute(
        select(MonthlyParentContact, Person.name)
        .join(Person, Person.id == MonthlyParentContact.confirmed_by_id)
        .where(MonthlyParentContact.student_id.in_(ids), MonthlyParentContact.month == month)
    )
    return {c.student_id: MonthlyRow(c, name) for c, name in rows}


async def monthly_counts(session: AsyncSession, student_ids: Iterable[int], months: Iterable[date]) -> dict[int, int]:
    """Student id -> of these months, how many have a confirmed contact (monthly_of for
    each month, counted, in one query). Students with none are left out."""
    ids = list(student_ids)
    wanted = sorted(set(months))
    if not ids or not wanted:
        return {}
    rows = await session.execute(
        select(MonthlyParentContact.student_id, func.count(MonthlyParentContact.id))
        .join(Person, Person.id == MonthlyParentContact.confirmed_by_id)
        .where(MonthlyParentContact.student_id.in_(ids), MonthlyParentContact.month.in_(wanted))
        .group_by(MonthlyParentContact.student_id)
    )
    return {student_id: int(count) for student_id, count in rows.all()}


async def month_was_live(session: AsyncSession, school_id: int, month: date, reminder_key_like: str) -> bool:
    """Did the school take part that month: a confirmation, or a reminder queued?"""
    confirmed = await session.scalar(
        select(MonthlyParentContact.id)
        .where(MonthlyParentContact.school_id == school_id, MonthlyParentContact.month == month)
        .limit(1)
    )
    if confirmed is not None:
        return True
    reminded = await session.scalar(
        select(OutboxMessage.id)
        .where(OutboxMessage.school_id == school_id, OutboxMessage.dedup_key.like(reminder_key_like))
        .limit(1)
    )
    return reminded is not None


async def queued_keys(session: AsyncSession, school_id: int, key_like: str) -> set[str]:
    """Dedup keys already in the outbox, so a re-run renders nothing it would not insert."""
    rows = await session.scalars(
        select(OutboxMessage.dedup_key).where(
            OutboxMessage.school_id == school_id, OutboxMessage.dedup_key.like(key_like)
        )
    )
    return set(rows)


@dataclass(frozen=True)
class FamilyContact:
    """Someone who may be messaged about a child: a current guardian or a linked away parent."""

    student_id: int
    person_id: int
    name: str
    phone: str | None
    chat_id: int | None
    language: str | None
    unreachable_since: datetime | None
    is_guardian: bool

    @property
    def reachable(self) -> bool:
        return self.chat_id is not None and self.unreachable_since is None


async def family_contacts(session: AsyncSession, student_ids: Iterable[int]) -> dict[int, list[FamilyContact]]:
    ids = list(student_ids)
    if not ids:
        return {}
    found: dict[int, list[FamilyContact]] = {}
    columns = (Person.id, Person.name, Person.phone, Person.chat_id, Person.language, Person.unreachable_since)
    guardians = await session.execute(
        select(StudentGuardian.student_id, *columns)
        .join(Person, Person.id == StudentGuardian.person_id)
        .where(StudentGuardian.student_id.in_(ids), StudentGuardian.ended_at.is_(None))
        .order_by(StudentGuardian.student_id, StudentGuardian.id)
    )
    for student_id, *person in guardians:
        found.setdefault(student_id, []).append(FamilyContact(student_id, *person, is_guardian=True))
    parents = await session.execute(
        select(AwayParent.student_id, *columns)
        .join(Person, Person.id == AwayParent.person_id)
        .where(AwayParent.student_id.in_(ids))
        .order_by(AwayParent.student_id, AwayParent.id)
    )
    for student_id, *person in parents:
        known = found.setdefault(student_id, [])
        if all(c.person_id != person[0] for c in known):
            known.append(FamilyContact(student_id, *person, is_guardian=False))
    return found


@dataclass(frozen=True)
class StaffContact:
    staff_id: int
    person_id: int
    name: str
    chat_id: int | None
    language: str | None


async def staff_people(session: AsyncSession, staff_ids: Iterable[int]) -> dict[int, StaffContact]:
    ids = list(set(staff_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(Staff.id, Person.id, Person.name, Person.chat_id, Person.language)
        .join(Person, Person.id == Staff.person_id)
        .where(Staff.id.in_(ids), Staff.active.is_(True))
    )
    return {row[0]: StaffContact(*row) for row in rows}


async def current_mentors(session: AsyncSession, student_ids: Iterable[int]) -> dict[int, list[int]]:
    """Student id -> staff ids of their current mentors (帮扶教师)."""
    ids = list(student_ids)
    if not ids:
        return {}
    rows = await session.execute(
        select(StudentMentor.student_id, StudentMentor.staff_id)
        .where(StudentMentor.student_id.in_(ids), StudentMentor.ended_at.is_(None))
        .order_by(StudentMentor.id)
    )
    found: dict[int, list[int]] = {}
    for student_id, staff_id in rows:
        found.setdefault(student_id, []).append(staff_id)
    return found


# ---------------------------------------------------------------- teacher–parent


async def term_counts(
    session: AsyncSession, student_ids: Iterable[int], start: date, end: date
) -> dict[int, int]:
    ids = list(student_ids)
    if not ids:
        return {}
    rows = await session.execute(
        select(TeacherParentContact.student_id, func.count())
        .where(
            TeacherParentContact.student_id.in_(ids),
            TeacherParentContact.contacted_on >= start,
            TeacherParentContact.contacted_on <= end,
        )
        .group_by(TeacherParentContact.student_id)
    )
    return {student_id: count for student_id, count in rows.all()}


async def terms_of(session: AsyncSession, school_id: int) -> list[Term]:
    return list(await session.scalars(select(Term).where(Term.school_id == school_id).order_by(Term.starts_on)))


@dataclass(frozen=True)
class ClassRow:
    id: int
    school_id: int
    grade: int
    name: str
    head_teacher_id: int | None


async def classes_by_ids(session: AsyncSession, class_ids: Iterable[int]) -> list[ClassRow]:
    ids = list(set(class_ids))
    if not ids:
        return []
    rows = await session.execute(
        select(SchoolClass.id, SchoolClass.school_id, SchoolClass.grade, SchoolClass.name, SchoolClass.head_teacher_id)
        .where(SchoolClass.id.in_(ids))
        .order_by(SchoolClass.grade, SchoolClass.name, SchoolClass.id)
    )
    return [ClassRow(*row) for row in rows]


async def school_names(session: AsyncSession, school_ids: Iterable[int]) -> dict[int, str]:
    ids = list(set(school_ids))
    if not ids:
        return {}
    return dict((await session.execute(select(School.id, School.name).where(School.id.in_(ids)))).all())  # type: ignore[arg-type]


def add(session: AsyncSession, *objects: object) -> None:
    session.add_all(objects)
