"""The outbox sender against the in-process fake Bot API, over real HTTP with a real
aiogram Bot: delivery order and bookkeeping, unreachable people and the "please phone"
alerts, retries, quiet hours, campaign progress, recovery and a clean stop.

Fast by construction: the rate limiter is set far above what these tests send, the poll
interval is tiny, and time-based decisions (due, back-off, quiet hours) run on the
FakeClock. The 429 and flaky-network fan-outs are in tests/e2e/test_fanout.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import pytest
from aiogram import Bot
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.factory import create_bot
from bot.runner import set_commands_menu
from bot.sender import OutboxSender
from bot.settings import OutboxSettings, Settings
from db.models import OutboxMessage, OutboxStatus, Person, Priority, Student
from db.models.outbox import Campaign
from locales import Translator
from services import outbox as outbox_service
from services.clock import FakeClock
from services.outbox import (
    Button,
    OutgoingMessage,
    QuietHours,
    claim_due,
    create_campaign,
    enqueue,
    retry_delay,
)
from services.rate_limit import RateLimiter
from tests.e2e.fake_bot_api import FakeBotApi, _ApiError
from tests.support.factory import Factory

GRANNY_NAME = "王奶奶"
GRANNY_PHONE = "+8613800001111"
GRANNY_CHAT = 5001
HEAD_CHAT = 7001
ADMIN_CHAT = 7002
TEACHER_CHAT = 7003


# ------------------------------------------------------------------------- fixtures


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    server = FakeBotApi()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def tg_bot(api: FakeBotApi, settings: Settings) -> AsyncIterator[Bot]:
    """The production bot (create_bot) pointed at the fake server."""
    bot = create_bot(settings.model_copy(update={"telegram_api_base": api.base_url}), token=api.token)
    yield bot
    # aiogram's close() then sleeps 250 ms for TLS connections; this line has none.
    client = bot.session._session  # type: ignore[attr-defined]
    if client is not None:
        await client.close()


def make_sender(
    bot: Bot,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    translator: Translator,
    *,
    limiter: RateLimiter | None = None,
    batch_size: int | None = None,
    **outbox: object,
) -> OutboxSender:
    settings = OutboxSettings(**{"poll_interval": 0.01, "progress_interval": 3600, **outbox})
    return OutboxSender(
        bot, session_pool, settings, clock, translator, worker_id="test-sender",
        # Far above what a test sends: nothing here waits for a token.
        limiter=limiter or RateLimiter(10_000, 1_000, 100),
        batch_size=batch_size,
    )


def msg(key: str, chat_id: int, text: str | None = None, **kwargs: object) -> OutgoingMessage:
    return OutgoingMessage(dedup_key=key, chat_id=chat_id, text=text or f"text {key}", kind="test", **kwargs)


async def outbox_rows(session_pool: async_sessionmaker[AsyncSession]) -> dict[str, OutboxMessage]:
    async with session_pool() as s:
        rows = (await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    return {r.dedup_key: r for r in rows}


async def fetch_person(session_pool: async_sessionmaker[AsyncSession], person_id: int) -> Person:
    async with session_pool() as s:
        person = await s.get(Person, person_id)
        assert person is not None
        return person


def calls(api: FakeBotApi, method: str) -> list[dict[str, object]]:
    return [fields for name, fields in api.calls if name.lower() == method.lower()]


def sent_to(api: FakeBotApi) -> list[int]:
    """Chats of every sendMessage request, in the order the server got them."""
    return [int(str(f["chat_id"])) for f in calls(api, "sendMessage")]


def log_everything_of_ours(caplog: pytest.LogCaptureFixture) -> None:
    """DEBUG for this project's loggers (libraries' own DEBUG output is the operator's
    choice; aiosqlite's echoes SQL parameters)."""
    for name in ("bot", "services", "scheduler", "db"):
        caplog.set_level(logging.DEBUG, logger=name)


