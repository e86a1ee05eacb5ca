"""Intent ids do not repeat within a second (bot/dialog_ids.py)."""

from __future__ import annotations

from aiogram_dialog.api.entities.stack import Stack, new_id

import bot.factory  # noqa: F401  (installs the id generator, as production does)


def test_ids_made_in_the_same_second_do_not_repeat() -> None:
    # aiogram-dialog's own generator has 100 values per second: 1,000 ids would repeat.
    ids = [new_id() for _ in range(1000)]
    assert len(set(ids)) == 1000
    assert all(1 <= len(i) <= 6 for i in ids)  # callback data stays as short as before
    stacks = {Stack().id for _ in range(1000)}
    assert len(stacks) == 1000
