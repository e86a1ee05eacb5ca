"""A guardian's answer to "<child> is not at school today. Do you know why?", and /absent.

The notice is queued by the teacher's sheet with buttons `abs:<mark_id>:<answer>`; the
rules (whose child, which day, answered already) are in services/absence.py. Whatever the
outcome, the buttons of that message are taken away once the question is settled, so an
old message cannot be tapped again.
"""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, ShowMode, StartMode
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import GuardianAnswer
from dialogs.states import AbsenceReport, MainMenu
from handlers.filters import IsGuardian
from locales import Translate, Translator
from services.absence import AnswerOutcome, answer_label, answer_notice
from services.access import Actor
from services.clock import Clock

log = logging.getLogger(__name__)

router = Router(name=__name__)


class AbsenceAnswer(CallbackData, prefix="abs"):
    mark_id: int
    answer: str


@router.callback_query(AbsenceAnswer.filter())
async def on_answer(
    query: CallbackQuery, callback_data: AbsenceAnswer, session: AsyncSession, clock: Clock,
    translator: Translator, actor: Actor, t: Translate,
) -> None:
    result = await answer_notice(session, clock, translator, actor, callback_data.mark_id, callback_data.answer)
    lang = t.language  # type: ignore[attr-defined]
    outcome = result.outcome
    if outcome == AnswerOutcome.RECORDED:
        assert result.answer is not None
        key = "absence-thanks-" + result.answer.replace("_", "-")
        if result.answer == GuardianAnswer.DONT_KNOW and result.alerted == 0:
            key = "absence-thanks-dont-know-nobody"  # no staff member has joined the bot
        await query.answer(t("absence-toast-thanks"))
        await _settle(query, t(key, answer=answer_label(translator, lang, result.answer)))
    elif outcome == AnswerOutcome.ALREADY_ANSWERED:
        text = t(
            "absence-already-answered",
            name=result.answered_by or "",
            answer=answer_label(translator, lang, result.answer or ""),
        )
        await query.answer(text, show_alert=True)
        await _settle(query, text)
    elif outcome == AnswerOutcome.STALE:
        await query.answer(t("absence-stale"), show_alert=True)
        await _settle(query, t("absence-stale"))
    elif outcome == AnswerOutcome.NO_LONGER_NEEDED:
        await query.answer(t("absence-no-longer-needed"), show_alert=True)
        await _settle(query, t("absence-no-longer-needed"))
    elif outcome == AnswerOutcome.NOT_YOURS:
        # Someone else's notice: say no, and leave that message as it is.
        await query.answer(t("absence-not-yours"), show_alert=True)
    else:
        await query.answer(t("error-stale-button"), show_alert=True)


async def _settle(query: CallbackQuery, line: str) -> None:
    """The notice message loses its buttons and shows what became of it."""
    message = query.message
    if not isinstance(message, Message):
        return  # too old for Telegram to show us; the answer above is enough
    try:
        if message.text:
            await message.edit_text(f"{message.text}\n\n{line}", reply_markup=None)
        else:
            await message.edit_reply_markup(reply_markup=None)
    except TelegramAPIError as exc:
        # Not only "message is not modified": a 429 or 5xx on this tidy-up edit raised out
        # of the handler after the answer was committed, and the error handler then told
        # the guardian "not saved" (found by tests/e2e/test_faults.py, 429 storm).
        log.debug("could not edit the absence notice: %s", type(exc).__name__)


@router.message(Command("absent"), IsGuardian)
async def absent(message: Message, dialog_manager: DialogManager) -> None:
    # Opened on top of the menu, so leaving the dialog lands in the menu.
    await dialog_manager.start(MainMenu.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.NO_UPDATE)
    await dialog_manager.start(AbsenceReport.child, show_mode=ShowMode.SEND)


@router.message(Command("absent"))
async def absent_not_guardian(message: Message, t: Translate) -> None:
    await message.answer(t("absence-only-guardians"))
