"""The update journal (received_updates). See bot/journal.py for what it is for."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ReceivedUpdate


async def record(session: AsyncSession, rows: Sequence[tuple[int, str]], now: datetime) -> int:
    """Journals (update_id, payload) pairs; an update_id already there is left as it is.
    Returns how many were new."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    values: list[dict[str, Any]] = [
        {"update_id": uid, "payload": payload, "received_at": now, "attempts": 0}
        for uid, payload in rows
    ]
    result = await session.execute(insert(ReceivedUpdate).values(values).on_conflict_do_nothing())
    return max(result.rowcount or 0, 0)  # type: ignore[attr-defined]


async def handled_ids(session: AsyncSession, update_ids: Sequence[int]) -> set[int]:
    if not update_ids:
        return set()
    rows = await session.scalars(
        select(ReceivedUpdate.update_id).where(
            ReceivedUpdate.update_id.in_(list(update_ids)), ReceivedUpdate.handled_at.is_not(None)
        )
    )
    return set(rows)


def claim_statement(update_id: int, now: datetime) -> Any:
    """Marks the update handled and forgets its payload, only if nobody has yet."""
    return (
        update(ReceivedUpdate)
        .where(ReceivedUpdate.update_id == update_id, ReceivedUpdate.handled_at.is_(None))
        .values(handled_at=now, payload=None)
        .execution_options(synchronize_session=False)
    )


async def claim(session: AsyncSession, update_id: int, now: datetime) -> bool:
    result: CursorResult[Any] = await session.execute(claim_statement(update_id, now))  # type: ignore[assignment]
    return result.rowcount == 1


async def unhandled(session: AsyncSession, limit: int = 500) -> list[ReceivedUpdate]:
    """Updates journaled but not handled, oldest first."""
    rows = await session.scalars(
        select(ReceivedUpdate)
        .where(ReceivedUpdate.handled_at.is_(None))
        .order_by(ReceivedUpdate.update_id)
        .limit(limit)
    )
    return list(rows)


async def add_attempt(session: AsyncSession, update_id: int) -> None:
    await session.execute(
        update(ReceivedUpdate)
        .where(ReceivedUpdate.update_id == update_id)
        .values(attempts=ReceivedUpdate.attempts + 1)
        .execution_options(synchronize_session=False)
    )


async def prune(session: AsyncSession, handled_before: datetime) -> int:
    """Forgets handled updates older than `handled_before` (long after Telegram would
    deliver them again). Unhandled rows are kept."""
    result: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        delete(ReceivedUpdate)
        .where(ReceivedUpdate.handled_at.is_not(None), ReceivedUpdate.handled_at < handled_before)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
