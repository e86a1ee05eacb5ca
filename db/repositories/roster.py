"""Bulk look-ups for a roster import: everything the file touches, fetched in a few queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AwayParent,
    Base,
    County,
    Person,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
    StudentStatus,
)

CHUNK = 500
T = TypeVar("T")


def _chunks(values: Iterable[T]) -> list[list[T]]:
    items = list(dict.fromkeys(values))
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


async def students_by_numbers(session: AsyncSession, numbers: Iterable[str]) -> list[Student]:
    """Students with these numbers in any school (the caller checks whose they are)."""
    found: list[Student] = []
    for chunk in _chunks(numbers):
        found += (await session.scalars(select(Student).where(Student.student_number.in_(chunk)))).all()
    return found


async def enrolled_numbers(session: AsyncSession, school_id: int) -> set[str]:
    rows = await session.scalars(
        select(Student.student_number).where(
            Student.school_id == school_id, Student.status == StudentStatus.ENROLLED
        )
    )
    return set(rows)


async def classes_of_school(session: AsyncSession, school_id: int) -> list[SchoolClass]:
    return list(await session.scalars(select(SchoolClass).where(SchoolClass.school_id == school_id)))


async def people_by_phones(session: AsyncSession, phones: Iterable[str]) -> list[Person]:
    found: list[Person] = []
    for chunk in _chunks(phones):
        found += (await session.scalars(select(Person).where(Person.phone.in_(chunk)))).all()
    return found


async def people_by_ids(session: AsyncSession, ids: Iterable[int]) -> list[Person]:
    found: list[Person] = []
    for chunk in _chunks(ids):
        found += (await session.scalars(select(Person).where(Person.id.in_(chunk)))).all()
    return found


async def current_guardian_links(
    session: AsyncSession, student_ids: Sequence[int]
) -> list[StudentGuardian]:
    found: list[StudentGuardian] = []
    for chunk in _chunks(student_ids):
        found += (
            await session.scalars(
                select(StudentGuardian)
                .where(StudentGuardian.student_id.in_(chunk), StudentGuardian.ended_at.is_(None))
                .order_by(StudentGuardian.id)
            )
        ).all()
    return found


async def away_parents_of(session: AsyncSession, student_ids: Sequence[int]) -> list[AwayParent]:
    found: list[AwayParent] = []
    for chunk in _chunks(student_ids):
        found += (
            await session.scalars(select(AwayParent).where(AwayParent.student_id.in_(chunk)))
        ).all()
    return found


async def staff_of_school(session: AsyncSession, school_id: int) -> list[Staff]:
    return list(await session.scalars(select(Staff).where(Staff.school_id == school_id)))


async def staff_by_ids(session: AsyncSession, ids: Iterable[int]) -> list[Staff]:
    found: list[Staff] = []
    for chunk in _chunks(ids):
        found += (await session.scalars(select(Staff).where(Staff.id.in_(chunk)))).all()
    return found


async def first_county(session: AsyncSession) -> County | None:
    return await session.scalar(select(County).order_by(County.id).limit(1))


async def insert_rows(session: AsyncSession, model: type[Base], rows: list[dict[str, Any]]) -> None:
    """Many new rows in few statements (executemany); callers read back what they need ids of.
    The ORM's unit of work would insert them one by one on SQLite to learn each id."""
    for start in range(0, len(rows), CHUNK):
        await session.execute(insert(model), rows[start : start + CHUNK])
