"""/calendar: school admins set terms, holidays, make-up days and release times, or the
whole calendar as a spreadsheet (dialogs/calendar.py)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram_dialog import DialogManager

from dialogs import calendar as calendar_dialog
from handlers.filters import IsSchoolAdmin
from locales import Translate

router = Router(name=__name__)


@router.message(Command("calendar"), IsSchoolAdmin)
async def calendar(message: Message, dialog_manager: DialogManager, t: Translate) -> None:
    refusal = await calendar_dialog.launch(dialog_manager, over_menu=True)
    if refusal is not None:
        await message.answer(t(refusal))


@router.message(Command("calendar"))
async def not_an_admin(message: Message, t: Translate) -> None:
    await message.answer(t("calendar-not-allowed"))
