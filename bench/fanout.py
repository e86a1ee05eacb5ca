"""Fan-out benchmark: the real bot sends N queued messages to N people through the fake
Bot API server with Telegram's limits on, optionally SIGKILLed midway and restarted.

    python -m bench.fanout --messages 3000
    python -m bench.fanout --messages 3000 --kill-at 1000
    python -m bench.fanout --messages 600 --bot-rate 60     # the bot set above the limit

Prints messages, elapsed time, achieved messages/s against the configured limit, 429s
received, duplicates and losses. Exits 1 when a message was lost, or when duplicates
exceed what the outbox allows (none without a kill; at most the rows that were being
sent at the kill, see docs/outbox.md). Run it from the repository root.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tests.e2e.fake_bot_api import FakeBotApi, Limits
from tests.e2e.fanout import FanoutResult, run_fanout
from tests.e2e.harness import BotProcess


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.fanout", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=3000, help="recipients, one message each")
    parser.add_argument("--kill-at", type=int, default=None,
                        help="SIGKILL the bot after this many deliveries, then restart it")
    parser.add_argument("--rate", type=float, default=30.0,
                        help="the fake server's total limit, messages/s (the bot's default is 30)")
    parser.add_argument("--bot-rate", type=float, default=None,
                        help="the bot's own total limit (default: --rate); above --rate provokes 429s")
    parser.add_argument("--chat-rate", type=float, default=1.0, help="per-chat limit, messages/s")
    parser.add_argument("--chat-burst", type=float, default=3.0, help="per-chat burst")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (bot.log, database)")
    args = parser.parse_args(argv)
    if args.messages < 1:
        parser.error("--messages must be at least 1")
    if args.kill_at is not None and not 0 < args.kill_at < args.messages:
        parser.error("--kill-at must be between 0 and --messages")
    return args


async def bench(args: argparse.Namespace, workdir: Path) -> FanoutResult:
    api = FakeBotApi()
    await api.start()
    bot = BotProcess(api, workdir)
    # The bot's own limits follow the server's unless --bot-rate says otherwise.
    bot.extra_env.update(
        OUTBOX__RATE_TOTAL=str(args.bot_rate or args.rate),
        OUTBOX__RATE_PER_CHAT=str(args.chat_rate),
        OUTBOX__CHAT_BURST=str(int(args.chat_burst)),
    )
    try:
        await bot.prepare_database()
        limits = Limits(
            total_rate=args.rate, total_burst=args.rate,
            chat_rate=args.chat_rate, chat_burst=args.chat_burst,
        )
        return await run_fanout(api, bot, args.messages, kill_at=args.kill_at, limits=limits)
    finally:
        await bot.close()
        await api.stop()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    command = "python -m bench.fanout " + " ".join(sys.argv[1:] if argv is None else argv)
    print(f"$ {command}")
    print(f"python {platform.python_version()} on {platform.system()} {platform.machine()}, "
          f"{_cpus()} CPUs")
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="jiaxiao-bench-"))
    try:
        result = asyncio.run(bench(args, workdir))
    finally:
        if args.keep:
            print(f"work folder kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    for line in result.lines():
        print(line)
    print(f"wall time           {time.monotonic() - started:.1f} s (set-up and start-up included)")
    allowed = 0 if result.in_flight_at_kill is None else result.in_flight_at_kill
    ok = result.losses == 0 and result.wrong_text == 0 and result.duplicates <= allowed
    print("verdict             " + ("OK" if ok else "FAILED"))
    return 0 if ok else 1


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


if __name__ == "__main__":
    sys.exit(main())
