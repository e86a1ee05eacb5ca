"""What /returns, /home and /holidays show, and the main menu's buttons that open them.

Not a dialog with windows: each answer is one message with buttons whose taps are
handled in handlers/returns.py (the same buttons the outbox messages carry), so there is
no dialog state to go stale.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.kbd import Button
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import School
from db.models.returns import HOME_CONFIRMED
from locales import Translator
from services import returns as svc
from services.access import Actor
from services.clock import Clock, local_today

# One Telegram message holds 4,096 characters; a whole school's list is cut into parts.
MAX_CHARS = 3500
MAX_BUTTONS = 40

Reply = tuple[str, InlineKeyboardMarkup | None]


def _markup(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup | None:
    return InlineKeyboardMarkup(inline_keyboard=rows[:MAX_BUTTONS]) if rows else None


def _chunks(lines: list[str]) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        if current and size + len(line) + 1 > MAX_CHARS:
            parts.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        parts.append("\n".join(current))
    return parts


async def teacher_view(
    session: AsyncSession, clock: Clock, translator: Translator, actor: Actor, lang: str
) -> list[Reply]:
    """/returns: per class, who has and has not confirmed; a "by phone" button for each
    unconfirmed child of a class the actor heads (or of the school they run)."""
    views = await svc.views_for(session, clock, actor)
    if not views:
        return [(translator.get("returns-none", lang), None)]
    rows = [
        [InlineKeyboardButton(
            text=translator.get("returns-button-by-phone", lang, child=child.name),
            callback_data=svc.phone_data(child.return_id),
        )]
        for view in views
        for cls in view.classes
        if cls.may_phone
        for child in cls.unconfirmed
    ]
    parts = _chunks(svc.summary_lines(translator, lang, views))
    return [(text, _markup(rows) if i == len(parts) - 1 else None) for i, text in enumerate(parts)]


async def guardian_view(
    session: AsyncSession, clock: Clock, translator: Translator, actor: Actor, lang: str
) -> Reply:
    """/home: the guardian's children in a current round, with one button each: "home"
    until the day before school starts again, then "set off back to school"."""
    children = await svc.guardian_open(session, clock, actor)
    if not children:
        return translator.get("returns-guardian-none", lang), None
    lines = [translator.get("returns-guardian-title", lang)]
    rows = []
    for child in children:
        status = translator.get(f"returns-status-{child.status.replace('_', '-')}", lang)
        if child.set_off:
            status = translator.get("returns-view-set-off", lang)
        lines.append(translator.get("returns-guardian-line", lang, child=child.name, status=status))
        if child.set_off_open:
            if not child.set_off and not child.back:
                rows.append([InlineKeyboardButton(
                    text=translator.get("returns-button-set-off", lang, child=child.name),
                    callback_data=svc.set_off_data(child.return_id),
                )])
        elif child.status not in HOME_CONFIRMED:
            rows.append([InlineKeyboardButton(
                text=translator.get("returns-button-home-child", lang, child=child.name),
                callback_data=svc.answer_data(child.return_id, svc.HOME),
            )])
    return "\n".join(lines), _markup(rows)


async def holidays_view(
    session: AsyncSession, clock: Clock, translator: Translator, actor: Actor, lang: str
) -> Reply | None:
    """/holidays: a button per school the actor runs and year (this one and the next)."""
    rows = []
    for school_id in sorted(actor.admin_school_ids):
        school = await session.get(School, school_id)
        if school is None:
            continue
        today: date = local_today(clock, ZoneInfo(school.timezone))
        for year in (today.year, today.year + 1):
            rows.append([InlineKeyboardButton(
                text=translator.get("holidays-button-year", lang, year=str(year), school=school.name),
                callback_data=f"hpf:{school.id}:{year}",
            )])
    if not rows:
        return None
    return translator.get("holidays-choose", lang), _markup(rows)


def _deps(manager: DialogManager) -> tuple[AsyncSession, Clock, Translator, Actor, str]:
    data: dict[str, Any] = manager.middleware_data
    t = data["t"]
    return data["session"], data["clock"], data["translator"], data["actor"], t.language


async def on_menu_button(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    """The teachers' menu button: the same as /returns."""
    session, clock, translator, actor, lang = _deps(manager)
    await callback.answer()
    if callback.message is not None:
        for text, markup in await teacher_view(session, clock, translator, actor, lang):
            await callback.message.answer(text, reply_markup=markup)


async def on_guardian_menu_button(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    """The guardians' menu button: the same as /home."""
    session, clock, translator, actor, lang = _deps(manager)
    await callback.answer()
    if callback.message is not None:
        text, markup = await guardian_view(session, clock, translator, actor, lang)
        await callback.message.answer(text, reply_markup=markup)
