"""The ledger (台帐) and the 学籍 dialog through the production dispatcher: staff open a
student's record by class or typed name and page through it; the spreadsheet arrives
and reads back; admins record every status change; guardians, strangers, other schools
and forged buttons get nothing."""

from __future__ import annotations

import io
from datetime import date

from aiogram.methods import SendDocument
from aiogram.types import PhotoSize, Update
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import DropoutCase, Student, StudentStatusChange
from handlers.ledger import LedgerCallback
from locales import get_translator
from services import dropout
from services.access import load_actor
from services.clock import FakeClock
from tests.support.chat import ChatDriver
from tests.support.factory import Factory
from tests.test_ledger import (
    ADMIN,
    BUREAU,
    GRANNY,
    HEAD,
    OTHER_ADMIN,
    SUBJECT,
    build_scene,
    mark,
)


async def _student(session_pool: async_sessionmaker[AsyncSession], student_id: int) -> Student:
    async with session_pool() as s:
        found = await s.get(Student, student_id)
        assert found is not None
        return found


async def _changes(session_pool: async_sessionmaker[AsyncSession], student_id: int) -> list[StudentStatusChange]:
    async with session_pool() as s:
        return list(await s.scalars(
            select(StudentStatusChange).where(StudentStatusChange.student_id == student_id)
            .order_by(StudentStatusChange.id)
        ))


def _refused(replies, text: str) -> bool:  # type: ignore[no-untyped-def]
    """The short answer came, and no ledger or next step was shown."""
    shown = replies.text
    return text in replies.texts and "外出务工的父母" not in shown and "Parents working away" not in shown \
        and "已保存" not in shown


def _forge(data: str, new_id: int) -> str:
    """Same button, another item id (what a forged or stale tap looks like)."""
    head, _, _old = data.rpartition(":")
    return f"{head}:{new_id}"


# ------------------------------------------------------------------------ ledger


async def test_head_teacher_opens_a_ledger_by_class_and_by_name(
    tg: ChatDriver, factory: Factory, session: AsyncSession
) -> None:
    scene = await build_scene(factory, session)
    for month in range(1, 11):  # ten months with an absence: two pages of history
        session.add(mark(scene.xiaoming, date(2026, month, 6), "sick"))
    await session.commit()
    head = tg.user(HEAD)

    found = await tg.send(head, "/student")
    assert "查谁的档案？输入名字里的字，或选一个班。" in found.text
    assert "3年级1班" in found.buttons() and "4年级2班" not in found.buttons()
    listed = await tg.tap(head, "3年级1班")
    assert "3年级1班：点名字。" in listed.text
    assert {"小明", "小红"} <= set(listed.buttons())
    card = await tg.tap(head, "小明")
    text = card.text
    assert "📒 小明（阳光小学 3年级1班）" in text
    assert "· 父亲 张大山，在广东东莞务工，电话 +8613900000002" in text
    assert "帮扶教师：钱老师" in text
    assert "记录（最新在前，第 1/2 页）：" in text
    assert "2026-10-06 📅 2026-10：缺勤 1 天（病假 1），迟到 0 次" in text
    assert "2026-09-01 👵 监护人：奶奶 王奶奶" in text
    assert "2026-02-06" not in text
    assert "较早 ▶️" in card.buttons() and "◀️ 较新" not in card.buttons()
    older = await tg.tap(head, "较早 ▶️")
    assert "第 2/2 页" in older.text and "2026-02-06 📅 2026-02" in older.text
    assert "◀️ 较新" in older.buttons() and "较早 ▶️" not in older.buttons()
    newer = await tg.tap(head, "◀️ 较新")
    assert "第 1/2 页" in newer.text

    # Typed text where a tap is expected on the card: a hint, nothing else.
    hint = await tg.send(head, "你好")
    assert hint.texts and "📒 小明" not in hint.texts[0]

    # Typed name search, and the /student NAME shortcut.
    await tg.tap(head, "⬅️ 名单")
    await tg.tap(head, "⬅️ 返回")
    results = await tg.send(head, "红")
    assert "名字含“红”的学生：" in results.text and "小红 · 3年级1班" in results.buttons()
    nothing = await tg.send(head, "小刚")  # class 2: not theirs
    assert "您能查看的学生里，没有名字含“小刚”的。" in nothing.text
    direct = await tg.send(head, "/student 小明")
    assert "小明 · 3年级1班" in direct.buttons()


