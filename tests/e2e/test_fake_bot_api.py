"""The fake Bot API server itself, driven by a real aiogram Bot over HTTP.

These guard the end-to-end suite against false greens: if the limiter never answered 429,
or pushed updates never reached a long poll, the e2e tests would prove nothing.
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)

from tests.e2e.fake_bot_api import BOT_USERNAME, FakeBotApi, Limits


@pytest.fixture
async def tg_bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))
    bot = Bot(api.token, session=session)
    yield bot
    await bot.session.close()


async def test_get_me_and_unknown_method(api: FakeBotApi, tg_bot: Bot) -> None:
    me = await tg_bot.get_me()
    assert me.username == BOT_USERNAME
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{api.base_url}/bot{api.token}/noSuchMethod") as resp:
            assert resp.status == 404
            assert (await resp.json())["ok"] is False
        async with http.post(f"{api.base_url}/bot1:wrong/getMe") as resp:
            assert resp.status == 401


async def test_long_poll_wakes_on_push_and_offset_confirms(api: FakeBotApi, tg_bot: Bot) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(tg_bot.get_updates(timeout=20, request_timeout=30))
    await api.wait_polling()
    api.push_text(1001, "/start abc")
    updates = await poll
    assert time.monotonic() - started < 15, "the push did not wake the long poll"
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None and message.text == "/start abc"
    assert message.from_user is not None and message.from_user.id == 1001
    # Not confirmed yet: delivered again; confirmed by the next offset: gone.
    again = await tg_bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [updates[0].update_id]
    assert await tg_bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == []
    # An empty long poll returns after its timeout, not before.
    started = time.monotonic()
    assert await tg_bot.get_updates(timeout=1) == []
    assert time.monotonic() - started >= 0.9


async def test_messages_markup_callbacks_and_commands(api: FakeBotApi, tg_bot: Bot) -> None:
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="好", callback_data="ok")]]
    )
    sent = await tg_bot.send_message(1001, "你好", reply_markup=markup)
    assert [m.text for m in api.messages_to(1001)] == ["你好"]
    assert api.messages_to(1001)[0].button_texts() == ["好"]

    callback_id = api.press(1001, "好")
    updates = await tg_bot.get_updates(timeout=0)
    query = updates[-1].callback_query
    assert query is not None and query.data == "ok" and query.message is not None
    assert query.message.message_id == sent.message_id
    await tg_bot.answer_callback_query(callback_id, text="收到")
    assert api.callback_answers[callback_id]["text"] == "收到"

    await tg_bot.edit_message_text("再见", chat_id=1001, message_id=sent.message_id)
    assert api.texts_to(1001) == ["你好", "再见"]
    with pytest.raises(TelegramBadRequest, match="not modified"):
        await tg_bot.edit_message_text("再见", chat_id=1001, message_id=sent.message_id)

    await tg_bot.set_my_commands(
        [BotCommand(command="help", description="帮助")],
        scope=BotCommandScopeChat(chat_id=1001), language_code="zh-hans",
    )
    assert api.commands_for(1001) == ["help"]
    assert [c.command for c in await tg_bot.get_my_commands(
        scope=BotCommandScopeChat(chat_id=1001), language_code="zh-hans"
    )] == ["help"]


async def test_documents_round_trip(api: FakeBotApi, tg_bot: Bot) -> None:
    api.push_document(1001, "roster.xlsx", b"PK\x03\x04 spreadsheet")
    update = (await tg_bot.get_updates(timeout=0))[-1]
    assert update.message is not None and update.message.document is not None
    buffer = io.BytesIO()
    await tg_bot.download(update.message.document.file_id, destination=buffer)
    assert buffer.getvalue() == b"PK\x03\x04 spreadsheet"

    await tg_bot.send_document(1001, BufferedInputFile(b"a,b\n1,2\n", filename="errors.csv"))
    sent = api.messages_to(1001)[-1]
    assert sent.document is not None
    assert (sent.document.file_name, sent.document.data) == ("errors.csv", b"a,b\n1,2\n")


async def test_limits_answer_429_with_retry_after(api: FakeBotApi, tg_bot: Bot) -> None:
    # A slow refill of the total keeps the count exact however slow this machine is.
    api.limits = Limits(total_rate=0.5, total_burst=30, chat_rate=1, chat_burst=3)
    for n in range(3):
        await tg_bot.send_message(1001, f"burst {n}")
    with pytest.raises(TelegramRetryAfter) as exc:
        await tg_bot.send_message(1001, "one too many")
    assert exc.value.retry_after >= 1
    # Other chats are still open, until the total of 30 is spent.
    for chat in range(2000, 2027):
        await tg_bot.send_message(chat, "hi")
    with pytest.raises(TelegramRetryAfter):
        await tg_bot.send_message(3000, "over the total")
    assert api.too_many_requests == 2
    assert api.deliveries == 30


async def test_injected_failures(api: FakeBotApi, tg_bot: Bot) -> None:
    api.faults.blocked_chats.add(7)
    api.faults.missing_chats.add(8)
    with pytest.raises(TelegramForbiddenError, match="blocked"):
        await tg_bot.send_message(7, "x")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await tg_bot.send_message(8, "x")
    api.faults.error_rate = 1.0
    with pytest.raises(TelegramServerError):
        await tg_bot.send_message(9, "x")
    api.faults.error_rate = 0.0
    api.faults.drop_rate = 1.0
    with pytest.raises(TelegramNetworkError):
        await tg_bot.send_message(9, "x")
    api.faults.drop_after_delivery = True
    with pytest.raises(TelegramNetworkError):
        await tg_bot.send_message(9, "delivered but unanswered")
    assert api.texts_to(9) == ["delivered but unanswered"]
    api.faults.drop_rate = 0.0
    api.faults.hang_rate, api.faults.hang_seconds = 1.0, 5.0
    with pytest.raises(TelegramNetworkError):
        await tg_bot.send_message(9, "x", request_timeout=1)
