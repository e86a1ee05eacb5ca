"""A guardian's tap is kept when Telegram refuses the tidy-up edit with flood control.

During a round of thousands the sender uses all of Telegram's ~30 messages/s, so the edit
that takes the buttons off a question ("✅ noted: … is home") can be answered 429. The
answer was recorded and the "thank you" toast shown; before the fix the 429 propagated,
the update's transaction was rolled back and the answer silently lost (found by
tests/e2e/test_returns_round.py). Same for the head teacher's "confirmed by phone"."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, EditMessageText
from sqlalchemy import select

from db.models import HomeReturn, HomeStatus
from tests.test_returns import FRIDAY_1630, GRANNY, HEAD, build_scene
from tests.test_returns_bot import question, tick


def _flood_on_edits(bot, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    refused: list[Any] = []
    real = bot.session.make_request

    async def make_request(bot_: Any, method: Any, timeout: int | None = None) -> Any:
        if isinstance(method, EditMessageText | EditMessageReplyMarkup):
            refused.append(method)
            raise TelegramRetryAfter(method, "Too Many Requests: retry after 3", retry_after=3)
        return await real(bot_, method, timeout)

    monkeypatch.setattr(bot.session, "make_request", make_request)
    return refused


async def test_home_and_by_phone_survive_a_429_on_the_edit(
    tg, bot, factory, session, session_pool, clock, settings, monkeypatch: pytest.MonkeyPatch,
) -> None:
    scene = await build_scene(factory, session)
    clock.set(FRIDAY_1630)
    await tick(session_pool, clock, settings, bot)
    refused = _flood_on_edits(bot, monkeypatch)

    message, home = question(bot, GRANNY, "小明到家了吗", "已到家")
    replies = await tg.press(tg.user(GRANNY), home, message)
    assert [a.text for a in replies.of(AnswerCallbackQuery)] == ["谢谢，收到了！"]
    assert len(refused) == 1  # the edit was tried, and refused
    async with session_pool() as s:
        row = await s.scalar(select(HomeReturn).where(HomeReturn.student_id == scene.xiaoming.id))
    assert (row.status, row.answered_by_id) == (HomeStatus.ARRIVED, scene.granny.id)

    monkeypatch.undo()
    clock.set(FRIDAY_1630 + timedelta(hours=4))
    await tick(session_pool, clock, settings, bot)
    refused = _flood_on_edits(bot, monkeypatch)
    message, by_phone = question(bot, HEAD, "还没有确认到家", "小丽 已电话确认到家")
    replies = await tg.press(tg.user(HEAD), by_phone, message)
    assert "☎️ 记下了：小丽已电话确认到家。" in replies.text
    assert len(refused) == 1
    async with session_pool() as s:
        row = await s.scalar(select(HomeReturn).where(HomeReturn.student_id == scene.xiaoli.id))
    assert (row.status, row.answered_by_id) == (HomeStatus.BY_PHONE, scene.head.id)
