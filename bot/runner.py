"""Polling runner: migrate, then bot + dispatcher + outbox sender + scheduler together."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError, TelegramServerError

from bot.commands import set_default_commands
from bot.factory import create_bot, create_dispatcher
from bot.sender import OutboxSender
from bot.settings import Settings
from db.engine import create_engine, create_session_pool
from db.migrate import upgrade
from dialogs import reports as reports_dialog
from locales import Translator, get_translator
from scheduler import create_scheduler
from services.clock import SystemClock

log = logging.getLogger(__name__)

STOP_GRACE_SECONDS = 10.0


async def wait_for_telegram(bot: Bot, first_delay: float = 1.0, max_delay: float = 60.0) -> None:
    """Polling starts with getMe; if Telegram (or the Bot API server) is not reachable yet,
    keep trying with a growing pause instead of crashing at start-up. A wrong token
    (TelegramUnauthorizedError) is not retried: it will not fix itself."""
    delay = first_delay
    while True:
        try:
            await bot.me()
            return
        except (TelegramNetworkError, TelegramServerError) as exc:
            log.warning("Telegram not reachable yet (%s); retrying in %.0f s", type(exc).__name__, delay)
            await asyncio.sleep(delay)
            delay = min(max_delay, delay * 2)


async def set_commands_menu(bot: Bot, translator: Translator) -> bool:
    """The newcomer command menu, in each language. A menu that could not be set is
    cosmetic: it is logged and the bot runs on (the next start tries again)."""
    try:
        await set_default_commands(bot, translator)
    except Exception as exc:
        # The class name only: an error's text may carry the request URL with the token.
        log.warning("could not set the bot's command menu (%s); running without it", type(exc).__name__)
        return False
    return True


async def run_polling(settings: Settings) -> None:
    # Alembic runs its own event loop; a worker thread keeps it off ours.
    await asyncio.to_thread(upgrade, settings.database_url)
    engine = create_engine(settings.database_url)
    session_pool = create_session_pool(engine)
    clock = SystemClock()
    translator = get_translator(settings.default_language)
    bot = create_bot(settings)
    dp = create_dispatcher(settings, session_pool, clock=clock, translator=translator)
    sender = OutboxSender(
        bot, session_pool, settings.outbox, clock, translator,
        default_timezone=settings.school_timezone,
    )
    scheduler = create_scheduler(session_pool, clock, settings, translator)
    background: list[asyncio.Task[object]] = []
    try:
        # Before anything sends: rows a killed process left 'sending' go back to pending.
        await sender.recover()
        background.append(asyncio.create_task(sender.run(), name="outbox-sender"))
        scheduler.start()
        background.append(asyncio.create_task(scheduler.catch_up(), name="scheduler-catch-up"))
        log.info("bot starting (polling, api=%s)", settings.telegram_api_base)
        await wait_for_telegram(bot)
        await set_commands_menu(bot, translator)
        await dp.start_polling(bot, handle_signals=True)
    finally:
        await scheduler.shutdown()
        await sender.stop()
        for task in background:
            if task.get_name() == "outbox-sender" and not task.done():
                # A clean stop hands back unsent claims and waits for answers on their way.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(task), STOP_GRACE_SECONDS)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        # A report being built is finished and delivered before the connection closes.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(reports_dialog.drain(), STOP_GRACE_SECONDS)
        await bot.session.close()
        await engine.dispose()
