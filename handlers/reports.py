"""/reports: the report spreadsheets for head teachers, school admins and bureau officers.
The command opens the dialog (dialogs/reports.py), which builds the file in the background;
everybody else gets a short refusal."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram_dialog import DialogManager, ShowMode, StartMode

from dialogs.states import Reports
from handlers.filters import HasRole
from locales import Translate
from services.reports.scope import REPORT_ROLES

MayReport = HasRole(*REPORT_ROLES)

router = Router(name=__name__)


@router.message(Command("reports"), MayReport)
async def reports(message: Message, dialog_manager: DialogManager) -> None:
    await dialog_manager.start(Reports.pick_report, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


@router.message(Command("reports"))
async def reports_not_allowed(message: Message, t: Translate) -> None:
    await message.answer(t("report-not-allowed"))
