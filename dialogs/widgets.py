"""Text widgets that read every word from locales/ in the current user's language."""

from __future__ import annotations

from typing import Any

from aiogram_dialog.api.protocols import DialogManager
from aiogram_dialog.widgets.common import WhenCondition
from aiogram_dialog.widgets.text import Text


class T(Text):
    """T("menu-title") renders a locale key; `{name}`-style data from the getter is passed
    to the Fluent message as variables of the same names."""

    def __init__(self, key: str, when: WhenCondition = None, **static: Any) -> None:
        super().__init__(when=when)
        self.key = key
        self.static = static

    async def _render_text(self, data: dict[str, Any], manager: DialogManager) -> str:
        t = manager.middleware_data["t"]
        params = {**data, **self.static}
        params = {k: v for k, v in params.items() if isinstance(v, str | int | float)}
        return t(self.key, **params)
