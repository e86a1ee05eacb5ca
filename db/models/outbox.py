from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base
from db.models.enums import OutboxStatus, Priority


class OutboxMessage(Base):
    """One message the bot owes someone. The sender is the only code that delivers it.

    `dedup_key` (e.g. "weekend-return:2026-11-20:person:42") is unique, so a reminder
    cannot be created twice, however often a job runs or however many processes run it.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "priority", "due_at"),
        # recover() and the stale-claim job look for old claims.
        Index("ix_outbox_claims", "status", "claimed_at"),
        Index("ix_outbox_campaign_status", "campaign_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(50))
    priority: Mapped[int] = mapped_column(default=Priority.NORMAL)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), default=None)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), default=None)
    # {"text": str, "buttons": [[{"text", "callback_data"}]], "document": {...}}: already
    # rendered in the recipient's language, so the row shows what was actually sent.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    timezone: Mapped[str | None] = mapped_column(String(64), default=None)
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    claimed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    claimed_at: Mapped[datetime | None] = mapped_column(default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime]


class Campaign(Base):
    """A mass send started by a person; its progress message is edited while it runs."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(50))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    language: Mapped[str | None] = mapped_column(String(10), default=None)
    total: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


class JobLease(Base):
    """Which process may run a scheduled job now, so with several processes a job runs in one.

    Taken by one atomic UPDATE ... WHERE expires_at < now OR holder = me; a holder that
    dies simply lets its lease expire.
    """

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
