"""Queries behind a school or class announcement: who may be addressed, who receives it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Campaign,
    OutboxMessage,
    Person,
    School,
    SchoolClass,
    Student,
    StudentGuardian,
    StudentStatus,
)


@dataclass(frozen=True)
class GuardianRow:
    person_id: int
    chat_id: int | None
    language: str | None


async def schools(session: AsyncSession, school_ids: Iterable[int]) -> list[School]:
    ids = sorted(set(school_ids))
    if not ids:
        return []
    return list((await session.scalars(select(School).where(School.id.in_(ids)).order_by(School.id))).all())


async def classes_headed_by(
    session: AsyncSession, staff_ids: Iterable[int]
) -> list[tuple[SchoolClass, School]]:
    ids = sorted(set(staff_ids))
    if not ids:
        return []
    rows = await session.execute(
        select(SchoolClass, School)
        .join(School, School.id == SchoolClass.school_id)
        .where(SchoolClass.head_teacher_id.in_(ids))
        .order_by(SchoolClass.school_id, SchoolClass.grade, SchoolClass.name, SchoolClass.id)
    )
    return [(c, s) for c, s in rows.all()]


async def current_guardians(
    session: AsyncSession, school_id: int, class_id: int | None = None
) -> list[GuardianRow]:
    """Each current guardian of an enrolled student of the school (or of one of its
    classes) once, however many of their children study there."""
    query = (
        select(Person.id, Person.chat_id, Person.language)
        .join(StudentGuardian, StudentGuardian.person_id == Person.id)
        .join(Student, Student.id == StudentGuardian.student_id)
        .where(
            StudentGuardian.ended_at.is_(None),
            Student.status == StudentStatus.ENROLLED,
            Student.school_id == school_id,
        )
        .distinct()
        .order_by(Person.id)
    )
    if class_id is not None:
        query = query.where(Student.class_id == class_id)
    rows = await session.execute(query)
    return [GuardianRow(person_id, chat_id, language) for person_id, chat_id, language in rows.all()]


async def campaign_with_dedup_prefix(session: AsyncSession, prefix: str) -> Campaign | None:
    """The campaign whose outbox rows carry dedup keys starting with `prefix`, if any."""
    campaign_id = await session.scalar(
        select(OutboxMessage.campaign_id)
        .where(OutboxMessage.dedup_key.startswith(prefix, autoescape=True))
        .limit(1)
    )
    if campaign_id is None:
        return None
    return await session.get(Campaign, campaign_id)
