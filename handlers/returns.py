"""Weekend and holiday returns: the guardians' taps ("arrived home", "not yet", "set off
back to school"), the head teacher's "confirmed by phone", /returns for teachers, /home
for guardians, and /holidays (public holidays pre-filled from chinese-calendar) for admins.

The rules (whose child, which round, who answered first) are in services/returns.py; a
tap that is foreign, stale or forged gets a short answer and changes nothing.
"""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from dialogs import returns as views
from handlers.filters import HasRole, IsGuardian, IsSchoolAdmin
from locales import Translate, Translator
from services import holidays
from services import returns as svc
from services.access import Actor
from services.clock import Clock

log = logging.getLogger(__name__)

router = Router(name=__name__)

IsStaffForReturns = HasRole("teacher", "school_admin")


class HomeAnswer(CallbackData, prefix="rh"):
    return_id: int
    answer: str


class ByPhone(CallbackData, prefix="rph"):
    return_id: int


class SetOff(CallbackData, prefix="rso"):
    return_id: int


class HolidayFill(CallbackData, prefix="hpf"):
    school_id: int
    year: int


async def _settle(query: CallbackQuery, line: str) -> None:
    """The question loses its buttons and shows what became of it."""
    message = query.message
    if not isinstance(message, Message):
        return
    try:
        if message.text:
            await message.edit_text(f"{message.text}\n\n{line}", reply_markup=None)
        else:
            await message.edit_reply_markup(reply_markup=None)
    except TelegramAPIError as exc:
        # The edit only tidies the chat; the answer is recorded and the toast shown. A
        # flood-control 429 here (a round of thousands fills Telegram's 30/s) must not
        # roll the answer back (found by tests/e2e/test_returns_round.py).
        log.debug("could not edit the returns message: %s", type(exc).__name__)


async def _drop_button(query: CallbackQuery) -> None:
    """Only the tapped button goes (a list of children keeps the others)."""
    message = query.message
    if not isinstance(message, Message) or not isinstance(message.reply_markup, InlineKeyboardMarkup):
        return
    rows = [
        [b for b in row if b.callback_data != query.data]
        for row in message.reply_markup.inline_keyboard
    ]
    rows = [row for row in rows if row]
    try:
        await message.edit_reply_markup(reply_markup=InlineKeyboardMarkup(inline_keyboard=rows) if rows else None)
    except TelegramAPIError as exc:  # as in _settle: "confirmed by phone" is kept regardless
        log.debug("could not edit the returns list: %s", type(exc).__name__)


async def _refuse(query: CallbackQuery, t: Translate, result: svc.TapResult) -> bool:
    """Answers the refusals every tap shares; True when the tap was refused."""
    if result.outcome == svc.Outcome.NOT_YOURS:
        await query.answer(t("returns-not-yours"), show_alert=True)
    elif result.outcome == svc.Outcome.STALE:
        await query.answer(t("returns-stale"), show_alert=True)
        await _settle(query, t("returns-stale"))
    elif result.outcome == svc.Outcome.INVALID:
        await query.answer(t("returns-invalid"), show_alert=True)
    else:
        return False
    return True


@router.callback_query(HomeAnswer.filter())
async def on_home_answer(
    query: CallbackQuery, callback_data: HomeAnswer, session: AsyncSession, clock: Clock,
    settings: Settings, actor: Actor, t: Translate,
) -> None:
    rules = svc.ReturnRules.from_settings(settings)
    result = await svc.answer_home(session, clock, rules, actor, callback_data.return_id, callback_data.answer)
    if await _refuse(query, t, result):
        return
    if result.outcome == svc.Outcome.RECORDED:
        if result.answer == svc.HOME:
            line = t("returns-thanks-home", child=result.child)
        elif result.next_ask:
            line = t("returns-thanks-not-yet", child=result.child, time=result.next_ask)
        else:
            line = t("returns-thanks-not-yet-no-reask", child=result.child)
        await query.answer(t("returns-toast-thanks"))
        await _settle(query, line)
        return
    # ALREADY: someone answered first, or the same "not yet" twice.
    if result.answer == svc.HOME:
        text = t("returns-already-home", child=result.child, name=result.by or "")
    else:
        text = t("returns-already-not-yet", child=result.child, time=result.next_ask or "")
    await query.answer(text, show_alert=True)
    await _settle(query, text)


