"""中文 / English: saved on the person, so every later reply and reminder uses it."""

from __future__ import annotations

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, ShowMode, StartMode, Window
from aiogram_dialog.widgets.kbd import Button, Cancel

from bot.commands import set_chat_commands
from dialogs.common import tap_hint
from dialogs.main_menu import newcomer_keyboard
from dialogs.states import Language, MainMenu
from dialogs.widgets import T
from locales import Translator
from services.access import Actor
from services.onboarding import TelegramAccount, set_language

# Button id → the language it selects.
CHOICES = {"zh_Hans": "zh_Hans", "en": "en"}


async def on_choose(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    language = CHOICES[button.widget_id or ""]
    data = manager.middleware_data
    actor: Actor = data["actor"]
    translator: Translator = data["translator"]
    chat_id = callback.message.chat.id if callback.message else callback.from_user.id
    account = TelegramAccount(
        user_id=callback.from_user.id, chat_id=chat_id,
        first_name=callback.from_user.first_name, last_name=callback.from_user.last_name,
        language=language,
    )
    await set_language(data["session"], data["clock"], account, language)
    t = translator.bind(language)
    # The rest of this update already speaks the new language.
    data["t"], data["lang"] = t, language
    await set_chat_commands(callback.bot, translator, chat_id, actor.roles, language)
    await callback.answer(t("language-saved"))
    if actor.is_known:
        await manager.start(MainMenu.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.EDIT)
        return
    await manager.reset_stack()
    if callback.message is not None:
        await callback.message.answer(t("menu-newcomer"), reply_markup=newcomer_keyboard(t))


dialog = Dialog(
    Window(
        T("language-choose"),
        Button(T("language-name-zh"), id="zh_Hans", on_click=on_choose),
        Button(T("language-name-en"), id="en", on_click=on_choose),
        Cancel(T("button-back")),
        tap_hint(),
        state=Language.choose,
    ),
    name="language",
)
