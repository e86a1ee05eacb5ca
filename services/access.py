"""Who may see which children — the one place the privacy rules live.

A guardian sees only their own children; a teacher only the students they are
responsible for (their class as head teacher, the classes they teach, their mentees);
a school admin only their school; a bureau officer only their county.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    ClassTeacher,
    Person,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
    StudentMentor,
)


@dataclass(frozen=True)
class StaffPost:
    staff_id: int
    school_id: int | None
    county_id: int | None
    is_bureau_officer: bool = False
    is_school_admin: bool = False
    is_head_teacher: bool = False
    is_subject_teacher: bool = False
    is_mentor: bool = False
    is_counsellor: bool = False

    @property
    def is_teacher(self) -> bool:
        return self.is_head_teacher or self.is_subject_teacher or self.is_mentor or self.is_counsellor


@dataclass(frozen=True)
class Actor:
    """The person behind an update, with everything access decisions need."""

    telegram_user_id: int
    person_id: int | None = None
    name: str | None = None
    language: str | None = None
    posts: tuple[StaffPost, ...] = ()
    children: frozenset[int] = field(default_factory=frozenset)
    # The sender found them unreachable (blocked the bot); writing to us again undoes that.
    unreachable: bool = False

    @property
    def is_known(self) -> bool:
        return self.person_id is not None and (bool(self.posts) or bool(self.children))

    @property
    def is_guardian(self) -> bool:
        return bool(self.children)

    @property
    def is_teacher(self) -> bool:
        return any(p.is_teacher for p in self.posts)

    @property
    def is_school_admin(self) -> bool:
        return any(p.is_school_admin for p in self.posts)

    @property
    def is_bureau_officer(self) -> bool:
        return any(p.is_bureau_officer for p in self.posts)

    @property
    def admin_school_ids(self) -> frozenset[int]:
        return frozenset(p.school_id for p in self.posts if p.is_school_admin and p.school_id)

    @property
    def school_ids(self) -> frozenset[int]:
        return frozenset(p.school_id for p in self.posts if p.school_id)

    @property
    def bureau_county_ids(self) -> frozenset[int]:
        return frozenset(p.county_id for p in self.posts if p.is_bureau_officer and p.county_id)

    @property
    def staff_ids(self) -> frozenset[int]:
        return frozenset(p.staff_id for p in self.posts)

    @property
    def roles(self) -> frozenset[str]:
        roles = set()
        if self.is_guardian:
            roles.add("guardian")
        if self.is_teacher:
            roles.add("teacher")
        if any(p.is_head_teacher for p in self.posts):
            roles.add("head_teacher")
        if any(p.is_counsellor for p in self.posts):
            roles.add("counsellor")
        if self.is_school_admin:
            roles.add("school_admin")
        if self.is_bureau_officer:
            roles.add("bureau_officer")
        return frozenset(roles)


async def load_actor(session: AsyncSession, telegram_user_id: int) -> Actor:
    person = await session.scalar(select(Person).where(Person.telegram_user_id == telegram_user_id))
    if person is None:
        return Actor(telegram_user_id=telegram_user_id)
    staff_rows = await session.scalars(
        select(Staff).where(Staff.person_id == person.id, Staff.active.is_(True))
    )
    posts = tuple(
        StaffPost(
            staff_id=s.id,
            school_id=s.school_id,
            county_id=s.county_id,
            is_bureau_officer=s.is_bureau_officer,
            is_school_admin=s.is_school_admin,
            is_head_teacher=s.is_head_teacher,
            is_subject_teacher=s.is_subject_teacher,
            is_mentor=s.is_mentor,
            is_counsellor=s.is_counsellor,
        )
        for s in staff_rows
    )
    children = await session.scalars(
        select(StudentGuardian.student_id).where(
            StudentGuardian.person_id == person.id, StudentGuardian.ended_at.is_(None)
        )
    )
    return Actor(
        telegram_user_id=telegram_user_id,
        person_id=person.id,
        name=person.name,
        language=person.language,
        posts=posts,
        children=frozenset(children),
        unreachable=person.unreachable_since is not None,
    )


def teaching_scope(actor: Actor) -> Actor:
    """The same actor seen only as a teacher: "My class" lists the students they teach,
    not the whole school they may also administer, nor their own children."""
    posts = tuple(
        replace(p, is_school_admin=False, is_bureau_officer=False) for p in actor.posts if p.is_teacher
    )
    return replace(actor, posts=posts, children=frozenset())


def visible_students(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause on Student limiting rows to those the actor may see."""
    clauses: list[ColumnElement[bool]] = []
    if actor.children:
        clauses.append(Student.id.in_(actor.children))
    if actor.admin_school_ids:
        clauses.append(Student.school_id.in_(actor.admin_school_ids))
    if actor.bureau_county_ids:
        clauses.append(
            Student.school_id.in_(
                select(School.id).where(School.county_id.in_(actor.bureau_county_ids))
            )
        )
    staff_ids = [p.staff_id for p in actor.posts if p.is_teacher]
    if staff_ids:
        clauses.append(
            Student.class_id.in_(
                select(SchoolClass.id).where(SchoolClass.head_teacher_id.in_(staff_ids))
            )
        )
        clauses.append(
            Student.class_id.in_(
                select(ClassTeacher.class_id).where(ClassTeacher.staff_id.in_(staff_ids))
            )
        )
        clauses.append(
            Student.id.in_(
                select(StudentMentor.student_id).where(
                    StudentMentor.staff_id.in_(staff_ids), StudentMentor.ended_at.is_(None)
                )
            )
        )
    return or_(*clauses) if clauses else false()


async def can_see_student(session: AsyncSession, actor: Actor, student_id: int) -> bool:
    found = await session.scalar(
        select(Student.id).where(and_(Student.id == student_id, visible_students(actor)))
    )
    return found is not None


def can_manage_school(actor: Actor, school_id: int) -> bool:
    return school_id in actor.admin_school_ids
