"""/start (with or without an invite token), /help and /menu."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message
from aiogram_dialog import DialogManager, StartMode

from dialogs.states import MainMenu
from locales import Translate
from services.access import Actor

router = Router(name=__name__)


@router.message(CommandStart(deep_link=False))
@router.message(Command("menu"))
async def start(message: Message, dialog_manager: DialogManager) -> None:
    await dialog_manager.start(MainMenu.main, mode=StartMode.RESET_STACK)


@router.message(Command("help"))
async def help_(message: Message, actor: Actor, t: Translate) -> None:
    await message.answer(t("help-" + help_topic(actor)))


def help_topic(actor: Actor) -> str:
    for role in ("school_admin", "bureau_officer", "teacher", "guardian"):
        if role in actor.roles:
            return role.replace("_", "-")
    return "newcomer"
