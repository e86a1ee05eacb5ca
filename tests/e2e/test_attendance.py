"""End to end: the daily arrival report over HTTP, the real bot process against the fake
Bot API server.

A head teacher opens /attendance, marks one pupil absent and submits; the guardian gets
the urgent "… is not at school today" notice with its four buttons and taps "I don't
know"; the head teacher and the school admin get the urgent "a child may be missing"
alert; the teacher reopens the sheet and sees the guardian's answer and the saved marks.
And: all present in one tap writes the sheet and asks nobody.

One bot process serves the module; each test has its own school, people and Telegram ids.
The bot runs on the real clock, so today (in the school's timezone) is made a school day
with a calendar row: the tests pass on a weekend too.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AbsenceReason,
    AttendanceMark,
    AttendanceSheet,
    AttendanceStatus,
    CalendarDay,
    OutboxMessage,
    Priority,
    Student,
)
from locales import get_translator
from services.clock import SystemClock, local_today
from tests.e2e.fake_bot_api import FakeBotApi, FakeUser
from tests.e2e.harness import BotProcess
from tests.support.factory import Factory

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(240)]

ZH, EN = "zh_Hans", "en"
T = get_translator()
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running_bot(
    tmp_path_factory: pytest.TempPathFactory, migrated_template: Path
) -> AsyncIterator[BotProcess]:
    api = FakeBotApi()
    await api.start()
    process = BotProcess(api, tmp_path_factory.mktemp("e2e-attendance"))
    shutil.copyfile(migrated_template, process.db_path)
    try:
        await process.start(timeout=120)  # importing aiogram on a loaded machine can take a minute
        yield process
        assert await process.stop() == 0, process.log_tail()
    finally:
        await process.close()
        await api.stop()


@pytest.fixture
def bot(running_bot: BotProcess, request: pytest.FixtureRequest) -> Iterator[BotProcess]:
    """The module's bot; its log is printed when a test fails."""
    yield running_bot
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        print(running_bot.log_tail(120))  # noqa: T201


@dataclass
class School:
    school_id: int
    class_id: int
    head_person_id: int
    admin_person_id: int
    granny_person_id: int
    students: dict[str, int]
    today: date


async def seed(bot: BotProcess, name: str, base: int) -> School:
    """A school with an admin (English), a head teacher of 3年级1班 with three pupils, and
    the first pupil's grandmother in the bot; Telegram ids base+1.."""
    async with bot.session() as session:
        factory = Factory(session, SystemClock())
        school = await factory.school(name, await factory.county(f"{name}县"))
        admin = await factory.person("Principal Li", telegram_user_id=base + 1, language=EN)
        await factory.staff(admin, school, is_school_admin=True)
        head = await factory.person("陈老师", telegram_user_id=base + 2, language=ZH)
        head_post = await factory.staff(head, school, is_head_teacher=True)
        school_class = await factory.school_class(school, grade=3, name="1班", head_teacher=head_post)
        students = {}
        for pupil in ("刘小花", "刘小军", "何大宝"):
            students[pupil] = (await factory.student(school, school_class, pupil)).id
        granny = await factory.person("刘奶奶", phone=f"+86138{base:08d}", telegram_user_id=base + 3, language=ZH)
        await factory.guardian_of(await session.get_one(Student, students["刘小花"]), granny)
        today = local_today(SystemClock(), SHANGHAI)
        session.add(CalendarDay(
            school_id=school.id, day=today, is_school_day=True, note="e2e",
            created_at=SystemClock().now(),
        ))
        await session.commit()
        return School(school.id, school_class.id, head.id, admin.id, granny.id, students, today)


async def _open_sheet(api: FakeBotApi, head: FakeUser, title: str) -> None:
    before = len(api.messages_to(head.id))
    api.push_text(head, "/attendance")
    await api.wait_for(
        lambda: any(title in (m.text or "") for m in api.messages_to(head.id)[before:]),
        20, "the attendance sheet",
    )


def _has_button(api: FakeBotApi, chat_id: int, label: str) -> bool:
    return any(label in m.button_texts() for m in api.messages_to(chat_id))


