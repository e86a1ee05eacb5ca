"""Weekend and holiday returns, the rules: which days are releases (weekend, holiday,
make-up Saturday), who is asked when school lets out (one per guardian per child), the
"not yet" re-ask (once, not in quiet hours), the deadline list, set off / back at school,
and catching up after downtime without sending twice. All with a FakeClock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import (
    AttendanceMark,
    AttendanceSheet,
    AttendanceStatus,
    CalendarDay,
    HomeReturn,
    MarkSource,
    OutboxMessage,
    Person,
    ReleaseKind,
    ReturnRound,
    School,
    SchoolClass,
    SchoolRelease,
    Student,
    Term,
)
from locales import get_translator
from services import returns as svc
from services.access import load_actor
from services.calendar import SchoolCalendar, TermSpan
from services.clock import FakeClock
from tests.support.factory import Factory

HEAD = 300  # head teacher of 3年级1班
OTHER_HEAD = 301  # head teacher of 4年级2班
ADMIN = 100
GRANNY = 201  # 小明 and 小红 (two children)
GRANDPA = 202  # 小明 too, English
AUNT = 203  # 小刚, class 2
UNCLE = 204  # 小强: neither boarding nor left-behind
BLOCKED = 205  # 小丽's guardian, blocked the bot

RULES = svc.ReturnRules()


def sh(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    """A Shanghai wall-clock time as UTC."""
    return datetime(y, m, d, hh - 8, mm, tzinfo=UTC) if hh >= 8 else datetime(y, m, d - 1, hh + 16, mm, tzinfo=UTC)


FRIDAY_1630 = sh(2026, 11, 27, 16, 30)


@dataclass
class Scene:
    school: School
    class1: SchoolClass
    class2: SchoolClass
    head: Person
    other_head: Person
    granny: Person
    grandpa: Person
    aunt: Person
    blocked: Person
    xiaoming: Student
    xiaohong: Student
    xiaogang: Student
    xiaoqiang: Student
    xiaoli: Student


async def build_scene(factory: Factory, session: AsyncSession) -> Scene:
    school = await factory.school("阳光小学")
    other_school = await factory.school("河西小学")
    admin = await factory.person("李校长", telegram_user_id=ADMIN, language="zh_Hans")
    await factory.staff(admin, school, is_school_admin=True)
    head = await factory.person("王老师", telegram_user_id=HEAD, language="zh_Hans")
    head_post = await factory.staff(head, school, is_head_teacher=True)
    other_head = await factory.person("赵老师", telegram_user_id=OTHER_HEAD, language="zh_Hans")
    other_post = await factory.staff(other_head, school, is_head_teacher=True)
    class1 = await factory.school_class(school, 3, "1班", head_post)
    class2 = await factory.school_class(school, 4, "2班", other_post)

    granny = await factory.person("王奶奶", phone="+8613800000001", telegram_user_id=GRANNY, language="zh_Hans")
    grandpa = await factory.person("张爷爷", phone="+8613800000002", telegram_user_id=GRANDPA, language="en")
    aunt = await factory.person("刘阿姨", phone="+8613800000003", telegram_user_id=AUNT, language="zh_Hans")
    uncle = await factory.person("陈叔叔", phone="+8613800000004", telegram_user_id=UNCLE, language="zh_Hans")
    blocked = await factory.person("孙奶奶", phone="+8613800000005", telegram_user_id=BLOCKED, language="zh_Hans")
    offline = await factory.person("周爷爷", phone="+8613800000006")  # not in the bot

    xiaoming = await factory.student(school, class1, "小明", is_boarding=True)
    xiaohong = await factory.student(school, class1, "小红", is_left_behind=True)
    xiaogang = await factory.student(school, class2, "小刚", is_left_behind=True, is_boarding=True)
    xiaoqiang = await factory.student(school, class1, "小强")
    xiaoli = await factory.student(school, class1, "小丽", is_left_behind=True)
    await factory.student(other_school, None, "别校生", is_boarding=True)
    await factory.guardian_of(xiaoming, granny, "grandmother")
    await factory.guardian_of(xiaoming, grandpa, "grandfather")
    await factory.guardian_of(xiaohong, granny, "grandmother")
    await factory.guardian_of(xiaogang, aunt, "aunt")
    await factory.guardian_of(xiaoqiang, uncle, "uncle")
    await factory.guardian_of(xiaoli, blocked, "grandmother")
    await factory.guardian_of(xiaoli, offline, "grandfather")
    session.add(Term(school_id=school.id, name="秋季", starts_on=date(2026, 9, 1), ends_on=date(2027, 1, 22),
                     created_at=factory.clock.now()))
    await session.commit()
    return Scene(school, class1, class2, head, other_head, granny, grandpa, aunt, blocked,
                 xiaoming, xiaohong, xiaogang, xiaoqiang, xiaoli)


async def run(session_pool: async_sessionmaker[AsyncSession], clock: FakeClock, rules: svc.ReturnRules = RULES) -> int:
    async with session_pool() as s:
        count = await svc.run_all(s, clock, get_translator(), rules)
        await s.commit()
    return count


async def outbox(session_pool, kind: str | None = None) -> list[OutboxMessage]:
    async with session_pool() as s:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        return list((await s.scalars(query)).all())


async def returns(session_pool) -> dict[int, HomeReturn]:
    async with session_pool() as s:
        return {r.student_id: r for r in (await s.scalars(select(HomeReturn))).all()}


# ------------------------------------------------------------------ releases


def test_a_friday_is_a_weekend_release_and_other_weekdays_are_not() -> None:
    cal = SchoolCalendar()
    release = svc.release_on(cal, date(2026, 11, 27))
    assert release == svc.Release(date(2026, 11, 27), ReleaseKind.WEEKEND, date(2026, 11, 30))
    assert svc.release_on(cal, date(2026, 11, 26)) is None  # Thursday
    assert svc.release_on(cal, date(2026, 11, 28)) is None  # Saturday: no school at all


def test_holidays_and_make_up_saturday() -> None:
    # 国庆节 1–7 October off, Saturday 10 October a make-up school day (调休).
    exceptions = {date(2026, 10, d): False for d in range(1, 8)}
    exceptions[date(2026, 10, 10)] = True
    cal = SchoolCalendar((TermSpan(1, "秋季", date(2026, 9, 1), date(2027, 1, 22)),), exceptions)
    found = svc.releases_between(cal, date(2026, 9, 28), date(2026, 10, 16))
    assert found == [
        svc.Release(date(2026, 9, 30), ReleaseKind.HOLIDAY, date(2026, 10, 8)),  # several days off
        # Friday 9 October is no release: Saturday is a school day; Saturday is the release.
        svc.Release(date(2026, 10, 10), ReleaseKind.WEEKEND, date(2026, 10, 12)),
        svc.Release(date(2026, 10, 16), ReleaseKind.WEEKEND, date(2026, 10, 19)),
    ]


def test_the_last_day_of_term_is_a_holiday_release_even_with_no_next_term() -> None:
    cal = SchoolCalendar((TermSpan(1, "秋季", date(2026, 9, 1), date(2027, 1, 20)),))
    assert svc.release_on(cal, date(2027, 1, 20)) == svc.Release(date(2027, 1, 20), ReleaseKind.HOLIDAY, None)


# ------------------------------------------------------------- the Friday round


async def test_friday_release_asks_each_guardian_once_per_child(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    clock.set(FRIDAY_1630 - timedelta(minutes=5))
    assert await run(session_pool, clock) == 0  # 16:25: not yet

    clock.set(FRIDAY_1630)
    await run(session_pool, clock)
    asks = await outbox(session_pool, svc.ASK_KIND)
    got = sorted((m.person_id, m.payload["text"].splitlines()[-1]) for m in asks)
    assert got == sorted([
        (scene.granny.id, "小明到家了吗？"),
        (scene.granny.id, "小红到家了吗？"),  # a guardian with two children: one per child
        (scene.grandpa.id, "Has 小明 arrived home?"),
        (scene.aunt.id, "小刚到家了吗？"),
        (scene.blocked.id, "小丽到家了吗？"),
    ])
    assert "学校11月27日（周五）16:30放学（周末）。" in asks[0].payload["text"]
    # Not 小强 (neither boarding nor left-behind), nobody of the other school.
    rows = await returns(session_pool)
    in_school = {sid for sid, r in rows.items() if r.class_id is not None}  # the other school has its own round
    assert in_school == {scene.xiaoming.id, scene.xiaohong.id, scene.xiaogang.id, scene.xiaoli.id}
    assert {len(m.payload["buttons"]) for m in asks} == {2}

    # Every later run (the job runs every 5 minutes) sends nothing again.
    for _ in range(3):
        clock.advance(minutes=5)
        await run(session_pool, clock)
    assert len(await outbox(session_pool, svc.ASK_KIND)) == 5
    async with session_pool() as s:
        rnd = await s.scalar(select(ReturnRound).where(ReturnRound.school_id == scene.school.id))
    assert (rnd.kind, rnd.released_at, rnd.deadline_at, rnd.back_on) == (
        "weekend", FRIDAY_1630, FRIDAY_1630 + timedelta(hours=4), date(2026, 11, 30),
    )


async def test_catch_up_after_downtime_sends_once_and_gives_up_after_a_day(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    await build_scene(factory, session)
    clock.set(sh(2026, 11, 28, 10))  # the bot was down from Friday afternoon to Saturday 10:00
    await run(session_pool, clock)
    await run(session_pool, clock)
    assert len(await outbox(session_pool, svc.ASK_KIND)) == 5
    # The escalation is overdue too: sent at once, once.
    assert len(await outbox(session_pool, svc.LATE_KIND)) == 2


async def test_no_round_when_the_bot_comes_back_more_than_a_day_late(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    await build_scene(factory, session)
    clock.set(sh(2026, 11, 29, 17))
    await run(session_pool, clock)
    assert await outbox(session_pool) == []


async def test_school_release_time_override_and_holiday_default(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    session.add(SchoolRelease(school_id=scene.school.id, weekend_time=time(12, 0), created_at=clock.now()))
    # Thursday 3 December off (a holiday): Wednesday 2 December is a holiday release.
    session.add(CalendarDay(school_id=scene.school.id, day=date(2026, 12, 3), is_school_day=False, created_at=clock.now()))
    await session.commit()
    clock.set(sh(2026, 11, 27, 12))
    await run(session_pool, clock)
    assert len(await outbox(session_pool, svc.ASK_KIND)) == 5  # the school's own 12:00
    clock.set(sh(2026, 12, 2, 15, 29))
    await run(session_pool, clock)
    assert len(await outbox(session_pool, svc.ASK_KIND)) == 5
    clock.set(sh(2026, 12, 2, 15, 30))  # the default holiday release time
    await run(session_pool, clock)
    async with session_pool() as s:
        rounds = (await s.scalars(
            select(ReturnRound).where(ReturnRound.school_id == scene.school.id).order_by(ReturnRound.id)
        )).all()
    assert [(r.release_day, r.kind, r.back_on) for r in rounds] == [
        (date(2026, 11, 27), "weekend", date(2026, 11, 30)),
        (date(2026, 12, 2), "holiday", date(2026, 12, 4)),
    ]


async def test_make_up_saturday_means_no_release_on_friday(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    session.add(CalendarDay(school_id=scene.school.id, day=date(2026, 11, 28), is_school_day=True, note="调休",
                            created_at=clock.now()))
    await session.commit()
    clock.set(FRIDAY_1630 + timedelta(hours=1))
    await run(session_pool, clock)
    assert await outbox(session_pool) == []
    clock.set(sh(2026, 11, 28, 16, 30))
    await run(session_pool, clock)
    assert len(await outbox(session_pool, svc.ASK_KIND)) == 5


# ---------------------------------------------------------- answers, re-asks


async def _answer(session_pool, clock, user_id: int, student: Student, answer: str) -> svc.TapResult:
    async with session_pool() as s:
        rows = await returns(session_pool)
        result = await svc.answer_home(s, clock, RULES, await load_actor(s, user_id), rows[student.id].id, answer)
        await s.commit()
    return result


async def test_first_answer_counts_and_double_taps_change_nothing(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    clock.set(FRIDAY_1630)
    await run(session_pool, clock)
    clock.advance(minutes=40)
    first = await _answer(session_pool, clock, GRANNY, scene.xiaoming, svc.HOME)
    assert (first.outcome, first.child) == (svc.Outcome.RECORDED, "小明")
    answered = clock.now()
    clock.advance(minutes=1)
    again = await _answer(session_pool, clock, GRANNY, scene.xiaoming, svc.HOME)
    other = await _answer(session_pool, clock, GRANDPA, scene.xiaoming, svc.NOT_YET)
    assert (again.outcome, again.by) == (svc.Outcome.ALREADY, "王奶奶")
    assert (other.outcome, other.by) == (svc.Outcome.ALREADY, "王奶奶")
    row = (await returns(session_pool))[scene.xiaoming.id]
    assert (row.status, row.answered_by_id, row.answered_at) == ("arrived", scene.granny.id, answered)
    # Foreign and forged taps are refused and change nothing.
    assert (await _answer(session_pool, clock, AUNT, scene.xiaohong, svc.HOME)).outcome == svc.Outcome.NOT_YOURS
    assert (await _answer(session_pool, clock, GRANNY, scene.xiaohong, "maybe")).outcome == svc.Outcome.INVALID
    assert (await returns(session_pool))[scene.xiaohong.id].status == "waiting"


async def test_not_yet_asks_again_once_an_hour_later(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    clock.set(FRIDAY_1630)
    await run(session_pool, clock)
    clock.advance(minutes=10)
    result = await _answer(session_pool, clock, GRANNY, scene.xiaohong, svc.NOT_YET)
    assert (result.outcome, result.next_ask) == (svc.Outcome.RECORDED, "17:40")
    double = await _answer(session_pool, clock, GRANNY, scene.xiaohong, svc.NOT_YET)
    assert (double.outcome, double.next_ask) == (svc.Outcome.ALREADY, "17:40")
    clock.advance(minutes=59)
    await run(session_pool, clock)
    assert await outbox(session_pool, svc.REASK_KIND) == []
    clock.advance(minutes=1)
    await run(session_pool, clock)
    clock.advance(minutes=5)
    await run(session_pool, clock)
    [reask] = await outbox(session_pool, svc.REASK_KIND)
    assert (reask.person_id, reask.payload["text"]) == (scene.granny.id, "⏰ 再问一下：小红到家了吗？")
    assert reask.dedup_key.startswith(f"return-ask:{(await returns(session_pool))[scene.xiaohong.id].id}:1:")


async def test_a_re_ask_falling_in_quiet_hours_is_dropped(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    clock.set(FRIDAY_1630)
    await run(session_pool, clock)
    clock.set(sh(2026, 11, 27, 20, 30))
    await _answer(session_pool, clock, GRANNY, scene.xiaohong, svc.NOT_YET)  # re-ask due 21:30
    for hours in (1, 2, 11):  # 21:30, 22:30, 07:30 next morning
        clock.set(sh(2026, 11, 27, 20, 30) + timedelta(hours=hours))
        await run(session_pool, clock)
    assert await outbox(session_pool, svc.REASK_KIND) == []
    assert (await returns(session_pool))[scene.xiaohong.id].next_ask_at is None


async def test_re_asks_stop_after_the_maximum(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    rules = svc.ReturnRules(max_reasks=1)
    clock.set(FRIDAY_1630)
    await run(session_pool, clock, rules)
    async with session_pool() as s:
        actor = await load_actor(s, AUNT)
        rid = (await returns(session_pool))[scene.xiaogang.id].id
        first = await svc.answer_home(s, clock, rules, actor, rid, svc.NOT_YET)
        await s.commit()
    clock.advance(hours=1)
    await run(session_pool, clock, rules)
    async with session_pool() as s:
        second = await svc.answer_home(s, clock, rules, await load_actor(s, AUNT), rid, svc.NOT_YET)
        await s.commit()
    assert (first.next_ask, second.outcome, second.next_ask) == ("17:30", svc.Outcome.RECORDED, None)
    clock.advance(hours=2)
    await run(session_pool, clock, rules)
    assert len(await outbox(session_pool, svc.REASK_KIND)) == 1


# ------------------------------------------------------------------ deadline


async def test_deadline_list_goes_to_each_class_head_teacher_with_phones(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    clock.set(FRIDAY_1630)
    await run(session_pool, clock)
    clock.advance(minutes=30)
    await _answer(session_pool, clock, GRANDPA, scene.xiaoming, svc.HOME)
    await _answer(session_pool, clock, GRANNY, scene.xiaohong, svc.NOT_YET)
    clock.set(FRIDAY_1630 + timedelta(hours=4) - timedelta(minutes=1))
    await run(session_pool, clock)
    assert await outbox(session_pool, svc.LATE_KIND) == []
    clock.advance(minutes=1)
    await run(session_pool, clock)
    await run(session_pool, clock)
    late = {m.person_id: m for m in await outbox(session_pool, svc.LATE_KIND)}
    assert set(late) == {scene.head.id, scene.other_head.id}
    mine = late[scene.head.id]
    assert mine.priority == 0  # urgent
    text = mine.payload["text"]
    assert "3年级1班：2 个孩子还没有确认到家" in text
    assert "• 小红：⏳ 还没到家。王奶奶（奶奶）+8613800000001" in text
    # The blocked guardian and one who never joined are listed with their phones.
    assert "• 小丽：❔ 没有回答。孙奶奶（奶奶）+8613800000005；周爷爷（爷爷）+8613800000006" in text
    assert "小明" not in text and "小刚" not in text  # home already / another class
    assert [b["text"] for row in mine.payload["buttons"] for b in row] == [
        "☎️ 小红 已电话确认到家", "☎️ 小丽 已电话确认到家",
    ]
    assert "小刚" in late[scene.other_head.id].payload["text"]
    assert "小红" not in late[scene.other_head.id].payload["text"]


async def test_confirmed_by_phone_only_by_that_class(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    clock.set(FRIDAY_1630 + timedelta(hours=4))
    await run(session_pool, clock)
    rid = (await returns(session_pool))[scene.xiaoli.id].id
    async with session_pool() as s:
        refused = await svc.confirm_by_phone(s, clock, await load_actor(s, OTHER_HEAD), rid)
        assert refused.outcome == svc.Outcome.NOT_YOURS
        refused = await svc.confirm_by_phone(s, clock, await load_actor(s, GRANNY), rid)
        assert refused.outcome == svc.Outcome.NOT_YOURS
        done = await svc.confirm_by_phone(s, clock, await load_actor(s, HEAD), rid)
        again = await svc.confirm_by_phone(s, clock, await load_actor(s, HEAD), rid)
        await s.commit()
    assert (done.outcome, again.outcome, again.by) == (svc.Outcome.RECORDED, svc.Outcome.ALREADY, "王老师")
    row = (await returns(session_pool))[scene.xiaoli.id]
    assert (row.status, row.answered_by_id) == ("by_phone", scene.head.id)


# -------------------------------------------------------- set off, back at school


async def test_set_off_question_the_day_before_and_attendance_closes_the_loop(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    clock.set(FRIDAY_1630)
    await run(session_pool, clock)
    clock.set(sh(2026, 11, 29, 14, 59))
    await run(session_pool, clock)
    assert await outbox(session_pool, svc.SET_OFF_KIND) == []
    clock.set(sh(2026, 11, 29, 15, 0))
    await run(session_pool, clock)
    await run(session_pool, clock)
    set_off = await outbox(session_pool, svc.SET_OFF_KIND)
    assert len(set_off) == 5
    assert any(m.payload["text"] == "🚌 11月30日（周一）上学。\n小红出发返校时，请点下面的按钮。" for m in set_off)
    rid = (await returns(session_pool))[scene.xiaohong.id].id
    async with session_pool() as s:
        done = await svc.record_set_off(s, clock, await load_actor(s, GRANNY), rid)
        again = await svc.record_set_off(s, clock, await load_actor(s, GRANNY), rid)
        foreign = await svc.record_set_off(s, clock, await load_actor(s, AUNT), rid)
        await s.commit()
    assert (done.outcome, again.outcome, foreign.outcome) == (
        svc.Outcome.RECORDED, svc.Outcome.ALREADY, svc.Outcome.NOT_YOURS,
    )

    # Monday: class 1's sheet is in: 小明 and 小红 present, 小丽 absent; class 2 not yet.
    monday = date(2026, 11, 30)
    clock.set(sh(2026, 11, 30, 9))
    async with session_pool() as s:
        s.add(AttendanceSheet(class_id=scene.class1.id, school_id=scene.school.id, day=monday,
                              submitted_by_id=scene.head.id, submitted_at=clock.now()))
        s.add(AttendanceMark(student_id=scene.xiaoli.id, class_id=scene.class1.id, school_id=scene.school.id,
                             day=monday, status=AttendanceStatus.ABSENT, reason="unknown",
                             source=MarkSource.TEACHER, recorded_by_id=scene.head.id, recorded_at=clock.now()))
        await s.commit()
    await run(session_pool, clock)
    rows = await returns(session_pool)
    assert rows[scene.xiaoming.id].back_at == clock.now() and rows[scene.xiaohong.id].back_at == clock.now()
    assert rows[scene.xiaoli.id].back_at is None and rows[scene.xiaogang.id].back_at is None
    # Answers about getting home are moot once school has started again.
    late = await _answer(session_pool, clock, AUNT, scene.xiaogang, svc.HOME)
    assert late.outcome == svc.Outcome.STALE


# ------------------------------------------------------------------ the views


async def test_views_are_per_class_and_private(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    clock.set(FRIDAY_1630)
    await run(session_pool, clock)
    await _answer(session_pool, clock, GRANNY, scene.xiaoming, svc.HOME)
    async with session_pool() as s:
        head = await svc.views_for(s, clock, await load_actor(s, HEAD))
        other = await svc.views_for(s, clock, await load_actor(s, OTHER_HEAD))
        admin = await svc.views_for(s, clock, await load_actor(s, ADMIN))
        granny = await svc.views_for(s, clock, await load_actor(s, GRANNY))
    names = lambda views: sorted(c.name for v in views for cls in v.classes for c in cls.children)  # noqa: E731
    assert names(head) == ["小丽", "小明", "小红"]
    assert names(other) == ["小刚"]
    assert names(admin) == ["小丽", "小刚", "小明", "小红"]
    assert granny == []
    assert svc.counts(head) == (1, 3)
