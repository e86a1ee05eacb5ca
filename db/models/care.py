"""家访, 帮扶, 心理健康: home visits, what mentor teachers do for their mentees, and
counselling notes.

Who mentors whom lives in `StudentMentor` (db/models/students.py, with started/ended
history); this module holds what people *did*. Counselling notes are a table of their
own, not a kind of visit or mentoring entry, so no query for the other two can ever
return one by accident: only services/mentoring.py's counselling functions read it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


class VisitForm(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"


class VisitPurpose(StrEnum):
    ROUTINE = "routine"
    PERSUADE = "persuade"  # 劝返: persuade a dropout to come back
    FOLLOW_UP = "follow_up"
    EMERGENCY = "emergency"


class VisitMet(StrEnum):
    """Who the teacher met (or spoke to)."""

    GUARDIAN = "guardian"
    FATHER = "father"
    MOTHER = "mother"
    BOTH_PARENTS = "both_parents"
    OTHER = "other"


class MentorActivityKind(StrEnum):
    TUTORING = "tutoring"  # 学习辅导
    BIRTHDAY = "birthday"  # 过生日
    WEEKEND = "weekend"  # 周末陪伴
    TALK = "talk"  # 谈心
    OTHER = "other"


class HomeVisit(Base):
    """One home visit (家访), by phone or video too, as the teacher logged it."""

    __tablename__ = "home_visits"
    __table_args__ = (Index("ix_home_visits_follow_up", "follow_up_on", "follow_up_sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    visited_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    visited_on: Mapped[date]
    form: Mapped[str] = mapped_column(String(20))  # VisitForm
    purpose: Mapped[str] = mapped_column(String(20))  # VisitPurpose
    met: Mapped[str] = mapped_column(String(20))  # VisitMet
    note: Mapped[str | None] = mapped_column(Text, default=None)
    # Telegram file ids: the recording and the picture stay on Telegram's servers.
    voice_file_id: Mapped[str | None] = mapped_column(String(200), default=None)
    photo_file_id: Mapped[str | None] = mapped_column(String(200), default=None)
    follow_up_on: Mapped[date | None] = mapped_column(default=None)
    follow_up_sent_at: Mapped[datetime | None] = mapped_column(default=None)
    # A visit to persuade a dropout to return belongs to that student's open case.
    dropout_case_id: Mapped[int | None] = mapped_column(ForeignKey("dropout_cases.id"), index=True, default=None)
    # Set when the visit is also on the case's timeline (a DropoutCaseEvent of kind visit):
    # the ledger then counts it once, as that event.
    dropout_event_id: Mapped[int | None] = mapped_column(ForeignKey("dropout_case_events.id"), default=None)
    recorded_at: Mapped[datetime]


class MentorActivity(Base):
    """What a mentor teacher (帮扶教师) did for a mentee."""

    __tablename__ = "mentor_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[str] = mapped_column(String(20))  # MentorActivityKind
    happened_on: Mapped[date]
    note: Mapped[str | None] = mapped_column(Text, default=None)
    recorded_at: Mapped[datetime]


class CounsellingNote(Base):
    """心理健康: a counsellor's note on a student. Readable only by the school's
    counsellors and admins (services/mentoring.py `may_counsel`)."""

    __tablename__ = "counselling_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    written_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    written_on: Mapped[date]
    text: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]
