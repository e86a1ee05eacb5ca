"""Contact with the parents working away (外出务工的家长).

Two policy rows, two logs:

- 留守学生至少每月与家长联系一次: each left-behind child talks with the away parents at least
  once a calendar month. One MonthlyParentContact row per child per month (unique), written
  by whoever confirms it first (a guardian, or an away parent linked to the bot); a second
  guardian then sees it already confirmed instead of writing a second row.
- 每学期至少与留守学生家长联系二次: the school contacts each left-behind child's parents at
  least twice a term. Each contact a teacher logs is one TeacherParentContact row; the
  per-term count is read from the rows (nothing is counted up and stored).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Timestamped


class ContactMethod(StrEnum):
    PHONE = "phone"
    VIDEO = "video"
    VISIT_HOME = "visit_home"  # the parent came home (child ↔ parent)
    WECHAT = "wechat"  # WeChat messages (teacher ↔ parent)
    IN_PERSON = "in_person"  # met in person (teacher ↔ parent)


class ContactWhen(StrEnum):
    """When the child talked with the parents, as the guardian taps it (no calendar)."""

    TODAY = "today"
    THIS_WEEK = "this_week"
    EARLIER = "earlier"  # earlier this month


# Which methods each log offers, in button order.
MONTHLY_METHODS: tuple[ContactMethod, ...] = (ContactMethod.PHONE, ContactMethod.VIDEO, ContactMethod.VISIT_HOME)
TEACHER_METHODS: tuple[ContactMethod, ...] = (
    ContactMethod.PHONE, ContactMethod.VIDEO, ContactMethod.WECHAT, ContactMethod.IN_PERSON,
)


class MonthlyParentContact(Timestamped, Base):
    __tablename__ = "monthly_parent_contacts"
    __table_args__ = (UniqueConstraint("student_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    # The first day of the calendar month (school timezone) the contact counts for.
    month: Mapped[date] = mapped_column(index=True)
    method: Mapped[str] = mapped_column(String(20))
    when_said: Mapped[str] = mapped_column(String(20))  # ContactWhen
    # Exact only when the guardian said "today"; otherwise the month is what is known.
    contacted_on: Mapped[date | None] = mapped_column(default=None)
    confirmed_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    confirmed_at: Mapped[datetime]


class TeacherParentContact(Timestamped, Base):
    __tablename__ = "teacher_parent_contacts"
    __table_args__ = (Index("ix_teacher_parent_contacts_student_day", "student_id", "contacted_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    contacted_on: Mapped[date]  # school timezone
    method: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text, default=None)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[datetime]
