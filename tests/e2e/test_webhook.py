"""End to end: the real bot process in webhook mode, and a polling bot killed mid-update.

Webhook: the fake Bot API server posts updates to the bot's own HTTP server the way
Telegram does (tests/e2e/fake_bot_api.py: post_to_webhook), after the bot registered its
URL and secret with setWebhook.

SIGKILL: a guardian shares her number; the bot journals the update, the next getUpdates
confirms it to Telegram (which forgets it), and the process is killed while the update is
still being handled (JIAXIAO_TEST_HANDLER_DELAY holds it in its open transaction). After
the restart she is linked and welcomed exactly once.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.journal import HANDLER_DELAY_ENV
from db.models import Person, ReceivedUpdate
from locales import get_translator
from services.clock import SystemClock
from tests.e2e.fake_bot_api import FakeBotApi, FakeUser
from tests.e2e.harness import BotProcess
from tests.support.factory import Factory

pytestmark = pytest.mark.e2e

ZH = "zh_Hans"
T = get_translator()
SECRET = "e2e-webhook-secret_123"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def seed_guardian(bot: BotProcess, phone: str) -> int:
    async with bot.session() as session:
        factory = Factory(session, SystemClock())
        school = await factory.school("青山小学", await factory.county("青山县"))
        granny = await factory.person("孙奶奶", phone=phone)
        await factory.guardian_of(
            await factory.student(school, name="孙小宝", number="E2E000000000000077"), granny,
        )
        await session.commit()
        return granny.id


def linked_texts(api: FakeBotApi, chat_id: int) -> list[str]:
    prefix = T.get("onboarding-linked", ZH)
    return [t for t in api.texts_to(chat_id) if t.startswith(prefix)]


async def test_webhook_mode_over_http(api: FakeBotApi, bot_process: BotProcess) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/tg/hook"
    bot_process.extra_env.update({
        "WEBHOOK__ENABLED": "true", "WEBHOOK__URL": url, "WEBHOOK__SECRET": SECRET,
        "WEBHOOK__PORT": str(port),
    })
    granny_id = await seed_guardian(bot_process, "+8613911112222")
    await bot_process.start(timeout=60, wait_polling=False)
    await bot_process.wait_until(lambda: api.webhook is not None, 60, "setWebhook")
    assert api.webhook is not None
    assert api.webhook["url"] == url and api.webhook["secret_token"] == SECRET
    assert api.get_updates_calls == 0  # no polling in webhook mode

    granny = FakeUser(6001, first_name="孙奶奶")
    share = api.push_contact(granny, "+86 139 1111 2222", user_id=granny.id)
    # A stranger with the wrong secret is refused, and nothing is done.
    assert await api.post_to_webhook(share, secret="not-the-secret") == 401
    assert await api.post_to_webhook(share, secret="") == 401
    async with bot_process.session() as session:
        assert await session.get(ReceivedUpdate, share["update_id"]) is None
        assert (await session.get(Person, granny_id)).telegram_user_id is None  # type: ignore[union-attr]

    # Telegram's delivery: the 200 comes once she is linked (committed before the reply).
    assert await api.post_to_webhook(share) == 200
    async with bot_process.session() as session:
        person = await session.get(Person, granny_id)
        assert person is not None and person.telegram_user_id == granny.id
    assert len(linked_texts(api, granny.id)) == 1

    # Telegram sends it again (it never saw our 200): no second effect, no second reply.
    before = len(api.messages_to(granny.id))
    assert await api.post_to_webhook(share) == 200
    assert len(api.messages_to(granny.id)) == before

    import aiohttp

    async with aiohttp.ClientSession() as client, client.get(
        f"http://127.0.0.1:{port}/healthz"
    ) as response:
        assert response.status == 200
        assert await response.json() == {"status": "ok", "database": "ok"}
    assert await bot_process.stop() == 0, bot_process.log_tail()


async def test_polling_bot_killed_mid_update_handles_it_after_restart_once(
    api: FakeBotApi, bot_process: BotProcess, tmp_path: Path
) -> None:
    granny_id = await seed_guardian(bot_process, "+8613933334444")
    bot_process.extra_env[HANDLER_DELAY_ENV] = "60"
    await bot_process.start(timeout=60)

    granny = FakeUser(6002, first_name="孙奶奶")
    share = api.push_contact(granny, "+86 139 3333 4444", user_id=granny.id)
    uid = share["update_id"]
    # Telegram has been told it may forget the update: aiogram's own polling would lose it now.
    await bot_process.wait_until(lambda: api.confirmed_update_id >= uid, 20, "the confirmation")

    async def journaled(session: AsyncSession) -> ReceivedUpdate | None:
        return await session.get(ReceivedUpdate, uid)

    row = await bot_process.wait_for_db(journaled, what="the journal row")
    assert row.handled_at is None
    await bot_process.kill()
    assert linked_texts(api, granny.id) == []
    async with bot_process.session() as session:
        assert (await session.get(Person, granny_id)).telegram_user_id is None  # type: ignore[union-attr]

    del bot_process.extra_env[HANDLER_DELAY_ENV]
    await bot_process.start(timeout=60)
    await api.wait_for(lambda: linked_texts(api, granny.id), 20, "the welcome after restart")

    async def handled(session: AsyncSession) -> bool:
        row = await session.get(ReceivedUpdate, uid)
        person = await session.get(Person, granny_id)
        return bool(row and row.handled_at and person and person.telegram_user_id == granny.id)

    await bot_process.wait_for_db(handled, what="the update handled")
    assert await bot_process.stop() == 0, bot_process.log_tail()
    assert len(linked_texts(api, granny.id)) == 1
    async with bot_process.session() as session:
        people = await session.scalars(select(Person).where(Person.telegram_user_id == granny.id))
        assert len(list(people)) == 1
