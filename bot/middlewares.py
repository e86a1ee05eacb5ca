"""Per-update plumbing: one database session, the actor behind the update, their language."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage import update_session_scope as _scope
from locales import Translator
from services.access import load_actor


class DbSessionMiddleware(BaseMiddleware):
    """One session per update: committed when the handler returns, rolled back if it raises,
    so a failed update leaves nothing half-written."""

    def __init__(self, session_pool: async_sessionmaker[AsyncSession]) -> None:
        self.session_pool = session_pool

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        async with self.session_pool() as session:
            with _scope(session):
                data["session"] = session
                try:
                    result = await handler(event, data)
                except BaseException:
                    await session.rollback()
                    raise
                await session.commit()
                return result


class ActorMiddleware(BaseMiddleware):
    """Loads who is speaking (roles, children) and binds the translator to their language."""

    def __init__(self, translator: Translator) -> None:
        self.translator = translator

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or not isinstance(event, Update):
            return await handler(event, data)
        actor = await load_actor(data["session"], user.id)
        data["actor"] = actor
        # A known person's choice wins; a newcomer gets their Telegram language if we have it.
        language = actor.language or self.translator.normalize(
            user.language_code if user.language_code else None
        )
        if actor.language is None and not (user.language_code or "").lower().startswith(("zh", "en")):
            language = self.translator.default
        data["lang"] = language
        data["t"] = self.translator.bind(language)
        return await handler(event, data)
