"""Fixtures shared by every test: a migrated SQLite file per test, a fake clock, the
production dispatcher with a recording bot, and a chat driver."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.factory import create_dispatcher
from bot.middlewares import install_request_middlewares
from bot.settings import Settings, load_settings
from db.engine import create_engine, create_session_pool
from db.migrate import upgrade
from locales import Translator, get_translator
from services.clock import FakeClock
from tests.support.chat import ChatDriver
from tests.support.factory import Factory
from tests.support.mocked_bot import MockedBot

# Monday 23 November 2026, 09:00 in Asia/Shanghai.
MONDAY_9AM = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups (its own hook, same name)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Parallel runs (pytest-xdist, `--dist loadgroup`) keep each test file on one worker:
    e2e modules share one bot process per module and some tests build on the previous
    one. Files touching the machine's PostgreSQL or Redis all go to one worker, so two of
    them never reset the same database at once. Without xdist the marker does nothing."""
    shared = {item.path for item in items
              if item.get_closest_marker("postgres") or item.get_closest_marker("redis")}
    for item in items:
        group = "services" if item.path in shared else str(item.path.relative_to(config.rootpath))
        item.add_marker(pytest.mark.xdist_group(group))


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrations run once per test session; each test gets a copy of the result."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade(sqlite_url(path))
    return path


@pytest.fixture
def db_path(tmp_path: Path, migrated_template: Path) -> Path:
    path = tmp_path / "jiaxiao.sqlite3"
    shutil.copyfile(migrated_template, path)
    return path


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY_9AM)


@pytest.fixture
def settings(db_path: Path) -> Settings:
    return load_settings(
        _env_file=None,
        bot_token="42:TEST",
        database_url=sqlite_url(db_path),
        telegram_api_base="http://127.0.0.1:9",
    )


@pytest.fixture
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings.database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def session_pool(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_pool(engine)


@pytest.fixture
async def session(session_pool: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with session_pool() as session:
        yield session


@pytest.fixture
def translator() -> Translator:
    return get_translator()


@pytest.fixture
def bot() -> MockedBot:
    return install_request_middlewares(MockedBot())


@pytest.fixture
def dp(settings: Settings, session_pool: async_sessionmaker[AsyncSession], clock: FakeClock):
    return create_dispatcher(settings, session_pool, clock=clock)


@pytest.fixture
def tg(dp, bot: MockedBot) -> ChatDriver:
    return ChatDriver(dp, bot)


@pytest.fixture
def factory(session: AsyncSession, clock: FakeClock) -> Factory:
    """Remember to `await session.commit()` before driving the bot."""
    return Factory(session, clock)
