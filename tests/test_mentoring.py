"""帮扶 and 心理健康 through the production dispatcher: an admin assigns mentors one-to-many
and many-to-one and unassigns (history kept), the coverage list and the weekly reminder,
a mentor logs what they did, and counselling notes that only counsellors and the
school's admins can read or write."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from db.models import CounsellingNote, MentorActivity, OutboxMessage, Staff, StudentMentor
from locales import get_translator
from scheduler import JobContext
from scheduler.visits import mentor_coverage
from services import counselling, mentoring
from services.access import load_actor
from services.clock import FakeClock
from services.visits import CareError
from tests.support.chat import ChatDriver
from tests.support.factory import Factory
from tests.test_visits import (
    ADMIN,
    BUREAU,
    COUNSELLOR,
    GRANNY,
    HEAD,
    HEAD2,
    MENTOR,
    OTHER_ADMIN,
    SUBJECT,
    Scene,
    build_scene,
)


async def _links(pool: async_sessionmaker[AsyncSession]) -> list[StudentMentor]:
    async with pool() as s:
        return list(await s.scalars(select(StudentMentor).order_by(StudentMentor.id)))


def _active(links: list[StudentMentor], scene: Scene) -> set[tuple[str, int]]:
    names = {s.id: n for n, s in scene.students.items()}
    return {(names[link.student_id], link.staff_id) for link in links if link.ended_at is None}


async def _open_teacher(tg: ChatDriver, teacher: str):
    admin = tg.user(ADMIN)
    await tg.send(admin, "/mentor")
    listed = await tg.tap(admin, "👥 安排帮扶教师")
    assert teacher in listed.buttons(), listed.buttons()
    return admin, await tg.tap(admin, teacher)


# ------------------------------------------------------------------ assigning


async def test_assign_one_to_many_many_to_one_and_unassign(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    subject, mentor = scene.staff[SUBJECT], scene.staff[MENTOR]

    home = await tg.send(tg.user(ADMIN), "/mentor")
    assert "还没有帮扶教师的留守学生：3 人" in home.text
    admin, ticks = await _open_teacher(tg, "赵老师")
    # Left-behind students without a mentor come first; the other school's are not there.
    labels = ticks.buttons()
    assert labels[:3] == ["小明 · 3年级1班 · 留守", "小红 · 3年级1班 · 留守", "小刚 · 4年级2班 · 留守"]
    assert "小丽 · 3年级1班" in labels and not any("小芳" in b for b in labels)
    assert "已选 0 人" in ticks.text

    # One-to-many: 赵老师 gets 小明 and 小红.
    await tg.tap(admin, "小明 · 3年级1班")
    ticked = await tg.tap(admin, "小红 · 3年级1班")
    assert "✅ 小明 · 3年级1班 · 留守" in ticked.buttons() and "已选 2 人" in ticked.text
    saved = await tg.tap(admin, "✅ 保存")
    assert "新安排 2 人，结束 0 人" in saved.text and "还没有帮扶教师的留守学生：1 人" in saved.text
    assert _active(await _links(session_pool), scene) == {("小明", subject), ("小红", subject), ("小军", mentor)}
    async with session_pool() as s:
        assert (await s.get_one(Staff, subject)).is_mentor  # now a mentor teacher too

    # Many-to-one: 钱老师 mentors 小明 as well (and keeps 小军, already ticked).
    admin, ticks = await _open_teacher(tg, "钱老师")
    assert "✅ 小军 · 4年级2班 · 留守" in ticks.buttons()
    await tg.tap(admin, "小明 · 3年级1班")
    await tg.tap(admin, "✅ 保存")
    assert _active(await _links(session_pool), scene) == {
        ("小明", subject), ("小红", subject), ("小军", mentor), ("小明", mentor)
    }

    # Unassign: 赵老师 no longer mentors 小明; the link is ended, not deleted.
    clock.advance(days=2)
    admin, ticks = await _open_teacher(tg, "赵老师")
    assert "✅ 小明 · 3年级1班 · 留守" in ticks.buttons() and "✅ 小红 · 3年级1班 · 留守" in ticks.buttons()
    await tg.tap(admin, "✅ 小明")
    saved = await tg.tap(admin, "✅ 保存")
    assert "新安排 0 人，结束 1 人" in saved.text
    links = await _links(session_pool)
    assert _active(links, scene) == {("小红", subject), ("小军", mentor), ("小明", mentor)}
    [ended] = [link for link in links if link.ended_at is not None]
    assert (ended.student_id, ended.staff_id) == (scene.students["小明"].id, subject)
    assert ended.ended_at == clock.now() and ended.started_at < ended.ended_at
    assert len(links) == 4

    # Saving the same ticks again changes nothing.
    admin, _ = await _open_teacher(tg, "赵老师")
    again = await tg.tap(admin, "✅ 保存")
    assert "新安排 0 人，结束 0 人" in again.text and len(await _links(session_pool)) == 4


async def test_tick_list_search_and_forged_assignments(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    admin, _ = await _open_teacher(tg, "赵老师")
    found = await tg.send(admin, "小刚")
    assert [b for b in found.buttons() if "·" in b] == ["小刚 · 4年级2班 · 留守"]
    await tg.tap(admin, "小刚")
    # A forged tick for another school's student: Save refuses, nothing assigned.
    message, data = tg.last_bot_message_with(admin, "小刚")
    await tg.press(admin, data.rsplit(":", 1)[0] + f":{scene.students['小芳'].id}", message)
    refused = await tg.tap(admin, "✅ 保存")
    assert "您不能这样做" in refused.text
    assert _active(await _links(session_pool), scene) == {("小军", scene.staff[MENTOR])}

    # Another school's admin cannot assign this school's teachers (service and forged tap).
    other = await load_actor(session, OTHER_ADMIN)
    for call in (
        mentoring.assign(session, clock, other, scene.staff[SUBJECT], scene.students["小明"].id),
        mentoring.mentee_ids(session, other, scene.staff[SUBJECT]),
    ):
        try:
            await call
            raise AssertionError("another school's admin assigned a mentor")
        except CareError as exc:
            assert exc.key == "care-not-allowed"
    other_user = tg.user(OTHER_ADMIN)
    await tg.send(other_user, "/mentor")
    listed = await tg.tap(other_user, "👥 安排帮扶教师")
    assert "赵老师" not in listed.buttons()
    # Teachers and guardians are not offered mentoring at all.
    assert "只有帮扶教师和学校管理员" in (await tg.send(tg.user(HEAD), "/mentor")).text
    assert "只有帮扶教师和学校管理员" in (await tg.send(tg.user(GRANNY), "/mentor")).text


async def test_service_assign_and_unassign_keep_history(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    admin = await load_actor(session, ADMIN)
    staff, student = scene.staff[HEAD], scene.students["小刚"].id
    assert await mentoring.assign(session, clock, admin, staff, student)
    assert not await mentoring.assign(session, clock, admin, staff, student)  # already
    clock.advance(days=30)
    assert await mentoring.unassign(session, clock, admin, staff, student)
    assert not await mentoring.unassign(session, clock, admin, staff, student)
    clock.advance(days=1)
    assert await mentoring.assign(session, clock, admin, staff, student)  # again, a new period
    rows = list(await session.scalars(
        select(StudentMentor).where(StudentMentor.staff_id == staff).order_by(StudentMentor.id)
    ))
    assert [(r.ended_at is None) for r in rows] == [False, True]


# ------------------------------------------------------------------- coverage


async def test_coverage_list_until_fixed(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    admin = tg.user(ADMIN)
    await tg.send(admin, "/mentor")
    listed = await tg.tap(admin, "📋 帮扶覆盖情况")
    assert "还没有帮扶教师的留守学生（3 人）" in listed.text
    for line in ("小明 · 3年级1班", "小红 · 3年级1班", "小刚 · 4年级2班"):
        assert line in listed.text
    assert "小军" not in listed.text and "小丽" not in listed.text and "小芳" not in listed.text

    actor = await load_actor(session, ADMIN)
    for name in ("小明", "小红"):
        await mentoring.assign(session, clock, actor, scene.staff[HEAD], scene.students[name].id)
    await session.commit()
    await tg.send(admin, "/mentor")
    listed = await tg.tap(admin, "📋 帮扶覆盖情况")
    assert "（1 人）" in listed.text and "小刚" in listed.text and "小明" not in listed.text

    await mentoring.assign(session, clock, actor, scene.staff[HEAD2], scene.students["小刚"].id)
    await session.commit()
    home = await tg.send(admin, "/mentor")
    assert "每个留守学生都有帮扶教师" in home.text
    listed = await tg.tap(admin, "📋 帮扶覆盖情况")
    assert "每个留守学生都有帮扶教师" in listed.text
    # A new left-behind student is a gap at once; one who left school (not enrolled) is not.
    await factory.student(scene.school, scene.class1, "小新", is_left_behind=True)
    await factory.student(scene.school, scene.class1, "小走", is_left_behind=True, status="transferred_out")
    await session.commit()
    assert [s.name for s in await mentoring.coverage_gaps(session, actor)] == ["小新"]


async def _coverage_messages(pool: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with pool() as s:
        return list(await s.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "mentor-coverage").order_by(OutboxMessage.id)
        ))


async def test_weekly_coverage_reminder(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings: Settings
) -> None:
    scene = await build_scene(factory, session)
    ctx = JobContext(session_pool, clock, settings, get_translator())
    assert await mentor_coverage(ctx) == 2  # this school's admin, and the other school's
    assert await mentor_coverage(ctx) == 0  # once per week
    clock.set(datetime(2026, 11, 29, 15, 0, tzinfo=UTC))  # Sunday 23:00 in Shanghai: same ISO week
    assert await mentor_coverage(ctx) == 0
    messages = await _coverage_messages(session_pool)
    mine = [m for m in messages if m.chat_id == ADMIN]
    assert len(mine) == 1 and mine[0].dedup_key == f"mentor-coverage:{scene.school.id}:2026-W48:to:{mine[0].person_id}"
    assert "阳光小学：4 名留守学生中有 3 名还没有帮扶教师" in mine[0].payload["text"]

    clock.set(datetime(2026, 11, 30, 0, 15, tzinfo=UTC))  # next Monday 08:15
    assert await mentor_coverage(ctx) == 2

    # Coverage complete in this school: no more reminders for it.
    actor = await load_actor(session, ADMIN)
    for name in ("小明", "小红", "小刚"):
        await mentoring.assign(session, clock, actor, scene.staff[HEAD], scene.students[name].id)
    await session.commit()
    clock.set(datetime(2026, 12, 7, 0, 15, tzinfo=UTC))
    assert await mentor_coverage(ctx) == 1
    assert [m.chat_id for m in await _coverage_messages(session_pool)][-1] == OTHER_ADMIN


# ------------------------------------------------------------------ activity


async def test_mentor_logs_an_activity(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    mentor = tg.user(MENTOR)
    listed = await tg.send(mentor, "/mentor")
    assert "小军 · 4年级2班" in listed.buttons() and not any("小明" in b for b in listed.buttons())
    asked = await tg.tap(mentor, "小军")
    assert {"📚 学习辅导", "🎂 过生日", "🏞 周末陪伴", "💬 谈心", "其他"} <= set(asked.buttons())
    hint = await tg.send(mentor, "过生日")
    assert "请点下面的按钮" in hint.text
    summary = await tg.tap(mentor, "🎂 过生日")
    assert "🤝 小军：🎂 过生日" in summary.text and "日期：2026-11-23（今天）" in summary.text
    noted = await tg.send(mentor, "买了蛋糕，一起唱歌")
    assert "备注：买了蛋糕，一起唱歌" in noted.text
    moved = await tg.tap(mentor, "📅 昨天")
    assert "日期：2026-11-22" in moved.text
    saved = await tg.tap(mentor, "✅ 保存")
    assert "已保存：小军，🎂 过生日，2026-11-22" in saved.text

    # Another: a talk, dated by typing, no note.
    await tg.tap(mentor, "小军")
    await tg.tap(mentor, "💬 谈心")
    future = await tg.send(mentor, "2026-12-01")
    assert "日期不能晚于今天" in future.text
    await tg.send(mentor, "2026-11-20")
    await tg.tap(mentor, "✅ 保存")
    async with session_pool() as s:
        rows = list(await s.scalars(select(MentorActivity).order_by(MentorActivity.id)))
    assert [(r.kind, r.happened_on, r.note, r.staff_id) for r in rows] == [
        ("birthday", date(2026, 11, 22), "买了蛋糕，一起唱歌", scene.staff[MENTOR]),
        ("talk", date(2026, 11, 20), None, scene.staff[MENTOR]),
    ]

    # Not their mentee: a forged button and the service both refuse.
    await tg.send(mentor, "/mentor")
    message, data = tg.last_bot_message_with(mentor, "小军")
    forged = await tg.press(mentor, data.rsplit(":", 1)[0] + f":{scene.students['小明'].id}", message)
    assert "不是您的帮扶对象" in forged.text
    try:
        await mentoring.log_activity(session, clock, await load_actor(session, HEAD), scene.students["小军"].id, "talk")
        raise AssertionError("logged for someone else's mentee")
    except CareError as exc:
        assert exc.key == "mentor-not-your-mentee"


# ---------------------------------------------------------------- counselling


async def test_counsellor_writes_and_admin_reads_counselling_notes(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    await build_scene(factory, session)
    counsellor = tg.user(COUNSELLOR)
    asked = await tg.send(counsellor, "/counsel")
    assert "请输入学生名字" in asked.text
    found = await tg.send(counsellor, "小明")
    notes = await tg.tap(counsellor, "小明")
    assert "心理辅导记录：小明" in notes.text and "还没有记录" in notes.text
    await tg.tap(counsellor, "✏️ 写记录")
    photo = await tg.send(counsellor, "   ")
    assert "请写几句话" in photo.text
    saved = await tg.send(counsellor, "想念外出打工的妈妈，睡眠不好，下周再谈")
    assert "记录已保存" in saved.text and "2026-11-23（吴老师）：想念外出打工的妈妈" in saved.text
    assert found.buttons()

    admin = tg.user(ADMIN)
    await tg.send(admin, "/counsel")
    await tg.send(admin, "小明")
    read = await tg.tap(admin, "小明")
    assert "想念外出打工的妈妈，睡眠不好，下周再谈" in read.text
    async with session_pool() as s:
        [note] = list(await s.scalars(select(CounsellingNote)))
    assert note.text == "想念外出打工的妈妈，睡眠不好，下周再谈"


async def test_only_counsellors_and_the_schools_admins_reach_counselling_notes(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    xiaoming = scene.students["小明"].id
    await counselling.write_note(session, clock, await load_actor(session, COUNSELLOR), xiaoming, "保密内容")
    # 小明's mentor too, so the mentor role is tried on a student they do see.
    await mentoring.assign(session, clock, await load_actor(session, ADMIN), scene.staff[MENTOR], xiaoming)
    await session.commit()

    for uid in (COUNSELLOR, ADMIN):
        actor = await load_actor(session, uid)
        assert [n.text for n in await counselling.read_notes(session, actor, xiaoming)] == ["保密内容"]

    # Head teacher, subject teacher, mentor, guardian, bureau, another school's admin: no.
    for uid in (HEAD, SUBJECT, MENTOR, GRANNY, BUREAU, OTHER_ADMIN):
        actor = await load_actor(session, uid)
        for call in (
            counselling.read_notes(session, actor, xiaoming),
            counselling.write_note(session, clock, actor, xiaoming, "x"),
        ):
            try:
                await call
                raise AssertionError(f"{uid} reached counselling notes")
            except CareError as exc:
                assert exc.key == "counselling-not-allowed"
        assert await counselling.search_students(session, actor, "小明") == []

    # In chat: the command refuses them; a forged student button is refused and shows nothing.
    for uid in (HEAD, SUBJECT, MENTOR, GRANNY):
        refused = await tg.send(tg.user(uid), "/counsel")
        assert "只有本校心理教师和管理员" in refused.text and "保密内容" not in refused.text
        menu = await tg.send(tg.user(uid), "/start")
        assert "💬 心理辅导记录" not in menu.buttons()
    for uid in (COUNSELLOR, ADMIN):
        assert "💬 心理辅导记录" in (await tg.send(tg.user(uid), "/start")).buttons()
    other = tg.user(OTHER_ADMIN)
    await tg.send(other, "/counsel")
    none = await tg.send(other, "小明")
    assert "本校没有叫“小明”的学生" in none.text
    await tg.send(other, "小芳")
    message, data = tg.last_bot_message_with(other, "小芳")
    forged = await tg.press(other, data.rsplit(":", 1)[0] + f":{xiaoming}", message)
    assert "只有本校心理教师和管理员" in forged.text and "保密内容" not in forged.text
    async with session_pool() as s:
        assert len(list(await s.scalars(select(CounsellingNote)))) == 1
