from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, Timestamped


class County(Timestamped, Base):
    """A county and its education bureau (教育局)."""

    __tablename__ = "counties"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)

    schools: Mapped[list[School]] = relationship(back_populates="county")


class School(Timestamped, Base):
    __tablename__ = "schools"
    __table_args__ = (UniqueConstraint("county_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"))
    name: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")

    county: Mapped[County] = relationship(back_populates="schools")
    classes: Mapped[list[SchoolClass]] = relationship(back_populates="school")


class SchoolClass(Timestamped, Base):
    """A class (班) within a grade (年级); owned by its head teacher (班主任)."""

    __tablename__ = "classes"
    __table_args__ = (UniqueConstraint("school_id", "grade", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    grade: Mapped[int]
    name: Mapped[str] = mapped_column(String(50))
    head_teacher_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)

    school: Mapped[School] = relationship(back_populates="classes")
