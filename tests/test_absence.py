"""A guardian answers "<child> is not at school today. Do you know why?": each button,
"I don't know" and no answer raising the "a child may be missing" alert to exactly the
head teacher and the school's admins, and the bad taps (double, foreign, stale, moot).

The notice itself is queued by the teacher's sheet; here the mark is made by hand with
notice_sent_at set and a bot message carrying the agreed buttons `abs:<mark_id>:<answer>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.sender import OutboxSender
from bot.settings import Settings
from db.models import (
    AbsenceReason,
    AttendanceChange,
    AttendanceMark,
    AttendanceStatus,
    MarkSource,
    OutboxMessage,
    Person,
    Priority,
    School,
    Student,
)
from locales import get_translator
from scheduler import JobContext, default_jobs
from scheduler.absence import escalate_no_answer
from services.clock import FakeClock, local_today
from tests.support.chat import ChatDriver
from tests.support.factory import Factory
from tests.support.mocked_bot import MockedBot

ADMIN = 100  # school A, zh
ADMIN_EN = 101  # school A, en
HEAD = 300  # head teacher of 3年级1班, zh
OTHER_HEAD = 301  # head teacher of another class in school A
OTHER_ADMIN = 400  # school B
GRANNY = 201  # 小明's grandmother, zh
GRANDPA = 202  # 小明's grandfather, en
AUNT = 203  # 小刚's aunt (another family)
FORMER = 204  # was 小明's guardian, link ended

NOTICE_BUTTONS = (("sick", "生病"), ("family", "家里有事"), ("on_the_way", "在路上"), ("dont_know", "不知道"))


@dataclass
class Scene:
    school: School
    xiaoming: Student
    xiaogang: Student
    head: Person
    admin: Person
    admin_en: Person
    granny: Person
    grandpa: Person


async def build_scene(factory: Factory, session: AsyncSession) -> Scene:
    school = await factory.school("阳光小学")
    other_school = await factory.school("河西小学")
    admin = await factory.person("李校长", telegram_user_id=ADMIN, language="zh_Hans")
    await factory.staff(admin, school, is_school_admin=True)
    admin_en = await factory.person("Principal Li", telegram_user_id=ADMIN_EN, language="en")
    await factory.staff(admin_en, school, is_school_admin=True)
    other_admin = await factory.person("周校长", telegram_user_id=OTHER_ADMIN)
    await factory.staff(other_admin, other_school, is_school_admin=True)
    head = await factory.person("王老师", telegram_user_id=HEAD, language="zh_Hans")
    head_post = await factory.staff(head, school, is_head_teacher=True)
    other_head = await factory.person("赵老师", telegram_user_id=OTHER_HEAD)
    other_head_post = await factory.staff(other_head, school, is_head_teacher=True)

    class1 = await factory.school_class(school, grade=3, name="1班", head_teacher=head_post)
    await factory.school_class(school, grade=4, name="2班", head_teacher=other_head_post)

    granny = await factory.person("王奶奶", phone="+8613800000001", telegram_user_id=GRANNY, language="zh_Hans")
    grandpa = await factory.person("张爷爷", telegram_user_id=GRANDPA, language="en")
    aunt = await factory.person("刘阿姨", telegram_user_id=AUNT)
    former = await factory.person("孙爷爷", telegram_user_id=FORMER)
    xiaoming = await factory.student(school, class1, "小明")
    await factory.guardian_of(xiaoming, granny, "grandmother")
    await factory.guardian_of(xiaoming, grandpa, "grandfather")
    ended = await factory.guardian_of(xiaoming, former, "grandfather")
    ended.ended_at = factory.clock.now()
    xiaogang = await factory.student(school, class1, "小刚")
    await factory.guardian_of(xiaogang, aunt, "aunt")
    await session.commit()
    return Scene(school, xiaoming, xiaogang, head, admin, admin_en, granny, grandpa)


async def absent_with_notice(
    session: AsyncSession, clock: FakeClock, scene: Scene, student: Student | None = None,
    *, sent_minutes_ago: int = 5, days_ago: int = 0,
) -> AttendanceMark:
    """What the teacher's sheet leaves behind for an unexplained absence."""
    student = student or scene.xiaoming
    sent = clock.now() - timedelta(days=days_ago, minutes=sent_minutes_ago)
    mark = AttendanceMark(
        student_id=student.id, class_id=student.class_id, school_id=student.school_id,
        day=local_today(clock, scene_tz()) - timedelta(days=days_ago),
        status=AttendanceStatus.ABSENT, reason=AbsenceReason.UNKNOWN, source=MarkSource.TEACHER,
        recorded_by_id=scene.head.id, recorded_at=sent, notice_sent_at=sent,
    )
    session.add(mark)
    await session.commit()
    return mark


