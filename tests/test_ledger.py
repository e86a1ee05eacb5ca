"""The student's ledger without the chat: who may open it, what the card and the timeline
show, the sources, and the spreadsheet read back row by row."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AttendanceMark,
    AwayParent,
    ClassTeacher,
    County,
    DropoutCase,
    Person,
    School,
    SchoolClass,
    Student,
    StudentGuardian,
    StudentMentor,
    Term,
)
from locales import get_translator
from services import ledger
from services.access import load_actor
from services.clock import FakeClock
from services.ledger import LedgerEntry
from services.ledger_export import COLUMNS, ExportScope, build_ledger, export_scopes
from tests.support.factory import Factory

ADMIN = 100
GRANNY = 201
HEAD = 300
OTHER_HEAD = 310
SUBJECT = 320
MENTOR = 330
HEAD_AND_PARENT = 340
OTHER_ADMIN = 400
BUREAU = 500
OTHER_BUREAU = 510
STRANGER = 900

TZ = ZoneInfo("Asia/Shanghai")


@dataclass
class Scene:
    county: County
    school: School
    other_school: School  # same county, also uses the system
    far_school: School  # another county
    class1: SchoolClass
    class2: SchoolClass
    other_class: SchoolClass
    xiaoming: Student  # class 1, left-behind, granny's grandson, mentored
    xiaohong: Student  # class 1, left-behind, mother is a teacher elsewhere
    xiaogang: Student  # class 2
    xiaojun: Student  # other school
    granny: Person
    head: Person


async def build_scene(factory: Factory, session: AsyncSession) -> Scene:
    now = factory.clock.now()
    county = await factory.county("清水县")
    school = await factory.school("阳光小学", county)
    other_school = await factory.school("河西小学", county)
    far_county = await factory.county("远山县")
    far_school = await factory.school("远山小学", far_county)
    session.add(Term(school_id=school.id, name="2026秋", starts_on=date(2026, 9, 1), ends_on=date(2027, 1, 20),
                     created_at=now))

    admin = await factory.person("李校长", telegram_user_id=ADMIN)
    await factory.staff(admin, school, is_school_admin=True)
    head = await factory.person("王老师", telegram_user_id=HEAD)
    head_post = await factory.staff(head, school, is_head_teacher=True, is_subject_teacher=True)
    other_head = await factory.person("赵老师", telegram_user_id=OTHER_HEAD)
    other_head_post = await factory.staff(other_head, school, is_head_teacher=True)
    subject = await factory.person("孙老师", telegram_user_id=SUBJECT)
    subject_post = await factory.staff(subject, school, is_subject_teacher=True)
    mentor = await factory.person("钱老师", telegram_user_id=MENTOR)
    mentor_post = await factory.staff(mentor, school, is_mentor=True)
    other_admin = await factory.person("周校长", telegram_user_id=OTHER_ADMIN, language="en")
    await factory.staff(other_admin, other_school, is_school_admin=True)
    bureau = await factory.person("陈科长", telegram_user_id=BUREAU)
    await factory.staff(bureau, county=county, is_bureau_officer=True)
    other_bureau = await factory.person("吴科长", telegram_user_id=OTHER_BUREAU)
    await factory.staff(other_bureau, county=far_county, is_bureau_officer=True)
    await factory.person("路人", telegram_user_id=STRANGER)

    class1 = await factory.school_class(school, grade=3, name="1班", head_teacher=head_post)
    class2 = await factory.school_class(school, grade=4, name="2班", head_teacher=other_head_post)
    other_class = await factory.school_class(other_school, grade=3, name="1班")
    session.add(ClassTeacher(class_id=class1.id, staff_id=subject_post.id, subject="数学"))
    xiaoming = await factory.student(
        school, class1, "小明", number="G100000000001", gender="male", birth_date=date(2017, 5, 4),
        is_left_behind=True, has_hardship=True,
    )
    xiaohong = await factory.student(school, class1, "小红", number="G100000000002", gender="female",
                                     is_left_behind=True)
    xiaogang = await factory.student(school, class2, "小刚", number="G100000000003", is_left_behind=True)
    xiaojun = await factory.student(other_school, other_class, "小军", number="G200000000001")
    session.add(StudentMentor(student_id=xiaoming.id, staff_id=mentor_post.id, started_at=now))

    granny = await factory.person("王奶奶", phone="+8613800000001", telegram_user_id=GRANNY)
    session.add(StudentGuardian(student_id=xiaoming.id, person_id=granny.id, relation="grandmother",
                                started_at=datetime(2026, 9, 1, 2, 0, tzinfo=UTC)))
    session.add(AwayParent(student_id=xiaoming.id, relation="father", name="张大山", phone="+8613900000002",
                           work_place="广东东莞", created_at=now))
    # A head teacher of class 2 whose own child is xiaohong: the teacher post decides, not the parent.
    both = await factory.person("刘老师", phone="+8613700000003", telegram_user_id=HEAD_AND_PARENT)
    await factory.staff(both, far_school, is_head_teacher=True)
    session.add(StudentGuardian(student_id=xiaohong.id, person_id=both.id, relation="mother", started_at=now))
    await session.commit()
    return Scene(county, school, other_school, far_school, class1, class2, other_class, xiaoming, xiaohong,
                 xiaogang, xiaojun, granny, head)


def mark(student: Student, day: date, reason: str = "unknown", status: str = "absent") -> AttendanceMark:
    return AttendanceMark(
        student_id=student.id, class_id=student.class_id, school_id=student.school_id, day=day, status=status,
        reason=reason, source="teacher", recorded_at=datetime(2026, 11, 1, tzinfo=UTC),
    )


async def open_case(session: AsyncSession, student: Student, opened: datetime) -> DropoutCase:
    case = DropoutCase(student_id=student.id, school_id=student.school_id, stage="suspected", trigger="manual",
                       opened_at=opened, stage_since=opened)
    session.add(case)
    await session.flush()
    return case


# ----------------------------------------------------------------------- access


async def _can(session: AsyncSession, user_id: int, student: Student) -> bool:
    return await ledger.can_open(session, await load_actor(session, user_id), student.id)


async def test_who_may_open_a_ledger(factory: Factory, session: AsyncSession) -> None:
    scene = await build_scene(factory, session)
    xm, xg, xj = scene.xiaoming, scene.xiaogang, scene.xiaojun
    # Head teacher: their class only.
    assert await _can(session, HEAD, xm) and not await _can(session, HEAD, xg)
    # Subject teacher of class 1 and the mentor of xiaoming.
    assert await _can(session, SUBJECT, xm) and await _can(session, SUBJECT, scene.xiaohong)
    assert not await _can(session, SUBJECT, xg)
    assert await _can(session, MENTOR, xm) and not await _can(session, MENTOR, scene.xiaohong)
    # School admin: the whole school, not another school; the other admin: theirs only.
    assert await _can(session, ADMIN, xm) and await _can(session, ADMIN, xg)
    assert not await _can(session, ADMIN, xj)
    assert await _can(session, OTHER_ADMIN, xj) and not await _can(session, OTHER_ADMIN, xm)
    # A guardian cannot open any ledger, not even their own grandson's.
    assert not await _can(session, GRANNY, xm)
    # A teacher elsewhere whose own child is xiaohong: being a parent grants nothing.
    assert not await _can(session, HEAD_AND_PARENT, scene.xiaohong)
    # Strangers: nothing.
    assert not await _can(session, STRANGER, xm)


async def test_bureau_opens_only_children_with_an_open_case_in_its_county(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    assert not await _can(session, BUREAU, scene.xiaoming)
    case = await open_case(session, scene.xiaoming, clock.now())
    await session.commit()
    assert await _can(session, BUREAU, scene.xiaoming)
    assert not await _can(session, BUREAU, scene.xiaohong)  # no case: figures only
    assert not await _can(session, OTHER_BUREAU, scene.xiaoming)  # another county
    rows = await ledger.bureau_students(session, await load_actor(session, BUREAU))
    assert [r.student.name for r in rows] == ["小明"]
    # Once the case ends, the child is private again.
    case.ended_at = clock.now()
    await session.commit()
    assert not await _can(session, BUREAU, scene.xiaoming)


async def test_bureau_opens_a_child_with_an_open_incident(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    from db.models.incidents import Incident

    scene = await build_scene(factory, session)
    now = clock.now()
    incident = Incident(
        school_id=scene.school.id, student_id=scene.xiaohong.id, category="other", happened_at=now, opened_at=now,
        guardian_due_at=now + timedelta(minutes=30), bureau_due_at=now + timedelta(hours=1),
    )
    session.add(incident)
    await session.commit()
    assert await _can(session, BUREAU, scene.xiaohong)
    assert not await _can(session, BUREAU, scene.xiaoming)
    assert not await _can(session, OTHER_BUREAU, scene.xiaohong)
    incident.closed_at = now
    await session.commit()
    assert not await _can(session, BUREAU, scene.xiaohong)


async def test_search_finds_only_students_the_reader_may_open(factory: Factory, session: AsyncSession) -> None:
    await build_scene(factory, session)
    head = await load_actor(session, HEAD)
    assert [r.student.name for r in await ledger.search(session, head, "小")] == ["小明", "小红"]
    assert await ledger.search(session, head, "刚") == []
    admin = await load_actor(session, ADMIN)
    assert {r.student.name for r in await ledger.search(session, admin, "小")} == {"小明", "小红", "小刚"}
    assert await ledger.search(session, admin, "%") == []  # LIKE wildcards are literal
    assert await ledger.search(session, await load_actor(session, GRANNY), "小明") == []


async def test_phones_only_for_admin_head_teacher_and_mentor(factory: Factory, session: AsyncSession) -> None:
    scene = await build_scene(factory, session)
    for user_id, shown in ((ADMIN, True), (HEAD, True), (MENTOR, True), (SUBJECT, False)):
        card = await ledger.ledger_card(session, await load_actor(session, user_id), scene.xiaoming.id)
        assert card is not None
        assert card.shows_phones is shown, user_id
        assert (card.parents[0].phone == "+8613900000002") is shown
        assert (card.guardians[0].phone == "+8613800000001") is shown
        text = ledger.card_text(get_translator(), "zh_Hans", card)
        assert ("+8613900000002" in text) is shown
        assert ("电话 （不显示）" in text) is not shown
    assert await ledger.ledger_card(session, await load_actor(session, GRANNY), scene.xiaoming.id) is None


async def test_card_text(factory: Factory, session: AsyncSession) -> None:
    scene = await build_scene(factory, session)
    card = await ledger.ledger_card(session, await load_actor(session, HEAD), scene.xiaoming.id)
    assert card is not None
    text = ledger.card_text(get_translator(), "zh_Hans", card)
    assert text.splitlines() == [
        "📒 小明（阳光小学 3年级1班）",
        "男 · 出生 2017-05-04 · 学籍号 G100000000001 · 在读",
        "类别：留守；家庭困难",
        "外出务工的父母：",
        "· 父亲 张大山，在广东东莞务工，电话 +8613900000002",
        "监护人：",
        "· 奶奶 王奶奶，电话 +8613800000001",
        "帮扶教师：钱老师",
    ]
    other = await ledger.ledger_card(session, await load_actor(session, ADMIN), scene.xiaogang.id)
    assert other is not None
    assert "· ⚠️ 未登记监护人" not in ledger.card_text(get_translator(), "en", other)
    assert "· ⚠️ no guardian recorded" in ledger.card_text(get_translator(), "en", other)


# --------------------------------------------------------------------- timeline


async def test_timeline_newest_first_and_paged(factory: Factory, session: AsyncSession, clock: FakeClock) -> None:
    scene = await build_scene(factory, session)
    xm = scene.xiaoming
    session.add_all([
        mark(xm, date(2026, 10, 12), "sick"), mark(xm, date(2026, 10, 13), "sick"),
        mark(xm, date(2026, 10, 14), "unknown"), mark(xm, date(2026, 10, 15), "late", status="late"),
        mark(xm, date(2026, 11, 2), "unknown"),
    ])
    await session.commit()
    actor = await load_actor(session, HEAD)
    page = await ledger.timeline_page(session, actor, xm.id, 0)
    assert page is not None
    lines = ledger.timeline_text(get_translator(), "zh_Hans", page, TZ).splitlines()
    assert lines == [
        "记录（最新在前，第 1/1 页）：",
        "2026-11-02 📅 2026-11：缺勤 1 天（原因不明 1），迟到 0 次",
        "2026-10-15 📅 2026-10：缺勤 3 天（病假 2；原因不明 1），迟到 1 次",
        "2026-09-01 👵 监护人：奶奶 王奶奶",
    ]
    # Paging: 20 months of absences make 3 pages of 8.
    for month in range(1, 21):
        year, m = 2024 + (month - 1) // 12, (month - 1) % 12 + 1
        session.add(mark(xm, date(year, m, 5)))
    await session.commit()
    first = await ledger.timeline_page(session, actor, xm.id, 0)
    last = await ledger.timeline_page(session, actor, xm.id, 99)
    assert first is not None and last is not None
    assert (first.pages, first.total, len(first.entries)) == (3, 23, 8)
    assert last.page == 2 and len(last.entries) == 7
    assert first.entries[0].at > first.entries[-1].at > last.entries[0].at
    assert await ledger.timeline_page(session, await load_actor(session, GRANNY), xm.id, 0) is None


async def test_dropout_and_status_sources(factory: Factory, session: AsyncSession, clock: FakeClock) -> None:
    from services import dropout
    from services import student_status as status

    scene = await build_scene(factory, session)
    admin = await load_actor(session, ADMIN)
    translator = get_translator()
    case = await dropout.open_case_manually(session, clock, translator, admin, scene.xiaoming.id)
    await dropout.confirm_dropout(session, clock, admin, case.id)
    clock.advance(days=1)
    await status.transfer_out(session, clock, translator, admin, scene.xiaoming.id, destination="县城实验小学",
                              file_pending=True)
    await session.commit()
    entries = await ledger.collect(session, scene.xiaoming.id, since=date(2026, 11, 1))
    texts = [ledger.render_entry(translator, "zh_Hans", e, TZ) for e in entries]
    # Same day: the sources' order (dropout before 学籍); within a source, its own order.
    assert texts == [
        "2026-11-24 📁 辍学个案结案：转学",
        "2026-11-24 🔀 从阳光小学转出到县城实验小学",
        "2026-11-24 📂 档案资料尚未转到",
        "2026-11-23 🚸 辍学个案：已认定辍学",
        "2026-11-23 🚸 建立辍学个案",
    ]


async def test_a_new_source_is_one_line(factory: Factory, session: AsyncSession, monkeypatch) -> None:
    """The seam the visits / contacts features use: a source in SOURCES shows on the
    timeline and fills the spreadsheet's count columns."""
    scene = await build_scene(factory, session)

    async def visits(session, student_id, since, until):  # type: ignore[no-untyped-def]
        if student_id != scene.xiaoming.id:
            return []
        days = [d for d in (date(2026, 10, 8), date(2026, 11, 20)) if (since is None or d >= since)]
        return [LedgerEntry(ledger.local_noon(d, TZ), ledger.KIND_VISIT, "ledger-entry-dropout-visit",
                            {"visitors": "王老师", "result": "ok"}) for d in days]

    monkeypatch.setattr(ledger, "SOURCES", (*ledger.SOURCES, visits))
    page = await ledger.timeline_page(session, await load_actor(session, HEAD), scene.xiaoming.id, 0)
    assert page is not None
    assert "2026-11-20 🚶 走访动员（王老师）：ok" in ledger.timeline_text(get_translator(), "zh_Hans", page, TZ)
    content = await build_ledger(session, factory.clock, ExportScope(scene.school.id, scene.class1.id), "zh_Hans")
    sheet = load_workbook(io.BytesIO(content)).active
    row = [c.value for c in sheet[2]]
    names = [n for n, _ in COLUMNS]
    assert row[names.index("visits")] == 2
    assert row[names.index("last_visit")] == datetime(2026, 11, 20)


