"""Writing a checked roster: create what is new, update what changed, end replaced guardian
links (never delete them), and count what happened.

New rows go in with executemany (a few statements for thousands of rows); changed rows are
updated through the ORM, which is cheap because re-imports change few rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AwayParent,
    ParentRelation,
    Person,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
    StudentStatus,
)
from db.repositories import roster as repo
from services.roster.validate import RosterRow

_FLAG_FIELDS = {
    "migrant": "is_migrant",
    "disabled": "is_disabled",
    "hardship": "has_hardship",
    "boarding": "is_boarding",
}
_PLAIN_FIELDS = ("gender", "birth_date", "home_address")
_STUDENT_COLUMNS = (
    "student_number", "school_id", "class_id", "name", "gender", "birth_date", "home_address",
    "status", "is_left_behind", "is_migrant", "is_disabled", "has_hardship", "hardship_note",
    "is_boarding", "created_at", "updated_at",
)


@dataclass
class ImportResult:
    students_created: int = 0
    students_updated: int = 0
    students_unchanged: int = 0
    classes_created: int = 0
    classes_updated: int = 0  # a new head teacher
    people_created: int = 0  # guardians and head teachers new to the bot
    people_updated: int = 0  # a corrected name
    guardian_links_ended: int = 0
    not_in_file: int = 0  # enrolled students of the school the file did not mention

    @property
    def changed(self) -> bool:
        return any(
            (self.students_created, self.students_updated, self.classes_created,
             self.classes_updated, self.people_created, self.people_updated)
        )


def _set(obj: Any, field: str, value: Any) -> bool:
    if getattr(obj, field) == value:
        return False
    setattr(obj, field, value)
    return True


async def apply_rows(
    session: AsyncSession,
    school_id: int,
    rows: list[RosterRow],
    existing: dict[str, Student],
    now: datetime,
) -> ImportResult:
    result = ImportResult()
    people = await _people(session, rows, now, result)
    classes, new_classes = await _classes(session, school_id, rows, now, result)
    await _head_teachers(session, school_id, rows, people, classes, new_classes, now, result)

    old_ids = [s.id for s in existing.values()]
    links: dict[int, list[StudentGuardian]] = {}
    for link in await repo.current_guardian_links(session, old_ids):
        links.setdefault(link.student_id, []).append(link)
    away: dict[tuple[int, str], AwayParent] = {
        (a.student_id, a.relation): a for a in await repo.away_parents_of(session, old_ids)
    }
    known_ids = {p.id for p in people.values()}
    link_people = await repo.people_by_ids(
        session, {link.person_id for ls in links.values() for link in ls} - known_ids
    )
    phone_of = {p.id: p.phone for p in [*people.values(), *link_people]}

    # Students: changes to known ones through the ORM, new ones in bulk.
    changed_students: dict[str, bool] = {}
    new_students: list[dict[str, Any]] = []
    for row in rows:
        class_id = classes[(row.grade, row.class_name)].id
        student = existing.get(row.student_number)
        if student is None:
            draft = Student(
                student_number=row.student_number, school_id=school_id, class_id=class_id,
                name=row.name, status=StudentStatus.ENROLLED, is_left_behind=False,
                is_migrant=False, is_disabled=False, has_hardship=False, is_boarding=False,
                created_at=now,
            )
            _student_fields(draft, row, away, is_new=True)
            new_students.append({c: getattr(draft, c) for c in _STUDENT_COLUMNS})
        else:
            changed = _set(student, "name", row.name)
            changed |= _set(student, "class_id", class_id)
            changed |= _student_fields(student, row, away, is_new=False)
            changed_students[row.student_number] = changed
    await repo.insert_rows(session, Student, new_students)
    result.students_created = len(new_students)
    created = {
        s.student_number: s
        for s in await repo.students_by_numbers(session, [d["student_number"] for d in new_students])
    }

    new_links: list[dict[str, Any]] = []
    new_away: list[dict[str, Any]] = []
    for row in rows:
        is_new = row.student_number in created
        student = created[row.student_number] if is_new else existing[row.student_number]
        changed = _guardian_links(row, student, links.get(student.id, []), people, phone_of,
                                  now, result, new_links)
        changed |= await _away_rows(session, row, student, away, now, new_away)
        if is_new:
            continue
        if changed or changed_students[row.student_number]:
            student.updated_at = now
            result.students_updated += 1
        else:
            result.students_unchanged += 1
    await repo.insert_rows(session, StudentGuardian, new_links)
    await repo.insert_rows(session, AwayParent, new_away)

    in_file = {row.student_number for row in rows}
    result.not_in_file = len(await repo.enrolled_numbers(session, school_id) - in_file)
    await session.flush()
    return result


async def _people(
    session: AsyncSession, rows: list[RosterRow], now: datetime, result: ImportResult
) -> dict[str, Person]:
    names: dict[str, str] = {}
    for row in rows:
        if row.head_teacher:
            names[row.head_teacher[1]] = row.head_teacher[0]
        for guardian in row.guardians or []:
            names[guardian.phone] = guardian.name
    people = {p.phone: p for p in await repo.people_by_phones(session, names) if p.phone}
    for person in people.values():
        name = names[person.phone or ""]
        # Someone who has joined keeps the name they confirmed; a roster entry follows the file.
        if person.telegram_user_id is None and _set(person, "name", name):
            person.updated_at = now
            result.people_updated += 1
    new = [
        {"name": name, "phone": phone, "created_at": now}
        for phone, name in names.items() if phone not in people
    ]
    await repo.insert_rows(session, Person, new)
    result.people_created = len(new)
    people.update(
        {p.phone: p for p in await repo.people_by_phones(session, [d["phone"] for d in new]) if p.phone}
    )
    return people


async def _classes(
    session: AsyncSession, school_id: int, rows: list[RosterRow], now: datetime, result: ImportResult
) -> tuple[dict[tuple[int, str], SchoolClass], set[tuple[int, str]]]:
    classes = {(c.grade, c.name): c for c in await repo.classes_of_school(session, school_id)}
    new: set[tuple[int, str]] = set()
    for row in rows:
        key = (row.grade, row.class_name)
        if key not in classes:
            new.add(key)
            classes[key] = SchoolClass(school_id=school_id, grade=row.grade, name=row.class_name,
                                       created_at=now)
            session.add(classes[key])
            result.classes_created += 1
    await session.flush()
    return classes, new


async def _head_teachers(
    session: AsyncSession,
    school_id: int,
    rows: list[RosterRow],
    people: dict[str, Person],
    classes: dict[tuple[int, str], SchoolClass],
    new_classes: set[tuple[int, str]],
    now: datetime,
    result: ImportResult,
) -> None:
    wanted: dict[tuple[int, str], str] = {
        (row.grade, row.class_name): row.head_teacher[1] for row in rows if row.head_teacher
    }
    if not wanted:
        return
    posts: dict[int, Staff] = {}
    for post in await repo.staff_of_school(session, school_id):
        if post.county_id is None:
            posts.setdefault(post.person_id, post)
    for phone in set(wanted.values()):
        person = people[phone]
        post = posts.get(person.id)
        if post is None:
            post = Staff(person_id=person.id, school_id=school_id, is_head_teacher=True,
                         created_at=now)
            session.add(post)
            posts[person.id] = post
        elif not (post.is_head_teacher and post.active):
            post.is_head_teacher = True
            post.active = True
            post.updated_at = now
    await session.flush()
    for key, phone in wanted.items():
        school_class = classes[key]
        if _set(school_class, "head_teacher_id", posts[people[phone].id].id) and key not in new_classes:
            school_class.updated_at = now
            result.classes_updated += 1


def _student_fields(
    student: Student, row: RosterRow, away: dict[tuple[int, str], AwayParent], is_new: bool
) -> bool:
    changed = False
    for field in _PLAIN_FIELDS:
        if field in row.values:
            changed |= _set(student, field, row.values[field])
    for key, field in _FLAG_FIELDS.items():
        if key in row.values:
            changed |= _set(student, field, bool(row.values[key]))
    if "left_behind" in row.values or row.away:
        parents_away = []
        for parent in ("father", "mother"):
            entry = row.away.get(parent)
            if entry is not None:
                parents_away.append(entry.away)
            elif not is_new:
                parents_away.append((student.id, parent) in away)
        left_behind = bool(row.values.get("left_behind")) or any(parents_away)
        changed |= _set(student, "is_left_behind", left_behind)
    return changed


def _guardian_links(
    row: RosterRow,
    student: Student,
    current: list[StudentGuardian],
    people: dict[str, Person],
    phone_of: dict[int, str | None],
    now: datetime,
    result: ImportResult,
    new_links: list[dict[str, Any]],
) -> bool:
    if row.guardians is None:
        return False
    wanted = {g.phone: g for g in row.guardians}
    kept: set[str] = set()
    changed = False
    for link in current:
        phone = phone_of.get(link.person_id)
        entry = wanted.get(phone) if phone else None
        if entry is not None and link.relation == entry.relation and link.is_proxy == entry.is_proxy:
            kept.add(entry.phone)
            continue
        # Replaced or changed: the old link ends, the history stays.
        link.ended_at = now
        result.guardian_links_ended += 1
        changed = True
    for phone, entry in wanted.items():
        if phone in kept:
            continue
        new_links.append({
            "student_id": student.id, "person_id": people[phone].id, "relation": entry.relation,
            "is_proxy": entry.is_proxy, "started_at": now, "ended_at": None,
        })
        changed = True
    return changed


async def _away_rows(
    session: AsyncSession,
    row: RosterRow,
    student: Student,
    away: dict[tuple[int, str], AwayParent],
    now: datetime,
    new_away: list[dict[str, Any]],
) -> bool:
    changed = False
    for parent, entry in row.away.items():
        relation = ParentRelation(parent).value
        current = away.get((student.id, relation))
        if not entry.away:
            if current is not None:
                # The parent is home again; the roster no longer lists them as away.
                await session.delete(current)
                changed = True
            continue
        if current is None:
            details = {"name": None, "phone": None, "work_place": None, **entry.details}
            new_away.append({
                "student_id": student.id, "relation": relation, "person_id": None,
                "created_at": now, "updated_at": None, **details,
            })
            changed = True
            continue
        updated = False
        for field, value in entry.details.items():
            updated |= _set(current, field, value)
        if updated:
            current.updated_at = now
            changed = True
    return changed
