"""Queries behind the holiday check-in: classes, guardians, check-ins, children and answers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    ClassTeacher,
    Person,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
    StudentStatus,
)
from db.models.checkins import CheckinAnswer, CheckinChild, HolidayCheckin
from db.repositories.people import is_current_guardian, school_admins  # noqa: F401  (shared; callers use repo.<name>)

CHUNK = 500


# ---------------------------------------------------------------- classes, people


async def classes_for(
    session: AsyncSession, admin_school_ids: Iterable[int], head_staff_ids: Iterable[int]
) -> list[tuple[SchoolClass, School]]:
    """Every class of these schools plus the classes these staff posts head, in order."""
    schools = sorted(set(admin_school_ids))
    heads = sorted(set(head_staff_ids))
    clauses = []
    if schools:
        clauses.append(SchoolClass.school_id.in_(schools))
    if heads:
        clauses.append(SchoolClass.head_teacher_id.in_(heads))
    if not clauses:
        return []
    rows = await session.execute(
        select(SchoolClass, School)
        .join(School, School.id == SchoolClass.school_id)
        .where(or_(*clauses))
        .order_by(SchoolClass.school_id, SchoolClass.grade, SchoolClass.name, SchoolClass.id)
    )
    return [(c, s) for c, s in rows.all()]


async def viewable_class_ids(
    session: AsyncSession, admin_school_ids: Iterable[int], teacher_staff_ids: Iterable[int]
) -> set[int]:
    """Classes of the schools administered, classes headed, classes taught."""
    schools = sorted(set(admin_school_ids))
    staff = sorted(set(teacher_staff_ids))
    found: set[int] = set()
    if schools:
        found |= set(await session.scalars(select(SchoolClass.id).where(SchoolClass.school_id.in_(schools))))
    if staff:
        found |= set(await session.scalars(select(SchoolClass.id).where(SchoolClass.head_teacher_id.in_(staff))))
        found |= set(await session.scalars(select(ClassTeacher.class_id).where(ClassTeacher.staff_id.in_(staff))))
    return found


async def class_with_school(session: AsyncSession, class_id: int) -> tuple[SchoolClass, School] | None:
    row = (
        await session.execute(
            select(SchoolClass, School).join(School, School.id == SchoolClass.school_id).where(SchoolClass.id == class_id)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def enrolled_students(session: AsyncSession, class_id: int) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(Student.id, Student.name)
        .where(Student.class_id == class_id, Student.status == StudentStatus.ENROLLED)
        .order_by(Student.name, Student.id)
    )
    return [(sid, name) for sid, name in rows.all()]


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
    """Current guardians by student, joined the bot or not."""
    found: dict[int, list[Guardian]] = {}
    ids = list(student_ids)
    for start in range(0, len(ids), CHUNK):
        rows = await session.execute(
            select(
                StudentGuardian.student_id, Person.id, Person.name, StudentGuardian.relation,
                Person.phone, Person.chat_id, Person.language,
            )
            .join(Person, Person.id == StudentGuardian.person_id)
            .where(StudentGuardian.student_id.in_(ids[start : start + CHUNK]), StudentGuardian.ended_at.is_(None))
            .order_by(StudentGuardian.student_id, StudentGuardian.id)
        )
        for row in rows:
            found.setdefault(row[0], []).append(Guardian(*row))
    return found




async def student_names(session: AsyncSession, student_ids: Iterable[int]) -> dict[int, str]:
    ids = list(set(student_ids))
    names: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        rows = await session.execute(select(Student.id, Student.name).where(Student.id.in_(ids[start : start + CHUNK])))
        names.update({sid: name for sid, name in rows.all()})
    return names


async def person_names(session: AsyncSession, person_ids: Iterable[int | None]) -> dict[int, str]:
    ids = sorted({p for p in person_ids if p is not None})
    if not ids:
        return {}
    rows = await session.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))
    return {pid: name for pid, name in rows.all()}


async def head_teacher(session: AsyncSession, staff_id: int | None) -> Person | None:
    if staff_id is None:
        return None
    return await session.scalar(
        select(Person).join(Staff, Staff.person_id == Person.id).where(Staff.id == staff_id, Staff.active.is_(True))
    )




# -------------------------------------------------------------------- check-ins


def add(session: AsyncSession, *objects: object) -> None:
    session.add_all(objects)


async def checkin_by_key(session: AsyncSession, campaign_key: str) -> HolidayCheckin | None:
    return await session.scalar(select(HolidayCheckin).where(HolidayCheckin.campaign_key == campaign_key))


async def open_checkin_of_class(session: AsyncSession, class_id: int, now: datetime) -> HolidayCheckin | None:
    return await session.scalar(
        select(HolidayCheckin)
        .where(HolidayCheckin.class_id == class_id, HolidayCheckin.closes_at > now)
        .order_by(HolidayCheckin.started_at.desc())
        .limit(1)
    )


async def recent_checkins(session: AsyncSession, class_ids: Iterable[int], limit: int) -> list[HolidayCheckin]:
    ids = sorted(set(class_ids))
    if not ids:
        return []
    return list(
        await session.scalars(
            select(HolidayCheckin)
            .where(HolidayCheckin.class_id.in_(ids))
            .order_by(HolidayCheckin.started_at.desc(), HolidayCheckin.id.desc())
            .limit(limit)
        )
    )


async def children_of(session: AsyncSession, checkin_id: int) -> list[CheckinChild]:
    return list(
        await session.scalars(select(CheckinChild).where(CheckinChild.checkin_id == checkin_id).order_by(CheckinChild.id))
    )


async def answers_of(
    session: AsyncSession, checkin_ids: Iterable[int], student_ids: Iterable[int] | None = None
) -> list[CheckinAnswer]:
    ids = sorted(set(checkin_ids))
    if not ids:
        return []
    query = select(CheckinAnswer).where(CheckinAnswer.checkin_id.in_(ids))
    if student_ids is not None:
        query = query.where(CheckinAnswer.student_id.in_(sorted(set(student_ids))))
    return list(await session.scalars(query.order_by(CheckinAnswer.id)))


async def claim_finished(session: AsyncSession, child_id: int, at: datetime) -> bool:
    result = await session.execute(
        update(CheckinChild)
        .where(CheckinChild.id == child_id, CheckinChild.finished_at.is_(None))
        .values(finished_at=at)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def mark_follow_up(session: AsyncSession, child_id: int) -> None:
    await session.execute(
        update(CheckinChild)
        .where(CheckinChild.id == child_id)
        .values(needs_follow_up=True)
        .execution_options(synchronize_session=False)
    )


async def due_reminders(session: AsyncSession, now: datetime) -> list[HolidayCheckin]:
    return list(
        await session.scalars(
            select(HolidayCheckin)
            .where(
                HolidayCheckin.reminded_at.is_(None),
                HolidayCheckin.remind_at <= now,
                HolidayCheckin.closes_at > now,
            )
            .order_by(HolidayCheckin.id)
        )
    )


async def claim_reminded(session: AsyncSession, checkin_id: int, at: datetime) -> bool:
    result = await session.execute(
        update(HolidayCheckin)
        .where(HolidayCheckin.id == checkin_id, HolidayCheckin.reminded_at.is_(None))
        .values(reminded_at=at)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def follow_ups_to_alert(session: AsyncSession) -> list[CheckinChild]:
    return list(
        await session.scalars(
            select(CheckinChild)
            .where(CheckinChild.needs_follow_up.is_(True), CheckinChild.follow_up_alerted_at.is_(None))
            .order_by(CheckinChild.checkin_id, CheckinChild.id)
        )
    )


async def claim_follow_up_alert(session: AsyncSession, child_id: int, at: datetime) -> bool:
    result = await session.execute(
        update(CheckinChild)
        .where(CheckinChild.id == child_id, CheckinChild.follow_up_alerted_at.is_(None))
        .values(follow_up_alerted_at=at)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def open_children_of_students(
    session: AsyncSession, student_ids: Iterable[int], now: datetime
) -> list[tuple[CheckinChild, HolidayCheckin]]:
    """Unfinished children of open check-ins, oldest check-in first."""
    ids = sorted(set(student_ids))
    if not ids:
        return []
    rows = await session.execute(
        select(CheckinChild, HolidayCheckin)
        .join(HolidayCheckin, HolidayCheckin.id == CheckinChild.checkin_id)
        .where(
            CheckinChild.student_id.in_(ids),
            CheckinChild.finished_at.is_(None),
            HolidayCheckin.closes_at > now,
            HolidayCheckin.started_at <= now,
        )
        .order_by(HolidayCheckin.started_at, CheckinChild.id)
    )
    return [(c, h) for c, h in rows.all()]


async def answered_checkins_of_students(
    session: AsyncSession, student_ids: Sequence[int]
) -> list[tuple[HolidayCheckin, CheckinAnswer]]:
    """Every answer about these students with its check-in (the ledger's source)."""
    ids = sorted(set(student_ids))
    if not ids:
        return []
    rows = await session.execute(
        select(HolidayCheckin, CheckinAnswer)
        .join(CheckinAnswer, CheckinAnswer.checkin_id == HolidayCheckin.id)
        .where(CheckinAnswer.student_id.in_(ids))
        .order_by(HolidayCheckin.id, CheckinAnswer.id)
    )
    return [(h, a) for h, a in rows.all()]


async def school_timezones(session: AsyncSession, student_ids: Sequence[int]) -> dict[int, str]:
    ids = sorted(set(student_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(Student.id, School.timezone).join(School, School.id == Student.school_id).where(Student.id.in_(ids))
    )
    return {sid: tz for sid, tz in rows.all()}
