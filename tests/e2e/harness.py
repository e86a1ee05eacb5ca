"""Runs the real bot (`python -m bot`) as a subprocess against the fake Bot API server.

    api = FakeBotApi(); await api.start()
    bot = BotProcess(api, tmp_path)
    await bot.prepare_database()          # or copy an already migrated SQLite file to bot.db_path
    async with bot.session() as session:  # seed with the project's models
        ...
    await bot.start()                     # returns once the bot polls getUpdates
    result = await bot.cli("invite", "admin", "--school", "X")
    await bot.stop()                      # SIGTERM; bot.kill() is SIGKILL

The bot runs in an empty temporary folder (so no developer `.env` is read) with only the
settings given here; its stdout and stderr go to `bot.log` in that folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.settings import Settings
from db.engine import create_engine, create_session_pool
from db.migrate import upgrade
from tests.e2e.fake_bot_api import FakeBotApi

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class CliResult:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def check(self) -> CliResult:
        if self.returncode != 0:
            raise AssertionError(
                f"`python -m bot {' '.join(self.args)}` exited {self.returncode}\n"
                f"stdout:\n{self.stdout}\nstderr:\n{self.stderr}"
            )
        return self


def clean_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The caller's environment without anything the bot's Settings would read."""
    env = dict(os.environ if base is None else base)
    names = [name.upper() for name in Settings.model_fields]
    for key in list(env):
        upper = key.upper()
        if any(upper == n or upper.startswith(n + "__") for n in names):
            del env[key]
    return env


class BotProcess:
    def __init__(
        self, api: FakeBotApi, workdir: Path, env: Mapping[str, str] | None = None
    ) -> None:
        self.api = api
        self.workdir = workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.db_path = workdir / "jiaxiao.sqlite3"
        self.database_url = f"sqlite+aiosqlite:///{self.db_path}"
        self.log_path = workdir / "bot.log"
        self.extra_env = dict(env or {})
        self.argv: tuple[str, ...] = ("-m", "bot")  # what `python` is given to start the bot
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0
        # Bots started side by side can share a lock so that only one starts at a time:
        # importing aiogram is seconds of CPU, and two cores shared three ways starve.
        self.start_lock: asyncio.Lock | None = None
        self._engine: AsyncEngine | None = None

    # ------------------------------------------------------------ environment

    def env(self, **overrides: str) -> dict[str, str]:
        env = clean_environment()
        env.update(
            BOT_TOKEN=self.api.token,
            DATABASE_URL=self.database_url,
            TELEGRAM_API_BASE=self.api.base_url,
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
            # The working tree under test, whether or not it is installed editable.
            PYTHONPATH=os.pathsep.join(
                p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p
            ),
        )
        env.update(self.extra_env)
        env.update(overrides)
        return env

    # ------------------------------------------------------------ database

    async def prepare_database(self) -> None:
        """Creates the schema the way the bot would (it migrates again at start: no-op)."""
        await asyncio.to_thread(upgrade, self.database_url)

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            self._engine = create_engine(self.database_url)
        return self._engine

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with create_session_pool(self.engine)() as session:
            yield session

    async def wait_for_db(
        self, check: Callable[[AsyncSession], Awaitable[Any]], timeout: float = 10.0,
        what: str = "the database",
    ) -> Any:
        """Polls `check(session)` until it returns something truthy. The bot answers from
        inside a handler and commits after it, so a reply can arrive before its data."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            async with self.session() as session:
                result = await check(session)
            if result:
                return result
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}")
            await asyncio.sleep(0.1)

    # ------------------------------------------------------------ the bot process

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def start(self, timeout: float = 120.0, wait_polling: bool = True) -> None:
        if self.start_lock is None:
            await self._start(timeout, wait_polling)
        else:
            async with self.start_lock:
                await self._start(timeout, wait_polling)

    async def _start(self, timeout: float, wait_polling: bool) -> None:
        assert not self.running, "the bot is already running"
        polls_before = self.api.get_updates_calls
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"\n===== start #{self.starts} =====\n".encode())
            log.flush()
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, *self.argv,
                cwd=self.workdir, env=self.env(),
                stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log,
            )
        if wait_polling:
            await self.wait_until(
                lambda: self.api.get_updates_calls > polls_before, timeout, "the bot to poll"
            )

    async def wait_until(self, predicate: Callable[[], Any], timeout: float, what: str) -> None:
        """Like api.wait_for, but fails at once (with the bot's log) if the bot dies."""

        def done() -> bool:
            if self.process is not None and self.process.returncode is not None:
                raise AssertionError(
                    f"the bot exited with {self.process.returncode} while waiting for {what}\n"
                    + self.log_tail()
                )
            return bool(predicate())

        try:
            await self.api.wait_for(done, timeout, what=what)
        except TimeoutError as exc:
            raise AssertionError(f"{exc}\n{self.log_tail()}") from None

    async def stop(self, timeout: float = 20.0) -> int:
        """SIGTERM, as systemd or Docker would; SIGKILL if it does not exit in time."""
        process = self.process
        if process is None:
            return 0
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), timeout)
            except TimeoutError:
                process.kill()
                await process.wait()
                raise AssertionError(
                    f"the bot did not stop within {timeout}s of SIGTERM\n{self.log_tail()}"
                ) from None
        return process.returncode if process.returncode is not None else 0

    async def kill(self) -> None:
        """SIGKILL: the process gets no chance to tidy up (a crash, the OOM killer)."""
        process = self.process
        if process is not None and process.returncode is None:
            process.kill()
            await process.wait()

    async def close(self) -> None:
        if self.running:
            await self.kill()
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    # ------------------------------------------------------------ the command line

    async def cli(self, *args: str, timeout: float = 60.0, check: bool = True) -> CliResult:
        """Runs `python -m bot <args>` with the bot's settings (not blocking the fake server)."""
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", *args,
            cwd=self.workdir, env=self.env(),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        try:
            out, err = await asyncio.wait_for(process.communicate(), timeout)
        except TimeoutError:
            process.kill()
            await process.communicate()
            raise AssertionError(f"`python -m bot {' '.join(args)}` took over {timeout}s") from None
        result = CliResult(
            args=args, returncode=process.returncode or 0,
            stdout=out.decode("utf-8", "replace"), stderr=err.decode("utf-8", "replace"),
        )
        return result.check() if check else result

    def log_tail(self, lines: int = 80) -> str:
        if not self.log_path.exists():
            return "(no bot log)"
        text = self.log_path.read_text("utf-8", "replace").splitlines()
        return f"--- last {lines} lines of {self.log_path} ---\n" + "\n".join(text[-lines:])
