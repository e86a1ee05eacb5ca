"""Per-update plumbing: one database session, the actor behind the update, their language."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import CallbackQuery, Message, TelegramObject, Update, User
from aiogram_dialog.utils import REPLY_CALLBACK_SYMBOLS
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage import current_update_session
from bot.storage import update_session_scope as _scope
from db.repositories import people as people_repo
from locales import Translator
from services.access import load_actor


class DbSessionMiddleware(BaseMiddleware):
    """One session per update: committed when the handler returns, rolled back if it raises,
    so a failed update leaves nothing half-written. (CommitBeforeSpeaking also commits
    just before each Bot API call the handler makes.)"""

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
        if actor.unreachable and actor.person_id is not None:
            # They wrote to us, so they have unblocked the bot: messages reach them again
            # and nobody should still be asked to phone them.
            await people_repo.mark_reachable(data["session"], actor.person_id)
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


class CommitBeforeSpeaking(BaseRequestMiddleware):
    """Commits the update's writes just before the bot says anything about them.

    Two reasons. A guardian's tap is recorded, then the bot edits the question: if
    Telegram answers that edit with 429 or 5xx, the error must not roll the answer back
    (it did: found by the e2e returns round). And on SQLite the write lock would otherwise
    be held across every Bot API round trip of the handler, so one slow call stalls every
    other update (docs/performance.md, attendance path). What the handler writes after
    the call is still committed or rolled back with the update. Calls made outside an
    update (the outbox sender, jobs) are untouched."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        session = current_update_session()
        if session is not None and session.in_transaction():
            await session.commit()
        return await make_request(bot, method)


def install_request_middlewares(bot: Bot) -> Bot:
    """Every Bot (production and tests) gets the same request middlewares."""
    bot.session.middleware(CommitBeforeSpeaking())
    return bot


# Ids in the database are 32-bit on PostgreSQL (and at most 64-bit on SQLite); a number
# beyond that can only come from forged callback data, and it made the lookup raise
# (OverflowError on SQLite, DataError on PostgreSQL). Found by tests/test_fuzz_updates.py.
_MAX_ID = 2**31 - 1
_NUMBERS = re.compile(r"\d+")


class ForgedCallbackGuard(BaseMiddleware):
    """A button whose data carries a number no row can have is refused like a stale one."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, CallbackQuery) and event.data:
            if any(len(n) > 9 and int(n) > _MAX_ID for n in _NUMBERS.findall(event.data)):
                t = data.get("t")
                if t is not None:
                    await event.answer(t("error-stale-button"), show_alert=True)
                return None
        return await handler(event, data)


class NoHiddenButtonData(BaseMiddleware):
    """Text ending in aiogram-dialog's invisible reply-button symbols is read as plain text.

    aiogram-dialog decodes those symbols at the end of a message as the data of a reply
    keyboard button and replays it as a button press. This bot sends no reply keyboards, so
    such a tail can only be typed or pasted: it raised (the replayed press cannot be
    answered, and a tail that is not valid UTF-8 fails to decode). Found by
    tests/test_fuzz_updates.py with the text "\\u200d\\u200d". Registered before
    aiogram-dialog's own message middleware.
    """

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Message) and event.text:
            plain = event.text.rstrip(REPLY_CALLBACK_SYMBOLS)
            if plain != event.text:
                event = event.model_copy(update={"text": plain}).as_(data["bot"])
        return await handler(event, data)
