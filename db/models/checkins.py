"""不定期向监护人了解 … 学习、生活情况并将相关情况记录学生个人档案: a teacher asks the
guardians of a class a short fixed question set about the child's holiday; the answers
are filed on the student's record (the ledger).

A `HolidayCheckin` is one class's question round, started by its head teacher or a school
admin; a `CheckinChild` is one enrolled student of that class (answered or not, reminded,
follow-up alerted); a `CheckinAnswer` is one answer to one question for one child, the
first one counting (unique per check-in, student and question).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


class HolidayCheckin(Base):
    __tablename__ = "holiday_checkins"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"), index=True)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    started_at: Mapped[datetime]
    # Made once per confirm screen: a second tap on Send finds this row and starts nothing.
    campaign_key: Mapped[str] = mapped_column(String(40), unique=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), default=None)
    remind_at: Mapped[datetime]  # guardians who have not finished are reminded once, then
    reminded_at: Mapped[datetime | None] = mapped_column(default=None)
    closes_at: Mapped[datetime]  # taps after this change nothing


class CheckinChild(Base):
    __tablename__ = "checkin_children"
    __table_args__ = (
        UniqueConstraint("checkin_id", "student_id"),
        Index("ix_checkin_children_follow_up", "follow_up_alerted_at", "needs_follow_up"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    checkin_id: Mapped[int] = mapped_column(ForeignKey("holiday_checkins.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)  # every question answered
    needs_follow_up: Mapped[bool] = mapped_column(default=False)
    # The head teacher was told (one message listing the children newly needing a call).
    follow_up_alerted_at: Mapped[datetime | None] = mapped_column(default=None)
    # The guardian tapped "write a few words": their next typed message is this child's note.
    note_asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    note_asked_at: Mapped[datetime | None] = mapped_column(default=None)


class CheckinAnswer(Base):
    __tablename__ = "checkin_answers"
    __table_args__ = (UniqueConstraint("checkin_id", "student_id", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checkin_id: Mapped[int] = mapped_column(ForeignKey("holiday_checkins.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    question: Mapped[str] = mapped_column(String(20))
    choice: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text, default=None)  # the typed words, if any
    follow_up: Mapped[bool] = mapped_column(default=False)
    answered_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    answered_at: Mapped[datetime]
