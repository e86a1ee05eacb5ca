"""The two-command promise: a clear one-line error without a token, migrations at start."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "DATABASE_URL", "DEFAULT_LANGUAGE"}}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=cwd, env={**clean, **env},
        capture_output=True, text=True, timeout=60,
    )


def test_missing_token_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    result = _run([], tmp_path, DEFAULT_LANGUAGE="en")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "BOT_TOKEN" in lines[0] and ".env" in lines[0]
    assert "Traceback" not in result.stderr


def test_missing_token_speaks_chinese_by_default(tmp_path: Path) -> None:
    result = _run(["run"], tmp_path)
    assert result.returncode == 2
    assert "没有设置 BOT_TOKEN" in result.stderr


def test_token_from_dotenv_file_is_used(tmp_path: Path) -> None:
    """With a token in .env the token check passes; a bad timezone then names the setting."""
    (tmp_path / ".env").write_text("BOT_TOKEN=1:abc\nSCHOOL_TIMEZONE=Mars/Olympus\n", encoding="utf-8")
    result = _run([], tmp_path, DEFAULT_LANGUAGE="en")
    assert result.returncode == 2
    assert "SCHOOL_TIMEZONE" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_setting_names_the_setting(tmp_path: Path) -> None:
    result = _run([], tmp_path, BOT_TOKEN="1:abc", OUTBOX__RATE_TOTAL="-5", DEFAULT_LANGUAGE="en")
    assert result.returncode == 2
    assert "OUTBOX__RATE_TOTAL" in result.stderr


def test_db_upgrade_creates_the_schema_in_wal_mode(tmp_path: Path) -> None:
    db = tmp_path / "school.sqlite3"
    result = _run(["db", "upgrade"], tmp_path, DATABASE_URL=f"sqlite+aiosqlite:///{db}", DEFAULT_LANGUAGE="en")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as conn:
        tables = {row[0] for row in conn.execute("select name from sqlite_master where type='table'")}
        mode = conn.execute("pragma journal_mode").fetchone()[0]
    assert {"students", "people", "outbox", "invites", "alembic_version"} <= tables
    assert mode == "wal"


def test_help_is_in_the_admins_language(tmp_path: Path) -> None:
    result = _run(["--help"], tmp_path)
    assert result.returncode == 0
    assert "第一次使用" in result.stdout and "invite admin" in result.stdout
    # The report command points to the tables that have commands of their own.
    report = _run(["report", "--help"], tmp_path)
    assert report.returncode == 0
    assert "python -m bot ledger export" in report.stdout and "python -m bot dropout register" in report.stdout
