"""Attendance-path benchmark: head teachers take the daily arrival report through the
production dispatcher (bot.factory.create_dispatcher, exactly what `python -m bot` runs),
beside a bare aiogram dispatcher with one echo handler fed the same number of updates.

    python -m bench.attendance                              # max throughput, SQLite (+ PostgreSQL)
    python -m bench.attendance --rate 40                    # a steady 40 updates/s offered
    python -m bench.attendance --api-latency 80             # each Bot API call takes 80 ms
    python -m bench.attendance --backend sqlite --profile /tmp/att.prof

The school: --schools × --classes classes of --students students, each class with its
own head teacher, every student with one guardian in the bot (every fourth with two).
Each school day every head teacher does the real flow as updates fed to the dispatcher:
`/attendance`, a tap on each of --absent names (k; one more tap when a name is on the
roster's second page: a class of 50 has two), submit; the submit saves the marks and
queues one urgent outbox row per guardian of each absentee. A warm-up day (a few
teachers, not measured) goes first, then --days school days are measured.

Load: by default all teachers of a day work at once, each tapping as soon as the reply
is there (max throughput; --concurrency caps how many at once). With --rate R, sheets
are opened at a steady pace, one every (updates per sheet)/R seconds, and each tap
follows the reply after --think seconds: R updates/s offered as long as the bot keeps up.

Why dp.feed_update with a recording bot session, not the fake Bot API server over HTTP:
this measures what the dispatcher, our handlers, dialogs and the database cost per
update, with nothing else on the 2 CPUs. Over HTTP the fake server, aiohttp on both sides
and the polling loop would run in the same two cores and blur exactly that figure (the
HTTP path is what bench/fanout.py measures). Production feeds updates the same way:
polling hands each update to `dp.feed_update` as its own task (aiogram's
handle_as_tasks), which is what the concurrent teachers here do. A real Bot API call
takes time (the bot gets production's request middlewares, so CommitBeforeSpeaking
commits the update's writes before each call), so --api-latency makes every recorded
call wait that long.

Prints updates/s for both dispatchers and their ratio, CPU time per update (steadier than
wall time on a shared machine), SQL statements per update, p50/p95/p99 latency per update and
per sheet (open → submit answered; in --rate mode measured from when the update was due,
so a backlog shows as latency), the outbox rows created (must equal the absentees'
guardians), the database size, and checks the saved marks (exactly the tapped students,
absent for an unknown reason, by the teacher), the sheets, and that no update was refused
or failed. Exit status 1 when a check fails. Run it from the repository root; with
JIAXIAO_TEST_POSTGRES_URL set (an admin URL, as for the test suite) the same run goes to
a scratch PostgreSQL database too, dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import os
import platform
import pstats
import random
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot, Dispatcher
from aiogram.methods import AnswerCallbackQuery, TelegramMethod
from aiogram.types import (
    CallbackQuery,
    Chat,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
    User,
)
from sqlalchemy import event, func, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.factory import create_dispatcher
from bot.middlewares import install_request_middlewares
from bot.settings import load_settings
from db.engine import create_engine, create_session_pool
from db.migrate import upgrade
from db.models import (
    AbsenceReason,
    AttendanceMark,
    AttendanceSheet,
    AttendanceStatus,
    County,
    MarkSource,
    OutboxMessage,
    Person,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
)
from services.attendance import NOTICE_KIND
from tests.support.mocked_bot import BOT_USER, RecordingSession

TZ = ZoneInfo("Asia/Shanghai")
# The first day: Monday 23 November 2026 (the warm-up day); measured days follow.
FIRST_DAY = date(2026, 11, 23)
OPEN_AT = (7, 50)  # school time the teachers start
TEACHER_IDS = 10_000_000
GUARDIAN_IDS = 20_000_000
SUBMIT_WIDGET = "sub"  # dialogs/attendance.py ID_SUBMIT
NEXT_WIDGET = "next"  # dialogs/attendance.py ID_NEXT
WARM_UP = 8  # teachers on the unmeasured first day


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.attendance",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--schools", type=int, default=1)
    parser.add_argument(
        "--classes", type=int, default=40, help="classes per school, one head teacher each"
    )
    parser.add_argument("--students", type=int, default=50, help="students per class")
    parser.add_argument("--absent", type=int, default=3, help="absentees each teacher taps (k)")
    parser.add_argument(
        "--days", type=int, default=2, help="measured school days (after one warm-up day)"
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=0,
        help="max teachers working at once (default: all of them)",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help="offered load, updates/s (sheets opened at a steady pace to match); "
        "default: max throughput",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=0.5,
        help="with --rate: seconds a teacher takes before each next tap",
    )
    parser.add_argument(
        "--api-latency",
        type=float,
        default=0.0,
        help="milliseconds each Bot API call takes (default 0)",
    )
    parser.add_argument(
        "--backend",
        choices=("sqlite", "postgres", "both"),
        default=None,
        help="default: sqlite, and postgres too when JIAXIAO_TEST_POSTGRES_URL is set",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="cProfile the measured attendance phase (first backend) into this file",
    )
    parser.add_argument(
        "--probe-lock",
        action="store_true",
        help="SQLite: count the Bot API calls made while the database's write "
        "lock is held (an extra connection tries BEGIN IMMEDIATE at each call); "
        "with --concurrency 1 the lock is the calling update's own",
    )
    parser.add_argument(
        "--sql-top",
        type=int,
        default=0,
        help="also list the N statements run most often in the measured phase",
    )
    parser.add_argument("--keep", action="store_true", help="keep the SQLite work folder")
    args = parser.parse_args(argv)
    if min(args.schools, args.classes, args.days) < 1 or args.students < args.absent + 1:
        parser.error("need at least 1 school, class and day, and more students than --absent")
    if args.absent < 0:
        parser.error("--absent must be 0 or more")
    if args.rate is not None and args.rate <= 0:
        parser.error("--rate must be positive")
    if args.backend is None:
        args.backend = "both" if os.environ.get("JIAXIAO_TEST_POSTGRES_URL") else "sqlite"
    if args.backend != "sqlite" and not os.environ.get("JIAXIAO_TEST_POSTGRES_URL"):
        parser.error("postgres needs JIAXIAO_TEST_POSTGRES_URL")
    return args


# ------------------------------------------------------------------ the bot side


class BenchSession(RecordingSession):
    """RecordingSession's answers, without keeping every request: counts the calls,
    remembers the newest keyboard in each chat (what the teacher taps next), counts
    alerts (a refusal or an error reply), and optionally waits like a real API call."""

    def __init__(self, latency: float = 0.0, probe: Path | None = None) -> None:
        super().__init__()
        self.latency = latency
        self.calls: Counter[str] = Counter()
        self.alerts = 0
        self.keyboards: dict[int, Message] = {}
        self.probe = probe  # a SQLite file: note the calls made while its write lock is taken
        self.locked: Counter[str] = Counter()

    async def make_request(
        self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
    ) -> Any:
        self.calls[type(method).__name__] += 1
        if isinstance(method, AnswerCallbackQuery) and method.show_alert:
            self.alerts += 1
        if self.probe is not None and _write_locked(self.probe):
            self.locked[type(method).__name__] += 1
        if self.latency:
            await asyncio.sleep(self.latency)
        result = self._answer(method)
        if isinstance(result, Message):
            self.messages.pop((result.chat.id, result.message_id), None)  # keep memory flat
            if isinstance(result.reply_markup, InlineKeyboardMarkup):
                self.keyboards[result.chat.id] = result
        return result


def _write_locked(path: Path) -> bool:
    """Is some connection holding the database's write lock right now?"""
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


