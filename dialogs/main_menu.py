"""The menu each role sees after /start: only what that role can do."""

from __future__ import annotations

from typing import Any

from aiogram_dialog import Dialog, DialogManager, Window

from dialogs.common import tap_hint
from dialogs.states import MainMenu
from dialogs.widgets import T
from services.access import Actor


async def get_menu(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    actor: Actor = dialog_manager.middleware_data["actor"]
    return {
        "name": actor.name or "",
        "is_newcomer": not actor.is_known,
        "is_guardian": actor.is_guardian,
        "is_teacher": actor.is_teacher,
        "is_admin": actor.is_school_admin,
        "is_bureau": actor.is_bureau_officer,
    }


dialog = Dialog(
    Window(
        T("menu-newcomer", when="is_newcomer"),
        T("menu-known", when=lambda d, *_: not d["is_newcomer"]),
        tap_hint(),
        state=MainMenu.main,
        getter=get_menu,
    ),
    name="main_menu",
)
