"""Charts (services/charts.py, the 📈 choices of /reports) and the weekly digest
(services/digest.py, scheduler/digest.py, /digest): numbers the test created come back in
the chart data and the digest lines; PNGs are real 1080-px pictures; each role sees only
its scope; the digest goes once per person and week, stops on opt-out, resumes on opt-in."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram.methods import SendPhoto
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AttendanceMark,
    AttendanceSheet,
    DropoutCase,
    HomeReturn,
    MonthlyParentContact,
    OutboxMessage,
    ReturnRound,
    SchoolClass,
    Term,
)
from locales import get_translator
from scheduler import JobContext
from scheduler.digest import weekly_digest
from services import charts
from services.access import load_actor
from services.clock import FakeClock
from services.reports import report_scopes
from tests.support.chat import ChatDriver
from tests.support.factory import Factory

ADMIN, HEAD, HEAD2, BUREAU, SUBJECT = 7101, 7102, 7103, 7104, 7105
TZ = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 23)  # a Monday (the conftest clock)
LAST_WEEK = [date(2026, 11, 16) + timedelta(days=i) for i in range(5)]
PNG = b"\x89PNG\r\n\x1a\n"


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ).astimezone(UTC)


@dataclass
class Scene:
    c31: SchoolClass
    c32: SchoolClass


async def build(factory: Factory, session: AsyncSession) -> Scene:
    county = await factory.county("清水县")
    school = await factory.school("阳光小学", county)
    await factory.school("河西小学", county)
    session.add(Term(school_id=school.id, name="2026秋季学期", starts_on=date(2026, 9, 1), ends_on=date(2027, 1, 20),
                     created_at=at(date(2026, 8, 1))))
    admin = await factory.person("李校长", telegram_user_id=ADMIN)
    await factory.staff(admin, school, is_school_admin=True)
    head = await factory.staff(await factory.person("张老师", telegram_user_id=HEAD), school, is_head_teacher=True)
    head2 = await factory.staff(await factory.person("陈老师", telegram_user_id=HEAD2), school, is_head_teacher=True)
    await factory.staff(await factory.person("赵老师", telegram_user_id=SUBJECT), school, is_subject_teacher=True)
    await factory.staff(await factory.person("王科长", telegram_user_id=BUREAU), county=county, is_bureau_officer=True)
    c31 = await factory.school_class(school, 3, "1班", head_teacher=head)
    c32 = await factory.school_class(school, 3, "2班", head_teacher=head2)
    ming = await factory.student(school, c31, "小明", is_left_behind=True)
    hong = await factory.student(school, c31, "小红", is_left_behind=True)
    hua = await factory.student(school, c32, "小华", is_left_behind=True)
    await factory.student(school, c32, "小芳")
    # Last week: 3年级1班 handed in every sheet, 小明 absent on Wednesday; 3年级2班 only two.
    for day in LAST_WEEK:
        session.add(AttendanceSheet(class_id=c31.id, school_id=school.id, day=day, submitted_at=at(day, 9)))
    for day in LAST_WEEK[:2]:
        session.add(AttendanceSheet(class_id=c32.id, school_id=school.id, day=day, submitted_at=at(day, 9)))
    session.add(AttendanceMark(student_id=ming.id, class_id=c31.id, school_id=school.id, day=LAST_WEEK[2],
                               status="absent", reason="sick", source="teacher", recorded_at=at(LAST_WEEK[2], 9)))
    # Friday's release: 小明 home, 小红 and 小华 never confirmed.
    friday = LAST_WEEK[4]
    rnd = ReturnRound(school_id=school.id, release_day=friday, kind="weekend", released_at=at(friday, 16),
                      deadline_at=at(friday, 20), back_on=TODAY, created_at=at(friday, 16))
    session.add(rnd)
    await session.flush()
    for student, cls, status in ((ming, c31, "arrived"), (hong, c31, "waiting"), (hua, c32, "not_yet")):
        session.add(HomeReturn(round_id=rnd.id, student_id=student.id, class_id=cls.id, status=status, asked=1))
    # 小明's monthly contact for November, confirmed on the 5th.
    session.add(MonthlyParentContact(student_id=ming.id, school_id=school.id, month=date(2026, 11, 1), method="phone",
                                     when_said="today", contacted_on=date(2026, 11, 5), confirmed_by_id=admin.id,
                                     confirmed_at=at(date(2026, 11, 5), 19), created_at=at(date(2026, 11, 5), 19)))
    # 小华 (3年级2班): a dropout case confirmed on 1 November, idle since.
    session.add(DropoutCase(student_id=hua.id, school_id=school.id, stage="confirmed", trigger="manual",
                            opened_at=at(date(2026, 10, 30)), stage_since=at(date(2026, 11, 1))))
    await session.commit()
    return Scene(c31, c32)


async def _scope(session: AsyncSession, user_id: int, index: int = 0):  # type: ignore[no-untyped-def]
    actor = await load_actor(session, user_id)
    return (await report_scopes(session, actor, get_translator(), "zh_Hans"))[index]


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG
    return struct.unpack(">II", png[16:24])


# ---------------------------------------------------------------------- charts


async def test_chart_numbers_and_pictures_for_an_admin(factory: Factory, session: AsyncSession, clock) -> None:
    await build(factory, session)
    translator = get_translator()
    scope = await _scope(session, ADMIN)
    week = date(2026, 11, 16)

    attendance = await charts.attendance_data(session, translator, "zh_Hans", scope, TODAY)
    assert set(attendance.lines) == {"3年级1班", "3年级2班"}
    i = attendance.weeks.index(week)
    assert attendance.lines["3年级1班"][i] == 1 - 1 / 10  # 2 students x 5 sheets, 1 absent
    assert attendance.lines["3年级2班"][i] == 1.0
    assert attendance.weeks == [week]  # no sheet before last week

    completion = await charts.completion_data(session, translator, "zh_Hans", scope, TODAY)
    returns, monthly = completion.lines["放学后确认到家"], completion.lines["留守学生本月已与家长联系"]
    assert returns[completion.weeks.index(week)] == 1 / 3
    assert monthly[completion.weeks.index(date(2026, 10, 26))] == 0  # week ending 1 Nov: no November contact yet
    assert monthly[completion.weeks.index(date(2026, 11, 2))] == 1 / 3  # 小明 on the 5th, of 3 left-behind

    stages = await charts.dropout_data(session, scope, clock.now(), 7)
    assert dict(zip(stages.stages, stages.open, strict=True))["confirmed"] == 1
    assert dict(zip(stages.stages, stages.overdue, strict=True))["confirmed"] == 1
    assert sum(stages.open) == 1

    for kind in charts.ChartKind:
        chart = await charts.build_chart(session, translator, "zh_Hans", kind, scope, TODAY, clock.now())
        width, height = _png_size(chart.png)
        assert width == 1080 and 600 <= height <= 1200, (kind, width, height)
        assert len(chart.png) > 10_000
    assert charts.cjk_font() is not None  # the packaged or a system CJK font was found


async def test_chart_scopes_head_teacher_and_bureau(factory: Factory, session: AsyncSession, clock) -> None:
    await build(factory, session)
    translator = get_translator()
    head = await _scope(session, HEAD)
    attendance = await charts.attendance_data(session, translator, "zh_Hans", head, TODAY)
    assert set(attendance.lines) == {"3年级1班"}
    completion = await charts.completion_data(session, translator, "zh_Hans", head, TODAY)
    assert completion.lines["放学后确认到家"][completion.weeks.index(date(2026, 11, 16))] == 1 / 2
    assert sum((await charts.dropout_data(session, head, clock.now(), 7)).open) == 0  # the case is in 2班

    bureau = await _scope(session, BUREAU)
    attendance = await charts.attendance_data(session, translator, "zh_Hans", bureau, TODAY)
    assert set(attendance.lines) == {"阳光小学"}  # per school, never per class
    assert attendance.lines["阳光小学"][0] == 1 - 1 / 14  # 14 student-days on sheets, 1 absent
    assert sum((await charts.dropout_data(session, bureau, clock.now(), 7)).open) == 1


async def test_charts_in_the_reports_dialog(tg: ChatDriver, factory: Factory, session: AsyncSession) -> None:
    await build(factory, session)
    for user_id in (ADMIN, HEAD, BUREAU):
        user = tg.user(user_id)
        opened = await tg.send(user, "/reports")
        assert "📈 出勤率（每周）" in opened.buttons()
        tapped = await tg.tap(user, "📈 辍学个案（按阶段）")
        [photo] = tapped.of(SendPhoto)
        assert photo.chat_id == user_id
        assert _png_size(photo.photo.data)[0] == 1080
        assert photo.caption.startswith("📈 辍学个案（按阶段） — ")
    subject = await tg.send(tg.user(SUBJECT), "/reports")
    assert "报表只给班主任" in subject.text and not subject.of(SendPhoto)


# ---------------------------------------------------------------------- digest


async def _digests(session_pool) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    async with session_pool() as s:
        return list(await s.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "weekly-digest").order_by(OutboxMessage.id)
        ))


async def test_weekly_digest_once_per_person_with_their_lines(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings
) -> None:
    await build(factory, session)
    ctx = JobContext(session_pool, clock, settings, get_translator())
    clock.set(at(TODAY, 7, 29))
    assert await weekly_digest(ctx) == 0
    clock.set(at(TODAY, 7, 30))
    assert await weekly_digest(ctx) == 3
    assert await weekly_digest(ctx) == 0  # once per person and week
    clock.set(at(TODAY + timedelta(days=1), 8))
    assert await weekly_digest(ctx) == 0  # not on Tuesday
    texts = {m.chat_id: m.payload["text"] for m in await _digests(session_pool)}
    assert set(texts) == {ADMIN, HEAD, HEAD2}  # not the subject teacher, not the bureau

    head = texts[HEAD]
    assert "缺" not in head and "辍学" not in head  # 1班 handed in every sheet; the case is 2班's
    assert "还有 1 人次没有确认到家" in head  # 小红 only, not 小华 of 2班
    assert "本月还有 1 名留守学生" in head  # 小红
    assert "有 2 名留守学生的家长" in head
    assert "帮扶" not in head and "学籍" not in head  # admin lines
    assert "小红" not in head  # counts, no names

    head2 = texts[HEAD2]
    assert "上周缺 3 份考勤表：3年级2班" in head2
    assert "未结的辍学个案 1 件，其中 1 件在同一阶段超过 7 天" in head2

    admin = texts[ADMIN]
    assert "上周缺 3 份考勤表：3年级2班" in admin
    assert "还有 2 人次没有确认到家" in admin
    assert "本月还有 2 名留守学生" in admin
    assert "3 名留守学生还没有帮扶教师" in admin
    [message] = [m for m in await _digests(session_pool) if m.chat_id == ADMIN]
    assert message.payload["buttons"][0][0]["callback_data"] == "digest:off"


async def test_digest_opt_out_and_back_in(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings
) -> None:
    await build(factory, session)
    ctx = JobContext(session_pool, clock, settings, get_translator())
    head = tg.user(HEAD)
    stopped = await tg.press(head, "digest:off")
    assert "不再发送每周提醒" in stopped.text
    clock.set(at(TODAY, 7, 45))
    await weekly_digest(ctx)
    assert {m.chat_id for m in await _digests(session_pool)} == {ADMIN, HEAD2}

    status = await tg.send(head, "/digest")
    assert "已关闭每周提醒" in status.text and status.buttons() == ["重新接收每周提醒"]
    resumed = await tg.tap(head, "重新接收每周提醒")
    assert "每周提醒已打开" in resumed.text
    clock.set(at(TODAY + timedelta(days=7), 7, 45))
    await weekly_digest(ctx)
    next_week = [m.chat_id for m in await _digests(session_pool) if m.dedup_key.endswith("2026-W49")]
    assert sorted(next_week) == sorted([ADMIN, HEAD, HEAD2])

    refused = await tg.press(tg.user(SUBJECT), "digest:off")
    assert any("只发给班主任和学校管理员" in text for text in refused.texts)