def scene_tz():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Shanghai")


def notice(bot: MockedBot, user_id: int, mark_id: int) -> Message:
    """The notice as it sits in the guardian's chat, with the agreed callback data."""
    markup = InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=label, callback_data=f"abs:{mark_id}:{answer}")]
        for answer, label in NOTICE_BUTTONS
    ])
    return bot.session._message(user_id, text="小明今天没有到校。您知道原因吗？", reply_markup=markup)


async def fresh_mark(session_pool: async_sessionmaker[AsyncSession], mark_id: int) -> AttendanceMark | None:
    async with session_pool() as s:
        return await s.get(AttendanceMark, mark_id)


async def changes(session_pool: async_sessionmaker[AsyncSession]) -> list[AttendanceChange]:
    async with session_pool() as s:
        return list((await s.scalars(select(AttendanceChange).order_by(AttendanceChange.id))).all())


async def outbox(session_pool: async_sessionmaker[AsyncSession], kind: str | None = None) -> list[OutboxMessage]:
    async with session_pool() as s:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        return list((await s.scalars(query)).all())


def job_context(session_pool, clock: FakeClock, settings: Settings) -> JobContext:
    return JobContext(session_pool, clock, settings, get_translator())


async def deliver(bot: MockedBot, session_pool, settings: Settings, clock: FakeClock) -> dict[int, str]:
    before = len(bot.requests)
    await OutboxSender(bot, session_pool, settings.outbox, clock, get_translator()).run_until_idle()
    return {m.chat_id: m.text for m in bot.requests[before:] if isinstance(m, SendMessage)}


def last_edit(replies) -> EditMessageText:
    [edit] = replies.of(EditMessageText)
    return edit


# --------------------------------------------------------------- each answer


@pytest.mark.parametrize(
    ("label", "answer", "reason", "thanks"),
    [
        ("生病", "sick", AbsenceReason.SICK, "您的回答：生病了。谢谢！已告诉老师。祝孩子早日康复。"),
        ("家里有事", "family", AbsenceReason.FAMILY, "您的回答：家里有事。谢谢！已告诉老师。"),
        ("在路上", "on_the_way", AbsenceReason.UNKNOWN, "您的回答：在路上。谢谢！已告诉老师。路上注意安全。"),
    ],
)
async def test_each_answer_is_stored_thanked_and_closes_the_buttons(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession, session_pool,
    clock: FakeClock, label: str, answer: str, reason: AbsenceReason, thanks: str,
) -> None:
    scene = await build_scene(factory, session)
    mark = await absent_with_notice(session, clock, scene)
    notice(bot, GRANNY, mark.id)

    replies = await tg.tap(tg.user(GRANNY), label)

    assert "谢谢，收到了！" in replies.text
    edit = last_edit(replies)
    assert edit.text.startswith("小明今天没有到校。") and thanks in edit.text
    assert edit.reply_markup is None  # nothing left to tap
    stored = await fresh_mark(session_pool, mark.id)
    assert stored is not None
    assert (stored.guardian_answer, stored.answered_by_id, stored.answered_at) == (
        answer, scene.granny.id, clock.now(),
    )
    assert stored.status == AttendanceStatus.ABSENT and stored.reason == reason
    assert stored.source == MarkSource.TEACHER  # the teacher saw the child missing
    assert stored.escalated_at is None
    rows = await changes(session_pool)
    if reason == AbsenceReason.UNKNOWN:
        # "On the way": still absent and unexplained until the child walks in (the teacher
        # marks them late); the answer itself is what the sheet shows.
        assert rows == []
    else:
        [row] = rows
        assert (row.from_status, row.from_reason, row.to_status, row.to_reason) == (
            "absent", "unknown", "absent", reason,
        )
        assert (row.source, row.changed_by_id, row.day) == ("guardian", scene.granny.id, mark.day)
    assert await outbox(session_pool) == []  # no alert for an explained absence


