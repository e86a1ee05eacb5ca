"""The update journal: every Telegram update the bot accepted, until it has been handled.

One row per update_id. It is written before the update is handled (polling: before the
next getUpdates confirms it to Telegram), so an update a killed process was handling is
replayed at the next start; and it is marked handled in the same transaction as the
update's own writes, so an update Telegram delivers again (webhook re-send, polling
after a crash) has no second effect. bot/journal.py has the rules.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


class ReceivedUpdate(Base):
    __tablename__ = "received_updates"
    __table_args__ = (Index("ix_received_updates_handled", "handled_at", "update_id"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # The update as Telegram sent it (JSON), kept only until it is handled: it may carry
    # names and phone numbers, so the handled row keeps nothing but its id and times.
    payload: Mapped[str | None] = mapped_column(Text, default=None)
    received_at: Mapped[datetime]
    handled_at: Mapped[datetime | None] = mapped_column(default=None)
    # Start-up replays of this update; one that keeps failing is given up after a few.
    attempts: Mapped[int] = mapped_column(default=0)