def assert_no_personal_data(*texts: str | None) -> None:
    for text in texts:
        assert GRANNY_NAME not in (text or "") and GRANNY_PHONE not in (text or "")
        assert "13800001111" not in (text or "")


# ----------------------------------------------------------------------- delivery


async def test_delivers_each_row_once_urgent_first_and_records_the_answer(
    api: FakeBotApi, tg_bot: Bot, session: AsyncSession, session_pool, clock: FakeClock,
    translator: Translator,
):
    now = clock.now()
    await enqueue(session, clock, [
        msg("bulk-oldest", 102, priority=Priority.BULK, due_at=now - timedelta(hours=1)),
        msg("normal-early", 101, due_at=now - timedelta(minutes=10),
            buttons=((Button("是", callback_data="yes"), Button("看看", url="https://example.org")),)),
        msg("normal-late", 104),
        msg("urgent", 103, priority=Priority.URGENT),
        msg("not-yet", 105, due_at=now + timedelta(hours=1)),
    ])
    await session.commit()
    api.push_text(101, "hello")  # chat 101 has used message id 1 already

    # One request at a time, so the server sees the sender's order.
    sender = make_sender(tg_bot, session_pool, clock, translator, max_in_flight=1)
    await sender.run_until_idle()

    assert sent_to(api) == [103, 101, 104, 102]
    rows = await outbox_rows(session_pool)
    for key, chat in [("urgent", 103), ("normal-early", 101), ("normal-late", 104), ("bulk-oldest", 102)]:
        row = rows[key]
        (delivered,) = api.messages_to(chat)
        assert delivered.text == f"text {key}"
        assert row.status == OutboxStatus.SENT and row.sent_at == now and row.attempts == 1
        assert row.telegram_message_id == delivered.message_id
        assert row.claimed_by is None and row.claimed_at is None and row.last_error is None
    assert rows["normal-early"].telegram_message_id == 2
    assert api.messages_to(101)[0].button_texts() == ["是", "看看"]
    assert rows["not-yet"].status == OutboxStatus.PENDING and api.messages_to(105) == []
    assert sender.stats.sent == 4

    # Again, and from a second sender: nothing new goes out.
    await sender.run_until_idle()
    await make_sender(tg_bot, session_pool, clock, translator).run_until_idle()
    assert len(sent_to(api)) == 4

    clock.advance(hours=1)
    await sender.run_until_idle()
    await sender.run_until_idle()
    assert sent_to(api) == [103, 101, 104, 102, 105]
    assert (await outbox_rows(session_pool))["not-yet"].status == OutboxStatus.SENT


# -------------------------------------------------------------- unreachable people


@dataclass
class School:
    granny: Person
    head: Person
    admin: Person
    teacher: Person
    children: list[Student]


async def build_school(factory: Factory, *, head_has_chat: bool = True) -> School:
    school = await factory.school()
    head = await factory.person(
        "李老师", phone="+8613900000001", telegram_user_id=HEAD_CHAT if head_has_chat else None,
        language="en",
    )
    head_post = await factory.staff(head, school, is_head_teacher=True)
    admin = await factory.person("赵校长", phone="+8613900000002", telegram_user_id=ADMIN_CHAT)
    await factory.staff(admin, school, is_school_admin=True)
    teacher = await factory.person("周老师", phone="+8613900000003", telegram_user_id=TEACHER_CHAT)
    await factory.staff(teacher, school, is_subject_teacher=True)
    school_class = await factory.school_class(school, head_teacher=head_post)
    granny = await factory.person(GRANNY_NAME, phone=GRANNY_PHONE, telegram_user_id=GRANNY_CHAT)
    children = [await factory.student(school, school_class, name=name) for name in ("小明", "小红")]
    for child in children:
        await factory.guardian_of(child, granny)
    return School(granny, head, admin, teacher, children)


def _break_chat(api: FakeBotApi, how: str, chat_id: int) -> None:
    {"blocked": api.faults.blocked_chats, "deactivated": api.faults.deactivated_chats,
     "chat not found": api.faults.missing_chats}[how].add(chat_id)


