"""Webhook mode and the update journal, through the real dispatcher and database.

The webhook app (bot/webhook.py) runs on aiohttp's test server; the bot is the recording
MockedBot. The feature under test is an invite redeemed by `/start <token>`: its first
handling makes a school admin and says welcome; handled a second time it would say
"this link has already been used", so a second effect is visible in the replies.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiogram import Dispatcher
from aiogram.methods import SendMessage
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.journal import UpdateJournal, install_journal
from bot.settings import SettingsError, WebhookSettings
from bot.webhook import SECRET_HEADER, check_webhook_settings, create_webhook_app
from db.models import Person, ReceivedUpdate, Staff
from db.repositories import updates as updates_repo
from locales import get_translator
from services import invites
from services.clock import FakeClock
from tests.support.factory import Factory
from tests.support.mocked_bot import MockedBot

SECRET = "s3cret-Token_for_tests"
PATH = "/telegram/hook"
ADMIN = 7001


def start_update(update_id: int, text: str, user_id: int = ADMIN) -> dict[str, Any]:
    command = text.split()[0]
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(datetime(2026, 11, 23, 1, 0, tzinfo=UTC).timestamp()),
            "chat": {"id": user_id, "type": "private"},
            "from": {"id": user_id, "is_bot": False, "first_name": "张校长", "language_code": "zh-hans"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
        },
    }


@pytest.fixture
def journal(session_pool: async_sessionmaker[AsyncSession], clock: FakeClock) -> UpdateJournal:
    return UpdateJournal(session_pool, clock, handler_delay=0)


@pytest.fixture
async def client(
    dp: Dispatcher, bot: MockedBot, journal: UpdateJournal,
    session_pool: async_sessionmaker[AsyncSession],
) -> AsyncIterator[TestClient]:
    install_journal(dp)
    app = create_webhook_app(
        bot=bot, dp=dp, journal=journal, session_pool=session_pool, secret=SECRET, path=PATH
    )
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def invite_token(factory: Factory, session: AsyncSession, clock: FakeClock) -> str:
    school = await factory.school("阳光小学")
    issued = await invites.create_invite(session, clock, "school_admin", school_id=school.id)
    await session.commit()
    return issued.token


async def admins(session: AsyncSession) -> int:
    return await session.scalar(
        select(func.count()).select_from(Staff).join(Person).where(Person.telegram_user_id == ADMIN)
    ) or 0


def sent_texts(bot: MockedBot) -> list[str]:
    return [r.text for r in bot.requests if isinstance(r, SendMessage)]


def welcomes(bot: MockedBot) -> int:
    """Welcome messages of the invite; "link already used" would show a second handling."""
    texts = sent_texts(bot)
    assert get_translator().get("invite-used", "zh_Hans") not in texts, texts
    return sum("欢迎" in t and "阳光小学" in t for t in texts)


async def test_wrong_or_missing_secret_is_refused_and_nothing_is_read(
    client: TestClient, bot: MockedBot, session: AsyncSession, factory: Factory, clock: FakeClock
) -> None:
    token = await invite_token(factory, session, clock)
    for headers in ({SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET + "x"}, {}):
        response = await client.post(PATH, json=start_update(1, f"/start {token}"), headers=headers)
        assert response.status == 401
    assert bot.requests == []
    assert await session.scalar(select(func.count()).select_from(ReceivedUpdate)) == 0
    assert await admins(session) == 0


async def test_right_secret_handles_once_and_a_resent_update_has_no_second_effect(
    client: TestClient, bot: MockedBot, session: AsyncSession, factory: Factory, clock: FakeClock
) -> None:
    token = await invite_token(factory, session, clock)
    update = start_update(5, f"/start {token}")
    response = await client.post(PATH, json=update, headers={SECRET_HEADER: SECRET})
    assert response.status == 200
    # Committed before the answer: the admin exists as soon as Telegram has its 200.
    assert await admins(session) == 1
    assert welcomes(bot) == 1
    calls = len(bot.requests)

    # Telegram did not get the 200 (say the connection dropped) and sends it again.
    response = await client.post(PATH, json=update, headers={SECRET_HEADER: SECRET})
    assert response.status == 200
    assert len(bot.requests) == calls  # no "link already used", nothing at all
    assert await admins(session) == 1
    row = await session.get(ReceivedUpdate, 5)
    assert row is not None and row.handled_at is not None
    assert row.payload is None  # the handled update's text (a token, names) is not kept


async def test_the_same_update_posted_twice_at_once_is_handled_once(
    client: TestClient, bot: MockedBot, session: AsyncSession, factory: Factory, clock: FakeClock
) -> None:
    token = await invite_token(factory, session, clock)
    update = start_update(6, f"/start {token}")
    first, second = await asyncio.gather(
        client.post(PATH, json=update, headers={SECRET_HEADER: SECRET}),
        client.post(PATH, json=update, headers={SECRET_HEADER: SECRET}),
    )
    assert (first.status, second.status) == (200, 200)
    assert welcomes(bot) == 1
    assert await admins(session) == 1


async def test_a_failure_answers_500_and_the_resend_is_handled(
    client: TestClient, bot: MockedBot, session: AsyncSession, factory: Factory, clock: FakeClock,
    journal: UpdateJournal, monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = await invite_token(factory, session, clock)
    update = start_update(9, f"/start {token}")
    real_handle = journal.handle

    async def broken(*args: Any, **kwargs: Any) -> bool:
        raise ConnectionError("database went away")

    monkeypatch.setattr(journal, "handle", broken)
    response = await client.post(PATH, json=update, headers={SECRET_HEADER: SECRET})
    assert response.status == 500  # Telegram will send it again
    assert await admins(session) == 0
    row = await session.get(ReceivedUpdate, 9)
    assert row is not None and row.handled_at is None and row.payload  # kept for a retry

    monkeypatch.setattr(journal, "handle", real_handle)
    response = await client.post(PATH, json=update, headers={SECRET_HEADER: SECRET})
    assert response.status == 200
    assert await admins(session) == 1
    assert welcomes(bot) == 1


async def test_not_an_update_is_refused(client: TestClient) -> None:
    response = await client.post(PATH, data=b"{not json", headers={SECRET_HEADER: SECRET})
    assert response.status == 400


async def test_health_says_whether_the_database_answers(
    dp: Dispatcher, bot: MockedBot, journal: UpdateJournal, client: TestClient,
    session_pool: async_sessionmaker[AsyncSession],
) -> None:
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok", "database": "ok"}

    class Down:
        def __call__(self) -> Any:
            raise OSError("no database")

    app = create_webhook_app(
        bot=bot, dp=dp, journal=journal, session_pool=Down(),  # type: ignore[arg-type]
        secret=SECRET, path=PATH,
    )
    async with TestClient(TestServer(app)) as down:
        response = await down.get("/healthz")
        assert response.status == 503
        assert (await response.json())["database"] == "unreachable"


async def test_an_update_journaled_but_not_handled_is_replayed_once_at_start(
    dp: Dispatcher, bot: MockedBot, journal: UpdateJournal, session: AsyncSession,
    factory: Factory, clock: FakeClock,
) -> None:
    """What a killed process leaves: the row written, the handling never committed."""
    install_journal(dp)
    token = await invite_token(factory, session, clock)
    from aiogram.types import Update

    update = Update.model_validate(start_update(21, f"/start {token}"))
    assert await journal.record([update]) == [update]
    assert await admins(session) == 0

    assert await journal.replay(dp, bot) == 1
    assert await admins(session) == 1
    assert welcomes(bot) == 1
    # A second start finds nothing to do; Telegram delivering it again changes nothing.
    assert await journal.replay(dp, bot) == 0
    assert await journal.record([update]) == []
    assert welcomes(bot) == 1


async def test_an_update_that_keeps_failing_at_start_is_given_up(
    dp: Dispatcher, bot: MockedBot, journal: UpdateJournal, session: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from aiogram.types import Update

    update = Update.model_validate(start_update(31, "/start"))
    await journal.record([update])

    async def broken(*args: Any, **kwargs: Any) -> bool:
        raise ConnectionError("still broken")

    monkeypatch.setattr(journal, "handle", broken)
    for _ in range(4):
        await journal.replay(dp, bot)
    row = await session.get(ReceivedUpdate, 31)
    await session.refresh(row)
    assert row is not None and row.handled_at is not None and row.attempts == 3


async def test_handled_rows_are_pruned_after_the_keep_days(
    journal: UpdateJournal, session: AsyncSession, clock: FakeClock
) -> None:
    from aiogram.types import Update

    old, unhandled = Update.model_validate(start_update(41, "/start")), Update.model_validate(
        start_update(42, "/start"))
    await journal.record([old, unhandled])
    assert await updates_repo.claim(session, 41, clock.now())
    await session.commit()
    clock.advance(timedelta(days=8))
    assert await journal.prune(timedelta(days=7)) == 1
    session.expire_all()
    assert await session.get(ReceivedUpdate, 41) is None
    assert await session.get(ReceivedUpdate, 42) is not None  # kept for the replay


def test_webhook_mode_needs_a_url_and_a_secret_named_in_the_error() -> None:
    with pytest.raises(SettingsError) as missing_url:
        check_webhook_settings(WebhookSettings(enabled=True, secret=SECRET))
    assert "WEBHOOK__URL" in missing_url.value.params["problem"]
    with pytest.raises(SettingsError) as missing_secret:
        check_webhook_settings(WebhookSettings(enabled=True, url="https://bot.example.org/tg"))
    assert "WEBHOOK__SECRET" in missing_secret.value.params["problem"]
    with pytest.raises(SettingsError):
        check_webhook_settings(WebhookSettings(url="https://x.org/tg", secret="has space"))
    url, secret, path = check_webhook_settings(
        WebhookSettings(url="https://bot.example.org/tg/hook", secret=SECRET)
    )
    assert (url, secret, path) == ("https://bot.example.org/tg/hook", SECRET, "/tg/hook")
