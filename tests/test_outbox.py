"""The outbox table: dedup keys, campaigns, quiet hours and back-off (no Telegram here)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import OutboxMessage, OutboxStatus, Priority
from db.models.outbox import Campaign
from services.clock import FakeClock
from services.outbox import (
    INSERT_CHUNK,
    Button,
    OutgoingMessage,
    QuietHours,
    campaign_progress,
    claim_due,
    create_campaign,
    enqueue,
    quiet_until,
    requeue_claims,
    retry_delay,
    text_length,
)


def msg(key: str, chat_id: int = 1, **kwargs) -> OutgoingMessage:
    return OutgoingMessage(dedup_key=key, chat_id=chat_id, text=f"text {key}", kind="test", **kwargs)


async def count_rows(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(OutboxMessage))


async def test_enqueue_skips_existing_and_repeated_keys(session: AsyncSession, clock: FakeClock):
    first = await enqueue(session, clock, [msg("a"), msg("b"), msg("a", chat_id=99)])
    again = await enqueue(session, clock, [msg("a"), msg("b"), msg("c")])
    await session.commit()

    assert (first, again) == (2, 1)
    assert await count_rows(session) == 3
    row = await session.scalar(select(OutboxMessage).where(OutboxMessage.dedup_key == "a"))
    assert row.chat_id == 1  # the first one won
    assert row.status == OutboxStatus.PENDING and row.due_at == clock.now()
    assert row.created_at == clock.now() and row.attempts == 0


async def test_enqueue_chunks_big_batches(session: AsyncSession, clock: FakeClock):
    n = INSERT_CHUNK * 2 + 37
    assert await enqueue(session, clock, [msg(f"k{i}", chat_id=i) for i in range(n)]) == n
    # The same job run again, now with 50 more recipients: only those are new.
    assert await enqueue(session, clock, [msg(f"k{i}", chat_id=i) for i in range(n + 50)]) == 50
    await session.commit()
    assert await count_rows(session) == n + 50


async def test_enqueue_stores_buttons_and_options(session: AsyncSession, clock: FakeClock):
    later = clock.now() + timedelta(hours=1)
    await enqueue(
        session, clock,
        [msg("k", priority=Priority.URGENT, due_at=later, timezone="Asia/Urumqi", person_id=None,
             buttons=((Button("是", callback_data="yes"), Button("看看", url="https://example.org")),))],
    )
    row = await session.scalar(select(OutboxMessage))
    assert row.priority == Priority.URGENT and row.due_at == later and row.timezone == "Asia/Urumqi"
    assert row.payload == {
        "text": "text k",
        "buttons": [[{"text": "是", "callback_data": "yes"}, {"text": "看看", "url": "https://example.org"}]],
    }


async def test_a_text_too_long_for_telegram_goes_in_parts(session: AsyncSession, clock: FakeClock):
    """A class list of 200 children with phones (~7,000 characters) would be refused whole
    by Telegram; it goes as parts in order, each within 4,096, buttons under the last."""
    lines = [f"{i:03d} 王小明 奶奶 138 0000 {i:04d} 🚸" for i in range(200)]
    text = "还没有确认到家：\n" + "\n".join(lines)
    assert text_length(text) > 4096
    button = ((Button("打开", callback_data="open"),),)
    long = OutgoingMessage(dedup_key="late:1", chat_id=7, text=text, kind="test", buttons=button)
    assert await enqueue(session, clock, [long]) == 2
    assert await enqueue(session, clock, [long]) == 0  # queued again: nothing new
    await session.commit()

    rows = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    assert [r.dedup_key for r in rows] == ["late:1", "late:1:part:2"]
    assert all(text_length(r.payload["text"]) <= 4096 for r in rows)
    assert "\n".join(r.payload["text"] for r in rows) == text  # cut at line ends, nothing lost
    assert "buttons" not in rows[0].payload and rows[1].payload["buttons"] == [[{"text": "打开", "callback_data": "open"}]]


async def test_campaign_counts_only_new_messages(session: AsyncSession, clock: FakeClock):
    await enqueue(session, clock, [msg("old")])
    campaign = await create_campaign(
        session, clock, kind="announcement", created_by_id=None, progress_chat_id=7, language="en",
        messages=[msg("old"), msg("n1", chat_id=2), msg("n2", chat_id=3)],
    )
    await session.commit()
    assert campaign.total == 2 and campaign.finished_at is None
    progress = await campaign_progress(session, campaign.id)
    assert (progress.total, progress.sent, progress.pending, progress.done) == (2, 0, 2, False)

    empty = await create_campaign(
        session, clock, kind="announcement", created_by_id=None, progress_chat_id=7, language="en",
        messages=[msg("old")],
    )
    assert empty.total == 0 and empty.finished_at == clock.now()
    assert await session.scalar(select(func.count()).select_from(Campaign)) == 2


SHANGHAI = "Asia/Shanghai"


@pytest.mark.parametrize(
    ("local", "expected_end"),
    [
        (datetime(2026, 11, 23, 20, 59), None),
        (datetime(2026, 11, 23, 21, 0), datetime(2026, 11, 24, 7, 0)),
        (datetime(2026, 11, 23, 23, 30), datetime(2026, 11, 24, 7, 0)),
        (datetime(2026, 11, 24, 0, 10), datetime(2026, 11, 24, 7, 0)),
        (datetime(2026, 11, 24, 6, 59), datetime(2026, 11, 24, 7, 0)),
        (datetime(2026, 11, 24, 7, 0), None),
        (datetime(2026, 11, 24, 12, 0), None),
    ],
)
def test_quiet_hours_cross_midnight(local: datetime, expected_end: datetime | None):
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(SHANGHAI)
    now = local.replace(tzinfo=tz).astimezone(UTC)
    end = quiet_until(now, SHANGHAI, time(21), time(7))
    assert end == (expected_end.replace(tzinfo=tz) if expected_end else None)
    if end is not None:
        assert end.tzinfo is not None and end > now


def test_quiet_hours_within_one_day_and_disabled():
    now = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # 13:00 in Shanghai
    assert quiet_until(now, SHANGHAI, time(12), time(14)) == datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    assert quiet_until(now, SHANGHAI, time(14), time(16)) is None
    assert quiet_until(now, SHANGHAI, time(7), time(7)) is None
    # The same instant is 05:00 in London: quiet there.
    assert quiet_until(now, "Europe/London", time(21), time(7)) == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def test_retry_delay_doubles_up_to_a_cap():
    delays = [retry_delay(n).total_seconds() for n in range(1, 12)]
    assert delays[:4] == [2, 4, 8, 16]
    assert delays == sorted(delays) and delays[-1] == 600


async def test_claim_orders_urgent_first_and_postpones_quiet_rows(session: AsyncSession, clock: FakeClock):
    clock.set(datetime(2026, 11, 23, 14, 0, tzinfo=UTC))  # 22:00 in Shanghai
    now = clock.now()
    await enqueue(session, clock, [
        msg("bulk", chat_id=1, priority=Priority.BULK, due_at=now - timedelta(hours=2)),
        msg("normal", chat_id=2, priority=Priority.NORMAL),
        msg("urgent-late", chat_id=3, priority=Priority.URGENT),
        msg("urgent-early", chat_id=4, priority=Priority.URGENT, due_at=now - timedelta(minutes=1)),
        msg("london", chat_id=5, timezone="Europe/London"),  # 14:00 there
        msg("future", chat_id=6, priority=Priority.URGENT, due_at=now + timedelta(minutes=1)),
    ])
    claimed = await claim_due(
        session, clock, worker_id="w1", limit=10, quiet=QuietHours(time(21), time(7), SHANGHAI)
    )
    await session.commit()
    assert [m.payload["text"] for m in claimed] == ["text urgent-early", "text urgent-late", "text london"]
    rows = {r.dedup_key: r for r in (await session.scalars(select(OutboxMessage))).all()}
    morning = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)  # 07:00 next day in Shanghai
    assert rows["bulk"].due_at == morning and rows["normal"].due_at == morning
    assert rows["bulk"].status == OutboxStatus.PENDING
    assert {rows[k].status for k in ("urgent-early", "urgent-late", "london")} == {OutboxStatus.SENDING}
    assert rows["london"].claimed_by == "w1" and rows["london"].claimed_at == now


async def test_claim_respects_busy_chats_and_allowance(session: AsyncSession, clock: FakeClock):
    await enqueue(session, clock, [msg(f"a{i}", chat_id=1) for i in range(5)] + [msg("b", chat_id=2), msg("c", chat_id=3)])
    quiet = QuietHours(time(21), time(7), SHANGHAI)
    claimed = await claim_due(
        session, clock, worker_id="w", limit=10, quiet=quiet, busy_chats=[3],
        chat_allowance=lambda chat: 2,
    )
    assert [m.chat_id for m in claimed] == [1, 1, 2]


async def test_requeue_claims_by_age(session: AsyncSession, clock: FakeClock):
    await enqueue(session, clock, [msg("old", chat_id=1), msg("new", chat_id=2)])
    quiet = QuietHours(time(21), time(7), SHANGHAI)
    await claim_due(session, clock, worker_id="dead", limit=1, quiet=quiet)
    clock.advance(minutes=20)
    await claim_due(session, clock, worker_id="alive", limit=1, quiet=quiet)
    await session.commit()

    assert await requeue_claims(session, clock, timedelta(minutes=10)) == 1
    rows = {r.dedup_key: r for r in (await session.scalars(select(OutboxMessage))).all()}
    await session.refresh(rows["old"])
    await session.refresh(rows["new"])
    assert rows["old"].status == OutboxStatus.PENDING and rows["old"].claimed_by is None
    assert rows["new"].status == OutboxStatus.SENDING and rows["new"].claimed_by == "alive"
    assert await requeue_claims(session, clock, None) == 1
