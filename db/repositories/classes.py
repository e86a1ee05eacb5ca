"""Classes by school and by head teacher: the two lookups every feature needs (the
attendance sheet, dropout cases, the ledger, reports), in one place and one order."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import SchoolClass

_ORDER = (SchoolClass.school_id, SchoolClass.grade, SchoolClass.name, SchoolClass.id)


async def classes_of_schools(session: AsyncSession, school_ids: Iterable[int]) -> list[SchoolClass]:
    ids = sorted(set(school_ids))
    if not ids:
        return []
    return list(await session.scalars(select(SchoolClass).where(SchoolClass.school_id.in_(ids)).order_by(*_ORDER)))


async def classes_headed_by(session: AsyncSession, staff_ids: Iterable[int]) -> list[SchoolClass]:
    ids = sorted(set(staff_ids))
    if not ids:
        return []
    return list(
        await session.scalars(select(SchoolClass).where(SchoolClass.head_teacher_id.in_(ids)).order_by(*_ORDER))
    )
