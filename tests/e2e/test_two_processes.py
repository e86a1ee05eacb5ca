"""Two real bot processes (`python -m bot`) on one PostgreSQL database and one Redis,
against one fake Bot API server with Telegram's limits on (issue #7, several processes).

p0 polls; p1 runs with WORKER_ONLY=true (sender and scheduler, no getUpdates: Telegram
gives one poller per token, so updates scale out through webhook mode, while senders and
the scheduler scale with processes). Each process gets half the server's limit.

1. 1,200 reminders queued while both run: every chat gets exactly one, both processes
   sent a share (the claims are really shared: FOR UPDATE SKIP LOCKED), next to no 429s.
2. 400 more, p1 SIGKILLed after it delivered 60: p0 finishes everything once p1's claims
   are older than the lease (OUTBOX__CLAIM_LEASE=10 s here); duplicates only among rows
   p1 had delivered but not yet recorded (at most OUTBOX__MAX_IN_FLIGHT, docs/outbox.md).
3. The scheduler's start-up catch-up ran in both processes at once: every job ran in
   exactly one of them (job leases).

Needs JIAXIAO_TEST_POSTGRES_URL and JIAXIAO_TEST_REDIS_URL (skipped otherwise); creates
and drops the database `jiaxiao_e2e_two`. About 60 s.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import pytest_asyncio

from scheduler import default_jobs
from tests.e2e.fake_bot_api import FakeBotApi, Limits
from tests.e2e.two_processes import (
    SendResult,
    job_runs,
    scratch_database,
    send_together,
    start_both,
    two_bots,
)

pytestmark = [
    pytest.mark.e2e, pytest.mark.postgres, pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.timeout(300),
]

PG = os.environ.get("JIAXIAO_TEST_POSTGRES_URL")
REDIS = os.environ.get("JIAXIAO_TEST_REDIS_URL")
DATABASE = "jiaxiao_e2e_two"
LIMIT = 60.0  # the server's messages/s, all chats together; each process gets half
MESSAGES = 1200
KILL_MESSAGES = 400
KILL_AFTER = 60
LEASE = 10.0  # OUTBOX__CLAIM_LEASE, seconds
MAX_IN_FLIGHT = 8


@dataclass
class Outcome:
    together: SendResult
    killed: SendResult
    jobs: dict[str, Counter[str]]
    poller_exit: int
    polls: dict[str, int]  # getUpdates calls per process


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def outcome(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Outcome]:
    if not PG or not REDIS:
        pytest.skip("JIAXIAO_TEST_POSTGRES_URL and JIAXIAO_TEST_REDIS_URL needed")
    api = FakeBotApi(limits=Limits(total_rate=LIMIT, total_burst=LIMIT))
    await api.start()
    workdir = tmp_path_factory.mktemp("two")
    try:
        async with scratch_database(PG, DATABASE) as url:
            bots = two_bots(
                api, workdir, url, per_process_rate=LIMIT / 2, redis_url=REDIS,
                claim_lease=LEASE, max_in_flight=MAX_IN_FLIGHT,
            )
            try:
                await bots[0].prepare_database()
                await start_both(bots)
                together = await send_together(
                    api, bots, "two-send", 710_000_000, MESSAGES, per_process_rate=LIMIT / 2
                )
                print("\ntwo processes\n  " + "\n  ".join(together.lines()))  # noqa: T201
                killed = await send_together(
                    api, bots, "two-kill", 720_000_000, KILL_MESSAGES,
                    per_process_rate=LIMIT / 2, kill_after=KILL_AFTER,
                )
                print("\ntwo processes, one SIGKILLed\n  " + "\n  ".join(killed.lines()))  # noqa: T201
                jobs = job_runs(bots)
                print(f"\njob runs {dict(sorted((k, dict(v)) for k, v in jobs.items()))}")  # noqa: T201
                exit_code = await bots[0].stop()
                polls = {
                    name: sum(
                        1 for method, fields in api.calls
                        if method.lower() == "getupdates" and fields.get("_client") == name
                    )
                    for name in ("p0", "p1")
                }
            except BaseException as exc:
                for bot in bots:
                    exc.add_note(bot.log_tail(40))
                raise
            finally:
                for bot in bots:
                    await bot.close()
    finally:
        await api.stop()
    yield Outcome(together, killed, jobs, exit_code, polls)


async def test_two_senders_share_the_outbox_exactly_once(outcome: Outcome) -> None:
    r = outcome.together
    assert r.losses == 0, r.lines()
    assert r.duplicates == 0, r.lines()
    assert r.wrong_text == 0, r.lines()
    assert r.statuses == {"sent": MESSAGES}, r.lines()
    # Both claimed rows: the work was really shared, not one process doing it all.
    assert r.by_process["p0"] > MESSAGES // 10 and r.by_process["p1"] > MESSAGES // 10, r.lines()
    # Each process keeps to half the limit, so the server hardly ever has to say 429 (a
    # few may come from the two streams' timing on the wire; they pause, never lose).
    assert r.too_many_requests <= MESSAGES // 100, r.lines()
    assert outcome.poller_exit == 0
    # The worker (WORKER_ONLY=true) sent its share without ever polling.
    assert outcome.polls["p0"] > 0 and outcome.polls["p1"] == 0, outcome.polls


async def test_a_killed_sender_claims_are_finished_by_the_survivor(outcome: Outcome) -> None:
    r = outcome.killed
    assert r.killed_at is not None and r.killed_at < KILL_MESSAGES, r.lines()
    assert r.dead_claims, "p1 held no claim at the kill: the test proves nothing"
    assert r.losses == 0, r.lines()
    assert r.wrong_text == 0, r.lines()
    assert r.statuses == {"sent": KILL_MESSAGES}, r.lines()
    # A second copy only of what p1 had delivered but not yet recorded (docs/outbox.md).
    assert r.dead_in_flight is not None
    assert r.duplicates <= min(r.dead_in_flight, MAX_IN_FLIGHT), r.lines()
    assert r.duplicates_elsewhere == 0, r.lines()


async def test_each_scheduled_job_ran_in_one_process(outcome: Outcome) -> None:
    startup = {name for name, job in default_jobs().items() if job.run_at_startup}
    runs = outcome.jobs
    assert startup <= set(runs), f"never ran: {sorted(startup - set(runs))}"
    twice = {name: dict(c) for name, c in runs.items() if len(c) > 1}
    assert not twice, f"ran in both processes: {twice}"
