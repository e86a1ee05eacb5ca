"""/visit (teachers, school admins), /mentor (mentors, school admins), /counsel
(counsellors, school admins), and the "Log a visit" button under a follow-up reminder
(checked again: callback data can be forged)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, ShowMode, StartMode
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.states import Counselling, HomeVisitLog, Mentoring
from locales import Translate
from services import mentoring
from services.access import Actor
from services.counselling import may_counsel
from services.visits import VISIT_CALLBACK_PREFIX, can_visit, may_log_visits


class VisitCallback(CallbackData, prefix=VISIT_CALLBACK_PREFIX):
    """services.visits writes "cvisit:<student_id>" under a follow-up reminder."""

    student_id: int


router = Router(name=__name__)


@router.message(Command("visit"))
async def visit(message: Message, dialog_manager: DialogManager, actor: Actor, t: Translate) -> None:
    if not may_log_visits(actor):
        await message.answer(t("visit-only-staff"))
        return
    await dialog_manager.start(HomeVisitLog.student, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


@router.message(Command("mentor"))
async def mentor(message: Message, dialog_manager: DialogManager, actor: Actor, t: Translate) -> None:
    if mentoring.may_assign(actor):
        state = Mentoring.home
    elif mentoring.is_mentor(actor):
        state = Mentoring.student  # a mentor only logs: straight to their mentees
    else:
        await message.answer(t("mentor-only-staff"))
        return
    await dialog_manager.start(state, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


@router.message(Command("counsel"))
async def counsel(message: Message, dialog_manager: DialogManager, actor: Actor, t: Translate) -> None:
    if not may_counsel(actor):
        await message.answer(t("counselling-not-allowed"))
        return
    await dialog_manager.start(Counselling.search, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


@router.callback_query(VisitCallback.filter())
async def visit_from_reminder(
    query: CallbackQuery,
    callback_data: VisitCallback,
    dialog_manager: DialogManager,
    session: AsyncSession,
    actor: Actor,
    t: Translate,
) -> None:
    if not await can_visit(session, actor, callback_data.student_id):
        await query.answer(t("care-not-your-student"), show_alert=True)
        return
    await query.answer()
    await dialog_manager.start(
        HomeVisitLog.student, data={"student_id": callback_data.student_id},
        mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND,
    )
