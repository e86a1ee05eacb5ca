"""The migrations build exactly the schema the models describe (SQLite, and PostgreSQL
when JIAXIAO_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import make_url

from db.engine import create_engine
from db.migrate import upgrade
from db.models import Base


async def _diff(url: str) -> list[object]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
                )
            )
    finally:
        await engine.dispose()


def test_sqlite_migrations_match_models(migrated_template: Path) -> None:
    assert asyncio.run(_diff(f"sqlite+aiosqlite:///{migrated_template}")) == []


@pytest.mark.postgres
def test_postgres_migrations_match_models() -> None:
    base = os.environ.get("JIAXIAO_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("JIAXIAO_TEST_POSTGRES_URL not set")
    name = f"jiaxiao_mig_{uuid.uuid4().hex[:8]}"
    admin_url = make_url(base)

    async def _admin(sql: str) -> None:
        engine = create_engine(admin_url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            await conn.exec_driver_sql(sql)
        await engine.dispose()

    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        url = admin_url.set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        assert asyncio.run(_diff(url)) == []
    finally:
        asyncio.run(_admin(f'DROP DATABASE "{name}" WITH (FORCE)'))