def bench_bot(latency: float, probe: Path | None = None, *, production: bool = True) -> Bot:
    """The bot the dispatcher talks through. `production`: with the request middlewares
    bot.factory.create_bot installs (CommitBeforeSpeaking commits the update's writes
    before each Bot API call); the echo baseline gets a bare Bot."""
    bot = Bot(token="42:TEST", session=BenchSession(latency, probe))
    bot._me = BOT_USER
    return install_request_middlewares(bot) if production else bot


class ShiftedClock:
    """Real time running from a chosen school-day moment, so timestamps move as they would."""

    def __init__(self, day: date) -> None:
        self.set_day(day)

    def set_day(self, day: date) -> None:
        self._start = datetime(day.year, day.month, day.day, *OPEN_AT, tzinfo=TZ).astimezone(UTC)
        self._t0 = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._t0)


class Updates:
    def __init__(self) -> None:
        self._ids = iter(range(1, 1 << 62))

    def text(self, user: User, text: str) -> Update:
        entities = None
        if text.startswith("/"):
            entities = [MessageEntity(type="bot_command", offset=0, length=len(text.split()[0]))]
        message = Message(
            message_id=next(self._ids),
            date=datetime.now(UTC),
            chat=Chat(id=user.id, type="private"),
            from_user=user,
            text=text,
            entities=entities,
        )
        return Update(update_id=next(self._ids), message=message)

    def press(self, user: User, message: Message, data: str) -> Update:
        query = CallbackQuery(
            id=str(next(self._ids)), from_user=user, chat_instance="ci", message=message, data=data
        )
        return Update(update_id=next(self._ids), callback_query=query)


