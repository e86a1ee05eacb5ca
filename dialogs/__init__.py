"""aiogram-dialog dialogs, one module per dialog; states live in dialogs/states.py."""

from aiogram_dialog import Dialog

from dialogs import announce, invite_guardian, invite_teacher, language, main_menu, roster


def get_dialogs() -> list[Dialog]:
    return [main_menu.dialog, language.dialog, invite_teacher.dialog, invite_guardian.dialog, roster.dialog, announce.dialog]