async def test_answer_in_english_for_an_english_guardian(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    mark = await absent_with_notice(session, clock, scene)
    notice(bot, GRANDPA, mark.id)
    replies = await tg.tap(tg.user(GRANDPA, language="en"), "家里有事")
    assert "Thank you, received!" in replies.text
    assert "Your answer: family matters. Thank you! The teacher has been told." in last_edit(replies).text


async def test_a_teacher_set_reason_is_not_overwritten_by_the_answer(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    mark = await absent_with_notice(session, clock, scene)
    mark.reason = AbsenceReason.PERSONAL_LEAVE  # the teacher heard by phone meanwhile
    await session.commit()
    notice(bot, GRANNY, mark.id)
    await tg.tap(tg.user(GRANNY), "生病")
    stored = await fresh_mark(session_pool, mark.id)
    assert stored is not None
    assert (stored.reason, stored.guardian_answer) == (AbsenceReason.PERSONAL_LEAVE, "sick")
    assert await changes(session_pool) == []


# ------------------------------------------------------------ "I don't know"


async def test_dont_know_alerts_head_teacher_and_admins_of_that_school_at_once(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession, session_pool,
    settings: Settings, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    mark = await absent_with_notice(session, clock, scene)
    notice(bot, GRANNY, mark.id)

    replies = await tg.tap(tg.user(GRANNY), "不知道")

    edit = last_edit(replies)
    assert "我们已经马上通知班主任和学校" in edit.text and edit.reply_markup is None
    stored = await fresh_mark(session_pool, mark.id)
    assert stored is not None
    assert stored.guardian_answer == "dont_know" and stored.escalated_at == clock.now()
    assert stored.reason == AbsenceReason.UNKNOWN
    alerts = await outbox(session_pool)
    # Exactly the class's head teacher and school A's admins: not the other class's head
    # teacher, not school B's admin.
    assert sorted(a.person_id for a in alerts) == sorted([scene.head.id, scene.admin.id, scene.admin_en.id])
    assert all(a.kind == "absence-alert" and a.priority == Priority.URGENT for a in alerts)
    assert all(a.school_id == scene.school.id for a in alerts)
    assert {a.dedup_key for a in alerts} == {
        f"absence-alert:{mark.id}:to:{pid}" for pid in (scene.head.id, scene.admin.id, scene.admin_en.id)
    }

    sent = await deliver(bot, session_pool, settings, clock)
    assert set(sent) == {HEAD, ADMIN, ADMIN_EN}
    zh = sent[HEAD]
    assert zh.startswith("🚨 紧急：孩子可能走失了")
    assert "小明（3年级1班）今天没有到校" in zh
    assert "家长 王奶奶（奶奶） 回答：不知道孩子在哪里" in zh
    assert "王奶奶（奶奶）：+8613800000001" in zh and "张爷爷（爷爷）：没有登记电话" in zh
    assert "孙爷爷" not in zh  # a former guardian is nobody to phone
    assert sent[ADMIN] == zh
    en = sent[ADMIN_EN]
    assert en.startswith("🚨 URGENT: a child may be missing")
    assert "小明 (Grade 3 1班) is not at school today." in en
    assert "Guardian 王奶奶 (grandmother) answered: I don't know where the child is." in en
    assert "张爷爷 (grandfather): no phone on file" in en

    # The job later finds nothing more to do for this mark.
    clock.advance(minutes=90)
    assert await escalate_no_answer(job_context(session_pool, clock, settings)) == 0
    assert len(await outbox(session_pool, "absence-alert")) == 3


async def test_dont_know_in_english_thanks_in_english(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    mark = await absent_with_notice(session, clock, scene)
    notice(bot, GRANDPA, mark.id)
    replies = await tg.tap(tg.user(GRANDPA, language="en"), "不知道")
    assert "We have told the head teacher and the school at once" in last_edit(replies).text
    alerts = await outbox(session_pool, "absence-alert")
    assert len(alerts) == 3
    head_alert = next(a for a in alerts if a.person_id == scene.head.id)
    assert "家长 张爷爷（爷爷） 回答：不知道孩子在哪里" in head_alert.payload["text"]


# ------------------------------------------------------------- no answer at all


async def test_no_answer_within_the_time_raises_the_alert_once(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession, session_pool,
    settings: Settings, clock: FakeClock,
) -> None:
    assert settings.attendance.no_answer_minutes == 60
    scene = await build_scene(factory, session)
    mark = await absent_with_notice(session, clock, scene, sent_minutes_ago=0)
    ctx = job_context(session_pool, clock, settings)

    clock.advance(minutes=59)
    assert await escalate_no_answer(ctx) == 0
    assert await outbox(session_pool) == []

    clock.advance(minutes=2)  # 61 minutes after the notice
    assert await escalate_no_answer(ctx) == 1
    alerts = await outbox(session_pool)
    assert sorted(a.person_id for a in alerts) == sorted([scene.head.id, scene.admin.id, scene.admin_en.id])
    assert all(a.kind == "absence-alert" and a.priority == Priority.URGENT for a in alerts)
    stored = await fresh_mark(session_pool, mark.id)
    assert stored is not None and stored.escalated_at == clock.now() and stored.guardian_answer is None

    clock.advance(minutes=5)
    assert await escalate_no_answer(ctx) == 0  # the next run adds nothing
    assert len(await outbox(session_pool)) == 3

    sent = await deliver(bot, session_pool, settings, clock)
    assert "小明（3年级1班）今天没有到校，家长 60 分钟内没有回答" in sent[HEAD]
    assert "have not answered in 60 minutes" in sent[ADMIN_EN]

    # The answer that comes after the alert goes to the same people, so nobody keeps
    # searching for a child who is at home in bed.
    notice(bot, GRANNY, mark.id)
    replies = await tg.tap(tg.user(GRANNY), "生病")
    assert "祝孩子早日康复" in last_edit(replies).text
    updates = await outbox(session_pool, "absence-alert-update")
    assert sorted(u.person_id for u in updates) == sorted([scene.head.id, scene.admin.id, scene.admin_en.id])
    sent = await deliver(bot, session_pool, settings, clock)
    assert sent[HEAD] == "ℹ️ 后续：小明（3年级1班）的家长 王奶奶（奶奶） 刚刚回答：生病了。"
    assert sent[ADMIN_EN] == "ℹ️ Update: 小明 (Grade 3 1班) — guardian 王奶奶 (grandmother) has just answered: sick."


async def test_no_answer_job_skips_answered_explained_late_and_old_marks(
    factory: Factory, session: AsyncSession, session_pool, settings: Settings, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    answered = await absent_with_notice(session, clock, scene, sent_minutes_ago=90)
    answered.guardian_answer = "on_the_way"
    answered.answered_at = clock.now()
    explained = await absent_with_notice(session, clock, scene, scene.xiaogang, sent_minutes_ago=90)
    explained.reason = AbsenceReason.SICK  # the teacher phoned the family
    await session.commit()
    third = await factory.student(scene.school, None, "小华")
    late = await absent_with_notice(session, clock, scene, third, sent_minutes_ago=90)
    late.status = AttendanceStatus.LATE  # walked in after all
    fourth = await factory.student(scene.school, None, "小兰")
    await absent_with_notice(session, clock, scene, fourth, days_ago=1)  # yesterday
    await session.commit()

    assert await escalate_no_answer(job_context(session_pool, clock, settings)) == 0
    assert await outbox(session_pool) == []


def test_the_job_is_registered() -> None:
    job = default_jobs()["absence-no-answer"]
    assert job.func is escalate_no_answer
    assert job.trigger == "cron" and job.trigger_args == {"minute": "*/5"}


# ------------------------------------------------------------------ bad taps


async def test_double_tap_and_the_second_guardian_find_it_answered(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    mark = await absent_with_notice(session, clock, scene)
    granny = tg.user(GRANNY)
    message = notice(bot, GRANNY, mark.id)
    await tg.press(granny, f"abs:{mark.id}:sick", message)
    again = await tg.press(granny, f"abs:{mark.id}:dont_know", message)  # a stale copy
    assert "已经有人回答了：王奶奶 说“生病了”" in again.text
    assert "谢谢，收到了" not in again.text

    notice(bot, GRANDPA, mark.id)
    second = await tg.tap(tg.user(GRANDPA, language="en"), "家里有事")
    assert 'This has been answered already: 王奶奶 said "sick".' in second.text
    assert last_edit(second).reply_markup is None  # his copy loses its buttons too

    stored = await fresh_mark(session_pool, mark.id)
    assert stored is not None
    assert (stored.guardian_answer, stored.answered_by_id, stored.reason) == ("sick", scene.granny.id, "sick")
    assert stored.escalated_at is None
    assert len(await changes(session_pool)) == 1
    assert await outbox(session_pool) == []


@pytest.mark.parametrize("user_id", [AUNT, FORMER, HEAD, 999])
async def test_someone_elses_child_is_refused_and_nothing_changes(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession, session_pool,
    clock: FakeClock, user_id: int,
) -> None:
    """Another family's guardian, a former guardian, a teacher, a stranger: forged data."""
    scene = await build_scene(factory, session)
    mark = await absent_with_notice(session, clock, scene)
    replies = await tg.press(tg.user(user_id), f"abs:{mark.id}:dont_know")
    assert "这不是您孩子的消息，您不能回答。" in replies.text
    assert replies.of(EditMessageText) == []
    stored = await fresh_mark(session_pool, mark.id)
    assert stored is not None
    assert (stored.guardian_answer, stored.escalated_at, stored.reason) == (None, None, "unknown")
    assert await changes(session_pool) == []
    assert await outbox(session_pool) == []


async def test_yesterdays_notice_is_stale(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    mark = await absent_with_notice(session, clock, scene, days_ago=1)
    notice(bot, GRANNY, mark.id)
    replies = await tg.tap(tg.user(GRANNY), "不知道")
    assert "这是以前的消息，不用再回答了。" in replies.text
    assert last_edit(replies).reply_markup is None
    stored = await fresh_mark(session_pool, mark.id)
    assert stored is not None and stored.guardian_answer is None and stored.escalated_at is None
    assert await outbox(session_pool) == []

    english = await tg.press(tg.user(GRANDPA, language="en"), f"abs:{mark.id}:sick")
    assert "This message is from an earlier day; no answer is needed." in english.text


async def test_child_marked_present_again_needs_no_answer(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    mark = await absent_with_notice(session, clock, scene)
    mark_id = mark.id
    await session.execute(delete(AttendanceMark).where(AttendanceMark.id == mark_id))  # sheet corrected
    await session.commit()
    notice(bot, GRANNY, mark_id)
    replies = await tg.tap(tg.user(GRANNY), "不知道")
    assert "不用回答了：老师已经记下孩子今天到校了。" in replies.text
    assert last_edit(replies).reply_markup is None
    assert await outbox(session_pool) == []
    async with session_pool() as s:
        assert await s.scalar(select(func.count()).select_from(AttendanceMark)) == 0


async def test_child_marked_late_needs_no_answer(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    mark = await absent_with_notice(session, clock, scene)
    mark.status = AttendanceStatus.LATE
    await session.commit()
    replies = await tg.press(tg.user(GRANDPA, language="en"), f"abs:{mark.id}:dont_know")
    assert "No answer needed: the teacher has marked the child at school today." in replies.text
    stored = await fresh_mark(session_pool, mark.id)
    assert stored is not None and stored.guardian_answer is None
    assert await outbox(session_pool) == []


@pytest.mark.parametrize("data", ["abs:{id}:maybe", "abs:x:sick", "abs:{id}"])
async def test_malformed_answers_are_stale_buttons(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, data: str,
) -> None:
    scene = await build_scene(factory, session)
    mark = await absent_with_notice(session, clock, scene)
    replies = await tg.press(tg.user(GRANNY), data.format(id=mark.id))
    assert "这个按钮已经过期了" in replies.text
    stored = await fresh_mark(session_pool, mark.id)
    assert stored is not None and stored.guardian_answer is None


async def test_text_typed_instead_of_a_tap_gets_a_hint(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    mark = await absent_with_notice(session, clock, scene)
    notice(bot, GRANNY, mark.id)
    replies = await tg.send(tg.user(GRANNY), "孩子发烧了")
    assert "请点下面的按钮" in replies.text
    stored = await fresh_mark(session_pool, mark.id)
    assert stored is not None and stored.guardian_answer is None


async def test_dont_know_with_no_staff_in_the_bot_asks_the_guardian_to_phone(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    school = await factory.school("山村小学")
    head = await factory.person("未加入老师")  # on the roster, never joined
    head_post = await factory.staff(head, school, is_head_teacher=True)
    school_class = await factory.school_class(school, head_teacher=head_post)
    granny = await factory.person("王奶奶", telegram_user_id=GRANNY, language="zh_Hans")
    child = await factory.student(school, school_class, "小明")
    await factory.guardian_of(child, granny)
    await session.commit()
    scene = Scene(school, child, child, head, head, head, granny, granny)
    mark = await absent_with_notice(session, clock, scene)
    notice(bot, GRANNY, mark.id)
    replies = await tg.tap(tg.user(GRANNY), "不知道")
    assert "老师们还没有加入机器人，请马上打电话给学校或班主任！" in last_edit(replies).text
    stored = await fresh_mark(session_pool, mark.id)
    assert stored is not None and stored.escalated_at is not None  # the job will not retry either
    assert await outbox(session_pool) == []
