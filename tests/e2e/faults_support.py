"""Helpers for tests/e2e/test_faults.py: a fake Bot API server that can also fail
getUpdates and make requests vanish, a school seeded with the project's own services, a
SQLite write lock held from outside the bot, and a TCP proxy that can cut PostgreSQL off.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import create_engine
from db.models import CalendarDay, ReleaseKind, School, Student
from locales import get_translator
from services import returns as returns_svc
from services.access import load_actor
from services.attendance import save_sheet
from services.clock import SystemClock, local_today
from tests.e2e.fake_bot_api import FakeBotApi, _ApiError, _DropConnection
from tests.e2e.harness import BotProcess
from tests.support.factory import Factory

ZH = "zh_Hans"
T = get_translator()
SHANGHAI = "Asia/Shanghai"


class FaultyBotApi(FakeBotApi):
    """FakeBotApi plus faults the base class does not have:

    - `poll_faults`: what the next getUpdates calls get, one entry each: "502", "drop"
      (connection cut), or "hang" (no answer for `poll_hang_seconds`, then the connection
      is cut: longer than the bot's request timeout, so it gives up first);
    - `send_hangs`: so many of the next send/edit calls hang `send_hang_seconds` and are
      then cut, never delivered (a request lost in a dead connection: the base class's
      hang delivers late, which no client could tell from a lost answer);
    - `kick_polls()`: a long poll waiting for updates returns empty at once, so that the
      next getUpdates call meets the faults set up after it."""

    def __init__(self) -> None:
        super().__init__()
        self.poll_faults: deque[str] = deque()
        self.poll_faults_done: list[str] = []
        self.poll_hang_seconds = 15.0
        self.send_hangs = 0
        self.send_hang_seconds = 5.0
        self.send_hangs_done = 0
        # chat id -> coroutine function awaited after a message to that chat is delivered
        # and before the bot gets the answer (once): to fail something in between.
        self.after_delivery: dict[int, Callable[[], Awaitable[None]]] = {}
        self._kicks = 0

    def kick_polls(self) -> None:
        self._kicks += 1
        event = self._new_update
        self._new_update = asyncio.Event()
        event.set()

    async def _get_updates(self, fields: dict[str, Any]) -> list[dict[str, Any]]:
        kicks = self._kicks
        self.get_updates_calls += 1
        self._touch()
        offset = int(fields.get("offset") or 0)
        limit = max(1, min(100, int(fields.get("limit") or 100)))
        timeout = max(0, int(fields.get("timeout") or 0))
        if offset > 0:
            self.confirmed_update_id = max(self.confirmed_update_id, offset - 1)
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        while not self._updates and not self._closing and self._kicks == kicks:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), remaining)
        return self._updates[:limit]

    async def _guarded(self, method: str, fields: dict[str, Any], handler: Any) -> Any:
        name = method.lower()
        if name == "getupdates" and self.poll_faults:
            fault = self.poll_faults.popleft()
            self.poll_faults_done.append(fault)
            self._touch()
            if fault == "502":
                raise _ApiError(502, "Bad Gateway")
            if fault == "hang":
                await asyncio.sleep(self.poll_hang_seconds)
            raise _DropConnection
        if name.startswith(("send", "edit")) and self.send_hangs > 0:
            self.send_hangs -= 1
            self.send_hangs_done += 1
            self._touch()
            await asyncio.sleep(self.send_hang_seconds)
            raise _DropConnection
        result = await super()._guarded(method, fields, handler)
        if name == "sendmessage":
            hook = self.after_delivery.pop(int(fields.get("chat_id") or 0), None)
            if hook is not None:
                await hook()
        return result

    def callback_texts(self, callback_id: str) -> list[str]:
        """Every text the bot gave in answer to one button press (toasts and alerts)."""
        return [
            str(f.get("text") or "") for f in self.calls_of("answerCallbackQuery")
            if str(f.get("callback_query_id")) == callback_id
        ]


# ------------------------------------------------------------------------ the school


@dataclass
class Pupil:
    student_id: int
    name: str
    granny_person_id: int
    granny_chat: int


@dataclass
class Scene:
    school_id: int
    class_id: int
    head_person_id: int
    head_chat: int
    pupils: list[Pupil]
    today: date
    round_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


async def seed_school(
    bot: BotProcess, name: str, base: int, pupils: int, *, left_behind: int | None = None,
) -> Scene:
    """A school whose today is a school day; a head teacher (chat base+2, Chinese) of one
    class; `pupils` pupils, each with a grandmother in the bot (chat base+100+i). The
    first `left_behind` (default all) are left-behind children: a returns round asks them."""
    left_behind = pupils if left_behind is None else left_behind
    clock = SystemClock()
    async with bot.session() as session:
        factory = Factory(session, clock)
        school = await factory.school(name, await factory.county(f"{name}县"))
        admin = await factory.person(f"{name}校长", telegram_user_id=base + 1, language="en")
        await factory.staff(admin, school, is_school_admin=True)
        head = await factory.person(f"{name}陈老师", telegram_user_id=base + 2, language=ZH)
        post = await factory.staff(head, school, is_head_teacher=True)
        school_class = await factory.school_class(school, grade=3, name="1班", head_teacher=post)
        out: list[Pupil] = []
        for i in range(pupils):
            pupil_name = f"{name[:2]}{'甲乙丙丁戊己庚辛壬癸'[i % 10]}{i}"
            student = await factory.student(
                school, school_class, pupil_name, is_left_behind=i < left_behind,
            )
            chat = base + 100 + i
            granny = await factory.person(
                f"{pupil_name}奶奶", phone=f"+86138{chat:08d}", telegram_user_id=chat, language=ZH,
            )
            await factory.guardian_of(student, granny)
            out.append(Pupil(student.id, pupil_name, granny.id, chat))
        today = local_today(clock, ZoneInfo(SHANGHAI))
        session.add(CalendarDay(
            school_id=school.id, day=today, is_school_day=True, note="e2e faults",
            created_at=clock.now(),
        ))
        await session.commit()
        return Scene(school.id, school_class.id, head.id, base + 2, out, today)


async def start_return_round(bot: BotProcess, scene: Scene) -> int:
    """School let out ten minutes ago for a weekend: the round asks each left-behind
    child's grandmother "has … arrived home?" (queued in the outbox, as the scheduler's
    job would). Returns the number of questions queued."""
    clock = SystemClock()
    async with bot.session() as session:
        school = await session.get_one(School, scene.school_id)
        release = returns_svc.Release(
            day=scene.today, kind=ReleaseKind.WEEKEND, back_on=scene.today + timedelta(days=3)
        )
        rnd, queued = await returns_svc.start_round(
            session, clock, T, returns_svc.ReturnRules(), school, release,
            clock.now() - timedelta(minutes=10),
        )
        await session.commit()
        scene.round_id = rnd.id
        return queued


async def submit_absences(bot: BotProcess, scene: Scene, pupils: list[Pupil]) -> int:
    """The head teacher's sheet with these pupils absent (reason unknown), saved through
    the attendance service: their grandmothers are asked why (urgent outbox rows)."""
    clock = SystemClock()
    async with bot.session() as session:
        actor = await load_actor(session, scene.head_chat)
        result = await save_sheet(
            session, clock, T, actor, scene.class_id, scene.today,
            {p.student_id: "absent" for p in pupils},
        )
        await session.commit()
        return result.asked


async def student(session: AsyncSession, student_id: int) -> Student:
    return await session.get_one(Student, student_id)


# ------------------------------------------------------------------ SQLite write lock


class SqliteWriteLock:
    """Another program holding SQLite's write lock (BEGIN EXCLUSIVE) for a while: a
    backup tool, a second process, an admin in the sqlite3 shell."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._release = threading.Event()
        self._held = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            try:
                conn.execute("BEGIN EXCLUSIVE")
                self._held.set()
                self._release.wait(60)
                conn.execute("ROLLBACK")
            finally:
                conn.close()
        except BaseException as exc:  # reported by acquire()/release()
            self.error = exc
            self._held.set()

    async def acquire(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sqlite-write-lock", daemon=True)
        self._thread.start()
        await asyncio.to_thread(self._held.wait, 30)
        if self.error is not None:
            raise self.error

    async def release(self) -> None:
        self._release.set()
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join, 30)
        if self.error is not None:
            raise self.error


# ------------------------------------------------------------------ PostgreSQL proxy


async def _admin(admin_url: str, sql: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.exec_driver_sql(sql)
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def scratch_database(admin_url: str, name: str) -> AsyncIterator[str]:
    """A fresh PostgreSQL database `name` on the server of `admin_url` (dropped first if a
    killed run left it), its URL yielded, dropped at the end."""
    url = make_url(admin_url)
    admin = url.render_as_string(hide_password=False)
    await _admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await _admin(admin, f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        await _admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class TcpProxy:
    """127.0.0.1:<port> forwarding to a server; `cut()` closes every connection and refuses
    new ones (the database host gone), `restore()` accepts again."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._writers.update((writer, up_writer))

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                with contextlib.suppress(Exception):
                    dst.close()

        for task in (
            asyncio.create_task(pipe(reader, up_writer)), asyncio.create_task(pipe(up_reader, writer))
        ):
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def cut(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            with contextlib.suppress(Exception):
                writer.transport.abort()
        self._writers.clear()

    async def restore(self) -> None:
        await self.start()

    async def stop(self) -> None:
        await self.cut()
        for task in list(self._tasks):
            task.cancel()
