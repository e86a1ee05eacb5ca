"""FSM and dialog state in the bot's own database (the embedded default).

A restart keeps every half-finished dialog. With several processes, Redis storage is
selected by settings instead (see bot/factory.py: create_storage).

While an update is handled, state is read and written through that update's own session
(DbSessionMiddleware opens it with `update_session_scope`), so the dialog's state and the
handler's writes commit or roll back together up to the handler's next Bot API call, where
CommitBeforeSpeaking commits them (bot/middlewares.py). A second connection would deadlock
on SQLite: while the update writes, its transaction holds the one write lock.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import FsmRecord


class _Scope:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.open = True
        # A task started inside the update copies the context variable but must not use
        # the update's session: an AsyncSession is not safe to share between tasks.
        self.task = asyncio.current_task()

    def usable(self) -> bool:
        return self.open and asyncio.current_task() is self.task


_update_scope: ContextVar[_Scope | None] = ContextVar("jiaxiao_update_session", default=None)


@contextmanager
def update_session_scope(session: AsyncSession) -> Iterator[None]:
    """Mark `session` as the current update's session for the storage. A task started
    inside the update copies the variable, so the scope is also closed explicitly: after
    the update, such a task falls back to a session of its own."""
    scope = _Scope(session)
    token = _update_scope.set(scope)
    try:
        yield
    finally:
        scope.open = False
        _update_scope.reset(token)


def current_update_session() -> AsyncSession | None:
    """The session of the update being handled in this task, if any (and still open)."""
    scope = _update_scope.get()
    return scope.session if scope is not None and scope.usable() else None


class SqlStorage(BaseStorage):
    def __init__(
        self,
        session_pool: async_sessionmaker[AsyncSession],
        key_builder: KeyBuilder | None = None,
    ) -> None:
        self.session_pool = session_pool
        # aiogram-dialog keeps one stack per "destiny"; the key must include it.
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)

    def _key(self, key: StorageKey) -> str:
        return self.key_builder.build(key)

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        """The update's session (its middleware commits), else one committed here."""
        scope = _update_scope.get()
        if scope is not None and scope.usable():
            yield scope.session
            await scope.session.flush()
            return
        async with self.session_pool() as session:
            yield session
            await session.commit()

    async def _load(self, key: str) -> FsmRecord | None:
        async with self._session() as session:
            return await session.get(FsmRecord, key)

    async def _save(self, key: str, *, state: Any = ..., data: Any = ...) -> None:
        async with self._session() as session:
            record = await session.get(FsmRecord, key)
            new_state = record.state if record and state is ... else (None if state is ... else state)
            new_data = (record.data if record else {}) if data is ... else data
            if new_state is None and not new_data:
                if record is not None:
                    await session.delete(record)
                return
            if record is None:
                session.add(FsmRecord(key=key, state=new_state, data=new_data))
            else:
                record.state = new_state
                record.data = new_data

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._save(self._key(key), state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        record = await self._load(self._key(key))
        return record.state if record else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._save(self._key(key), data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        record = await self._load(self._key(key))
        return dict(record.data) if record and record.data else {}

    async def close(self) -> None:
        return None

    async def count(self) -> int:
        async with self.session_pool() as session:
            return len((await session.scalars(select(FsmRecord.key))).all())