async def test_forged_and_foreign_ledger_taps_change_nothing(
    tg: ChatDriver, factory: Factory, session: AsyncSession
) -> None:
    scene = await build_scene(factory, session)
    head = tg.user(HEAD)
    await tg.send(head, "/student")
    listed = await tg.tap(head, "3年级1班")
    assert "小明" in listed.buttons()
    message, data = tg.last_bot_message_with(head, "小明")
    for foreign in (scene.xiaogang.id, scene.xiaojun.id, 999_999):
        refused = await tg.press(head, _forge(data, foreign), message)
        assert _refused(refused, "您不能查看这名学生的档案。")
    # A forged class button.
    await tg.tap(head, "⬅️ 返回")
    message, data = tg.last_bot_message_with(head, "3年级1班")
    refused = await tg.press(head, _forge(data, scene.class2.id), message)
    assert _refused(refused, "您不能查看这名学生的档案。")
    # The "open this ledger" button others may send: checked again.
    other = await tg.press(tg.user(OTHER_ADMIN, language="en"), LedgerCallback(student_id=scene.xiaoming.id).pack())
    assert _refused(other, "You cannot open this student's ledger.")
    own = await tg.press(tg.user(OTHER_ADMIN, language="en"), LedgerCallback(student_id=scene.xiaojun.id).pack())
    assert "📒 小军 (河西小学, Grade 3 1班)" in own.text


async def test_guardian_and_subject_teacher(tg: ChatDriver, factory: Factory, session: AsyncSession) -> None:
    scene = await build_scene(factory, session)
    granny = tg.user(GRANNY)
    refused = await tg.send(granny, "/student")
    assert _refused(refused, "只有老师、学校管理员和教育局可以查看学生档案。")
    forged = await tg.press(granny, LedgerCallback(student_id=scene.xiaoming.id).pack())
    assert _refused(forged, "您不能查看这名学生的档案。")
    # A subject teacher reads the ledger, phones hidden.
    subject = tg.user(SUBJECT)
    await tg.send(subject, "/student")
    await tg.tap(subject, "3年级1班")
    card = await tg.tap(subject, "小明")
    assert "· 父亲 张大山，在广东东莞务工，电话 （不显示）" in card.text
    assert "+8613900000002" not in card.text
    assert "📥 台帐表格" not in (await tg.send(subject, "/student")).buttons()


