"""Queries of the start-of-term census (services/census.py holds the rules)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    CensusChange,
    CensusEntry,
    OutboxMessage,
    Person,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
    StudentStatusChange,
    Term,
)
from db.repositories.people import school_admins  # noqa: F401  (shared; callers use repo.<name>)

CURRENT = ("enrolled", "suspended")


async def schools(session: AsyncSession) -> list[School]:
    return list(await session.scalars(select(School).order_by(School.id)))


async def school(session: AsyncSession, school_id: int) -> School | None:
    return await session.get(School, school_id)


async def started_term(session: AsyncSession, school_id: int, today: date) -> Term | None:
    """The school's latest term that has begun by `today`."""
    return await session.scalar(
        select(Term)
        .where(Term.school_id == school_id, Term.starts_on <= today)
        .order_by(Term.starts_on.desc())
        .limit(1)
    )


async def term(session: AsyncSession, term_id: int) -> Term | None:
    return await session.get(Term, term_id)


async def get_class(session: AsyncSession, class_id: int) -> SchoolClass | None:
    return await session.get(SchoolClass, class_id)


async def classes_where(session: AsyncSession, *where: object) -> list[SchoolClass]:
    return list(
        await session.scalars(
            select(SchoolClass).where(*where).order_by(SchoolClass.school_id, SchoolClass.grade, SchoolClass.name)  # type: ignore[arg-type]
        )
    )


@dataclass(frozen=True)
class HeadTeacher:
    class_id: int
    person_id: int
    chat_id: int | None
    language: str | None


async def head_teachers(session: AsyncSession, school_id: int) -> list[HeadTeacher]:
    rows = await session.execute(
        select(SchoolClass.id, Person.id, Person.chat_id, Person.language)
        .join(Staff, Staff.id == SchoolClass.head_teacher_id)
        .join(Person, Person.id == Staff.person_id)
        .where(SchoolClass.school_id == school_id, Staff.active.is_(True), Staff.is_head_teacher.is_(True))
        .order_by(SchoolClass.grade, SchoolClass.name)
    )
    return [HeadTeacher(*row) for row in rows.all()]


async def head_teacher_names(session: AsyncSession, class_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(class_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(SchoolClass.id, Person.name)
        .join(Staff, Staff.id == SchoolClass.head_teacher_id)
        .join(Person, Person.id == Staff.person_id)
        .where(SchoolClass.id.in_(ids))
    )
    return {class_id: name for class_id, name in rows.all()}




def _has_entry(term_id: int):  # type: ignore[no-untyped-def]
    return exists().where(CensusEntry.term_id == term_id, CensusEntry.student_id == Student.id)


async def census_students(session: AsyncSession, class_ids: Iterable[int], term_id: int) -> list[Student]:
    """Current students of the classes who are left-behind or already have an entry this term."""
    ids = sorted(set(class_ids))
    if not ids:
        return []
    return list(
        await session.scalars(
            select(Student)
            .where(
                Student.class_id.in_(ids), Student.status.in_(CURRENT),
                or_(Student.is_left_behind.is_(True), _has_entry(term_id)),
            )
            .order_by(Student.class_id, Student.name, Student.id)
        )
    )


async def other_students(session: AsyncSession, class_id: int, term_id: int) -> list[Student]:
    """Current students of the class not in the census list (not left-behind, no entry)."""
    return list(
        await session.scalars(
            select(Student)
            .where(
                Student.class_id == class_id, Student.status.in_(CURRENT),
                Student.is_left_behind.is_(False), ~_has_entry(term_id),
            )
            .order_by(Student.name, Student.id)
        )
    )


async def entries(session: AsyncSession, term_id: int, student_ids: Iterable[int]) -> dict[int, CensusEntry]:
    ids = sorted(set(student_ids))
    if not ids:
        return {}
    found = await session.scalars(
        select(CensusEntry).where(CensusEntry.term_id == term_id, CensusEntry.student_id.in_(ids))
    )
    return {e.student_id: e for e in found}


async def term_has_entries(session: AsyncSession, term_id: int) -> bool:
    return (await session.scalar(select(CensusEntry.id).where(CensusEntry.term_id == term_id).limit(1))) is not None


async def changes_of(session: AsyncSession, entry_ids: Iterable[int]) -> list[CensusChange]:
    ids = sorted(set(entry_ids))
    if not ids:
        return []
    return list(
        await session.scalars(select(CensusChange).where(CensusChange.entry_id.in_(ids)).order_by(CensusChange.id))
    )


@dataclass(frozen=True)
class ChangeRow:
    change: CensusChange
    student_name: str
    student_number: str
    class_id: int | None
    recorded_by: str
    guardian_name: str | None


async def term_changes(session: AsyncSession, term_id: int, school_id: int) -> list[ChangeRow]:
    guardian = Person.__table__.alias("guardian")
    recorder = Person.__table__.alias("recorder")
    rows = await session.execute(
        select(CensusChange, Student.name, Student.student_number, CensusEntry.class_id, recorder.c.name,
               guardian.c.name)
        .join(CensusEntry, CensusEntry.id == CensusChange.entry_id)
        .join(Student, Student.id == CensusChange.student_id)
        .join(recorder, recorder.c.id == CensusChange.recorded_by_id)
        .outerjoin(guardian, guardian.c.id == CensusChange.guardian_person_id)
        .where(CensusEntry.term_id == term_id, CensusEntry.school_id == school_id)
        .order_by(CensusChange.id)
    )
    return [ChangeRow(*row) for row in rows.all()]


async def transfers_between(
    session: AsyncSession, school_id: int, since: date, until: date
) -> list[tuple[StudentStatusChange, Student]]:
    rows = await session.execute(
        select(StudentStatusChange, Student)
        .join(Student, Student.id == StudentStatusChange.student_id)
        .where(
            StudentStatusChange.kind.in_(("transfer_in", "transfer_out")),
            StudentStatusChange.school_id == school_id,
            and_(StudentStatusChange.effective_on >= since, StudentStatusChange.effective_on <= until),
        )
        .order_by(StudentStatusChange.effective_on, StudentStatusChange.id)
    )
    return [(c, s) for c, s in rows.all()]


async def guardian_history(session: AsyncSession, student_id: int) -> list[tuple[StudentGuardian, Person]]:
    rows = await session.execute(
        select(StudentGuardian, Person)
        .join(Person, Person.id == StudentGuardian.person_id)
        .where(StudentGuardian.student_id == student_id)
        .order_by(StudentGuardian.id)
    )
    return [(link, person) for link, person in rows.all()]


async def person_by_phone(session: AsyncSession, phone: str) -> Person | None:
    return await session.scalar(select(Person).where(Person.phone == phone))


async def key_exists(session: AsyncSession, key_like: str) -> bool:
    found = await session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedup_key.like(key_like)).limit(1))
    return found is not None


async def queued_at(session: AsyncSession, key: str) -> OutboxMessage | None:
    return await session.scalar(select(OutboxMessage).where(OutboxMessage.dedup_key == key))


def add(session: AsyncSession, *objects: object) -> None:
    session.add_all(objects)
