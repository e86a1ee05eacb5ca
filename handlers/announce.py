"""/announce: school admins (whole school) and head teachers (their class) notify guardians."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.filters import Command, Filter
from aiogram.types import Message, TelegramObject
from aiogram_dialog import DialogManager, StartMode
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.states import Announce
from locales import Translate
from services.access import Actor
from services.announcements import audiences_for, may_announce


class CanAnnounce(Filter):
    async def __call__(self, event: TelegramObject, actor: Actor | None = None, **_: Any) -> bool:
        return actor is not None and may_announce(actor)


# Tried in order: those allowed start the dialog, everyone else gets a clear answer.
allowed = Router(name=__name__ + ".allowed")
allowed.message.filter(CanAnnounce())
refused = Router(name=__name__ + ".refused")
router = Router(name=__name__)
router.include_routers(allowed, refused)


@allowed.message(Command("announce"))
async def announce(
    message: Message, dialog_manager: DialogManager, session: AsyncSession, actor: Actor, t: Translate
) -> None:
    if not await audiences_for(session, actor):
        await message.answer(t("announce-no-audience"))
        return
    await dialog_manager.start(Announce.audience, mode=StartMode.RESET_STACK)


@refused.message(Command("announce"))
async def not_allowed(message: Message, t: Translate) -> None:
    await message.answer(t("announce-only-staff"))
