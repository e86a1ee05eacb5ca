"""调查摸底: the start-of-term census of left-behind students.

Each term, the head teacher confirms or corrects every left-behind student of the class.
One CensusEntry per term and student says who confirmed it and when ("no change" or
"changed"); each correction is a CensusChange row with the value before and after, so the
change report of the term's first month is read from these rows. The student's own data
is updated too, keeping its history where the model has one (a guardian link is ended,
never deleted); for the left-behind flag and a parent's workplace this table *is* the
history.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Timestamped


class CensusStatus(StrEnum):
    UNCHANGED = "unchanged"
    CHANGED = "changed"


class CensusChangeKind(StrEnum):
    BECAME_LEFT_BEHIND = "became_left_behind"
    STOPPED_LEFT_BEHIND = "stopped_left_behind"  # a parent came home
    WORK_PLACE = "work_place"  # where an away parent works
    GUARDIAN = "guardian"  # the main guardian changed
    TRANSFERRED = "transferred"  # noted by the head teacher; the admin records the 学籍 change


class CensusEntry(Timestamped, Base):
    __tablename__ = "census_entries"
    __table_args__ = (UniqueConstraint("term_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    # The class when confirmed (a student may change class later in the term).
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id"), default=None)
    status: Mapped[str] = mapped_column(String(20))  # CensusStatus
    confirmed_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    confirmed_at: Mapped[datetime]


class CensusChange(Base):
    """One correction made in the census; never updated afterwards."""

    __tablename__ = "census_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("census_entries.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # CensusChangeKind
    # The away parent concerned (father / mother / other), for workplace changes and
    # becoming left-behind.
    relation: Mapped[str | None] = mapped_column(String(20), default=None)
    old_value: Mapped[str | None] = mapped_column(Text, default=None)
    new_value: Mapped[str | None] = mapped_column(Text, default=None)
    # The new main guardian (guardian changes).
    guardian_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[datetime]
