from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, Timestamped


class Person(Timestamped, Base):
    """Anyone the bot talks to or about as an adult: guardian, away parent, staff.

    One row per real person; the phone (E.164) is how the roster and the Telegram contact
    meet. The Telegram account is attached when the person first joins.
    """

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20), unique=True, default=None)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True, default=None)
    chat_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    language: Mapped[str | None] = mapped_column(String(10), default=None)
    joined_at: Mapped[datetime | None] = mapped_column(default=None)
    # Set when Telegram says the person blocked the bot or the chat is gone.
    unreachable_since: Mapped[datetime | None] = mapped_column(default=None)

    staff_roles: Mapped[list[Staff]] = relationship(back_populates="person")


class Staff(Timestamped, Base):
    """A person's post in one school (or, for bureau officers, one county).

    Role flags combine: a head teacher is often a subject teacher and a mentor too.
    """

    __tablename__ = "staff"
    __table_args__ = (UniqueConstraint("person_id", "school_id", "county_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    county_id: Mapped[int | None] = mapped_column(ForeignKey("counties.id"), index=True)
    is_bureau_officer: Mapped[bool] = mapped_column(default=False)
    is_school_admin: Mapped[bool] = mapped_column(default=False)
    is_head_teacher: Mapped[bool] = mapped_column(default=False)
    is_subject_teacher: Mapped[bool] = mapped_column(default=False)
    is_mentor: Mapped[bool] = mapped_column(default=False)
    is_counsellor: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)

    person: Mapped[Person] = relationship(back_populates="staff_roles")
