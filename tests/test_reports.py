"""The report spreadsheets read back: 学生人数统计表 for any day (from the status history),
学生变动情况表 for a span, term compliance per student, class and school; the bureau's
version names nobody but children with an open dropout case; each role gets its own
scope; the command line writes the same files."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AttendanceMark,
    AttendanceSheet,
    HomeReturn,
    HomeVisit,
    MonthlyParentContact,
    ReturnRound,
    School,
    SchoolClass,
    Student,
    StudentMentor,
    TeacherParentContact,
    Term,
)
from locales import get_translator
from services import dropout
from services import student_status as status
from services.access import load_actor
from services.calendar import load_calendar
from services.clock import FakeClock
from services.reports import (
    Period,
    ReportKind,
    ReportScope,
    Rules,
    ScopeKind,
    build_report,
    parse_period,
    report_scopes,
)
from tests.support.factory import Factory

ADMIN, HEAD, BUREAU, GRANNY, SUBJECT, OTHER_ADMIN, OTHER_BUREAU = 7001, 7002, 7003, 7004, 7005, 7006, 7007
TZ = ZoneInfo("Asia/Shanghai")
TERM_START = date(2026, 9, 1)
TODAY = date(2026, 11, 23)
NAMES = ("小明", "小红", "小刚", "小丽", "小华", "小芳", "小军", "小燕", "小新", "小东", "远远")


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ).astimezone(UTC)


@dataclass
class Scene:
    school: School
    hexi: School
    far: School
    c31: SchoolClass
    c32: SchoolClass
    c41: SchoolClass
    s: dict[str, Student]


async def build_scene(factory: Factory, session: AsyncSession, clock: FakeClock) -> Scene:
    translator = get_translator()
    county = await factory.county("清水县")
    school = await factory.school("阳光小学", county)
    hexi = await factory.school("河西小学", county)
    far_county = await factory.county("远山县")
    far = await factory.school("远山小学", far_county)
    session.add(Term(school_id=school.id, name="2026秋季学期", starts_on=TERM_START, ends_on=date(2027, 1, 20),
                     created_at=clock.now()))
    admin = await factory.person("李校长", telegram_user_id=ADMIN)
    await factory.staff(admin, school, is_school_admin=True)
    head = await factory.person("张老师", telegram_user_id=HEAD)
    head_post = await factory.staff(head, school, is_head_teacher=True, is_subject_teacher=True)
    subject = await factory.person("赵老师", telegram_user_id=SUBJECT)
    subject_post = await factory.staff(subject, school, is_subject_teacher=True, is_mentor=True)
    bureau = await factory.person("教育局王科长", telegram_user_id=BUREAU)
    await factory.staff(bureau, county=county, is_bureau_officer=True)
    other_admin = await factory.person("远山校长", telegram_user_id=OTHER_ADMIN)
    await factory.staff(other_admin, far, is_school_admin=True)
    other_bureau = await factory.person("远山县局", telegram_user_id=OTHER_BUREAU)
    await factory.staff(other_bureau, county=far_county, is_bureau_officer=True)
    c31 = await factory.school_class(school, 3, "1班", head_teacher=head_post)
    c32 = await factory.school_class(school, 3, "2班")
    c41 = await factory.school_class(school, 4, "1班")
    s: dict[str, Student] = {}
    for name, cls, fields in (
        ("小明", c31, {"gender": "male", "is_left_behind": True, "is_boarding": True}),
        ("小红", c31, {"gender": "female", "is_left_behind": True}),
        ("小刚", c31, {"gender": "male", "is_migrant": True}),
        ("小丽", c31, {"gender": "female", "is_disabled": True, "has_hardship": True}),
        ("小华", c32, {"gender": "male", "is_left_behind": True}),
        ("小芳", c32, {"gender": "female", "is_boarding": True}),
        ("小军", c41, {"gender": "male"}),
        ("小燕", c41, {"gender": "female", "is_left_behind": True}),
    ):
        s[name] = await factory.student(school, cls, name, **fields)
    s["小东"] = await factory.student(hexi, None, "小东", gender="male")
    s["远远"] = await factory.student(far, None, "远远", gender="male")
    granny = await factory.person("王奶奶", telegram_user_id=GRANNY)
    await factory.guardian_of(s["小明"], granny)
    await session.commit()

    actor = await load_actor(session, ADMIN)
    await status.suspend(session, clock, actor, s["小丽"].id, reason="生病住院", on=date(2026, 10, 15))
    s["小新"] = await status.transfer_in_new(
        session, clock, actor, c32.id, name="小新", student_number="G900000000001", from_school="外县小学",
        on=date(2026, 11, 2),
    )
    await status.transfer_out(session, clock, translator, actor, s["小燕"].id, destination="河西小学",
                              destination_school_id=hexi.id, on=date(2026, 11, 5))
    await status.transfer_out(session, clock, translator, actor, s["小军"].id, destination="县城小学",
                              file_pending=True, on=date(2026, 11, 10))
    # 小刚 dropped out in October and came back; 小华 dropped out in November, still out.
    now = clock.now()
    clock.set(at(date(2026, 10, 19), 10))
    case = await dropout.open_case_manually(session, clock, translator, actor, s["小刚"].id)
    clock.set(now)
    await dropout.confirm_dropout(session, clock, actor, case.id, on=date(2026, 10, 20))
    await dropout.mark_returned(session, clock, actor, case.id, on=date(2026, 11, 16))
    clock.set(at(date(2026, 11, 10), 10))
    case = await dropout.open_case_manually(session, clock, translator, actor, s["小华"].id)
    clock.set(now)
    await dropout.confirm_dropout(session, clock, actor, case.id, on=date(2026, 11, 12))
    await dropout.file_report(session, clock, actor, case.id, reason="厌学", parents="父母在广东打工",
                              home_address="李家村", whereabouts="在家")

    # Monthly contacts: 小明 every month of the term, 小红 September only.
    for month in (date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)):
        session.add(MonthlyParentContact(
            student_id=s["小明"].id, school_id=school.id, month=month, method="phone", when_said="earlier",
            confirmed_by_id=granny.id, confirmed_at=at(month + timedelta(days=9)), created_at=clock.now(),
        ))
    session.add(MonthlyParentContact(
        student_id=s["小红"].id, school_id=school.id, month=date(2026, 9, 1), method="video", when_said="earlier",
        confirmed_by_id=granny.id, confirmed_at=at(date(2026, 9, 20)), created_at=clock.now(),
    ))
    # Teacher–parent contacts: 小明 twice this term (plus one last term, not counted), 小红 once.
    for student, day in (("小明", date(2026, 9, 15)), ("小明", date(2026, 11, 3)), ("小明", date(2026, 6, 1)),
                         ("小红", date(2026, 10, 8))):
        session.add(TeacherParentContact(
            student_id=s[student].id, school_id=school.id, contacted_on=day, method="phone",
            recorded_by_id=head.id, recorded_at=at(day), created_at=clock.now(),
        ))
    # Two Friday releases: 小明 home both times (once by phone), 小红 once.
    for day, answers in ((date(2026, 11, 13), {"小明": "by_phone", "小红": "arrived"}),
                         (date(2026, 11, 20), {"小明": "arrived", "小红": "waiting"})):
        rnd = ReturnRound(school_id=school.id, release_day=day, kind="weekend", released_at=at(day, 16),
                          deadline_at=at(day, 20), back_on=day + timedelta(days=3), created_at=at(day, 16))
        session.add(rnd)
        await session.flush()
        for name, answer in answers.items():
            session.add(HomeReturn(round_id=rnd.id, student_id=s[name].id, class_id=c31.id, status=answer, asked=1))
    session.add(HomeVisit(student_id=s["小红"].id, school_id=school.id, visited_by_id=head.id,
                          visited_on=date(2026, 11, 5), form="in_person", purpose="routine", met="guardian",
                          recorded_at=at(date(2026, 11, 5))))
    session.add(StudentMentor(student_id=s["小明"].id, staff_id=subject_post.id, started_at=at(date(2026, 9, 1))))
    # Attendance: 小红 absent 7 school days (chronic), 小明 1; a mark without a sheet does not count.
    absent = {"小红": [date(2026, 10, d) for d in (12, 13, 14, 15, 16, 19, 20)], "小明": [date(2026, 10, 12)]}
    for day in sorted({d for ds in absent.values() for d in ds}):
        session.add(AttendanceSheet(class_id=c31.id, school_id=school.id, day=day, submitted_at=at(day, 9)))
    for name, ds in absent.items():
        for day in ds:
            session.add(AttendanceMark(student_id=s[name].id, class_id=c31.id, school_id=school.id, day=day,
                                       status="absent", reason="sick", source="teacher", recorded_at=at(day, 9)))
    session.add(AttendanceMark(student_id=s["小明"].id, class_id=c31.id, school_id=school.id, day=date(2026, 11, 2),
                               status="absent", reason="sick", source="teacher", recorded_at=at(date(2026, 11, 2))))
    await session.commit()
    return Scene(school, hexi, far, c31, c32, c41, s)


def sheets(content: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(content))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def school_scope(scene: Scene) -> ReportScope:
    return ReportScope(ScopeKind.SCHOOL, (scene.school.id,), "阳光小学")


def county_scope(scene: Scene) -> ReportScope:
    return ReportScope(ScopeKind.COUNTY, (scene.school.id, scene.hexi.id), "清水县", county_id=scene.school.county_id)


async def report(session: AsyncSession, kind: ReportKind, scope: ReportScope, start: date, end: date,
                 lang: str = "zh_Hans") -> dict[str, list[tuple]]:
    return sheets(await build_report(session, get_translator(), lang, kind, scope, Period(start, end), Rules()))


def by_class(rows: list[tuple]) -> dict[str, tuple]:
    return {r[2]: r[3:] for r in rows[2:] if r[1] != "" and r[2] not in (None, "小计", "合计")}


# ------------------------------------------------------------------ counts


async def test_counts_today_by_class_gender_and_category(factory: Factory, session: AsyncSession, clock) -> None:
    scene = await build_scene(factory, session, clock)
    book = await report(session, ReportKind.COUNTS, school_scope(scene), TODAY, TODAY)
    [(title, rows)] = book.items()
    assert title == "学生人数统计表"
    assert rows[0][0] == "阳光小学 学生人数统计表（截至 2026-11-23）"
    assert rows[1] == ("学校", "年级", "班级", "在籍人数", "男", "女", "在校", "休学", "留守儿童",
                       "进城务工人员随迁子女", "残疾学生", "家庭经济困难", "寄宿生")
    classes = by_class(rows)
    #                                total m  f  at school  susp  lb mig dis hard board
    assert classes["3年级1班"] == (4, 2, 2, 3, 1, 2, 1, 1, 1, 1)
    assert classes["3年级2班"] == (3, 1, 1, 3, 0, 1, 0, 0, 0, 1)  # 小新 came in, no gender recorded
    assert classes["4年级1班"] == (0,) * 10  # 小军 out of the system, 小燕 to 河西小学
    subtotal = next(r for r in rows if r[1] == "3年级" and r[2] == "小计")
    assert subtotal[3:] == (7, 3, 3, 6, 1, 3, 1, 1, 1, 2)
    assert rows[-1][2] == "合计" and rows[-1][3] == 7
    load = load_workbook(io.BytesIO(await build_report(
        session, get_translator(), "zh_Hans", ReportKind.COUNTS, school_scope(scene), Period(TODAY, TODAY))))
    assert load.active.freeze_panes == "A3"


async def test_counts_on_an_earlier_day_follow_the_status_history(
    factory: Factory, session: AsyncSession, clock
) -> None:
    scene = await build_scene(factory, session, clock)
    day = date(2026, 10, 1)
    rows = (await report(session, ReportKind.COUNTS, school_scope(scene), day, day))["学生人数统计表"]
    classes = by_class(rows)
    assert classes["3年级1班"][:5] == (4, 2, 2, 4, 0)  # 小丽 not yet suspended
    assert classes["3年级2班"][:3] == (2, 1, 1)  # 小新 not here yet
    assert classes["4年级1班"][:3] == (2, 1, 1)  # 小军 and 小燕 still here
    assert rows[-1][3] == 8
    # The receiving school counts 小燕 from the transfer on, without a class yet.
    hexi = ReportScope(ScopeKind.SCHOOL, (scene.hexi.id,), "河西小学")
    assert (await report(session, ReportKind.COUNTS, hexi, day, day))["学生人数统计表"][-1][3] == 1
    rows = (await report(session, ReportKind.COUNTS, hexi, TODAY, TODAY))["学生人数统计表"]
    assert rows[-1][3] == 2 and by_class(rows)["未分班"][:3] == (2, 1, 1)  # 小东 and 小燕


async def test_counts_on_an_earlier_day_follow_the_census_history_of_left_behind(
    factory: Factory, session: AsyncSession, clock
) -> None:
    from services import census

    scene = await build_scene(factory, session, clock)
    head = await load_actor(session, HEAD)
    # 10 November, 10:00 Beijing: 小明's parents came home; on the 20th 小刚's father went
    # away to work.
    clock.set(datetime(2026, 11, 10, 2, 0, tzinfo=UTC))
    await census.mark_not_left_behind(session, clock, head, scene.s["小明"].id)
    clock.set(datetime(2026, 11, 20, 2, 0, tzinfo=UTC))
    await census.mark_left_behind(session, clock, head, scene.s["小刚"].id, ["father"], "广东东莞")
    await session.commit()

    async def left_behind_on(day: date) -> int:
        rows = (await report(session, ReportKind.COUNTS, school_scope(scene), day, day))["学生人数统计表"]
        return by_class(rows)["3年级1班"][5]

    before = date(2026, 11, 9)
    assert await left_behind_on(before) == 2  # 小明 and 小红, as the flags were then
    assert await left_behind_on(date(2026, 11, 10)) == 1  # the change was that morning: 小红
    assert await left_behind_on(date(2026, 11, 19)) == 1
    assert await left_behind_on(TODAY) == 2  # 小红 and 小刚
    # Term compliance: up to the 9th 小明 is left-behind with months of parent contact due;
    # up to today he is not (and owes none).
    book = await report(session, ReportKind.COMPLIANCE, school_scope(scene), before, before)
    xiaoming = next(r for r in book["学生"][2:] if r[0] == "小明")
    assert (xiaoming[2], xiaoming[5]) == ("是", 3)
    book = await report(session, ReportKind.COMPLIANCE, school_scope(scene), TODAY, TODAY)
    students = {r[0]: r for r in book["学生"][2:]}
    assert (students["小明"][2], students["小明"][5]) == (None, None)
    assert (students["小刚"][2], students["小刚"][5]) == ("是", 3)


async def test_counts_in_english(factory: Factory, session: AsyncSession, clock) -> None:
    scene = await build_scene(factory, session, clock)
    book = await report(session, ReportKind.COUNTS, school_scope(scene), TODAY, TODAY, lang="en")
    [(title, rows)] = book.items()
    assert title == "Student counts"
    assert rows[1][:5] == ("School", "Grade", "Class", "On the books", "Boys")
    assert rows[-1][2] == "Total" and rows[-1][3] == 7


# ------------------------------------------------------------------ changes


async def test_change_table_lists_every_change_with_reasons(factory: Factory, session: AsyncSession, clock) -> None:
    scene = await build_scene(factory, session, clock)
    book = await report(session, ReportKind.CHANGES, school_scope(scene), TERM_START, TODAY)
    assert list(book) == ["学生变动情况表", "变动汇总"]
    rows = book["学生变动情况表"]
    assert rows[1] == ("序号", "日期", "变动类别", "姓名", "性别", "学籍号", "学校", "班级", "变动原因",
                       "转入/转出学校", "档案待转")
    got = [(r[1].date(), r[2], r[3], r[7], r[8], r[9], r[10]) for r in rows[2:]]
    assert got == [
        (date(2026, 10, 15), "休学", "小丽", "3年级1班", "生病住院", None, None),
        (date(2026, 10, 20), "辍学", "小刚", "3年级1班", None, None, None),
        (date(2026, 11, 2), "转入", "小新", "3年级2班", None, "外县小学", None),
        (date(2026, 11, 5), "转出", "小燕", "4年级1班", None, "河西小学", None),
        (date(2026, 11, 10), "转出", "小军", "4年级1班", None, "县城小学", "是"),
        (date(2026, 11, 12), "辍学", "小华", "3年级2班", "厌学", None, None),
        (date(2026, 11, 16), "辍学返校", "小刚", "3年级1班", None, None, None),
    ]
    assert isinstance(rows[2][1], datetime)  # a real date, not text
    summary = book["变动汇总"]
    assert summary[1] == ("年级", "期初在校人数", "转入", "复学", "辍学返校", "转出", "休学", "辍学", "毕业",
                          "期末在校人数")
    assert summary[2] == ("3年级", 6, 1, 0, 1, 0, 1, 2, 0, 6)
    assert summary[3] == ("4年级", 2, 0, 0, 0, 2, 0, 0, 0, 0)
    assert summary[4] == ("合计", 8, 1, 0, 1, 2, 1, 2, 0, 6)
    # One month only: November.
    rows = (await report(session, ReportKind.CHANGES, school_scope(scene), date(2026, 11, 1), date(2026, 11, 30)))
    assert [r[3] for r in rows["学生变动情况表"][2:]] == ["小新", "小燕", "小军", "小华", "小刚"]


# ------------------------------------------------------------------ compliance


async def test_compliance_per_student_class_and_school(factory: Factory, session: AsyncSession, clock) -> None:
    scene = await build_scene(factory, session, clock)
    book = await report(session, ReportKind.COMPLIANCE, school_scope(scene), TODAY, TODAY)
    assert list(book) == ["学生", "班级", "学校"]
    students = {r[0]: r for r in book["学生"][2:]}
    assert set(students) == {"小明", "小红", "小刚", "小华", "小芳", "小新"}  # 小丽 suspended, two gone
    school_days = len((await load_calendar(session, scene.school.id)).school_days(TERM_START, TODAY))
    assert school_days == 60
    #  name class lb boarding months(conf,due) returns(conf,asked) contacts ok visits mentor days absent rate chronic
    assert students["小明"][2:] == ("是", "是", 3, 3, 2, 2, 2, "是", 0, "是", 60, 1, 59 / 60, None)
    assert students["小红"][2:] == ("是", None, 1, 3, 1, 2, 1, "否", 1, "否", 60, 7, 53 / 60, "是")
    assert students["小刚"][2:] == (None, None, None, None, 0, 0, None, None, 0, None, 60, 0, 1.0, None)
    assert students["小华"][4:10] == (0, 3, 0, 0, 0, "否")
    classes = {r[1]: r[2:] for r in book["班级"][2:]}
    assert classes["3年级1班"] == (3, 2, 4, 6, 4 / 6, 3, 4, 3 / 4, 1, 0.5, 1, 1, 1, 0.5, 172 / 180, 1)
    [school] = book["学校"][2:]
    assert school[0] == "阳光小学" and school[1] == "2026秋季学期（2026-09-01 至 2026-11-23）"
    assert school[2:] == (6, 3, 4, 9, 4 / 9, 3, 4, 3 / 4, 1, 1 / 3, 1, 1, 1, 1 / 3, 352 / 360, 1)
    load = load_workbook(io.BytesIO(await build_report(
        session, get_translator(), "zh_Hans", ReportKind.COMPLIANCE, school_scope(scene), Period(TODAY, TODAY))))
    assert load["学生"]["O3"].number_format == "0.0%"


async def test_compliance_required_contacts_is_a_setting(factory: Factory, session: AsyncSession, clock) -> None:
    scene = await build_scene(factory, session, clock)
    content = await build_report(session, get_translator(), "zh_Hans", ReportKind.COMPLIANCE, school_scope(scene),
                                 Period(TODAY, TODAY), Rules(required_contacts=1))
    students = {r[0]: r for r in sheets(content)["学生"][2:]}
    assert students["小红"][9] == "是" and students["小华"][9] == "否"


# ------------------------------------------------------------------ bureau and roles


def all_text(book: dict[str, list[tuple]]) -> str:
    return "\n".join(str(v) for rows in book.values() for row in rows for v in row if v is not None)


async def test_bureau_version_names_only_children_with_an_open_case(
    factory: Factory, session: AsyncSession, clock
) -> None:
    scene = await build_scene(factory, session, clock)
    scope = county_scope(scene)
    counts = await report(session, ReportKind.COUNTS, scope, TODAY, TODAY)
    rows = counts["学生人数统计表"]
    assert rows[1][:2] == ("学校", "在籍人数")
    assert [r[:2] for r in rows[2:]] == [("河西小学", 2), ("阳光小学", 7), ("合计", 9)]
    changes = await report(session, ReportKind.CHANGES, scope, TERM_START, TODAY)
    assert [r[3] for r in changes["学生变动情况表"][2:]] == ["小华"]  # open dropout case: may be named
    summary = changes["变动汇总"]
    assert summary[1][0] == "学校" and [r[0] for r in summary[2:]] == ["河西小学", "阳光小学", "合计"]
    assert summary[3][1:] == (8, 1, 0, 1, 2, 1, 2, 0, 6)
    compliance = await report(session, ReportKind.COMPLIANCE, scope, TODAY, TODAY)
    assert list(compliance) == ["学校", "需关注学生"]
    assert [r[0] for r in compliance["学校"][2:]] == ["河西小学", "阳光小学", "合计"]
    assert [r[:2] for r in compliance["需关注学生"][2:]] == [("小华", "阳光小学")]
    for book in (counts, changes, compliance):
        text = all_text(book)
        for name in NAMES:
            if name != "小华":
                assert name not in text, name


async def test_each_role_gets_its_own_scope(factory: Factory, session: AsyncSession, clock) -> None:
    scene = await build_scene(factory, session, clock)
    translator = get_translator()

    async def scopes(user: int) -> list[ReportScope]:
        return await report_scopes(session, await load_actor(session, user), translator, "zh_Hans")

    [admin] = await scopes(ADMIN)
    assert (admin.kind, admin.school_ids, admin.class_ids) == (ScopeKind.SCHOOL, (scene.school.id,), None)
    [bureau] = await scopes(BUREAU)
    assert bureau.bureau and set(bureau.school_ids) == {scene.school.id, scene.hexi.id}
    assert scene.far.id not in bureau.school_ids
    [head] = await scopes(HEAD)
    assert head.kind == ScopeKind.CLASSES and head.class_ids == (scene.c31.id,) and head.name == "阳光小学 3年级1班"
    assert await scopes(GRANNY) == [] and await scopes(SUBJECT) == [] and await scopes(424242) == []
    [far] = await scopes(OTHER_ADMIN)
    assert far.school_ids == (scene.far.id,)
    # The head teacher's tables hold their class only.
    book = await report(session, ReportKind.COMPLIANCE, head, TODAY, TODAY)
    assert sorted(r[0] for r in book["学生"][2:]) == sorted(["小明", "小红", "小刚"])
    assert [r[1] for r in book["班级"][2:]] == ["3年级1班"]
    counts = (await report(session, ReportKind.COUNTS, head, TODAY, TODAY))["学生人数统计表"]
    assert [r[2] for r in counts[2:]] == ["3年级1班", "合计"] and counts[-1][3] == 4
    changes = (await report(session, ReportKind.CHANGES, head, TERM_START, TODAY))["学生变动情况表"]
    assert {r[3] for r in changes[2:]} == {"小丽", "小刚"}
    assert "小华" not in all_text(await report(session, ReportKind.CHANGES, head, TERM_START, TODAY))


def test_typed_periods() -> None:
    assert parse_period("2026-10-01", TODAY) == Period(date(2026, 10, 1), date(2026, 10, 1))
    assert parse_period("2026/9/1 2026.11.20", TODAY) == Period(date(2026, 9, 1), date(2026, 11, 20))
    assert parse_period("2026-09-01 至 2026-11-20", TODAY) == Period(date(2026, 9, 1), date(2026, 11, 20))
    assert parse_period("2026年9月1日", TODAY) == Period(date(2026, 9, 1), date(2026, 9, 1))
    for bad in ("明天", "2026-02-30", "2026-11-24", "2026-11-20 2026-09-01", "", None):
        assert parse_period(bad, TODAY) is None, bad


# ------------------------------------------------------------------ command line


async def test_cli_report(factory: Factory, session: AsyncSession, clock, db_path, tmp_path, monkeypatch, capsys) -> None:
    from bot.cli import main

    await build_scene(factory, session, clock)
    await session.close()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{db_path}")
    monkeypatch.setenv("BOT_TOKEN", "42:TEST")
    monkeypatch.delenv("DEFAULT_LANGUAGE", raising=False)

    def run(*args: str) -> int:
        return main(["report", *args])

    out = tmp_path / "counts.xlsx"
    code = await asyncio.to_thread(run, "counts", "--school", "阳光小学", "--date", "2026-10-01", "--file", str(out))
    assert code == 0, capsys.readouterr().err
    assert f"已保存 {out}（学生人数统计表，2026-10-01 至 2026-10-01）" in capsys.readouterr().out
    assert sheets(out.read_bytes())["学生人数统计表"][-1][3] == 8
    out = tmp_path / "changes.xlsx"
    code = await asyncio.to_thread(run, "changes", "--school", "阳光小学", "--county", "清水县", "--from", "2026-09-01",
                                   "--to", "2026-11-23", "--file", str(out), "--lang", "en")
    assert code == 0, capsys.readouterr().err
    book = sheets(out.read_bytes())
    assert list(book) == ["Student changes", "Summary"] and len(book["Student changes"]) == 9
    out = tmp_path / "county.xlsx"
    code = await asyncio.to_thread(run, "compliance", "--county", "清水县", "--term", "2026秋季学期", "--file", str(out))
    assert code == 0, capsys.readouterr().err
    book = sheets(out.read_bytes())
    assert list(book) == ["学校", "需关注学生"] and "小明" not in all_text(book)
    for args, error in (
        (("counts", "--school", "没有小学", "--file", str(out)), "没找到学校“没有小学”。"),
        (("counts", "--county", "没有县", "--file", str(out)), "没找到县“没有县”。"),
        (("counts", "--file", str(out)), "请写 --school"),
        (("counts", "--school", "阳光小学", "--term", "春季", "--file", str(out)), "没找到学期“春季”。"),
        (("counts", "--school", "阳光小学", "--date", "2026-13-01", "--file", str(out)), "日期不对"),
        (("changes", "--school", "阳光小学", "--from", "2026-11-01", "--file", str(out)), "--from 和 --to"),
    ):
        assert await asyncio.to_thread(run, *args) == 1
        assert error in capsys.readouterr().err
