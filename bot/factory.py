"""The one place the bot and dispatcher are built: `python -m bot` and the tests both call it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.fsm.storage.redis import RedisStorage
from aiogram_dialog import setup_dialogs
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import dialog_ids  # noqa: F401  (intent ids that do not repeat; see the module)
from bot.dialog_manager import durable_manager_factory
from bot.errors import setup_error_handlers
from bot.middlewares import (
    ActorMiddleware,
    DbSessionMiddleware,
    ForgedCallbackGuard,
    NoHiddenButtonData,
    install_request_middlewares,
)
from bot.settings import Settings, require_token
from bot.storage import SqlStorage
from dialogs import get_dialogs
from handlers import get_fallback_router, get_routers
from locales import Translator, get_translator
from services.clock import Clock, SystemClock


def create_bot(settings: Settings, token: str | None = None) -> Bot:
    session = AiohttpSession(
        api=TelegramAPIServer.from_base(settings.telegram_api_base), timeout=settings.telegram_timeout
    )
    return install_request_middlewares(Bot(
        token=token or require_token(settings),
        session=session,
        default=DefaultBotProperties(parse_mode=None, link_preview_is_disabled=True),
    ))


@dataclass
class Services:
    """Shared objects handed to every handler as keyword arguments."""

    settings: Settings
    session_pool: async_sessionmaker[AsyncSession]
    clock: Clock
    translator: Translator

    def as_kwargs(self) -> dict[str, Any]:
        return {
            "settings": self.settings,
            "session_pool": self.session_pool,
            "clock": self.clock,
            "translator": self.translator,
        }


def create_storage(
    settings: Settings, session_pool: async_sessionmaker[AsyncSession]
) -> tuple[BaseStorage, BaseEventIsolation]:
    """FSM/dialog state: Redis when configured (several processes share it, and its lock
    isolates one chat's updates across processes), else the bot's own database."""
    if settings.redis_url:
        redis = RedisStorage.from_url(
            settings.redis_url, key_builder=DefaultKeyBuilder(with_destiny=True)
        )
        return redis, redis.create_isolation()
    return SqlStorage(session_pool), SimpleEventIsolation()


def _detached(router: Router) -> Router:
    """Routers are module-level objects (the aiogram style); the tests build one dispatcher
    per test, so a router is released from the previous one before it is attached again."""
    router._parent_router = None
    return router


def create_dispatcher(
    settings: Settings,
    session_pool: async_sessionmaker[AsyncSession],
    clock: Clock | None = None,
    translator: Translator | None = None,
    storage: BaseStorage | None = None,
) -> Dispatcher:
    services = Services(
        settings=settings,
        session_pool=session_pool,
        clock=clock or SystemClock(),
        translator=translator or get_translator(settings.default_language),
    )
    if storage is None:
        storage, isolation = create_storage(settings, session_pool)
    else:
        isolation = SimpleEventIsolation()
    dp = Dispatcher(storage=storage, events_isolation=isolation, **services.as_kwargs())
    dp.update.outer_middleware(DbSessionMiddleware(session_pool))
    dp.update.outer_middleware(ActorMiddleware(services.translator))
    dp.callback_query.outer_middleware(ForgedCallbackGuard())
    dp.message.outer_middleware(NoHiddenButtonData())  # before aiogram-dialog's own
    for router in [*get_routers(), *get_dialogs(), get_fallback_router()]:
        dp.include_router(_detached(router))
    # The dialog's state is saved before each window is shown: see bot/dialog_manager.py.
    setup_dialogs(dp, events_isolation=isolation, dialog_manager_factory=durable_manager_factory())
    setup_error_handlers(dp)
    return dp