@pytest.mark.parametrize("how", ["blocked", "deactivated", "chat not found"])
async def test_unreachable_guardian_head_teacher_is_asked_to_phone_once(
    how: str, api: FakeBotApi, tg_bot: Bot, session: AsyncSession, session_pool,
    clock: FakeClock, translator: Translator, factory: Factory, caplog: pytest.LogCaptureFixture,
):
    log_everything_of_ours(caplog)
    scene = await build_school(factory)
    await enqueue(session, clock, [
        msg("notice:1:granny", GRANNY_CHAT, person_id=scene.granny.id),
        msg("notice:1:teacher", TEACHER_CHAT, person_id=scene.teacher.id),
    ])
    await session.commit()
    _break_chat(api, how, GRANNY_CHAT)
    started = clock.now()

    sender = make_sender(tg_bot, session_pool, clock, translator)
    await sender.run_until_idle()

    rows = await outbox_rows(session_pool)
    row = rows["notice:1:granny"]
    assert row.status == OutboxStatus.UNREACHABLE and row.attempts == 1 and row.sent_at is None
    expected_error = "TelegramBadRequest" if how == "chat not found" else "TelegramForbiddenError"
    assert row.last_error is not None and row.last_error.startswith(expected_error)
    assert how in row.last_error
    assert rows["notice:1:teacher"].status == OutboxStatus.SENT
    assert (await fetch_person(session_pool, scene.granny.id)).unreachable_since == started

    alerts = [r for r in rows.values() if r.kind == "unreachable-alert"]
    assert [(a.chat_id, a.status, a.person_id) for a in alerts] == [
        (HEAD_CHAT, OutboxStatus.SENT, scene.head.id)
    ]
    assert alerts[0].dedup_key == f"unreachable:{scene.granny.id}:20261123T010000:to:{scene.head.id}"
    (alert,) = api.texts_to(HEAD_CHAT)
    # In the head teacher's language (en), naming the guardian, the phone and the children.
    assert alert.startswith("Guardian ") and "Please phone" in alert
    assert GRANNY_NAME in alert and GRANNY_PHONE in alert and "小明, 小红" in alert
    assert api.texts_to(ADMIN_CHAT) == []
    assert sender.stats.unreachable == 1

    # The same period: another message fails later, nobody is told again.
    clock.advance(hours=2)
    async with session_pool() as s:
        await enqueue(s, clock, [msg("notice:2:granny", GRANNY_CHAT, person_id=scene.granny.id)])
        await s.commit()
    await sender.run_until_idle()
    rows = await outbox_rows(session_pool)
    assert rows["notice:2:granny"].status == OutboxStatus.UNREACHABLE
    assert [r.kind for r in rows.values()].count("unreachable-alert") == 1
    assert len(api.texts_to(HEAD_CHAT)) == 1
    assert (await fetch_person(session_pool, scene.granny.id)).unreachable_since == started

    assert_no_personal_data(caplog.text, *(r.last_error for r in rows.values()))


async def test_a_delivery_ends_the_unreachable_period_and_a_new_block_is_told_again(
    api: FakeBotApi, tg_bot: Bot, session: AsyncSession, session_pool, clock: FakeClock,
    translator: Translator, factory: Factory,
):
    scene = await build_school(factory)
    await session.commit()
    sender = make_sender(tg_bot, session_pool, clock, translator)

    async def notify(n: int) -> None:
        async with session_pool() as s:
            await enqueue(s, clock, [msg(f"n:{n}:granny", GRANNY_CHAT, person_id=scene.granny.id)])
            await s.commit()
        await sender.run_until_idle()

    api.faults.blocked_chats.add(GRANNY_CHAT)
    await notify(1)
    first_block = clock.now()
    assert (await fetch_person(session_pool, scene.granny.id)).unreachable_since == first_block

    clock.advance(days=1)
    api.faults.blocked_chats.clear()  # she unblocked the bot
    await notify(2)
    assert (await fetch_person(session_pool, scene.granny.id)).unreachable_since is None
    assert len(api.texts_to(HEAD_CHAT)) == 1

    clock.advance(days=1)
    api.faults.blocked_chats.add(GRANNY_CHAT)  # and blocked it again
    await notify(3)
    assert (await fetch_person(session_pool, scene.granny.id)).unreachable_since == clock.now()
    assert len(api.texts_to(HEAD_CHAT)) == 2
    assert api.texts_to(GRANNY_CHAT) == ["text n:2:granny"]


