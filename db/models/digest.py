"""The weekly digest (services/digest.py): who asked not to get it. A row means "stop";
no row means the person gets the digest (the default). Turning it back on deletes the row."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


class DigestOptOut(Base):
    __tablename__ = "digest_opt_outs"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    opted_out_at: Mapped[datetime]
