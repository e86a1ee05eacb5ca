"""Guessing invite tokens is slowed down: 5 wrong tokens per user per 15 minutes, and a
ceiling for everybody together. Driven through the production dispatcher."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from db.models import InviteAttempt, Staff
from services import invites
from services.clock import FakeClock
from tests.support.chat import ChatDriver
from tests.support.factory import Factory

WRONG = "NotARealTokenButLooksLikeOne_{}"  # right shape, matches no invite


async def _teacher_invite(session: AsyncSession, clock: FakeClock, factory: Factory) -> str:
    school = await factory.school("阳光小学")
    issued = await invites.create_invite(session, clock, "teacher", school_id=school.id)
    await session.commit()
    return issued.token


async def _staff_count(session: AsyncSession) -> int:
    session.expire_all()
    return await session.scalar(select(func.count()).select_from(Staff)) or 0


async def test_five_wrong_tokens_then_even_the_right_one_waits_out_the_window(
    tg: ChatDriver, session: AsyncSession, clock: FakeClock, factory: Factory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    token = await _teacher_invite(session, clock, factory)
    guesser = tg.user(3001, language="zh-hans")
    caplog.set_level(logging.DEBUG)
    for i in range(5):
        assert "不对" in (await tg.send(guesser, f"/start {WRONG.format(i)}")).text
        clock.advance(seconds=30)
    # 09:00 + 4×30 s was the 5th failure's time... the first one (09:00:00) leaves the
    # window at 09:15:00 (Asia/Shanghai): "after 09:15".
    replies = await tg.send(guesser, f"/start {token}")
    assert "试得太多" in replies.text and "09:15" in replies.text
    assert await _staff_count(session) == 0
    # Asking again while held back does not push the time further.
    assert "09:15" in (await tg.send(guesser, f"/start {WRONG.format(9)}")).text

    clock.set(clock.now().replace(minute=15, second=0))  # 09:15:00 local = 01:15 UTC
    replies = await tg.send(guesser, f"/start {token}")
    assert "欢迎加入阳光小学" in replies.text
    assert await _staff_count(session) == 1
    # The bot's own log lines say a limit was reached, with no token and no Telegram id.
    ours = [r.getMessage() for r in caplog.records if r.name.startswith(("services", "handlers", "bot"))]
    assert any("user limit reached" in line for line in ours)
    assert not [line for line in ours if token in line or "NotARealToken" in line or "3001" in line]


async def test_english_message_and_time_rounded_up(
    tg: ChatDriver, session: AsyncSession, clock: FakeClock, factory: Factory
) -> None:
    await _teacher_invite(session, clock, factory)
    clock.advance(seconds=20)  # 09:00:20 local
    guesser = tg.user(3002, language="en")
    for i in range(5):
        await tg.send(guesser, f"/start {WRONG.format(i)}")
    replies = await tg.send(guesser, f"/start {WRONG.format(5)}")
    # Free again at 09:15:20: "after 09:16", never a time that is still too early.
    assert "Too many invite links" in replies.text and "after 09:16" in replies.text


async def test_successes_and_real_but_dead_links_do_not_count(
    tg: ChatDriver, session: AsyncSession, clock: FakeClock, factory: Factory
) -> None:
    school = await factory.school("阳光小学")
    revoked = await invites.create_invite(session, clock, "teacher", school_id=school.id)
    await invites.revoke(session, clock, invite_id=revoked.id)
    good = [await invites.create_invite(session, clock, "teacher", school_id=school.id) for _ in range(2)]
    await session.commit()
    user = tg.user(3003, language="zh-hans")
    assert "欢迎" in (await tg.send(user, f"/start {good[0].token}")).text
    for _ in range(6):  # the same person tapping a cancelled link again and again
        assert "作废" in (await tg.send(user, f"/start {revoked.token}")).text
    for i in range(4):
        await tg.send(user, f"/start {WRONG.format(i)}")
    # 4 real failures: the 5th try may still be a real link, and it works.
    assert "欢迎" in (await tg.send(user, f"/start {good[1].token}")).text
    assert await session.scalar(select(func.count()).select_from(InviteAttempt)) == 4


async def test_other_users_are_not_held_back_by_one_guesser(
    tg: ChatDriver, session: AsyncSession, clock: FakeClock, factory: Factory
) -> None:
    token = await _teacher_invite(session, clock, factory)
    guesser = tg.user(3004)
    for i in range(8):
        await tg.send(guesser, f"/start {WRONG.format(i)}")
    assert "试得太多" in (await tg.send(guesser, f"/start {WRONG.format(8)}")).text
    assert "欢迎加入阳光小学" in (await tg.send(tg.user(3005), f"/start {token}")).text


async def test_global_ceiling_stops_many_accounts(
    tg: ChatDriver, session: AsyncSession, clock: FakeClock, factory: Factory, settings: Settings
) -> None:
    assert settings.invite_throttle.global_failures == 30  # the documented default
    token = await _teacher_invite(session, clock, factory)
    # A farm of 10 accounts, 3 wrong tokens each: every one is under its own limit.
    for account in range(10):
        for i in range(3):
            replies = await tg.send(tg.user(4000 + account), f"/start {WRONG.format(i)}")
            assert "不对" in replies.text
    # Now everybody waits, including an honest teacher with a good link (in English).
    replies = await tg.send(tg.user(4999, language="en"), f"/start {token}")
    assert "Too many invite links" in replies.text and "after 09:01" in replies.text
    assert await _staff_count(session) == 0
    clock.advance(minutes=1)
    assert "Welcome to 阳光小学" in (await tg.send(tg.user(4999, language="en"), f"/start {token}")).text


async def test_old_attempts_are_pruned(
    tg: ChatDriver, session: AsyncSession, clock: FakeClock
) -> None:
    for i in range(3):
        await tg.send(tg.user(3006), f"/start {WRONG.format(i)}")
    clock.advance(minutes=16)
    await tg.send(tg.user(3007), f"/start {WRONG.format(0)}")
    session.expire_all()
    left = list(await session.scalars(select(InviteAttempt.telegram_user_id)))
    assert left == [3007]


async def test_limits_are_settings(
    tg: ChatDriver, session: AsyncSession, clock: FakeClock, factory: Factory, settings: Settings
) -> None:
    settings.invite_throttle.user_failures = 2
    settings.invite_throttle.user_window_minutes = 5
    await _teacher_invite(session, clock, factory)
    user = tg.user(3008, language="en")
    for i in range(2):
        await tg.send(user, f"/start {WRONG.format(i)}")
    assert "after 09:05" in (await tg.send(user, f"/start {WRONG.format(2)}")).text
    clock.advance(timedelta(minutes=5))
    assert "not valid" in (await tg.send(user, f"/start {WRONG.format(3)}")).text
