"""Dialog intent ids that do not repeat.

aiogram-dialog 2.6 makes an intent id from the current second plus one of 100 random
values (`aiogram_dialog.api.entities.stack.new_int_id`), so two dialogs a person opens
within the same second share the id one time in a hundred. Then a button of the old menu
is not stale but drives the new one — a test caught it (tests/test_menu.py, the stale
button after a second /start). Here the id is drawn from the same 6-character space
(62**6 values) by `secrets`, so callback data stays as short as before.
"""

from __future__ import annotations

import secrets

from aiogram_dialog.api.entities import stack as _stack

ID_SPACE = 62**6


def new_int_id() -> int:
    return secrets.randbelow(ID_SPACE - 1) + 1


def install() -> None:
    # new_id() looks new_int_id up in its module at each call, for Stack and Context ids.
    _stack.new_int_id = new_int_id


install()