# ------------------------------------------------------------------- spreadsheet


async def test_export_class_ledger_row_by_row(factory: Factory, session: AsyncSession, clock: FakeClock) -> None:
    scene = await build_scene(factory, session)
    xm = scene.xiaoming
    session.add_all([mark(xm, date(2026, 10, 12), "sick"), mark(xm, date(2026, 11, 2)),
                     mark(xm, date(2026, 8, 20)),  # before the term: not counted
                     mark(xm, date(2026, 10, 15), "late", status="late")])
    await open_case(session, xm, clock.now() - timedelta(days=2))
    # A former guardian does not show; a student who is not left-behind or has left is not listed.
    ex = await factory.person("前监护人", phone="+8613600000009")
    session.add(StudentGuardian(student_id=xm.id, person_id=ex.id, relation="uncle",
                                started_at=datetime(2026, 1, 1, tzinfo=UTC), ended_at=datetime(2026, 8, 1, tzinfo=UTC)))
    await factory.student(scene.school, scene.class1, "小亮", number="G100000000009")  # not left-behind
    await factory.student(scene.school, scene.class1, "小走", number="G100000000010", is_left_behind=True,
                          status="transferred_out")
    await session.commit()

    content = await build_ledger(session, clock, ExportScope(scene.school.id, scene.class1.id), "zh_Hans")
    book = load_workbook(io.BytesIO(content))
    sheet = book.active
    assert sheet.title == "留守学生台帐"
    assert sheet.freeze_panes == "A2"
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == [
        "姓名", "性别", "出生日期", "班级", "学籍号", "外出父母（关系、务工地点、电话）", "监护人（关系、姓名、电话）",
        "本学期缺勤天数", "辍学风险", "帮扶教师", "本学期家访次数", "最近家访", "本学期联系家长次数", "最近联系",
        "本学期孩子与父母联系（月数）", "最近与父母联系", "本学期放假未确认到家次数", "本学期安全事件",
    ]
    assert rows[1] == [
        "小明", "男", datetime(2017, 5, 4), "3年级1班", "G100000000001",
        "父亲 张大山，广东东莞，+8613900000002", "奶奶 王奶奶，+8613800000001",
        2, "疑似辍学", "钱老师", 0, None, 0, None, 0, None, 0, 0,
    ]
    assert rows[2] == [
        "小红", "女", None, "3年级1班", "G100000000002", "—", "母亲 刘老师，+8613700000003", 0, "—", "⚠️ 无", 0,
        None, 0, None, 0, None, 0, 0,
    ]
    assert len(rows) == 3
    assert sheet.cell(row=2, column=3).is_date and sheet.cell(row=2, column=3).number_format == "yyyy-mm-dd"

    # The whole school, in English: class 2's student too.
    content = await build_ledger(session, clock, ExportScope(scene.school.id), "en")
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(content)).active.iter_rows()]
    assert rows[0][:5] == ["Name", "Gender", "Born", "Class", "Student no."]
    assert [r[0] for r in rows[1:]] == ["小明", "小红", "小刚"]
    assert rows[1][5] == "Father 张大山, 广东东莞, +8613900000002"
    assert rows[1][8] == "Suspected"


