"""Public holidays pre-filled from chinese-calendar: a known year fills in holidays and
make-up days (keeping what the admin set), a year the package lacks (2099) crashes
nothing and asks the school's admins to enter it; by service, job, bot and command line."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli import main
from bot.settings import Settings
from db.models import CalendarDay, OutboxMessage, Term
from locales import get_translator
from scheduler import JobContext, default_jobs
from services import holidays
from services import returns as returns_svc
from services.access import load_actor
from services.calendar import load_calendar
from services.clock import FakeClock
from tests.support.chat import ChatDriver
from tests.support.factory import Factory

ADMIN = 100
OTHER_ADMIN = 400
TEACHER = 300


async def _scene(factory: Factory, session: AsyncSession):
    school = await factory.school("阳光小学")
    other = await factory.school("河西小学")
    admin = await factory.person("李校长", telegram_user_id=ADMIN, language="zh_Hans")
    await factory.staff(admin, school, is_school_admin=True)
    other_admin = await factory.person("周校长", telegram_user_id=OTHER_ADMIN, language="zh_Hans")
    await factory.staff(other_admin, other, is_school_admin=True)
    teacher = await factory.person("王老师", telegram_user_id=TEACHER, language="zh_Hans")
    await factory.staff(teacher, school, is_head_teacher=True)
    await session.commit()
    return school, other, admin


async def _days(session_pool, school_id: int) -> dict[date, tuple[bool, str | None]]:
    async with session_pool() as s:
        rows = await s.scalars(select(CalendarDay).where(CalendarDay.school_id == school_id))
        return {r.day: (r.is_school_day, r.note) for r in rows}


async def _outbox(session_pool) -> list[OutboxMessage]:
    async with session_pool() as s:
        return list((await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


def test_public_days_of_a_known_year_and_none_for_an_unknown_one() -> None:
    days = {d.day: d for d in holidays.public_days(2026) or []}
    assert days[date(2026, 10, 1)] == holidays.PublicDay(date(2026, 10, 1), False, "national_day")
    assert days[date(2026, 10, 10)].is_school_day  # 调休: a Saturday that is a working day
    assert date(2026, 11, 21) not in days  # an ordinary Saturday is no exception
    assert holidays.public_days(2099) is None  # NotImplementedError inside, caught
    assert holidays.public_days(1999) is None


async def test_prefill_writes_holidays_keeps_the_admins_days_and_drives_releases(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    school, _, _ = await _scene(factory, session)
    # The admin had already made 8 October a holiday for the school's own reasons.
    session.add(CalendarDay(school_id=school.id, day=date(2026, 10, 8), is_school_day=False, note="校庆",
                            created_at=clock.now()))
    await session.commit()
    async with session_pool() as s:
        actor = await load_actor(s, ADMIN)
        first = await holidays.prefill_year(s, clock, get_translator(), school.id, 2026, actor=actor)
        await s.commit()
        again = await holidays.prefill_year(s, clock, get_translator(), school.id, 2026, actor=actor)
        await s.commit()
    assert first.added > 20 and not first.missing
    assert (again.added, again.kept) == (0, first.added + first.kept)
    days = await _days(session_pool, school.id)
    assert days[date(2026, 10, 1)] == (False, "国庆节")
    assert days[date(2026, 10, 10)] == (True, "调休")
    assert days[date(2026, 10, 8)] == (False, "校庆")
    async with session_pool() as s:
        calendar = await load_calendar(s, school.id)
    assert returns_svc.release_on(calendar, date(2026, 9, 30)).kind == "holiday"
    assert returns_svc.release_on(calendar, date(2026, 10, 9)) is None  # Saturday 10 October is school


async def test_a_year_the_package_lacks_asks_the_admin_once_and_writes_nothing(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    school, _, admin = await _scene(factory, session)
    async with session_pool() as s:
        actor = await load_actor(s, ADMIN)
        for _ in range(2):
            result = await holidays.prefill_year(s, clock, get_translator(), school.id, 2099, actor=actor)
            await s.commit()
    assert result.missing and result.added == 0
    assert await _days(session_pool, school.id) == {}
    [ask] = await _outbox(session_pool)
    assert ask.person_id == admin.id and ask.kind == holidays.ASK_KIND
    assert "机器人还没有 2099 年的法定节假日安排" in ask.payload["text"]


async def test_only_the_schools_admin_may_prefill(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    school, _, _ = await _scene(factory, session)
    async with session_pool() as s:
        for user in (OTHER_ADMIN, TEACHER):
            with pytest.raises(holidays.HolidaysError):
                await holidays.prefill_year(s, clock, get_translator(), school.id, 2026, actor=await load_actor(s, user))
    assert await _days(session_pool, school.id) == {}


async def test_daily_job_asks_for_years_the_terms_need(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings: Settings,
) -> None:
    school, _, admin = await _scene(factory, session)
    clock.set(datetime(2098, 12, 10, 2, tzinfo=UTC))
    session.add(Term(school_id=school.id, name="秋季", starts_on=date(2098, 9, 1), ends_on=date(2099, 1, 20),
                     created_at=clock.now()))
    await session.commit()
    job = default_jobs()["holidays-missing-years"]
    context = JobContext(session_pool, clock, settings, get_translator())
    assert await job.func(context) == 4  # 2098 and 2099 (December: next year too), to each school
    assert await job.func(context) == 0
    mine = [m for m in await _outbox(session_pool) if m.person_id == admin.id]
    assert sorted(m.dedup_key for m in mine) == [
        f"holidays-missing:{school.id}:2098:to:{admin.id}", f"holidays-missing:{school.id}:2099:to:{admin.id}",
    ]
    # The returns job runs over such a calendar without trouble.
    assert await default_jobs()["returns-rounds"].func(context) == 0


async def test_holidays_command_and_button(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    school, other, _ = await _scene(factory, session)
    admin = tg.user(ADMIN)
    shown = await tg.send(admin, "/holidays")
    assert shown.buttons() == ["📅 填入 2026 年（阳光小学）", "📅 填入 2027 年（阳光小学）"]
    done = await tg.tap(admin, "📅 填入 2026 年")
    assert "✅ 2026 年：填入" in done.text
    assert (await _days(session_pool, school.id))[date(2026, 10, 1)] == (False, "国庆节")
    # A forged button for another school changes nothing.
    forged = await tg.press(admin, f"hpf:{other.id}:2026")
    assert "只有学校管理员可以填写节假日" in forged.text
    assert await _days(session_pool, other.id) == {}
    refused = await tg.send(tg.user(TEACHER), "/holidays")
    assert "只有学校管理员可以填写节假日" in refused.text


# --------------------------------------------------------------- command line


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.sqlite3"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    monkeypatch.setenv("BOT_TOKEN", "42:TEST")
    monkeypatch.delenv("DEFAULT_LANGUAGE", raising=False)
    assert main(["db", "upgrade"]) == 0
    with sqlite3.connect(path) as conn:
        now = "2026-11-23 01:00:00.000000"
        conn.execute("insert into counties (id, name, created_at) values (1, '清水县', ?)", (now,))
        conn.execute(
            "insert into schools (id, county_id, name, timezone, created_at) values (1, 1, '阳光小学', 'Asia/Shanghai', ?)",
            (now,),
        )
        conn.execute(
            "insert into people (id, name, telegram_user_id, chat_id, created_at) values (1, '李校长', 100, 100, ?)",
            (now,),
        )
        conn.execute(
            "insert into staff (id, person_id, school_id, is_bureau_officer, is_school_admin, is_head_teacher,"
            " is_subject_teacher, is_mentor, is_counsellor, active, created_at) values (1, 1, 1, 0, 1, 0, 0, 0, 0, 1, ?)",
            (now,),
        )
    return path


def test_cli_prefill_known_and_unknown_year(cli_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calendar", "prefill", "--school", "阳光小学", "--year", "2026"]) == 0
    assert "阳光小学，2026 年：填入" in capsys.readouterr().out
    with sqlite3.connect(cli_db) as conn:
        assert conn.execute("select note from calendar_days where day = '2026-10-01'").fetchone() == ("国庆节",)
    assert main(["calendar", "prefill", "--school", "阳光小学", "--year", "2099"]) == 1
    assert "没有 2099 年的法定节假日数据。已请学校管理员手动填写（1 条消息）" in capsys.readouterr().err
    assert main(["calendar", "prefill", "--school", "没有这所学校", "--year", "2026"]) == 1
    assert "找不到学校：没有这所学校" in capsys.readouterr().err
