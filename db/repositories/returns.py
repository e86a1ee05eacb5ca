"""Release rounds, the children in them, and the people around them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AttendanceMark,
    AttendanceSheet,
    AttendanceStatus,
    HomeReturn,
    HomeStatus,
    Person,
    ReturnRound,
    School,
    SchoolClass,
    SchoolRelease,
    Staff,
    Student,
    StudentGuardian,
    StudentStatus,
)
from db.models.returns import HOME_CONFIRMED
from db.repositories.people import is_current_guardian, school_admins  # noqa: F401  (shared; callers use repo.<name>)


async def all_schools(session: AsyncSession) -> list[School]:
    return list(await session.scalars(select(School).order_by(School.id)))


async def release_times(session: AsyncSession, school_id: int) -> SchoolRelease | None:
    return await session.scalar(select(SchoolRelease).where(SchoolRelease.school_id == school_id))


async def round_of(session: AsyncSession, school_id: int, release_day: date) -> ReturnRound | None:
    return await session.scalar(
        select(ReturnRound).where(ReturnRound.school_id == school_id, ReturnRound.release_day == release_day)
    )


async def rounds_since(session: AsyncSession, since: datetime) -> list[ReturnRound]:
    return list(
        await session.scalars(
            select(ReturnRound).where(ReturnRound.released_at >= since).order_by(ReturnRound.id)
        )
    )


async def latest_round(session: AsyncSession, school_id: int, now: datetime) -> ReturnRound | None:
    return await session.scalar(
        select(ReturnRound)
        .where(ReturnRound.school_id == school_id, ReturnRound.released_at <= now)
        .order_by(ReturnRound.released_at.desc())
        .limit(1)
    )


def add(session: AsyncSession, *objects: object) -> None:
    session.add_all(objects)


def category_clause(categories: Iterable[str]) -> ColumnElement[bool]:
    """Students of these categories ("all" for everyone)."""
    wanted = set(categories)
    if "all" in wanted:
        return Student.id.is_not(None)
    columns = {
        "boarding": Student.is_boarding,
        "left_behind": Student.is_left_behind,
        "migrant": Student.is_migrant,
        "disabled": Student.is_disabled,
    }
    clauses = [columns[c].is_(True) for c in sorted(wanted) if c in columns]
    return or_(*clauses) if clauses else Student.id.is_(None)


async def students_to_ask(
    session: AsyncSession, school_id: int, categories: Iterable[str]
) -> list[tuple[int, int | None]]:
    """(student id, class id) of the school's enrolled students of these categories."""
    rows = await session.execute(
        select(Student.id, Student.class_id)
        .where(
            Student.school_id == school_id,
            Student.status == StudentStatus.ENROLLED,
            category_clause(categories),
        )
        .order_by(Student.id)
    )
    return [(sid, cid) for sid, cid in rows]


@dataclass(frozen=True)
class Guardian:
    student_id: int
    person_id: int
    name: str
    relation: str
    phone: str | None
    chat_id: int | None
    language: str | None


async def guardians_of(session: AsyncSession, student_ids: Sequence[int]) -> dict[int, list[Guardian]]:
    """Current guardians by student, joined the bot or not (the list needs their phones)."""
    if not student_ids:
        return {}
    found: dict[int, list[Guardian]] = {}
    ids = list(student_ids)
    for start in range(0, len(ids), 500):
        rows = await session.execute(
            select(
                StudentGuardian.student_id, Person.id, Person.name, StudentGuardian.relation,
                Person.phone, Person.chat_id, Person.language,
            )
            .join(Person, Person.id == StudentGuardian.person_id)
            .where(StudentGuardian.student_id.in_(ids[start : start + 500]), StudentGuardian.ended_at.is_(None))
            .order_by(StudentGuardian.student_id, StudentGuardian.id)
        )
        for row in rows:
            found.setdefault(row[0], []).append(Guardian(*row))
    return found


async def student_names(session: AsyncSession, student_ids: Iterable[int]) -> dict[int, str]:
    ids = list(student_ids)
    if not ids:
        return {}
    names: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        rows = await session.execute(select(Student.id, Student.name).where(Student.id.in_(ids[start : start + 500])))
        names.update(dict(rows.all()))  # type: ignore[arg-type]
    return names


async def returns_of_round(session: AsyncSession, round_id: int) -> list[HomeReturn]:
    return list(
        await session.scalars(select(HomeReturn).where(HomeReturn.round_id == round_id).order_by(HomeReturn.id))
    )


async def return_by_id(session: AsyncSession, return_id: int) -> HomeReturn | None:
    return await session.get(HomeReturn, return_id)


async def round_by_id(session: AsyncSession, round_id: int) -> ReturnRound | None:
    return await session.get(ReturnRound, round_id)


