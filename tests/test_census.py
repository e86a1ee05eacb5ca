"""调查摸底, service by service with a fake clock: the term-start message (once, caught up
after downtime, never for a term that began before the bot), the reminder (only classes
with unconfirmed students), every kind of correction applied with its history kept, the
change report read back row by row, and who may see or touch what."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from db.models import (
    AwayParent,
    CensusChange,
    CensusEntry,
    ClassTeacher,
    OutboxMessage,
    Person,
    School,
    SchoolClass,
    Student,
    StudentGuardian,
    Term,
)
from locales import get_translator
from scheduler import create_scheduler, default_jobs
from services import census as service
from services import student_status
from services.access import load_actor
from services.census import CensusError, CensusRules
from services.clock import FakeClock
from tests.support.factory import Factory

SHANGHAI = ZoneInfo("Asia/Shanghai")
HEAD = 2001  # 王老师, head teacher of 3年级1班 (zh)
OTHER_HEAD = 2002  # Mr Zhou, head teacher of 4年级2班 (en)
ADMIN = 2003
SUBJECT = 2004  # teaches 3年级1班, not its head teacher
OTHER_ADMIN = 2005  # admin of another school
GRANNY = 1001
TERM = "2027春季学期"


def at(month: int, day: int, hour: int = 8, minute: int = 0) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=SHANGHAI)


@dataclass
class Scene:
    school: School
    class1: SchoolClass
    class2: SchoolClass
    term: Term
    xiaoming: Student  # left-behind: father in 深圳; guardians 王奶奶 (current), 李爷爷 (current)
    xiaohong: Student  # left-behind: mother in 广州; guardian 王奶奶
    xiaoli: Student  # not left-behind
    xiaogang: Student  # class 2, left-behind
    far: Student  # another school
    granny: Person


async def build_scene(factory: Factory, session: AsyncSession) -> Scene:
    county = await factory.county()
    school = await factory.school(county=county)
    other_school = await factory.school("远方小学", county=county)
    head = await factory.person("王老师", "+8613700000001", HEAD, language="zh_Hans")
    head_post = await factory.staff(head, school, is_head_teacher=True)
    other_head = await factory.person("周老师", "+8613700000002", OTHER_HEAD, language="en")
    other_post = await factory.staff(other_head, school, is_head_teacher=True)
    admin = await factory.person("李校长", "+8613700000003", ADMIN, language="zh_Hans")
    await factory.staff(admin, school, is_school_admin=True)
    subject = await factory.person("陈老师", "+8613700000004", SUBJECT, language="zh_Hans")
    subject_post = await factory.staff(subject, school, is_subject_teacher=True)
    other_admin = await factory.person("赵校长", "+8613700000005", OTHER_ADMIN, language="zh_Hans")
    await factory.staff(other_admin, other_school, is_school_admin=True)

    class1 = await factory.school_class(school, 3, "1班", head_post)
    class2 = await factory.school_class(school, 4, "2班", other_post)
    session.add(ClassTeacher(class_id=class1.id, staff_id=subject_post.id, subject="数学"))
    far_class = await factory.school_class(other_school, 3, "1班")
    xiaoming = await factory.student(school, class1, "小明", number="G000000000101", is_left_behind=True)
    xiaohong = await factory.student(school, class1, "小红", number="G000000000102", is_left_behind=True)
    xiaoli = await factory.student(school, class1, "小丽", number="G000000000103")
    xiaogang = await factory.student(school, class2, "小刚", number="G000000000201", is_left_behind=True)
    far = await factory.student(other_school, far_class, "小远", is_left_behind=True)
    now = factory.clock.now()
    session.add_all([
        AwayParent(student_id=xiaoming.id, relation="father", work_place="广东深圳", created_at=now),
        AwayParent(student_id=xiaohong.id, relation="mother", work_place="广东广州", created_at=now),
        AwayParent(student_id=xiaogang.id, relation="father", work_place="上海", created_at=now),
    ])
    granny = await factory.person("王奶奶", "+8613800000001", GRANNY, language="zh_Hans")
    grandpa = await factory.person("李爷爷", "+8613800000002")
    for child in (xiaoming, xiaohong, xiaoli):
        await factory.guardian_of(child, granny)
    await factory.guardian_of(xiaoming, grandpa, "grandfather")
    term = Term(school_id=school.id, name=TERM, starts_on=date(2027, 3, 1), ends_on=date(2027, 7, 10),
                created_at=now)
    old_term = Term(school_id=school.id, name="2026秋季学期", starts_on=date(2026, 9, 1),
                    ends_on=date(2027, 1, 20), created_at=now)
    session.add_all([term, old_term])
    await session.commit()
    return Scene(school, class1, class2, term, xiaoming, xiaohong, xiaoli, xiaogang, far, granny)


RULES = CensusRules()


async def _run(session: AsyncSession, clock: FakeClock) -> int:
    count = await service.run_due(session, clock, get_translator(), RULES)
    await session.commit()
    return count


async def _rows(pool: async_sessionmaker[AsyncSession], kind: str) -> list[OutboxMessage]:
    async with pool() as session:
        return list(await session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        ))


async def _actor(session: AsyncSession, user: int):  # type: ignore[no-untyped-def]
    return await load_actor(session, user)


# ---------------------------------------------------------------- the campaign


async def test_term_start_message_goes_once_to_each_head_teacher(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    clock.set(at(3, 1, 7, 59))
    assert await _run(session, clock) == 0  # before send_time on the first day
    clock.set(at(3, 1, 8, 0))
    assert await _run(session, clock) == 2
    assert await _run(session, clock) == 0
    clock.set(at(3, 1, 8, 15))
    assert await _run(session, clock) == 0
    rows = await _rows(session_pool, "census-start")
    assert [r.chat_id for r in rows] == [HEAD, OTHER_HEAD]
    zh, en = (r.payload for r in rows)
    assert zh["text"].startswith("📋 2027春季学期 调查摸底：请核对 3年级1班 的 2 名留守学生的情况")
    assert zh["buttons"] == [[{"text": "📋 开始核对", "callback_data": f"cxo:{scene.class1.id}"}]]
    assert "check the 1 left-behind students of Grade 4 2班" in en["text"]
    assert en["buttons"][0][0]["callback_data"] == f"cxo:{scene.class2.id}"


async def test_scheduler_catches_up_after_downtime_without_a_late_reminder(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings: Settings
) -> None:
    await build_scene(factory, session)
    clock.set(at(3, 10, 11))  # down from before the term until after the reminder day
    jobs = default_jobs()
    scheduler = create_scheduler(session_pool, clock, settings, jobs={"census-term": jobs["census-term"]})
    assert (await scheduler.catch_up()) == {"census-term": 2}
    assert len(await _rows(session_pool, "census-start")) == 2
    assert await _rows(session_pool, "census-remind") == []  # the start message just went out
    clock.set(at(3, 10, 12))
    assert await scheduler.run_job("census-term") == 0


async def test_a_term_begun_before_the_bot_gets_no_start_and_no_report(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    await build_scene(factory, session)
    clock.set(at(4, 5, 9))  # after the report day (31 March): too late to start the census
    assert await _run(session, clock) == 0
    assert await _rows(session_pool, "census-report") == []


async def test_reminder_only_to_head_teachers_with_unconfirmed_students(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    clock.set(at(3, 1, 8))
    await _run(session, clock)
    clock.set(at(3, 3, 10))
    head = await _actor(session, HEAD)
    assert await service.confirm_unchanged(session, clock, head, scene.xiaoming.id) is True
    assert await service.confirm_unchanged(session, clock, head, scene.xiaoming.id) is False
    await service.change_work_place(session, clock, head, scene.xiaohong.id, "mother", "福建厦门")
    await session.commit()
    clock.set(at(3, 8, 7, 59))
    assert await _run(session, clock) == 0
    clock.set(at(3, 8, 8))
    assert await _run(session, clock) == 1
    assert await _run(session, clock) == 0
    [row] = await _rows(session_pool, "census-remind")
    assert row.chat_id == OTHER_HEAD
    assert "Grade 4 2班 still has 1 left-behind students not checked" in row.payload["text"]


# -------------------------------------------------------------- corrections


async def test_each_correction_is_applied_and_history_kept(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    clock.set(at(3, 2, 10))
    head = await _actor(session, HEAD)
    # A parent came home: no longer left-behind; the away row goes, its content stays.
    await service.mark_not_left_behind(session, clock, head, scene.xiaoming.id)
    # Left-behind now: both parents away, in 浙江宁波.
    await service.mark_left_behind(session, clock, head, scene.xiaoli.id, ["father", "mother"], "浙江宁波")
    # The mother works elsewhere.
    await service.change_work_place(session, clock, head, scene.xiaohong.id, "mother", "福建厦门")
    # A new main guardian (typed), granny stops.
    granny_link = (await session.scalars(select(StudentGuardian).where(
        StudentGuardian.student_id == scene.xiaohong.id))).one()
    await service.change_guardian(
        session, clock, head, scene.xiaohong.id, relation="aunt", new_name="张阿姨", new_phone="139 0000 0001",
        end_link_ids=[granny_link.id],
    )
    await session.commit()

    await session.refresh(scene.xiaoming)
    await session.refresh(scene.xiaoli)
    assert (scene.xiaoming.is_left_behind, scene.xiaoli.is_left_behind) == (False, True)
    away = {(a.student_id, a.relation): a.work_place for a in await session.scalars(select(AwayParent))}
    assert (scene.xiaoming.id, "father") not in away
    assert away[(scene.xiaoli.id, "father")] == away[(scene.xiaoli.id, "mother")] == "浙江宁波"
    assert away[(scene.xiaohong.id, "mother")] == "福建厦门"
    links = list(await session.scalars(
        select(StudentGuardian).where(StudentGuardian.student_id == scene.xiaohong.id).order_by(StudentGuardian.id)
    ))
    assert [(link.person_id == scene.granny.id, link.ended_at is not None, link.relation) for link in links] == [
        (True, True, "grandmother"), (False, False, "aunt"),
    ]
    aunt = await session.get(Person, links[1].person_id)
    assert aunt is not None and (aunt.name, aunt.phone) == ("张阿姨", "+8613900000001")

    entries = {e.student_id: e for e in await session.scalars(select(CensusEntry))}
    assert {e.status for e in entries.values()} == {"changed"}
    assert entries[scene.xiaoming.id].confirmed_by_id == (await _actor(session, HEAD)).person_id
    changes = list(await session.scalars(select(CensusChange).order_by(CensusChange.id)))
    assert [(c.student_id, c.kind, c.relation, c.new_value) for c in changes] == [
        (scene.xiaoming.id, "stopped_left_behind", None, None),
        (scene.xiaoli.id, "became_left_behind", "father,mother", "浙江宁波"),
        (scene.xiaohong.id, "work_place", "mother", "福建厦门"),
        (scene.xiaohong.id, "guardian", "aunt", "张阿姨"),
    ]
    assert json.loads(changes[0].old_value or "") == [{"relation": "father", "work_place": "广东深圳"}]
    assert changes[2].old_value == "广东广州"
    assert json.loads(changes[3].old_value or "") == [{"name": "王奶奶", "relation": "grandmother"}]
    # "No change" afterwards does not turn a changed entry back.
    assert await service.confirm_unchanged(session, clock, head, scene.xiaoming.id) is False
    assert (await session.get(CensusEntry, entries[scene.xiaoming.id].id)).status == "changed"  # type: ignore[union-attr]


async def test_an_earlier_guardian_takes_over_and_a_transfer_tells_the_admin(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    clock.set(at(3, 2, 10))
    head = await _actor(session, HEAD)
    links = {link.relation: link for link in await session.scalars(
        select(StudentGuardian).where(StudentGuardian.student_id == scene.xiaoming.id))}
    grandpa_id = links["grandfather"].person_id
    with pytest.raises(CensusError) as same:  # grandpa is a guardian already and nobody stops
        await service.change_guardian(session, clock, head, scene.xiaoming.id, relation="grandfather",
                                      person_id=grandpa_id, end_link_ids=[])
    assert same.value.key == "census-guardian-same"
    await service.change_guardian(session, clock, head, scene.xiaoming.id, relation="grandfather",
                                  person_id=grandpa_id, end_link_ids=[links["grandmother"].id])
    await service.note_transfer(session, clock, get_translator(), head, scene.xiaohong.id, "城关小学")
    await session.commit()
    current = list(await session.scalars(select(StudentGuardian).where(
        StudentGuardian.student_id == scene.xiaoming.id, StudentGuardian.ended_at.is_(None))))
    assert [link.person_id for link in current] == [grandpa_id]  # no second link for grandpa
    [notice] = await _rows(session_pool, "census-transfer")
    assert notice.chat_id == ADMIN
    assert notice.payload["text"].startswith("🔀 班主任登记：3年级1班 的 小红 已转学（转到：城关小学）")
    await session.refresh(scene.xiaohong)
    assert scene.xiaohong.status == "enrolled"  # the 学籍 change itself is the admin's


async def test_bad_input_changes_nothing(factory: Factory, session: AsyncSession, clock: FakeClock) -> None:
    scene = await build_scene(factory, session)
    clock.set(at(3, 2, 10))
    head = await _actor(session, HEAD)
    for call, key in [
        (service.change_guardian(session, clock, head, scene.xiaohong.id, relation="aunt", new_name="张阿姨",
                                 new_phone="12345"), "census-bad-phone"),
        (service.change_guardian(session, clock, head, scene.xiaohong.id, relation="queen", new_name="张阿姨",
                                 new_phone="13900000001"), "census-bad-button"),
        (service.change_guardian(session, clock, head, scene.xiaohong.id, relation="aunt",
                                 person_id=scene.far.id + 999), "census-bad-button"),
        (service.change_work_place(session, clock, head, scene.xiaohong.id, "father", "北京"), "census-bad-button"),
        (service.change_work_place(session, clock, head, scene.xiaohong.id, "mother", "  "), "census-text-empty"),
        (service.mark_left_behind(session, clock, head, scene.xiaoming.id, ["father"]), "census-already-left-behind"),
        (service.mark_left_behind(session, clock, head, scene.xiaoli.id, ["uncle"]), "census-bad-button"),
        (service.mark_not_left_behind(session, clock, head, scene.xiaoli.id), "census-already-not-left-behind"),
    ]:
        with pytest.raises(CensusError) as exc:
            await call
        assert exc.value.key == key
    await session.commit()
    assert list(await session.scalars(select(CensusEntry))) == []
    assert list(await session.scalars(select(CensusChange))) == []


async def test_who_may_see_and_touch_what(factory: Factory, session: AsyncSession, clock: FakeClock) -> None:
    scene = await build_scene(factory, session)
    clock.set(at(3, 2, 10))
    other_head = await _actor(session, OTHER_HEAD)
    subject = await _actor(session, SUBJECT)
    granny = await _actor(session, GRANNY)
    other_admin = await _actor(session, OTHER_ADMIN)
    admin = await _actor(session, ADMIN)
    assert not service.may_use(subject) and not service.may_use(granny)
    assert service.may_use(other_head) and service.may_use(admin)
    assert [c.id for c in await service.my_classes(session, other_head)] == [scene.class2.id]
    assert [c.id for c in await service.my_classes(session, admin)] == [scene.class1.id, scene.class2.id]
    for actor in (other_head, subject, granny, other_admin):
        with pytest.raises(CensusError):
            await service.class_census(session, clock, actor, scene.class1.id)
        with pytest.raises(CensusError):
            await service.confirm_unchanged(session, clock, actor, scene.xiaoming.id)
        with pytest.raises(CensusError):
            await service.report_term(session, actor, scene.term.id)
    with pytest.raises(CensusError):
        await service.school_progress(session, clock, other_admin, scene.school.id)
    # The admin may confirm for any class of the school and download its report.
    assert await service.confirm_unchanged(session, clock, admin, scene.xiaogang.id) is True
    assert (await service.report_term(session, admin, scene.term.id)).id == scene.term.id


# ------------------------------------------------------------------ the report


async def test_change_report_is_sent_to_admins_and_reads_back_row_by_row(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    clock.set(at(3, 1, 8))
    await _run(session, clock)
    clock.set(at(3, 2, 10))
    head = await _actor(session, HEAD)
    await service.mark_not_left_behind(session, clock, head, scene.xiaoming.id)
    await service.change_work_place(session, clock, head, scene.xiaohong.id, "mother", "福建厦门")
    await service.mark_left_behind(session, clock, head, scene.xiaoli.id, ["mother"])
    admin = await _actor(session, ADMIN)
    await student_status.transfer_out(session, clock, get_translator(), admin, scene.xiaogang.id,
                                      destination="城关小学")
    await session.commit()

    clock.set(at(3, 31, 7, 59))
    assert await _run(session, clock) == 0
    clock.set(at(3, 31, 8))
    assert await _run(session, clock) == 1
    assert await _run(session, clock) == 0
    [row] = await _rows(session_pool, "census-report")
    assert row.chat_id == ADMIN
    text = row.payload["text"]
    for line in ("新增留守：1 人", "不再留守：1 人", "父母打工地点变化：1 人次", "转学：1 人次", "还没核对：0 人"):
        assert line in text
    assert row.payload["buttons"][0][0]["callback_data"] == f"cxr:{scene.term.id}"

    content = await service.build_report(session, clock, get_translator(), "zh_Hans", scene.term)
    book = load_workbook(io.BytesIO(content))
    changes, missing = book.worksheets
    assert (changes.title, missing.title) == ("数据变化", "未核对学生")
    values = [list(r) for r in changes.iter_rows(values_only=True)]
    assert values[0] == ["变化类别", "班级", "学生姓名", "学籍号", "原来", "现在", "日期", "登记人"]
    assert values[1][:7] == ["新增留守", "3年级1班", "小丽", "G000000000103", "非留守", "母亲外出打工",
                             datetime(2027, 3, 2)]
    assert values[2][:6] == ["不再留守", "3年级1班", "小明", "G000000000101", "父亲外出，在广东深圳", "非留守"]
    assert values[3][:6] == ["打工地点变化", "3年级1班", "小红", "G000000000102", "母亲：广东广州", "母亲：福建厦门"]
    assert values[3][7] == "王老师"
    assert values[4][:6] == ["转出（学籍）", "4年级2班", "小刚", "G000000000201", "阳光小学", "城关小学"]
    assert len(values) == 5
    # 小红 is confirmed (changed); 小刚 left; nobody left-behind is unconfirmed.
    assert [list(r) for r in missing.iter_rows(values_only=True)] == [["班级", "学生姓名", "学籍号", "班主任"]]


async def test_report_lists_the_unconfirmed_in_english(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    clock.set(at(3, 5, 10))
    await service.confirm_unchanged(session, clock, await _actor(session, HEAD), scene.xiaoming.id)
    await session.commit()
    content = await service.build_report(session, clock, get_translator(), "en", scene.term)
    missing = load_workbook(io.BytesIO(content)).worksheets[1]
    assert [list(r) for r in missing.iter_rows(values_only=True)] == [
        ["Class", "Student", "Student number", "Head teacher"],
        ["Grade 3 1班", "小红", "G000000000102", "王老师"],
        ["Grade 4 2班", "小刚", "G000000000201", "周老师"],
    ]