async def test_export_scopes(factory: Factory, session: AsyncSession) -> None:
    scene = await build_scene(factory, session)
    assert await export_scopes(session, await load_actor(session, ADMIN)) == [ExportScope(scene.school.id)]
    assert await export_scopes(session, await load_actor(session, HEAD)) == [
        ExportScope(scene.school.id, scene.class1.id)
    ]
    assert await export_scopes(session, await load_actor(session, SUBJECT)) == []
    assert await export_scopes(session, await load_actor(session, GRANNY)) == []
    assert await export_scopes(session, await load_actor(session, BUREAU)) == []


# ------------------------------------------------------------------ command line


async def test_cli_export(
    factory: Factory, session: AsyncSession, db_path, tmp_path, monkeypatch, capsys
) -> None:
    import asyncio

    from bot.cli import main

    await build_scene(factory, session)
    await session.close()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{db_path}")
    monkeypatch.setenv("BOT_TOKEN", "42:TEST")
    monkeypatch.delenv("DEFAULT_LANGUAGE", raising=False)

    def run(*args: str) -> int:
        return main(["ledger", "export", *args])

    out = tmp_path / "class.xlsx"
    code = await asyncio.to_thread(run, "--school", "阳光小学", "--class", "3-1班", str(out))
    assert code == 0, capsys.readouterr().err
    assert f"台帐已写到 {out}（2 名学生）" in capsys.readouterr().out
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert [r[0] for r in rows] == ["姓名", "小明", "小红"]
    out = tmp_path / "school.xlsx"
    assert await asyncio.to_thread(run, "--school", "阳光小学", "--language", "en", str(out)) == 0
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][0] == "Name" and [r[0] for r in rows[1:]] == ["小明", "小红", "小刚"]
    assert await asyncio.to_thread(run, "--school", "阳光小学", "--class", "3年级1班", str(out)) == 0
    assert "（2 名学生）" in capsys.readouterr().out
    assert await asyncio.to_thread(run, "--school", "没有小学", str(out)) == 1
    assert "没有叫“没有小学”的学校。" in capsys.readouterr().err
    assert await asyncio.to_thread(run, "--school", "阳光小学", "--class", "9-9班", str(out)) == 1
    assert "没有“9-9班”这个班" in capsys.readouterr().err
