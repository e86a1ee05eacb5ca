"""The head teacher's daily arrival report, through the production dispatcher: all present
in one tap, k absentees in k + 1 taps, reasons, corrections, reopening without losing
what was saved, guardians' own reports kept, the notice to the right guardians only,
double taps, non-school days, read-only views, and every kind of bad button."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardMarkup, Message
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.sender import OutboxSender
from bot.settings import Settings
from db.models import (
    AbsenceReason,
    AttendanceChange,
    AttendanceMark,
    AttendanceSheet,
    AttendanceStatus,
    CalendarDay,
    ClassTeacher,
    MarkSource,
    OutboxMessage,
    Person,
    Priority,
    School,
    SchoolClass,
    Student,
    StudentMentor,
)
from locales import get_translator
from services.clock import FakeClock
from tests.support.chat import ChatDriver, Replies
from tests.support.factory import Factory
from tests.support.mocked_bot import MockedBot

ADMIN = 100
HEAD = 300  # head teacher of 3年级1班
HEAD2 = 301  # head teacher of 4年级2班
SUBJECT = 310  # teaches 3年级1班
MENTOR = 320  # mentors 小军 (4年级2班) only
GRANNY = 201  # 小明's grandmother, zh
GRANDPA = 202  # 小明's grandfather, en
FORMER = 208  # 小明's guardian once (link ended)
AUNT = 207  # 小刚's aunt

MONDAY = date(2026, 11, 23)
ALL_PRESENT = "✅ 全部到校，提交"


@dataclass
class Scene:
    school: School
    class1: SchoolClass
    class2: SchoolClass
    head: Person
    granny: Person
    grandpa: Person
    aunt: Person
    students: dict[str, Student]


async def build_scene(factory: Factory, session: AsyncSession) -> Scene:
    school = await factory.school("阳光小学")
    admin = await factory.person("李校长", telegram_user_id=ADMIN)
    await factory.staff(admin, school, is_school_admin=True)
    head = await factory.person("王老师", telegram_user_id=HEAD)
    head_post = await factory.staff(head, school, is_head_teacher=True, is_subject_teacher=True)
    head2 = await factory.person("周老师", telegram_user_id=HEAD2)
    head2_post = await factory.staff(head2, school, is_head_teacher=True)
    subject = await factory.person("赵老师", telegram_user_id=SUBJECT)
    subject_post = await factory.staff(subject, school, is_subject_teacher=True)
    mentor = await factory.person("钱老师", telegram_user_id=MENTOR)
    mentor_post = await factory.staff(mentor, school, is_mentor=True)

    class1 = await factory.school_class(school, grade=3, name="1班", head_teacher=head_post)
    class2 = await factory.school_class(school, grade=4, name="2班", head_teacher=head2_post)
    students = {}
    for name in ("小明", "小红", "小刚", "小丽"):
        students[name] = await factory.student(school, class1, name)
    for name in ("小军", "小华"):
        students[name] = await factory.student(school, class2, name)

    granny = await factory.person("王奶奶", telegram_user_id=GRANNY, language="zh_Hans")
    grandpa = await factory.person("张爷爷", telegram_user_id=GRANDPA, language="en")
    former = await factory.person("孙爷爷", telegram_user_id=FORMER)
    aunt = await factory.person("刘阿姨", telegram_user_id=AUNT)
    not_joined = await factory.person("陈奶奶", phone="+8613800000001")
    await factory.guardian_of(students["小明"], granny)
    await factory.guardian_of(students["小明"], grandpa, "grandfather")
    ended = await factory.guardian_of(students["小明"], former, "grandfather")
    ended.ended_at = factory.clock.now()
    await factory.guardian_of(students["小红"], not_joined)
    await factory.guardian_of(students["小刚"], aunt, "aunt")

    now = factory.clock.now()
    session.add(ClassTeacher(class_id=class1.id, staff_id=subject_post.id, subject="数学"))
    session.add(StudentMentor(student_id=students["小军"].id, staff_id=mentor_post.id, started_at=now))
    await session.commit()
    return Scene(school, class1, class2, head, granny, grandpa, aunt, students)


# ------------------------------------------------------------------ helpers


async def _count(pool: async_sessionmaker[AsyncSession], model: type, *where) -> int:
    async with pool() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where)) or 0


async def _marks(pool: async_sessionmaker[AsyncSession]) -> dict[int, AttendanceMark]:
    async with pool() as session:
        return {m.student_id: m for m in await session.scalars(select(AttendanceMark))}


async def _outbox(pool: async_sessionmaker[AsyncSession], kind: str | None = None) -> list[OutboxMessage]:
    async with pool() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        return list(await session.scalars(query))


def _keyboard(tg: ChatDriver, user_id: int) -> tuple[Message, list[list]]:
    """The newest bot message in this chat that has buttons, and its rows."""
    for (chat_id, _), message in sorted(tg.bot.session.messages.items(), key=lambda kv: -kv[0][1]):
        if chat_id == user_id and isinstance(message.reply_markup, InlineKeyboardMarkup):
            return message, message.reply_markup.inline_keyboard
    raise AssertionError("no keyboard")


def _labels(tg: ChatDriver, user_id: int) -> list[str]:
    _message, rows = _keyboard(tg, user_id)
    return [b.text for row in rows for b in row]


async def _reason(tg: ChatDriver, user, name: str, reason_label: str) -> Replies:
    """Tap a reason in the row of this student (rows are [name][sick][leave][late][unknown])."""
    message, rows = _keyboard(tg, user.id)
    for row in rows:
        if len(row) == 5 and row[0].text.endswith(name):
            button = next(b for b in row if b.text.endswith(reason_label))
            return await tg.press(user, button.callback_data, message)
    raise AssertionError(f"no reason row for {name}")


def _sent_to(bot: MockedBot, chat_id: int) -> list[SendMessage]:
    return [m for m in bot.requests if isinstance(m, SendMessage) and m.chat_id == chat_id]


# ------------------------------------------------------------- the happy paths


async def test_all_present_is_one_tap(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    scene = await build_scene(factory, session)
    head = tg.user(HEAD)
    opened = await tg.send(head, "/attendance")
    assert "3年级1班 · 11月23日 点名（共 4 人）" in opened.text
    assert opened.buttons()[:4] == ["小明", "小红", "小刚", "小丽"]  # everyone present by default
    assert ALL_PRESENT in opened.buttons()

    done = await tg.tap(head, ALL_PRESENT)  # the one tap
    assert "已提交：3年级1班 11月23日 全部到校（4 人）" in done.text
    async with session_pool() as s:
        [sheet] = list(await s.scalars(select(AttendanceSheet)))
    assert (sheet.class_id, sheet.day, sheet.submitted_by_id) == (scene.class1.id, MONDAY, scene.head.id)
    assert await _count(session_pool, AttendanceMark) == 0
    assert await _count(session_pool, AttendanceChange) == 0
    assert await _outbox(session_pool) == []


async def test_k_absentees_take_k_plus_one_taps_and_guardians_are_asked(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession, session_pool,
    settings: Settings, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    head = tg.user(HEAD)
    await tg.send(head, "/attendance")
    taps = 0
    for name in ("小明", "小红"):
        await tg.tap(head, name)
        taps += 1
    assert "❌小明" in _labels(tg, HEAD) and "❌小红" in _labels(tg, HEAD)
    assert await _count(session_pool, AttendanceMark) == 0  # nothing saved before submit
    saved = await tg.tap(head, "📤 提交（2 人没到）")
    taps += 1
    assert taps <= 2 + 3

    marks = await _marks(session_pool)
    xiaoming, xiaohong = marks[scene.students["小明"].id], marks[scene.students["小红"].id]
    for mark in (xiaoming, xiaohong):
        assert (mark.status, mark.reason, mark.source) == (
            AttendanceStatus.ABSENT, AbsenceReason.UNKNOWN, MarkSource.TEACHER,
        )
        assert mark.recorded_by_id == scene.head.id and mark.class_id == scene.class1.id
    assert await _count(session_pool, AttendanceChange) == 2
    assert "到校 2 人，没到或迟到 2 人" in saved.text
    assert "已经问了 1 个学生的家长" in saved.text
    # 小红's only guardian has not joined: no notice, and the teacher is told to phone.
    assert xiaohong.notice_sent_at is None and xiaoming.notice_sent_at == clock.now()
    assert "请打电话问：小红" in saved.text

    rows = await _outbox(session_pool, "absence-notice")
    assert {r.person_id for r in rows} == {scene.granny.id, scene.grandpa.id}  # not the former guardian
    assert all(r.priority == Priority.URGENT for r in rows)
    assert {r.dedup_key for r in rows} == {
        f"absence-notice:{xiaoming.id}:to:{scene.granny.id}",
        f"absence-notice:{xiaoming.id}:to:{scene.grandpa.id}",
    }

    bot.session.requests.clear()
    await OutboxSender(bot, session_pool, settings.outbox, clock, get_translator()).run_until_idle()
    [to_granny] = _sent_to(bot, GRANNY)
    assert to_granny.text == "小明 今天没有到校。您知道原因吗？"
    keyboard = to_granny.reply_markup.inline_keyboard
    assert [len(row) for row in keyboard] == [1, 1, 1, 1]  # one column, big buttons
    assert [row[0].callback_data for row in keyboard] == [
        f"abs:{xiaoming.id}:sick", f"abs:{xiaoming.id}:family",
        f"abs:{xiaoming.id}:on_the_way", f"abs:{xiaoming.id}:dont_know",
    ]
    assert [row[0].text for row in keyboard] == ["🤒 生病了", "🏠 家里有事", "🚶 在路上了", "❓ 我不知道"]
    [to_grandpa] = _sent_to(bot, GRANDPA)
    assert to_grandpa.text == "小明 is not at school today. Do you know why?"
    assert to_grandpa.reply_markup.inline_keyboard[3][0].text == "❓ I don't know"
    assert _sent_to(bot, FORMER) == [] and _sent_to(bot, AUNT) == []


async def test_a_known_reason_set_before_submit_asks_nobody_and_can_be_refined_after(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    scene = await build_scene(factory, session)
    head = tg.user(HEAD)
    await tg.send(head, "/attendance")
    await tg.tap(head, "小明")
    await tg.tap(head, "小刚")
    await _reason(tg, head, "小刚", "病假")  # one tap: the aunt phoned, he is sick
    assert "🤒小刚" in _labels(tg, HEAD)
    await tg.tap(head, "📤 提交（2 人没到）")

    marks = await _marks(session_pool)
    xiaogang = marks[scene.students["小刚"].id]
    assert (xiaogang.status, xiaogang.reason, xiaogang.notice_sent_at) == (
        AttendanceStatus.ABSENT, AbsenceReason.SICK, None,
    )
    assert {r.person_id for r in await _outbox(session_pool, "absence-notice")} == {
        scene.granny.id, scene.grandpa.id,
    }

    # After submitting, one tap on the saved screen changes a reason at once.
    refined = await _reason(tg, head, "小明", "迟到")
    assert "⏰ 小明 · 迟到" in refined.text
    xiaoming = (await _marks(session_pool))[scene.students["小明"].id]
    assert (xiaoming.status, xiaoming.reason) == (AttendanceStatus.LATE, AbsenceReason.LATE)
    async with session_pool() as s:
        last = (await s.scalars(select(AttendanceChange).order_by(AttendanceChange.id.desc()))).first()
    assert (last.from_status, last.from_reason, last.to_status, last.to_reason) == (
        "absent", "unknown", "late", "late",
    )
    assert last.changed_by_id == scene.head.id
    await _reason(tg, head, "小刚", "事假")
    assert (await _marks(session_pool))[scene.students["小刚"].id].reason == AbsenceReason.PERSONAL_LEAVE


async def test_reopening_shows_saved_marks_and_saving_again_changes_nothing(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    head = tg.user(HEAD)
    await tg.send(head, "/attendance")
    await tg.tap(head, "小明")
    await tg.tap(head, "小刚")
    await _reason(tg, head, "小刚", "病假")
    await tg.tap(head, "📤 提交（2 人没到）")
    changes = await _count(session_pool, AttendanceChange)
    notices = len(await _outbox(session_pool))

    clock.advance(minutes=40)
    reopened = await tg.send(head, "/attendance")
    labels = reopened.buttons()
    assert "❌小明" in labels and "🤒小刚" in labels and "小红" in labels  # saved, not defaults
    assert ALL_PRESENT not in labels
    assert "09:00 已提交过" in reopened.text
    again = await tg.tap(head, "💾 保存修改（0 处）")
    assert "没到或迟到 2 人" in again.text
    marks = await _marks(session_pool)
    assert (marks[scene.students["小刚"].id].reason, marks[scene.students["小明"].id].reason) == (
        AbsenceReason.SICK, AbsenceReason.UNKNOWN,
    )
    assert await _count(session_pool, AttendanceChange) == changes
    assert len(await _outbox(session_pool)) == notices  # nobody asked twice
    async with session_pool() as s:
        sheet = await s.scalar(select(AttendanceSheet))
    assert sheet.updated_at is None  # nothing changed, nothing touched


async def test_correction_back_to_present_is_logged(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    head = tg.user(HEAD)
    await tg.send(head, "/attendance")
    await tg.tap(head, "小明")
    await tg.tap(head, "📤 提交（1 人没到）")

    clock.advance(minutes=25)  # 小明 walks in late
    await tg.tap(head, "✏️ 修改名单")
    await tg.tap(head, "❌小明")
    saved = await tg.tap(head, "💾 保存修改（1 处）")
    assert "全部到校（4 人）" in saved.text
    assert await _marks(session_pool) == {}
    async with session_pool() as s:
        changes = list(await s.scalars(select(AttendanceChange).order_by(AttendanceChange.id)))
        sheet = await s.scalar(select(AttendanceSheet))
    assert [(c.from_status, c.to_status) for c in changes] == [(None, "absent"), ("absent", None)]
    assert all(c.student_id == scene.students["小明"].id and c.changed_by_id == scene.head.id for c in changes)
    assert changes[1].changed_at == clock.now()
    assert sheet.updated_at == clock.now()


async def test_a_guardians_report_is_shown_and_kept(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    now = clock.now()
    session.add(AttendanceMark(
        student_id=scene.students["小红"].id, class_id=scene.class1.id, school_id=scene.school.id,
        day=MONDAY, status=AttendanceStatus.ABSENT, reason=AbsenceReason.SICK,
        source=MarkSource.GUARDIAN, recorded_at=now,
    ))
    await session.commit()
    head = tg.user(HEAD)
    opened = await tg.send(head, "/attendance")
    assert "🤒小红" in opened.buttons()
    assert "🤒 小红 · 病假（家长请假）" in opened.text
    assert "📤 提交（1 人没到）" in opened.buttons()  # pre-filled as absent

    await tg.tap(head, "小明")
    # While the sheet is open, 小刚's aunt reports him sick too; the teacher, who has not
    # seen it, also taps him absent. Neither report may be turned into "unknown".
    await tg.tap(head, "小刚")
    async with session_pool() as s:
        s.add(AttendanceMark(
            student_id=scene.students["小刚"].id, class_id=scene.class1.id, school_id=scene.school.id,
            day=MONDAY, status=AttendanceStatus.ABSENT, reason=AbsenceReason.FAMILY,
            source=MarkSource.GUARDIAN, recorded_at=now,
        ))
        await s.commit()
    await tg.tap(head, "📤 提交")

    marks = await _marks(session_pool)
    for name, reason in (("小红", AbsenceReason.SICK), ("小刚", AbsenceReason.FAMILY)):
        mark = marks[scene.students[name].id]
        assert (mark.reason, mark.source, mark.notice_sent_at) == (reason, MarkSource.GUARDIAN, None)
    notices = await _outbox(session_pool, "absence-notice")
    assert {r.person_id for r in notices} == {scene.granny.id, scene.grandpa.id}  # only 小明's
    assert await _count(session_pool, AttendanceChange) == 1  # only 小明 changed


async def test_the_guardians_answer_shows_beside_the_name(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    head = tg.user(HEAD)
    await tg.send(head, "/attendance")
    await tg.tap(head, "小明")
    await tg.tap(head, "📤 提交（1 人没到）")
    async with session_pool() as s:
        mark = await s.scalar(select(AttendanceMark))
        mark.guardian_answer, mark.answered_by_id, mark.answered_at = "sick", scene.granny.id, clock.now()
        await s.commit()
    reopened = await tg.send(head, "/attendance")
    assert "❌ 小明 · 原因未知 · 家长：生病" in reopened.text


async def test_double_submit_writes_once(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    await build_scene(factory, session)
    head = tg.user(HEAD)
    await tg.send(head, "/attendance")
    await tg.tap(head, "小明")
    message, data = tg.last_bot_message_with(head, "📤 提交")
    await tg.press(head, data, message)
    second = await tg.press(head, data, message)
    assert "点名已经提交了" in second.text
    await asyncio.gather(tg.press(head, data, message), tg.press(head, data, message))
    assert await _count(session_pool, AttendanceSheet) == 1
    assert await _count(session_pool, AttendanceMark) == 1
    assert await _count(session_pool, AttendanceChange) == 1
    assert len(await _outbox(session_pool, "absence-notice")) == 2


async def test_racing_first_submits_write_once(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    await build_scene(factory, session)
    head = tg.user(HEAD)
    await tg.send(head, "/attendance")
    message, data = tg.last_bot_message_with(head, ALL_PRESENT)
    await asyncio.gather(*(tg.press(head, data, message) for _ in range(3)))
    assert await _count(session_pool, AttendanceSheet) == 1


# ---------------------------------------------------------------- school days


async def test_no_sheet_on_a_weekend_or_holiday_but_on_a_make_up_day(
    tg: ChatDriver, factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    head = tg.user(HEAD)
    clock.set(datetime(2026, 11, 28, 1, 0, tzinfo=UTC))  # Saturday 09:00
    assert "今天不是上课日" in (await tg.send(head, "/attendance")).text

    now = clock.now()
    session.add_all([
        CalendarDay(school_id=scene.school.id, day=date(2026, 11, 28), is_school_day=True, note="调休", created_at=now),
        CalendarDay(school_id=scene.school.id, day=date(2026, 11, 30), is_school_day=False, created_at=now),
    ])
    await session.commit()
    assert "3年级1班 · 11月28日 点名" in (await tg.send(head, "/attendance")).text
    clock.set(datetime(2026, 11, 30, 1, 0, tzinfo=UTC))  # Monday, a holiday
    replies = await tg.send(head, "/attendance")
    assert "今天不是上课日" in replies.text and replies.buttons() == []


async def test_today_is_the_schools_today(
    tg: ChatDriver, factory: Factory, session: AsyncSession, clock: FakeClock, session_pool
) -> None:
    """Monday 07:30 in Shanghai is still Sunday in UTC: the sheet is Monday's."""
    await build_scene(factory, session)
    clock.set(datetime(2026, 11, 22, 23, 30, tzinfo=UTC))
    head = tg.user(HEAD)
    await tg.send(head, "/attendance")
    await tg.tap(head, ALL_PRESENT)
    async with session_pool() as s:
        assert (await s.scalar(select(AttendanceSheet))).day == MONDAY


