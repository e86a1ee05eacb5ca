"""Incidents, their timelines, and the people an incident concerns. Never commits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Incident,
    IncidentEvent,
    Person,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
)
from db.repositories.people import is_current_guardian, school_admins  # noqa: F401  (shared; callers use repo.<name>)


@dataclass(frozen=True)
class IncidentRow:
    """An incident with what a list, a card, a message or the export shows about it."""

    incident: Incident
    student_name: str
    class_id: int | None
    grade: int | None
    class_name: str | None
    head_teacher_id: int | None  # Staff id
    school_name: str
    county_id: int
    timezone: str
    opened_by: str | None


def _query():  # type: ignore[no-untyped-def]
    return (
        select(
            Incident,
            Student.name,
            Student.class_id,
            SchoolClass.grade,
            SchoolClass.name,
            SchoolClass.head_teacher_id,
            School.name,
            School.county_id,
            School.timezone,
            Person.name,
        )
        .join(Student, Student.id == Incident.student_id)
        .join(School, School.id == Incident.school_id)
        .outerjoin(SchoolClass, SchoolClass.id == Student.class_id)
        .outerjoin(Person, Person.id == Incident.opened_by_id)
    )


async def incident_row(session: AsyncSession, incident_id: int) -> IncidentRow | None:
    row = (await session.execute(_query().where(Incident.id == incident_id))).first()
    return IncidentRow(*row) if row else None  # type: ignore[arg-type]


async def incident_rows(
    session: AsyncSession, where: ColumnElement[bool], *, open_only: bool = True, limit: int | None = None
) -> list[IncidentRow]:
    query = _query().where(where)
    if open_only:
        query = query.where(Incident.closed_at.is_(None))
    query = query.order_by(Incident.happened_at.desc(), Incident.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [IncidentRow(*row) for row in (await session.execute(query)).all()]  # type: ignore[arg-type]


async def open_incidents(session: AsyncSession) -> list[Incident]:
    return list(
        await session.scalars(select(Incident).where(Incident.closed_at.is_(None)).order_by(Incident.id))
    )


async def add(session: AsyncSession, obj: object) -> None:
    session.add(obj)
    await session.flush()


async def events_of(
    session: AsyncSession, incident_ids: Iterable[int]
) -> dict[int, list[tuple[IncidentEvent, str | None]]]:
    """Each incident's events in time order, with the name of who did it."""
    ids = sorted(set(incident_ids))
    out: dict[int, list[tuple[IncidentEvent, str | None]]] = defaultdict(list)
    if not ids:
        return out
    rows = await session.execute(
        select(IncidentEvent, Person.name)
        .outerjoin(Person, Person.id == IncidentEvent.by_id)
        .where(IncidentEvent.incident_id.in_(ids))
        .order_by(IncidentEvent.at, IncidentEvent.id)
    )
    for event, name in rows.all():
        out[event.incident_id].append((event, name))
    return out


async def claim(session: AsyncSession, incident_id: int, column: str, at: datetime, **also: Any) -> bool:
    """Set `column` (an escalation step or an acknowledgement) if nobody set it before:
    one atomic UPDATE, so two processes or two taps cannot both win."""
    target = getattr(Incident, column)
    result = await session.execute(
        update(Incident).where(Incident.id == incident_id, target.is_(None)).values({column: at, **also})
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def current_guardians(session: AsyncSession, student_id: int) -> list[tuple[Person, str]]:
    rows = await session.execute(
        select(Person, StudentGuardian.relation)
        .join(StudentGuardian, StudentGuardian.person_id == Person.id)
        .where(StudentGuardian.student_id == student_id, StudentGuardian.ended_at.is_(None))
        .order_by(StudentGuardian.id)
    )
    return [(p, relation) for p, relation in rows.all()]




async def bureau_officers(session: AsyncSession, county_id: int) -> list[Person]:
    rows = await session.scalars(
        select(Person)
        .join(Staff, Staff.person_id == Person.id)
        .where(Staff.county_id == county_id, Staff.is_bureau_officer.is_(True), Staff.active.is_(True))
        .order_by(Person.id)
    )
    return list(dict.fromkeys(rows.all()))




async def head_teacher(session: AsyncSession, staff_id: int | None) -> Person | None:
    if staff_id is None:
        return None
    return await session.scalar(
        select(Person).join(Staff, Staff.person_id == Person.id).where(Staff.id == staff_id, Staff.active.is_(True))
    )


async def classes_of_students(session: AsyncSession, where: ColumnElement[bool]) -> list[SchoolClass]:
    """The classes that hold at least one student matching `where`."""
    return list(
        await session.scalars(
            select(SchoolClass)
            .where(SchoolClass.id.in_(select(Student.class_id).where(where)))
            .order_by(SchoolClass.school_id, SchoolClass.grade, SchoolClass.name)
        )
    )


async def students(session: AsyncSession, where: ColumnElement[bool], limit: int) -> list[Student]:
    return list(await session.scalars(select(Student).where(where).order_by(Student.name, Student.id).limit(limit)))


async def schools_of_counties(session: AsyncSession, county_ids: Iterable[int]) -> list[School]:
    ids = sorted(set(county_ids))
    if not ids:
        return []
    return list(await session.scalars(select(School).where(School.county_id.in_(ids)).order_by(School.id)))


async def count_open(session: AsyncSession, where: ColumnElement[bool]) -> int:
    return (
        await session.scalar(
            select(func.count(Incident.id))
            .join(Student, Student.id == Incident.student_id)
            .where(where, Incident.closed_at.is_(None))
        )
        or 0
    )
