"""The error handler's answer: an internal failure says nothing was saved; a failure of
Telegram itself (the update's writes were committed before the bot spoke) does not claim
that, and a failed apology is logged, not raised again."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from aiogram.exceptions import TelegramServerError
from aiogram.methods import AnswerCallbackQuery, SendMessage

from locales import Translator
from tests.support.chat import ChatDriver
from tests.support.mocked_bot import MockedBot


def _fail(bot: MockedBot, method: type, times: int = 1) -> list[Any]:
    """The next `times` calls of `method` fail as a 502 would; returns what was refused."""
    session = bot.session
    real = session.make_request
    refused: list[Any] = []

    async def make_request(b: Any, call: Any, timeout: int | None = None) -> Any:
        if isinstance(call, method) and len(refused) < times:
            refused.append(call)
            raise TelegramServerError(call, "Bad Gateway")
        return await real(b, call, timeout)

    session.make_request = make_request  # type: ignore[method-assign]
    return refused


async def test_telegram_failure_on_a_tap_does_not_claim_nothing_was_saved(
    tg: ChatDriver, bot: MockedBot, translator: Translator, caplog: pytest.LogCaptureFixture
) -> None:
    user = tg.user(5101, language="zh-hans")
    await tg.send(user, "/language")
    refused = _fail(bot, SendMessage)  # "OK, I will write to you in English", after the save
    replies = await tg.tap(user, "English")
    assert refused, "the language dialog should have confirmed the choice"
    answers = [c.text for c in replies.of(AnswerCallbackQuery) if c.text]
    # The apology speaks the language the update began in; it does not claim "not saved".
    assert translator.get("error-telegram", "zh_Hans") in answers, answers
    assert translator.get("error-unexpected", "zh_Hans") not in replies.text
    # And indeed the choice was stored before the send failed.
    again = await tg.send(user, "/help")
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in again.text), again.text[:200]


async def test_failed_apology_is_logged_not_raised(
    tg: ChatDriver, bot: MockedBot, caplog: pytest.LogCaptureFixture
) -> None:
    user = tg.user(5102, language="zh-hans")
    refused = _fail(bot, SendMessage, times=2)  # the reply, then the apology
    with caplog.at_level(logging.WARNING):
        await tg.send(user, "/help")
    assert len(refused) == 2
    assert any("could not tell the user" in r.getMessage() for r in caplog.records)
