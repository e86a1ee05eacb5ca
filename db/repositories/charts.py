"""Queries behind the charts (services/charts.py) and the weekly digest (services/digest.py):
bulk reads per school, a class filter where the reader is a head teacher, nothing written."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AttendanceSheet,
    DropoutCase,
    HomeReturn,
    MonthlyParentContact,
    ReturnRound,
    Student,
    StudentStatus,
)
from db.models.enums import DropoutStage
from db.models.returns import HOME_CONFIRMED

OPEN_STAGES = (
    DropoutStage.SUSPECTED, DropoutStage.CONFIRMED, DropoutStage.REPORTED, DropoutStage.PERSUADING,
    DropoutStage.ENFORCING,
)


def _classes(column: ColumnElement[int | None], class_ids: Iterable[int] | None) -> list[ColumnElement[bool]]:
    return [] if class_ids is None else [column.in_(sorted(set(class_ids)))]


async def sheet_days(
    session: AsyncSession, school_id: int, start: date, end: date, class_ids: Iterable[int] | None = None
) -> set[tuple[int, date]]:
    """(class id, day) of every attendance sheet the school's classes handed in."""
    rows = await session.execute(
        select(AttendanceSheet.class_id, AttendanceSheet.day).where(
            AttendanceSheet.school_id == school_id, AttendanceSheet.day >= start, AttendanceSheet.day <= end,
            *_classes(AttendanceSheet.class_id, class_ids),
        )
    )
    return {(class_id, day) for class_id, day in rows.all()}


@dataclass(frozen=True)
class ReturnAsked:
    student_id: int
    class_id: int | None
    release_day: date
    confirmed: bool


async def returns_asked(
    session: AsyncSession, school_id: int, start: date, end: date, class_ids: Iterable[int] | None = None
) -> list[ReturnAsked]:
    """Each "arrived home?" of the school's releases from start to end, and its answer."""
    rows = await session.execute(
        select(HomeReturn.student_id, HomeReturn.class_id, ReturnRound.release_day, HomeReturn.status)
        .join(ReturnRound, ReturnRound.id == HomeReturn.round_id)
        .where(
            ReturnRound.school_id == school_id, ReturnRound.release_day >= start, ReturnRound.release_day <= end,
            *_classes(HomeReturn.class_id, class_ids),
        )
    )
    confirmed = {s.value for s in HOME_CONFIRMED}
    return [ReturnAsked(sid, cid, day, status in confirmed) for sid, cid, day, status in rows.all()]


@dataclass(frozen=True)
class EnrolledStudent:
    id: int
    class_id: int | None
    left_behind: bool


async def enrolled(
    session: AsyncSession, school_id: int, class_ids: Iterable[int] | None = None
) -> list[EnrolledStudent]:
    rows = await session.execute(
        select(Student.id, Student.class_id, Student.is_left_behind).where(
            Student.school_id == school_id, Student.status == StudentStatus.ENROLLED,
            *_classes(Student.class_id, class_ids),
        )
    )
    return [EnrolledStudent(sid, cid, bool(lb)) for sid, cid, lb in rows.all()]


async def monthly_confirmed_at(
    session: AsyncSession, student_ids: Iterable[int], first_month: date, last_month: date
) -> dict[tuple[int, date], datetime]:
    """(student id, month) -> when the monthly contact was confirmed."""
    ids = sorted(set(student_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(MonthlyParentContact.student_id, MonthlyParentContact.month, MonthlyParentContact.confirmed_at)
        .where(
            MonthlyParentContact.student_id.in_(ids), MonthlyParentContact.month >= first_month,
            MonthlyParentContact.month <= last_month,
        )
    )
    return {(sid, month): at for sid, month, at in rows.all()}


@dataclass(frozen=True)
class OpenCase:
    school_id: int
    class_id: int | None
    stage: str
    stage_since: datetime


async def open_cases(
    session: AsyncSession, school_ids: Iterable[int], class_ids: Iterable[int] | None = None
) -> list[OpenCase]:
    ids = sorted(set(school_ids))
    if not ids:
        return []
    rows = await session.execute(
        select(DropoutCase.school_id, Student.class_id, DropoutCase.stage, DropoutCase.stage_since)
        .join(Student, Student.id == DropoutCase.student_id)
        .where(
            DropoutCase.school_id.in_(ids), DropoutCase.ended_at.is_(None),
            DropoutCase.stage.in_([s.value for s in OPEN_STAGES]),
            *_classes(Student.class_id, class_ids),
        )
    )
    return [OpenCase(*row) for row in rows.all()]


async def count_where(session: AsyncSession, *where: ColumnElement[bool]) -> int:
    return int(await session.scalar(select(func.count()).select_from(Student).where(*where)) or 0)
