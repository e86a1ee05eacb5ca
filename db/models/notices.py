"""敦促家长送子女入学通知 / 放假前的安全教育 / 家长会: a notice to guardians that each of
them acknowledges with one tap ("I have read it").

A `Notice` is one notice as the sender wrote it (sent through the announcement campaign);
a `NoticeRecipient` is one guardian it was meant for, once per guardian however many
children they have, with when they read it and when they were reminded.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


class NoticeKind(StrEnum):
    ENROLMENT = "enrolment"  # 开学入学通知 (敦促家长送子女入学)
    SAFETY = "safety"  # 放假前安全教育
    MEETING = "meeting"  # 家长会通知
    OTHER = "other"


class Notice(Base):
    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Made once per confirm screen: a second tap on Send finds this row, never makes another.
    campaign_key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default=NoticeKind.OTHER)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    # None: the whole school (an admin's notice); else the head teacher's class.
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id"), index=True, default=None)
    # Only the guardians of left-behind or boarding students.
    only_care: Mapped[bool] = mapped_column(default=False)
    text: Mapped[str] = mapped_column(Text)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), default=None)
    created_at: Mapped[datetime]
    # Set once by the reminder job (the unread were reminded, or it was too late to).
    reminded_at: Mapped[datetime | None] = mapped_column(default=None)


class NoticeRecipient(Base):
    """One guardian of one notice. `joined` is False for a guardian who had not joined the
    bot when it was sent: they got nothing and the sender must tell them another way."""

    __tablename__ = "notice_recipients"
    __table_args__ = (
        UniqueConstraint("notice_id", "person_id"),
        Index("ix_notice_recipients_person_read", "person_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    joined: Mapped[bool] = mapped_column(default=True)
    read_at: Mapped[datetime | None] = mapped_column(default=None)
    reminded_at: Mapped[datetime | None] = mapped_column(default=None)
