"""Small builders for the school's data, so each test states only what matters to it."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    County,
    Person,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
)
from services.clock import Clock

_numbers = itertools.count(1)


class Factory:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    async def _add(self, obj: Any) -> Any:
        self.session.add(obj)
        await self.session.flush()
        return obj

    async def county(self, name: str = "清水县") -> County:
        return await self._add(County(name=name, created_at=self.clock.now()))

    async def school(self, name: str = "阳光小学", county: County | None = None) -> School:
        county = county or await self.county(f"县{next(_numbers)}")
        return await self._add(School(name=name, county_id=county.id, created_at=self.clock.now()))

    async def school_class(
        self, school: School, grade: int = 3, name: str = "1班", head_teacher: Staff | None = None
    ) -> SchoolClass:
        return await self._add(
            SchoolClass(
                school_id=school.id, grade=grade, name=name,
                head_teacher_id=head_teacher.id if head_teacher else None,
                created_at=self.clock.now(),
            )
        )

    async def person(
        self, name: str = "王奶奶", phone: str | None = None, telegram_user_id: int | None = None,
        language: str | None = None,
    ) -> Person:
        return await self._add(
            Person(
                name=name, phone=phone, telegram_user_id=telegram_user_id,
                chat_id=telegram_user_id, language=language, created_at=self.clock.now(),
                joined_at=self.clock.now() if telegram_user_id else None,
            )
        )

    async def staff(
        self, person: Person, school: School | None = None, county: County | None = None, **flags: bool
    ) -> Staff:
        return await self._add(
            Staff(
                person_id=person.id, school_id=school.id if school else None,
                county_id=county.id if county else None, created_at=self.clock.now(), **flags,
            )
        )

    async def student(
        self, school: School, school_class: SchoolClass | None = None, name: str = "小明",
        number: str | None = None, **fields: Any,
    ) -> Student:
        return await self._add(
            Student(
                school_id=school.id, class_id=school_class.id if school_class else None, name=name,
                student_number=number or f"G{next(_numbers):012d}", created_at=self.clock.now(),
                **fields,
            )
        )

    async def guardian_of(
        self, student: Student, person: Person, relation: str = "grandmother", is_proxy: bool = False
    ) -> StudentGuardian:
        return await self._add(
            StudentGuardian(
                student_id=student.id, person_id=person.id, relation=relation,
                is_proxy=is_proxy, started_at=self.clock.now(),
            )
        )
