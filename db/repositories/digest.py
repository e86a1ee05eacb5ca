"""Queries for the weekly digest (services/digest.py): who gets it, who opted out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import DigestOptOut, Person, School, Staff


@dataclass(frozen=True)
class Recipient:
    person_id: int
    chat_id: int
    language: str | None
    staff_id: int
    school_id: int
    is_admin: bool
    is_head_teacher: bool


async def schools(session: AsyncSession) -> list[School]:
    return list(await session.scalars(select(School).order_by(School.id)))


async def recipients(session: AsyncSession, school_id: int) -> list[Recipient]:
    """Active head teachers and admins of the school who joined the bot and did not opt out."""
    opted_out = select(DigestOptOut.person_id)
    rows = await session.execute(
        select(Person.id, Person.chat_id, Person.language, Staff.id, Staff.school_id, Staff.is_school_admin,
               Staff.is_head_teacher)
        .join(Staff, Staff.person_id == Person.id)
        .where(
            Staff.school_id == school_id, Staff.active.is_(True),
            (Staff.is_school_admin.is_(True)) | (Staff.is_head_teacher.is_(True)),
            Person.chat_id.is_not(None), Person.id.not_in(opted_out),
        )
        .order_by(Person.id)
    )
    return [Recipient(*row) for row in rows.all()]


async def is_opted_out(session: AsyncSession, person_id: int) -> bool:
    return await session.get(DigestOptOut, person_id) is not None


async def set_opted_out(session: AsyncSession, person_id: int, opted_out: bool, now: datetime) -> bool:
    """Returns whether anything changed."""
    row = await session.get(DigestOptOut, person_id)
    if opted_out and row is None:
        session.add(DigestOptOut(person_id=person_id, opted_out_at=now))
        await session.flush()
        return True
    if not opted_out and row is not None:
        await session.execute(delete(DigestOptOut).where(DigestOptOut.person_id == person_id))
        return True
    return False


async def opted_out_among(session: AsyncSession, person_ids: Iterable[int]) -> set[int]:
    ids = sorted(set(person_ids))
    if not ids:
        return set()
    return set(await session.scalars(select(DigestOptOut.person_id).where(DigestOptOut.person_id.in_(ids))))
