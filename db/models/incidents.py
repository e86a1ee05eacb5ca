"""安全应急预案: an emergency at school, with its two deadlines.

The policy: the guardian is told within 30 minutes of the incident (30分钟内告知其监护人),
the education bureau within 1 hour (1小时内上报教育局). The clock starts at the time of
the incident as the teacher entered it, not when the record was made.

The incident row keeps what the deadlines are judged by: when the guardian was informed
(their tap on the notice, or the phone call a teacher recorded) and when a bureau officer
acknowledged the report. Met or missed is always computed from those stored times, never
stored as a verdict, so a late record can never be tidied into an on-time one.

The `*_at` columns of the escalation steps (escalated, warned, missed) are claimed by one
atomic UPDATE each, so the minute job sends each of them exactly once, however many
processes run it. Every step is also an event row: the incident's timeline.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


class IncidentCategory(StrEnum):
    INJURY = "injury"
    ILLNESS = "illness"
    MISSING = "missing"
    ACCIDENT = "accident"
    OTHER = "other"


class InformedHow(StrEnum):
    """How the guardian came to know: their tap on the notice, or a teacher's phone call."""

    BUTTON = "button"
    PHONE = "phone"


class IncidentEventKind(StrEnum):
    OPENED = "opened"
    GUARDIAN_NOTICE = "guardian_notice"  # notices queued to the guardians (count)
    BUREAU_NOTICE = "bureau_notice"  # reports queued to the bureau officers (count)
    GUARDIAN_ACK = "guardian_ack"
    GUARDIAN_PHONE = "guardian_phone"
    BUREAU_ACK = "bureau_ack"
    ESCALATED = "escalated"  # head teacher asked to phone the guardian
    GUARDIAN_WARNING = "guardian_warning"  # admin warned: guardian deadline near
    BUREAU_WARNING = "bureau_warning"
    GUARDIAN_MISSED = "guardian_missed"
    BUREAU_MISSED = "bureau_missed"
    NOTE = "note"
    CLOSED = "closed"


class Incident(Base):
    __tablename__ = "incidents"
    __table_args__ = (
        # The open incidents of a school (lists, the minute job).
        Index("ix_incidents_school_open", "school_id", "closed_at"),
        Index("ix_incidents_open", "closed_at", "happened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    category: Mapped[str] = mapped_column(String(20))  # IncidentCategory
    description: Mapped[str | None] = mapped_column(Text, default=None)
    happened_at: Mapped[datetime]  # as entered; both deadlines count from here
    opened_at: Mapped[datetime]
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    # The deadlines as they were when the incident was opened (settings may change later).
    guardian_due_at: Mapped[datetime]
    bureau_due_at: Mapped[datetime]
    # The guardian: informed when, how (button / phone), and by whom (the guardian who
    # tapped, or the teacher who recorded the call).
    guardian_informed_at: Mapped[datetime | None] = mapped_column(default=None)
    guardian_informed_how: Mapped[str | None] = mapped_column(String(10), default=None)  # InformedHow
    guardian_informed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    guardian_recorded_at: Mapped[datetime | None] = mapped_column(default=None)
    # The bureau: acknowledged when and by which officer.
    bureau_notified_at: Mapped[datetime | None] = mapped_column(default=None)
    bureau_acknowledged_at: Mapped[datetime | None] = mapped_column(default=None)
    bureau_acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    # Escalation steps, each claimed once.
    escalated_at: Mapped[datetime | None] = mapped_column(default=None)
    guardian_warned_at: Mapped[datetime | None] = mapped_column(default=None)
    bureau_warned_at: Mapped[datetime | None] = mapped_column(default=None)
    guardian_missed_at: Mapped[datetime | None] = mapped_column(default=None)
    bureau_missed_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    close_note: Mapped[str | None] = mapped_column(Text, default=None)


class IncidentEvent(Base):
    """One line of an incident's timeline."""

    __tablename__ = "incident_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # IncidentEventKind
    # When it happened (a phone call's typed time), and when it was written down.
    at: Mapped[datetime]
    recorded_at: Mapped[datetime]
    by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    count: Mapped[int | None] = mapped_column(default=None)  # messages queued
    note: Mapped[str | None] = mapped_column(Text, default=None)
