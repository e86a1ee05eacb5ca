"""Pieces every dialog window shares."""

from __future__ import annotations

from typing import Any

from aiogram.types import Message
from aiogram_dialog import DialogManager, ShowMode
from aiogram_dialog.widgets.input import MessageInput


async def _tap_hint(message: Message, _widget: Any, manager: DialogManager) -> None:
    t = manager.middleware_data["t"]
    key = "fallback-text" if message.text else "fallback-other"
    await message.answer(t(key))
    # Show the buttons again below the hint so the user has them at hand.
    manager.show_mode = ShowMode.DELETE_AND_SEND


def tap_hint() -> MessageInput:
    """Put in a window that expects taps: typed text gets a short hint, not silence."""
    return MessageInput(_tap_hint)
