"""What the student's ledger (台帐) reads, and the 学籍 status-change rows it writes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AttendanceMark,
    AwayParent,
    DropoutCase,
    DropoutCaseEvent,
    HomeReturn,
    HomeVisit,
    Incident,
    MonthlyParentContact,
    Person,
    ReturnRound,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
    StudentMentor,
    StudentStatus,
    StudentStatusChange,
    TeacherParentContact,
)
from db.repositories.classes import classes_headed_by, classes_of_schools  # noqa: F401  (re-exported)
from db.repositories.people import school_admins  # noqa: F401  (shared; callers use repo.<name>)


@dataclass(frozen=True)
class StudentRow:
    student: Student
    school_name: str
    timezone: str
    county_id: int
    grade: int | None
    class_name: str | None
    head_teacher_id: int | None


def _student_query():  # type: ignore[no-untyped-def]
    return (
        select(
            Student, School.name, School.timezone, School.county_id, SchoolClass.grade, SchoolClass.name,
            SchoolClass.head_teacher_id,
        )
        .join(School, School.id == Student.school_id)
        .outerjoin(SchoolClass, SchoolClass.id == Student.class_id)
    )


async def student_row(session: AsyncSession, student_id: int) -> StudentRow | None:
    row = (await session.execute(_student_query().where(Student.id == student_id))).first()
    return StudentRow(*row) if row else None


async def student_rows(
    session: AsyncSession, where: ColumnElement[bool], limit: int | None = None
) -> list[StudentRow]:
    query = _student_query().where(where).order_by(SchoolClass.grade, SchoolClass.name, Student.name, Student.id)
    if limit is not None:
        query = query.limit(limit)
    return [StudentRow(*row) for row in await session.execute(query)]


async def school_timezone(session: AsyncSession, student_id: int) -> str:
    found = await session.scalar(
        select(School.timezone).join(Student, Student.school_id == School.id).where(Student.id == student_id)
    )
    return found or "Asia/Shanghai"


async def away_parents(session: AsyncSession, student_ids: Iterable[int]) -> dict[int, list[AwayParent]]:
    ids = sorted(set(student_ids))
    out: dict[int, list[AwayParent]] = {i: [] for i in ids}
    if not ids:
        return out
    for parent in await session.scalars(
        select(AwayParent).where(AwayParent.student_id.in_(ids)).order_by(AwayParent.id)
    ):
        out[parent.student_id].append(parent)
    return out


async def guardian_links(
    session: AsyncSession, student_ids: Iterable[int], *, current_only: bool
) -> dict[int, list[tuple[StudentGuardian, Person]]]:
    ids = sorted(set(student_ids))
    out: dict[int, list[tuple[StudentGuardian, Person]]] = {i: [] for i in ids}
    if not ids:
        return out
    query = (
        select(StudentGuardian, Person)
        .join(Person, Person.id == StudentGuardian.person_id)
        .where(StudentGuardian.student_id.in_(ids))
        .order_by(StudentGuardian.id)
    )
    if current_only:
        query = query.where(StudentGuardian.ended_at.is_(None))
    for link, person in (await session.execute(query)).all():
        out[link.student_id].append((link, person))
    return out


async def mentor_names(session: AsyncSession, student_ids: Iterable[int]) -> dict[int, list[str]]:
    ids = sorted(set(student_ids))
    out: dict[int, list[str]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = await session.execute(
        select(StudentMentor.student_id, Person.name)
        .join(Staff, Staff.id == StudentMentor.staff_id)
        .join(Person, Person.id == Staff.person_id)
        .where(StudentMentor.student_id.in_(ids), StudentMentor.ended_at.is_(None))
        .order_by(StudentMentor.id)
    )
    for student_id, name in rows.all():
        out[student_id].append(name)
    return out


async def is_current_mentor(session: AsyncSession, staff_ids: Iterable[int], student_id: int) -> bool:
    ids = list(staff_ids)
    if not ids:
        return False
    found = await session.scalar(
        select(StudentMentor.id).where(
            StudentMentor.student_id == student_id, StudentMentor.staff_id.in_(ids), StudentMentor.ended_at.is_(None)
        )
    )
    return found is not None


async def marks(
    session: AsyncSession, student_id: int, since: date | None, until: date | None
) -> list[AttendanceMark]:
    query = select(AttendanceMark).where(AttendanceMark.student_id == student_id)
    if since is not None:
        query = query.where(AttendanceMark.day >= since)
    if until is not None:
        query = query.where(AttendanceMark.day <= until)
    return list(await session.scalars(query.order_by(AttendanceMark.day)))


async def absent_days(
    session: AsyncSession, student_ids: Iterable[int], since: date | None, until: date | None
) -> dict[int, int]:
    ids = sorted(set(student_ids))
    if not ids:
        return {}
    query = select(AttendanceMark.student_id, func.count(AttendanceMark.id)).where(
        AttendanceMark.student_id.in_(ids), AttendanceMark.status == "absent"
    )
    if since is not None:
        query = query.where(AttendanceMark.day >= since)
    if until is not None:
        query = query.where(AttendanceMark.day <= until)
    rows = await session.execute(query.group_by(AttendanceMark.student_id))
    return {student_id: count for student_id, count in rows.all()}


async def dropout_events(
    session: AsyncSession, student_id: int, since: date | None, until: date | None
) -> list[DropoutCaseEvent]:
    query = (
        select(DropoutCaseEvent)
        .join(DropoutCase, DropoutCase.id == DropoutCaseEvent.case_id)
        .where(DropoutCase.student_id == student_id)
    )
    if since is not None:
        query = query.where(DropoutCaseEvent.happened_on >= since)
    if until is not None:
        query = query.where(DropoutCaseEvent.happened_on <= until)
    return list(await session.scalars(query.order_by(DropoutCaseEvent.happened_on, DropoutCaseEvent.id)))


async def dropout_events_of(
    session: AsyncSession, student_ids: Iterable[int], since: date | None, until: date | None
) -> list[tuple[int, DropoutCaseEvent]]:
    ids = sorted(set(student_ids))
    if not ids:
        return []
    query = (
        select(DropoutCase.student_id, DropoutCaseEvent)
        .join(DropoutCase, DropoutCase.id == DropoutCaseEvent.case_id)
        .where(DropoutCase.student_id.in_(ids))
    )
    if since is not None:
        query = query.where(DropoutCaseEvent.happened_on >= since)
    if until is not None:
        query = query.where(DropoutCaseEvent.happened_on <= until)
    rows = await session.execute(query.order_by(DropoutCaseEvent.happened_on, DropoutCaseEvent.id))
    return [(student_id, event) for student_id, event in rows.all()]


async def timezones(session: AsyncSession, student_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(student_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(Student.id, School.timezone).join(School, School.id == Student.school_id).where(Student.id.in_(ids))
    )
    return dict(rows.all())


async def open_cases(session: AsyncSession, student_ids: Iterable[int]) -> dict[int, DropoutCase]:
    ids = sorted(set(student_ids))
    if not ids:
        return {}
    rows = await session.scalars(
        select(DropoutCase).where(DropoutCase.student_id.in_(ids), DropoutCase.ended_at.is_(None))
    )
    return {case.student_id: case for case in rows}


async def open_case_of(session: AsyncSession, student_id: int) -> DropoutCase | None:
    return (await open_cases(session, [student_id])).get(student_id)


async def status_changes(
    session: AsyncSession, student_id: int, since: date | None, until: date | None
) -> list[StudentStatusChange]:
    query = select(StudentStatusChange).where(StudentStatusChange.student_id == student_id)
    if since is not None:
        query = query.where(StudentStatusChange.effective_on >= since)
    if until is not None:
        query = query.where(StudentStatusChange.effective_on <= until)
    return list(await session.scalars(query.order_by(StudentStatusChange.effective_on, StudentStatusChange.id)))


async def school_names(session: AsyncSession, school_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(school_ids))
    if not ids:
        return {}
    return dict((await session.execute(select(School.id, School.name).where(School.id.in_(ids)))).all())


async def classes_of(session: AsyncSession, where: ColumnElement[bool]) -> list[SchoolClass]:
    """Classes that hold at least one student matching `where`, or matching it themselves."""
    return list(
        await session.scalars(
            select(SchoolClass)
            .where(SchoolClass.id.in_(select(Student.class_id).where(where)))
            .order_by(SchoolClass.school_id, SchoolClass.grade, SchoolClass.name, SchoolClass.id)
        )
    )


async def get_class(session: AsyncSession, class_id: int) -> SchoolClass | None:
    return await session.get(SchoolClass, class_id)


async def students(
    session: AsyncSession, where: ColumnElement[bool], *, statuses: Iterable[str] | None = None, limit: int = 200
) -> list[Student]:
    query = select(Student).where(where)
    if statuses is not None:
        query = query.where(Student.status.in_(list(statuses)))
    return list(await session.scalars(query.order_by(Student.name, Student.id).limit(limit)))


async def search_students(
    session: AsyncSession, where: ColumnElement[bool], text: str, limit: int
) -> list[StudentRow]:
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return await student_rows(session, Student.name.like(pattern, escape="\\") & where, limit=limit)


async def schools_named(session: AsyncSession, name: str) -> list[School]:
    return list(await session.scalars(select(School).where(School.name == name).order_by(School.id)))


async def school(session: AsyncSession, school_id: int) -> School | None:
    return await session.get(School, school_id)


async def student_by_number(session: AsyncSession, number: str) -> Student | None:
    return await session.scalar(select(Student).where(Student.student_number == number))


async def pending_files(session: AsyncSession, school_ids: Iterable[int]) -> list[tuple[StudentStatusChange, str]]:
    ids = sorted(set(school_ids))
    if not ids:
        return []
    rows = await session.execute(
        select(StudentStatusChange, Student.name)
        .join(Student, Student.id == StudentStatusChange.student_id)
        .where(
            StudentStatusChange.school_id.in_(ids),
            StudentStatusChange.file_pending.is_(True),
            StudentStatusChange.file_cleared_at.is_(None),
        )
        .order_by(StudentStatusChange.effective_on, StudentStatusChange.id)
    )
    return [(change, name) for change, name in rows.all()]


async def status_change(session: AsyncSession, change_id: int) -> StudentStatusChange | None:
    return await session.get(StudentStatusChange, change_id)


async def arrivals(session: AsyncSession, school_ids: Iterable[int]) -> list[Student]:
    """Students moved here from another school in the system and not yet in a class."""
    ids = sorted(set(school_ids))
    if not ids:
        return []
    return list(
        await session.scalars(
            select(Student)
            .where(
                Student.school_id.in_(ids), Student.class_id.is_(None), Student.status == StudentStatus.ENROLLED
            )
            .order_by(Student.name, Student.id)
        )
    )




def add(session: AsyncSession, *objects: object) -> None:
    session.add_all(objects)



# ------------------------------------------------ more timeline sources (issue #5)


def _ids(student_ids: Iterable[int]) -> list[int]:
    return sorted(set(student_ids))


async def home_returns_of(
    session: AsyncSession, student_ids: Iterable[int], since: date | None, until: date | None
) -> list[tuple[HomeReturn, ReturnRound]]:
    """Each child's answer to each release (weekend or holiday), oldest first."""
    ids = _ids(student_ids)
    if not ids:
        return []
    query = (
        select(HomeReturn, ReturnRound)
        .join(ReturnRound, ReturnRound.id == HomeReturn.round_id)
        .where(HomeReturn.student_id.in_(ids))
    )
    if since is not None:
        query = query.where(ReturnRound.release_day >= since)
    if until is not None:
        query = query.where(ReturnRound.release_day <= until)
    rows = await session.execute(query.order_by(ReturnRound.release_day, HomeReturn.id))
    return [(home, rnd) for home, rnd in rows.all()]


