"""The fan-out scenario shared by the end-to-end tests and `python -m bench.fanout`.

N guardians, one outbox row each (half NORMAL, half BULK priority), queued through
`services.outbox.enqueue`; the real bot process sends them to the fake Bot API server
with Telegram's limits switched on. Optionally the bot is SIGKILLed after `kill_at`
deliveries and started again. The result counts what each chat actually received.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select

from db.models import OutboxMessage, OutboxStatus, Person, Priority
from services.clock import SystemClock
from services.outbox import OutgoingMessage, enqueue
from tests.e2e.fake_bot_api import FakeBotApi, Faults, Limits
from tests.e2e.harness import BotProcess

KIND = "fanout-test"
FIRST_CHAT = 700_000_000
# No quiet window (start == end): the run must not depend on the hour it happens to run.
ENV = {"OUTBOX__QUIET_START": "00:00", "OUTBOX__QUIET_END": "00:00"}


def message_text(n: int) -> str:
    return f"【通知 {n}】本周五下午 4 点放学，请按时接孩子。"


@dataclass
class FanoutResult:
    messages: int
    limit: float
    delivered_chats: int = 0
    deliveries: int = 0  # accepted sendMessage calls to the recipients
    duplicates: int = 0  # deliveries beyond the first per chat
    losses: int = 0  # recipients with nothing
    wrong_text: int = 0
    too_many_requests: int = 0  # 429s the fake server answered
    elapsed: float = 0.0  # first delivery to last delivery, seconds
    downtime: float = 0.0  # last delivery before the kill to first after the restart
    peak_one_second: int = 0  # most deliveries in any one-second window
    killed_at: int | None = None  # deliveries when SIGKILL was sent
    in_flight_at_kill: int | None = None  # rows 'sending' right after the kill
    statuses: dict[str, int] = field(default_factory=dict)
    faults_injected: dict[str, int] = field(default_factory=dict)  # 502s, dropped connections

    @property
    def sending_time(self) -> float:
        return max(self.elapsed - self.downtime, 1e-9)

    @property
    def rate(self) -> float:
        """Messages per second while the bot was up."""
        return (self.deliveries - 1) / self.sending_time if self.deliveries > 1 else 0.0

    @property
    def ratio(self) -> float:
        return self.rate / self.limit

    def lines(self) -> list[str]:
        out = [
            f"messages            {self.messages}",
            f"delivered chats     {self.delivered_chats}",
            f"elapsed             {self.elapsed:.1f} s (first to last delivery)",
        ]
        if self.killed_at is not None:
            out += [
                f"killed (SIGKILL) at {self.killed_at} delivered",
                f"in flight at kill   {self.in_flight_at_kill} rows 'sending'",
                f"downtime            {self.downtime:.1f} s (kill + restart)",
            ]
        out += [
            f"achieved            {self.rate:.2f} msg/s while running",
            f"configured limit    {self.limit:.0f} msg/s",
            f"ratio               {self.ratio:.3f}",
            f"peak 1-s window     {self.peak_one_second} messages",
            f"429s received       {self.too_many_requests}",
        ]
        if self.faults_injected:
            out.append(f"faults injected     {dict(sorted(self.faults_injected.items()))}")
        out += [
            f"duplicates          {self.duplicates}",
            f"losses              {self.losses}",
            f"outbox rows         {dict(sorted(self.statuses.items()))}",
        ]
        return out


async def seed(bot: BotProcess, messages: int) -> list[int]:
    """N guardians with a Telegram chat, and one queued message to each."""
    clock = SystemClock()
    now = clock.now()
    chats = [FIRST_CHAT + n for n in range(messages)]
    async with bot.session() as session:
        await session.execute(
            insert(Person),
            [
                {
                    "name": f"家长{n}", "telegram_user_id": chat, "chat_id": chat,
                    "language": "zh_Hans", "joined_at": now, "created_at": now,
                }
                for n, chat in enumerate(chats)
            ],
        )
        people = dict(
            (await session.execute(
                select(Person.chat_id, Person.id).where(Person.chat_id >= FIRST_CHAT)
            )).all()
        )
        new = await enqueue(
            session,
            clock,
            (
                OutgoingMessage(
                    dedup_key=f"{KIND}:{n}",
                    chat_id=chat,
                    text=message_text(n),
                    kind=KIND,
                    priority=Priority.NORMAL if n % 2 else Priority.BULK,
                    person_id=people[chat],
                )
                for n, chat in enumerate(chats)
            ),
        )
        await session.commit()
    assert new == messages, f"queued {new} of {messages}"
    return chats


async def outbox_statuses(bot: BotProcess) -> dict[str, int]:
    async with bot.session() as session:
        rows = await session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.kind == KIND)
            .group_by(OutboxMessage.status)
        )
        return {str(status): count for status, count in rows.all()}


def _delivered(api: FakeBotApi, chats: list[int]) -> int:
    return sum(1 for chat in chats if api.chats.get(chat))


async def run_fanout(
    api: FakeBotApi,
    bot: BotProcess,
    messages: int,
    *,
    kill_at: int | None = None,
    limits: Limits | None = None,
    faults: Faults | None = None,
    timeout: float | None = None,
) -> FanoutResult:
    """Seeds, runs the bot until every row is settled (or `timeout`), stops it, counts."""
    limits = limits or Limits()
    api.limits = limits
    if faults is not None:
        api.faults = faults
    bot.extra_env.update(ENV)
    timeout = timeout or messages / limits.total_rate * 1.5 + 60
    chats = await seed(bot, messages)
    result = FanoutResult(messages=messages, limit=limits.total_rate)
    deadline = time.monotonic() + timeout
    kill_time = restart_delivery = None

    await bot.start()
    if kill_at is not None:
        await bot.wait_until(
            lambda: api.deliveries >= kill_at, deadline - time.monotonic(), f"{kill_at} deliveries"
        )
        await bot.kill()
        kill_time = time.monotonic()
        result.killed_at = api.deliveries
        result.in_flight_at_kill = (await outbox_statuses(bot)).get(OutboxStatus.SENDING, 0)
        before_restart = api.deliveries
        await bot.start()
        await bot.wait_until(
            lambda: api.deliveries > before_restart or _delivered(api, chats) == messages,
            deadline - time.monotonic(), "deliveries after the restart",
        )
        restart_delivery = before_restart

    async def settled() -> bool:
        statuses = await outbox_statuses(bot)
        return not statuses.get(OutboxStatus.PENDING) and not statuses.get(OutboxStatus.SENDING)

    try:
        await bot.wait_until(
            lambda: _delivered(api, chats) == messages, deadline - time.monotonic(),
            f"all {messages} chats to get their message",
        )
        # Every chat has its message; wait until the outbox agrees, so a late duplicate
        # (a row resent after being delivered) would be seen below.
        while True:
            if await settled() or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
    finally:
        await bot.stop()

    result.statuses = await outbox_statuses(bot)
    result.too_many_requests = api.too_many_requests
    result.faults_injected = dict(api.faults_injected)
    times: list[float] = []
    for n, chat in enumerate(chats):
        received = [m for m in api.chats.get(chat, []) if m.method == "sendMessage"]
        result.deliveries += len(received)
        if received:
            result.delivered_chats += 1
            result.duplicates += len(received) - 1
            result.wrong_text += sum(1 for m in received if m.text != message_text(n))
        else:
            result.losses += 1
        times.extend(m.sent_at for m in received)
    times.sort()
    if times:
        result.elapsed = times[-1] - times[0]
        result.peak_one_second = _peak(times, 1.0)
    if kill_time is not None and restart_delivery is not None and times:
        before = [t for t in times if t <= kill_time]
        after = [t for t in times if t > kill_time]
        if before and after:
            result.downtime = after[0] - before[-1]
    return result


def _peak(times: list[float], window: float) -> int:
    best = start = 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best
