"""The holiday check-in: /checkin for teachers and admins (the dialog in dialogs/checkin.py),
the guardians' taps on their question cards, "write a few words", and what a guardian
types while a card waits for them.

The rules (whose child, first answer counts, closed check-ins) are in services/checkins.py;
a foreign, stale or forged tap gets a short answer and changes nothing. The card edits
itself in place: the answer is ticked and the next question appears (a reply to the
guardian's own tap, so it is sent directly, not through the outbox).
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, Filter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    TelegramObject,
)
from aiogram_dialog import DialogManager, StartMode
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.states import Checkin, MainMenu
from locales import Translate, Translator
from services import checkins as svc
from services.access import Actor
from services.clock import Clock

log = logging.getLogger(__name__)

router = Router(name=__name__)


class CheckinTap(CallbackData, prefix="ci"):
    child_id: int
    question: str
    choice: str


class CheckinWrite(CallbackData, prefix="ciw"):
    child_id: int


class AtRest(Filter):
    """No dialog is open, or only the main menu: typed text is not meant for a dialog."""

    async def __call__(self, event: TelegramObject, aiogd_context: Any = None, **_: Any) -> bool:
        return aiogd_context is None or getattr(aiogd_context.state, "group", None) is MainMenu


def _markup(card: svc.ChildCard, translator: Translator, lang: str) -> tuple[str, InlineKeyboardMarkup | None]:
    text, buttons = svc.render_card(translator, lang, card)
    rows = [[InlineKeyboardButton(text=b.text, callback_data=b.callback_data)] for b in buttons]
    return text, InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


async def _show(query: CallbackQuery, card: svc.ChildCard | None, translator: Translator, lang: str) -> None:
    """The tapped card shows the answers so far and the next question."""
    message = query.message
    if card is None or not isinstance(message, Message):
        return
    text, markup = _markup(card, translator, lang)
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as exc:
        log.debug("could not edit the check-in card: %s", exc)


def _already(t: Translate, translator: Translator, lang: str, result: svc.TapResult) -> str:
    question = result.question or svc.NOTE
    if result.answer == svc.NOTE:
        shown = result.note or ""
    else:
        shown = svc.choice_label(translator, lang, question, result.answer or "")
    return t("checkin-already", question=t(f"checkin-short-{question}"), answer=shown, name=result.by or "")


async def _refused(query: CallbackQuery, t: Translate, translator: Translator, lang: str, result: svc.TapResult) -> bool:
    if result.outcome == svc.Outcome.NOT_YOURS:
        await query.answer(t("checkin-not-yours"), show_alert=True)
    elif result.outcome == svc.Outcome.INVALID:
        await query.answer(t("checkin-invalid"), show_alert=True)
    elif result.outcome == svc.Outcome.STALE:
        await query.answer(t("checkin-stale"), show_alert=True)
        await _show(query, result.card, translator, lang)
    else:
        return False
    return True


@router.callback_query(CheckinTap.filter())
async def on_answer(
    query: CallbackQuery, callback_data: CheckinTap, session: AsyncSession, clock: Clock,
    translator: Translator, actor: Actor, t: Translate,
) -> None:
    lang = t.language  # type: ignore[attr-defined]
    result = await svc.answer(session, clock, actor, callback_data.child_id, callback_data.question, callback_data.choice)
    if await _refused(query, t, translator, lang, result):
        return
    if result.outcome == svc.Outcome.ALREADY:
        await query.answer(_already(t, translator, lang, result), show_alert=True)
    else:
        await query.answer(t("checkin-toast-thanks"))
    await _show(query, result.card, translator, lang)


@router.callback_query(CheckinWrite.filter())
async def on_write(
    query: CallbackQuery, callback_data: CheckinWrite, session: AsyncSession, clock: Clock,
    translator: Translator, actor: Actor, t: Translate,
) -> None:
    lang = t.language  # type: ignore[attr-defined]
    result = await svc.want_to_write(session, clock, actor, callback_data.child_id)
    if await _refused(query, t, translator, lang, result):
        return
    if result.outcome == svc.Outcome.ALREADY:
        await query.answer(_already(t, translator, lang, result), show_alert=True)
        await _show(query, result.card, translator, lang)
        return
    await query.answer()
    if isinstance(query.message, Message) and result.card is not None:
        await query.message.answer(t("checkin-write-prompt", child=result.card.child))


@router.message(F.text, ~F.text.startswith("/"), AtRest())
async def on_typed(
    message: Message, session: AsyncSession, clock: Clock, translator: Translator, actor: Actor, t: Translate,
) -> None:
    """A guardian with an unfinished card typed something: the note they were asked for,
    or a hint and the card again. Anyone else: the next handler (the fallback)."""
    if not actor.is_guardian:
        raise SkipHandler
    result = await svc.typed_text(session, clock, actor, message.text or "")
    if result is None:
        raise SkipHandler
    lang = t.language  # type: ignore[attr-defined]
    if result.outcome == svc.TextOutcome.TAP_EXPECTED:
        await message.answer(t("checkin-tap-hint"))
    elif result.outcome == svc.TextOutcome.TOO_LONG:
        await message.answer(t("checkin-note-too-long", max=svc.MAX_NOTE_LENGTH))
        return
    text, markup = _markup(result.card, translator, lang)
    await message.answer(text, reply_markup=markup)


@router.message(Command("checkin"))
async def checkin_command(
    message: Message, dialog_manager: DialogManager, session: AsyncSession, clock: Clock,
    translator: Translator, actor: Actor, t: Translate,
) -> None:
    if svc.may_view(actor):
        await dialog_manager.start(Checkin.home, mode=StartMode.RESET_STACK)
        return
    # A guardian gets their unfinished cards again (a lost message, a new phone).
    cards = await svc.pending_cards(session, clock, actor) if actor.is_guardian else []
    if not cards:
        await message.answer(t("checkin-only-staff"))
        return
    lang = t.language  # type: ignore[attr-defined]
    for card in cards:
        text, markup = _markup(card, translator, lang)
        await message.answer(text, reply_markup=markup)
