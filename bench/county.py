"""County-scale benchmark (issue #6): every report spreadsheet and the "who has not
confirmed" queries against a generated county of 200 schools, 100,000 students and
150,000 guardians with a term of attendance, on SQLite and (with --postgres) PostgreSQL.

    python -m bench.county                                   # full county, scratch SQLite file
    python -m bench.county --db /tmp/county.sqlite3 --reuse  # keep the file; a rerun skips generation
    python -m bench.county --schools 20                      # a smaller county (500 students a school)
    python -m bench.county --postgres postgresql+asyncpg://postgres@127.0.0.1:5432/postgres --reuse
    python -m bench.county --db /tmp/county.sqlite3 --reuse --only compliance-county

The county (seeded, so every run makes the same one): per school 10 classes of 50
(grades 1-6), a school admin and a head teacher per class (also the class's mentor), a
term from 1 September to 20 January with "today" Monday 23 November (60 school days so
far). A quarter of the students are left-behind, a fifth boarding; 750 guardians a
school (150,000 in all), each child with one or two of them (about 60 % two), so some
guardians have two children; 80 % of guardians have joined the bot. Every class's sheet
on every school day up to last Friday, 70 % of today's sheets in; about 2 % of students
absent each day. A return round every Friday for left-behind and boarding students (90 %
confirmed home; last Friday's 70 %). Monthly contacts confirmed for 80 % of left-behind
students in September and October and 50 % in November; two teacher contacts for half of
them, a mentor for 90 %, a home visit for one student in ten; 1 % suspended and 1 %
transferred out (with status history); 0.2 % of students with an open dropout case;
three notices a school (one to the whole school, two to a class), 70 % read.

Measurement: each item runs in a fresh process (`python -m bench.county --one ITEM
--url URL`), so its peak memory is its own: VmHWM from /proc/self/status (peak resident
set size of that process, interpreter and imports included; not getrusage's ru_maxrss,
which Linux carries over from the forking parent) and VmRSS after imports and the
look-ups that pick the school, class and people, before the item runs ("base"). Reports
run once (--repeat to change), queries three times; the median wall time is printed.
Targets (issue #6): each query under 200 ms, each report under 10 s, peak memory under
300 MB. Exit status 1 when one is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

TODAY = date(2026, 11, 23)  # a Monday
TERM = (date(2026, 9, 1), date(2027, 1, 20))
NOW = datetime(2026, 11, 23, 3, tzinfo=UTC)  # 11:00 in Asia/Shanghai
CLASSES = 10
PER_CLASS = 50
GUARDIANS_PER_SCHOOL = 750
CHUNK = 10_000
QUERY_TARGET = 0.2
REPORT_TARGET = 10.0
MEMORY_TARGET = 300.0  # MB
STAFF_TG = 1_000_000_000  # telegram ids of staff: STAFF_TG + person id


# ------------------------------------------------------------------- generation


@dataclass
class Ids:
    """Explicit primary keys, so nothing is read back while inserting."""

    value: int = 0

    def next(self) -> int:
        self.value += 1
        return self.value


async def bulk(pool: Any, table: Any, rows: Iterable[dict[str, Any]]) -> int:
    """Core executemany in chunks, one transaction per chunk."""
    from sqlalchemy import insert

    async def flush(chunk: list[dict[str, Any]]) -> None:
        # executemany wants the same keys in every row: fill the gaps with the defaults.
        keys = set().union(*chunk)
        fill = {}
        for key in keys:
            default = table.columns[key].default
            fill[key] = default.arg if default is not None and default.is_scalar else None
        rows_ = [row if len(row) == len(keys) else {**fill, **row} for row in chunk]
        async with pool() as session, session.begin():
            await session.execute(insert(table), rows_)

    count, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            await flush(chunk)
            count += len(chunk)
            chunk = []
    if chunk:
        await flush(chunk)
        count += len(chunk)
    return count


async def generate(pool: Any, schools: int, seed: int = 6) -> dict[str, int]:  # noqa: C901, PLR0915
    from db.models import (
        AttendanceMark,
        AttendanceSheet,
        County,
        DropoutCase,
        DropoutCaseEvent,
        HomeReturn,
        HomeVisit,
        MonthlyParentContact,
        Notice,
        NoticeRecipient,
        Person,
        ReturnRound,
        School,
        SchoolClass,
        Staff,
        Student,
        StudentGuardian,
        StudentMentor,
        StudentStatusChange,
        TeacherParentContact,
        Term,
    )

    rng = random.Random(seed)
    now = NOW
    days = [TERM[0] + timedelta(days=i) for i in range((TODAY - TERM[0]).days + 1)]
    school_days = [d for d in days if d.weekday() < 5]
    fridays = [d for d in days if d.weekday() == 4 and d < TODAY]
    counts: dict[str, int] = {}

    async def put(name: str, model: Any, rows: Iterable[dict[str, Any]]) -> None:
        counts[name] = counts.get(name, 0) + await bulk(pool, model.__table__, rows)

    await put("counties", County, [{"id": 1, "name": "基准县", "created_at": now}])
    await put("schools", School, (
        {"id": s, "county_id": 1, "name": f"基准{s}小学", "created_at": now} for s in range(1, schools + 1)
    ))
    await put("terms", Term, (
        {"school_id": s, "name": "2026秋季学期", "starts_on": TERM[0], "ends_on": TERM[1], "created_at": now}
        for s in range(1, schools + 1)
    ))

    # Staff: per school one admin and one head teacher (and mentor) per class.
    people, staff, classes = [], [], []
    person_ids, staff_ids, class_ids = Ids(), Ids(), Ids()
    admin_of: dict[int, int] = {}
    head_of: dict[int, int] = {}  # class -> staff id
    classes_of: dict[int, list[int]] = {}
    person_of_staff: dict[int, int] = {}
    bureau = person_ids.next()
    people.append({"id": bureau, "name": "督学", "telegram_user_id": STAFF_TG + bureau, "chat_id": STAFF_TG + bureau,
                   "language": "zh_Hans", "joined_at": now, "created_at": now})
    staff.append({"id": staff_ids.next(), "person_id": bureau, "county_id": 1, "is_bureau_officer": True,
                  "created_at": now})
    for s in range(1, schools + 1):
        pid, sid = person_ids.next(), staff_ids.next()
        people.append({"id": pid, "name": f"校长{s}", "telegram_user_id": STAFF_TG + pid, "chat_id": STAFF_TG + pid,
                       "language": "zh_Hans", "joined_at": now, "created_at": now})
        staff.append({"id": sid, "person_id": pid, "school_id": s, "is_school_admin": True, "created_at": now})
        admin_of[s] = sid
        person_of_staff[sid] = pid
        for c in range(CLASSES):
            pid, sid, cid = person_ids.next(), staff_ids.next(), class_ids.next()
            people.append({"id": pid, "name": f"班主任{cid}", "telegram_user_id": STAFF_TG + pid,
                           "chat_id": STAFF_TG + pid, "language": "zh_Hans", "joined_at": now, "created_at": now})
            staff.append({"id": sid, "person_id": pid, "school_id": s, "is_head_teacher": True, "is_mentor": True,
                          "created_at": now})
            classes.append({"id": cid, "school_id": s, "grade": 1 + c * 6 // CLASSES, "name": f"{c % 2 + 1}班",
                            "head_teacher_id": sid, "created_at": now})
            head_of[cid] = sid
            person_of_staff[sid] = pid
            classes_of.setdefault(s, []).append(cid)

    # Guardians: 750 a school; their ids follow the staff's.
    guardian_ids = {s: [person_ids.next() for _ in range(GUARDIANS_PER_SCHOOL)] for s in range(1, schools + 1)}
    joined = {pid for ids in guardian_ids.values() for pid in ids if rng.random() < 0.8}

    def guardian_rows() -> Iterator[dict[str, Any]]:
        yield from people
        for ids in guardian_ids.values():
            for pid in ids:
                row = {"id": pid, "name": f"家长{pid}", "phone": f"+861{pid:010d}", "created_at": now,
                       "telegram_user_id": None, "chat_id": None, "language": None, "joined_at": None}
                if pid in joined:
                    row.update(telegram_user_id=pid, chat_id=pid, language="zh_Hans", joined_at=now)
                yield row

    await put("people", Person, guardian_rows())
    await put("staff", Staff, staff)
    await put("classes", SchoolClass, classes)

    # Students.
    @dataclass
    class S:
        id: int
        school: int
        cls: int
        lb: bool
        boarding: bool
        status: str = "enrolled"

    students: list[S] = []
    sid_gen = Ids()

    def student_rows() -> Iterator[dict[str, Any]]:
        for s in range(1, schools + 1):
            for cid in classes_of[s]:
                for _ in range(PER_CLASS):
                    st = S(sid_gen.next(), s, cid, rng.random() < 0.25, rng.random() < 0.2)
                    r = rng.random()
                    st.status = "suspended" if r < 0.01 else "transferred_out" if r < 0.02 else "enrolled"
                    students.append(st)
                    yield {
                        "id": st.id, "school_id": s, "class_id": cid, "name": f"学生{st.id}",
                        "student_number": f"B{st.id:014d}", "gender": rng.choice(("male", "female")),
                        "status": st.status, "is_left_behind": st.lb, "is_boarding": st.boarding,
                        "is_migrant": rng.random() < 0.05, "is_disabled": rng.random() < 0.01,
                        "has_hardship": rng.random() < 0.08, "created_at": now,
                    }

    await put("students", Student, student_rows())
    enrolled = [st for st in students if st.status == "enrolled"]
    by_school: dict[int, list[S]] = {}
    for st in students:
        by_school.setdefault(st.school, []).append(st)

    # Guardian links: each child one or two of the school's guardians, dealt in turn, so
    # the pool wraps and some guardians get a second child.
    guardians_of: dict[int, list[int]] = {}

    def link_rows() -> Iterator[dict[str, Any]]:
        for s, listed in by_school.items():
            pool_ids, at = guardian_ids[s], 0
            for st in listed:
                for relation in ("grandmother", "grandfather")[: 2 if rng.random() < 0.6 else 1]:
                    pid = pool_ids[at % len(pool_ids)]
                    at += 1
                    guardians_of.setdefault(st.id, []).append(pid)
                    yield {"student_id": st.id, "person_id": pid, "relation": relation,
                           "started_at": datetime(2026, 9, 1, tzinfo=UTC)}

    await put("student_guardians", StudentGuardian, link_rows())

    await put("student_status_changes", StudentStatusChange, (
        {"student_id": st.id, "from_status": "enrolled", "to_status": st.status,
         "kind": "suspension" if st.status == "suspended" else "transfer_out",
         "effective_on": date(2026, 10, 10) if st.status == "suspended" else date(2026, 11, 2),
         "reason": "病休" if st.status == "suspended" else None,
         "other_school": None if st.status == "suspended" else "外县小学",
         "school_id": st.school, "class_id": st.cls, "recorded_at": now}
        for st in students if st.status != "enrolled"
    ))

    # Attendance: sheets every school day (today: 70 % of classes), ~2 % absent.
    missing_today = {cid for cid in head_of if rng.random() < 0.3}
    await put("attendance_sheets", AttendanceSheet, (
        {"class_id": cid, "school_id": s, "day": d, "submitted_at": now,
         "submitted_by_id": person_of_staff[head_of[cid]]}
        for s in range(1, schools + 1) for cid in classes_of[s] for d in school_days
        if not (d == TODAY and cid in missing_today)
    ))
    await put("attendance_marks", AttendanceMark, (
        {"student_id": st.id, "class_id": st.cls, "school_id": st.school, "day": d, "status": "absent",
         "reason": rng.choice(("sick", "unknown", "personal")), "source": "teacher", "recorded_at": now}
        for st in enrolled for d in school_days if rng.random() < 0.02
    ))

    # Monthly contacts, teacher contacts, mentors, visits.
    lb = [st for st in enrolled if st.lb]
    months = ((date(2026, 9, 1), 0.8), (date(2026, 10, 1), 0.8), (date(2026, 11, 1), 0.5))
    await put("monthly_parent_contacts", MonthlyParentContact, (
        {"student_id": st.id, "school_id": st.school, "month": m, "method": "phone", "when_said": "earlier",
         "confirmed_by_id": guardians_of[st.id][0], "confirmed_at": now, "created_at": now}
        for st in lb for m, share in months if rng.random() < share
    ))
    await put("teacher_parent_contacts", TeacherParentContact, (
        {"student_id": st.id, "school_id": st.school, "contacted_on": d, "method": "phone",
         "recorded_by_id": person_of_staff[head_of[st.cls]], "recorded_at": now, "created_at": now}
        for st in lb[::2] for d in (date(2026, 9, 20), date(2026, 11, 5))
    ))
    await put("student_mentors", StudentMentor, (
        {"student_id": st.id, "staff_id": head_of[st.cls], "started_at": datetime(2026, 9, 1, tzinfo=UTC)}
        for st in lb if rng.random() < 0.9
    ))
    await put("home_visits", HomeVisit, (
        {"student_id": st.id, "school_id": st.school, "visited_by_id": person_of_staff[head_of[st.cls]],
         "visited_on": date(2026, 10, 15), "form": "in_person", "purpose": "routine", "met": "guardian",
         "recorded_at": now}
        for st in enrolled[::10]
    ))

    # Return rounds every Friday.
    round_ids = Ids()
    rounds = []
    for s in range(1, schools + 1):
        for friday in fridays:
            released = datetime.combine(friday, datetime.min.time(), UTC) + timedelta(hours=8)
            rounds.append({"id": round_ids.next(), "school_id": s, "release_day": friday, "kind": "weekend",
                           "released_at": released, "deadline_at": released + timedelta(hours=4),
                           "back_on": friday + timedelta(days=3), "created_at": released})
    await put("return_rounds", ReturnRound, rounds)
    last_friday = fridays[-1]

    def return_rows() -> Iterator[dict[str, Any]]:
        for rnd in rounds:
            share = 0.7 if rnd["release_day"] == last_friday else 0.9
            for st in by_school[rnd["school_id"]]:
                if st.status == "enrolled" and (st.lb or st.boarding):
                    home = rng.random() < share
                    yield {"round_id": rnd["id"], "student_id": st.id, "class_id": st.cls,
                           "status": "arrived" if home else "waiting", "asked": 1,
                           "answered_at": rnd["released_at"] + timedelta(hours=2) if home else None,
                           "answered_by_id": guardians_of[st.id][0] if home else None}

    await put("home_returns", HomeReturn, return_rows())

    # Dropout cases (open), with their opening event.
    cases = [st for st in enrolled if rng.random() < 0.002]
    await put("dropout_cases", DropoutCase, (
        {"id": i, "student_id": st.id, "school_id": st.school, "stage": "suspected", "trigger": "consecutive",
         "opened_at": datetime(2026, 11, 10, tzinfo=UTC), "stage_since": datetime(2026, 11, 10, tzinfo=UTC)}
        for i, st in enumerate(cases, start=1)
    ))
    await put("dropout_case_events", DropoutCaseEvent, (
        {"case_id": i, "kind": "opened", "happened_on": date(2026, 11, 10), "recorded_at": now}
        for i in range(1, len(cases) + 1)
    ))

    # Notices: one to the whole school, two to a class; every current guardian a recipient.
    notice_ids = Ids()
    notices, recipients = [], []
    for s in range(1, schools + 1):
        targets = [None, classes_of[s][0], classes_of[s][5]]
        for n, cid in enumerate(targets):
            nid = notice_ids.next()
            notices.append({"id": nid, "campaign_key": f"bench-{s}-{n}", "school_id": s, "class_id": cid,
                            "kind": "other", "text": "家长会通知", "sent_by_id": person_of_staff[admin_of[s]],
                            "created_at": NOW - timedelta(days=2)})
            persons = dict.fromkeys(
                pid for st in by_school[s] if st.status == "enrolled" and (cid is None or st.cls == cid)
                for pid in guardians_of[st.id]
            )
            for pid in persons:
                is_joined = pid in joined
                recipients.append({"notice_id": nid, "person_id": pid, "joined": is_joined,
                                   "read_at": NOW - timedelta(days=1) if is_joined and rng.random() < 0.7 else None})
    await put("notices", Notice, notices)
    await put("notice_recipients", NoticeRecipient, recipients)
    return counts


async def fix_sequences(pool: Any) -> None:
    """PostgreSQL: explicit ids leave the sequences behind; move them on."""
    from sqlalchemy import text

    from db.models import Base

    async with pool() as session, session.begin():
        for table in Base.metadata.sorted_tables:
            if "id" in table.columns and table.columns["id"].primary_key:
                await session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                ))


# ------------------------------------------------------------------- the items


@dataclass
class Context:
    school_id: int
    school_ids: tuple[int, ...]
    class_id: int
    admin_tg: int
    head_tg: int
    guardian_id: int
    round_id: int
    notice_id: int
    notice_ids: tuple[int, ...]


async def context(session: Any) -> Context:
    from sqlalchemy import func, select

    from db.models import Notice, NoticeRecipient, ReturnRound, School, SchoolClass, Staff

    school_ids = tuple(await session.scalars(select(School.id).order_by(School.id)))
    school_id = school_ids[len(school_ids) // 2]  # a school in the middle of the tables
    class_id = await session.scalar(
        select(SchoolClass.id).where(SchoolClass.school_id == school_id).order_by(SchoolClass.id)
    )
    admin_person = await session.scalar(
        select(Staff.person_id).where(Staff.school_id == school_id, Staff.is_school_admin.is_(True))
    )
    head_person = await session.scalar(
        select(Staff.person_id).join(SchoolClass, SchoolClass.head_teacher_id == Staff.id)
        .where(SchoolClass.id == class_id)
    )
    round_id = await session.scalar(
        select(ReturnRound.id).where(ReturnRound.school_id == school_id).order_by(ReturnRound.release_day.desc())
    )
    notice_ids = tuple(await session.scalars(select(Notice.id).where(Notice.school_id == school_id).order_by(Notice.id)))
    guardian_id = await session.scalar(
        select(NoticeRecipient.person_id).where(NoticeRecipient.notice_id == notice_ids[0])
        .order_by(func.abs(NoticeRecipient.person_id)).limit(1)
    )
    return Context(
        school_id, school_ids, class_id, STAFF_TG + admin_person, STAFF_TG + head_person, guardian_id,
        round_id, notice_ids[0], notice_ids,
    )


Item = Callable[[Any, Context], Awaitable[Any]]
REPORTS: dict[str, Item] = {}
QUERIES: dict[str, Item] = {}
JOBS: dict[str, Item] = {}  # a scheduler job's reads over every school: reported, held to the report target


def _item(where: dict[str, Item], name: str) -> Callable[[Item], Item]:
    def register(fn: Item) -> Item:
        where[name] = fn
        return fn
    return register


def _scope(ctx: Context, county: bool) -> Any:
    from services.reports import ReportScope, ScopeKind

    if county:
        return ReportScope(ScopeKind.COUNTY, ctx.school_ids, "基准县", county_id=1)
    return ReportScope(ScopeKind.SCHOOL, (ctx.school_id,), "基准小学")


async def _report(session: Any, ctx: Context, kind: str, county: bool, start: date = TODAY) -> bytes:
    from locales import get_translator
    from services.reports import Period, ReportKind, build_report

    return await build_report(
        session, get_translator(), "zh_Hans", ReportKind(kind), _scope(ctx, county), Period(start, TODAY)
    )


for _kind, _start in (("counts", TODAY), ("changes", TERM[0]), ("compliance", TODAY)):
    for _county in (False, True):
        def _make(kind: str = _kind, county: bool = _county, start: date = _start) -> Item:
            async def run(session: Any, ctx: Context) -> bytes:
                return await _report(session, ctx, kind, county, start)
            return run
        REPORTS[f"{_kind}-{'county' if _county else 'school'}"] = _make()


@_item(REPORTS, "dropout-registers-school")
async def _registers(session: Any, ctx: Context) -> bytes:
    from services.dropout_registers import Month, RegisterScope, build_registers

    return await build_registers(session, RegisterScope(ctx.school_id), Month(2026, 11), "zh_Hans")


@_item(REPORTS, "ledger-school")
async def _ledger(session: Any, ctx: Context) -> bytes:
    from services.clock import FakeClock
    from services.ledger_export import ExportScope, build_ledger

    return await build_ledger(session, FakeClock(NOW), ExportScope(ctx.school_id), "zh_Hans")


@_item(QUERIES, "returns-unconfirmed-school")
async def _returns_school(session: Any, ctx: Context) -> Any:
    from db.repositories import returns as repo
    from services.returns import missing_children

    return await missing_children(session, await repo.round_by_id(session, ctx.round_id))


@_item(QUERIES, "returns-view-class")
async def _returns_class(session: Any, ctx: Context) -> Any:
    from services.access import load_actor
    from services.clock import FakeClock
    from services.returns import views_for

    return await views_for(session, FakeClock(NOW), await load_actor(session, ctx.head_tg))


@_item(QUERIES, "returns-view-school")
async def _returns_admin(session: Any, ctx: Context) -> Any:
    from services.access import load_actor
    from services.clock import FakeClock
    from services.returns import views_for

    return await views_for(session, FakeClock(NOW), await load_actor(session, ctx.admin_tg))


@_item(QUERIES, "monthly-unconfirmed-school")
async def _monthly_school(session: Any, ctx: Context) -> Any:
    from services.contacts import _unconfirmed

    return await _unconfirmed(session, ctx.school_id, date(2026, 11, 1))


@_item(QUERIES, "monthly-unconfirmed-class")
async def _monthly_class(session: Any, ctx: Context) -> Any:
    from db.models import Student
    from db.repositories import contacts as repo

    children = await repo.children_where(session, Student.class_id == ctx.class_id)
    confirmed = await repo.monthly_of(session, [c.id for c in children], date(2026, 11, 1))
    return [c for c in children if c.id not in confirmed]


@_item(QUERIES, "teacher-contacts-class")
async def _contacts_class(session: Any, ctx: Context) -> Any:
    from services.access import load_actor
    from services.clock import FakeClock
    from services.contacts import compliance

    return await compliance(session, FakeClock(NOW), await load_actor(session, ctx.head_tg), 2)


@_item(QUERIES, "teacher-contacts-school")
async def _contacts_school(session: Any, ctx: Context) -> Any:
    from services.access import load_actor
    from services.clock import FakeClock
    from services.contacts import compliance

    return await compliance(session, FakeClock(NOW), await load_actor(session, ctx.admin_tg), 2)


@_item(QUERIES, "notice-unread-school")
async def _notice_unread(session: Any, ctx: Context) -> Any:
    from db.repositories import announcements as repo

    return await repo.unread_joined(session, ctx.notice_id)


@_item(QUERIES, "notice-counts-school")
async def _notice_counts(session: Any, ctx: Context) -> Any:
    from db.repositories import announcements as repo

    return await repo.counts(session, list(ctx.notice_ids))


@_item(QUERIES, "notice-has-unread-guardian")
async def _has_unread(session: Any, ctx: Context) -> Any:
    from db.repositories import announcements as repo

    return await repo.has_unread(session, ctx.guardian_id, NOW - timedelta(days=30))


@_item(QUERIES, "sheets-missing-school")
async def _sheets_school(session: Any, ctx: Context) -> Any:
    from db.repositories import attendance as repo

    classes = await repo.classes_with_students(session, ctx.school_id)
    sheets = await repo.sheets_of(session, [c.id for c in classes], TODAY)
    return [c for c in classes if c.id not in sheets]


@_item(QUERIES, "attendance-today-school")
async def _overview(session: Any, ctx: Context) -> Any:
    from services.access import load_actor
    from services.attendance import school_overview
    from services.clock import FakeClock

    return await school_overview(session, FakeClock(NOW), await load_actor(session, ctx.admin_tg))


@_item(JOBS, "sheets-missing-county")
async def _sheets_county(session: Any, ctx: Context) -> Any:
    from db.repositories import attendance as repo

    missing = 0
    for school_id in ctx.school_ids:
        classes = await repo.classes_with_students(session, school_id)
        sheets = await repo.sheets_of(session, [c.id for c in classes], TODAY)
        missing += sum(c.id not in sheets for c in classes)
    return missing


@_item(JOBS, "monthly-unconfirmed-county")
async def _monthly_county(session: Any, ctx: Context) -> Any:
    from services.contacts import _unconfirmed

    return sum([len(await _unconfirmed(session, s, date(2026, 11, 1))) for s in ctx.school_ids])


ALL: dict[str, tuple[str, Item]] = {
    **{k: ("report", v) for k, v in REPORTS.items()},
    **{k: ("query", v) for k, v in QUERIES.items()},
    **{k: ("job", v) for k, v in JOBS.items()},
}


def _preload() -> None:
    """Import what the items use and load the translations, so neither is timed."""
    import importlib

    for module in (
        "db.repositories.announcements", "db.repositories.attendance", "db.repositories.contacts",
        "db.repositories.returns", "services.access", "services.attendance", "services.contacts",
        "services.dropout_registers", "services.ledger_export", "services.reports", "services.returns",
    ):
        importlib.import_module(module)
    from locales import get_translator

    get_translator().get("report-name-counts", "zh_Hans")


def _status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status (Linux), MB: VmRSS now,
    VmHWM the peak. Not getrusage's ru_maxrss: Linux carries that over exec from the
    parent (subprocess forks a process that already holds the generator's memory)."""
    with open("/proc/self/status") as f:
        for row in f:
            if row.startswith(field + ":"):
                return int(row.split()[1]) / 1024
    raise LookupError(field)


