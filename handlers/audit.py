"""/audit: a school admin gets their school's audit log, a bureau officer their county's,
for the last 30 days, as a spreadsheet (ids only, as stored: services.audit). Everybody
else gets a short refusal. Asking for the log is not itself logged: it names no child."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, Message
from sqlalchemy.ext.asyncio import AsyncSession

from locales import Translate, Translator
from services import audit
from services.access import Actor
from services.clock import Clock

router = Router(name=__name__)

AUDIT_DAYS = 30


@router.message(Command("audit"))
async def audit_log(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock, t: Translate, lang: str,
    translator: Translator,
) -> None:
    if not (actor.admin_school_ids or actor.bureau_county_ids):
        await message.answer(t("audit-bot-not-allowed"))
        return
    now = clock.now()
    rows = await audit.entries(session, since=now - timedelta(days=AUDIT_DAYS), viewer=actor)
    if not rows:
        await message.answer(t("audit-bot-empty", days=AUDIT_DAYS))
        return
    content = audit.build_sheet(rows, lang, translator)
    name = f"{t('audit-sheet-title')}-{now.date().isoformat()}.xlsx".replace(" ", "-")
    await message.answer_document(
        BufferedInputFile(content, filename=name),
        caption=t("audit-bot-caption", days=AUDIT_DAYS, count=len(rows)),
    )
