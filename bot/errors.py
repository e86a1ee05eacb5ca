"""Nothing reaches a user as a traceback: stale dialogs and unexpected errors get a short
message in their language."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Dispatcher, F
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent
from aiogram_dialog import DialogManager, ShowMode, StartMode
from aiogram_dialog.api.exceptions import OutdatedIntent, UnknownIntent, UnknownState

from locales import get_translator

log = logging.getLogger(__name__)


async def _reply(event: ErrorEvent, key: str, data: dict[str, Any]) -> None:
    update = event.update
    t = data.get("t")
    if t is None:
        user = data.get("event_from_user")
        t = get_translator().bind(user.language_code if user else None)
    try:
        if update.callback_query:
            await update.callback_query.answer(t(key), show_alert=True)
        elif update.message:
            await update.message.answer(t(key))
    except TelegramAPIError as exc:
        # Telegram is what failed (or the press was already answered): nothing more to say.
        log.warning("could not tell the user about a failed update (%s)", type(exc).__name__)


async def on_stale_dialog(event: ErrorEvent, dialog_manager: DialogManager, **data: Any) -> None:
    """A button from an old message: say so and open a fresh menu."""
    from dialogs.states import MainMenu

    await _reply(event, "error-stale-button", data)
    await dialog_manager.start(MainMenu.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


async def on_unexpected(event: ErrorEvent, **data: Any) -> None:
    log.error("update %s failed", event.update.update_id, exc_info=event.exception)
    # A Bot API call failed: the update's writes were committed before the bot spoke
    # (bot.middlewares.CommitBeforeSpeaking), so "nothing was saved" would be untrue.
    key = "error-telegram" if isinstance(event.exception, TelegramAPIError) else "error-unexpected"
    await _reply(event, key, data)


def setup_error_handlers(dp: Dispatcher) -> None:
    dp.errors.register(
        on_stale_dialog, ExceptionTypeFilter(UnknownIntent, OutdatedIntent, UnknownState)
    )
    dp.errors.register(on_unexpected, F.update)
