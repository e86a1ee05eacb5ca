"""Attendance path on PostgreSQL with 1 and with 2 processes, beside bare aiogram (issue #7).

    python -m bench.attendance_pg                      # flat out, 1 then 2 processes
    python -m bench.attendance_pg --rate 20            # a steady 20 updates/s offered in all
    python -m bench.attendance_pg --processes 2 --storage redis

The same school and flows as `python -m bench.attendance` (read its docstring: the
production dispatcher fed updates with dp.feed_update, a recording bot session, a warm-up
day, then --days measured school days; the checks of what was saved), but on one scratch
PostgreSQL database shared by P operating-system processes (`--processes 1 2` runs P = 1,
then P = 2, each on a fresh database). The head teachers are dealt out to the processes
(teacher n to process n mod P), as a load balancer in front of webhook processes would
deal out chats; each process runs its own dispatcher, engine and connection pool. The
processes warm up, wait for each other, and start the measured days together; then, also
together, each feeds a bare aiogram echo dispatcher the same number of updates.

Flat out (default) every teacher of a process works at once; with --rate R each process
is offered R/P updates/s (sheets opened at a steady pace, --think seconds before each
tap). Prints, for each P: combined updates/s (all updates over the wall time from the
common start to the last process's end), p50/p95/p99 latency per update and per sheet
over all processes, CPU per update, the combined echo baseline, and the checks. FSM and
dialog state: the database (default) or Redis (--storage redis, JIAXIAO_TEST_REDIS_URL).
Needs JIAXIAO_TEST_POSTGRES_URL; the database `jiaxiao_bench_attpg` is created and dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bench.attendance import (
    WARM_UP,
    Roster,
    ShiftedClock,
    Updates,
    attendance_flows,
    bench_bot,
    build_school,
    check,
    drive,
    echo_dispatcher,
    echo_flows,
    ms,
    notices,
    school_days,
)
from bot.factory import create_dispatcher
from bot.settings import load_settings
from db.engine import create_engine, create_session_pool
from db.migrate import upgrade
from tests.e2e.two_processes import scratch_database

DATABASE = "jiaxiao_bench_attpg"
UPDATE_ID_STRIDE = 1_000_000_000  # process i numbers its updates from i × this
ECHO_SECONDS = 3.0  # the baseline repeats its updates at least this long (a shared machine)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.attendance_pg", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--schools", type=int, default=1)
    parser.add_argument("--classes", type=int, default=40, help="classes per school")
    parser.add_argument("--students", type=int, default=50, help="students per class")
    parser.add_argument("--absent", type=int, default=3, help="absentees each teacher taps")
    parser.add_argument("--days", type=int, default=2, help="measured school days")
    parser.add_argument("--rate", type=float, default=None,
                        help="offered load, updates/s in all (default: flat out)")
    parser.add_argument("--think", type=float, default=0.5, help="with --rate: seconds per tap")
    parser.add_argument("--api-latency", type=float, default=0.0, help="ms per Bot API call")
    parser.add_argument("--storage", choices=("db", "redis"), default="db")
    # internal: one process of a run
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--index", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.concurrency = 0
    if args.child is None:
        if not os.environ.get("JIAXIAO_TEST_POSTGRES_URL"):
            parser.error("needs JIAXIAO_TEST_POSTGRES_URL")
        if args.storage == "redis" and not os.environ.get("JIAXIAO_TEST_REDIS_URL"):
            parser.error("--storage redis needs JIAXIAO_TEST_REDIS_URL")
    return args


# ------------------------------------------------------------------ one process


@dataclass
class Part:
    """What one process measured (sent to the parent as JSON)."""

    updates: list[float] = field(default_factory=list)
    sheets: list[float] = field(default_factory=list)
    started: float = 0.0  # time.time()
    ended: float = 0.0
    cpu: float = 0.0
    echo_updates: list[float] = field(default_factory=list)
    echo_started: float = 0.0
    echo_ended: float = 0.0
    echo_cpu: float = 0.0
    failures: list[str] = field(default_factory=list)
    alerts: int = 0
    chosen: dict[str, dict[str, list[int]]] = field(default_factory=dict)


def _roster_from(data: dict[str, Any]) -> Roster:
    return Roster(
        classes=list(data["classes"]),
        students={int(k): [(sid, name) for sid, name in v] for k, v in data["students"].items()},
        guardian_chats={int(k): list(v) for k, v in data["guardian_chats"].items()},
    )


async def _wait_for_go() -> None:
    print("READY", flush=True)
    await asyncio.to_thread(sys.stdin.readline)


async def child(args: argparse.Namespace) -> None:
    spec = json.loads(args.child.read_text())
    index, processes = args.index, spec["processes"]
    run_args = argparse.Namespace(**{**spec["args"], "concurrency": 0})
    if run_args.rate:
        run_args.rate = run_args.rate / processes
    roster = _roster_from(spec["roster"])
    mine = set(roster.classes[index::processes])
    days = [date.fromisoformat(d) for d in spec["days"]]
    engine = create_engine(spec["url"])
    pool = create_session_pool(engine)
    clock = ShiftedClock(days[0])
    settings = load_settings(
        _env_file=None, bot_token="42:TEST", database_url=spec["url"],
        telegram_api_base="http://127.0.0.1:9", redis_url=spec["redis_url"],
    )
    dp = create_dispatcher(settings, pool, clock=clock)
    bot = bench_bot(run_args.api_latency / 1000)
    updates = Updates()
    updates._ids = iter(range(1 + index * UPDATE_ID_STRIDE, 1 << 62))
    part = Part()

    def my_flows(day: date, chosen: dict[int, list[int]]) -> list[Any]:
        flows = attendance_flows(dp, bot, roster, day, run_args, updates, chosen)
        return [f for f, c in zip(flows, roster.classes, strict=True) if c in mine]

    warm = await drive(my_flows(days[0], {})[:WARM_UP], argparse.Namespace(
        **{**vars(run_args), "rate": None}), 1)
    per_flow = len(warm.updates) / max(1, len(warm.sheets))
    alerts_before = bot.session.alerts  # type: ignore[attr-defined]
    await _wait_for_go()

    part.started = time.time()
    cpu = time.process_time()
    per_day: list[int] = []
    for day in days[1:]:
        clock.set_day(day)
        chosen: dict[int, list[int]] = {}
        run = await drive(my_flows(day, chosen), run_args, per_flow)
        part.chosen[day.isoformat()] = {str(c): ids for c, ids in chosen.items() if c in mine}
        per_day.append(len(run.updates))
        part.updates += run.updates
        part.sheets += run.sheets
        part.failures += run.failures
    part.ended = time.time()
    part.cpu = time.process_time() - cpu
    part.alerts = bot.session.alerts - alerts_before  # type: ignore[attr-defined]

    # The baseline: the same number of updates, same shape, to a bare echo dispatcher.
    edp, ebot = echo_dispatcher(), bench_bot(run_args.api_latency / 1000, production=False)
    flat = argparse.Namespace(**{**vars(run_args), "rate": None})
    teachers = len(mine)
    await drive(echo_flows(edp, ebot, teachers, per_day[0], flat, updates), flat, per_flow)
    await _wait_for_go()
    part.echo_started = time.time()
    cpu = time.process_time()
    while time.time() - part.echo_started < ECHO_SECONDS:
        for total in per_day:
            run = await drive(echo_flows(edp, ebot, teachers, total, flat, updates), flat, per_flow)
            part.echo_updates += run.updates
    part.echo_ended = time.time()
    part.echo_cpu = time.process_time() - cpu
    await engine.dispose()
    print("RESULT " + json.dumps(asdict(part)), flush=True)


# ------------------------------------------------------------------ the parent


async def run_with(processes: int, args: argparse.Namespace, workdir: Path) -> bool:
    async with scratch_database(os.environ["JIAXIAO_TEST_POSTGRES_URL"], DATABASE) as url:
        await asyncio.to_thread(upgrade, url)
        engine = create_engine(url)
        pool = create_session_pool(engine)
        days = school_days(args.days + 1)
        roster = await build_school(pool, args, ShiftedClock(days[0]).now())
        spec = {
            "processes": processes, "url": url, "days": [d.isoformat() for d in days],
            "redis_url": os.environ.get("JIAXIAO_TEST_REDIS_URL") if args.storage == "redis" else None,
            "args": {k: v for k, v in vars(args).items() if k not in ("child", "processes")},
            "roster": {
                "classes": roster.classes,
                "students": {str(k): v for k, v in roster.students.items()},
                "guardian_chats": {str(k): v for k, v in roster.guardian_chats.items()},
            },
        }
        spec_path = workdir / f"spec{processes}.json"
        spec_path.write_text(json.dumps(spec))
        children = [
            await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bench.attendance_pg", "--child", str(spec_path),
                "--index", str(i),
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                limit=1 << 26,  # the RESULT line holds every latency
            )
            for i in range(processes)
        ]

        async def line(proc: asyncio.subprocess.Process, prefix: str) -> str:
            assert proc.stdout is not None
            while True:
                raw = await proc.stdout.readline()
                if not raw:
                    raise RuntimeError(f"a bench process exited (code {await proc.wait()})")
                text = raw.decode().strip()
                if text.startswith(prefix):
                    return text[len(prefix):].strip()

        async def go() -> None:
            await asyncio.gather(*(line(p, "READY") for p in children))
            for p in children:
                assert p.stdin is not None
                p.stdin.write(b"GO\n")
                await p.stdin.drain()

        await go()  # warmed up: measured days start together
        outbox_before = await notices(pool)
        await go()  # attendance done: the echo baseline starts together
        parts = [Part(**json.loads(await line(p, "RESULT"))) for p in children]
        for p in children:
            await p.wait()
        chosen: dict[date, dict[int, list[int]]] = {d: {} for d in days[1:]}
        for part in parts:
            for day, per_class in part.chosen.items():
                chosen[date.fromisoformat(day)].update({int(c): v for c, v in per_class.items()})
        checked = await check(pool, roster, days[1:], chosen, outbox_before)
        await engine.dispose()
    return report(processes, parts, checked, args)


def report(processes: int, parts: list[Part], checked: Any, args: argparse.Namespace) -> bool:
    updates = [u for p in parts for u in p.updates]
    sheets = [s for p in parts for s in p.sheets]
    wall = max(p.ended for p in parts) - min(p.started for p in parts)
    echo = [u for p in parts for u in p.echo_updates]
    echo_wall = max(p.echo_ended for p in parts) - min(p.echo_started for p in parts)
    cpu = sum(p.cpu for p in parts)
    rate = len(updates) / wall if wall else 0.0
    echo_rate = len(echo) / echo_wall if echo_wall else 0.0
    print(f"--- PostgreSQL, {processes} process{'es' if processes > 1 else ''} "
          f"({args.storage} FSM storage)")
    print(f"attendance          {rate:.1f} updates/s, {len(sheets) / wall:.1f} sheets/s "
          f"({len(updates)} updates, {len(sheets)} sheets in {wall:.1f} s)")
    print("  per process       " + ", ".join(
        f"{len(p.updates) / max(1e-9, p.ended - p.started):.1f}/s" for p in parts))
    print(f"  latency/update    p50/p95/p99 {ms(updates)}")
    print(f"  latency/sheet     p50/p95/p99 {ms(sheets)}")
    print(f"  CPU/update        {cpu / max(1, len(updates)) * 1000:.1f} ms (all processes)")
    print(f"echo baseline       {echo_rate:.0f} updates/s ({len(echo)} updates in {echo_wall:.1f} s, "
          f"CPU {sum(p.echo_cpu for p in parts) / max(1, len(echo)) * 1000:.2f} ms/update)")
    if args.rate:
        print(f"ratio               achieved {rate / args.rate:.2f} of the offered {args.rate:g}/s")
    else:
        print(f"ratio               {rate / echo_rate if echo_rate else 0:.3f} of bare aiogram's updates/s")
    problems = list(checked.problems)
    alerts = sum(p.alerts for p in parts)
    failures = [f for p in parts for f in p.failures]
    if alerts:
        problems.append(f"{alerts} updates were refused")
    problems += failures[:5]
    print(f"marks saved         {checked.marks} (expected {checked.expected_marks}); "
          f"outbox rows {checked.outbox} (expected {checked.expected_outbox})")
    for p in problems:
        print(f"  PROBLEM: {p}")
    ok = not problems and checked.marks == checked.expected_marks and checked.outbox == checked.expected_outbox
    print("verdict             " + ("OK" if ok else "FAILED"))
    return ok


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.child is not None:
        asyncio.run(child(args))
        return 0
    command = "python -m bench.attendance_pg " + " ".join(sys.argv[1:] if argv is None else argv)
    print(f"$ {command}")
    print(f"python {platform.python_version()} on {platform.system()} {platform.machine()}, "
          f"{_cpus()} CPUs, load average {os.getloadavg()[0]:.2f}")
    load = f"offered {args.rate:g} updates/s in all, think {args.think:g} s" if args.rate else "flat out"
    print(f"load                {load}, Bot API latency {args.api_latency:g} ms")
    started = time.monotonic()
    ok = True
    with tempfile.TemporaryDirectory(prefix="jiaxiao-bench-attpg-") as tmp:
        for processes in args.processes:
            ok &= asyncio.run(run_with(processes, args, Path(tmp)))
    print(f"wall time           {time.monotonic() - started:.1f} s, load average now "
          f"{os.getloadavg()[0]:.2f}")
    return 0 if ok else 1


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


if __name__ == "__main__":
    sys.exit(main())
