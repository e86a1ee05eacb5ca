"""/attendance, the menu's attendance button, and the button on the 09:00 reminder.

Teachers get today's sheet (head teachers) or the read-only view (subject teachers,
mentors), school admins the read-only overview of their schools; anyone else gets a clear
answer. The dialog itself is dialogs/attendance.py.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager

from dialogs import attendance as sheet_dialog
from handlers.filters import HasRole
from locales import Translate
from services.attendance import OPEN_SHEET_PREFIX, AttendanceError


class OpenSheet(CallbackData, prefix=OPEN_SHEET_PREFIX):
    """The reminder's "take attendance now" button (services.attendance.open_sheet_data)."""

    class_id: int


# School admins who do not teach get their schools' overview (read-only); the reminder's
# button still opens a sheet only for the class's own head teacher (services decide).
MayOpen = HasRole("teacher", "school_admin")

allowed = Router(name=__name__ + ".allowed")
allowed.message.filter(MayOpen)
allowed.callback_query.filter(MayOpen)
refused = Router(name=__name__ + ".refused")
router = Router(name=__name__)
router.include_routers(allowed, refused)


@allowed.message(Command("attendance"))
async def attendance(message: Message, dialog_manager: DialogManager, t: Translate) -> None:
    refusal = await sheet_dialog.launch(dialog_manager, over_menu=True)
    if refusal is not None:
        await message.answer(t(refusal))


@allowed.callback_query(OpenSheet.filter())
async def open_from_reminder(
    query: CallbackQuery, callback_data: OpenSheet, dialog_manager: DialogManager, t: Translate
) -> None:
    try:
        await sheet_dialog.launch_sheet(dialog_manager, callback_data.class_id, over_menu=True)
    except AttendanceError as exc:
        await query.answer(t(exc.key), show_alert=True)
        return
    await query.answer()


@refused.message(Command("attendance"))
async def not_a_teacher(message: Message, t: Translate) -> None:
    await message.answer(t("attendance-only-teachers"))


@refused.callback_query(OpenSheet.filter())
async def reminder_not_for_you(query: CallbackQuery, t: Translate) -> None:
    await query.answer(t("attendance-not-your-class"), show_alert=True)
