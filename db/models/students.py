from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, Timestamped
from db.models.enums import StudentStatus


class Student(Timestamped, Base):
    __tablename__ = "students"

    id: Mapped[int] = mapped_column(primary_key=True)
    # 学籍号: national student number, the key a re-imported roster updates by.
    student_number: Mapped[str] = mapped_column(String(32), unique=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    gender: Mapped[str | None] = mapped_column(String(10), default=None)
    birth_date: Mapped[date | None] = mapped_column(default=None)
    home_address: Mapped[str | None] = mapped_column(String(200), default=None)
    status: Mapped[str] = mapped_column(String(20), default=StudentStatus.ENROLLED, index=True)
    # Categories combine (a left-behind child may also be boarding and from a poor family).
    is_left_behind: Mapped[bool] = mapped_column(default=False, index=True)
    is_migrant: Mapped[bool] = mapped_column(default=False)
    is_disabled: Mapped[bool] = mapped_column(default=False)
    has_hardship: Mapped[bool] = mapped_column(default=False)
    hardship_note: Mapped[str | None] = mapped_column(Text, default=None)
    is_boarding: Mapped[bool] = mapped_column(default=False)

    away_parents: Mapped[list[AwayParent]] = relationship(back_populates="student")
    guardian_links: Mapped[list[StudentGuardian]] = relationship(back_populates="student")


class StudentStatusChange(Base):
    """学籍 history: every status change is a new row, nothing is overwritten."""

    __tablename__ = "student_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    effective_on: Mapped[date]
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    # Transfers: the other school, and whether the student's file has arrived.
    other_school: Mapped[str | None] = mapped_column(String(100), default=None)
    file_pending: Mapped[bool] = mapped_column(default=False)
    proof_file_id: Mapped[str | None] = mapped_column(String(200), default=None)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    recorded_at: Mapped[datetime]
    # What happened (services.student_status.ChangeKind): transfer_in, transfer_out,
    # suspension, resumption, graduation. Two kinds can share a to_status.
    kind: Mapped[str | None] = mapped_column(String(20), default=None)
    # The school and class that recorded it: a student moved to another school in the
    # system keeps this history row, and the "file pending" list is per school.
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True, default=None)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id"), default=None)
    # The other school, when it uses the system too (the student row moved there).
    other_school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), default=None)
    file_cleared_at: Mapped[datetime | None] = mapped_column(default=None)
    file_cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)


class AwayParent(Timestamped, Base):
    """A parent working away from home (外出务工), the reason a child is left behind."""

    __tablename__ = "away_parents"
    __table_args__ = (UniqueConstraint("student_id", "relation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    relation: Mapped[str] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(100), default=None)
    phone: Mapped[str | None] = mapped_column(String(20), default=None)
    work_place: Mapped[str | None] = mapped_column(String(200), default=None)
    # Set when the parent joins the bot themselves (they may confirm the monthly contact).
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)

    student: Mapped[Student] = relationship(back_populates="away_parents")


class StudentGuardian(Base):
    """Guardian ↔ student. A guardian may have several children, a child several guardians.

    A link is never deleted: when a guardian changes, `ended_at` is set, so the history
    of who was responsible when stays (the policy's 监护人 changes).
    """

    __tablename__ = "student_guardians"
    __table_args__ = (Index("ix_student_guardians_current", "person_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    relation: Mapped[str] = mapped_column(String(20))
    # 临时监护人 / 代理监护人: a temporary or proxy guardian appointed while parents are away.
    is_proxy: Mapped[bool] = mapped_column(default=False)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None] = mapped_column(default=None)

    student: Mapped[Student] = relationship(back_populates="guardian_links")


class StudentMentor(Base):
    """帮扶教师: mentor teacher ↔ student (1:1, 1:n, n:1), with history."""

    __tablename__ = "student_mentors"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None] = mapped_column(default=None)


class ClassTeacher(Base):
    """A subject teacher teaching a class (科任教师); they may see that class's students."""

    __tablename__ = "class_teachers"
    __table_args__ = (UniqueConstraint("class_id", "staff_id", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    subject: Mapped[str] = mapped_column(String(50), default="")