# ------------------------------------------------------------------ who sees what


async def test_subject_teacher_sees_read_only(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    await build_scene(factory, session)
    head = tg.user(HEAD)
    await tg.send(head, "/attendance")
    await tg.tap(head, "小明")
    await tg.tap(head, "📤 提交（1 人没到）")

    subject = tg.user(SUBJECT)
    view = await tg.send(subject, "/attendance")
    assert "今天的到校情况（只读）" in view.text
    assert "3年级1班：班主任 09:00 已点名" in view.text and "❌ 小明 · 原因未知" in view.text
    assert "小军" not in view.text  # another class
    assert not any(label.endswith(("小红", "小明")) for label in view.buttons())

    # An edit forged onto the read-only screen: refused, nothing changes.
    message, rows = _keyboard(tg, SUBJECT)
    intent = rows[0][0].callback_data.split("\x1d")[0]
    forged = await tg.press(subject, f"{intent}\x1dst:{(await _marks(session_pool)).popitem()[0]}", message)
    assert "您只能查看，不能修改" in forged.text
    assert await _count(session_pool, AttendanceMark) == 1
    assert await _count(session_pool, AttendanceChange) == 1


async def test_mentor_sees_only_their_mentee(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    for name in ("小军", "小华"):
        session.add(AttendanceMark(
            student_id=scene.students[name].id, class_id=scene.class2.id, school_id=scene.school.id,
            day=MONDAY, status=AttendanceStatus.ABSENT, reason=AbsenceReason.UNKNOWN,
            source=MarkSource.TEACHER, recorded_at=clock.now(),
        ))
    await session.commit()
    view = await tg.send(tg.user(MENTOR), "/attendance")
    assert "4年级2班：班主任还没有点名" in view.text
    assert "小军" in view.text and "小华" not in view.text
    assert "3年级1班" not in view.text


async def test_guardians_and_strangers_cannot_open_a_sheet(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    scene = await build_scene(factory, session)
    assert "只有老师可以打开点名表" in (await tg.send(tg.user(GRANNY), "/attendance")).text
    assert "只有老师可以打开点名表" in (await tg.send(tg.user(999), "/attendance")).text
    # The reminder's button, forged by a guardian or pressed by another class's teacher.
    forged = await tg.press(tg.user(GRANNY), f"ato:{scene.class1.id}")
    assert "这不是您班的点名表" in forged.text
    other = await tg.press(tg.user(HEAD2), f"ato:{scene.class1.id}")
    assert "这不是您班的点名表" in other.text
    assert await _count(session_pool, AttendanceSheet) == 0


# ------------------------------------------------------------------ bad buttons


async def test_another_teachers_button_changes_nothing(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    await build_scene(factory, session)
    head, head2 = tg.user(HEAD), tg.user(HEAD2)
    await tg.send(head, "/attendance")
    await tg.send(head2, "/attendance")
    name_message, name_data = tg.last_bot_message_with(head, "小明")
    submit_message, submit_data = tg.last_bot_message_with(head, ALL_PRESENT)
    stolen = await tg.press(head2, name_data, name_message)  # class 1's button, class 2's teacher
    assert "过期" in stolen.text
    stolen = await tg.press(head2, submit_data, submit_message)
    assert "过期" in stolen.text
    assert await _count(session_pool, AttendanceSheet) == 0
    assert await _count(session_pool, AttendanceMark) == 0


async def test_a_forged_student_of_another_class_is_refused(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    scene = await build_scene(factory, session)
    head = tg.user(HEAD)
    await tg.send(head, "/attendance")
    message, data = tg.last_bot_message_with(head, "小明")
    forged = re.sub(r"st:\d+$", f"st:{scene.students['小军'].id}", data)
    refused = await tg.press(head, forged, message)
    assert "这个学生不在这个班的名单里" in refused.text
    bogus = await tg.press(head, re.sub(r"st:\d+$", "st:abc", data), message)
    assert "这个按钮不对" in bogus.text
    await tg.tap(head, ALL_PRESENT)
    assert await _count(session_pool, AttendanceMark) == 0
    assert await _count(session_pool, AttendanceChange) == 0


async def test_yesterdays_sheet_cannot_be_changed(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    await build_scene(factory, session)
    head = tg.user(HEAD)
    await tg.send(head, "/attendance")
    await tg.tap(head, "小明")
    old_message, old_data = tg.last_bot_message_with(head, "❌小明")
    clock.advance(days=1)  # Tuesday: Monday's message is still on the screen
    name = await tg.tap(head, "❌小明")
    assert "这是以前的点名表" in name.text
    submit = await tg.tap(head, "📤 提交")
    assert "这是以前的点名表" in submit.text
    assert await _count(session_pool, AttendanceSheet) == 0
    assert await _count(session_pool, AttendanceMark) == 0

    # After opening today's sheet, Monday's message is simply out of date.
    await tg.send(head, "/attendance")
    stale = await tg.press(head, old_data, old_message)
    assert "过期" in stale.text
    assert await _count(session_pool, AttendanceMark) == 0


async def test_text_instead_of_a_tap_gets_a_hint(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    await build_scene(factory, session)
    head = tg.user(HEAD)
    await tg.send(head, "/attendance")
    hint = await tg.send(head, "小明没来")
    assert "请点名字按钮，不用打字" in hint.text
    assert "小明" in hint.buttons()  # the sheet comes again below the hint
    assert await _count(session_pool, AttendanceMark) == 0


# --------------------------------------------------------------- a class of 60


async def test_a_class_of_sixty_fits_and_stays_within_k_plus_three_taps(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    school = await factory.school("大山小学")
    teacher = await factory.person("马老师", telegram_user_id=HEAD)
    post = await factory.staff(teacher, school, is_head_teacher=True)
    big = await factory.school_class(school, grade=5, name="1班", head_teacher=post)
    names = [f"学生{i:02d}" for i in range(1, 61)]
    for name in names:
        await factory.student(school, big, name)
    await session.commit()

    head = tg.user(HEAD)
    opened = await tg.send(head, "/attendance")
    assert "共 60 人" in opened.text and "第 1/2 页" in opened.text
    _message, rows = _keyboard(tg, HEAD)
    assert sum(len(r) for r in rows) <= 100 and all(len(r) <= 3 for r in rows[:10])
    assert names[0] in opened.buttons() and names[30] not in opened.buttons()

    taps = 0
    for name in ("学生03", "学生17"):
        await tg.tap(head, name)
        taps += 1
    await tg.tap(head, "下一页 ➡️")
    taps += 1
    await tg.tap(head, "学生59")
    taps += 1
    _message, rows = _keyboard(tg, HEAD)
    assert sum(len(r) for r in rows) <= 100
    saved = await tg.tap(head, "📤 提交（3 人没到）")
    taps += 1
    assert taps <= 3 + 3
    assert "到校 57 人，没到或迟到 3 人" in saved.text
    async with session_pool() as s:
        absent = set(await s.scalars(select(Student.name).join(AttendanceMark, AttendanceMark.student_id == Student.id)))
    assert absent == {"学生03", "学生17", "学生59"}


# ------------------------------------------------------------------ entry points


async def test_head_teacher_of_two_classes_picks_one(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    scene = await build_scene(factory, session)
    async with session_pool() as s:
        class2 = await s.get(SchoolClass, scene.class2.id)
        class1 = await s.get(SchoolClass, scene.class1.id)
        class2.head_teacher_id = class1.head_teacher_id
        await s.commit()
    head = tg.user(HEAD)
    picked = await tg.send(head, "/attendance")
    assert "给哪个班点名？" in picked.text
    assert picked.buttons()[:2] == ["📝 3年级1班", "📝 4年级2班"]
    sheet = await tg.tap(head, "📝 4年级2班")
    assert "4年级2班 · 11月23日 点名（共 2 人）" in sheet.text
    await tg.tap(head, ALL_PRESENT)
    async with session_pool() as s:
        assert (await s.scalar(select(AttendanceSheet))).class_id == scene.class2.id


async def test_menu_button_and_reminder_button_open_the_sheet(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    scene = await build_scene(factory, session)
    head = tg.user(HEAD)
    menu = await tg.send(head, "/start")
    assert "📝 今日点名" in menu.buttons()
    opened = await tg.tap(head, "📝 今日点名")
    assert "3年级1班 · 11月23日 点名" in opened.text
    await tg.tap(head, ALL_PRESENT)
    back = await tg.tap(head, "✅ 完成")
    assert "📝 今日点名" in back.buttons()  # back in the menu

    from_reminder = await tg.press(head, f"ato:{scene.class1.id}")
    assert "3年级1班 · 11月23日 点名" in from_reminder.text
    # A guardian's menu has no such button.
    assert "📝 今日点名" not in (await tg.send(tg.user(GRANNY), "/start")).buttons()


async def test_a_notice_not_reachable_is_retried_when_the_guardian_joins(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    head = tg.user(HEAD)
    await tg.send(head, "/attendance")
    await tg.tap(head, "小红")
    await tg.tap(head, "📤 提交（1 人没到）")
    assert await _outbox(session_pool, "absence-notice") == []
    async with session_pool() as s:
        person = await s.scalar(select(Person).where(Person.phone == "+8613800000001"))
        person.telegram_user_id = person.chat_id = 203
        await s.commit()
    clock.advance(minutes=10)
    await tg.send(head, "/attendance")
    await tg.tap(head, "💾 保存修改（0 处）")
    [row] = await _outbox(session_pool, "absence-notice")
    assert row.chat_id == 203
    assert (await _marks(session_pool))[scene.students["小红"].id].notice_sent_at == clock.now()


def test_reminder_button_data_matches_the_handler() -> None:
    from handlers.attendance import OpenSheet
    from services.attendance import open_sheet_data

    assert OpenSheet(class_id=17).pack() == open_sheet_data(17)



