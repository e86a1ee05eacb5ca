"""学生到校日报告制度: the daily arrival report of each class.

A sheet says "this class was counted today"; only the exceptions are stored as marks
(a class of 60 with two absentees is one sheet and two marks). A student with no mark on
a day whose sheet exists was present. Marks are never overwritten silently: each change
is also a row in attendance_changes (who, when, from what, to what).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


class AttendanceSheet(Base):
    __tablename__ = "attendance_sheets"
    __table_args__ = (UniqueConstraint("class_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    day: Mapped[date] = mapped_column(index=True)  # in the school's timezone
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    submitted_at: Mapped[datetime]
    updated_at: Mapped[datetime | None] = mapped_column(default=None)


class AttendanceMark(Base):
    """One student not simply present on one day: absent (with a reason) or late.

    A guardian's report before school creates the mark before the sheet exists.
    """

    __tablename__ = "attendance_marks"
    __table_args__ = (
        UniqueConstraint("student_id", "day"),
        Index("ix_attendance_marks_class_day", "class_id", "day"),
        # The no-answer escalation job looks for notices still waiting.
        Index("ix_attendance_marks_waiting", "notice_sent_at", "guardian_answer", "escalated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id"), default=None)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    day: Mapped[date]
    status: Mapped[str] = mapped_column(String(20))  # AttendanceStatus
    reason: Mapped[str] = mapped_column(String(20))  # AbsenceReason
    # Who told us: the teacher at the sheet, or a guardian before school.
    source: Mapped[str] = mapped_column(String(20))  # MarkSource
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    recorded_at: Mapped[datetime]
    # The guardian notice for an unexplained absence and what came of it.
    notice_sent_at: Mapped[datetime | None] = mapped_column(default=None)
    guardian_answer: Mapped[str | None] = mapped_column(String(20), default=None)  # GuardianAnswer
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    escalated_at: Mapped[datetime | None] = mapped_column(default=None)


class AttendanceChange(Base):
    """Every change to a student's attendance on a day, including back to present."""

    __tablename__ = "attendance_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    day: Mapped[date]
    from_status: Mapped[str | None] = mapped_column(String(20))  # None = present / no mark
    from_reason: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    to_reason: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    changed_at: Mapped[datetime]
