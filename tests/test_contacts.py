"""Contact with the away parents, service by service with a fake clock: the monthly
confirmation, the reminder on the 20th, the month-end list, the teacher–parent log and
its per-term compliance, and who may see or touch what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from aiogram.methods import SendMessage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.sender import OutboxSender
from bot.settings import Settings
from db.models import (
    AwayParent,
    MonthlyParentContact,
    OutboxMessage,
    OutboxStatus,
    Person,
    Priority,
    School,
    SchoolClass,
    Student,
    StudentMentor,
    TeacherParentContact,
    Term,
)
from locales import get_translator
from scheduler import JobContext, default_jobs
from scheduler.contacts import monthly_contacts
from services import contacts as service
from services.access import load_actor
from services.clock import FakeClock
from services.contacts import ConfirmOutcome, ContactError, ContactWhen
from tests.support.factory import Factory
from tests.support.mocked_bot import MockedBot

SHANGHAI = ZoneInfo("Asia/Shanghai")

GRANNY = 1001  # 王奶奶: 小明 and 小红 (zh)
GRANDPA = 1002  # 李爷爷: also 小明's guardian (en)
AUNT = 1003  # 张阿姨: 小刚 (class 2, en)
HEAD = 2001  # 王老师, head teacher of 3年级1班
OTHER_HEAD = 2002  # 周老师, head teacher of 4年级2班
ADMIN = 2003
MENTOR = 2004  # 陈老师, mentor of 小红 (and of 小刚 in the other class)
OTHER_ADMIN = 2005  # admin of another school
FATHER = 3001  # 小明's father, working away, linked to the bot


def at(day: int, hour: int = 10, minute: int = 0, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@dataclass
class Scene:
    school: School
    class1: SchoolClass
    class2: SchoolClass
    xiaoming: Student
    xiaohong: Student
    xiaogang: Student
    xiaoli: Student  # class 1, not left-behind
    far: Student  # another school
    granny: Person
    offline: Person  # 小刚's second guardian, never joined the bot


async def build_scene(factory: Factory, session: AsyncSession) -> Scene:
    county = await factory.county()
    school = await factory.school(county=county)
    other_school = await factory.school("远方小学", county=county)
    head = await factory.person("王老师", "+8613700000001", HEAD, language="zh_Hans")
    head_post = await factory.staff(head, school, is_head_teacher=True)
    other_head = await factory.person("周老师", "+8613700000002", OTHER_HEAD, language="zh_Hans")
    other_post = await factory.staff(other_head, school, is_head_teacher=True)
    admin = await factory.person("李校长", "+8613700000003", ADMIN, language="zh_Hans")
    await factory.staff(admin, school, is_school_admin=True)
    mentor = await factory.person("陈老师", "+8613700000004", MENTOR, language="zh_Hans")
    mentor_post = await factory.staff(mentor, school, is_mentor=True)
    other_admin = await factory.person("赵校长", "+8613700000005", OTHER_ADMIN, language="zh_Hans")
    await factory.staff(other_admin, other_school, is_school_admin=True)

    class1 = await factory.school_class(school, 3, "1班", head_post)
    class2 = await factory.school_class(school, 4, "2班", other_post)
    far_class = await factory.school_class(other_school, 3, "1班")
    xiaoming = await factory.student(school, class1, "小明", is_left_behind=True)
    xiaohong = await factory.student(school, class1, "小红", is_left_behind=True)
    xiaoli = await factory.student(school, class1, "小丽")
    xiaogang = await factory.student(school, class2, "小刚", is_left_behind=True)
    far = await factory.student(other_school, far_class, "小远", is_left_behind=True)

    granny = await factory.person("王奶奶", "+8613800000001", GRANNY, language="zh_Hans")
    grandpa = await factory.person("李爷爷", "+8613800000002", GRANDPA, language="en")
    aunt = await factory.person("张阿姨", "+8613800000003", AUNT, language="en")
    offline = await factory.person("刘叔叔", "+8613800000004")
    for child in (xiaoming, xiaohong, xiaoli):
        await factory.guardian_of(child, granny)
    await factory.guardian_of(xiaoming, grandpa, "grandfather")
    await factory.guardian_of(xiaogang, aunt, "aunt")
    await factory.guardian_of(xiaogang, offline, "uncle")
    far_granny = await factory.person("远方奶奶", "+8613800000009")
    await factory.guardian_of(far, far_granny)
    for student in (xiaohong, xiaogang):
        session.add(StudentMentor(student_id=student.id, staff_id=mentor_post.id, started_at=factory.clock.now()))
    await session.commit()
    return Scene(school, class1, class2, xiaoming, xiaohong, xiaogang, xiaoli, far, granny, offline)


def _ctx(session_pool, clock: FakeClock, settings: Settings) -> JobContext:
    return JobContext(session_pool, clock, settings, get_translator())


async def _rows(pool: async_sessionmaker[AsyncSession], kind: str | None = None) -> list[OutboxMessage]:
    async with pool() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        return list(await session.scalars(query))


async def _confirm(session: AsyncSession, clock: FakeClock, user: int, student: Student,
                   method: str = "phone", when: str = "today") -> service.ConfirmResult:
    result = await service.confirm_month(session, clock, await load_actor(session, user), student.id, method, when)
    await session.commit()
    return result


# ------------------------------------------------------------------ pure rules


def test_months_and_when_options() -> None:
    assert service.month_start(date(2026, 11, 23)) == date(2026, 11, 1)
    assert service.month_last_day(date(2027, 2, 3)) == date(2027, 2, 28)
    assert service.previous_month(date(2027, 1, 1)) == date(2026, 12, 1)
    # Monday 23 Nov: no earlier day this week; earlier this month, yes.
    assert service.when_options(date(2026, 11, 23)) == (ContactWhen.TODAY, ContactWhen.EARLIER)
    assert service.when_options(date(2026, 11, 25)) == (ContactWhen.TODAY, ContactWhen.THIS_WEEK, ContactWhen.EARLIER)
    assert service.when_options(date(2026, 12, 1)) == (ContactWhen.TODAY,)
    # Thursday 3 Dec: the week began in November, so "this week" would reach into it.
    assert service.when_options(date(2026, 12, 3)) == (ContactWhen.TODAY, ContactWhen.EARLIER)
    assert service.half_year(date(2026, 11, 23)) == service.TermWindow(None, date(2026, 8, 1), date(2027, 1, 31))
    assert service.half_year(date(2027, 1, 5)) == service.TermWindow(None, date(2026, 8, 1), date(2027, 1, 31))
    assert service.half_year(date(2027, 3, 5)) == service.TermWindow(None, date(2027, 2, 1), date(2027, 7, 31))


# ------------------------------------------------------------ the confirmation


async def test_first_confirmation_stands_and_the_second_guardian_sees_it(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    clock.set(at(25, 8))
    first = await _confirm(session, clock, GRANNY, scene.xiaoming, "video", "this_week")
    assert first.outcome == ConfirmOutcome.RECORDED
    second = await _confirm(session, clock, GRANDPA, scene.xiaoming, "phone", "today")
    assert second.outcome == ConfirmOutcome.ALREADY
    assert second.state.confirmed_by == "王奶奶" and second.state.contact is not None
    assert (second.state.contact.method, second.state.contact.when_said) == ("video", "this_week")
    [row] = list(await session.scalars(select(MonthlyParentContact)))
    assert (row.month, row.contacted_on, row.school_id) == (date(2026, 11, 1), None, scene.school.id)
    # Her other child is still open; the non-left-behind one is not asked at all.
    states = {s.child.name: s.confirmed for s in await service.child_months(session, clock, await load_actor(session, GRANNY))}
    assert states == {"小明": True, "小红": False}


async def test_a_lost_race_keeps_the_first_confirmation(
    factory: Factory, session: AsyncSession, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two guardians tap at the same moment: both saw "not confirmed", the database's
    unique key lets one row in and the other tap is told it is already done."""
    scene = await build_scene(factory, session)
    await _confirm(session, clock, GRANDPA, scene.xiaoming, "video", "today")
    real = service._child_month

    async def stale(session_, clock_, child):  # type: ignore[no-untyped-def]
        state = await real(session_, clock_, child)
        return service.ChildMonth(state.child, state.month, state.today)  # as read before the other tap

    monkeypatch.setattr(service, "_child_month", stale)
    result = await _confirm(session, clock, GRANNY, scene.xiaoming, "phone", "today")
    assert result.outcome == ConfirmOutcome.ALREADY
    [row] = list(await session.scalars(select(MonthlyParentContact)))
    assert row.method == "video"
    # The session is still usable after the refused insert.
    assert (await _confirm(session, clock, GRANNY, scene.xiaohong)).outcome == ConfirmOutcome.RECORDED


