"""Dropout cases, their events, and the attendance facts that open them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AbsenceReason,
    AttendanceChange,
    AttendanceMark,
    AttendanceSheet,
    AttendanceStatus,
    AwayParent,
    DropoutCase,
    DropoutCaseEvent,
    MarkSource,
    Person,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
    StudentStatus,
)
from db.repositories.classes import classes_headed_by as head_teacher_classes  # noqa: F401  (re-exported)
from db.repositories.classes import classes_of_schools  # noqa: F401  (re-exported)


@dataclass(frozen=True)
class CaseRow:
    """A case with what a list, a card or a register shows about it."""

    case: DropoutCase
    student_name: str
    student_gender: str | None
    student_address: str | None
    class_id: int | None
    grade: int | None
    class_name: str | None
    head_teacher_id: int | None  # Staff id
    school_name: str
    timezone: str


def _case_query():  # type: ignore[no-untyped-def]
    return (
        select(
            DropoutCase,
            Student.name,
            Student.gender,
            Student.home_address,
            Student.class_id,
            SchoolClass.grade,
            SchoolClass.name,
            SchoolClass.head_teacher_id,
            School.name,
            School.timezone,
        )
        .join(Student, Student.id == DropoutCase.student_id)
        .join(School, School.id == DropoutCase.school_id)
        .outerjoin(SchoolClass, SchoolClass.id == Student.class_id)
    )


def _rows(result: Iterable[Sequence[object]]) -> list[CaseRow]:
    return [CaseRow(*row) for row in result]  # type: ignore[arg-type]


async def case_row(session: AsyncSession, case_id: int) -> CaseRow | None:
    rows = _rows((await session.execute(_case_query().where(DropoutCase.id == case_id))).all())
    return rows[0] if rows else None


async def case_rows(
    session: AsyncSession, where: ColumnElement[bool], *, open_only: bool = True, limit: int | None = None
) -> list[CaseRow]:
    query = _case_query().where(where)
    if open_only:
        query = query.where(DropoutCase.ended_at.is_(None))
    query = query.order_by(DropoutCase.opened_at, DropoutCase.id)
    if limit is not None:
        query = query.limit(limit)
    return _rows((await session.execute(query)).all())


async def count_cases(session: AsyncSession, where: ColumnElement[bool]) -> int:
    return (
        await session.scalar(
            select(func.count(DropoutCase.id))
            .join(Student, Student.id == DropoutCase.student_id)
            .where(where, DropoutCase.ended_at.is_(None))
        )
        or 0
    )


async def open_case_of(session: AsyncSession, student_id: int) -> DropoutCase | None:
    return await session.scalar(
        select(DropoutCase).where(DropoutCase.student_id == student_id, DropoutCase.ended_at.is_(None))
    )


async def students_with_open_case(session: AsyncSession, school_id: int) -> set[int]:
    return set(
        await session.scalars(
            select(DropoutCase.student_id).where(
                DropoutCase.school_id == school_id, DropoutCase.ended_at.is_(None)
            )
        )
    )


async def last_case_end(session: AsyncSession, student_ids: Iterable[int]) -> dict[int, datetime]:
    ids = sorted(set(student_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(DropoutCase.student_id, func.max(DropoutCase.ended_at))
        .where(DropoutCase.student_id.in_(ids), DropoutCase.ended_at.is_not(None))
        .group_by(DropoutCase.student_id)
    )
    # func.max keeps the column's type, so these come back aware (UTC).
    return {student_id: ended for student_id, ended in rows.all() if ended is not None}


async def events_of(session: AsyncSession, case_ids: Iterable[int]) -> dict[int, list[tuple[DropoutCaseEvent, str | None]]]:
    """Each case's events, oldest first, with the recorder's name."""
    ids = sorted(set(case_ids))
    out: dict[int, list[tuple[DropoutCaseEvent, str | None]]] = defaultdict(list)
    if not ids:
        return out
    rows = await session.execute(
        select(DropoutCaseEvent, Person.name)
        .outerjoin(Person, Person.id == DropoutCaseEvent.recorded_by_id)
        .where(DropoutCaseEvent.case_id.in_(ids))
        .order_by(DropoutCaseEvent.happened_on, DropoutCaseEvent.id)
    )
    for event, name in rows.all():
        out[event.case_id].append((event, name))
    return out


async def add(session: AsyncSession, obj: object) -> None:
    session.add(obj)
    await session.flush()


# ------------------------------------------------------------- attendance facts


def _sheet_exists():  # type: ignore[no-untyped-def]
    """The mark's class (at the time, else the student's) counted that day."""
    return (
        select(AttendanceSheet.id)
        .where(
            AttendanceSheet.class_id == func.coalesce(AttendanceMark.class_id, Student.class_id),
            AttendanceSheet.day == AttendanceMark.day,
        )
        .exists()
    )


async def absent_days(
    session: AsyncSession,
    school_id: int,
    start: date,
    end: date,
    *,
    unexplained_only: bool,
    exclude_students: Iterable[int] = (),
) -> dict[int, set[date]]:
    """Days each enrolled student of the school was absent between start and end (both
    included), counting only days whose class sheet exists."""
    query = (
        select(AttendanceMark.student_id, AttendanceMark.day)
        .join(Student, Student.id == AttendanceMark.student_id)
        .where(
            Student.school_id == school_id,
            Student.status == StudentStatus.ENROLLED,
            AttendanceMark.status == AttendanceStatus.ABSENT,
            AttendanceMark.day >= start,
            AttendanceMark.day <= end,
            _sheet_exists(),
        )
    )
    if unexplained_only:
        query = query.where(AttendanceMark.reason == AbsenceReason.UNKNOWN)
    excluded = sorted(set(exclude_students))
    if excluded:
        query = query.where(AttendanceMark.student_id.not_in(excluded))
    out: dict[int, set[date]] = defaultdict(set)
    for student_id, day in (await session.execute(query)).all():
        out[student_id].add(day)
    return out


async def absent_days_of_schools(
    session: AsyncSession, school_ids: Iterable[int], start: date, end: date
) -> dict[int, dict[int, set[date]]]:
    """absent_days(unexplained_only=False) of several schools in one query: school id ->
    student id -> days."""
    ids = sorted(set(school_ids))
    if not ids:
        return {}
    query = (
        select(Student.school_id, AttendanceMark.student_id, AttendanceMark.day)
        .join(Student, Student.id == AttendanceMark.student_id)
        .where(
            Student.school_id.in_(ids),
            Student.status == StudentStatus.ENROLLED,
            AttendanceMark.status == AttendanceStatus.ABSENT,
            AttendanceMark.day >= start,
            AttendanceMark.day <= end,
            _sheet_exists(),
        )
    )
    out: dict[int, dict[int, set[date]]] = defaultdict(lambda: defaultdict(set))
    for school_id, student_id, day in (await session.execute(query)).all():
        out[school_id][student_id].add(day)
    return out


async def mark_present(
    session: AsyncSession, student_id: int, day: date, by_person_id: int | None, at: datetime
) -> bool:
    """A returning student is present on `day`: an absence mark that day goes, and the
    change is kept. Returns whether a mark was removed."""
    mark = await session.scalar(
        select(AttendanceMark).where(
            AttendanceMark.student_id == student_id,
            AttendanceMark.day == day,
            AttendanceMark.status == AttendanceStatus.ABSENT,
        )
    )
    if mark is None:
        return False
    session.add(
        AttendanceChange(
            student_id=student_id,
            day=day,
            from_status=mark.status,
            from_reason=mark.reason,
            to_status=None,
            to_reason=None,
            source=MarkSource.SYSTEM,
            changed_by_id=by_person_id,
            changed_at=at,
        )
    )
    await session.execute(delete(AttendanceMark).where(AttendanceMark.id == mark.id))
    await session.flush()
    return True


# ---------------------------------------------------------------------- people


async def schools(session: AsyncSession) -> list[School]:
    return list(await session.scalars(select(School).order_by(School.id)))


async def staff_to_tell(
    session: AsyncSession, school_id: int, head_teacher_id: int | None
) -> list[Person]:
    """The student's head teacher and the school's admins (active posts), once each."""
    condition = and_(Staff.school_id == school_id, Staff.is_school_admin.is_(True))
    if head_teacher_id is not None:
        condition = or_(condition, Staff.id == head_teacher_id)
    rows = await session.scalars(
        select(Person)
        .join(Staff, Staff.person_id == Person.id)
        .where(condition, Staff.active.is_(True))
        .order_by(Person.id)
    )
    return list(dict.fromkeys(rows.all()))


async def enrolled_without_case(session: AsyncSession, class_id: int) -> list[Student]:
    open_cases = select(DropoutCase.student_id).where(DropoutCase.ended_at.is_(None))
    return list(
        await session.scalars(
            select(Student)
            .where(
                Student.class_id == class_id,
                Student.status == StudentStatus.ENROLLED,
                Student.id.not_in(open_cases),
            )
            .order_by(Student.name, Student.id)
        )
    )


async def away_parents(session: AsyncSession, student_id: int) -> list[AwayParent]:
    return list(
        await session.scalars(
            select(AwayParent).where(AwayParent.student_id == student_id).order_by(AwayParent.id)
        )
    )


async def current_guardians(session: AsyncSession, student_id: int) -> list[tuple[StudentGuardian, Person]]:
    rows = await session.execute(
        select(StudentGuardian, Person)
        .join(Person, Person.id == StudentGuardian.person_id)
        .where(StudentGuardian.student_id == student_id, StudentGuardian.ended_at.is_(None))
        .order_by(StudentGuardian.id)
    )
    return [(link, person) for link, person in rows.all()]


async def cases_of_school(
    session: AsyncSession, school_id: int, class_ids: Iterable[int] | None = None
) -> list[CaseRow]:
    """Every case of a school (open or ended), optionally only some classes' students."""
    query = _case_query().where(DropoutCase.school_id == school_id)
    if class_ids is not None:
        query = query.where(Student.class_id.in_(sorted(set(class_ids))))
    query = query.order_by(SchoolClass.grade, SchoolClass.name, Student.name, DropoutCase.id)
    return _rows((await session.execute(query)).all())


async def school_by_name(session: AsyncSession, name: str) -> list[School]:
    return list(await session.scalars(select(School).where(School.name == name).order_by(School.id)))
