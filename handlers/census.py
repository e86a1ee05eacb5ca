"""/census for head teachers and school admins (调查摸底), the start message's button that
opens a class's census, and the report message's button that sends the spreadsheet.
Callback data is checked again by the services: it can be forged or stale."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, ShowMode, StartMode
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.census import CLASS_ID, send_report
from dialogs.states import Census, MainMenu
from locales import Translate
from services import census as service
from services.access import Actor
from services.clock import Clock

router = Router(name=__name__)


class OpenCensus(CallbackData, prefix=service.OPEN_PREFIX):
    """The start message's button: services write "cxo:<class id>"."""

    class_id: int


class CensusReport(CallbackData, prefix=service.REPORT_PREFIX):
    """The report message's button: services write "cxr:<term id>"."""

    term_id: int


async def _start(dialog_manager: DialogManager, data: dict[str, Any] | None = None) -> None:
    # Opened on top of the menu, so leaving the dialog lands in the menu.
    await dialog_manager.start(MainMenu.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.NO_UPDATE)
    await dialog_manager.start(Census.classes, data=data, show_mode=ShowMode.SEND)


@router.message(Command("census"))
async def census(message: Message, dialog_manager: DialogManager, actor: Actor, t: Translate) -> None:
    if not service.may_use(actor):
        await message.answer(t("census-only-staff"))
        return
    await _start(dialog_manager)


@router.callback_query(OpenCensus.filter())
async def from_message(query: CallbackQuery, callback_data: OpenCensus, dialog_manager: DialogManager,
                       session: AsyncSession, clock: Clock, actor: Actor, t: Translate) -> None:
    try:
        await service.class_census(session, clock, actor, callback_data.class_id)
    except service.CensusError as exc:
        await query.answer(t(exc.key), show_alert=True)
        return
    await query.answer()
    await _start(dialog_manager, {CLASS_ID: callback_data.class_id})


@router.callback_query(CensusReport.filter())
async def report(query: CallbackQuery, callback_data: CensusReport, **data: Any) -> None:
    await send_report(query, data, callback_data.term_id)
