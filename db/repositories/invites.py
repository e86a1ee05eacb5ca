"""Invite rows. The raw token never reaches the database, only its SHA-256."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Invite


async def add(session: AsyncSession, invite: Invite) -> Invite:
    session.add(invite)
    await session.flush()
    return invite


async def by_hash(session: AsyncSession, token_hash: str) -> Invite | None:
    return await session.scalar(select(Invite).where(Invite.token_hash == token_hash))


async def by_id(session: AsyncSession, invite_id: int) -> Invite | None:
    return await session.get(Invite, invite_id)


async def claim(session: AsyncSession, token_hash: str, now: datetime) -> bool:
    """Marks a live invite used. Exactly one of two simultaneous taps wins: the row is
    changed only while `used_at` is still empty, and the database serialises the writes."""
    result = await session.execute(
        update(Invite)
        .where(
            Invite.token_hash == token_hash,
            Invite.used_at.is_(None),
            Invite.revoked_at.is_(None),
            Invite.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


async def set_used_by(session: AsyncSession, invite_id: int, person_id: int) -> None:
    await session.execute(
        update(Invite)
        .where(Invite.id == invite_id)
        .values(used_by_id=person_id)
        .execution_options(synchronize_session=False)
    )


async def for_school(session: AsyncSession, school_id: int) -> list[Invite]:
    return list(
        await session.scalars(
            select(Invite).where(Invite.school_id == school_id).order_by(Invite.id)
        )
    )


async def for_county(session: AsyncSession, county_id: int) -> list[Invite]:
    return list(
        await session.scalars(
            select(Invite).where(Invite.county_id == county_id).order_by(Invite.id)
        )
    )
