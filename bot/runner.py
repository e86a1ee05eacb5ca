"""Runner: migrate, then bot + dispatcher + outbox sender + scheduler together, taking
updates by long polling (default) or by webhook (WEBHOOK__ENABLED, `run --webhook`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError, TelegramServerError
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.commands import set_default_commands
from bot.factory import create_bot, create_dispatcher
from bot.journal import UpdateJournal, install_journal
from bot.polling import JournaledPolling
from bot.sender import OutboxSender
from bot.settings import Settings
from bot.webhook import check_webhook_settings, create_webhook_app
from db.engine import create_engine, create_session_pool
from db.migrate import upgrade
from dialogs import reports as reports_dialog
from locales import Translator, get_translator
from scheduler import Scheduler, create_scheduler
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


@dataclass
class Parts:
    """What every kind of process runs on: the database, the clock, the words, the Bot
    API client, the outbox sender and the scheduler (a polling or webhook process adds the
    dispatcher; a worker-only process runs just these, bot/worker.py)."""

    engine: AsyncEngine
    session_pool: async_sessionmaker[AsyncSession]
    clock: SystemClock
    translator: Translator
    bot: Bot
    sender: OutboxSender
    scheduler: Scheduler


async def prepare(settings: Settings) -> Parts:
    # Alembic runs its own event loop; a worker thread keeps it off ours.
    await asyncio.to_thread(upgrade, settings.database_url)
    engine = create_engine(settings.database_url)
    session_pool = create_session_pool(engine)
    clock = SystemClock()
    translator = get_translator(settings.default_language)
    bot = create_bot(settings)
    sender = OutboxSender(
        bot, session_pool, settings.outbox, clock, translator,
        default_timezone=settings.school_timezone,
    )
    scheduler = create_scheduler(session_pool, clock, settings, translator)
    return Parts(engine, session_pool, clock, translator, bot, sender, scheduler)


def stop_on_signals(stop: asyncio.Event | None) -> asyncio.Event:
    """SIGTERM / SIGINT set the returned event (a clean stop)."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    return stop


async def run_polling(settings: Settings, stop: asyncio.Event | None = None) -> None:
    await _run(settings, webhook=False, stop=stop)


async def run_webhook(settings: Settings, stop: asyncio.Event | None = None) -> None:
    await _run(settings, webhook=True, stop=stop)


async def _run(settings: Settings, *, webhook: bool, stop: asyncio.Event | None) -> None:
    """Bot + dispatcher + outbox sender + scheduler, taking updates by long polling or by
    webhook; either way through the update journal (bot/journal.py)."""
    if webhook:
        url, secret, path = check_webhook_settings(settings.webhook)  # before any work
    parts = await prepare(settings)
    engine, session_pool, clock, translator = parts.engine, parts.session_pool, parts.clock, parts.translator
    bot, sender, scheduler = parts.bot, parts.sender, parts.scheduler
    dp = install_journal(create_dispatcher(settings, session_pool, clock=clock, translator=translator))
    journal = UpdateJournal(session_pool, clock)
    stop = stop_on_signals(stop)
    background: list[asyncio.Task[object]] = []
    polling: JournaledPolling | None = None
    site_runner: web.AppRunner | None = None
    workflow = {"dispatcher": dp, "bots": [bot], **dp.workflow_data}
    started = False
    try:
        # Before anything sends: rows a killed process left 'sending' go back to pending.
        await sender.recover()
        background.append(asyncio.create_task(sender.run(), name="outbox-sender"))
        scheduler.start()
        background.append(asyncio.create_task(scheduler.catch_up(), name="scheduler-catch-up"))
        log.info("bot starting (%s, api=%s)", "webhook" if webhook else "polling",
                 settings.telegram_api_base)
        await wait_for_telegram(bot)
        await set_commands_menu(bot, translator)
        await dp.emit_startup(bot=bot, **workflow)
        started = True
        allowed = dp.resolve_used_update_types()
        # What the last run recorded but did not finish, before anything new.
        replayed = await journal.replay(dp, bot)
        if replayed:
            log.info("replayed %d updates left unhandled by the last run", replayed)
        if webhook:
            app = create_webhook_app(
                bot=bot, dp=dp, journal=journal, session_pool=session_pool,
                secret=secret, path=path, health_path=settings.webhook.health_path,
            )
            site_runner = web.AppRunner(app, handle_signals=False, access_log=None,
                                        shutdown_timeout=STOP_GRACE_SECONDS)
            await site_runner.setup()
            await web.TCPSite(site_runner, settings.webhook.host, settings.webhook.port).start()
            # Listening first, so Telegram's first post finds us.
            await bot.set_webhook(url=url, secret_token=secret, allowed_updates=allowed,
                                  drop_pending_updates=False)
            log.info("webhook set; listening on %s:%d%s",
                     settings.webhook.host, settings.webhook.port, path)
            await stop.wait()
        else:
            # getUpdates is refused while a webhook is set (e.g. after webhook mode).
            await bot.delete_webhook(drop_pending_updates=False)
            polling = JournaledPolling(bot, dp, journal, allowed_updates=allowed)
            log.info("polling")
            await polling.run(stop)
    finally:
        if site_runner is not None:
            # Stops taking updates and lets those being handled finish (they answer 200).
            await site_runner.cleanup()
        if polling is not None:
            await polling.drain(STOP_GRACE_SECONDS)
        if started:
            with contextlib.suppress(Exception):
                await dp.emit_shutdown(bot=bot, **workflow)
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
