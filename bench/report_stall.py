"""How long the bot's event loop stops while a county report is built (issue #6).

A report built in the bot's own event loop keeps it for as long as its longest stretch of
Python between two awaits: nobody else's tap is answered meanwhile. dialogs/reports.py
builds it in a worker thread with its own event loop instead. This measures both on the
county that bench/county.py generated: a ticker coroutine asks to wake every 10 ms, and
the longest gap between two wake-ups is the longest pause another user would see.

    python -m bench.county --db /tmp/county.sqlite3            # once, to generate
    python -m bench.report_stall --db /tmp/county.sqlite3 [--kind compliance]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import date

TICK = 0.010


async def _ticker(stop: asyncio.Event, gaps: list[float]) -> None:
    last = time.perf_counter()
    while not stop.is_set():
        await asyncio.sleep(TICK)
        now = time.perf_counter()
        gaps.append(now - last - TICK)
        last = now


async def _measure(label: str, build) -> None:  # type: ignore[no-untyped-def]
    stop = asyncio.Event()
    gaps: list[float] = []
    ticker = asyncio.create_task(_ticker(stop, gaps))
    started = time.perf_counter()
    content = await build()
    took = time.perf_counter() - started
    stop.set()
    await ticker
    gaps.sort()
    p99 = gaps[int(len(gaps) * 0.99)] if gaps else 0.0
    print(f"{label:<28} built in {took:6.2f} s ({len(content) // 1024} KiB); "  # noqa: T201
          f"loop pause: longest {max(gaps) * 1000:7.1f} ms, p99 {p99 * 1000:6.1f} ms, ticks {len(gaps)}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="the SQLite file bench.county generated")
    parser.add_argument("--kind", default="compliance", choices=["counts", "changes", "compliance"])
    args = parser.parse_args()

    from sqlalchemy import select

    from db.engine import create_engine, create_session_pool
    from db.models import School
    from dialogs.reports import Job, _build_elsewhere
    from locales import get_translator
    from services import reports as service

    url = f"sqlite+aiosqlite:///{args.db}"
    translator = get_translator()
    engine = create_engine(url)
    pool = create_session_pool(engine)
    async with pool() as session:
        school_ids = tuple((await session.scalars(select(School.id).order_by(School.id))).all())
    scope = service.ReportScope(service.ScopeKind.COUNTY, school_ids, "基准县", county_id=1)
    today = date(2026, 11, 23)
    period = service.Period(date(2026, 9, 1) if args.kind == "changes" else today, today)
    kind = service.ReportKind(args.kind)
    job = Job(chat_id=0, lang="zh_Hans", kind=kind, scope=scope, period=period, rules=service.Rules())
    print(f"{args.kind} for the county: {len(school_ids)} schools")  # noqa: T201

    async def in_loop() -> bytes:
        async with pool() as session:
            return await service.build_report(session, translator, job.lang, kind, scope, period, job.rules)

    await _measure("in the bot's event loop", in_loop)
    await _measure("in a worker thread (now)", lambda: asyncio.to_thread(_build_elsewhere, url, translator, job))
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