def teacher_user(n: int) -> User:
    return User(id=TEACHER_IDS + n, is_bot=False, first_name="老师", language_code="zh-hans")


# ------------------------------------------------------------------ the school


@dataclass
class Roster:
    """What the benchmark generated: per class its teacher number, students and guardians."""

    classes: list[int] = field(default_factory=list)  # class ids, teacher n = index
    students: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # class -> (id, name)
    guardian_chats: dict[int, list[int]] = field(default_factory=dict)  # student -> chat ids


async def build_school(
    pool: async_sessionmaker[AsyncSession], args: argparse.Namespace, now: datetime
) -> Roster:
    roster = Roster()
    async with pool() as s:
        county = County(name="基准县", created_at=now)
        s.add(county)
        await s.flush()
        teacher_no = 0
        guardian_no = 0
        for school_no in range(args.schools):
            school = School(name=f"基准{school_no + 1}小", county_id=county.id, created_at=now)
            s.add(school)
            await s.flush()
            n = args.classes
            heads = await _insert(
                s,
                Person,
                [
                    {
                        "name": f"老师{teacher_no + i}",
                        "telegram_user_id": TEACHER_IDS + teacher_no + i,
                        "chat_id": TEACHER_IDS + teacher_no + i,
                        "language": "zh_Hans",
                        "joined_at": now,
                        "created_at": now,
                    }
                    for i in range(n)
                ],
            )
            posts = await _insert(
                s,
                Staff,
                [
                    {
                        "person_id": p,
                        "school_id": school.id,
                        "is_head_teacher": True,
                        "is_subject_teacher": True,
                        "created_at": now,
                    }
                    for p in heads
                ],
            )
            classes = await _insert(
                s,
                SchoolClass,
                [
                    {
                        "school_id": school.id,
                        "grade": 1 + i // 7,
                        "name": f"{i % 7 + 1}班",
                        "head_teacher_id": posts[i],
                        "created_at": now,
                    }
                    for i in range(n)
                ],
            )
            student_rows = [
                {
                    "school_id": school.id,
                    "class_id": c,
                    "name": f"学生{j + 1:02d}",
                    "student_number": f"B{school_no:03d}{i:03d}{j:04d}",
                    "created_at": now,
                }
                for i, c in enumerate(classes)
                for j in range(args.students)
            ]
            students = await _insert(s, Student, student_rows)
            links: list[tuple[int, int]] = []  # (student, guardian chat)
            for k, student in enumerate(students):
                for _ in range(2 if k % 4 == 3 else 1):
                    links.append((student, GUARDIAN_IDS + guardian_no))
                    guardian_no += 1
            people = await _insert(
                s,
                Person,
                [
                    {
                        "name": "家长",
                        "telegram_user_id": chat,
                        "chat_id": chat,
                        "language": "en" if chat % 5 == 0 else "zh_Hans",
                        "joined_at": now,
                        "created_at": now,
                    }
                    for _, chat in links
                ],
            )
            await _insert(
                s,
                StudentGuardian,
                [
                    {"student_id": st, "person_id": p, "relation": "mother", "started_at": now}
                    for (st, _), p in zip(links, people, strict=True)
                ],
                returning=False,
            )
            for student, chat in links:
                roster.guardian_chats.setdefault(student, []).append(chat)
            for i, c in enumerate(classes):
                roster.classes.append(c)
                roster.students[c] = [
                    (students[i * args.students + j], student_rows[i * args.students + j]["name"])
                    for j in range(args.students)
                ]
            teacher_no += n
        await s.commit()
    return roster


