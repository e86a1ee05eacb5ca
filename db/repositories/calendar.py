"""Terms and calendar exceptions of a school."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import CalendarDay, School, Term


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


async def term(session: AsyncSession, term_id: int) -> Term | None:
    return await session.get(Term, term_id)


async def delete_term(session: AsyncSession, term: Term) -> None:
    await session.delete(term)
    await session.flush()


async def delete_day(session: AsyncSession, day: CalendarDay) -> None:
    await session.delete(day)
    await session.flush()


async def schools_by_ids(session: AsyncSession, school_ids: frozenset[int]) -> list[School]:
    if not school_ids:
        return []
    return list(await session.scalars(select(School).where(School.id.in_(school_ids)).order_by(School.name)))
