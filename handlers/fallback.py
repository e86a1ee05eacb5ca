"""Anything nobody else handled: a short hint in the user's language, never silence."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from locales import Translate

router = Router(name=__name__)


@router.callback_query()
async def stale_button(query: CallbackQuery, t: Translate) -> None:
    await query.answer(t("error-stale-button"), show_alert=True)


@router.message(F.text)
async def unexpected_text(message: Message, t: Translate) -> None:
    await message.answer(t("fallback-text"))


@router.message()
async def unexpected_other(message: Message, t: Translate) -> None:
    await message.answer(t("fallback-other"))
