"""节假日、周末 … 监护人应向学校报告: the guardian reports that the child got home after
school let out, and later that the child set off back to school.

A `ReturnRound` is one release of one school (the last school day before one or more
non-school days, at the school's release time); a `HomeReturn` is one child of that round.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Timestamped


class ReleaseKind(StrEnum):
    WEEKEND = "weekend"
    HOLIDAY = "holiday"  # a public holiday, a vacation, or any weekday off


class HomeStatus(StrEnum):
    WAITING = "waiting"  # asked, no answer yet
    NOT_YET = "not_yet"  # the guardian said "not yet"
    ARRIVED = "arrived"  # the guardian said the child is home
    BY_PHONE = "by_phone"  # the head teacher phoned and heard the child is home


HOME_CONFIRMED = (HomeStatus.ARRIVED, HomeStatus.BY_PHONE)


class SchoolRelease(Timestamped, Base):
    """A school's own release times; without a row the settings' defaults apply."""

    __tablename__ = "school_releases"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), unique=True)
    weekend_time: Mapped[time | None] = mapped_column(default=None)  # e.g. Friday 16:30
    holiday_time: Mapped[time | None] = mapped_column(default=None)  # before a holiday


class ReturnRound(Base):
    """One release of one school: who was asked, when the deadline is, when it escalated."""

    __tablename__ = "return_rounds"
    __table_args__ = (UniqueConstraint("school_id", "release_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    release_day: Mapped[date]
    kind: Mapped[str] = mapped_column(String(20))
    released_at: Mapped[datetime]
    deadline_at: Mapped[datetime]
    # None: no school day is set after the release (e.g. the next term is not entered yet).
    back_on: Mapped[date | None] = mapped_column(default=None)
    created_at: Mapped[datetime]
    escalated_at: Mapped[datetime | None] = mapped_column(default=None)
    set_off_asked_at: Mapped[datetime | None] = mapped_column(default=None)
    back_checked_at: Mapped[datetime | None] = mapped_column(default=None)


class HomeReturn(Base):
    """One child of a round: home (who said so, when), re-asks, set off, back at school."""

    __tablename__ = "home_returns"
    __table_args__ = (
        UniqueConstraint("round_id", "student_id"),
        Index("ix_home_returns_reask", "status", "next_ask_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("return_rounds.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=HomeStatus.WAITING)
    asked: Mapped[int] = mapped_column(default=0)  # questions sent: the first plus re-asks
    next_ask_at: Mapped[datetime | None] = mapped_column(default=None)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    set_off_at: Mapped[datetime | None] = mapped_column(default=None)
    set_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    back_at: Mapped[datetime | None] = mapped_column(default=None)  # present on the first school day
