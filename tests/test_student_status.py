"""学籍 status changes without the chat: transfers (in the system and outside it), the
dropout case a transfer closes, suspension, resumption, graduation, pending files."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import DropoutCase, OutboxMessage, Student, StudentStatusChange
from db.repositories import attendance as attendance_repo
from locales import get_translator
from services import dropout, ledger
from services import student_status as status
from services.access import load_actor
from services.clock import FakeClock
from services.student_status import StatusError
from tests.support.factory import Factory
from tests.test_ledger import ADMIN, HEAD, OTHER_ADMIN, build_scene


async def _changes(session: AsyncSession, student_id: int) -> list[StudentStatusChange]:
    return list(await session.scalars(
        select(StudentStatusChange).where(StudentStatusChange.student_id == student_id).order_by(StudentStatusChange.id)
    ))


async def test_transfer_out_of_the_system_leaves_sheets_and_closes_the_case(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    admin = await load_actor(session, ADMIN)
    translator = get_translator()
    case = await dropout.open_case_manually(session, clock, translator, admin, scene.xiaoming.id)
    await session.commit()

    await status.transfer_out(session, clock, translator, admin, scene.xiaoming.id, destination=" 县城实验小学 ",
                              file_pending=True, on=date(2026, 11, 23))
    await session.commit()
    student = await session.get(Student, scene.xiaoming.id)
    assert student is not None and student.status == "transferred_out" and student.school_id == scene.school.id
    closed = await session.get(DropoutCase, case.id)
    assert closed is not None and closed.outcome == "transferred" and closed.ended_at is not None
    [change] = await _changes(session, scene.xiaoming.id)
    assert (change.kind, change.from_status, change.to_status, change.other_school, change.file_pending,
            change.school_id, change.class_id, change.effective_on) == (
        "transfer_out", "enrolled", "transferred_out", "县城实验小学", True, scene.school.id, scene.class1.id,
        date(2026, 11, 23))
    # Gone from the attendance sheet and the class lists.
    assert [r.name for r in await attendance_repo.roster(session, scene.class1.id)] == ["小红"]
    assert [s.name for s in await ledger.class_students(session, admin, scene.class1.id)] == ["小红"]
    # The file is listed until cleared, once.
    [(pending, name)] = await status.pending_files(session, admin)
    assert pending.id == change.id and name == "小明"
    assert await status.pending_files(session, await load_actor(session, OTHER_ADMIN)) == []
    with pytest.raises(StatusError) as refused:
        await status.clear_file(session, clock, await load_actor(session, OTHER_ADMIN), change.id)
    assert refused.value.key == "status-not-allowed"
    await status.clear_file(session, clock, admin, change.id)
    assert await status.pending_files(session, admin) == []
    with pytest.raises(StatusError):
        await status.clear_file(session, clock, admin, change.id)
    # The history still opens for the school that kept the child's file.
    assert await ledger.can_open(session, admin, scene.xiaoming.id)


async def test_transfer_within_the_system_moves_the_same_student(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    admin, other_admin = await load_actor(session, ADMIN), await load_actor(session, OTHER_ADMIN)
    translator = get_translator()
    [destination] = await status.destinations(session, admin, "河西小学")
    assert await status.destinations(session, admin, "阳光小学") == []  # not to itself

    with pytest.raises(StatusError) as refused:
        await status.transfer_out(session, clock, translator, admin, scene.xiaoming.id, destination="阳光小学")
    assert refused.value.key == "status-same-school"
    with pytest.raises(StatusError) as refused:
        await status.transfer_out(session, clock, translator, admin, scene.xiaoming.id, destination="阳光小学",
                                  destination_school_id=scene.school.id)
    assert refused.value.key == "status-not-allowed"
    await status.transfer_out(session, clock, translator, admin, scene.xiaoming.id, destination="河西小学",
                              destination_school_id=destination.school_id)
    await session.commit()
    student = await session.get(Student, scene.xiaoming.id)
    assert student is not None
    assert (student.school_id, student.class_id, student.status) == (scene.other_school.id, None, "enrolled")
    # The sending school no longer sees the child; the receiving admin does, and is told.
    assert not await ledger.can_open(session, admin, student.id)
    assert not await ledger.can_open(session, await load_actor(session, HEAD), student.id)
    assert await ledger.can_open(session, other_admin, student.id)
    [notice] = (await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "status-arrival"))).all()
    assert notice.chat_id == OTHER_ADMIN
    assert notice.payload["text"].startswith("🔀 小明 has been transferred to your school from 阳光小学")
    assert [s.name for s in await status.arrivals(session, other_admin)] == ["小明"]
    assert await status.arrivals(session, admin) == []

    # The sending school cannot place the child; the receiving school places them in its class.
    with pytest.raises(StatusError):
        await status.place_arrival(session, clock, admin, student.id, scene.class1.id)
    with pytest.raises(StatusError):  # a class of another school
        await status.place_arrival(session, clock, other_admin, student.id, scene.class1.id)
    await status.place_arrival(session, clock, other_admin, student.id, scene.other_class.id, file_pending=True)
    await session.commit()
    assert student.class_id == scene.other_class.id
    assert [r.name for r in await attendance_repo.roster(session, scene.other_class.id)] == ["小明", "小军"]
    changes = await _changes(session, student.id)
    assert [(c.kind, c.school_id, c.other_school_id, c.other_school) for c in changes] == [
        ("transfer_out", scene.school.id, scene.other_school.id, "河西小学"),
        ("transfer_in", scene.other_school.id, scene.school.id, "阳光小学"),
    ]
    # The ledger's history came along: guardian since September, both transfer entries.
    entries = await ledger.collect(session, student.id)
    texts = [ledger.render_entry(translator, "zh_Hans", e, ledger.ZoneInfo("Asia/Shanghai")) for e in entries]
    assert "2026-11-23 🔀 从阳光小学转入河西小学" in texts[0]
    assert "2026-11-23 🔀 从阳光小学转出到河西小学" in texts
    assert texts[-1] == "2026-09-01 👵 监护人：奶奶 王奶奶"
    assert await status.arrivals(session, other_admin) == []


async def test_transfer_in_from_outside(factory: Factory, session: AsyncSession, clock: FakeClock) -> None:
    scene = await build_scene(factory, session)
    admin = await load_actor(session, ADMIN)
    student = await status.transfer_in_new(
        session, clock, admin, scene.class2.id, name="小新", student_number="g300 000000001", from_school="外省小学",
        file_pending=True,
    )
    await session.commit()
    assert (student.student_number, student.class_id, student.status) == ("G300000000001", scene.class2.id, "enrolled")
    [change] = await _changes(session, student.id)
    assert (change.kind, change.from_status, change.other_school, change.file_pending) == (
        "transfer_in", None, "外省小学", True)
    for number, key in (("G300000000001", "status-number-here"), ("G200000000001", "status-number-in-system")):
        with pytest.raises(StatusError) as refused:
            await status.transfer_in_new(session, clock, admin, scene.class2.id, name="x", student_number=number,
                                         from_school="y")
        assert refused.value.key == key
    with pytest.raises(StatusError) as refused:
        await status.transfer_in_new(session, clock, admin, scene.other_class.id, name="x", student_number="Z1",
                                     from_school="y")
    assert refused.value.key == "status-not-allowed"


async def test_suspension_resumption_graduation(factory: Factory, session: AsyncSession, clock: FakeClock) -> None:
    scene = await build_scene(factory, session)
    admin = await load_actor(session, ADMIN)
    with pytest.raises(StatusError) as refused:
        await status.suspend(session, clock, await load_actor(session, HEAD), scene.xiaoming.id, reason="病")
    assert refused.value.key == "status-not-allowed"  # head teachers do not record 学籍
    with pytest.raises(StatusError) as refused:
        await status.suspend(session, clock, admin, scene.xiaoming.id, reason="  ")
    assert refused.value.key == "status-text-empty"
    with pytest.raises(StatusError) as refused:
        await status.suspend(session, clock, admin, scene.xiaoming.id, reason="病", on=date(2026, 11, 24))
    assert refused.value.key == "status-date-future"

    await status.suspend(session, clock, admin, scene.xiaoming.id, reason="肺炎住院", proof_file_id="PHOTO1")
    assert [r.name for r in await attendance_repo.roster(session, scene.class1.id)] == ["小红"]
    assert [s.name for s in await status.suspended_students(session, admin)] == ["小明"]
    with pytest.raises(StatusError) as refused:
        await status.suspend(session, clock, admin, scene.xiaoming.id, reason="again")
    assert refused.value.key == "status-wrong-state"
    clock.advance(days=30)
    await status.resume(session, clock, admin, scene.xiaoming.id)
    assert [r.name for r in await attendance_repo.roster(session, scene.class1.id)] == ["小明", "小红"]

    with pytest.raises(StatusError):
        await status.graduate_class(session, clock, await load_actor(session, OTHER_ADMIN), scene.class1.id)
    assert await status.graduate_class(session, clock, admin, scene.class1.id) == 2
    with pytest.raises(StatusError) as refused:
        await status.graduate_class(session, clock, admin, scene.class1.id)
    assert refused.value.key == "status-class-empty"
    await session.commit()
    assert await attendance_repo.roster(session, scene.class1.id) == []
    changes = await _changes(session, scene.xiaoming.id)
    assert [(c.kind, c.to_status, c.reason, c.proof_file_id) for c in changes] == [
        ("suspension", "suspended", "肺炎住院", "PHOTO1"),
        ("resumption", "enrolled", None, None),
        ("graduation", "graduated", None, None),
    ]


async def test_pending_files_are_reminded_weekly_until_received(
    tg, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings
) -> None:
    """转入 with the file still to come: the admin is reminded every Monday, once, with a
    button to the list; marking it received stops the reminders."""
    from db.models import OutboxMessage
    from scheduler import JobContext, default_jobs
    from scheduler.student_status import pending_files

    scene = await build_scene(factory, session)
    admin = await load_actor(session, ADMIN)
    await status.transfer_in_new(session, clock, admin, scene.class1.id, name="小新", student_number="G1000000099",
                                 from_school="外省某小学", file_pending=True)
    await status.transfer_in_new(session, clock, admin, scene.class1.id, name="小全", student_number="G1000000098",
                                 from_school="邻县小学", file_pending=False)
    await session.commit()
    assert "status-pending-files" in default_jobs()
    ctx = JobContext(session_pool, clock, settings, get_translator())

    async def reminders() -> list[OutboxMessage]:
        async with session_pool() as s:
            return list(await s.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "status-files").order_by(OutboxMessage.id)))

    assert await pending_files(ctx) == 1
    assert await pending_files(ctx) == 0  # once a week
    [sent] = await reminders()
    assert sent.chat_id == ADMIN and "还有 1 名学生的档案资料没有转到" in sent.payload["text"]
    assert "小新 · 转入 · 2026-11-23" in sent.payload["text"] and "小全" not in sent.payload["text"]
    assert sent.dedup_key == f"status-files:{scene.school.id}:2026-W48:to:{sent.person_id}"
    button = sent.payload["buttons"][0][0]
    assert button["text"] == "📂 打开待转档案"

    # Only an admin opens the list from the button; a tap on the name marks it received.
    refused = await tg.press(tg.user(HEAD), button["callback_data"])
    assert "只有学校管理员可以登记转学、休学和毕业。" in refused.text
    assert "小新" not in refused.text
    listed = await tg.press(tg.user(ADMIN), button["callback_data"])
    assert "📂 档案待转（收到后点一下）：" in listed.text and any("小新" in b for b in listed.buttons())
    cleared = await tg.tap(tg.user(ADMIN), "小新")
    assert "✅ 已登记档案收到。" in cleared.text

    clock.advance(days=7)
    assert await pending_files(ctx) == 0
    assert len(await reminders()) == 1
    assert await status.pending_files(session, admin) == []


async def test_pending_files_reminder_repeats_next_week_and_is_per_school(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings
) -> None:
    from db.models import OutboxMessage
    from scheduler import JobContext
    from scheduler.student_status import pending_files

    scene = await build_scene(factory, session)
    admin = await load_actor(session, ADMIN)
    await status.transfer_out(session, clock, get_translator(), admin, scene.xiaoming.id, destination="县城实验小学",
                              file_pending=True)
    await session.commit()
    ctx = JobContext(session_pool, clock, settings, get_translator())
    assert await pending_files(ctx) == 1
    clock.advance(days=7)
    assert await pending_files(ctx) == 1
    async with session_pool() as s:
        sent = list(await s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "status-files")))
    assert {m.chat_id for m in sent} == {ADMIN}  # the other school's admin hears nothing
    assert [m.dedup_key.split(":")[2] for m in sent] == ["2026-W48", "2026-W49"]