def _size(result: Any) -> str:
    if isinstance(result, bytes):
        return f"{len(result) / 1024:.0f} KiB"
    if isinstance(result, (list, dict, set, tuple)):
        return f"{len(result)} rows"
    return str(result)


async def run_one(url: str, name: str, repeat: int) -> dict[str, Any]:
    from db.engine import create_engine, create_session_pool

    kind, fn = ALL[name]
    _preload()
    engine = create_engine(url)
    pool = create_session_pool(engine)
    async with pool() as session:
        ctx = await context(session)
    base = _status_mb("VmRSS")
    times, cpu, result = [], [], None
    for _ in range(repeat):
        async with pool() as session:
            t0, c0 = time.perf_counter(), time.process_time()
            result = await fn(session, ctx)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    await engine.dispose()
    peak = _status_mb("VmHWM")
    return {"item": name, "kind": kind, "median": statistics.median(times), "times": times,
            "cpu": statistics.median(cpu),
            "base_mb": base, "peak_mb": peak, "size": _size(result)}


# ------------------------------------------------------------------- driver


async def prepare(url: str, schools: int, reuse: bool) -> None:
    from sqlalchemy import func, select

    from db.engine import create_engine, create_session_pool, is_sqlite
    from db.migrate import upgrade
    from db.models import Student

    await asyncio.to_thread(upgrade, url)  # alembic runs its own event loop
    engine = create_engine(url)
    pool = create_session_pool(engine)
    async with pool() as session:
        have = await session.scalar(select(func.count(Student.id)))
    if have and reuse:
        print(f"reusing the county in the database: {have} students")
    elif have:
        raise SystemExit("the database already holds students: pass --reuse, or a new --db")
    else:
        started = time.perf_counter()
        counts = await generate(pool, schools)
        if not is_sqlite(url):
            await fix_sequences(pool)
        took = time.perf_counter() - started
        print(f"generated in {took:.1f} s: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        if is_sqlite(url):
            async with engine.connect() as conn:
                await conn.exec_driver_sql("ANALYZE")
        else:
            async with engine.connect() as conn:
                await (await conn.execution_options(isolation_level="AUTOCOMMIT")).exec_driver_sql("ANALYZE")
    await engine.dispose()


async def pg_database(admin_url: str, name: str, reuse: bool) -> str:
    from sqlalchemy.engine import make_url

    from db.engine import create_engine

    base = make_url(admin_url)
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        exists = (await conn.exec_driver_sql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")).scalar()
        if exists and not reuse:
            await conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            await conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    await engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def measure(url: str, names: list[str], repeat_reports: int) -> list[dict[str, Any]]:
    out = []
    for name in names:
        kind = ALL[name][0]
        repeat = repeat_reports if kind != "query" else 3
        proc = subprocess.run(
            [sys.executable, "-m", "bench.county", "--one", name, "--url", url, "--repeat", str(repeat)],
            capture_output=True, text=True, check=False,
        )
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            raise SystemExit(f"{name} failed")
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        out.append(row)
        print(line(row), flush=True)
    return out


def verdict(row: dict[str, Any]) -> str:
    target = QUERY_TARGET if row["kind"] == "query" else REPORT_TARGET
    ok = row["median"] < target and row["peak_mb"] < MEMORY_TARGET
    return "ok" if ok else "MISSED"


def line(row: dict[str, Any]) -> str:
    took = row["median"]
    shown = f"{took * 1000:8.1f} ms" if took < 1 else f"{took:8.2f} s "
    cpu = row["cpu"]
    cpu_shown = f"{cpu * 1000:8.1f} ms" if cpu < 1 else f"{cpu:8.2f} s "
    return (f"{row['kind']:6s} {row['item']:28s} {shown}  cpu {cpu_shown}  base {row['base_mb']:5.0f} MB  "
            f"peak {row['peak_mb']:5.0f} MB  {row['size']:>12s}  {verdict(row)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.county", description=(__doc__ or "").splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--schools", type=int, default=200, help="500 students a school (default 200: 100,000)")
    parser.add_argument("--db", help="SQLite file to generate into (default: a scratch file, removed)")
    parser.add_argument("--reuse", action="store_true", help="use the county already in --db / the PG database")
    parser.add_argument("--postgres", metavar="ADMIN_URL", help="also PostgreSQL: database jiaxiao_bench on this server")
    parser.add_argument("--pg-name", default="jiaxiao_bench")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--only", action="append", choices=sorted(ALL), help="these items only (repeatable)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per report and job (queries: 3)")
    parser.add_argument("--one", choices=sorted(ALL), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.one:
        print(json.dumps(asyncio.run(run_one(args.url, args.one, args.repeat))))
        return 0

    names = args.only or list(ALL)
    rows: list[dict[str, Any]] = []
    backends: list[tuple[str, str]] = []
    tmp = None
    if not args.skip_sqlite:
        if args.db:
            path = Path(args.db)
        else:
            tmp = tempfile.TemporaryDirectory()
            path = Path(tmp.name) / "county.sqlite3"
        backends.append(("sqlite", f"sqlite+aiosqlite:///{path}"))
    if args.postgres:
        backends.append(("postgres", asyncio.run(pg_database(args.postgres, args.pg_name, args.reuse))))
    try:
        for backend, url in backends:
            print(f"== {backend}")
            asyncio.run(prepare(url, args.schools, args.reuse))
            for row in measure(url, names, args.repeat):
                rows.append({**row, "backend": backend})
    finally:
        if tmp is not None:
            tmp.cleanup()
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}, "
          f"{os.cpu_count()} CPUs")
    return 0 if all(verdict(r) == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
