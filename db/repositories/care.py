"""Queries for home visits, mentoring and counselling notes. Never commits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    CounsellingNote,
    HomeVisit,
    MentorActivity,
    Person,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentMentor,
    StudentStatus,
)
from db.repositories.people import school_admins  # noqa: F401  (shared; callers use repo.<name>)


@dataclass(frozen=True)
class StudentChoice:
    id: int
    name: str
    school_id: int
    grade: int | None
    class_name: str | None
    is_left_behind: bool


@dataclass(frozen=True)
class TeacherChoice:
    staff_id: int
    school_id: int
    person_id: int
    name: str


async def add(session: AsyncSession, obj: object) -> None:
    session.add(obj)
    await session.flush()


def _choice_query():  # type: ignore[no-untyped-def]
    return (
        select(
            Student.id, Student.name, Student.school_id, SchoolClass.grade, SchoolClass.name,
            Student.is_left_behind,
        )
        .outerjoin(SchoolClass, SchoolClass.id == Student.class_id)
    )


def _choices(rows: Iterable[tuple]) -> list[StudentChoice]:  # type: ignore[type-arg]
    return [StudentChoice(*row) for row in rows]


async def enrolled_students(
    session: AsyncSession, where: ColumnElement[bool], *, name_part: str | None = None, limit: int = 200
) -> list[StudentChoice]:
    """Enrolled students matching `where` (an access clause), by class then name; a name
    part narrows the list (typed search)."""
    query = _choice_query().where(where, Student.status == StudentStatus.ENROLLED)
    if name_part:
        query = query.where(Student.name.contains(name_part, autoescape=True))
    query = query.order_by(SchoolClass.grade, SchoolClass.name, Student.name, Student.id).limit(limit)
    return _choices((await session.execute(query)).all())


async def student_choice(session: AsyncSession, student_id: int) -> StudentChoice | None:
    row = (await session.execute(_choice_query().where(Student.id == student_id))).first()
    return StudentChoice(*row) if row else None


async def school_timezone(session: AsyncSession, school_id: int) -> str:
    return await session.scalar(select(School.timezone).where(School.id == school_id)) or "Asia/Shanghai"


async def schools(session: AsyncSession) -> list[School]:
    return list(await session.scalars(select(School).order_by(School.id)))


# --------------------------------------------------------------------- visits


async def due_follow_ups(session: AsyncSession, school_id: int, today: date) -> list[tuple[HomeVisit, Person, str]]:
    """Visits of the school whose follow-up date has come and whose reminder is not out."""
    rows = await session.execute(
        select(HomeVisit, Person, Student.name)
        .join(Person, Person.id == HomeVisit.visited_by_id)
        .join(Student, Student.id == HomeVisit.student_id)
        .where(
            HomeVisit.school_id == school_id,
            HomeVisit.follow_up_on.is_not(None),
            HomeVisit.follow_up_on <= today,
            HomeVisit.follow_up_sent_at.is_(None),
        )
        .order_by(HomeVisit.id)
    )
    return [(visit, person, name) for visit, person, name in rows.all()]


async def visits_of_student(session: AsyncSession, student_id: int, limit: int = 50) -> list[HomeVisit]:
    return list(
        await session.scalars(
            select(HomeVisit)
            .where(HomeVisit.student_id == student_id)
            .order_by(HomeVisit.visited_on.desc(), HomeVisit.id.desc())
            .limit(limit)
        )
    )


# ------------------------------------------------------------------ mentoring


async def teachers_of_schools(session: AsyncSession, school_ids: Iterable[int]) -> list[TeacherChoice]:
    """Active teaching posts (any teacher flag) of these schools, by name."""
    ids = sorted(set(school_ids))
    if not ids:
        return []
    rows = await session.execute(
        select(Staff.id, Staff.school_id, Person.id, Person.name)
        .join(Person, Person.id == Staff.person_id)
        .where(
            Staff.school_id.in_(ids),
            Staff.active.is_(True),
            or_(
                Staff.is_head_teacher.is_(True),
                Staff.is_subject_teacher.is_(True),
                Staff.is_mentor.is_(True),
                Staff.is_counsellor.is_(True),
            ),
        )
        .order_by(Person.name, Staff.id)
    )
    return [TeacherChoice(*row) for row in rows.all()]


async def active_links(
    session: AsyncSession, *, staff_id: int | None = None, student_ids: Iterable[int] | None = None
) -> list[StudentMentor]:
    query = select(StudentMentor).where(StudentMentor.ended_at.is_(None))
    if staff_id is not None:
        query = query.where(StudentMentor.staff_id == staff_id)
    if student_ids is not None:
        query = query.where(StudentMentor.student_id.in_(sorted(set(student_ids))))
    return list(await session.scalars(query.order_by(StudentMentor.id)))


async def mentees(session: AsyncSession, staff_ids: Iterable[int]) -> list[StudentChoice]:
    ids = sorted(set(staff_ids))
    if not ids:
        return []
    linked = select(StudentMentor.student_id).where(
        StudentMentor.staff_id.in_(ids), StudentMentor.ended_at.is_(None)
    )
    return await enrolled_students(session, Student.id.in_(linked))


async def mentors_of_student(session: AsyncSession, student_id: int, staff_ids: Iterable[int]) -> list[int]:
    """Which of these staff posts mentor the student now."""
    ids = sorted(set(staff_ids))
    if not ids:
        return []
    return list(
        await session.scalars(
            select(StudentMentor.staff_id).where(
                StudentMentor.student_id == student_id,
                StudentMentor.staff_id.in_(ids),
                StudentMentor.ended_at.is_(None),
            )
        )
    )


def _unmentored(school_ids: Iterable[int]) -> ColumnElement[bool]:
    has_mentor = select(StudentMentor.student_id).where(StudentMentor.ended_at.is_(None))
    return and_(
        Student.school_id.in_(sorted(set(school_ids))),
        Student.is_left_behind.is_(True),
        Student.status == StudentStatus.ENROLLED,
        Student.id.not_in(has_mentor),
    )


async def left_behind_without_mentor(
    session: AsyncSession, school_ids: Iterable[int], limit: int = 500
) -> list[StudentChoice]:
    return await enrolled_students(session, _unmentored(school_ids), limit=limit)


async def coverage_counts(session: AsyncSession, school_id: int) -> tuple[int, int]:
    """(left-behind enrolled students, those of them without a mentor) in a school."""
    total = await session.scalar(
        select(func.count(Student.id)).where(
            Student.school_id == school_id,
            Student.is_left_behind.is_(True),
            Student.status == StudentStatus.ENROLLED,
        )
    )
    missing = await session.scalar(select(func.count(Student.id)).where(_unmentored([school_id])))
    return int(total or 0), int(missing or 0)




async def activities_of_student(session: AsyncSession, student_id: int, limit: int = 50) -> list[MentorActivity]:
    return list(
        await session.scalars(
            select(MentorActivity)
            .where(MentorActivity.student_id == student_id)
            .order_by(MentorActivity.happened_on.desc(), MentorActivity.id.desc())
            .limit(limit)
        )
    )


# ---------------------------------------------------------------- counselling


async def notes_of_student(
    session: AsyncSession, student_id: int, limit: int = 20
) -> list[tuple[CounsellingNote, str]]:
    rows = await session.execute(
        select(CounsellingNote, Person.name)
        .join(Person, Person.id == CounsellingNote.written_by_id)
        .where(CounsellingNote.student_id == student_id)
        .order_by(CounsellingNote.written_on.desc(), CounsellingNote.id.desc())
        .limit(limit)
    )
    return [(note, name) for note, name in rows.all()]


# --------------------------------------------------------------------- ledger


async def visits_for_ledger(
    session: AsyncSession, student_id: int, since: date | None, until: date | None
) -> list[tuple[HomeVisit, str]]:
    query = (
        select(HomeVisit, Person.name)
        .join(Person, Person.id == HomeVisit.visited_by_id)
        .where(HomeVisit.student_id == student_id)
    )
    if since is not None:
        query = query.where(HomeVisit.visited_on >= since)
    if until is not None:
        query = query.where(HomeVisit.visited_on <= until)
    return [(v, name) for v, name in (await session.execute(query.order_by(HomeVisit.id))).all()]


async def activities_for_ledger(
    session: AsyncSession, student_id: int, since: date | None, until: date | None
) -> list[tuple[MentorActivity, str]]:
    query = (
        select(MentorActivity, Person.name)
        .join(Person, Person.id == MentorActivity.recorded_by_id)
        .where(MentorActivity.student_id == student_id)
    )
    if since is not None:
        query = query.where(MentorActivity.happened_on >= since)
    if until is not None:
        query = query.where(MentorActivity.happened_on <= until)
    return [(a, name) for a, name in (await session.execute(query.order_by(MentorActivity.id))).all()]
