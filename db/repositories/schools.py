"""Counties, schools and classes looked up by the names people type."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import County, School, SchoolClass, Student, StudentStatus


async def county_by_name(session: AsyncSession, name: str) -> County | None:
    return await session.scalar(select(County).where(County.name == name))


async def get_or_create_county(session: AsyncSession, name: str, created_at: datetime) -> County:
    county = await county_by_name(session, name)
    if county is None:
        county = County(name=name, created_at=created_at)
        session.add(county)
        await session.flush()
    return county


async def schools_named(session: AsyncSession, name: str, county_id: int | None = None) -> list[School]:
    query = select(School).where(School.name == name)
    if county_id is not None:
        query = query.where(School.county_id == county_id)
    return list(await session.scalars(query.order_by(School.id)))


async def create_school(
    session: AsyncSession, name: str, county_id: int, created_at: datetime, timezone: str
) -> School:
    school = School(name=name, county_id=county_id, timezone=timezone, created_at=created_at)
    session.add(school)
    await session.flush()
    return school


async def get_or_create_class(
    session: AsyncSession, school_id: int, grade: int, name: str, created_at: datetime
) -> SchoolClass:
    found = await session.scalar(
        select(SchoolClass).where(
            SchoolClass.school_id == school_id, SchoolClass.grade == grade, SchoolClass.name == name
        )
    )
    if found is None:
        found = SchoolClass(school_id=school_id, grade=grade, name=name, created_at=created_at)
        session.add(found)
        await session.flush()
    return found


async def student_by_number(session: AsyncSession, student_number: str) -> Student | None:
    return await session.scalar(select(Student).where(Student.student_number == student_number))


@dataclass(frozen=True)
class StudentRow:
    student_id: int
    name: str
    grade: int | None
    class_name: str | None


async def students_where(
    session: AsyncSession, where: ColumnElement[bool], limit: int
) -> tuple[list[StudentRow], int]:
    """Enrolled students matching `where` (an access rule), the first `limit` and the total."""
    condition = (Student.status == StudentStatus.ENROLLED) & where
    total = await session.scalar(select(func.count(Student.id)).where(condition)) or 0
    rows = await session.execute(
        select(Student.id, Student.name, SchoolClass.grade, SchoolClass.name)
        .outerjoin(SchoolClass, SchoolClass.id == Student.class_id)
        .where(condition)
        .order_by(SchoolClass.grade, SchoolClass.name, Student.name, Student.id)
        .limit(limit)
    )
    return [StudentRow(*row) for row in rows], total


@dataclass(frozen=True)
class SchoolCount:
    school_id: int
    name: str
    students: int


async def schools_with_counts(session: AsyncSession, county_ids: frozenset[int]) -> list[SchoolCount]:
    """Schools of these counties with their enrolled-student counts (no child is named)."""
    if not county_ids:
        return []
    enrolled = (
        select(Student.school_id, func.count(Student.id).label("n"))
        .where(Student.status == StudentStatus.ENROLLED)
        .group_by(Student.school_id)
        .subquery()
    )
    rows = await session.execute(
        select(School.id, School.name, func.coalesce(enrolled.c.n, 0))
        .outerjoin(enrolled, enrolled.c.school_id == School.id)
        .where(School.county_id.in_(county_ids))
        .order_by(School.name)
    )
    return [SchoolCount(*row) for row in rows]
