"""Who read or changed which student's record, and failed invite tries (for throttling).

Only ids and short codes: never a name, a phone number or a token.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


class AuditEntry(Base):
    """One read, change or export of a student's record (or of many, for an export).

    `student_id` names the one student; an action covering many (an export, a roster
    import) leaves it empty and gives the scope instead: the school, maybe the class or
    county, and how many students it covered. `school_id` is always filled when known,
    so a school admin's view of the log is one indexed filter.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_student_at", "student_id", "at"),
        Index("ix_audit_log_school_at", "school_id", "at"),
        Index("ix_audit_log_county_at", "county_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    # None: the command line on the server (whoever can run it there).
    actor_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    action: Mapped[str] = mapped_column(String(10))  # read / change / export
    what: Mapped[str] = mapped_column(String(40))  # ledger, counselling-note, status, …
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"), default=None)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), default=None)
    county_id: Mapped[int | None] = mapped_column(ForeignKey("counties.id"), default=None)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id"), default=None)
    count: Mapped[int | None] = mapped_column(default=None)  # students covered (scope rows)


class InviteAttempt(Base):
    """A /start with a token that matched no invite. Rows older than the longest
    throttle window are deleted as new ones come in."""

    __tablename__ = "invite_attempts"
    __table_args__ = (Index("ix_invite_attempts_user_at", "telegram_user_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(index=True)