async def _insert(
    s: AsyncSession, model: type, rows: list[dict[str, Any]], returning: bool = True
) -> list[int]:
    if not returning:
        await s.execute(insert(model), rows)
        return []
    stmt = insert(model).returning(model.id, sort_by_parameter_order=True)  # type: ignore[attr-defined]
    return list((await s.scalars(stmt, rows)).all())


def school_days(count: int) -> list[date]:
    days, day = [], FIRST_DAY
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


# ------------------------------------------------------------------ the load


@dataclass
class Run:
    """Latencies (seconds) and counts of one phase."""

    updates: list[float] = field(default_factory=list)
    sheets: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    cpu: float = 0.0  # this process's CPU time, all threads (aiosqlite runs SQLite in one)
    failures: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return len(self.updates) / self.elapsed if self.elapsed else 0.0


Flow = Callable[[int, "Run", float], Awaitable[None]]


async def drive(flows: list[Flow], args: argparse.Namespace, per_flow: float) -> Run:
    """Run the flows (one per teacher) all at once, capped by --concurrency, or opened at
    a steady pace with --rate. Each flow gets its start time (when it was due)."""
    run = Run()
    limit = asyncio.Semaphore(args.concurrency or len(flows))
    gap = per_flow / args.rate if args.rate else 0.0
    started = time.perf_counter()
    cpu = time.process_time()

    async def one(i: int, flow: Flow) -> None:
        due = started + i * gap
        if gap:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
        async with limit:
            try:
                await flow(i, run, due if gap else time.perf_counter())
            except Exception as exc:  # a broken flow is a failed check, not a crash
                run.failures.append(f"flow {i}: {type(exc).__name__}: {exc}")

    await asyncio.gather(*(one(i, f) for i, f in enumerate(flows)))
    run.elapsed = time.perf_counter() - started
    run.cpu = time.process_time() - cpu
    return run


async def _timed(run: Run, dp: Dispatcher, bot: Bot, update: Update, due: float) -> None:
    await dp.feed_update(bot, update)
    run.updates.append(time.perf_counter() - due)


def attendance_flows(
    dp: Dispatcher,
    bot: Bot,
    roster: Roster,
    day: date,
    args: argparse.Namespace,
    updates: Updates,
    chosen: dict[int, list[int]],
) -> list[Flow]:
    session: BenchSession = bot.session  # type: ignore[assignment]
    think = args.think if args.rate else 0.0

    def flow_for(teacher_no: int, class_id: int) -> Flow:
        # In roster order, as a teacher goes down the list (a class over 30 has two pages).
        picks = sorted(
            random.Random(f"{class_id}:{day}").sample(roster.students[class_id], args.absent),
            key=roster.students[class_id].index,
        )
        chosen[class_id] = [sid for sid, _ in picks]
        user = teacher_user(teacher_no)

        async def flow(_i: int, run: Run, due: float) -> None:
            opened = due
            await _timed(run, dp, bot, updates.text(user, "/attendance"), due)
            for _sid, name in picks:
                due = await _pause(think)
                message = session.keyboards[user.id]
                if not _has(message, name):  # on the next page: one more tap
                    await _timed(
                        run,
                        dp,
                        bot,
                        updates.press(user, message, _button(message, widget=NEXT_WIDGET)),
                        due,
                    )
                    due = await _pause(think)
                    message = session.keyboards[user.id]
                await _timed(
                    run, dp, bot, updates.press(user, message, _button(message, text=name)), due
                )
            due = await _pause(think)
            message = session.keyboards[user.id]
            await _timed(
                run,
                dp,
                bot,
                updates.press(user, message, _button(message, widget=SUBMIT_WIDGET)),
                due,
            )
            run.sheets.append(time.perf_counter() - opened)

        return flow

    return [flow_for(n, c) for n, c in enumerate(roster.classes)]


