"""aiogram-dialog dialogs, one module per dialog; states live in dialogs/states.py."""

from aiogram_dialog import Dialog

from dialogs import main_menu


def get_dialogs() -> list[Dialog]:
    return [main_menu.dialog]
