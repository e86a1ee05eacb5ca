"""Two bot processes sending N reminders together on one PostgreSQL database (issue #7).

    python -m bench.two_senders                          # 10,000 at 30/s: about 5.5 min
    python -m bench.two_senders --messages 3000 --rate 60
    python -m bench.two_senders --messages 2000 --kill-after 300 --lease 10

p0 runs `python -m bot` (polling), p1 the same with WORKER_ONLY=true (sender and scheduler
only); both send to one fake Bot API server (tests/e2e/fake_bot_api.py) with Telegram's
limits on: --rate messages/s in all (burst the same), 1/s and a burst of 3 per chat. Each
process has its own rate limiter, so each is set to --rate / 2 (OUTBOX__RATE_TOTAL).
N guardians get one queued message each, queued while both processes run.

Prints duplicates, losses, the combined rate against the limit, the peak one-second
window, 429s, and each process's share (the server records which process sent each
message). With --kill-after, p1 is SIGKILLed once it has delivered that many and p0
must finish its claims after --lease seconds. Exit 1 on a loss, or a duplicate beyond
what docs/outbox.md allows (none without a kill; with one, only rows the dead process
had delivered but not recorded). Needs JIAXIAO_TEST_POSTGRES_URL (an admin URL, as for
the tests; the database `jiaxiao_bench_two` is created and dropped) and, optionally,
JIAXIAO_TEST_REDIS_URL for the FSM storage. Run it from the repository root.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tests.e2e.fake_bot_api import FakeBotApi, Limits
from tests.e2e.two_processes import (
    SendResult,
    job_runs,
    scratch_database,
    send_together,
    start_both,
    two_bots,
)

DATABASE = "jiaxiao_bench_two"
FIRST_CHAT = 730_000_000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.two_senders", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=10_000, help="recipients, one message each")
    parser.add_argument("--rate", type=float, default=30.0,
                        help="the fake server's total limit, messages/s; each process gets half")
    parser.add_argument("--kill-after", type=int, default=None,
                        help="SIGKILL p1 once it has delivered this many")
    parser.add_argument("--lease", type=float, default=None,
                        help="OUTBOX__CLAIM_LEASE, seconds (default: the bot's, 600)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (bot logs)")
    args = parser.parse_args(argv)
    if args.messages < 2:
        parser.error("--messages must be at least 2")
    if not os.environ.get("JIAXIAO_TEST_POSTGRES_URL"):
        parser.error("needs JIAXIAO_TEST_POSTGRES_URL (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test)")
    return args


async def bench(args: argparse.Namespace, workdir: Path) -> tuple[SendResult, dict[str, dict[str, int]]]:
    api = FakeBotApi(limits=Limits(total_rate=args.rate, total_burst=args.rate))
    await api.start()
    try:
        async with scratch_database(os.environ["JIAXIAO_TEST_POSTGRES_URL"], DATABASE) as url:
            bots = two_bots(
                api, workdir, url, per_process_rate=args.rate / 2,
                redis_url=os.environ.get("JIAXIAO_TEST_REDIS_URL"), claim_lease=args.lease,
            )
            try:
                await bots[0].prepare_database()
                await start_both(bots)
                result = await send_together(
                    api, bots, "bench-two", FIRST_CHAT, args.messages,
                    per_process_rate=args.rate / 2, kill_after=args.kill_after,
                )
                jobs = {name: dict(c) for name, c in sorted(job_runs(bots).items())}
                await bots[0].stop()
            finally:
                for bot in bots:
                    await bot.close()
    finally:
        await api.stop()
    return result, jobs


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    command = "python -m bench.two_senders " + " ".join(sys.argv[1:] if argv is None else argv)
    print(f"$ {command}")
    print(f"python {platform.python_version()} on {platform.system()} {platform.machine()}, "
          f"{_cpus()} CPUs, load average {os.getloadavg()[0]:.2f}")
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="jiaxiao-bench-two-"))
    try:
        result, jobs = asyncio.run(bench(args, workdir))
    finally:
        if args.keep:
            print(f"work folder kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    for line in result.lines():
        print(line)
    both = sorted(name for name, runs in jobs.items() if len(runs) > 1)
    ran = {p: sum(1 for runs in jobs.values() if p in runs) for p in ("p0", "p1")}
    print(f"scheduler jobs      {len(jobs)} ran at start-up: {ran['p0']} in p0, {ran['p1']} in p1, "
          f"{len(both)} in both{': ' + ', '.join(both) if both else ''}")
    print(f"wall time           {time.monotonic() - started:.1f} s (set-up and start-up included), "
          f"load average now {os.getloadavg()[0]:.2f}")
    allowed = 0 if result.dead_in_flight is None else result.dead_in_flight
    ok = (
        result.losses == 0 and result.wrong_text == 0 and result.duplicates <= allowed
        and result.duplicates_elsewhere == 0 and not both
    )
    print("verdict             " + ("OK" if ok else "FAILED"))
    return 0 if ok else 1


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


if __name__ == "__main__":
    sys.exit(main())
