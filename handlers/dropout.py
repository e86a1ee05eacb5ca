"""/dropout for head teachers, school admins and bureau officers; the "Open the case"
button under a dropout alert or reminder (checked again: callback data can be forged)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, ShowMode, StartMode
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.dropout import CASE_ID
from dialogs.states import Dropout
from handlers.filters import HasRole
from locales import Translate
from services.access import Actor
from services.dropout import CASE_CALLBACK_PREFIX, can_view


class CaseCallback(CallbackData, prefix=CASE_CALLBACK_PREFIX):
    """The button the outbox puts under an alert: services write "dcase:<id>" themselves
    (they know no aiogram), which is exactly what this factory packs."""

    case_id: int


MayUseDropout = HasRole("head_teacher", "school_admin", "bureau_officer")

router = Router(name=__name__)


@router.message(Command("dropout"), MayUseDropout)
async def dropout(message: Message, dialog_manager: DialogManager) -> None:
    await dialog_manager.start(Dropout.cases, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


@router.message(Command("dropout"))
async def not_allowed(message: Message, t: Translate) -> None:
    await message.answer(t("dropout-only-staff"))


@router.callback_query(CaseCallback.filter())
async def open_case(
    query: CallbackQuery,
    callback_data: CaseCallback,
    dialog_manager: DialogManager,
    session: AsyncSession,
    actor: Actor,
    t: Translate,
) -> None:
    if not await can_view(session, actor, callback_data.case_id):
        await query.answer(t("dropout-not-allowed"), show_alert=True)
        return
    await query.answer()
    await dialog_manager.start(
        Dropout.card, data={CASE_ID: callback_data.case_id}, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND
    )