async def test_today_is_dated_and_month_is_the_schools(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    # 30 Nov 23:30 UTC is already 1 December at the school.
    clock.set(datetime(2026, 11, 30, 16, 30, tzinfo=ZoneInfo("UTC")))
    await _confirm(session, clock, GRANNY, scene.xiaoming)
    row = await session.scalar(select(MonthlyParentContact))
    assert row is not None and (row.month, row.contacted_on) == (date(2026, 12, 1), date(2026, 12, 1))


async def test_bad_and_foreign_confirmations_are_refused(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    clock.set(at(23))
    for user, student in ((GRANNY, scene.xiaogang), (AUNT, scene.xiaoming), (HEAD, scene.xiaoming),
                          (GRANNY, scene.xiaoli), (GRANNY, scene.far)):
        with pytest.raises(ContactError) as refused:
            await _confirm(session, clock, user, student)
        assert refused.value.key == "contact-not-your-child"
    with pytest.raises(ContactError):
        await _confirm(session, clock, GRANNY, scene.xiaoming, "wechat")  # a teacher's method
    with pytest.raises(ContactError):
        await _confirm(session, clock, GRANNY, scene.xiaoming, "phone", "this_week")  # Monday: no
    clock.set(at(1, month=12))
    with pytest.raises(ContactError):
        await _confirm(session, clock, GRANNY, scene.xiaoming, "phone", "earlier")  # the 1st: no
    assert list(await session.scalars(select(MonthlyParentContact))) == []


async def test_a_registered_away_parent_may_confirm(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    father = await factory.person("张大山", "+8613900000002", FATHER)
    session.add(AwayParent(student_id=scene.xiaoming.id, relation="father", person_id=father.id,
                           created_at=clock.now()))
    await session.commit()
    result = await _confirm(session, clock, FATHER, scene.xiaoming, "video", "today")
    assert result.outcome == ConfirmOutcome.RECORDED
    with pytest.raises(ContactError):
        await _confirm(session, clock, FATHER, scene.xiaohong)


# ------------------------------------------------------------------- reminders


async def test_reminder_on_the_20th_only_to_the_unconfirmed_and_only_once(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings: Settings
) -> None:
    scene = await build_scene(factory, session)
    ctx = _ctx(session_pool, clock, settings)
    clock.set(at(3))
    await _confirm(session, clock, GRANNY, scene.xiaoming)
    for moment in (at(3), at(19, 23), at(20, 9, 59)):
        clock.set(moment)
        assert await monthly_contacts(ctx) == 0
    clock.set(at(20, 10))
    assert await monthly_contacts(ctx) == 2  # 小红 → granny; 小刚 → aunt (the uncle never joined)
    rows = await _rows(session_pool)
    assert {(r.chat_id, r.dedup_key) for r in rows} == {
        (GRANNY, f"contact-month-reminder:{scene.xiaohong.id}:2026-11:to:{scene.granny.id}"),
        (AUNT, f"contact-month-reminder:{scene.xiaogang.id}:2026-11:to:{rows[1].person_id}"),
    }
    granny_row = next(r for r in rows if r.chat_id == GRANNY)
    assert granny_row.priority == Priority.NORMAL and granny_row.timezone == "Asia/Shanghai"
    assert "小红这个月（11月）和在外打工的爸爸妈妈联系过了吗" in granny_row.payload["text"]
    assert granny_row.payload["buttons"] == [[{"text": "✅ 小红这个月和爸妈联系过了",
                                               "callback_data": f"mpc:{scene.xiaohong.id}"}]]
    aunt_row = next(r for r in rows if r.chat_id == AUNT)
    assert "Has 小刚 talked with the parents working away this month" in aunt_row.payload["text"]
    for moment in (at(20, 10, 15), at(21), at(29, 18)):
        clock.set(moment)
        assert await monthly_contacts(ctx) == 0
    assert len(await _rows(session_pool)) == 2
    assert not any(r.payload["text"].count("小明") for r in await _rows(session_pool))


async def test_reminder_day_is_configurable_and_fits_short_months(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings: Settings
) -> None:
    await build_scene(factory, session)
    later = settings.model_copy(update={"contacts": settings.contacts.model_copy(
        update={"reminder_day": 31, "reminder_time": time(16, 0)})})
    ctx = _ctx(session_pool, clock, later)
    clock.set(at(20, 12))
    assert await monthly_contacts(ctx) == 0
    # February 2027 has 28 days: the reminder comes on the 28th, before the month-end list.
    clock.set(at(28, 15, month=2, year=2027))
    assert await monthly_contacts(ctx) == 0
    clock.set(at(28, 16, month=2, year=2027))
    assert await monthly_contacts(ctx) == 4
    assert {r.kind for r in await _rows(session_pool)} == {"contact-month-reminder"}


async def test_quiet_hours_hold_a_late_reminder_until_morning(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings: Settings
) -> None:
    await build_scene(factory, session)
    bot = MockedBot()
    sender = OutboxSender(bot, session_pool, settings.outbox, clock, get_translator())
    # The bot was down all day on the 20th and comes back at 22:30: the job catches up...
    clock.set(at(20, 22, 30))
    assert await monthly_contacts(_ctx(session_pool, clock, settings)) == 4
    # ...but nobody is woken: the rows wait for 07:00.
    await sender.run_until_idle()
    assert [r for r in bot.session.requests if isinstance(r, SendMessage)] == []
    rows = await _rows(session_pool)
    assert {r.status for r in rows} == {OutboxStatus.PENDING}
    assert {r.due_at for r in rows} == {at(21, 7).astimezone(ZoneInfo("UTC"))}
    clock.set(at(21, 7))
    await sender.run_until_idle()
    assert sorted(r.chat_id for r in bot.session.requests if isinstance(r, SendMessage)) == [
        GRANNY, GRANNY, GRANDPA, AUNT]


async def test_month_end_list_to_head_teacher_and_mentor(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings: Settings
) -> None:
    scene = await build_scene(factory, session)
    ctx = _ctx(session_pool, clock, settings)
    clock.set(at(20, 10))
    await monthly_contacts(ctx)  # the reminders
    await _confirm(session, clock, GRANNY, scene.xiaoming)
    clock.set(at(30, 18, 59))
    assert await monthly_contacts(ctx) == 0
    clock.set(at(30, 19))
    assert await monthly_contacts(ctx) == 3
    lists = {r.chat_id: r for r in await _rows(session_pool, "contact-month-unconfirmed")}
    assert set(lists) == {HEAD, OTHER_HEAD, MENTOR}
    head_text = lists[HEAD].payload["text"]
    assert "2026年11月，下面 1 个留守孩子还没有登记和爸妈联系" in head_text
    assert "• 小红（3年级1班）：王奶奶 +8613800000001" in head_text
    assert "小明" not in head_text and "小刚" not in head_text and "小丽" not in head_text
    other_text = lists[OTHER_HEAD].payload["text"]
    assert "• 小刚（4年级2班）：张阿姨 +8613800000003；刘叔叔 +8613800000004（不在机器人里，请打电话）" in other_text
    mentor_text = lists[MENTOR].payload["text"]
    assert "下面 2 个" in mentor_text and "小红" in mentor_text and "小刚" in mentor_text
    assert lists[HEAD].dedup_key == f"contact-month-unconfirmed:{scene.school.id}:2026-11:to:{lists[HEAD].person_id}"
    # Re-runs that evening and the next days create nothing; no reminder after the list.
    for moment in (at(30, 19, 15), at(30, 23), at(1, 8, month=12), at(7, 8, month=12)):
        clock.set(moment)
        assert await monthly_contacts(ctx) == 0
    assert len(await _rows(session_pool)) == 4 + 3  # the reminders of the 20th, the three lists
    # The other school had its own: 小远 has no head teacher and no mentor, so nobody is told.
    assert not any("小远" in r.payload["text"] for r in await _rows(session_pool, "contact-month-unconfirmed"))


async def test_a_missed_month_end_list_is_sent_in_the_first_days_of_the_next_month(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings: Settings
) -> None:
    await build_scene(factory, session)
    ctx = _ctx(session_pool, clock, settings)
    # Installed on 3 November: no list for October, a month the bot never asked about.
    clock.set(at(3, 9))
    assert await monthly_contacts(ctx) == 0
    clock.set(at(20, 10))
    assert await monthly_contacts(ctx) == 4
    clock.set(at(2, 8, month=12))  # down from 30 Nov to 2 Dec
    assert await monthly_contacts(ctx) == 3
    rows = await _rows(session_pool, "contact-month-unconfirmed")
    assert len(rows) == 3 and all(":2026-11:" in r.dedup_key for r in rows)
    clock.set(at(8, 8, month=12))
    assert await monthly_contacts(ctx) == 0


async def test_head_teacher_who_is_also_the_mentor_gets_one_list(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings: Settings
) -> None:
    scene = await build_scene(factory, session)
    from db.models import Staff

    head_staff = await session.scalar(select(Staff).join(Person).where(Person.telegram_user_id == HEAD))
    assert head_staff is not None
    session.add(StudentMentor(student_id=scene.xiaohong.id, staff_id=head_staff.id, started_at=clock.now()))
    await session.commit()
    clock.set(at(30, 20))
    await monthly_contacts(_ctx(session_pool, clock, settings))
    [head_list] = [r for r in await _rows(session_pool) if r.chat_id == HEAD]
    assert head_list.payload["text"].count("小红") == 1 and "下面 2 个" in head_list.payload["text"]


async def test_a_guardian_who_blocked_the_bot(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings: Settings
) -> None:
    await build_scene(factory, session)
    ctx = _ctx(session_pool, clock, settings)
    bot = MockedBot()
    bot.session.blocked_chats.add(GRANNY)
    sender = OutboxSender(bot, session_pool, settings.outbox, clock, get_translator())
    clock.set(at(20, 10))
    assert await monthly_contacts(ctx) == 4  # granny: 小明 and 小红; grandpa: 小明; aunt: 小刚
    await sender.run_until_idle()
    statuses = {(r.chat_id, r.status) for r in await _rows(session_pool, "contact-month-reminder")}
    assert statuses == {(GRANNY, OutboxStatus.UNREACHABLE), (GRANDPA, OutboxStatus.SENT), (AUNT, OutboxStatus.SENT)}
    # The head teacher is asked to phone her (the outbox's own alert), once.
    alerts = await _rows(session_pool, "unreachable-alert")
    assert [a.chat_id for a in alerts] == [HEAD]
    # At month end her children are on the list, marked "call".
    clock.set(at(30, 19))
    await monthly_contacts(ctx)
    [head_list] = [r for r in await _rows(session_pool, "contact-month-unconfirmed") if r.chat_id == HEAD]
    assert "• 小明（3年级1班）：王奶奶 +8613800000001（不在机器人里，请打电话）；李爷爷 +8613800000002" in \
        head_list.payload["text"]
    # Next month she is not written to while she is unreachable; the grandfather is.
    clock.set(at(20, 10, month=12))
    await monthly_contacts(ctx)
    december = [r for r in await _rows(session_pool, "contact-month-reminder") if ":2026-12:" in r.dedup_key]
    assert sorted(r.chat_id for r in december) == [GRANDPA, AUNT]


async def test_a_new_month_starts_fresh(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings: Settings
) -> None:
    scene = await build_scene(factory, session)
    clock.set(at(25))
    await _confirm(session, clock, GRANNY, scene.xiaoming)
    granny = await load_actor(session, GRANNY)
    assert (await service.child_month(session, clock, granny, scene.xiaoming.id)).confirmed
    clock.set(at(1, 9, month=12))
    state = await service.child_month(session, clock, granny, scene.xiaoming.id)
    assert not state.confirmed and state.month == date(2026, 12, 1)
    assert (await _confirm(session, clock, GRANNY, scene.xiaoming)).outcome == ConfirmOutcome.RECORDED
    clock.set(at(20, 10, month=12))
    await monthly_contacts(_ctx(session_pool, clock, settings))
    december = [r.payload["text"] for r in await _rows(session_pool, "contact-month-reminder")]
    assert any("小红" in text for text in december) and not any("小明" in text for text in december)


def test_the_job_is_registered_every_quarter_hour() -> None:
    job = default_jobs()["contacts-monthly"]
    assert job.trigger == "cron" and job.trigger_args == {"minute": "*/15"}


# ------------------------------------------------------- teacher–parent contacts


async def _log(session: AsyncSession, clock: FakeClock, user: int, student: Student, on: date | None = None,
               method: str = "phone", note: str | None = None) -> TeacherParentContact:
    contact = await service.log_contact(session, clock, await load_actor(session, user), student.id, method, on, note)
    await session.commit()
    return contact


async def _terms(session: AsyncSession, clock: FakeClock, school: School) -> None:
    session.add_all([
        Term(school_id=school.id, name="2026秋季学期", starts_on=date(2026, 9, 1), ends_on=date(2027, 1, 20),
             created_at=clock.now()),
        Term(school_id=school.id, name="2027春季学期", starts_on=date(2027, 2, 22), ends_on=date(2027, 7, 9),
             created_at=clock.now()),
    ])
    await session.commit()


async def _compliance(session: AsyncSession, clock: FakeClock, user: int) -> dict[str, dict[str, int]]:
    classes = await service.compliance(session, clock, await load_actor(session, user), 2)
    return {
        f"{c.grade}-{c.class_name}": {s.name: s.count for s in c.students} for c in classes
    }


async def test_teacher_logs_contacts_and_term_compliance_across_the_term_boundary(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    await _terms(session, clock, scene.school)
    clock.set(at(23, 16))
    await _log(session, clock, HEAD, scene.xiaoming, date(2026, 8, 30), note="暑假里打过")  # before the term
    await _log(session, clock, HEAD, scene.xiaoming, date(2026, 9, 10))
    await _log(session, clock, HEAD, scene.xiaoming, note="谈了学习情况", method="wechat")
    await _log(session, clock, MENTOR, scene.xiaohong, method="video")  # a mentor logs for a mentee
    row = (await session.scalars(select(TeacherParentContact).order_by(TeacherParentContact.id.desc()))).first()
    assert row is not None and row.contacted_on == date(2026, 11, 23) and row.method == "video"

    assert await _compliance(session, clock, HEAD) == {"3-1班": {"小红": 1, "小明": 2}}
    assert await _compliance(session, clock, ADMIN) == {"3-1班": {"小红": 1, "小明": 2}, "4-2班": {"小刚": 0}}
    text = service.compliance_text(get_translator(), "zh_Hans",
                                   await service.compliance(session, clock, await load_actor(session, ADMIN), 2))
    assert text.splitlines() == [
        "📊 本学期（2026秋季学期，2026-09-01 至 2027-01-20）每个留守学生家长至少联系 2 次：",
        "3年级1班：1/2 人已达到",
        "4年级2班：0/1 人已达到",
        "还不够 2 次的（2 人）：",
        "• 小红（3年级1班）：1/2",
        "• 小刚（4年级2班）：0/2",
    ]
    # Between terms the term just ended still counts; once the new term begins, all start at 0.
    clock.set(at(10, 12, month=2, year=2027))
    assert await _compliance(session, clock, HEAD) == {"3-1班": {"小红": 1, "小明": 2}}
    clock.set(at(22, 12, month=2, year=2027))
    assert await _compliance(session, clock, HEAD) == {"3-1班": {"小明": 0, "小红": 0}}
    await _log(session, clock, HEAD, scene.xiaohong)
    assert await _compliance(session, clock, HEAD) == {"3-1班": {"小明": 0, "小红": 1}}
    en = service.compliance_text(get_translator(), "en",
                                 await service.compliance(session, clock, await load_actor(session, HEAD), 2))
    assert en.splitlines()[0] == (
        "📊 This term (2027春季学期, 2027-02-22 to 2027-07-09): each left-behind student's parents "
        "contacted at least 2 times."
    )
    assert en.splitlines()[-2:] == ["• 小明 (Grade 3 1班): 0/2", "• 小红 (Grade 3 1班): 1/2"]


async def test_without_terms_the_half_year_is_counted_and_said(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    clock.set(at(23, 16))
    await _log(session, clock, HEAD, scene.xiaoming, date(2026, 7, 30))  # spring half
    await _log(session, clock, HEAD, scene.xiaoming, date(2026, 8, 3))
    assert await _compliance(session, clock, HEAD) == {"3-1班": {"小明": 1, "小红": 0}}
    text = service.compliance_text(get_translator(), "zh_Hans",
                                   await service.compliance(session, clock, await load_actor(session, HEAD), 2))
    assert text.splitlines()[0] == (
        "📊 学校还没有设置学期，按半年统计（2026-08-01 至 2027-01-31）：每个留守学生家长至少联系 2 次。"
    )


async def test_teacher_privacy_and_bad_input(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    clock.set(at(23, 16))
    for user, student in ((OTHER_HEAD, scene.xiaoming), (HEAD, scene.xiaogang), (HEAD, scene.xiaoli),
                          (ADMIN, scene.xiaoming), (GRANNY, scene.xiaoming), (HEAD, scene.far)):
        with pytest.raises(ContactError) as refused:
            await _log(session, clock, user, student)
        assert refused.value.key == "contact-not-your-student"
    with pytest.raises(ContactError) as future:
        await _log(session, clock, HEAD, scene.xiaoming, date(2026, 11, 24))
    assert future.value.key == "contact-date-future"
    with pytest.raises(ContactError):
        await _log(session, clock, HEAD, scene.xiaoming, method="visit_home")
    with pytest.raises(ContactError) as long_note:
        await _log(session, clock, HEAD, scene.xiaoming, note="长" * 501)
    assert long_note.value.key == "contact-note-too-long"
    assert list(await session.scalars(select(TeacherParentContact))) == []
    # Compliance: a head teacher sees their class only, an admin their school only; a
    # mentor, a guardian and another school's admin see none of it.
    assert set(await _compliance(session, clock, OTHER_HEAD)) == {"4-2班"}
    assert set(await _compliance(session, clock, OTHER_ADMIN)) == {"3-1班"}  # 远方小学's own class
    assert "小远" in str(await _compliance(session, clock, OTHER_ADMIN))
    assert "小远" not in str(await _compliance(session, clock, ADMIN))
    for user in (MENTOR, GRANNY):
        with pytest.raises(ContactError):
            await service.compliance(session, clock, await load_actor(session, user), 2)
    students = [c.name for c in await service.loggable_students(session, await load_actor(session, MENTOR))]
    assert students == ["小红", "小刚"]