async def monthly_contacts_of(
    session: AsyncSession, student_ids: Iterable[int], since: date | None, until: date | None
) -> list[tuple[MonthlyParentContact, str | None]]:
    """每月联系: the months a child's talk with the away parents was confirmed, and by whom.
    A month counts when its first day is within the period, or the period starts inside it."""
    ids = _ids(student_ids)
    if not ids:
        return []
    query = (
        select(MonthlyParentContact, Person.name)
        .outerjoin(Person, Person.id == MonthlyParentContact.confirmed_by_id)
        .where(MonthlyParentContact.student_id.in_(ids))
    )
    if since is not None:
        query = query.where(MonthlyParentContact.month >= since.replace(day=1))
    if until is not None:
        query = query.where(MonthlyParentContact.month <= until)
    rows = await session.execute(query.order_by(MonthlyParentContact.month, MonthlyParentContact.id))
    return [(contact, name) for contact, name in rows.all()]


async def teacher_contacts_of(
    session: AsyncSession, student_ids: Iterable[int], since: date | None, until: date | None
) -> list[tuple[TeacherParentContact, str | None]]:
    """教师与家长联系: each contact a teacher logged with the away parents."""
    ids = _ids(student_ids)
    if not ids:
        return []
    query = (
        select(TeacherParentContact, Person.name)
        .outerjoin(Person, Person.id == TeacherParentContact.recorded_by_id)
        .where(TeacherParentContact.student_id.in_(ids))
    )
    if since is not None:
        query = query.where(TeacherParentContact.contacted_on >= since)
    if until is not None:
        query = query.where(TeacherParentContact.contacted_on <= until)
    rows = await session.execute(query.order_by(TeacherParentContact.contacted_on, TeacherParentContact.id))
    return [(contact, name) for contact, name in rows.all()]


