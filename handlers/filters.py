"""Router-level role filters: scope a whole router instead of checking in each handler."""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import TelegramObject

from services.access import Actor


class HasRole(Filter):
    def __init__(self, *roles: str) -> None:
        self.roles = frozenset(roles)

    async def __call__(self, event: TelegramObject, actor: Actor | None = None, **_: Any) -> bool:
        return actor is not None and bool(self.roles & actor.roles)


IsSchoolAdmin = HasRole("school_admin")
IsTeacher = HasRole("teacher", "school_admin")
IsGuardian = HasRole("guardian")
IsBureau = HasRole("bureau_officer")
IsStaff = HasRole("teacher", "school_admin", "bureau_officer")
