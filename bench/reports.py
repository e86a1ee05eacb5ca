"""Report benchmark: the three report spreadsheets (services.reports) for a generated
school and its county, timed once each, on a migrated scratch SQLite file.

    python -m bench.reports                       # one school of 40 classes × 50 = 2,000 students
    python -m bench.reports --schools 5 --classes 40 --students 50

Per school: a term from 1 September to 20 January, "today" 23 November (60 school days so
far); a quarter of the students left-behind, a fifth boarding, some migrant / disabled /
hardship; every class's sheet every school day with about 2 % absent; monthly contacts
for most left-behind students, two teacher contacts for half of them, a mentor for 90 %;
a return round every Friday for left-behind and boarding students (90 % home); a home
visit for one student in ten; 1 % suspended, 1 % transferred out, a few transfers in.
Prints seconds per report (school scope and county scope), the sheet sizes, and the
process's peak resident memory.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

TODAY = date(2026, 11, 23)
TERM = (date(2026, 9, 1), date(2027, 1, 20))


async def generate(session, schools: int, classes: int, students: int, rng: random.Random) -> list[int]:  # type: ignore[no-untyped-def]
    from db.models import (
        AttendanceMark,
        AttendanceSheet,
        County,
        HomeReturn,
        HomeVisit,
        MonthlyParentContact,
        Person,
        ReturnRound,
        School,
        SchoolClass,
        Staff,
        Student,
        StudentMentor,
        StudentStatusChange,
        TeacherParentContact,
        Term,
    )

    now = datetime(2026, 11, 23, 1, tzinfo=UTC)
    county = County(name="基准县", created_at=now)
    session.add(county)
    await session.flush()
    teacher = Person(name="老师", created_at=now)
    session.add(teacher)
    await session.flush()
    days = [TERM[0] + timedelta(days=i) for i in range((TODAY - TERM[0]).days + 1)]
    school_days = [d for d in days if d.weekday() < 5]
    fridays = [d for d in days if d.weekday() == 4 and d < TODAY]
    months = [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    school_ids, number = [], 0
    for s in range(schools):
        school = School(name=f"基准{s + 1}小学", county_id=county.id, created_at=now)
        session.add(school)
        await session.flush()
        school_ids.append(school.id)
        session.add(Term(school_id=school.id, name="2026秋季学期", starts_on=TERM[0], ends_on=TERM[1], created_at=now))
        staff = Staff(person_id=teacher.id, school_id=school.id, is_mentor=True, created_at=now)
        session.add(staff)
        await session.flush()
        students_rows, class_of = [], {}
        for c in range(classes):
            cls = SchoolClass(school_id=school.id, grade=1 + c * 6 // classes, name=f"{c % 8 + 1}班{c}", created_at=now)
            session.add(cls)
            await session.flush()
            for _ in range(students):
                number += 1
                students_rows.append({
                    "school_id": school.id, "class_id": cls.id, "name": f"学生{number}",
                    "student_number": f"B{number:014d}", "gender": rng.choice(("male", "female")),
                    "status": "enrolled", "is_left_behind": rng.random() < 0.25, "is_boarding": rng.random() < 0.2,
                    "is_migrant": rng.random() < 0.05, "is_disabled": rng.random() < 0.01,
                    "has_hardship": rng.random() < 0.08, "created_at": now,
                })
        await session.execute(insert(Student), students_rows)
        rows = (await session.execute(
            select(Student.id, Student.class_id, Student.is_left_behind, Student.is_boarding)
            .where(Student.school_id == school.id)
        )).all()
        class_of = {sid: cid for sid, cid, _, _ in rows}
        lb = [sid for sid, _, is_lb, _ in rows if is_lb]
        asked = [sid for sid, _, is_lb, board in rows if is_lb or board]
        await session.execute(insert(AttendanceSheet), [
            {"class_id": cid, "school_id": school.id, "day": d, "submitted_at": now}
            for cid in set(class_of.values()) for d in school_days
        ])
        marks = []
        for sid, cid in class_of.items():
            for d in school_days:
                if rng.random() < 0.02:
                    marks.append({"student_id": sid, "class_id": cid, "school_id": school.id, "day": d, "status": "absent",
                                  "reason": rng.choice(("sick", "unknown", "personal")), "source": "teacher",
                                  "recorded_at": now})
        await session.execute(insert(AttendanceMark), marks)
        await session.execute(insert(MonthlyParentContact), [
            {"student_id": sid, "school_id": school.id, "month": m, "method": "phone", "when_said": "earlier",
             "confirmed_by_id": teacher.id, "confirmed_at": now, "created_at": now}
            for sid in lb for m in months if rng.random() < 0.8
        ])
        await session.execute(insert(TeacherParentContact), [
            {"student_id": sid, "school_id": school.id, "contacted_on": d, "method": "phone",
             "recorded_by_id": teacher.id, "recorded_at": now, "created_at": now}
            for sid in lb[: len(lb) // 2] for d in (date(2026, 9, 20), date(2026, 11, 5))
        ])
        await session.execute(insert(StudentMentor), [
            {"student_id": sid, "staff_id": staff.id, "started_at": datetime(2026, 9, 1, tzinfo=UTC)}
            for sid in lb if rng.random() < 0.9
        ])
        await session.execute(insert(HomeVisit), [
            {"student_id": sid, "school_id": school.id, "visited_by_id": teacher.id, "visited_on": date(2026, 10, 15),
             "form": "in_person", "purpose": "routine", "met": "guardian", "recorded_at": now}
            for sid in list(class_of)[::10]
        ])
        for friday in fridays:
            rnd = ReturnRound(school_id=school.id, release_day=friday, kind="weekend", released_at=now,
                              deadline_at=now, created_at=now)
            session.add(rnd)
            await session.flush()
            await session.execute(insert(HomeReturn), [
                {"round_id": rnd.id, "student_id": sid, "class_id": class_of[sid],
                 "status": "arrived" if rng.random() < 0.9 else "waiting", "asked": 1}
                for sid in asked
            ])
        ids = list(class_of)
        rng.shuffle(ids)
        changes = []
        for sid in ids[: len(ids) // 100]:
            changes.append({"student_id": sid, "from_status": "enrolled", "to_status": "suspended", "kind": "suspension",
                            "effective_on": date(2026, 10, 10), "reason": "病休", "school_id": school.id,
                            "class_id": class_of[sid], "recorded_at": now})
        for sid in ids[len(ids) // 100: len(ids) // 50]:
            changes.append({"student_id": sid, "from_status": "enrolled", "to_status": "transferred_out",
                            "kind": "transfer_out", "effective_on": date(2026, 11, 2), "other_school": "外县小学",
                            "school_id": school.id, "class_id": class_of[sid], "recorded_at": now})
        await session.execute(insert(StudentStatusChange), changes)
        from sqlalchemy import update

        await session.execute(update(Student).where(Student.id.in_(ids[: len(ids) // 100])).values(status="suspended"))
        await session.execute(
            update(Student).where(Student.id.in_(ids[len(ids) // 100: len(ids) // 50])).values(status="transferred_out")
        )
    await session.commit()
    return school_ids


async def main_async(args: argparse.Namespace) -> int:
    from db.engine import create_engine, create_session_pool
    from db.migrate import upgrade
    from locales import get_translator
    from services.reports import Period, ReportKind, ReportScope, ScopeKind, build_report

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
        await asyncio.to_thread(upgrade, url)  # alembic runs its own event loop
        engine = create_engine(url)
        pool = create_session_pool(engine)
        started = time.perf_counter()
        async with pool() as session:
            school_ids = await generate(session, args.schools, args.classes, args.students, random.Random(6))
        print(f"generated {args.schools} school(s) × {args.classes * args.students} students "
              f"in {time.perf_counter() - started:.1f} s")
        translator = get_translator()
        scopes = [
            ReportScope(ScopeKind.SCHOOL, (school_ids[0],), "school"),
            ReportScope(ScopeKind.COUNTY, tuple(school_ids), "county", county_id=1),
        ]
        periods = {
            ReportKind.COUNTS: Period(TODAY, TODAY),
            ReportKind.CHANGES: Period(TERM[0], TODAY),
            ReportKind.COMPLIANCE: Period(TODAY, TODAY),
        }
        for scope in scopes:
            for kind, period in periods.items():
                async with pool() as session:
                    t0 = time.perf_counter()
                    content = await build_report(session, translator, "zh_Hans", kind, scope, period)
                    took = time.perf_counter() - t0
                print(f"{scope.kind.value:7s} {kind.value:11s} {took:6.2f} s  {len(content) / 1024:8.0f} KiB")
        await engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory {peak:.0f} MB")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reports", description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=1)
    parser.add_argument("--classes", type=int, default=40)
    parser.add_argument("--students", type=int, default=50)
    return asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