async def incidents_of(session: AsyncSession, student_ids: Iterable[int]) -> list[Incident]:
    """Every incident of these students (the caller filters by the school's calendar day)."""
    ids = _ids(student_ids)
    if not ids:
        return []
    return list(
        await session.scalars(
            select(Incident).where(Incident.student_id.in_(ids)).order_by(Incident.happened_at, Incident.id)
        )
    )


async def visits_of_events(session: AsyncSession, event_ids: Iterable[int]) -> dict[int, HomeVisit]:
    """Home visits that are also a dropout case's visit event, by that event's id."""
    ids = _ids(event_ids)
    if not ids:
        return {}
    rows = await session.scalars(select(HomeVisit).where(HomeVisit.dropout_event_id.in_(ids)))
    return {visit.dropout_event_id: visit for visit in rows if visit.dropout_event_id is not None}


async def home_visit(session: AsyncSession, visit_id: int) -> HomeVisit | None:
    return await session.get(HomeVisit, visit_id)


async def schools_with_pending_files(session: AsyncSession) -> list[int]:
    rows = await session.scalars(
        select(StudentStatusChange.school_id)
        .where(
            StudentStatusChange.file_pending.is_(True),
            StudentStatusChange.file_cleared_at.is_(None),
            StudentStatusChange.school_id.is_not(None),
        )
        .distinct()
    )
    return sorted(i for i in rows if i is not None)
