from aiogram.fsm.state import State, StatesGroup


class MainMenu(StatesGroup):
    main = State()
