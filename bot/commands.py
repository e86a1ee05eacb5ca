"""The bot's command menu (the "/" button), per role and language.

Newcomers see the default list; once someone joins, their own chat gets a list of only
the commands their roles can use. Telegram picks the list by scope: chat first, then the
default scope in the user's app language, then the default scope without a language.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from locales import LANGUAGES, Translator

log = logging.getLogger(__name__)

NEWCOMER_COMMANDS = ("start", "help", "language")
# Extra commands per role, in menu order; every one has a handler in handlers/start.py.
ROLE_COMMANDS: dict[str, tuple[str, ...]] = {
    "guardian": ("absent", "home", "contact"),
    "teacher": ("class", "student", "visit", "parentcontact", "returns", "mentor", "incident", "checkin"),
    "head_teacher": ("attendance", "announce", "notices", "census", "dropout", "reports", "digest"),
    "counsellor": ("counsel",),
    "school_admin": (
        "attendance", "announce", "notices", "invite", "roster", "calendar", "holidays", "status", "dropout", "student",
        "visit", "parentcontact", "returns", "mentor", "counsel", "incident", "checkin", "census", "reports", "digest",
        "audit",
    ),
    "bureau_officer": ("schools", "dropout", "student", "incident", "reports", "audit"),
}
# Telegram wants ISO 639-1 codes for language_code.
TELEGRAM_LANGUAGE = {"zh_Hans": "zh", "en": "en"}


def commands_for(roles: Iterable[str]) -> list[str]:
    names = list(NEWCOMER_COMMANDS)
    for role in ROLE_COMMANDS:
        if role in roles:
            names.extend(c for c in ROLE_COMMANDS[role] if c not in names)
    return names


def bot_commands(names: Iterable[str], translator: Translator, language: str) -> list[BotCommand]:
    return [
        BotCommand(command=name, description=translator.get(f"command-{name}", language))
        for name in names
    ]


async def set_default_commands(bot: Bot, translator: Translator) -> None:
    """At start-up: the newcomer menu in each language, and in the default language for
    apps set to any other language."""
    for language in LANGUAGES:
        await bot.set_my_commands(
            bot_commands(NEWCOMER_COMMANDS, translator, language),
            scope=BotCommandScopeDefault(),
            language_code=TELEGRAM_LANGUAGE[language],
        )
    await bot.set_my_commands(
        bot_commands(NEWCOMER_COMMANDS, translator, translator.default),
        scope=BotCommandScopeDefault(),
    )


async def set_chat_commands(
    bot: Bot, translator: Translator, chat_id: int, roles: Iterable[str], language: str
) -> None:
    """After someone joins, gains a role or changes language. A failure here must not
    undo their joining, so it is logged, not raised."""
    try:
        await bot.set_my_commands(
            bot_commands(commands_for(roles), translator, language),
            scope=BotCommandScopeChat(chat_id=chat_id),
        )
    except TelegramAPIError as exc:
        log.warning("setMyCommands for a chat failed: %s", exc)
