"""/digest: a head teacher or school admin sees whether they get the weekly digest and
switches it with one tap; the "Stop weekly digest" button under the digest itself turns it
off (and offers the way back on). Taps are checked again: only staff who could get it."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from locales import Translate
from services.access import Actor
from services.clock import Clock
from services.digest import START_DATA, STOP_DATA, gets_digest, may_get, set_digest

router = Router(name=__name__)


def _keyboard(t: Translate, receiving: bool) -> InlineKeyboardMarkup:
    button = (InlineKeyboardButton(text=t("digest-stop-button"), callback_data=STOP_DATA) if receiving
              else InlineKeyboardButton(text=t("digest-start-button"), callback_data=START_DATA))
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


@router.message(Command("digest"))
async def digest_status(message: Message, session: AsyncSession, actor: Actor, t: Translate) -> None:
    if not may_get(actor):
        await message.answer(t("digest-not-allowed"))
        return
    receiving = await gets_digest(session, actor)
    await message.answer(t("digest-status-on" if receiving else "digest-status-off"),
                         reply_markup=_keyboard(t, receiving))


@router.callback_query(F.data.in_({STOP_DATA, START_DATA}))
async def digest_switch(query: CallbackQuery, session: AsyncSession, actor: Actor, clock: Clock,
                        t: Translate) -> None:
    if not may_get(actor):
        await query.answer(t("digest-not-allowed"), show_alert=True)
        return
    wanted = query.data == START_DATA
    await set_digest(session, clock, actor, wanted)
    await query.answer(t("digest-now-on" if wanted else "digest-now-off"))
    if query.message is not None:
        await query.message.answer(t("digest-now-on" if wanted else "digest-now-off"),
                                   reply_markup=_keyboard(t, wanted))