async def test_unreachable_staff_member_school_admin_is_told(
    api: FakeBotApi, tg_bot: Bot, session: AsyncSession, session_pool, clock: FakeClock,
    translator: Translator, factory: Factory,
):
    scene = await build_school(factory)
    await enqueue(session, clock, [msg("duty:1:teacher", TEACHER_CHAT, person_id=scene.teacher.id)])
    await session.commit()
    api.faults.missing_chats.add(TEACHER_CHAT)

    await make_sender(tg_bot, session_pool, clock, translator).run_until_idle()

    assert (await outbox_rows(session_pool))["duty:1:teacher"].status == OutboxStatus.UNREACHABLE
    (alert,) = api.texts_to(ADMIN_CHAT)
    # The admin has no language of their own: the default, zh_Hans.
    assert alert.startswith("老师 周老师") and "+8613900000003" in alert and "请打电话" in alert
    assert api.texts_to(HEAD_CHAT) == []


async def test_guardian_without_a_reachable_head_teacher_school_admin_is_told(
    api: FakeBotApi, tg_bot: Bot, session: AsyncSession, session_pool, clock: FakeClock,
    translator: Translator, factory: Factory,
):
    scene = await build_school(factory, head_has_chat=False)
    await enqueue(session, clock, [msg("n:granny", GRANNY_CHAT, person_id=scene.granny.id)])
    await session.commit()
    api.faults.blocked_chats.add(GRANNY_CHAT)

    await make_sender(tg_bot, session_pool, clock, translator).run_until_idle()

    (alert,) = api.texts_to(ADMIN_CHAT)
    assert alert.startswith("家长 王奶奶") and GRANNY_PHONE in alert and "小明、小红" in alert


async def test_head_teacher_who_is_the_unreachable_guardian_school_admin_is_told(
    api: FakeBotApi, tg_bot: Bot, session: AsyncSession, session_pool, clock: FakeClock,
    translator: Translator, factory: Factory,
):
    """A head teacher whose own child is in their class: telling them about themselves
    reaches nobody, so the school admin is told instead."""
    scene = await build_school(factory)
    await factory.guardian_of(scene.children[0], scene.head, relation="father")
    await enqueue(session, clock, [msg("n:head", HEAD_CHAT, person_id=scene.head.id)])
    await session.commit()
    api.faults.blocked_chats.add(HEAD_CHAT)

    await make_sender(tg_bot, session_pool, clock, translator).run_until_idle()

    assert api.texts_to(HEAD_CHAT) == []
    (alert,) = api.texts_to(ADMIN_CHAT)
    assert alert.startswith("家长 李老师") and "小明" in alert


# ------------------------------------------------------------------ transient errors


