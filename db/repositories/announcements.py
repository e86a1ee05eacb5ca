"""Queries behind a school or class announcement: who may be addressed, who receives it,
and the notices' "I have read it" acknowledgements."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Campaign,
    Notice,
    NoticeRecipient,
    OutboxMessage,
    Person,
    School,
    SchoolClass,
    Student,
    StudentGuardian,
    StudentStatus,
)


@dataclass(frozen=True)
class GuardianRow:
    person_id: int
    chat_id: int | None
    language: str | None


async def schools(session: AsyncSession, school_ids: Iterable[int]) -> list[School]:
    ids = sorted(set(school_ids))
    if not ids:
        return []
    return list((await session.scalars(select(School).where(School.id.in_(ids)).order_by(School.id))).all())


async def classes_headed_by(
    session: AsyncSession, staff_ids: Iterable[int]
) -> list[tuple[SchoolClass, School]]:
    ids = sorted(set(staff_ids))
    if not ids:
        return []
    rows = await session.execute(
        select(SchoolClass, School)
        .join(School, School.id == SchoolClass.school_id)
        .where(SchoolClass.head_teacher_id.in_(ids))
        .order_by(SchoolClass.school_id, SchoolClass.grade, SchoolClass.name, SchoolClass.id)
    )
    return [(c, s) for c, s in rows.all()]


def _care(query, only_care: bool):  # type: ignore[no-untyped-def]
    if only_care:
        return query.where(or_(Student.is_left_behind.is_(True), Student.is_boarding.is_(True)))
    return query


async def current_guardians(
    session: AsyncSession, school_id: int, class_id: int | None = None, only_care: bool = False
) -> list[GuardianRow]:
    """Each current guardian of an enrolled student of the school (or of one of its
    classes; with `only_care` of its left-behind or boarding students) once, however many
    of their children study there."""
    query = (
        select(Person.id, Person.chat_id, Person.language)
        .join(StudentGuardian, StudentGuardian.person_id == Person.id)
        .join(Student, Student.id == StudentGuardian.student_id)
        .where(
            StudentGuardian.ended_at.is_(None),
            Student.status == StudentStatus.ENROLLED,
            Student.school_id == school_id,
        )
        .distinct()
        .order_by(Person.id)
    )
    if class_id is not None:
        query = query.where(Student.class_id == class_id)
    rows = await session.execute(_care(query, only_care))
    return [GuardianRow(person_id, chat_id, language) for person_id, chat_id, language in rows.all()]


async def campaign_with_dedup_prefix(session: AsyncSession, prefix: str) -> Campaign | None:
    """The campaign whose outbox rows carry dedup keys starting with `prefix`, if any."""
    campaign_id = await session.scalar(
        select(OutboxMessage.campaign_id)
        .where(OutboxMessage.dedup_key.startswith(prefix, autoescape=True))
        .limit(1)
    )
    if campaign_id is None:
        return None
    return await session.get(Campaign, campaign_id)


# ------------------------------------------------------------------- notices


async def notice_by_key(session: AsyncSession, campaign_key: str) -> Notice | None:
    return await session.scalar(select(Notice).where(Notice.campaign_key == campaign_key))


async def recipient_ids(session: AsyncSession, notice_id: int) -> set[int]:
    rows = await session.scalars(
        select(NoticeRecipient.person_id).where(NoticeRecipient.notice_id == notice_id)
    )
    return set(rows.all())


async def mark_read(session: AsyncSession, notice_id: int, person_id: int, now: datetime) -> bool:
    """The first tap counts: True when this call recorded it."""
    result = await session.execute(
        update(NoticeRecipient)
        .where(
            NoticeRecipient.notice_id == notice_id,
            NoticeRecipient.person_id == person_id,
            NoticeRecipient.read_at.is_(None),
        )
        .values(read_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def recipient(session: AsyncSession, notice_id: int, person_id: int) -> NoticeRecipient | None:
    return await session.scalar(
        select(NoticeRecipient).where(
            NoticeRecipient.notice_id == notice_id, NoticeRecipient.person_id == person_id
        )
    )


async def has_unread(session: AsyncSession, person_id: int, since: datetime) -> bool:
    found = await session.scalar(
        select(NoticeRecipient.id)
        .join(Notice, Notice.id == NoticeRecipient.notice_id)
        .where(
            NoticeRecipient.person_id == person_id,
            NoticeRecipient.joined.is_(True),
            NoticeRecipient.read_at.is_(None),
            Notice.created_at >= since,
        )
        .limit(1)
    )
    return found is not None


async def notices_to_remind(
    session: AsyncSession, sent_before: datetime, limit: int = 100
) -> list[Notice]:
    return list(
        (
            await session.scalars(
                select(Notice)
                .where(Notice.reminded_at.is_(None), Notice.created_at <= sent_before)
                .order_by(Notice.id)
                .limit(limit)
            )
        ).all()
    )


async def claim_reminder(session: AsyncSession, notice_id: int, now: datetime) -> bool:
    """Only one run reminds a notice's unread (an UPDATE claims it)."""
    result = await session.execute(
        update(Notice).where(Notice.id == notice_id, Notice.reminded_at.is_(None)).values(reminded_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class UnreadRow:
    person_id: int
    chat_id: int | None
    language: str | None


async def unread_joined(session: AsyncSession, notice_id: int) -> list[UnreadRow]:
    rows = await session.execute(
        select(Person.id, Person.chat_id, Person.language)
        .join(NoticeRecipient, NoticeRecipient.person_id == Person.id)
        .where(
            NoticeRecipient.notice_id == notice_id,
            NoticeRecipient.read_at.is_(None),
            NoticeRecipient.joined.is_(True),
        )
        .order_by(Person.id)
    )
    return [UnreadRow(p, c, lang) for p, c, lang in rows.all()]


async def mark_reminded(session: AsyncSession, notice_id: int, person_ids: Sequence[int], now: datetime) -> None:
    if person_ids:
        await session.execute(
            update(NoticeRecipient)
            .where(NoticeRecipient.notice_id == notice_id, NoticeRecipient.person_id.in_(list(person_ids)))
            .values(reminded_at=now)
        )


async def visible_notices(
    session: AsyncSession, school_ids: Iterable[int], class_ids: Iterable[int], limit: int
) -> list[Notice]:
    """The newest notices of these schools (all of them) or classes (their own only)."""
    schools_ = sorted(set(school_ids))
    classes = sorted(set(class_ids))
    clauses = []
    if schools_:
        clauses.append(Notice.school_id.in_(schools_))
    if classes:
        clauses.append(Notice.class_id.in_(classes))
    if not clauses:
        return []
    return list(
        (
            await session.scalars(
                select(Notice).where(or_(*clauses)).order_by(Notice.created_at.desc(), Notice.id.desc()).limit(limit)
            )
        ).all()
    )


@dataclass(frozen=True)
class Counts:
    total: int  # guardians the notice was meant for
    joined: int  # of them, those it reached
    read: int


async def counts(session: AsyncSession, notice_ids: Sequence[int]) -> dict[int, Counts]:
    if not notice_ids:
        return {}
    rows = await session.execute(
        select(
            NoticeRecipient.notice_id,
            func.count(),
            func.count().filter(NoticeRecipient.joined.is_(True)),
            func.count(NoticeRecipient.read_at),
        )
        .where(NoticeRecipient.notice_id.in_(list(notice_ids)))
        .group_by(NoticeRecipient.notice_id)
    )
    found = {nid: Counts(total, joined, read) for nid, total, joined, read in rows.all()}
    return {nid: found.get(nid, Counts(0, 0, 0)) for nid in notice_ids}


@dataclass(frozen=True)
class RecipientRow:
    person_id: int
    name: str
    phone: str | None
    joined: bool
    read_at: datetime | None


async def recipients_of(session: AsyncSession, notice_id: int) -> list[RecipientRow]:
    rows = await session.execute(
        select(Person.id, Person.name, Person.phone, NoticeRecipient.joined, NoticeRecipient.read_at)
        .join(NoticeRecipient, NoticeRecipient.person_id == Person.id)
        .where(NoticeRecipient.notice_id == notice_id)
        .order_by(Person.id)
    )
    return [RecipientRow(*row) for row in rows.all()]


@dataclass(frozen=True)
class ChildRow:
    person_id: int
    student_name: str
    grade: int | None
    class_name: str | None


async def children_in_scope(
    session: AsyncSession, notice: Notice, person_ids: Sequence[int]
) -> list[ChildRow]:
    """The guardians' current enrolled children the notice was about (its school or class)."""
    if not person_ids:
        return []
    query = (
        select(StudentGuardian.person_id, Student.name, SchoolClass.grade, SchoolClass.name)
        .join(Student, Student.id == StudentGuardian.student_id)
        .outerjoin(SchoolClass, SchoolClass.id == Student.class_id)
        .where(
            StudentGuardian.person_id.in_(list(person_ids)),
            StudentGuardian.ended_at.is_(None),
            Student.status == StudentStatus.ENROLLED,
            Student.school_id == notice.school_id,
        )
        .order_by(StudentGuardian.person_id, SchoolClass.grade, SchoolClass.name, Student.name)
    )
    if notice.class_id is not None:
        query = query.where(Student.class_id == notice.class_id)
    rows = await session.execute(_care(query, notice.only_care))
    return [ChildRow(*row) for row in rows.all()]
