"""People, their Telegram accounts, staff posts and guardian links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AwayParent,
    Person,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
)

STAFF_FLAGS = (
    "is_bureau_officer",
    "is_school_admin",
    "is_head_teacher",
    "is_subject_teacher",
    "is_mentor",
    "is_counsellor",
)


async def by_telegram_id(session: AsyncSession, telegram_user_id: int) -> Person | None:
    return await session.scalar(select(Person).where(Person.telegram_user_id == telegram_user_id))


async def mark_reachable(session: AsyncSession, person_id: int) -> None:
    await session.execute(
        update(Person).where(Person.id == person_id, Person.unreachable_since.is_not(None)).values(unreachable_since=None)
    )


async def by_phone(session: AsyncSession, phone: str) -> Person | None:
    return await session.scalar(select(Person).where(Person.phone == phone))


async def add_person(
    session: AsyncSession,
    *,
    name: str,
    created_at: datetime,
    telegram_user_id: int | None = None,
    chat_id: int | None = None,
    language: str | None = None,
    joined_at: datetime | None = None,
) -> Person:
    person = Person(
        name=name,
        telegram_user_id=telegram_user_id,
        chat_id=chat_id,
        language=language,
        joined_at=joined_at,
        created_at=created_at,
    )
    session.add(person)
    await session.flush()
    return person


async def has_roles(session: AsyncSession, person_id: int) -> bool:
    """Whether anything ties this person to a school: a post or a child."""
    staff = await session.scalar(select(Staff.id).where(Staff.person_id == person_id).limit(1))
    if staff is not None:
        return True
    link = await session.scalar(
        select(StudentGuardian.id).where(StudentGuardian.person_id == person_id).limit(1)
    )
    return link is not None


async def move_links(session: AsyncSession, from_person_id: int, to_person_id: int) -> None:
    """Hand a roster record's children and posts to the person who really uses Telegram."""
    await session.execute(
        update(StudentGuardian)
        .where(StudentGuardian.person_id == from_person_id)
        .values(person_id=to_person_id)
    )
    await session.execute(
        update(AwayParent).where(AwayParent.person_id == from_person_id).values(person_id=to_person_id)
    )
    posts = (await session.scalars(select(Staff).where(Staff.person_id == from_person_id))).all()
    for post in posts:
        target = await staff_post(
            session, to_person_id, school_id=post.school_id, county_id=post.county_id
        )
        if target is None:
            post.person_id = to_person_id
        else:
            for flag in STAFF_FLAGS:
                if getattr(post, flag):
                    setattr(target, flag, True)
            post.active = False
    await session.flush()


async def staff_post(
    session: AsyncSession, person_id: int, *, school_id: int | None, county_id: int | None
) -> Staff | None:
    query = select(Staff).where(Staff.person_id == person_id)
    query = query.where(Staff.school_id == school_id if school_id else Staff.school_id.is_(None))
    query = query.where(Staff.county_id == county_id if county_id else Staff.county_id.is_(None))
    return await session.scalar(query)


async def grant_post(
    session: AsyncSession,
    person_id: int,
    *,
    created_at: datetime,
    school_id: int | None = None,
    county_id: int | None = None,
    flags: frozenset[str] = frozenset(),
) -> Staff:
    """Adds role flags to the person's post in this school (or county), creating it once."""
    unknown = flags - set(STAFF_FLAGS)
    if unknown:
        raise ValueError(f"unknown staff flags {sorted(unknown)}")
    post = await staff_post(session, person_id, school_id=school_id, county_id=county_id)
    if post is None:
        post = Staff(
            person_id=person_id, school_id=school_id, county_id=county_id, created_at=created_at
        )
        session.add(post)
    else:
        post.active = True
        post.updated_at = created_at
    for flag in flags:
        setattr(post, flag, True)
    await session.flush()
    return post


async def link_guardian(
    session: AsyncSession,
    *,
    student_id: int,
    person_id: int,
    relation: str,
    started_at: datetime,
) -> StudentGuardian:
    current = await session.scalar(
        select(StudentGuardian).where(
            StudentGuardian.student_id == student_id,
            StudentGuardian.person_id == person_id,
            StudentGuardian.ended_at.is_(None),
        )
    )
    if current is not None:
        return current
    link = StudentGuardian(
        student_id=student_id, person_id=person_id, relation=relation, started_at=started_at
    )
    session.add(link)
    await session.flush()
    return link


@dataclass(frozen=True)
class ChildRow:
    student_id: int
    name: str
    school: str
    grade: int | None
    class_name: str | None


async def children_of(session: AsyncSession, person_id: int) -> list[ChildRow]:
    rows = await session.execute(
        select(Student.id, Student.name, School.name, SchoolClass.grade, SchoolClass.name)
        .join(StudentGuardian, StudentGuardian.student_id == Student.id)
        .join(School, School.id == Student.school_id)
        .outerjoin(SchoolClass, SchoolClass.id == Student.class_id)
        .where(StudentGuardian.person_id == person_id, StudentGuardian.ended_at.is_(None))
        .order_by(Student.name, Student.id)
    )
    return [ChildRow(*row) for row in rows]


async def guardians_of_student(session: AsyncSession, student_id: int) -> list[Person]:
    rows = await session.scalars(
        select(Person)
        .join(StudentGuardian, StudentGuardian.person_id == Person.id)
        .where(StudentGuardian.student_id == student_id, StudentGuardian.ended_at.is_(None))
    )
    return list(rows)


async def school_admins(session: AsyncSession, school_id: int) -> list[Person]:
    """The school's active admins, each once (a person may hold two posts), by id."""
    rows = await session.scalars(
        select(Person)
        .join(Staff, Staff.person_id == Person.id)
        .where(Staff.school_id == school_id, Staff.is_school_admin.is_(True), Staff.active.is_(True))
        .order_by(Person.id)
    )
    return list(dict.fromkeys(rows.all()))


async def is_current_guardian(session: AsyncSession, person_id: int, student_id: int) -> bool:
    found = await session.scalar(
        select(StudentGuardian.id).where(
            StudentGuardian.person_id == person_id,
            StudentGuardian.student_id == student_id,
            StudentGuardian.ended_at.is_(None),
        ).limit(1)
    )
    return found is not None
