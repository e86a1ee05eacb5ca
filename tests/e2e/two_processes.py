"""Two bot processes on one PostgreSQL database, shared by tests/e2e/test_two_processes.py
and `python -m bench.two_senders`.

Process "p0" runs `python -m bot` as usual (it polls); "p1" runs with WORKER_ONLY=true
(outbox sender and scheduler, no getUpdates: Telegram gives one poller per token). Both
send to one fake Bot API server with Telegram's limits on; each is given its own API base
(`<server>/p0`, `<server>/p1`), so every delivered message records which process sent it.
Each process has its own rate limiter, so each is set to the server's limit divided by
the number of processes (OUTBOX__RATE_TOTAL).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from db.engine import create_engine
from db.models import OutboxMessage, OutboxStatus, Person, Priority
from services.clock import SystemClock
from services.outbox import OutgoingMessage, enqueue
from tests.e2e.fake_bot_api import FakeBotApi, Limits
from tests.e2e.harness import BotProcess

# No quiet window: the run must not depend on the hour it happens to run.
QUIET_OFF = {"OUTBOX__QUIET_START": "00:00", "OUTBOX__QUIET_END": "00:00"}
JOB_RUN = re.compile(r" scheduler: job (\S+) (?:done|failed)")


def message_text(kind: str, n: int) -> str:
    return f"【{kind} {n}】明天上午 8 点家长会，请准时参加。"


# ------------------------------------------------------------------ the database


async def _admin(admin_url: str, sql: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.exec_driver_sql(sql)
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def scratch_database(admin_url: str, name: str) -> AsyncIterator[str]:
    """A fresh PostgreSQL database `name` (dropped first if a killed run left it), its
    URL yielded, dropped at the end. `admin_url` is any database on the server."""
    url = make_url(admin_url)
    admin = url.render_as_string(hide_password=False)
    await _admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await _admin(admin, f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        await _admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ------------------------------------------------------------------ the processes


def two_bots(
    api: FakeBotApi, workdir: Path, database_url: str, *, per_process_rate: float,
    redis_url: str | None = None, claim_lease: float | None = None, max_in_flight: int = 8,
) -> list[BotProcess]:
    bots = []
    for n in range(2):
        bot = BotProcess(api, workdir / f"p{n}")
        bot.database_url = database_url
        env = {
            **QUIET_OFF,
            "TELEGRAM_API_BASE": f"{api.base_url}/p{n}",
            "OUTBOX__RATE_TOTAL": f"{per_process_rate:g}",
            "OUTBOX__MAX_IN_FLIGHT": str(max_in_flight),
        }
        if n == 1:
            env["WORKER_ONLY"] = "true"
        if redis_url:
            env["REDIS_URL"] = redis_url
        if claim_lease is not None:
            env["OUTBOX__CLAIM_LEASE"] = f"{claim_lease:g}"
        bot.extra_env.update(env)
        bots.append(bot)
    return bots


async def start_both(bots: list[BotProcess], timeout: float = 120.0) -> None:
    """Both at once (their scheduler catch-ups race for the job leases). p0 is up when it
    polls, the worker when it logs that its sender and scheduler run."""
    poller, worker = bots

    async def worker_up() -> None:
        await worker.start(timeout, wait_polling=False)
        await worker.wait_until(
            lambda: "worker only" in worker.log_path.read_text("utf-8", "replace"),
            timeout, "the worker to start",
        )

    await asyncio.gather(poller.start(timeout), worker_up())


def job_runs(bots: list[BotProcess]) -> dict[str, Counter[str]]:
    """Per job name: how many runs each process logged (the scheduler logs every run)."""
    runs: dict[str, Counter[str]] = {}
    for n, bot in enumerate(bots):
        text = bot.log_path.read_text("utf-8", "replace") if bot.log_path.exists() else ""
        for name in JOB_RUN.findall(text):
            runs.setdefault(name, Counter())[f"p{n}"] += 1
    return runs


# ------------------------------------------------------------------ the send


async def seed(bot: BotProcess, kind: str, first_chat: int, messages: int) -> list[int]:
    """`messages` guardians with a chat, one queued message each (half NORMAL, half BULK)."""
    clock = SystemClock()
    now = clock.now()
    chats = [first_chat + n for n in range(messages)]
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
                select(Person.chat_id, Person.id).where(Person.chat_id.in_(chats))
            )).all()
        )
        new = await enqueue(
            session,
            clock,
            (
                OutgoingMessage(
                    dedup_key=f"{kind}:{n}", chat_id=chat, text=message_text(kind, n), kind=kind,
                    priority=Priority.NORMAL if n % 2 else Priority.BULK, person_id=people[chat],
                )
                for n, chat in enumerate(chats)
            ),
        )
        await session.commit()
    assert new == messages, f"queued {new} of {messages}"
    return chats


async def statuses(bot: BotProcess, kind: str) -> dict[str, int]:
    async with bot.session() as session:
        rows = await session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.kind == kind)
            .group_by(OutboxMessage.status)
        )
        return {str(status): count for status, count in rows.all()}


async def claims_of(bot: BotProcess, kind: str, pid: int) -> list[int]:
    """Chats of the rows still 'sending' under a claim of process `pid` (worker ids are
    host:pid:random)."""
    async with bot.session() as session:
        return list(
            await session.scalars(
                select(OutboxMessage.chat_id).where(
                    OutboxMessage.kind == kind,
                    OutboxMessage.status == OutboxStatus.SENDING,
                    OutboxMessage.claimed_by.like(f"%:{pid}:%"),
                )
            )
        )


@dataclass
class SendResult:
    messages: int
    limit: float
    per_process_rate: float
    deliveries: int = 0
    duplicates: int = 0
    losses: int = 0
    wrong_text: int = 0
    by_process: Counter[str] = field(default_factory=Counter)
    too_many_requests: int = 0
    elapsed: float = 0.0
    peak_one_second: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    # the kill scenario
    killed: str | None = None
    killed_at: int | None = None  # deliveries of this send when SIGKILL was sent
    dead_claims: int | None = None  # rows 'sending' under the dead process's claim
    dead_in_flight: int | None = None  # of those, how many the server had delivered already
    duplicates_elsewhere: int = 0  # duplicates to chats outside the dead claims
    claim_lease: float | None = None
    settled_after_kill: float | None = None  # kill → every row settled, seconds

    @property
    def rate(self) -> float:
        return (self.deliveries - 1) / self.elapsed if self.deliveries > 1 and self.elapsed else 0.0

    def lines(self) -> list[str]:
        share = ", ".join(
            f"{name} {count} ({count / max(1, self.deliveries):.0%})"
            for name, count in sorted(self.by_process.items())
        )
        out = [
            f"messages            {self.messages} (2 processes on one PostgreSQL database)",
            f"elapsed             {self.elapsed:.1f} s (first to last delivery)",
            f"combined rate       {self.rate:.2f} msg/s",
            f"server limit        {self.limit:g} msg/s total (each process set to "
            f"{self.per_process_rate:g})",
            f"ratio               {self.rate / self.limit:.3f}",
            f"peak 1-s window     {self.peak_one_second} messages",
            f"429s received       {self.too_many_requests}",
            f"per process         {share}",
        ]
        if self.killed is not None:
            out += [
                f"SIGKILL             {self.killed} after {self.killed_at} deliveries",
                f"dead claims         {self.dead_claims} rows 'sending' under its claim, "
                f"{self.dead_in_flight} of them already delivered",
                f"dupes elsewhere     {self.duplicates_elsewhere} (to chats the dead process "
                f"had not claimed)",
                f"claim lease         {self.claim_lease:g} s; all settled "
                f"{self.settled_after_kill:.1f} s after the kill",
            ]
        out += [
            f"duplicates          {self.duplicates}",
            f"losses              {self.losses}",
            f"outbox rows         {dict(sorted(self.statuses.items()))}",
        ]
        return out


def _peak(times: list[float], window: float) -> int:
    best = start = 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


async def send_together(
    api: FakeBotApi,
    bots: list[BotProcess],
    kind: str,
    first_chat: int,
    messages: int,
    *,
    per_process_rate: float,
    kill_after: int | None = None,
    timeout: float | None = None,
) -> SendResult:
    """Seeds `messages` rows while both processes run, waits until every row is settled
    (optionally SIGKILLing p1 once it has delivered `kill_after` of them), counts."""
    limits = api.limits or Limits()
    timeout = timeout or messages / limits.total_rate * 1.5 + 60
    result = SendResult(messages, limits.total_rate, per_process_rate)
    chats = await seed(bots[0], kind, first_chat, messages)
    start_429 = api.too_many_requests
    deadline = time.monotonic() + timeout
    survivor = bots[0]
    kill_time = None
    dead: set[int] = set()

    def delivered() -> int:
        return sum(1 for chat in chats if api.chats.get(chat))

    if kill_after is not None:
        victim = bots[1]
        assert victim.process is not None

        def victim_sent() -> int:
            return sum(
                1 for chat in chats for m in api.chats.get(chat, []) if m.client == "p1"
            )

        await survivor.wait_until(
            lambda: victim_sent() >= kill_after, deadline - time.monotonic(),
            f"p1 to deliver {kill_after}",
        )
        pid = victim.process.pid
        await victim.kill()
        kill_time = time.monotonic()
        result.killed, result.killed_at = "p1", delivered()
        dead = set(await claims_of(survivor, kind, pid))
        result.dead_claims = len(dead)
        result.dead_in_flight = sum(1 for chat in dead if api.chats.get(chat))
        result.claim_lease = float(victim.extra_env.get("OUTBOX__CLAIM_LEASE", 600))

    await survivor.wait_until(
        lambda: delivered() == messages, deadline - time.monotonic(),
        f"all {messages} chats to get their message",
    )
    # Every chat has its message; wait until the outbox agrees, so a late duplicate (a
    # row sent again after being delivered) would be counted below.
    while time.monotonic() < deadline:
        now = await statuses(survivor, kind)
        if not now.get(OutboxStatus.PENDING) and not now.get(OutboxStatus.SENDING):
            break
        await asyncio.sleep(0.2)
    if kill_time is not None:
        result.settled_after_kill = time.monotonic() - kill_time
    await asyncio.sleep(1.0)  # anything still on its way arrives and is counted

    result.statuses = await statuses(survivor, kind)
    result.too_many_requests = api.too_many_requests - start_429
    times: list[float] = []
    for n, chat in enumerate(chats):
        received = [m for m in api.chats.get(chat, []) if m.method == "sendMessage"]
        result.deliveries += len(received)
        result.by_process.update(m.client or "?" for m in received)
        if received:
            result.duplicates += len(received) - 1
            if chat not in dead:
                result.duplicates_elsewhere += len(received) - 1
            result.wrong_text += sum(1 for m in received if m.text != message_text(kind, n))
        else:
            result.losses += 1
        times.extend(m.sent_at for m in received)
    times.sort()
    if times:
        result.elapsed = times[-1] - times[0]
        result.peak_one_second = _peak(times, 1.0)
    return result