async def test_bureau_sees_only_children_with_an_open_case(
    tg: ChatDriver, factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    bureau = tg.user(BUREAU)
    empty = await tg.send(bureau, "/student")
    assert "本县正在跟进的学生" in empty.text and "小明 · 阳光小学 3年级1班" not in empty.buttons()
    assert "3年级1班" not in empty.buttons()
    await dropout.open_case_manually(session, clock, get_translator(), await load_actor(session, ADMIN),
                                     scene.xiaoming.id)
    await session.commit()
    listed = await tg.send(bureau, "/student")
    assert "小明 · 阳光小学 3年级1班" in listed.buttons()
    card = await tg.tap(bureau, "小明 · 阳光小学 3年级1班")
    assert "🚸 建立辍学个案" in card.text and "电话 （不显示）" in card.text
    await tg.tap(bureau, "⬅️ 名单")
    none = await tg.send(bureau, "小红")
    assert "没有名字含“小红”的" in none.text


async def test_ledger_spreadsheet_from_the_bot(tg: ChatDriver, factory: Factory, session: AsyncSession) -> None:
    scene = await build_scene(factory, session)
    session.add(mark(scene.xiaoming, date(2026, 11, 2)))
    await session.commit()
    head = tg.user(HEAD)
    await tg.send(head, "/student")
    choose = await tg.tap(head, "📥 台帐表格")
    assert "导出哪一份台帐？" in choose.text and choose.buttons()[0] == "留守学生台帐-阳光小学-3年级1班"
    sent = await tg.tap(head, "留守学生台帐-阳光小学-3年级1班")
    [document] = sent.of(SendDocument)
    assert document.document.filename == "留守学生台帐-阳光小学-3年级1班.xlsx"
    rows = list(load_workbook(io.BytesIO(document.document.data)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows] == ["姓名", "小明", "小红"]
    assert rows[1][7] == 1
    # The admin gets the whole school.
    admin = tg.user(ADMIN)
    await tg.send(admin, "/student")
    await tg.tap(admin, "📥 台帐表格")
    [document] = (await tg.tap(admin, "留守学生台帐-阳光小学")).of(SendDocument)
    rows = list(load_workbook(io.BytesIO(document.document.data)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows] == ["姓名", "小明", "小红", "小刚"]


# ------------------------------------------------------------------------ 学籍


async def test_only_admins_get_status(tg: ChatDriver, factory: Factory, session: AsyncSession) -> None:
    await build_scene(factory, session)
    assert (await tg.send(tg.user(HEAD), "/status")).text == "只有学校管理员可以登记转学、休学和毕业。"
    assert (await tg.send(tg.user(GRANNY), "/status")).text == "只有学校管理员可以登记转学、休学和毕业。"
    menu = await tg.send(tg.user(ADMIN), "/status")
    assert "🔀 学籍变动：发生了什么？" in menu.text and "🚪 转出" in menu.buttons()


async def test_transfer_out_within_the_system_then_arrival(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    case = await dropout.open_case_manually(session, clock, get_translator(), await load_actor(session, ADMIN),
                                            scene.xiaoming.id)
    await session.commit()
    admin = tg.user(ADMIN)
    await tg.send(admin, "/status")
    await tg.tap(admin, "🚪 转出")
    hint = await tg.send(admin, "3年级1班")  # typed instead of tapped
    assert "请点下面的按钮" in hint.text and "哪个班？" in hint.text
    await tg.tap(admin, "3年级1班")
    asked = await tg.tap(admin, "小明")
    assert "学生转到哪所学校？" in asked.text
    flag = await tg.send(admin, "河西小学")
    assert "学生档案已经交给转入学校了吗？" in flag.text
    confirm = await tg.tap(admin, "✅ 档案已转")
    assert "🚪 转出：小明 → 河西小学" in confirm.text
    assert "这所学校也在用本系统" in confirm.text and "未结的辍学个案将以“转学”结案。" in confirm.text
    bad = await tg.send(admin, "明天")
    assert "日期请这样写：2026-11-23" in bad.text
    save_message, save_data = tg.last_bot_message_with(admin, "✅ 保存")
    saved = await tg.press(admin, save_data, save_message)
    assert "已保存" in saved.text
    student = await _student(session_pool, scene.xiaoming.id)
    assert (student.school_id, student.class_id, student.status) == (scene.other_school.id, None, "enrolled")
    async with session_pool() as s:
        closed = await s.get(DropoutCase, case.id)
        assert closed is not None and closed.outcome == "transferred"
    # A second tap on the same Save records nothing twice.
    again = await tg.press(admin, save_data, save_message)
    assert "已保存" not in again.text
    assert len(await _changes(session_pool, scene.xiaoming.id)) == 1

    # The receiving admin places the arrival.
    other = tg.user(OTHER_ADMIN, language="en")
    menu = await tg.send(other, "/status")
    assert "Transferred in, waiting for a class: 1" in menu.text
    await tg.tap(other, "🔀 Arrivals (1)")
    await tg.tap(other, "小明")
    await tg.tap(other, "Grade 3 1班")
    confirm = await tg.tap(other, "📂 Not yet (file pending)")
    assert "🔀 Arrival: 小明, into Grade 3 1班" in confirm.text and "File: pending" in confirm.text
    await tg.tap(other, "✅ Save")
    student = await _student(session_pool, scene.xiaoming.id)
    assert student.class_id == scene.other_class.id
    # The file is pending at the receiving school until cleared.
    menu = await tg.send(other, "/status")
    assert "📂 Pending files (1)" in menu.buttons()
    files = await tg.tap(other, "📂 Pending files (1)")
    assert "小明 · transferred in · 2026-11-23" in files.buttons()
    cleared = await tg.tap(other, "小明 · transferred in · 2026-11-23")
    assert "File marked as received" in cleared.text
    assert [c.kind for c in await _changes(session_pool, scene.xiaoming.id)] == ["transfer_out", "transfer_in"]
    # The ledger history followed the child to the new school.
    card = await tg.press(other, LedgerCallback(student_id=scene.xiaoming.id).pack())
    assert "transferred out of 阳光小学 to 河西小学" in card.text
    assert "dropout case closed: Transferred" in card.text


async def test_transfer_in_suspend_resume_graduate(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    admin = tg.user(ADMIN)

    # Transfer in from outside the system; a student number already in the system is refused.
    await tg.send(admin, "/status")
    await tg.tap(admin, "🏫 转入（系统外学校）")
    await tg.tap(admin, "4年级2班")
    await tg.send(admin, "小新")
    taken = await tg.send(admin, "G200000000001")
    assert "从哪所学校转来" in taken.text
    await tg.send(admin, "外省小学")
    await tg.tap(admin, "📂 还没有（档案待转）")
    refused = await tg.tap(admin, "✅ 保存")
    assert "另一所学校" in refused.text and "学籍号？" in refused.text  # asked again, the rest kept
    confirm = await tg.send(admin, "G300000000001")
    assert "🏫 转入：小新（学籍号 G300000000001），从外省小学转入4年级2班" in confirm.text
    await tg.tap(admin, "✅ 保存")
    async with session_pool() as s:
        new = await s.scalar(select(Student).where(Student.student_number == "G300000000001"))
        assert new is not None and new.class_id == scene.class2.id and new.school_id == scene.school.id

    # Suspension with the certificate photo (a document is not a photo: hint).
    await tg.tap(admin, "⏸️ 休学")
    await tg.tap(admin, "3年级1班")
    await tg.tap(admin, "小明")
    await tg.send(admin, "肺炎住院")
    wrong = await tg.send_document(admin, "x.pdf", b"%PDF")
    assert "请发照片" in wrong.text
    photo = tg._message(admin, photo=[PhotoSize(file_id="CERT1", file_unique_id="u1", width=90, height=90),
                                      PhotoSize(file_id="CERT2", file_unique_id="u2", width=900, height=900)])
    confirm = await tg.feed(Update(update_id=9001, message=photo))
    assert "⏸️ 休学：小明。原因：肺炎住院" in confirm.text and "证明：已附照片。" in confirm.text
    await tg.tap(admin, "✅ 保存")
    assert (await _student(session_pool, scene.xiaoming.id)).status == "suspended"

    # Resumption.
    clock.advance(days=7)
    await tg.tap(admin, "▶️ 复学")
    await tg.tap(admin, "小明")
    await tg.tap(admin, "✅ 保存")
    assert (await _student(session_pool, scene.xiaoming.id)).status == "enrolled"

    # Graduation of class 1.
    await tg.tap(admin, "🎓 整班毕业")
    confirm = await tg.tap(admin, "3年级1班")
    assert "🎓 3年级1班：在读的 2 名学生全部毕业。" in confirm.text
    done = await tg.tap(admin, "✅ 保存")
    assert "2 名学生已毕业" in done.text
    assert (await _student(session_pool, scene.xiaohong.id)).status == "graduated"
    changes = await _changes(session_pool, scene.xiaoming.id)
    assert [(c.kind, c.proof_file_id) for c in changes] == [
        ("suspension", "CERT2"), ("resumption", None), ("graduation", None)
    ]


async def test_status_refuses_forged_and_foreign_taps(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    scene = await build_scene(factory, session)
    admin = tg.user(ADMIN)
    await tg.send(admin, "/status")
    await tg.tap(admin, "⏸️ 休学")
    message, data = tg.last_bot_message_with(admin, "3年级1班")
    refused = await tg.press(admin, _forge(data, scene.other_class.id), message)
    assert _refused(refused, "这不是本校的学生或班级。")
    await tg.tap(admin, "3年级1班")
    message, data = tg.last_bot_message_with(admin, "小明")
    for foreign in (scene.xiaojun.id, scene.xiaogang.id):  # another school's; another class's
        refused = await tg.press(admin, _forge(data, foreign), message)
        assert _refused(refused, "这不是本校的学生或班级。")
    assert await _changes(session_pool, scene.xiaojun.id) == []
    assert (await _student(session_pool, scene.xiaojun.id)).status == "enrolled"
