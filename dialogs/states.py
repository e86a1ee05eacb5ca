from aiogram.fsm.state import State, StatesGroup


class MainMenu(StatesGroup):
    main = State()
    children = State()  # a guardian's children
    students = State()  # a teacher's students
    schools = State()  # a bureau officer's schools


class Roster(StatesGroup):
    """An admin uploads the roster spreadsheet or downloads the blank template."""

    upload = State()


class Language(StatesGroup):
    choose = State()


class InviteTeacher(StatesGroup):
    """An admin creates a one-time invite link for a teacher."""

    choose_role = State()
    show_link = State()


class InviteGuardian(StatesGroup):
    """A head teacher or admin makes a join link for a guardian whose number did not match."""

    student = State()
    guardian = State()
    show_link = State()


class Announce(StatesGroup):
    """An admin or head teacher sends a short notice to guardians."""

    audience = State()
    text = State()
    confirm = State()
    started = State()