@pytest.mark.parametrize("fault", ["502", "connection cut"])
async def test_transient_error_is_retried_with_backoff_then_sent_once(
    fault: str, api: FakeBotApi, tg_bot: Bot, session: AsyncSession, session_pool,
    clock: FakeClock, translator: Translator,
):
    await enqueue(session, clock, [msg("r", 301)])
    await session.commit()
    if fault == "502":
        api.faults.error_rate = 1.0
    else:
        api.faults.drop_rate = 1.0
    sender = make_sender(tg_bot, session_pool, clock, translator, max_attempts=5)

    await sender.run_until_idle()
    row = (await outbox_rows(session_pool))["r"]
    assert row.status == OutboxStatus.PENDING and row.attempts == 1 and row.claimed_by is None
    assert row.due_at == clock.now() + retry_delay(1)
    expected = "TelegramServerError" if fault == "502" else "TelegramNetworkError"
    assert row.last_error is not None and row.last_error.startswith(expected)

    # Not due before its back-off has passed.
    clock.advance(retry_delay(1) - timedelta(seconds=1))
    await sender.run_until_idle()
    assert (await outbox_rows(session_pool))["r"].attempts == 1
    clock.advance(seconds=1)
    await sender.run_until_idle()
    row = (await outbox_rows(session_pool))["r"]
    assert row.attempts == 2 and row.due_at == clock.now() + retry_delay(2)

    api.faults.error_rate = api.faults.drop_rate = 0.0
    clock.advance(retry_delay(2))
    await sender.run_until_idle()
    row = (await outbox_rows(session_pool))["r"]
    assert row.status == OutboxStatus.SENT and row.attempts == 3 and row.sent_at == clock.now()
    assert api.texts_to(301) == ["text r"]
    assert len(sent_to(api)) == 3
    assert sender.stats.retried == 2 and sender.stats.sent == 1


async def test_always_5xx_fails_after_max_attempts_without_personal_data(
    api: FakeBotApi, tg_bot: Bot, session: AsyncSession, session_pool, clock: FakeClock,
    translator: Translator, caplog: pytest.LogCaptureFixture,
):
    log_everything_of_ours(caplog)
    text = f"{GRANNY_NAME}您好，请回电 {GRANNY_PHONE}"
    await enqueue(session, clock, [msg("doomed", 302, text=text)])
    await session.commit()
    api.faults.error_rate = 1.0
    sender = make_sender(tg_bot, session_pool, clock, translator, max_attempts=3)

    for attempt in range(1, 4):
        await sender.run_until_idle()
        row = (await outbox_rows(session_pool))["doomed"]
        assert row.attempts == attempt
        clock.advance(retry_delay(attempt))
    assert row.status == OutboxStatus.FAILED and row.sent_at is None
    assert row.last_error == "TelegramServerError: Bad Gateway"
    assert_no_personal_data(row.last_error, caplog.text)

    await sender.run_until_idle()  # failed stays failed
    assert len(sent_to(api)) == 3 and api.messages_to(302) == []
    assert sender.stats.failed == 1


# ------------------------------------------------------------------------ quiet hours


async def test_quiet_hours_postpone_normal_rows_but_not_urgent(
    api: FakeBotApi, tg_bot: Bot, session: AsyncSession, session_pool, clock: FakeClock,
    translator: Translator,
):
    clock.set(datetime(2026, 11, 23, 14, 0, tzinfo=UTC))  # 22:00 in Shanghai
    await enqueue(session, clock, [
        msg("normal", 401), msg("bulk", 402, priority=Priority.BULK),
        msg("urgent", 403, priority=Priority.URGENT),
    ])
    await session.commit()
    sender = make_sender(tg_bot, session_pool, clock, translator)

    await sender.run_until_idle()
    assert sent_to(api) == [403]
    rows = await outbox_rows(session_pool)
    morning = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)  # 07:00 on Tuesday in Shanghai
    assert rows["normal"].status == OutboxStatus.PENDING and rows["normal"].due_at == morning
    assert rows["bulk"].due_at == morning

    clock.set(morning - timedelta(minutes=1))
    await sender.run_until_idle()
    assert sent_to(api) == [403]
    clock.set(morning)
    await sender.run_until_idle()
    assert sorted(sent_to(api)) == [401, 402, 403]


# -------------------------------------------------------------------------- campaigns


