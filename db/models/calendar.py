"""The school calendar: terms, and the days that break the weekly rule.

A day is a school day when it lies inside a term and either is Monday–Friday with no
exception row, or has an exception row saying it is one (调休: a make-up working day on
a weekend). Holidays inside a term are exception rows with is_school_day = False.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Timestamped


class Term(Timestamped, Base):
    """学期: the term tables and the absence ratio are counted within one term."""

    __tablename__ = "terms"
    __table_args__ = (UniqueConstraint("school_id", "starts_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[date]
    ends_on: Mapped[date]


class CalendarDay(Timestamped, Base):
    """An exception to Monday–Friday: a holiday (False) or a make-up working day (True)."""

    __tablename__ = "calendar_days"
    __table_args__ = (UniqueConstraint("school_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    day: Mapped[date]
    is_school_day: Mapped[bool]
    note: Mapped[str | None] = mapped_column(String(100), default=None)  # 国庆节, 调休, ...
