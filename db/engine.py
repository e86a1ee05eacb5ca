"""Engine and session pool. SQLite gets WAL, foreign keys and a busy timeout."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


SQLITE_BUSY_SECONDS = 30.0


def sqlite_busy_seconds(url: str) -> float:
    """How long a write waits for SQLite's lock: `?timeout=` in the URL, else 30 s."""
    value = make_url(url).query.get("timeout")
    try:
        return float(value) if isinstance(value, str) else SQLITE_BUSY_SECONDS
    except ValueError:
        return SQLITE_BUSY_SECONDS


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    busy = sqlite_busy_seconds(url) if is_sqlite(url) else None
    if busy is not None:
        kwargs.setdefault("connect_args", {"timeout": busy})
    # Parameters hold names and phone numbers: keep them out of error messages and logs.
    kwargs.setdefault("hide_parameters", True)
    engine = create_async_engine(url, **kwargs)
    if busy is not None:
        # The pragma, not only the driver's timeout: it used to be fixed at 30 s here, so
        # `?timeout=` in DATABASE_URL was silently overridden (tests/e2e/test_faults.py).
        busy_ms = int(busy * 1000)

        def pragmas(dbapi_conn: Any, _record: Any) -> None:
            _sqlite_pragmas(dbapi_conn, busy_ms)

        event.listen(engine.sync_engine, "connect", pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn: Any, busy_ms: int) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
    cursor.close()


def create_session_pool(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