def echo_flows(
    dp: Dispatcher, bot: Bot, count: int, total: int, args: argparse.Namespace, updates: Updates
) -> list[Flow]:
    """`count` chats sending `total` updates between them, each chat one after the other."""
    think = args.think if args.rate else 0.0

    def flow_for(n: int) -> Flow:
        user = teacher_user(n)
        mine = total // count + (1 if n < total % count else 0)

        async def flow(_i: int, run: Run, due: float) -> None:
            opened = due
            for j in range(mine):
                if j:
                    due = await _pause(think)
                await _timed(run, dp, bot, updates.text(user, f"echo {j}"), due)
            run.sheets.append(time.perf_counter() - opened)

        return flow

    return [flow_for(n) for n in range(count)]


async def _pause(think: float) -> float:
    """Wait the teacher's think time; returns when the next update was due."""
    due = time.perf_counter() + think
    if think:
        await asyncio.sleep(think)
    return due


def _has(message: Message, text: str) -> bool:
    markup = message.reply_markup
    return isinstance(markup, InlineKeyboardMarkup) and any(
        b.text == text for row in markup.inline_keyboard for b in row
    )


def _button(message: Message, text: str | None = None, widget: str | None = None) -> str:
    assert isinstance(message.reply_markup, InlineKeyboardMarkup)
    for row in message.reply_markup.inline_keyboard:
        for b in row:
            data = b.callback_data or ""
            if (text is not None and b.text == text) or (
                widget is not None and data.rsplit("\x1d", 1)[-1] == widget
            ):
                return data
    raise LookupError(f"no button {text or widget!r} on the sheet")


def echo_dispatcher() -> Dispatcher:
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    return dp


# ------------------------------------------------------------------ checks


@dataclass
class Checked:
    marks: int
    expected_marks: int
    sheets: int
    outbox: int
    expected_outbox: int
    problems: list[str]


async def check(
    pool: async_sessionmaker[AsyncSession],
    roster: Roster,
    days: list[date],
    chosen: dict[date, dict[int, list[int]]],
    outbox_before: int,
) -> Checked:
    problems: list[str] = []
    expected_students = {(d, sid) for d in days for ids in chosen[d].values() for sid in ids}
    expected_chats = Counter(
        chat
        for d in days
        for ids in chosen[d].values()
        for sid in ids
        for chat in roster.guardian_chats[sid]
    )
    async with pool() as s:
        marks = list(await s.scalars(select(AttendanceMark).where(AttendanceMark.day.in_(days))))
        sheets = (
            await s.scalar(
                select(func.count())
                .select_from(AttendanceSheet)
                .where(AttendanceSheet.day.in_(days))
            )
            or 0
        )
        rows = list(
            await s.execute(
                select(OutboxMessage.chat_id, OutboxMessage.dedup_key)
                .where(OutboxMessage.kind == NOTICE_KIND)
                .order_by(OutboxMessage.id)
                .offset(outbox_before)
            )
        )
    got = {(m.day, m.student_id) for m in marks}
    if got != expected_students:
        problems.append(
            f"marks: {len(got - expected_students)} unexpected, "
            f"{len(expected_students - got)} missing"
        )
    wrong = [
        m
        for m in marks
        if (m.status, m.reason, m.source)
        != (AttendanceStatus.ABSENT, AbsenceReason.UNKNOWN, MarkSource.TEACHER)
        or m.notice_sent_at is None
    ]
    if wrong:
        problems.append(
            f"marks: {len(wrong)} not 'absent, unknown, by the teacher, guardian asked'"
        )
    if sheets != len(roster.classes) * len(days):
        problems.append(f"sheets: {sheets}, expected {len(roster.classes) * len(days)}")
    if Counter(chat for chat, _ in rows) != expected_chats:
        problems.append("outbox: notices went to other chats than the absentees' guardians")
    if len({key for _, key in rows}) != len(rows):
        problems.append("outbox: duplicate dedup keys")
    return Checked(
        len(marks),
        len(expected_students),
        sheets,
        len(rows),
        sum(expected_chats.values()),
        problems,
    )


