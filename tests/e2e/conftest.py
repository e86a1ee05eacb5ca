"""Fixtures for the end-to-end suite: a fake Bot API server on 127.0.0.1 and the real bot
process pointed at it. On failure the bot's log is printed with the test's output."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.e2e.fake_bot_api import FakeBotApi
from tests.e2e.harness import BotProcess


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    server = FakeBotApi()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def bot_process(
    api: FakeBotApi, tmp_path: Path, migrated_template: Path, request: pytest.FixtureRequest
) -> AsyncIterator[BotProcess]:
    """The bot, not yet started: seed `bot_process.session()` first, then `await .start()`."""
    process = BotProcess(api, tmp_path / "bot")
    shutil.copyfile(migrated_template, process.db_path)
    yield process
    await process.close()
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        print(process.log_tail(120))  # noqa: T201