async def due_reasks(session: AsyncSession, now: datetime) -> list[HomeReturn]:
    return list(
        await session.scalars(
            select(HomeReturn)
            .where(
                HomeReturn.status == HomeStatus.NOT_YET,
                HomeReturn.next_ask_at.is_not(None),
                HomeReturn.next_ask_at <= now,
            )
            .order_by(HomeReturn.id)
        )
    )


async def claim_home(
    session: AsyncSession, return_id: int, status: str, person_id: int, at: datetime
) -> bool:
    """Records that the child is home unless someone already did: True when this call did."""
    result = await session.execute(
        update(HomeReturn)
        .where(HomeReturn.id == return_id, HomeReturn.status.not_in(list(HOME_CONFIRMED)))
        .values(status=status, answered_by_id=person_id, answered_at=at, next_ask_at=None)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def claim_not_yet(
    session: AsyncSession, return_id: int, person_id: int, at: datetime, next_ask_at: datetime | None
) -> bool:
    """Records "not yet" unless the child was confirmed home or a re-ask is already
    pending (a double tap, or two guardians at once): True when this call did."""
    result = await session.execute(
        update(HomeReturn)
        .where(
            HomeReturn.id == return_id,
            HomeReturn.status.not_in(list(HOME_CONFIRMED)),
            or_(HomeReturn.status != HomeStatus.NOT_YET, HomeReturn.next_ask_at.is_(None)),
        )
        .values(status=HomeStatus.NOT_YET, answered_by_id=person_id, answered_at=at, next_ask_at=next_ask_at)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def claim_round_step(session: AsyncSession, round_id: int, column: str, at: datetime) -> bool:
    """Sets one of the round's once-only timestamps; True when this call set it."""
    field = getattr(ReturnRound, column)
    result = await session.execute(
        update(ReturnRound)
        .where(ReturnRound.id == round_id, field.is_(None))
        .values({column: at})
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]




@dataclass(frozen=True)
class ClassHead:
    class_id: int
    grade: int
    name: str
    head_teacher_id: int | None


async def classes(session: AsyncSession, class_ids: Iterable[int]) -> dict[int, ClassHead]:
    ids = list(class_ids)
    if not ids:
        return {}
    rows = await session.execute(
        select(SchoolClass.id, SchoolClass.grade, SchoolClass.name, SchoolClass.head_teacher_id)
        .where(SchoolClass.id.in_(ids))
    )
    return {row[0]: ClassHead(*row) for row in rows}


async def staff_person(session: AsyncSession, staff_id: int | None) -> Person | None:
    if staff_id is None:
        return None
    return await session.scalar(
        select(Person).join(Staff, Staff.person_id == Person.id).where(Staff.id == staff_id, Staff.active.is_(True))
    )




async def person_name(session: AsyncSession, person_id: int | None) -> str | None:
    if person_id is None:
        return None
    return await session.scalar(select(Person.name).where(Person.id == person_id))


async def person_names(session: AsyncSession, person_ids: Iterable[int]) -> dict[int, str]:
    """Names of these people in one query (ids not found are left out)."""
    ids = sorted(set(person_ids))
    names: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        rows = await session.execute(select(Person.id, Person.name).where(Person.id.in_(ids[start : start + 500])))
        names.update(dict(rows.all()))  # type: ignore[arg-type]
    return names


async def present_on(
    session: AsyncSession, class_ids: Iterable[int], day: date
) -> tuple[set[int], dict[int, str]]:
    """Classes whose sheet for `day` is in, and the day's marks (student -> status) there."""
    ids = list(class_ids)
    if not ids:
        return set(), {}
    sheets = set(
        await session.scalars(
            select(AttendanceSheet.class_id).where(AttendanceSheet.class_id.in_(ids), AttendanceSheet.day == day)
        )
    )
    marks = dict(
        (
            await session.execute(
                select(AttendanceMark.student_id, AttendanceMark.status).where(
                    AttendanceMark.class_id.in_(ids), AttendanceMark.day == day
                )
            )
        ).all()  # type: ignore[arg-type]
    )
    return sheets, marks


async def visible_student_ids(session: AsyncSession, where: ColumnElement[bool]) -> set[int]:
    return set(await session.scalars(select(Student.id).where(where)))


async def open_returns_of_children(
    session: AsyncSession, student_ids: Iterable[int], since: datetime
) -> list[tuple[HomeReturn, ReturnRound]]:
    ids = list(student_ids)
    if not ids:
        return []
    rows = await session.execute(
        select(HomeReturn, ReturnRound)
        .join(ReturnRound, ReturnRound.id == HomeReturn.round_id)
        .where(HomeReturn.student_id.in_(ids), ReturnRound.released_at >= since)
        .order_by(ReturnRound.released_at.desc(), HomeReturn.id)
    )
    return [(r, rnd) for r, rnd in rows.all()]


LATE = AttendanceStatus.LATE
