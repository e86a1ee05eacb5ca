"""An admin sends the roster spreadsheet; the bot checks it and imports it all or nothing."""

from __future__ import annotations

from aiogram import Router

router = Router(name=__name__)