async def notices(pool: async_sessionmaker[AsyncSession]) -> int:
    async with pool() as s:
        return (
            await s.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.kind == NOTICE_KIND)
            )
            or 0
        )


class ErrorCount(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


# ------------------------------------------------------------------ one backend


@dataclass
class Result:
    backend: str
    attendance: Run
    echo: Run
    checked: Checked
    size: str
    calls: Counter[str]
    alerts: int
    errors: int
    setup: float
    statements: Counter[str]
    locked: Counter[str] | None = None


async def db_bytes(engine: AsyncEngine) -> int:
    """The database's size on disk (SQLite: after moving the WAL into the file)."""
    async with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            pages = (await conn.exec_driver_sql("PRAGMA page_count")).scalar() or 0
            return pages * ((await conn.exec_driver_sql("PRAGMA page_size")).scalar() or 0)
        return (
            await conn.exec_driver_sql("SELECT pg_database_size(current_database())")
        ).scalar() or 0


async def bench_backend(
    backend: str,
    url: str,
    args: argparse.Namespace,
    profile: cProfile.Profile | None,
    probe: Path | None = None,
) -> Result:
    t_setup = time.monotonic()
    await asyncio.to_thread(upgrade, url)
    engine = create_engine(url)
    pool = create_session_pool(engine)
    statements: Counter[str] = Counter()
    counting = [False]

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if counting[0]:
            statements[" ".join(statement.split())] += 1

    days = school_days(args.days + 1)
    clock = ShiftedClock(days[0])
    errors = ErrorCount()
    logging.getLogger().addHandler(errors)
    try:
        roster = await build_school(pool, args, clock.now())
        settings = load_settings(
            _env_file=None,
            bot_token="42:TEST",
            database_url=url,
            telegram_api_base="http://127.0.0.1:9",
            redis_url=None,
        )
        dp = create_dispatcher(settings, pool, clock=clock)
        bot = bench_bot(args.api_latency / 1000, probe)
        updates = Updates()
        chosen: dict[date, dict[int, list[int]]] = {}
        # Warm-up day, a few teachers, not measured (SQL compile caches, first imports).
        # It also tells how many updates a sheet takes (k + 2, one more when a name is on
        # the second page), which sets the pace of --rate.
        chosen[days[0]] = {}
        warm = await drive(
            attendance_flows(dp, bot, roster, days[0], args, updates, chosen[days[0]])[:WARM_UP],
            _all_at_once(args),
            1,
        )
        per_flow = len(warm.updates) / len(warm.sheets)
        setup = time.monotonic() - t_setup
        size_before = await db_bytes(engine)
        outbox_before = await notices(pool)
        alerts_before, errors.count = bot.session.alerts, 0  # type: ignore[attr-defined]
        calls_before = Counter(bot.session.calls)  # type: ignore[attr-defined]
        locked_before = Counter(bot.session.locked)  # type: ignore[attr-defined]

        attendance = Run()
        per_day: list[int] = []
        counting[0] = True
        if profile:
            profile.enable()
        for day in days[1:]:
            clock.set_day(day)
            chosen[day] = {}
            run = await drive(
                attendance_flows(dp, bot, roster, day, args, updates, chosen[day]), args, per_flow
            )
            per_day.append(len(run.updates))
            attendance.updates += run.updates
            attendance.sheets += run.sheets
            attendance.elapsed += run.elapsed
            attendance.cpu += run.cpu
            attendance.failures += run.failures
        if profile:
            profile.disable()
        counting[0] = False
        calls = Counter(bot.session.calls) - calls_before  # type: ignore[attr-defined]
        alerts = bot.session.alerts - alerts_before  # type: ignore[attr-defined]
        locked = Counter(bot.session.locked) - locked_before  # type: ignore[attr-defined]
        failed = errors.count

        checked = await check(pool, roster, days[1:], chosen, outbox_before)
        size_after = await db_bytes(engine)
        grown = size_after - size_before
        size = (
            f"{size_after / 1e6:.1f} MB, of which {grown / 1e6:.2f} MB over the measured days: "
            f"{grown / 1e3 / max(1, len(attendance.sheets)):.1f} kB per sheet"
        )

        # The baseline: the same number of updates, in the same shape (a chat per teacher,
        # its updates one after the other), to a bare aiogram echo handler, at max
        # throughput (with --rate too: at a steady pace it would take as long again and
        # only show that it keeps up).
        edp, ebot = echo_dispatcher(), bench_bot(args.api_latency / 1000, production=False)
        teachers = len(roster.classes)
        flat_out = _all_at_once(args)
        await drive(
            echo_flows(edp, ebot, teachers, per_day[0], flat_out, updates), flat_out, per_flow
        )  # warm-up
        echo = Run()
        # A fraction of a second is too short to time on a shared machine: the same
        # updates again until the baseline has run for a second.
        while not echo.updates or echo.elapsed < 1.0:
            for total in per_day:
                run = await drive(
                    echo_flows(edp, ebot, teachers, total, flat_out, updates), flat_out, per_flow
                )
                echo.updates += run.updates
                echo.sheets += run.sheets
                echo.elapsed += run.elapsed
                echo.cpu += run.cpu
                echo.failures += run.failures
    finally:
        logging.getLogger().removeHandler(errors)
        await engine.dispose()
    return Result(
        backend,
        attendance,
        echo,
        checked,
        size,
        calls,
        alerts,
        failed,
        setup,
        statements,
        locked if probe else None,
    )


def _all_at_once(args: argparse.Namespace) -> argparse.Namespace:
    return argparse.Namespace(**{**vars(args), "rate": None})


async def bench_sqlite(
    args: argparse.Namespace, workdir: Path, profile: cProfile.Profile | None
) -> Result:
    path = workdir / "jiaxiao.sqlite3"
    return await bench_backend(
        "sqlite", f"sqlite+aiosqlite:///{path}", args, profile, path if args.probe_lock else None
    )


async def bench_postgres(args: argparse.Namespace, profile: cProfile.Profile | None) -> Result:
    admin_url = make_url(os.environ["JIAXIAO_TEST_POSTGRES_URL"])
    name = f"jiaxiao_bench_{uuid.uuid4().hex[:8]}"
    url = admin_url.set(database=name).render_as_string(hide_password=False)

    async def admin(sql: str) -> Any:
        engine = create_engine(
            admin_url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
        )
        try:
            async with engine.connect() as conn:
                result = await conn.exec_driver_sql(sql)
                return result.scalar() if result.returns_rows else None
        finally:
            await engine.dispose()

    await admin(f'CREATE DATABASE "{name}"')
    try:
        return await bench_backend("postgres", url, args, profile)
    finally:
        await admin(f'DROP DATABASE "{name}" WITH (FORCE)')


# ------------------------------------------------------------------ report


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def ms(values: list[float]) -> str:
    def one(q: float) -> str:
        v = pct(values, q) * 1000
        return f"{v:.0f}" if v >= 10 else f"{v:.2f}"

    return " / ".join(one(q) for q in (50, 95, 99)) + " ms"


def report(r: Result, args: argparse.Namespace) -> bool:
    a, e, c = r.attendance, r.echo, r.checked
    sheets = len(a.sheets)
    print(f"--- {r.backend}")
    print(f"set-up              {r.setup:.1f} s (migrate, generate, warm-up day)")
    print(
        f"sheets              {sheets} ({len(a.updates)} updates, {args.days} day(s) × "
        f"{args.schools * args.classes} teachers, k = {args.absent})"
    )
    print(
        f"attendance          {a.rate:.1f} updates/s, {sheets / a.elapsed:.1f} sheets/s "
        f"({a.elapsed:.1f} s)"
    )
    print(f"  latency/update    p50/p95/p99 {ms(a.updates)}")
    print(f"  latency/sheet     p50/p95/p99 {ms(a.sheets)} (open → submit answered)")
    print(
        f"  CPU/update        {a.cpu / max(1, len(a.updates)) * 1000:.1f} ms of this process "
        f"({a.cpu / a.elapsed:.0%} of one core busy)"
    )
    rounds = len(e.updates) // max(1, len(a.updates))
    print(
        f"echo baseline       {e.rate:.1f} updates/s ({e.elapsed:.1f} s, the same "
        f"{len(a.updates)} updates {rounds}×, all chats at once)"
    )
    print(f"  latency/update    p50/p95/p99 {ms(e.updates)}")
    print(f"  CPU/update        {e.cpu / max(1, len(e.updates)) * 1000:.2f} ms")
    if a.updates and e.updates and a.cpu and e.cpu:
        rate = (
            f"achieved {a.rate / args.rate:.2f} of the offered rate"
            if args.rate
            else f"{a.rate / e.rate:.3f} of bare aiogram's updates/s"
        )
        print(
            f"ratio               {rate}; "
            f"{(a.cpu / len(a.updates)) / (e.cpu / len(e.updates)):.0f}× bare aiogram's CPU per update"
        )
    print(
        f"bot API calls       {dict(sorted(r.calls.items()))} "
        f"({sum(r.calls.values()) / max(1, len(a.updates)):.2f} per update)"
    )
    n = max(1, len(a.updates))
    if r.locked is not None:
        print(
            f"under write lock    {dict(sorted(r.locked.items()))} Bot API calls made while the "
            f"SQLite write lock was held ({sum(r.locked.values()) / max(1, sheets):.2f} per sheet)"
        )
    print(
        f"SQL statements      {sum(r.statements.values()) / n:.1f} per update "
        f"({sum(r.statements.values())} in all)"
    )
    for statement, count in r.statements.most_common(args.sql_top):
        print(f"  {count / n:6.2f}/update  {statement[:150]}")
    print(f"marks saved         {c.marks} (expected {c.expected_marks})")
    print(f"sheets saved        {c.sheets}")
    print(f"outbox rows         {c.outbox} guardian notices (expected {c.expected_outbox})")
    print(f"database size       {r.size}")
    print(
        f"refusals/errors     {r.alerts} alerts, {r.errors} errors logged, "
        f"{len(a.failures) + len(e.failures)} broken flows"
    )
    problems = list(c.problems)
    if r.alerts or r.errors:
        problems.append("some updates were refused or failed")
    problems += (a.failures + e.failures)[:5]
    for p in problems:
        print(f"  PROBLEM: {p}")
    ok = not problems and c.marks == c.expected_marks and c.outbox == c.expected_outbox
    print("verdict             " + ("OK" if ok else "FAILED"))
    return ok


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    command = "python -m bench.attendance " + " ".join(sys.argv[1:] if argv is None else argv)
    print(f"$ {command}")
    print(
        f"python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{_cpus()} CPUs, load average {os.getloadavg()[0]:.2f}"
    )
    mode = (
        f"offered {args.rate:g} updates/s, think {args.think:g} s"
        if args.rate
        else f"max throughput, {args.concurrency or 'all'} teachers at once"
    )
    print(f"load                {mode}, Bot API latency {args.api_latency:g} ms")
    started = time.monotonic()
    profile = cProfile.Profile() if args.profile else None
    workdir = Path(tempfile.mkdtemp(prefix="jiaxiao-bench-att-"))
    ok = True
    try:
        if args.backend in ("sqlite", "both"):
            ok &= report(asyncio.run(bench_sqlite(args, workdir, profile)), args)
        if args.backend in ("postgres", "both"):
            # Only the first backend is profiled.
            only = profile if args.backend == "postgres" else None
            ok &= report(asyncio.run(bench_postgres(args, only)), args)
    finally:
        if args.keep:
            print(f"work folder kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if profile is not None:
        profile.dump_stats(args.profile)
        print(f"--- profile of the measured attendance phase ({args.profile}), top 25 by own time")
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    print(
        f"wall time           {time.monotonic() - started:.1f} s, load average now "
        f"{os.getloadavg()[0]:.2f}"
    )
    return 0 if ok else 1


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


if __name__ == "__main__":
    sys.exit(main())
