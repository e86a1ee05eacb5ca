"""/start, /menu, /help, /language and the role commands of the command menu."""

from __future__ import annotations

import functools

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.state import State
from aiogram.types import Message
from aiogram_dialog import DialogManager, ShowMode, StartMode

from dialogs.main_menu import newcomer_keyboard
from dialogs.states import InviteTeacher, Language, MainMenu, Roster
from handlers.filters import HasRole, IsBureau, IsSchoolAdmin
from locales import LANGUAGES, Translate, get_translator
from services.access import Actor

router = Router(name=__name__)

ROLE_ORDER = ("school_admin", "bureau_officer", "teacher", "guardian")


@router.message(CommandStart(deep_link=False))
@router.message(Command("menu"))
async def start(message: Message, dialog_manager: DialogManager, actor: Actor, t: Translate) -> None:
    await show_menu(message, dialog_manager, actor, t)


async def show_menu(
    message: Message, dialog_manager: DialogManager, actor: Actor, t: Translate
) -> None:
    """Resets any open dialog: a newcomer gets the share-my-number keyboard, everyone
    else the menu of their roles."""
    if not actor.is_known:
        await dialog_manager.reset_stack()
        await message.answer(t("menu-newcomer"), reply_markup=newcomer_keyboard(t))
        return
    await dialog_manager.start(MainMenu.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


@router.message(Command("help"))
async def help_(message: Message, actor: Actor, t: Translate) -> None:
    await message.answer("\n\n".join(t("help-" + topic) for topic in help_topics(actor)))


def help_topics(actor: Actor) -> list[str]:
    topics = [role.replace("_", "-") for role in ROLE_ORDER if role in actor.roles]
    return topics or ["newcomer"]


def help_topic(actor: Actor) -> str:
    return help_topics(actor)[0]


@router.message(Command("language"))
@router.message(F.text.func(lambda text: bool(text) and text.strip() in _language_labels()))
async def language(message: Message, dialog_manager: DialogManager) -> None:
    await dialog_manager.start(Language.choose, show_mode=ShowMode.SEND)


@functools.cache
def _language_labels() -> frozenset[str]:
    """The newcomer keyboard's language button sends its label as text."""
    translator = get_translator()
    return frozenset(translator.get("language-button", lang) for lang in LANGUAGES)


async def _open_over_menu(dialog_manager: DialogManager, state: State) -> None:
    """A command opens its screen on top of the menu, so "Back" lands in the menu."""
    await dialog_manager.start(MainMenu.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.NO_UPDATE)
    await dialog_manager.start(state, show_mode=ShowMode.SEND)


@router.message(Command("class"), HasRole("teacher"))
async def my_class(message: Message, dialog_manager: DialogManager) -> None:
    await dialog_manager.start(MainMenu.students, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


@router.message(Command("schools"), IsBureau)
async def my_schools(message: Message, dialog_manager: DialogManager) -> None:
    await dialog_manager.start(MainMenu.schools, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


@router.message(Command("invite"), IsSchoolAdmin)
async def invite_teacher(message: Message, dialog_manager: DialogManager) -> None:
    await _open_over_menu(dialog_manager, InviteTeacher.choose_role)


@router.message(Command("roster"), IsSchoolAdmin)
async def roster(message: Message, dialog_manager: DialogManager) -> None:
    await _open_over_menu(dialog_manager, Roster.upload)


@router.message(Command("class", "schools", "invite", "roster"))
async def not_for_this_role(message: Message, t: Translate) -> None:
    await message.answer(t("command-not-available"))
