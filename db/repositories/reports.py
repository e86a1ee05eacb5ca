"""Queries behind the report spreadsheets (services/reports): bulk reads per school, no
per-student round trips, nothing written."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, Select, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    CensusChange,
    CensusEntry,
    County,
    HomeReturn,
    HomeVisit,
    ReturnRound,
    School,
    SchoolClass,
    Student,
    StudentMentor,
    StudentStatusChange,
    Term,
)
from db.models.census import CensusChangeKind
from db.models.returns import HOME_CONFIRMED
from db.repositories.classes import classes_headed_by  # noqa: F401  (re-exported)


async def school(session: AsyncSession, school_id: int) -> School | None:
    return await session.get(School, school_id)


async def county(session: AsyncSession, county_id: int) -> County | None:
    return await session.get(County, county_id)


async def schools_of_county(session: AsyncSession, county_id: int) -> list[School]:
    return list(await session.scalars(select(School).where(School.county_id == county_id).order_by(School.name, School.id)))


async def county_by_name(session: AsyncSession, name: str) -> County | None:
    return await session.scalar(select(County).where(County.name == name))


async def schools_named(session: AsyncSession, name: str, county_id: int | None = None) -> list[School]:
    query = select(School).where(School.name == name)
    if county_id is not None:
        query = query.where(School.county_id == county_id)
    return list(await session.scalars(query.order_by(School.id)))


async def terms_named(session: AsyncSession, school_ids: Iterable[int], name: str) -> list[Term]:
    ids = sorted(set(school_ids))
    if not ids:
        return []
    return list(await session.scalars(
        select(Term).where(Term.school_id.in_(ids), Term.name == name).order_by(Term.starts_on.desc())
    ))


async def classes_of_schools(session: AsyncSession, school_ids: Iterable[int]) -> dict[int, SchoolClass]:
    ids = sorted(set(school_ids))
    if not ids:
        return {}
    rows = await session.scalars(select(SchoolClass).where(SchoolClass.school_id.in_(ids)))
    return {c.id: c for c in rows}


class StudentRow(NamedTuple):
    """The columns of a student the reports read, as a plain row: a county's 100,000
    students load several times faster than as ORM objects (or dataclasses) and take far
    less memory."""

    id: int
    student_number: str
    school_id: int
    class_id: int | None
    name: str
    gender: str | None
    status: str
    is_left_behind: bool
    is_migrant: bool
    is_disabled: bool
    has_hardship: bool
    is_boarding: bool


_STUDENT_ROW = (
    Student.id, Student.student_number, Student.school_id, Student.class_id, Student.name, Student.gender,
    Student.status, Student.is_left_behind, Student.is_migrant, Student.is_disabled, Student.has_hardship,
    Student.is_boarding,
)


async def students_touching(session: AsyncSession, school_ids: Iterable[int]) -> list[StudentRow]:
    """Every student who is, or ever was, on these schools' books: today's rows plus
    those whose status history names one of the schools (transferred away, in transit)."""
    ids = sorted(set(school_ids))
    if not ids:
        return []
    history = select(StudentStatusChange.student_id).where(
        or_(StudentStatusChange.school_id.in_(ids), StudentStatusChange.other_school_id.in_(ids))
    )
    rows = await session.execute(
        select(*_STUDENT_ROW).where(or_(Student.school_id.in_(ids), Student.id.in_(history))).order_by(Student.id)
    )
    return [StudentRow._make(row) for row in rows.all()]


async def left_behind_changes(
    session: AsyncSession, school_ids: Iterable[int]
) -> dict[int, list[tuple[datetime, str]]]:
    """Student id -> (when, kind) of each census change that made them left-behind or not,
    oldest first, for census entries of these schools (services.census writes them)."""
    ids = sorted(set(school_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(CensusChange.student_id, CensusChange.recorded_at, CensusChange.kind)
        .join(CensusEntry, CensusEntry.id == CensusChange.entry_id)
        .where(
            CensusEntry.school_id.in_(ids),
            CensusChange.kind.in_([CensusChangeKind.BECAME_LEFT_BEHIND, CensusChangeKind.STOPPED_LEFT_BEHIND]),
        )
        .order_by(CensusChange.student_id, CensusChange.recorded_at, CensusChange.id)
    )
    found: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    for student_id, at, kind in rows:
        found[student_id].append((at, kind))
    return found


async def status_histories(
    session: AsyncSession, school_ids: Iterable[int]
) -> dict[int, list[StudentStatusChange]]:
    """Student id -> their status changes, oldest first, for students touching the schools."""
    ids = sorted(set(school_ids))
    if not ids:
        return {}
    touching = select(Student.id).where(Student.school_id.in_(ids))
    named = select(StudentStatusChange.student_id).where(
        or_(StudentStatusChange.school_id.in_(ids), StudentStatusChange.other_school_id.in_(ids))
    )
    rows = await session.scalars(
        select(StudentStatusChange)
        .where(or_(StudentStatusChange.student_id.in_(touching), StudentStatusChange.student_id.in_(named)))
        .order_by(StudentStatusChange.student_id, StudentStatusChange.effective_on, StudentStatusChange.id)
    )
    found: dict[int, list[StudentStatusChange]] = defaultdict(list)
    for change in rows:
        found[change.student_id].append(change)
    return found


async def changes_between(
    session: AsyncSession, school_ids: Iterable[int], start: date, end: date
) -> list[tuple[StudentStatusChange, Student]]:
    """Status changes a school recorded with an effective date in [start, end]."""
    ids = sorted(set(school_ids))
    if not ids:
        return []
    rows = await session.execute(
        select(StudentStatusChange, Student)
        .join(Student, Student.id == StudentStatusChange.student_id)
        .where(
            StudentStatusChange.school_id.in_(ids),
            StudentStatusChange.effective_on >= start,
            StudentStatusChange.effective_on <= end,
        )
        .order_by(StudentStatusChange.effective_on, StudentStatusChange.id)
    )
    return [(change, student) for change, student in rows.all()]


async def students_by_ids(session: AsyncSession, student_ids: Iterable[int]) -> dict[int, Student]:
    ids = sorted(set(student_ids))
    if not ids:
        return {}
    return {s.id: s for s in await session.scalars(select(Student).where(Student.id.in_(ids)))}


async def return_counts(
    session: AsyncSession, school_id: int, start: date, end: date
) -> dict[int, tuple[int, int]]:
    """Student id -> (times asked "arrived home?", times confirmed home) for the school's
    releases from start to end."""
    confirmed = func.sum(case((HomeReturn.status.in_([s.value for s in HOME_CONFIRMED]), 1), else_=0))
    rows = await session.execute(
        select(HomeReturn.student_id, func.count(HomeReturn.id), confirmed)
        .join(ReturnRound, ReturnRound.id == HomeReturn.round_id)
        .where(ReturnRound.school_id == school_id, ReturnRound.release_day >= start, ReturnRound.release_day <= end)
        .group_by(HomeReturn.student_id)
    )
    return {student_id: (int(asked), int(done or 0)) for student_id, asked, done in rows.all()}


async def return_counts_of_schools(
    session: AsyncSession, school_ids: Iterable[int], start: date, end: date
) -> dict[int, dict[int, tuple[int, int]]]:
    """return_counts of several schools in one query: school id -> student id -> counts."""
    ids = sorted(set(school_ids))
    if not ids:
        return {}
    confirmed = func.sum(case((HomeReturn.status.in_([s.value for s in HOME_CONFIRMED]), 1), else_=0))
    rows = await session.execute(
        select(ReturnRound.school_id, HomeReturn.student_id, func.count(HomeReturn.id), confirmed)
        .join(ReturnRound, ReturnRound.id == HomeReturn.round_id)
        .where(ReturnRound.school_id.in_(ids), ReturnRound.release_day >= start, ReturnRound.release_day <= end)
        .group_by(ReturnRound.school_id, HomeReturn.student_id)
    )
    found: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    for school_id, student_id, asked, done in rows.all():
        found[school_id][student_id] = (int(asked), int(done or 0))
    return found


async def visit_counts_of_schools(
    session: AsyncSession, school_ids: Iterable[int], start: date, end: date
) -> dict[int, dict[int, int]]:
    """visit_counts of several schools in one query: school id -> student id -> visits."""
    ids = sorted(set(school_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(HomeVisit.school_id, HomeVisit.student_id, func.count(HomeVisit.id))
        .where(HomeVisit.school_id.in_(ids), HomeVisit.visited_on >= start, HomeVisit.visited_on <= end)
        .group_by(HomeVisit.school_id, HomeVisit.student_id)
    )
    found: dict[int, dict[int, int]] = defaultdict(dict)
    for school_id, student_id, count in rows.all():
        found[school_id][student_id] = int(count)
    return found


async def mentored_at_schools(session: AsyncSession, school_ids: Iterable[int], moment: datetime) -> dict[int, set[int]]:
    """mentored_at of several schools in one query: school id -> students."""
    ids = sorted(set(school_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(Student.school_id, StudentMentor.student_id)
        .join(Student, Student.id == StudentMentor.student_id)
        .where(
            Student.school_id.in_(ids),
            StudentMentor.started_at <= moment,
            or_(StudentMentor.ended_at.is_(None), StudentMentor.ended_at > moment),
        )
    )
    found: dict[int, set[int]] = defaultdict(set)
    for school_id, student_id in rows.all():
        found[school_id].add(student_id)
    return found


async def schools_by_ids(session: AsyncSession, school_ids: Iterable[int]) -> dict[int, School]:
    ids = sorted(set(school_ids))
    if not ids:
        return {}
    return {s.id: s for s in await session.scalars(select(School).where(School.id.in_(ids)))}


async def visit_counts(session: AsyncSession, school_id: int, start: date, end: date) -> dict[int, int]:
    rows = await session.execute(
        select(HomeVisit.student_id, func.count(HomeVisit.id))
        .where(HomeVisit.school_id == school_id, HomeVisit.visited_on >= start, HomeVisit.visited_on <= end)
        .group_by(HomeVisit.student_id)
    )
    return {student_id: int(count) for student_id, count in rows.all()}


async def mentored_at(session: AsyncSession, school_id: int, moment: datetime) -> set[int]:
    """Students of the school who had a mentor (帮扶教师) at that moment."""
    rows = await session.scalars(
        select(StudentMentor.student_id)
        .join(Student, Student.id == StudentMentor.student_id)
        .where(
            Student.school_id == school_id,
            StudentMentor.started_at <= moment,
            or_(StudentMentor.ended_at.is_(None), StudentMentor.ended_at > moment),
        )
    )
    return set(rows)


async def students_among(
    session: AsyncSession, school_ids: Iterable[int], grounds: Iterable[Select[tuple[int]]]
) -> set[int]:
    """Students of the schools whose id is in any of the `grounds` sub-selects."""
    ids = sorted(set(school_ids))
    clauses: list[ColumnElement[bool]] = [Student.id.in_(ground) for ground in grounds]
    if not ids or not clauses:
        return set()
    return set(await session.scalars(select(Student.id).where(Student.school_id.in_(ids), or_(*clauses))))
