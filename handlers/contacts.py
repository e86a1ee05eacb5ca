"""/contact for guardians (the monthly contact with the away parents), /parentcontact for
teachers and school admins (the teacher–parent contact log and term compliance), and the
button under the monthly reminder (checked again: callback data can be forged)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, ShowMode, StartMode
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.contacts import STUDENT_ID
from dialogs.states import MainMenu, MonthlyContact, ParentContact
from locales import Translate
from services.access import Actor
from services.contacts import CONFIRM_PREFIX, ContactError, contact_children, family_child, may_use

router = Router(name=__name__)


class MonthlyConfirm(CallbackData, prefix=CONFIRM_PREFIX):
    """The reminder's button: services write "mpc:<student id>", which this factory packs."""

    student_id: int


async def _start(dialog_manager: DialogManager, state, data: dict | None = None) -> None:  # type: ignore[no-untyped-def]
    # Opened on top of the menu, so leaving the dialog lands in the menu.
    await dialog_manager.start(MainMenu.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.NO_UPDATE)
    await dialog_manager.start(state, data=data, show_mode=ShowMode.SEND)


@router.message(Command("contact"))
async def monthly(message: Message, dialog_manager: DialogManager, session: AsyncSession, actor: Actor,
                  t: Translate) -> None:
    if not await contact_children(session, actor):
        await message.answer(t("contact-only-family"))
        return
    await _start(dialog_manager, MonthlyContact.child)


@router.callback_query(MonthlyConfirm.filter())
async def from_reminder(query: CallbackQuery, callback_data: MonthlyConfirm, dialog_manager: DialogManager,
                        session: AsyncSession, actor: Actor, t: Translate) -> None:
    try:
        await family_child(session, actor, callback_data.student_id)
    except ContactError as exc:
        await query.answer(t(exc.key), show_alert=True)
        return
    await query.answer()
    await _start(dialog_manager, MonthlyContact.child, {STUDENT_ID: callback_data.student_id})


@router.message(Command("parentcontact"))
async def parent_contact(message: Message, dialog_manager: DialogManager, actor: Actor, t: Translate) -> None:
    if not may_use(actor):
        await message.answer(t("pcontact-only-staff"))
        return
    await _start(dialog_manager, ParentContact.pick_student)
