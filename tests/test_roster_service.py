"""Import rules that need no chat: what a re-import leaves alone and what it changes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Person, SchoolClass, Staff, Student, StudentGuardian
from services.clock import FakeClock
from services.roster import import_roster
from tests.support.factory import Factory
from tests.test_roster_files import ROWS, xlsx

GUARDIAN_KEYS = [f"guardian{n}_{f}" for n in (1, 2) for f in ("name", "relation", "phone", "proxy")]


async def test_a_row_without_guardians_keeps_the_guardians_it_has(
    session: AsyncSession, factory: Factory, clock: FakeClock
) -> None:
    school = await factory.school()
    await import_roster(session, clock, school.id, "r.xlsx", xlsx(ROWS))
    student = await session.scalar(select(Student).where(Student.student_number == ROWS[0]["student_number"]))
    # A guardian who joined by invite link, not on the roster.
    aunt = await factory.person("李阿姨", phone="+8613100131000", telegram_user_id=9001)
    await factory.guardian_of(student, aunt, relation="aunt")

    bare = [{k: v for k, v in ROWS[0].items() if k not in GUARDIAN_KEYS}, *ROWS[1:]]
    result = await import_roster(session, clock, school.id, "r.xlsx", xlsx(bare))
    assert (result.students_updated, result.students_unchanged, result.guardian_links_ended) == (0, 3, 0)
    current = (await session.scalars(
        select(StudentGuardian.person_id).where(
            StudentGuardian.student_id == student.id, StudentGuardian.ended_at.is_(None)
        )
    )).all()
    assert aunt.id in current and len(current) == 2


async def test_a_new_head_teacher_takes_the_class_and_a_joined_persons_name_stays(
    session: AsyncSession, factory: Factory, clock: FakeClock
) -> None:
    school = await factory.school()
    await import_roster(session, clock, school.id, "r.xlsx", xlsx(ROWS))
    granny = await session.scalar(select(Person).where(Person.phone == "+8613800138000"))
    granny.telegram_user_id = 9002  # she has joined and confirmed her name
    await session.flush()

    edited = [
        {**row, "head_teacher_name": "周老师", "head_teacher_phone": "13000130000",
         "guardian1_name": "王秀英" if row["guardian1_phone"].endswith("8000") else row["guardian1_name"]}
        if row["class_name"] == "1班" else row
        for row in ROWS
    ]
    result = await import_roster(session, clock, school.id, "r.xlsx", xlsx(edited))
    assert (result.classes_updated, result.people_created, result.people_updated) == (1, 1, 0)
    assert result.students_unchanged == 3
    school_class = await session.scalar(select(SchoolClass).where(SchoolClass.name == "1班"))
    post = await session.get(Staff, school_class.head_teacher_id)
    assert (await session.get(Person, post.person_id)).phone == "+8613000130000"
    assert granny.name == "王奶奶"
