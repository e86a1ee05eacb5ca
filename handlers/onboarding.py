"""Joining: an invite link (/start <token>) or sharing one's phone number."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import Message, ReplyKeyboardRemove, User
from aiogram_dialog import DialogManager, ShowMode, StartMode
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import set_chat_commands
from bot.settings import Settings
from dialogs.states import MainMenu
from locales import Translate, Translator
from services.access import Actor, load_actor
from services.clock import Clock
from services.invite_throttle import Throttled, ThrottleRules, redeem_throttled
from services.invites import Outcome
from services.onboarding import ContactOutcome, TelegramAccount, join_by_contact

router = Router(name=__name__)

_REFUSALS = {
    Outcome.EXPIRED: "invite-expired",
    Outcome.USED: "invite-used",
    Outcome.REVOKED: "invite-revoked",
    Outcome.UNKNOWN: "invite-unknown",
}

_CONTACT_REFUSALS = {
    ContactOutcome.NOT_YOURS: "onboarding-contact-not-yours",
    ContactOutcome.NO_MATCH: "onboarding-contact-no-match",
    ContactOutcome.TAKEN: "onboarding-contact-taken",
}


def account_of(user: User, chat_id: int, language: str) -> TelegramAccount:
    return TelegramAccount(
        user_id=user.id, chat_id=chat_id, first_name=user.first_name,
        last_name=user.last_name, language=language,
    )


@router.message(CommandStart(deep_link=True))
async def join_by_invite(
    message: Message,
    command: CommandObject,
    bot: Bot,
    session: AsyncSession,
    clock: Clock,
    translator: Translator,
    dialog_manager: DialogManager,
    lang: str,
    t: Translate,
    settings: Settings,
) -> None:
    assert message.from_user is not None
    account = account_of(message.from_user, message.chat.id, lang)
    rules = ThrottleRules.from_settings(settings)
    result = await redeem_throttled(session, clock, command.args or "", account, rules)
    if isinstance(result, Throttled):
        # Shown in the school's time, rounded up: "after 09:16" must not be too early.
        local = result.until.astimezone(settings.tz)
        if local.second or local.microsecond:
            local = local.replace(second=0, microsecond=0) + timedelta(minutes=1)
        await message.answer(t("invite-throttled", time=local.strftime("%H:%M")))
        return
    if result.outcome in _REFUSALS:
        await message.answer(t(_REFUSALS[result.outcome]))
        return
    if result.outcome is Outcome.OK:
        key = "invite-welcome-" + (result.role or "").replace("_", "-")
        await message.answer(t(key, place=result.place or ""), reply_markup=ReplyKeyboardRemove())
    else:
        await message.answer(t("invite-already-joined"))
    await _show_joined_menu(message, bot, session, translator, dialog_manager, lang)


@router.message(F.contact)
async def shared_contact(
    message: Message,
    bot: Bot,
    session: AsyncSession,
    clock: Clock,
    translator: Translator,
    dialog_manager: DialogManager,
    lang: str,
    t: Translate,
) -> None:
    assert message.from_user is not None and message.contact is not None
    account = account_of(message.from_user, message.chat.id, lang)
    contact = message.contact
    result = await join_by_contact(session, clock, account, contact.phone_number, contact.user_id)
    if result.outcome in _CONTACT_REFUSALS:
        await message.answer(t(_CONTACT_REFUSALS[result.outcome]))
        return
    if result.children:
        lines = "\n".join(
            t("onboarding-child-line", name=c.name, school=c.school) for c in result.children
        )
        text = t("onboarding-linked-children", children=lines)
    else:
        text = t("onboarding-linked")
    await message.answer(text, reply_markup=ReplyKeyboardRemove())
    await _show_joined_menu(message, bot, session, translator, dialog_manager, lang)


async def _show_joined_menu(
    message: Message,
    bot: Bot,
    session: AsyncSession,
    translator: Translator,
    dialog_manager: DialogManager,
    lang: str,
) -> None:
    """The person has new roles: their command menu and main menu change with them."""
    assert message.from_user is not None
    actor: Actor = await load_actor(session, message.from_user.id)
    dialog_manager.middleware_data["actor"] = actor
    await set_chat_commands(bot, translator, message.chat.id, actor.roles, actor.language or lang)
    await dialog_manager.start(MainMenu.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)
