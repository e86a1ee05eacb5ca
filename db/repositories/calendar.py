"""Terms and calendar exceptions of a school."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import CalendarDay, Term


async def terms_of(session: AsyncSession, school_id: int) -> list[Term]:
    return list(
        await session.scalars(select(Term).where(Term.school_id == school_id).order_by(Term.starts_on))
    )


async def exceptions_of(
    session: AsyncSession, school_id: int, start: date | None = None, end: date | None = None
) -> list[CalendarDay]:
    query = select(CalendarDay).where(CalendarDay.school_id == school_id)
    if start is not None:
        query = query.where(CalendarDay.day >= start)
    if end is not None:
        query = query.where(CalendarDay.day <= end)
    return list(await session.scalars(query.order_by(CalendarDay.day)))
