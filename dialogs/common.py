"""Pieces every dialog window shares."""

from __future__ import annotations

import operator
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.types import Message
from aiogram_dialog import DialogManager, ShowMode
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Group, Keyboard, Select
from aiogram_dialog.widgets.text import Format


async def _tap_hint(message: Message, _widget: Any, manager: DialogManager) -> None:
    t = manager.middleware_data["t"]
    key = "fallback-text" if message.text else "fallback-other"
    await message.answer(t(key))
    # Show the buttons again below the hint so the user has them at hand.
    manager.show_mode = ShowMode.DELETE_AND_SEND


def tap_hint() -> MessageInput:
    """Put in a window that expects taps: typed text gets a short hint, not silence."""
    return MessageInput(_tap_hint)


def choices(widget_id: str, items: str, on_click: Any, text: str = "label", key: str = "id") -> Select:
    """A button per item of the getter's list `items` (dicts): `item[text]` is the label and
    `item[key]` the callback id, which the handler must check again (a tap can be forged)."""
    return Select(
        Format(f"{{item[{text}]}}"),
        id=widget_id,
        item_id_getter=operator.itemgetter(key),
        items=items,
        on_click=on_click,
    )


class VisibleOnly(Group):
    """Buttons that react only when the person can see them.

    aiogram-dialog hides a button whose `when` is false but still runs it if a callback
    with its id arrives, so forged data could open, say, the counselling dialog from a
    guardian's menu. The window's getter is asked again at the tap; a hidden button's
    tap is answered as stale. (Each dialog checks access itself too: this is the
    outer door.)"""

    def __init__(self, *buttons: Keyboard, getter: Any, id: str | None = None) -> None:
        super().__init__(*buttons, id=id)
        self._getter = getter

    async def process_callback(self, callback: Any, dialog: Any, manager: DialogManager) -> bool:
        data = await self._getter(**{**manager.middleware_data, "dialog_manager": manager})
        for button in self.buttons:
            if button.is_(data, manager):
                if await button.process_callback(callback, dialog, manager):
                    return True
            elif _addressed_to(button, callback.data or ""):
                await callback.answer(manager.middleware_data["t"]("error-stale-button"), show_alert=True)
                return True
        return False


def _addressed_to(button: Keyboard, data: str) -> bool:
    prefix = button.callback_prefix()
    return data == button.widget_id or bool(prefix and data.startswith(prefix))


def start_with_id(key: str) -> Callable[[Any, DialogManager], Awaitable[None]]:
    """An on_start that keeps `start_data[key]` (an id a reminder's button opened the dialog
    on) in dialog_data; any other start data is ignored."""

    async def on_start(start_data: Any, manager: DialogManager) -> None:
        if isinstance(start_data, dict) and key in start_data:
            manager.dialog_data[key] = int(start_data[key])

    return on_start
