"""An admin sends the roster spreadsheet; the bot checks it and imports it all or nothing.

A document a school admin sends from the menu is taken as a roster; the roster dialog takes
its own file (same code, `import_document`); inside any other dialog the file is that
dialog's to answer. Everyone else's files fall through to the dialogs and the fallback.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, Filter
from aiogram.types import BufferedInputFile, Message, TelegramObject
from aiogram_dialog import DialogManager, StartMode
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.states import MainMenu, Roster
from handlers.filters import IsSchoolAdmin
from locales import Translate
from services import roster
from services.access import Actor
from services.clock import Clock

log = logging.getLogger(__name__)
router = Router(name=__name__)
router.message.filter(IsSchoolAdmin)

TELEGRAM_TEXT_LIMIT = 4096


class NoTaskOpen(Filter):
    """True when the admin is at the menu or has no dialog open. A file sent in the middle
    of another task (say, while typing a notice) belongs to that task's dialog, which
    answers it; the roster dialog takes its own file itself."""

    async def __call__(self, event: TelegramObject, aiogd_context: Any = None, **_: Any) -> bool:
        return aiogd_context is None or aiogd_context.state.group is MainMenu


@router.message(Command("roster"))
async def open_roster(message: Message, dialog_manager: DialogManager) -> None:
    await dialog_manager.start(Roster.upload, mode=StartMode.RESET_STACK)


@router.message(F.document, NoTaskOpen())
async def roster_file(
    message: Message, bot: Bot, session: AsyncSession, actor: Actor, clock: Clock, t: Translate
) -> None:
    await import_document(message, bot, session, actor, clock, t)


async def import_document(
    message: Message, bot: Bot, session: AsyncSession, actor: Actor, clock: Clock, t: Translate
) -> None:
    document = message.document
    if document is None or not actor.admin_school_ids:
        await message.answer(t("fallback-other"))
        return
    school_id = min(actor.admin_school_ids)  # an admin of several schools: the first, for now
    if (document.file_size or 0) > roster.MAX_FILE_BYTES:
        problem = roster.Problem("too-large", params={"max_mb": roster.MAX_FILE_BYTES // 2**20})
        await message.answer(roster.render_problems([problem], t))
        return
    try:
        content = (await bot.download(document)).read()  # type: ignore[union-attr]
    except Exception as exc:
        # Only the error's kind: a download URL carries the bot token.
        log.warning("could not download a roster file for school %s: %s", school_id, type(exc).__name__)
        await message.answer(t("roster-download-failed"))
        return
    try:
        result = await roster.import_roster(
            session, clock, school_id, document.file_name or "", content, actor=actor
        )
    except roster.RosterInvalid as exc:
        await message.answer(_fit(exc.problems, t))
        return
    await message.answer(roster.render_result(result, t))


def _fit(problems: list[roster.Problem], t: Translate) -> str:
    """Up to 30 lines, fewer when long lines would pass Telegram's message limit."""
    limit = roster.MAX_SHOWN
    while True:
        text = roster.render_problems(problems, t, limit=limit)
        if len(text) <= TELEGRAM_TEXT_LIMIT or limit <= 1:
            return text[:TELEGRAM_TEXT_LIMIT]
        limit -= 5 if limit > 5 else 1


def template_file(t: Translate) -> BufferedInputFile:
    language = getattr(t, "language", None) or "zh_Hans"
    return BufferedInputFile(roster.build_template(language), filename=t("roster-template-filename"))
