"""Roster.upload: what to send, the blank template, and the file itself."""

from __future__ import annotations

from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, StartMode, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Start

from dialogs.common import tap_hint
from dialogs.states import MainMenu, Roster
from dialogs.widgets import T

TEMPLATE_BUTTON = "template"
MENU_BUTTON = "menu"


async def on_template(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    from handlers.roster import template_file

    data = manager.middleware_data
    await data["bot"].send_document(
        callback.from_user.id, template_file(data["t"]), caption=data["t"]("roster-template-caption")
    )
    # The window goes below the template, so its buttons stay at hand.
    manager.show_mode = ShowMode.DELETE_AND_SEND


async def on_document(message: Message, _widget: MessageInput, manager: DialogManager) -> None:
    from handlers.roster import import_document

    data = manager.middleware_data
    await import_document(
        message, data["bot"], data["session"], data["actor"], data["clock"], data["t"]
    )
    manager.show_mode = ShowMode.DELETE_AND_SEND


dialog = Dialog(
    Window(
        T("roster-upload-text"),
        Button(T("roster-button-template"), id=TEMPLATE_BUTTON, on_click=on_template),
        Start(T("roster-button-back"), id=MENU_BUTTON, state=MainMenu.main, mode=StartMode.RESET_STACK),
        MessageInput(on_document, content_types=[ContentType.DOCUMENT]),
        tap_hint(),
        state=Roster.upload,
    ),
    name="roster",
)
