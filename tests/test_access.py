"""The privacy rule for every role, at the service level and through the bot.

One small county-sized world; each row of the table is a role and exactly the children
it may see.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ClassTeacher, Student, StudentMentor
from services.access import can_manage_school, can_see_student, load_actor, visible_students
from services.clock import FakeClock
from tests.support.chat import ChatDriver
from tests.support.factory import Factory


@dataclass
class World:
    students: dict[str, int]
    schools: dict[str, int]


# telegram id → who they are
GUARDIAN, HEAD, SUBJECT, MENTOR, COUNSELLOR, ADMIN, BUREAU, STRANGER, BARE = range(3001, 3010)


async def build_world(session: AsyncSession, factory: Factory, clock: FakeClock) -> World:
    county_a, county_b = await factory.county("甲县"), await factory.county("乙县")
    a1 = await factory.school("甲一小", county_a)
    a2 = await factory.school("甲二小", county_a)
    b1 = await factory.school("乙一小", county_b)

    async def staff(tid: int, name: str, school, county=None, **flags: bool):
        return await factory.staff(
            await factory.person(name, telegram_user_id=tid), school, county, **flags
        )

    head = await staff(HEAD, "班主任", a1, is_head_teacher=True)
    subject = await staff(SUBJECT, "科任", a1, is_subject_teacher=True)
    mentor = await staff(MENTOR, "帮扶", a1, is_mentor=True)
    await staff(COUNSELLOR, "心理", a1, is_counsellor=True)
    await staff(ADMIN, "校长", a1, is_school_admin=True)
    await staff(BUREAU, "教育局", None, county_a, is_bureau_officer=True)
    await factory.person("路人", telegram_user_id=BARE)

    c1 = await factory.school_class(a1, 3, "1班", head_teacher=head)
    c2 = await factory.school_class(a1, 4, "1班")
    c3 = await factory.school_class(a2, 3, "1班")
    c4 = await factory.school_class(b1, 3, "1班")
    session.add(ClassTeacher(class_id=c2.id, staff_id=subject.id, subject="数学"))
    s = {
        "明明": await factory.student(a1, c1, name="明明"),
        "同桌": await factory.student(a1, c1, name="同桌"),
        "四年级": await factory.student(a1, c2, name="四年级"),
        "结对": await factory.student(a1, c2, name="结对"),
        "二小": await factory.student(a2, c3, name="二小生"),
        "乙县": await factory.student(b1, c4, name="乙县生"),
    }
    guardian = await factory.person("王奶奶", telegram_user_id=GUARDIAN)
    await factory.guardian_of(s["明明"], guardian)
    old_link = await factory.guardian_of(s["同桌"], guardian)
    old_link.ended_at = clock.now()  # a guardian change: history kept, access gone
    session.add(StudentMentor(student_id=s["结对"].id, staff_id=mentor.id, started_at=clock.now()))
    session.add(
        StudentMentor(student_id=s["明明"].id, staff_id=mentor.id, started_at=clock.now(), ended_at=clock.now())
    )
    await session.commit()
    return World(
        students={k: v.id for k, v in s.items()},
        schools={"a1": a1.id, "a2": a2.id, "b1": b1.id},
    )


EXPECTED = [
    pytest.param(GUARDIAN, {"明明"}, id="guardian-own-child-only"),
    pytest.param(HEAD, {"明明", "同桌"}, id="head-teacher-own-class"),
    pytest.param(SUBJECT, {"四年级", "结对"}, id="subject-teacher-classes-taught"),
    pytest.param(MENTOR, {"结对"}, id="mentor-current-mentees"),
    pytest.param(COUNSELLOR, set(), id="counsellor-no-class"),
    pytest.param(ADMIN, {"明明", "同桌", "四年级", "结对"}, id="admin-own-school"),
    pytest.param(BUREAU, {"明明", "同桌", "四年级", "结对", "二小"}, id="bureau-own-county"),
    pytest.param(STRANGER, set(), id="stranger-nothing"),
    pytest.param(BARE, set(), id="person-without-roles-nothing"),
]


@pytest.mark.parametrize(("telegram_id", "expected"), EXPECTED)
async def test_visible_students_per_role(
    session: AsyncSession, factory: Factory, clock: FakeClock, telegram_id: int, expected: set[str]
) -> None:
    world = await build_world(session, factory, clock)
    actor = await load_actor(session, telegram_id)
    seen = set(await session.scalars(select(Student.id).where(visible_students(actor))))
    assert seen == {world.students[k] for k in expected}
    for key, student_id in world.students.items():
        assert await can_see_student(session, actor, student_id) == (key in expected), key


async def test_only_an_admin_manages_their_school(
    session: AsyncSession, factory: Factory, clock: FakeClock
) -> None:
    world = await build_world(session, factory, clock)
    admin = await load_actor(session, ADMIN)
    assert can_manage_school(admin, world.schools["a1"])
    assert not can_manage_school(admin, world.schools["a2"])
    for other in (HEAD, BUREAU, GUARDIAN, STRANGER):
        assert not can_manage_school(await load_actor(session, other), world.schools["a1"])


# --- through the bot ---------------------------------------------------------------------------

ALL_NAMES = {"明明", "同桌", "四年级", "结对", "二小生", "乙县生"}


@pytest.mark.parametrize(
    ("telegram_id", "button", "expected"),
    [
        pytest.param(GUARDIAN, "我的孩子", {"明明"}, id="guardian"),
        pytest.param(HEAD, "我的学生", {"明明", "同桌"}, id="head-teacher"),
        pytest.param(SUBJECT, "我的学生", {"四年级", "结对"}, id="subject-teacher"),
        pytest.param(MENTOR, "我的学生", {"结对"}, id="mentor"),
    ],
)
async def test_lists_in_the_bot_show_only_what_the_role_may_see(
    tg: ChatDriver, session: AsyncSession, factory: Factory, clock: FakeClock,
    telegram_id: int, button: str, expected: set[str],
) -> None:
    await build_world(session, factory, clock)
    user = tg.user(telegram_id)
    await tg.send(user, "/start")
    replies = await tg.tap(user, button)
    shown = {name for name in ALL_NAMES if name in replies.text}
    assert shown == expected


async def test_bureau_sees_its_schools_with_counts_and_no_child(
    tg: ChatDriver, session: AsyncSession, factory: Factory, clock: FakeClock
) -> None:
    await build_world(session, factory, clock)
    officer = tg.user(BUREAU)
    await tg.send(officer, "/start")
    replies = await tg.tap(officer, "本县学校")
    assert "甲一小：在校学生 4 人" in replies.text
    assert "甲二小：在校学生 1 人" in replies.text
    assert "乙一小" not in replies.text
    assert not any(name in replies.text for name in ALL_NAMES)


@pytest.mark.parametrize(
    ("telegram_id", "absent"),
    [
        (GUARDIAN, {"我的学生", "邀请老师", "上传花名册", "本县学校"}),
        (HEAD, {"我的孩子", "邀请老师", "上传花名册", "本县学校"}),
        (ADMIN, {"我的孩子", "我的学生", "本县学校"}),
        (BUREAU, {"我的孩子", "我的学生", "邀请老师", "上传花名册"}),
    ],
)
async def test_each_menu_offers_only_that_roles_actions(
    tg: ChatDriver, session: AsyncSession, factory: Factory, clock: FakeClock,
    telegram_id: int, absent: set[str],
) -> None:
    await build_world(session, factory, clock)
    replies = await tg.send(tg.user(telegram_id), "/start")
    labels = " ".join(replies.buttons())
    assert "中文 / English" in labels
    assert not any(label in labels for label in absent), labels


@pytest.mark.parametrize("command", ["/class", "/invite", "/roster", "/schools"])
async def test_role_commands_refused_to_a_stranger(tg: ChatDriver, command: str) -> None:
    replies = await tg.send(tg.user(STRANGER), command)
    assert "不适用于您" in replies.text


async def test_a_button_forged_from_someone_elses_menu_is_refused(
    tg: ChatDriver, session: AsyncSession, factory: Factory, clock: FakeClock
) -> None:
    """The guardian replays the head teacher's "My class" callback: the dialog behind it is
    not theirs, so they get the stale-button answer and no names."""
    await build_world(session, factory, clock)
    head, guardian = tg.user(HEAD), tg.user(GUARDIAN)
    await tg.send(head, "/start")
    await tg.send(guardian, "/start")
    _, data = tg.last_bot_message_with(head, "我的学生")
    replies = await tg.press(guardian, data)
    assert "按钮已经过期" in replies.text
    assert "同桌" not in replies.text
