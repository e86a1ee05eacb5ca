"""/announce: school admins (whole school) and head teachers (their class) notify guardians;
guardians tap "I have read it"; /notices shows the sender who has read which notice.

The rules (who is a recipient, who may see a notice's readers) are in
services/announcements.py; a foreign, stale or forged tap gets a short answer and changes
nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import F, Router
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

from dialogs.states import Announce, MainMenu
from locales import Translate, Translator
from services import announcements as svc
from services.access import Actor
from services.announcements import audiences_for, may_announce
from services.clock import Clock

log = logging.getLogger(__name__)


class CanAnnounce(Filter):
    async def __call__(self, event: TelegramObject, actor: Actor | None = None, **_: Any) -> bool:
        return actor is not None and may_announce(actor)


class NoTaskOpen(Filter):
    """At the menu or with no dialog open: typed words are not an answer to a dialog."""

    async def __call__(self, event: TelegramObject, aiogd_context: Any = None, **_: Any) -> bool:
        return aiogd_context is None or aiogd_context.state.group is MainMenu


class NoticeRead(CallbackData, prefix="nr"):
    notice_id: int


class NoticeDetail(CallbackData, prefix="nd"):
    notice_id: int


# Tried in order: the guardians' taps (anyone may tap; the service decides), then those
# allowed start the dialog or see /notices, then everyone else gets a clear answer.
acks = Router(name=__name__ + ".acks")
allowed = Router(name=__name__ + ".allowed")
allowed.message.filter(CanAnnounce())
allowed.callback_query.filter(CanAnnounce())
refused = Router(name=__name__ + ".refused")
router = Router(name=__name__)
router.include_routers(acks, allowed, refused)
# Typed "收到" is looked at last among the handlers (handlers/__init__.py): another
# feature waiting for the guardian's words (a check-in note) must get them first.
typed_router = Router(name=__name__ + ".typed")


# ------------------------------------------------------------ "I have read it"


async def _settle(query: CallbackQuery, line: str) -> None:
    """The notice loses its button and shows that it was read."""
    message = query.message
    if not isinstance(message, Message):
        return
    try:
        if message.text:
            await message.edit_text(f"{message.text}\n\n{line}", reply_markup=None)
        else:
            await message.edit_reply_markup(reply_markup=None)
    except TelegramBadRequest as exc:
        log.debug("could not edit the notice: %s", exc)


@acks.callback_query(NoticeRead.filter())
async def on_read(
    query: CallbackQuery, callback_data: NoticeRead, session: AsyncSession, clock: Clock,
    translator: Translator, actor: Actor, t: Translate,
) -> None:
    result = await svc.acknowledge(session, clock, actor, callback_data.notice_id)
    if result.outcome == svc.AckOutcome.NOT_RECIPIENT:
        await query.answer(t("announce-read-not-yours"), show_alert=True)
        return
    when = (
        svc.local_time(translator, t.language, result.read_at, result.timezone)  # type: ignore[attr-defined]
        if result.read_at is not None
        else ""
    )
    if result.outcome == svc.AckOutcome.RECORDED:
        await query.answer(t("announce-read-toast"))
        await _settle(query, t("announce-read-thanks", when=when))
        return
    await query.answer(t("announce-read-already", when=when), show_alert=True)
    await _settle(query, t("announce-read-thanks", when=when))


class TypedAck(Filter):
    """A guardian types "收到" / "已阅" instead of tapping, while a notice waits for them."""

    async def __call__(
        self, message: Message, session: AsyncSession, clock: Clock, translator: Translator,
        actor: Actor | None = None, **_: Any,
    ) -> bool:
        return (
            actor is not None
            and actor.is_guardian
            and svc.looks_like_ack(translator, message.text)
            and await svc.has_unread(session, clock, actor)
        )


@typed_router.message(F.text, NoTaskOpen(), TypedAck())
async def typed_ack(message: Message, t: Translate) -> None:
    await message.answer(t("announce-typed-ack"))


# ----------------------------------------------------------------- /announce


@allowed.message(Command("announce"))
async def announce(
    message: Message, dialog_manager: DialogManager, session: AsyncSession, actor: Actor, t: Translate
) -> None:
    if not await audiences_for(session, actor):
        await message.answer(t("announce-no-audience"))
        return
    await dialog_manager.start(Announce.kind, mode=StartMode.RESET_STACK)


@refused.message(Command("announce"))
async def not_allowed(message: Message, t: Translate) -> None:
    await message.answer(t("announce-only-staff"))


# ------------------------------------------------------------------ /notices


@allowed.message(Command("notices"))
async def notices(
    message: Message, session: AsyncSession, translator: Translator, actor: Actor, t: Translate
) -> None:
    found = await svc.notices_for(session, translator, t.language, actor)  # type: ignore[attr-defined]
    if not found:
        await message.answer(t("announce-list-empty"))
        return
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=n.label, callback_data=NoticeDetail(notice_id=n.notice_id).pack())]
            for n in found
        ]
    )
    await message.answer(t("announce-list-head"), reply_markup=markup)


@allowed.callback_query(NoticeDetail.filter())
async def notice_detail(
    query: CallbackQuery, callback_data: NoticeDetail, session: AsyncSession, translator: Translator,
    actor: Actor, t: Translate,
) -> None:
    text = await svc.notice_detail(session, translator, t.language, actor, callback_data.notice_id)  # type: ignore[attr-defined]
    if text is None:
        await query.answer(t("announce-detail-not-allowed"), show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(text)
    else:
        await query.bot.send_message(query.from_user.id, text)  # type: ignore[union-attr]


@refused.message(Command("notices"))
async def notices_not_allowed(message: Message, t: Translate) -> None:
    await message.answer(t("announce-notices-only-staff"))


@refused.callback_query(NoticeDetail.filter())
async def detail_not_allowed(query: CallbackQuery, t: Translate) -> None:
    await query.answer(t("announce-detail-not-allowed"), show_alert=True)