async def test_campaign_progress_is_one_message_edited_until_finished(
    api: FakeBotApi, tg_bot: Bot, session: AsyncSession, session_pool, clock: FakeClock,
    translator: Translator,
):
    progress_chat = 900
    campaign = await create_campaign(
        session, clock, kind="announcement", created_by_id=None, progress_chat_id=progress_chat,
        language="en",
        messages=[
            msg("a:1", 501), msg("a:2", 502), msg("a:3", 503),
            msg("a:4", 504, due_at=clock.now() + timedelta(hours=1)),
        ],
    )
    await session.commit()
    api.faults.blocked_chats.add(503)
    sender = make_sender(tg_bot, session_pool, clock, translator)

    await sender.run_until_idle()
    async with session_pool() as s:
        stored = await s.get(Campaign, campaign.id)
        assert stored is not None and stored.finished_at is None
        progress_id = stored.progress_message_id
    (progress,) = api.messages_to(progress_chat)
    assert progress.message_id == progress_id
    assert progress.all_texts == ["sent 0 / 4, 0 unreachable", "sent 2 / 4, 1 unreachable"]

    clock.advance(hours=1)
    await sender.run_until_idle()
    await sender.run_until_idle()  # finished: nothing more to show
    (progress,) = api.messages_to(progress_chat)
    assert progress.all_texts[-1] == "Finished: sent 3 / 4, 1 unreachable, 0 failed"
    assert len(progress.all_texts) == 3
    assert sent_to(api).count(progress_chat) == 1
    assert len(calls(api, "editMessageText")) == 2
    async with session_pool() as s:
        stored = await s.get(Campaign, campaign.id)
        assert stored is not None and stored.finished_at == clock.now()


# ---------------------------------------------------------------- restarts and stops


async def test_recover_requeues_claims_of_a_dead_sender_and_sends_them_once(
    api: FakeBotApi, tg_bot: Bot, session: AsyncSession, session_pool, clock: FakeClock,
    translator: Translator,
):
    await enqueue(session, clock, [msg(f"k{i}", 600 + i) for i in range(6)])
    quiet = QuietHours(time(21), time(7), "Asia/Shanghai")
    # A sender claimed four rows and died before sending them.
    assert len(await claim_due(session, clock, worker_id="dead", limit=4, quiet=quiet)) == 4
    await session.commit()
    sender = make_sender(tg_bot, session_pool, clock, translator)

    assert await sender.recover() == 4
    rows = await outbox_rows(session_pool)
    assert {r.status for r in rows.values()} == {OutboxStatus.PENDING}
    assert {r.claimed_by for r in rows.values()} == {None}

    await sender.run_until_idle()
    await sender.run_until_idle()
    assert sorted(sent_to(api)) == [600 + i for i in range(6)]
    assert all(len(api.messages_to(600 + i)) == 1 for i in range(6))
    assert {r.status for r in (await outbox_rows(session_pool)).values()} == {OutboxStatus.SENT}
    assert await sender.recover() == 0


async def test_clean_stop_hands_back_unsent_claims(
    api: FakeBotApi, tg_bot: Bot, session: AsyncSession, session_pool, clock: FakeClock,
    translator: Translator,
):
    n = 30
    await enqueue(session, clock, [msg(f"s{i}", 700 + i) for i in range(n)])
    await session.commit()
    # 50 a second: the whole batch is claimed at once and takes 0.6 s to send.
    sender = make_sender(
        tg_bot, session_pool, clock, translator, batch_size=n, limiter=RateLimiter(50, 1, 1),
    )
    running = asyncio.create_task(sender.run())
    await api.wait_for(lambda: api.deliveries >= 3, timeout=10, what="three deliveries")
    await sender.stop()
    await asyncio.wait_for(running, timeout=5)

    rows = await outbox_rows(session_pool)
    statuses = [r.status for r in rows.values()]
    assert OutboxStatus.SENDING not in statuses
    sent = {r.chat_id for r in rows.values() if r.status == OutboxStatus.SENT}
    assert sent == {chat for chat in api.chats if api.messages_to(chat)}
    assert 3 <= len(sent) < n
    assert statuses.count(OutboxStatus.PENDING) == n - len(sent)

    # Started again: the rest goes, nothing twice.
    await make_sender(tg_bot, session_pool, clock, translator).run_until_idle()
    assert sorted(sent_to(api)) == [700 + i for i in range(n)]


