"""/student opens the ledger (台帐) finder for staff, `/student NAME` searches at once; a
"ldg:<student id>" button (other features may put one under a message) opens one
student's ledger, checked again (callback data can be forged). /status is the admin's
学籍 dialog (transfers, suspension, graduation); the weekly pending-files reminder's
button opens its list of files still to come."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, ShowMode, StartMode
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.ledger import PAGE, QUERY, STUDENT_ID
from dialogs.states import Ledger, StatusChange
from handlers.filters import HasRole
from locales import Translate
from services import ledger as service
from services.access import Actor
from services.student_status import FILES_CALLBACK


class LedgerCallback(CallbackData, prefix="ldg"):
    student_id: int


MayUseLedger = HasRole("teacher", "school_admin", "bureau_officer")
IsAdmin = HasRole("school_admin")

router = Router(name=__name__)


@router.message(Command("student"), MayUseLedger)
async def student(message: Message, command: CommandObject, dialog_manager: DialogManager) -> None:
    query = (command.args or "").strip()
    if query:
        await dialog_manager.start(
            Ledger.students, data={QUERY: query[:50]}, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND
        )
    else:
        await dialog_manager.start(Ledger.find, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


@router.message(Command("student"))
async def student_not_allowed(message: Message, t: Translate) -> None:
    await message.answer(t("ledger-only-staff"))


@router.message(Command("status"), IsAdmin)
async def status(message: Message, dialog_manager: DialogManager) -> None:
    await dialog_manager.start(StatusChange.menu, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


@router.message(Command("status"))
async def status_not_allowed(message: Message, t: Translate) -> None:
    await message.answer(t("status-only-admin"))


@router.callback_query(F.data == FILES_CALLBACK, IsAdmin)
async def open_pending_files(query: CallbackQuery, dialog_manager: DialogManager) -> None:
    """The weekly pending-files reminder's button: the list where a tap marks one received."""
    await query.answer()
    await dialog_manager.start(StatusChange.files, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


@router.callback_query(F.data == FILES_CALLBACK)
async def pending_files_not_allowed(query: CallbackQuery, t: Translate) -> None:
    await query.answer(t("status-only-admin"), show_alert=True)


@router.callback_query(LedgerCallback.filter())
async def open_ledger(
    query: CallbackQuery,
    callback_data: LedgerCallback,
    dialog_manager: DialogManager,
    session: AsyncSession,
    actor: Actor,
    t: Translate,
) -> None:
    if not await service.can_open(session, actor, callback_data.student_id):
        await query.answer(t("ledger-not-allowed"), show_alert=True)
        return
    await query.answer()
    await dialog_manager.start(
        Ledger.card, data={STUDENT_ID: callback_data.student_id, PAGE: 0}, mode=StartMode.RESET_STACK,
        show_mode=ShowMode.SEND,
    )