@router.callback_query(SetOff.filter())
async def on_set_off(
    query: CallbackQuery, callback_data: SetOff, session: AsyncSession, clock: Clock, actor: Actor, t: Translate,
) -> None:
    result = await svc.record_set_off(session, clock, actor, callback_data.return_id)
    if await _refuse(query, t, result):
        return
    if result.outcome == svc.Outcome.RECORDED:
        await query.answer(t("returns-toast-thanks"))
        await _settle(query, t("returns-set-off-thanks", child=result.child))
    else:
        text = t("returns-set-off-already", child=result.child, name=result.by or "")
        await query.answer(text, show_alert=True)
        await _settle(query, text)


@router.callback_query(ByPhone.filter())
async def on_by_phone(
    query: CallbackQuery, callback_data: ByPhone, session: AsyncSession, clock: Clock, actor: Actor, t: Translate,
) -> None:
    result = await svc.confirm_by_phone(session, clock, actor, callback_data.return_id)
    if result.outcome == svc.Outcome.NOT_YOURS:
        await query.answer(t("returns-phone-not-yours"), show_alert=True)
        return
    if result.outcome == svc.Outcome.INVALID:
        await query.answer(t("returns-invalid"), show_alert=True)
        return
    if result.outcome == svc.Outcome.RECORDED:
        await query.answer(t("returns-phone-recorded", child=result.child), show_alert=True)
    else:
        status = t(f"returns-status-{(result.status or 'arrived').replace('_', '-')}")
        await query.answer(t("returns-phone-already", child=result.child, status=status, name=result.by or ""), show_alert=True)
    await _drop_button(query)


@router.message(Command("returns"), IsStaffForReturns)
async def returns_view(
    message: Message, session: AsyncSession, clock: Clock, translator: Translator, actor: Actor, t: Translate,
) -> None:
    for text, markup in await views.teacher_view(session, clock, translator, actor, t.language):  # type: ignore[attr-defined]
        await message.answer(text, reply_markup=markup)


@router.message(Command("returns"))
async def returns_not_staff(message: Message, t: Translate) -> None:
    await message.answer(t("returns-only-staff"))


@router.message(Command("home"), IsGuardian)
async def home_view(
    message: Message, session: AsyncSession, clock: Clock, translator: Translator, actor: Actor, t: Translate,
) -> None:
    text, markup = await views.guardian_view(session, clock, translator, actor, t.language)  # type: ignore[attr-defined]
    await message.answer(text, reply_markup=markup)


@router.message(Command("home"))
async def home_not_guardian(message: Message, t: Translate) -> None:
    # Not "nothing to report now": that tells a teacher or a stranger they have a child here.
    await message.answer(t("returns-home-only-guardians"))


@router.message(Command("holidays"), IsSchoolAdmin)
async def holidays_view(
    message: Message, session: AsyncSession, clock: Clock, translator: Translator, actor: Actor, t: Translate,
) -> None:
    reply = await views.holidays_view(session, clock, translator, actor, t.language)  # type: ignore[attr-defined]
    if reply is None:
        await message.answer(t("holidays-not-allowed"))
        return
    await message.answer(reply[0], reply_markup=reply[1])


@router.message(Command("holidays"))
async def holidays_not_admin(message: Message, t: Translate) -> None:
    await message.answer(t("holidays-not-allowed"))


@router.callback_query(HolidayFill.filter())
async def on_holiday_fill(
    query: CallbackQuery, callback_data: HolidayFill, session: AsyncSession, clock: Clock,
    translator: Translator, settings: Settings, actor: Actor, t: Translate,
) -> None:
    try:
        result = await holidays.prefill_year(
            session, clock, translator, callback_data.school_id, callback_data.year,
            actor=actor, language=settings.default_language,
        )
    except holidays.HolidaysError as exc:
        await query.answer(t(exc.key), show_alert=True)
        return
    if result.missing:
        text = t("holidays-done-missing", year=str(result.year))
    else:
        text = t("holidays-done", year=str(result.year), added=result.added, kept=result.kept)
    await query.answer(text, show_alert=True)
    if isinstance(query.message, Message):
        await query.message.answer(text)