async def test_stop_while_waiting_for_a_free_slot_sends_nothing_more(
    api: FakeBotApi, tg_bot: Bot, session: AsyncSession, session_pool, clock: FakeClock,
    translator: Translator,
):
    """One request on the wire, the sender waiting for it to free the only slot: a stop
    now must hand back the rest, not send one more when the slot frees."""
    await enqueue(session, clock, [msg(f"w{i}", 800 + i) for i in range(5)])
    await session.commit()
    api.faults.hang_rate, api.faults.hang_seconds = 1.0, 0.3
    sender = make_sender(tg_bot, session_pool, clock, translator, max_in_flight=1)
    running = asyncio.create_task(sender.run())
    await api.wait_for(lambda: len(sent_to(api)) == 1, timeout=10, what="a request on the wire")
    await sender.stop()
    await asyncio.wait_for(running, timeout=5)

    assert sent_to(api) == [800]
    statuses = {r.chat_id: r.status for r in (await outbox_rows(session_pool)).values()}
    assert statuses == {800: OutboxStatus.SENT, **{800 + i: OutboxStatus.PENDING for i in range(1, 5)}}


async def test_a_crash_before_answers_are_recorded_duplicates_at_most_max_in_flight(
    api: FakeBotApi, tg_bot: Bot, session: AsyncSession, session_pool, clock: FakeClock,
    translator: Translator, monkeypatch: pytest.MonkeyPatch,
):
    """Telegram has accepted messages whose answers are not committed yet (the database
    is slow): no further request may start, and a crash at that moment followed by a
    restart sends those, and only those, twice. See docs/outbox.md."""
    n, in_flight = 6, 2
    await enqueue(session, clock, [msg(f"c{i}", 900 + i) for i in range(n)])
    await session.commit()
    commits_allowed = asyncio.Event()
    mark_sent = outbox_service.mark_sent

    async def slow_mark_sent(*args: object) -> None:
        await commits_allowed.wait()
        await mark_sent(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(outbox_service, "mark_sent", slow_mark_sent)
    sender = make_sender(tg_bot, session_pool, clock, translator, max_in_flight=in_flight)
    running = asyncio.create_task(sender.run())
    await api.wait_for(lambda: api.deliveries >= in_flight, timeout=10, what="deliveries")
    await asyncio.sleep(0.2)  # time enough for more requests, were any allowed
    assert api.deliveries == in_flight

    running.cancel()  # the crash: nothing more is written
    with pytest.raises(asyncio.CancelledError):
        await running
    commits_allowed.set()
    statuses = [r.status for r in (await outbox_rows(session_pool)).values()]
    assert statuses.count(OutboxStatus.SENDING) == n  # the whole batch was claimed

    restarted = make_sender(tg_bot, session_pool, clock, translator)
    assert await restarted.recover() == n
    await restarted.run_until_idle()
    per_chat = [len(api.messages_to(900 + i)) for i in range(n)]
    assert min(per_chat) == 1  # nothing lost
    assert sum(per_chat) - n == in_flight  # the duplicates: the unrecorded ones
    assert {r.status for r in (await outbox_rows(session_pool)).values()} == {OutboxStatus.SENT}


# -------------------------------------------------------------------------- start-up


async def test_command_menu_is_set_and_a_failure_does_not_stop_the_bot(
    api: FakeBotApi, tg_bot: Bot, translator: Translator, caplog: pytest.LogCaptureFixture,
):
    assert await set_commands_menu(tg_bot, translator) is True
    assert api.commands_for(None, "zh") == ["start", "help", "language"]
    assert api.commands_for(None, "en") == ["start", "help", "language"]
    assert api.commands_for(None) == ["start", "help", "language"]

    async def broken(fields: dict[str, object]) -> bool:
        raise _ApiError(500, "Internal Server Error")

    api._set_my_commands = broken  # type: ignore[method-assign]
    with caplog.at_level(logging.WARNING, logger="bot.runner"):
        assert await set_commands_menu(tg_bot, translator) is False
    assert "command menu" in caplog.text
