from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


class Invite(Base):
    """A one-time deep link. Only the SHA-256 of the token is stored."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    county_id: Mapped[int | None] = mapped_column(ForeignKey("counties.id"), default=None)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), default=None)
    # Teacher invites may carry a class to head; guardian invites name the child.
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id"), default=None)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"), default=None)
    relation: Mapped[str | None] = mapped_column(String(20), default=None)
    # Teacher invites: the posts the teacher gets, comma-separated Staff flag names
    # ("head_teacher,mentor"). Guardian invites: the roster guardian to attach, if known.
    posts: Mapped[str | None] = mapped_column(String(100), default=None)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    note: Mapped[str | None] = mapped_column(String(100), default=None)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
