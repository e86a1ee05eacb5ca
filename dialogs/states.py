from aiogram.fsm.state import State, StatesGroup


class MainMenu(StatesGroup):
    main = State()


class Roster(StatesGroup):
    """An admin uploads the roster spreadsheet or downloads the blank template."""

    upload = State()


class Language(StatesGroup):
    choose = State()


class InviteTeacher(StatesGroup):
    """An admin creates a one-time invite link for a teacher."""

    choose_role = State()
    show_link = State()
