"""Dialog state survives a restart (database storage) and works on Redis when configured."""

from __future__ import annotations

import os
import uuid

import pytest
from aiogram.fsm.storage.base import StorageKey

from bot.factory import create_dispatcher, create_storage
from bot.settings import Settings
from bot.storage import SqlStorage
from tests.support.chat import ChatDriver
from tests.support.mocked_bot import MockedBot


async def test_sql_storage_round_trip_and_cleanup(session_pool) -> None:
    storage = SqlStorage(session_pool)
    key = StorageKey(bot_id=1, chat_id=2, user_id=2, destiny="default")
    assert await storage.get_state(key) is None
    await storage.set_state(key, "Menu:main")
    await storage.set_data(key, {"page": 3, "names": ["a"]})
    assert await storage.get_state(key) == "Menu:main"
    assert await storage.get_data(key) == {"page": 3, "names": ["a"]}
    await storage.set_state(key, None)
    await storage.set_data(key, {})
    assert await storage.count() == 0, "empty state leaves no row behind"


async def test_an_open_menu_survives_a_restart(settings: Settings, session_pool, clock) -> None:
    """After a restart (a new dispatcher on the same database) a tap on the menu opened
    before the restart still works instead of answering 'button expired'."""
    bot = MockedBot()
    before = ChatDriver(create_dispatcher(settings, session_pool, clock=clock), bot)
    user = before.user(9001, language="en")
    await before.send(user, "/language")
    after = ChatDriver(create_dispatcher(settings, session_pool, clock=clock), bot)
    replies = await after.tap(user, "English")
    assert "expired" not in replies.text


@pytest.mark.redis
async def test_redis_storage_is_selected_by_settings(settings: Settings, session_pool) -> None:
    url = os.environ.get("JIAXIAO_TEST_REDIS_URL")
    if not url:
        pytest.skip("JIAXIAO_TEST_REDIS_URL not set")
    redis_settings = settings.model_copy(update={"redis_url": url})
    storage, isolation = create_storage(redis_settings, session_pool)
    key = StorageKey(bot_id=1, chat_id=int(uuid.uuid4().int % 10**9), user_id=5, destiny="default")
    try:
        await storage.set_state(key, "Menu:main")
        assert await storage.get_state(key) == "Menu:main"
        async with isolation.lock(key):
            pass
    finally:
        await storage.set_state(key, None)
        await storage.close()


@pytest.mark.redis
async def test_a_dialog_runs_on_redis_and_survives_a_restart(
    settings: Settings, session_pool, clock
) -> None:
    """The same menu flow as above with state in Redis (the several-process setup)."""
    url = os.environ.get("JIAXIAO_TEST_REDIS_URL")
    if not url:
        pytest.skip("JIAXIAO_TEST_REDIS_URL not set")
    redis_settings = settings.model_copy(update={"redis_url": url})
    bot = MockedBot()
    user_id = 10**9 + uuid.uuid4().int % 10**9  # no clash with an earlier run's keys
    before_dp = create_dispatcher(redis_settings, session_pool, clock=clock)
    before = ChatDriver(before_dp, bot)
    user = before.user(user_id, language="en")
    try:
        await before.send(user, "/language")
        assert await SqlStorage(session_pool).count() == 0, "state went to Redis, not SQL"
        after_dp = create_dispatcher(redis_settings, session_pool, clock=clock)
        replies = await ChatDriver(after_dp, bot).tap(user, "中文")
        assert "expired" not in replies.text and "过期" not in replies.text
        assert "已切换" in replies.text or "中文" in replies.text
        await after_dp.storage.close()
    finally:
        await before_dp.storage.close()
