"""控辍保学 rules without the chat: when a case opens by itself, the order of its stages,
the overdue reminder, and the registers read back from the spreadsheet."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from db.models import (
    AttendanceMark,
    AttendanceSheet,
    AuditEntry,
    AwayParent,
    County,
    DropoutCase,
    DropoutCaseEvent,
    OutboxMessage,
    Person,
    School,
    SchoolClass,
    Student,
    Term,
)
from locales import get_translator
from scheduler import JobContext
from scheduler import dropout as jobs
from services import dropout as service
from services.access import load_actor
from services.calendar import load_calendar
from services.clock import FakeClock
from services.dropout import DropoutError
from services.dropout_registers import Month, RegisterScope, build_registers
from tests.support.factory import Factory

ADMIN = 100
HEAD = 300
OTHER_HEAD = 310
OTHER_ADMIN = 400
BUREAU = 500
OTHER_BUREAU = 510
GRANNY = 201

MON = date(2026, 11, 23)  # the test clock's day
THU, FRI = date(2026, 11, 19), date(2026, 11, 20)
EVENING = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # 18:00 in Asia/Shanghai


@dataclass
class Scene:
    county: County
    school: School
    other_school: School
    class1: SchoolClass
    class2: SchoolClass
    xiaoming: Student  # class 1, granny's grandson
    xiaohong: Student  # class 1
    xiaogang: Student  # class 2
    xiaojun: Student  # the other school
    admin: Person
    head: Person
    granny: Person


async def build_scene(factory: Factory, session: AsyncSession) -> Scene:
    county = await factory.county("清水县")
    school = await factory.school("阳光小学", county)
    other_school = await factory.school("河西小学")
    now = factory.clock.now()
    session.add(Term(school_id=school.id, name="2026秋", starts_on=date(2026, 9, 1), ends_on=date(2027, 1, 20), created_at=now))

    admin = await factory.person("李校长", telegram_user_id=ADMIN)
    await factory.staff(admin, school, is_school_admin=True)
    head = await factory.person("王老师", telegram_user_id=HEAD)
    head_post = await factory.staff(head, school, is_head_teacher=True, is_subject_teacher=True)
    other_head = await factory.person("赵老师", telegram_user_id=OTHER_HEAD)
    other_head_post = await factory.staff(other_head, school, is_head_teacher=True)
    other_admin = await factory.person("周校长", telegram_user_id=OTHER_ADMIN, language="en")
    await factory.staff(other_admin, other_school, is_school_admin=True)
    bureau = await factory.person("陈科长", telegram_user_id=BUREAU)
    await factory.staff(bureau, county=county, is_bureau_officer=True)
    other_bureau = await factory.person("吴科长", telegram_user_id=OTHER_BUREAU)
    await factory.staff(other_bureau, county=await factory.county("远山县"), is_bureau_officer=True)

    class1 = await factory.school_class(school, grade=3, name="1班", head_teacher=head_post)
    class2 = await factory.school_class(school, grade=4, name="2班", head_teacher=other_head_post)
    xiaoming = await factory.student(school, class1, "小明", home_address="清水村3组12号")
    xiaohong = await factory.student(school, class1, "小红")
    xiaogang = await factory.student(school, class2, "小刚")
    xiaojun = await factory.student(other_school, None, "小军")
    granny = await factory.person("王奶奶", phone="+8613800000001", telegram_user_id=GRANNY)
    await factory.guardian_of(xiaoming, granny)
    session.add(
        AwayParent(student_id=xiaoming.id, relation="father", name="张大山", phone="+8613900000002",
                   work_place="广东东莞", created_at=now)
    )
    await session.commit()
    return Scene(county, school, other_school, class1, class2, xiaoming, xiaohong, xiaogang, xiaojun,
                 admin, head, granny)


async def sheet(session: AsyncSession, school_class: SchoolClass, day: date) -> None:
    found = await session.scalar(
        select(AttendanceSheet).where(AttendanceSheet.class_id == school_class.id, AttendanceSheet.day == day)
    )
    if found is None:
        session.add(
            AttendanceSheet(class_id=school_class.id, school_id=school_class.school_id, day=day,
                            submitted_at=datetime(2026, 11, 1, tzinfo=UTC))
        )
        await session.flush()


async def absent(
    session: AsyncSession, student: Student, day: date, reason: str = "unknown", *, with_sheet: bool = True
) -> AttendanceMark:
    school_class = await session.get(SchoolClass, student.class_id)
    assert school_class is not None
    if with_sheet:
        await sheet(session, school_class, day)
    mark = AttendanceMark(
        student_id=student.id, class_id=student.class_id, school_id=student.school_id, day=day,
        status="absent", reason=reason, source="teacher", recorded_at=datetime(2026, 11, 1, tzinfo=UTC),
    )
    session.add(mark)
    await session.flush()
    return mark


def job_context(session_pool: async_sessionmaker[AsyncSession], clock: FakeClock, settings: Settings) -> JobContext:
    return JobContext(session_pool, clock, settings, get_translator())


async def cases(session_pool: async_sessionmaker[AsyncSession]) -> list[DropoutCase]:
    async with session_pool() as s:
        return list(await s.scalars(select(DropoutCase).order_by(DropoutCase.id)))


async def outbox(session_pool: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with session_pool() as s:
        return list(await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


# --------------------------------------------------------------- automatic opening


async def test_three_unexplained_days_across_a_weekend_open_one_case_and_tell_the_staff(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings: Settings
) -> None:
    scene = await build_scene(factory, session)
    for day in (THU, FRI, MON):  # Thursday, Friday, (weekend), Monday
        await absent(session, scene.xiaoming, day)
    await absent(session, scene.xiaohong, MON)  # one day is not a pattern
    await sheet(session, scene.class1, date(2026, 11, 18))
    await session.commit()
    clock.set(EVENING)

    assert await jobs.open_cases(job_context(session_pool, clock, settings)) == 1
    [case] = await cases(session_pool)
    assert (case.student_id, case.stage, case.trigger) == (scene.xiaoming.id, "suspected", "consecutive")
    assert case.school_id == scene.school.id and case.opened_by_id is None
    async with session_pool() as s:
        [event] = list(await s.scalars(select(DropoutCaseEvent)))
    assert (event.kind, event.to_stage, event.happened_on) == ("opened", "suspected", MON)
    assert event.note == "2026-11-19, 2026-11-20, 2026-11-23"

    rows = await outbox(session_pool)
    assert sorted(r.person_id for r in rows) == sorted([scene.head.id, scene.admin.id])
    assert {r.dedup_key for r in rows} == {
        f"dropout-opened:{case.id}:to:{scene.head.id}", f"dropout-opened:{case.id}:to:{scene.admin.id}"
    }
    assert all(r.priority == 5 and r.kind == "dropout-opened" for r in rows)
    text = rows[0].payload["text"]
    assert "小明（阳光小学 3年级1班）连续 3 个上学日无故缺勤（2026-11-19, 2026-11-20, 2026-11-23）" in text
    assert rows[0].payload["buttons"] == [[{"text": "查看个案", "callback_data": f"dcase:{case.id}"}]]

    # Again, and the next evening: still one case, no second message.
    assert await jobs.open_cases(job_context(session_pool, clock, settings)) == 0
    clock.advance(days=1)
    assert await jobs.open_cases(job_context(session_pool, clock, settings)) == 0
    assert len(await cases(session_pool)) == 1
    assert len(await outbox(session_pool)) == 2


@pytest.mark.parametrize(
    "case_",
    ["one day explained", "one day without a sheet", "only two days", "a present day between"],
)
async def test_no_case_when_the_run_is_broken(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings: Settings, case_: str
) -> None:
    scene = await build_scene(factory, session)
    if case_ == "one day explained":
        await absent(session, scene.xiaoming, THU)
        await absent(session, scene.xiaoming, FRI, reason="sick")
        await absent(session, scene.xiaoming, MON)
    elif case_ == "one day without a sheet":
        await absent(session, scene.xiaoming, THU)
        await absent(session, scene.xiaoming, FRI, with_sheet=False)  # the guardian said so; nobody counted
        await absent(session, scene.xiaoming, MON)
    elif case_ == "only two days":
        await absent(session, scene.xiaoming, FRI)
        await absent(session, scene.xiaoming, MON)
    else:
        await absent(session, scene.xiaoming, date(2026, 11, 18))
        await absent(session, scene.xiaoming, THU)
        await sheet(session, scene.class1, FRI)  # counted, and he was there
        await absent(session, scene.xiaoming, MON)
    await session.commit()
    clock.set(EVENING)
    assert await jobs.open_cases(job_context(session_pool, clock, settings)) == 0
    assert await cases(session_pool) == []
    assert await outbox(session_pool) == []


async def test_a_run_that_ended_yesterday_is_found_before_todays_sheet(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings: Settings
) -> None:
    """Start-up catch-up on Monday morning: Wed–Fri were missed while the bot was down."""
    scene = await build_scene(factory, session)
    for day in (date(2026, 11, 18), THU, FRI):
        await absent(session, scene.xiaogang, day)
    await session.commit()
    assert await jobs.open_cases(job_context(session_pool, clock, settings)) == 1
    [case] = await cases(session_pool)
    assert case.student_id == scene.xiaogang.id


async def test_term_ratio_opens_a_case_at_ten_percent_of_the_terms_school_days(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings: Settings
) -> None:
    scene = await build_scene(factory, session)
    calendar = await load_calendar(session, scene.school.id)
    total = len(calendar.term_school_days(MON))
    threshold = -(-total // 10)
    # Scattered absences with reasons (never three unexplained in a row).
    days = [d for d in calendar.school_days(date(2026, 9, 1), MON)][::3][:threshold]
    for day in days[:-1]:
        await absent(session, scene.xiaohong, day, reason="sick")
    await session.commit()
    clock.set(EVENING)
    assert await jobs.open_cases(job_context(session_pool, clock, settings)) == 0

    await absent(session, scene.xiaohong, days[-1], reason="personal")
    await session.commit()
    assert await jobs.open_cases(job_context(session_pool, clock, settings)) == 1
    [case] = await cases(session_pool)
    assert (case.student_id, case.trigger) == (scene.xiaohong.id, "term_ratio")
    rows = await outbox(session_pool)
    assert f"本学期已缺勤 {threshold} 天（本学期共 {total} 个上学日）" in rows[0].payload["text"]


async def test_a_returned_student_is_not_reopened_for_old_absences(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings: Settings
) -> None:
    scene = await build_scene(factory, session)
    for day in (THU, FRI, MON):
        await absent(session, scene.xiaoming, day)
    await session.commit()
    clock.set(EVENING)
    await jobs.open_cases(job_context(session_pool, clock, settings))
    [case] = await cases(session_pool)
    actor = await load_actor(session, HEAD)
    await service.mark_returned(session, clock, actor, case.id)
    await session.commit()

    clock.advance(days=1)
    assert await jobs.open_cases(job_context(session_pool, clock, settings)) == 0
    # Three new unexplained days do open a new case.
    for day in (date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26)):
        await absent(session, scene.xiaoming, day)
    await session.commit()
    clock.set(datetime(2026, 11, 26, 10, 0, tzinfo=UTC))
    assert await jobs.open_cases(job_context(session_pool, clock, settings)) == 1
    assert [c.ended_at is None for c in await cases(session_pool)] == [False, True]


async def test_the_unique_index_allows_one_open_case_per_student(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    actor = await load_actor(session, ADMIN)
    translator = get_translator()
    await service.open_case_manually(session, clock, translator, actor, scene.xiaoming.id)
    with pytest.raises(DropoutError) as error:
        await service.open_case_manually(session, clock, translator, actor, scene.xiaoming.id)
    assert error.value.key == "dropout-already-open"
    # Even going around the check, the database keeps one.
    inserted = await service._insert_case(
        session, clock, student_id=scene.xiaoming.id, school_id=scene.school.id,
        trigger=service.DropoutTrigger.MANUAL, opened_by_id=None, on=MON, note=None,
    )
    assert inserted is None
    assert await session.scalar(select(func.count()).select_from(DropoutCase)) == 1


# ------------------------------------------------------------------ stage order


async def test_only_the_next_stage_and_ending_from_any_open_stage(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    actor = await load_actor(session, HEAD)
    translator = get_translator()
    case = await service.open_case_manually(session, clock, translator, actor, scene.xiaoming.id)

    for to_stage in ("reported", "persuading", "enforcing", "suspected"):
        with pytest.raises(DropoutError) as error:
            await service.advance(session, clock, actor, case.id, service.DropoutStage(to_stage))
        assert error.value.key == "dropout-illegal-step"
    with pytest.raises(DropoutError):
        await service.log_visit(session, clock, actor, case.id, visitors="a", said="b", result="c")
    with pytest.raises(DropoutError) as error:
        await service.file_report(session, clock, actor, case.id, reason="r", parents="p", home_address="a",
                                  whereabouts="w", expected_stage=None)
    assert error.value.key == "dropout-illegal-step"
    assert case.stage == "suspected"

    await service.confirm_dropout(session, clock, actor, case.id)
    with pytest.raises(DropoutError) as error:  # the screen still showed "suspected"
        await service.confirm_dropout(session, clock, actor, case.id)
    assert error.value.key == "dropout-stage-changed"
    with pytest.raises(DropoutError) as error:
        await service.confirm_dropout(session, clock, actor, case.id, on=MON + timedelta(days=1))
    assert error.value.key in {"dropout-stage-changed", "dropout-date-future"}

    await service.close_case(session, clock, actor, case.id, outcome="moved_away", note="随父母去了广东")
    assert (case.stage, case.outcome, case.close_reason) == ("closed", "moved_away", "随父母去了广东")
    with pytest.raises(DropoutError) as error:
        await service.mark_returned(session, clock, actor, case.id)
    assert error.value.key == "dropout-case-ended"


async def test_other_outcome_needs_a_note_and_dates_are_checked(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    actor = await load_actor(session, ADMIN)
    case = await service.open_case_manually(session, clock, get_translator(), actor, scene.xiaogang.id)
    with pytest.raises(DropoutError) as error:
        await service.close_case(session, clock, actor, case.id, outcome="other")
    assert error.value.key == "dropout-text-empty"
    with pytest.raises(DropoutError) as error:
        await service.close_case(session, clock, actor, case.id, outcome="expelled", note="x")
    assert error.value.key == "dropout-bad-outcome"
    with pytest.raises(DropoutError) as error:
        await service.mark_returned(session, clock, actor, case.id, on=MON - timedelta(days=1))
    assert error.value.key == "dropout-date-before-open"
    with pytest.raises(DropoutError) as error:
        await service.mark_returned(session, clock, actor, case.id, on=MON + timedelta(days=1))
    assert error.value.key == "dropout-date-future"
    assert case.ended_at is None


async def test_others_cannot_act_on_a_case(factory: Factory, session: AsyncSession, clock: FakeClock) -> None:
    scene = await build_scene(factory, session)
    case = await service.open_case_manually(
        session, clock, get_translator(), await load_actor(session, HEAD), scene.xiaoming.id
    )
    for user_id in (OTHER_HEAD, OTHER_ADMIN, GRANNY, BUREAU):
        actor = await load_actor(session, user_id)
        with pytest.raises(DropoutError) as error:
            await service.confirm_dropout(session, clock, actor, case.id)
        assert error.value.key == "dropout-not-allowed"
    assert await service.can_view(session, await load_actor(session, BUREAU), case.id)
    for user_id in (OTHER_HEAD, OTHER_ADMIN, GRANNY, OTHER_BUREAU):
        assert not await service.can_view(session, await load_actor(session, user_id), case.id)
    with pytest.raises(DropoutError):
        await service.open_case_manually(
            session, clock, get_translator(), await load_actor(session, OTHER_HEAD), scene.xiaohong.id
        )
    assert case.stage == "suspected"


async def test_parse_day() -> None:
    assert service.parse_day("2026-11-20") == date(2026, 11, 20)
    assert service.parse_day(" 2026/11/5 ") == date(2026, 11, 5)
    assert service.parse_day("2026-02-30") is None
    assert service.parse_day("yesterday") is None


# --------------------------------------------------------------------- overdue


async def test_a_case_stuck_in_a_stage_reminds_once(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings: Settings
) -> None:
    scene = await build_scene(factory, session)
    case = await service.open_case_manually(
        session, clock, get_translator(), await load_actor(session, HEAD), scene.xiaoming.id
    )
    await session.commit()
    ctx = job_context(session_pool, clock, settings)
    before = len(await outbox(session_pool))  # the admin was told of the new case

    clock.advance(days=7)
    assert await jobs.overdue_reminders(ctx) == 0  # seven days is not more than seven
    clock.advance(days=1)
    assert await jobs.overdue_reminders(ctx) == 2
    assert await jobs.overdue_reminders(ctx) == 0
    clock.advance(days=1)
    assert await jobs.overdue_reminders(ctx) == 0
    rows = (await outbox(session_pool))[before:]
    assert {r.dedup_key for r in rows} == {
        f"dropout-overdue:{case.id}:suspected:2026-11-23:to:{p.id}" for p in (scene.head, scene.admin)
    }
    assert "从 2026-11-23 起一直在“疑似辍学”阶段，已经 8 天了" in rows[0].payload["text"]

    # A new stage starts a new count.
    async with session_pool() as s:
        await service.confirm_dropout(s, clock, await load_actor(s, ADMIN), case.id)
        await s.commit()
    assert await jobs.overdue_reminders(ctx) == 0
    clock.advance(days=8)
    assert await jobs.overdue_reminders(ctx) == 2


# ------------------------------------------------------------------- registers


async def _walk_a_case(session: AsyncSession, clock: FakeClock, scene: Scene) -> DropoutCase:
    head = await load_actor(session, HEAD)
    case = await service.open_case_manually(session, clock, get_translator(), head, scene.xiaoming.id, note="一周没来")
    await service.confirm_dropout(session, clock, head, case.id)
    await service.file_report(
        session, clock, head, case.id, reason="厌学", parents="父亲 张大山 +8613900000002",
        home_address="清水村3组12号", whereabouts="在镇上网吧",
    )
    clock.advance(days=1)
    await service.log_visit(session, clock, head, case.id, visitors="王老师、李校长", said="讲了义务教育法",
                            result="家长答应劝说")
    clock.advance(days=2)
    await service.log_visit(session, clock, head, case.id, visitors="王老师", said="再次动员", result="学生仍不愿来")
    await service.start_enforcement(session, clock, head, case.id, note="报告镇政府，责令限期入学")
    return case


def _rows(content: bytes, sheet_index: int) -> list[list[object]]:
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[sheet_index]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


async def test_registers_read_back(factory: Factory, session: AsyncSession, clock: FakeClock) -> None:
    scene = await build_scene(factory, session)
    case = await _walk_a_case(session, clock, scene)
    admin = await load_actor(session, ADMIN)
    await service.open_case_manually(session, clock, get_translator(), admin, scene.xiaogang.id)
    returned = await service.open_case_manually(session, clock, get_translator(), admin, scene.xiaohong.id)
    await service.mark_returned(session, clock, admin, returned.id)
    # The other school's case never shows.
    await service.open_case_manually(
        session, clock, get_translator(), await load_actor(session, OTHER_ADMIN), scene.xiaojun.id
    )
    await session.commit()

    content = await build_registers(session, RegisterScope(scene.school.id), Month(2026, 11), "zh_Hans")
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["疑似辍学名单", "流失学生登记表", "月报"]

    rows = _rows(content, 0)
    assert rows[0][0] == "阳光小学 疑似辍学学生名单（2026-11）"
    assert rows[1] == ["序号", "姓名", "班级", "发现方式", "发现日期", "当前情况"]
    assert rows[2:] == [
        [1, "小红", "3年级1班", "老师登记", "2026-11-26", "已返校（2026-11-26）"],
        [2, "小刚", "4年级2班", "老师登记", "2026-11-26", "疑似辍学"],
    ]

    rows = _rows(content, 1)
    assert rows[0][0] == "阳光小学 流失学生登记表（2026-11）"
    assert rows[1] == [
        "序号", "姓名", "班级", "流失原因", "家长", "家庭地址", "去向", "采取措施", "当前情况", "认定日期", "报告日期",
    ]
    assert rows[2] == [
        1, "小明", "3年级1班", "厌学", "父亲 张大山 +8613900000002", "清水村3组12号", "在镇上网吧",
        "2026-11-24 走访（王老师、李校长）：讲了义务教育法；结果：家长答应劝说\n"
        "2026-11-26 走访（王老师）：再次动员；结果：学生仍不愿来\n"
        "2026-11-26 依法强制：报告镇政府，责令限期入学",
        "依法强制", "2026-11-23", "2026-11-23",
    ]
    assert len(rows) == 3

    rows = _rows(content, 2)
    assert rows[1] == ["年级", "新增疑似", "认定辍学", "返校", "结案", "月末未结"]
    assert rows[2:] == [
        ["3年级", 2, 1, 1, 0, 1],
        ["4年级", 1, 0, 0, 0, 1],
        ["合计", 3, 1, 1, 0, 2],
    ]

    # October: nothing yet. English headers in English.
    october = await build_registers(session, RegisterScope(scene.school.id), Month(2026, 10), "en")
    assert load_workbook(io.BytesIO(october)).sheetnames == ["Suspected dropouts", "Dropout register", "Monthly summary"]
    assert _rows(october, 1)[1][:4] == ["No.", "Name", "Class", "Reason"]
    assert len(_rows(october, 1)) == 2
    assert _rows(october, 2)[-1] == ["Total", 0, 0, 0, 0, 0]

    # A head teacher's registers hold only their class.
    only_class2 = await build_registers(
        session, RegisterScope(scene.school.id, (scene.class2.id,)), Month(2026, 11), "zh_Hans"
    )
    assert [r[1] for r in _rows(only_class2, 0)[2:]] == ["小刚"]
    assert len(_rows(only_class2, 1)) == 2
    assert case.stage == "enforcing"


async def test_report_prefill_uses_away_parents_guardians_and_the_address(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    case = await service.open_case_manually(
        session, clock, get_translator(), await load_actor(session, HEAD), scene.xiaoming.id
    )
    prefill = await service.report_prefill(session, get_translator(), "zh_Hans", case)
    assert prefill.parents == "父亲 张大山 +8613900000002 在广东东莞；奶奶 王奶奶 +8613800000001"
    assert prefill.home_address == "清水村3组12号"


# ---------------------------------------------------------------- command line


async def test_cli_writes_the_registers(
    factory: Factory, session: AsyncSession, clock: FakeClock, db_path, tmp_path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    import asyncio

    from bot.cli import main

    scene = await build_scene(factory, session)
    await _walk_a_case(session, clock, scene)
    await session.commit()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{db_path}")
    monkeypatch.delenv("DEFAULT_LANGUAGE", raising=False)
    out = tmp_path / "registers.xlsx"

    args = ["dropout", "register", "--school", "阳光小学", "--month", "2026-11", "--out", str(out)]
    assert await asyncio.to_thread(main, args) == 0
    assert f"登记表（2026-11）已保存到 {out}" in capsys.readouterr().out
    rows = _rows(out.read_bytes(), 1)
    assert [r[1] for r in rows[2:]] == ["小明"] and rows[2][9] == "2026-11-23"
    # The audit log: an export from the server (no person).
    await session.commit()
    exported = (await session.execute(select(AuditEntry.what, AuditEntry.actor_person_id, AuditEntry.school_id)
                                      .where(AuditEntry.action == "export"))).all()
    assert [tuple(r) for r in exported] == [("dropout-register-export", None, scene.school.id)]

    assert await asyncio.to_thread(main, [*args[:3], "没有这所", *args[4:]]) == 1
    assert "没有找到学校“没有这所”" in capsys.readouterr().err
    assert await asyncio.to_thread(main, [*args[:5], "11月", *args[6:]]) == 1
    assert "月份“11月”看不懂" in capsys.readouterr().err


def test_dropout_jobs_are_registered() -> None:
    from scheduler import default_jobs

    found = default_jobs()
    assert found["dropout-open-cases"].trigger_args == {"hour": 18, "minute": 0}
    assert found["dropout-overdue-reminders"].run_at_startup
    assert found["dropout-open-cases"].run_at_startup