async def test_absent_pupil_guardian_does_not_know_alert_and_reopened_sheet(bot: BotProcess) -> None:
    api: FakeBotApi = bot.api
    base = 71000
    school = await seed(bot, "柳树湾小学", base)
    admin, head, granny = FakeUser(base + 1, language_code="en"), FakeUser(base + 2), FakeUser(base + 3)
    date_label = T.get("attendance-date", ZH, month=school.today.month, day=school.today.day)

    # The head teacher opens today's sheet: everyone present by default.
    await _open_sheet(api, head, f"3年级1班 · {date_label} 点名（共 3 人）")
    sheet = api.messages_to(head.id)[-1]
    assert sheet.button_texts()[:3] == ["刘小花", "刘小军", "何大宝"], api.describe_chat(head.id)

    # One tap on the absent pupil, one on Submit.
    api.press(head, "刘小花")
    await api.wait_for(lambda: _has_button(api, head.id, "❌刘小花"), 10, "the pupil marked absent")
    submit = T.get("attendance-submit", ZH, count=1)
    await api.wait_for(lambda: _has_button(api, head.id, submit), 10, "the submit button")
    api.press(head, submit)
    await api.wait_for_text(head.id, T.get("attendance-saved-asked", ZH, asked=1), timeout=20)

    async def mark(session: AsyncSession) -> AttendanceMark | None:
        return await session.scalar(
            select(AttendanceMark).where(AttendanceMark.student_id == school.students["刘小花"])
        )

    saved = await bot.wait_for_db(mark, what="the absence mark")
    assert (saved.status, saved.reason, saved.day) == (
        AttendanceStatus.ABSENT, AbsenceReason.UNKNOWN, school.today,
    )

    # The grandmother is asked at once, through the urgent lane, with four big buttons.
    notice = await api.wait_for_text(granny.id, "刘小花 今天没有到校。您知道原因吗？", timeout=20)
    assert notice.text == "刘小花 今天没有到校。您知道原因吗？"
    dont_know = T.get("absence-answer-dont-know", ZH)
    assert notice.button_texts() == [
        T.get("absence-answer-sick", ZH), T.get("absence-answer-family", ZH),
        T.get("absence-answer-on-the-way", ZH), dont_know,
    ]
    assert [len(row) for row in notice.reply_markup["inline_keyboard"]] == [1, 1, 1, 1]

    # "I don't know": she is thanked, and the head teacher and the admin are alerted.
    api.press(granny, dont_know)
    answer_zh = T.get("absence-answer-label-dont-know", ZH)
    await api.wait_for_text(granny.id, T.get("absence-thanks-dont-know", ZH, answer=answer_zh), timeout=20)
    head_alert = await api.wait_for_text(head.id, "🚨 紧急：孩子可能走失了", timeout=20)
    assert "刘小花" in head_alert.text and f"回答：{answer_zh}" in head_alert.text
    assert "+86138" in head_alert.text  # the guardian's phone, to call at once
    admin_alert = await api.wait_for_text(admin.id, "🚨 URGENT: a child may be missing", timeout=20)
    assert "刘小花" in admin_alert.text

    async def sent_outbox(session: AsyncSession) -> list[OutboxMessage] | None:
        rows = list(await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.school_id == school.school_id, OutboxMessage.kind.like("absence-%"))
            .order_by(OutboxMessage.id)
        ))
        # Only the absence messages: on the real clock the 09:00/10:00 missing-sheet
        # reminders may also be queued for this school, on the slower lane.
        return rows if len(rows) >= 3 and all(r.status == "sent" for r in rows) else None

    rows = await bot.wait_for_db(sent_outbox, what="the notice and both alerts recorded as sent")
    assert {(r.kind, r.person_id) for r in rows} >= {
        ("absence-notice", school.granny_person_id),
        ("absence-alert", school.head_person_id),
        ("absence-alert", school.admin_person_id),
    }
    assert all(r.priority == Priority.URGENT for r in rows)
    assert len([r for r in rows if r.kind == "absence-notice"]) == 1  # asked once

    # The teacher reopens the sheet: the saved mark with the guardian's answer beside the
    # name, not the defaults.
    before = len(api.messages_to(head.id))
    api.push_text(head, "/attendance")
    answer_line = T.get("attendance-line-answer", ZH, answer=T.get("attendance-answer-dont-know", ZH))
    reopened = await api.wait_for(
        lambda: next((m for m in api.messages_to(head.id)[before:] if answer_line in (m.text or "")), None),
        20, "the reopened sheet",
    )
    assert "刘小花" in reopened.text and "已提交过" in reopened.text  # the saved sheet, not a new one
    labels = reopened.button_texts()
    assert "❌刘小花" in labels and "刘小军" in labels and "何大宝" in labels
    assert T.get("attendance-all-present-submit", ZH) not in labels
    async with bot.session() as session:
        kept = await session.scalar(
            select(AttendanceMark).where(AttendanceMark.student_id == school.students["刘小花"])
        )
        assert kept is not None and kept.guardian_answer == "dont_know" and kept.escalated_at is not None


async def test_all_present_in_one_tap_asks_nobody(bot: BotProcess) -> None:
    api: FakeBotApi = bot.api
    base = 72000
    school = await seed(bot, "杏花村小学", base)
    head, granny = FakeUser(base + 2), FakeUser(base + 3)
    date_label = T.get("attendance-date", ZH, month=school.today.month, day=school.today.day)

    await _open_sheet(api, head, f"3年级1班 · {date_label} 点名（共 3 人）")
    api.press(head, T.get("attendance-all-present-submit", ZH))  # the one tap
    done = T.get(
        "attendance-saved-all-present", ZH, class_label="3年级1班", date=date_label, count=3,
    )
    await api.wait_for_text(head.id, done, timeout=20)

    async def sheet(session: AsyncSession) -> AttendanceSheet | None:
        return await session.scalar(
            select(AttendanceSheet).where(AttendanceSheet.class_id == school.class_id)
        )

    saved = await bot.wait_for_db(sheet, what="the sheet")
    assert saved.day == school.today and saved.submitted_by_id == school.head_person_id
    async with bot.session() as session:
        marks = list(await session.scalars(
            select(AttendanceMark).where(AttendanceMark.class_id == school.class_id)
        ))
        outbox = list(await session.scalars(
            select(OutboxMessage).where(OutboxMessage.school_id == school.school_id)
        ))
    assert marks == [] and [r for r in outbox if r.kind.startswith("absence-")] == []
    # The sender looks at the table every half second: give it a few looks, then check
    # that the grandmother's chat is still empty.
    await asyncio.sleep(1.5)
    assert api.messages_to(granny.id) == []
