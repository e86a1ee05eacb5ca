"""控辍保学: a suspected dropout's case, from the first alarm to the return to school.

The case holds where it stands now; every step is also an event row (date, person, note),
which is what the 流失学生登记表 and the inspectors read. Stages follow the policy:
suspected → confirmed (辍学认定) → reported (学校报告) → persuading (走访动员) →
enforcing (依法强制); it ends returned (复学) or closed with a reason.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


class DropoutCase(Base):
    __tablename__ = "dropout_cases"
    __table_args__ = (
        # At most one open case per student, however often the opening job runs.
        Index(
            "uq_dropout_cases_open_student",
            "student_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20), index=True)  # DropoutStage
    trigger: Mapped[str] = mapped_column(String(20))  # DropoutTrigger
    opened_at: Mapped[datetime]
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    stage_since: Mapped[datetime]
    # 学校报告: what the school reports to the bureau.
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    parents: Mapped[str | None] = mapped_column(Text, default=None)
    home_address: Mapped[str | None] = mapped_column(String(200), default=None)
    whereabouts: Mapped[str | None] = mapped_column(Text, default=None)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    outcome: Mapped[str | None] = mapped_column(String(20), default=None)  # DropoutOutcome
    returned_on: Mapped[date | None] = mapped_column(default=None)
    close_reason: Mapped[str | None] = mapped_column(Text, default=None)


class DropoutCaseEvent(Base):
    """One step of a case: a stage change, a persuasion visit, or a note."""

    __tablename__ = "dropout_case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dropout_cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # DropoutEventKind
    from_stage: Mapped[str | None] = mapped_column(String(20), default=None)
    to_stage: Mapped[str | None] = mapped_column(String(20), default=None)
    happened_on: Mapped[date]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    recorded_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text, default=None)
    # 走访动员: who went, what was said, what came of it.
    visitors: Mapped[str | None] = mapped_column(Text, default=None)
    said: Mapped[str | None] = mapped_column(Text, default=None)
    result: Mapped[str | None] = mapped_column(Text, default=None)
