"""The left-behind students' ledger (留守学生台帐) as a spreadsheet (openpyxl).

One row per left-behind student of a class or a whole school (enrolled or suspended),
with the policy's four column groups:

1. basic situation: name, gender, birth date, class, 学籍号;
2. parents and guardian: away parents (relation, where they work, phone), guardians
   (relation, name, phone);
3. study and life: days absent this term, dropout risk (the open case's stage);
4. the education given and its effect: mentor; number and last date of visits, of the
   school's contacts with the parents and of the months the child talked with them;
   releases with no "arrived home" confirmed; incidents — counted from the ledger's
   timeline sources (services.ledger SOURCES, entries of kind "visit", "contact",
   "family_contact", "return_missed", "incident"), so a feature that adds a source fills
   these columns without touching this file (services.ledger.describe lets a source
   answer for a whole class in one query; without it, it is asked once per student).

Headers in the reader's language, the header row frozen, dates as real dates.
"The term": the calendar's term holding today; without one, since 1 September (autumn)
or 1 February (spring).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Student, StudentStatus
from db.repositories import ledger as repo
from locales import Translator, get_translator
from services.access import Actor
from services.calendar import load_calendar
from services.clock import Clock, local_today
from services.dropout import stage_label
from services.ledger import KIND_CONTACT, KIND_VISIT, class_label, collect_many, relation_label
from services.ledger_entries import KIND_FAMILY_CONTACT, KIND_INCIDENT, KIND_RETURN_MISSED
from services.spreadsheet import DATE_FORMAT, first_sheet, formats, header_row, to_bytes, wrap

COLUMNS: tuple[tuple[str, int], ...] = (
    ("name", 10), ("gender", 6), ("birth_date", 12), ("class", 12), ("student_number", 20),
    ("away_parents", 40), ("guardians", 32),
    ("absent_term", 10), ("dropout_risk", 14),
    ("mentor", 12), ("visits", 8), ("last_visit", 12), ("contacts", 8), ("last_contact", 12),
    ("family_contacts", 10), ("last_family_contact", 12), ("home_unconfirmed", 10), ("incidents", 8),
)
DATE_COLUMNS = frozenset({"birth_date", "last_visit", "last_contact", "last_family_contact"})
WRAPPED_COLUMNS = frozenset({"away_parents", "guardians"})
COUNTED = frozenset({KIND_VISIT, KIND_CONTACT, KIND_FAMILY_CONTACT, KIND_RETURN_MISSED, KIND_INCIDENT})
LISTED = (StudentStatus.ENROLLED, StudentStatus.SUSPENDED)


@dataclass(frozen=True)
class ExportScope:
    school_id: int
    class_id: int | None = None  # None: the whole school


async def export_scopes(session: AsyncSession, actor: Actor) -> list[ExportScope]:
    """What this actor may export: each school they administer, each class they head."""
    scopes = [ExportScope(school_id) for school_id in sorted(actor.admin_school_ids)]
    heads = [p.staff_id for p in actor.posts if p.is_head_teacher]
    for school_class in await repo.classes_headed_by(session, heads):
        if school_class.school_id not in actor.admin_school_ids:
            scopes.append(ExportScope(school_class.school_id, school_class.id))
    return scopes


def term_start(calendar_term_start: date | None, today: date) -> date:
    if calendar_term_start is not None:
        return calendar_term_start
    if today.month >= 9:
        return date(today.year, 9, 1)
    if today.month >= 2:
        return date(today.year, 2, 1)
    return date(today.year - 1, 9, 1)


async def build_ledger(
    session: AsyncSession,
    clock: Clock,
    scope: ExportScope,
    language: str,
    translator: Translator | None = None,
) -> bytes:
    translator = translator or get_translator()
    lang = translator.normalize(language)
    school = await repo.school(session, scope.school_id)
    if school is None:
        raise LookupError(scope.school_id)
    tz = ZoneInfo(school.timezone)
    today = local_today(clock, tz)
    term = (await load_calendar(session, school.id)).term_of(today)
    since = term_start(term.starts_on if term else None, today)

    where = and_(Student.school_id == school.id, Student.is_left_behind.is_(True), Student.status.in_(LISTED))
    if scope.class_id is not None:
        where = and_(where, Student.class_id == scope.class_id)
    rows = await repo.student_rows(session, where)
    ids = [r.student.id for r in rows]
    parents = await repo.away_parents(session, ids)
    guardians = await repo.guardian_links(session, ids, current_only=True)
    mentors = await repo.mentor_names(session, ids)
    absent = await repo.absent_days(session, ids, since, today)
    cases = await repo.open_cases(session, ids)
    sep = translator.get("ledger-list-separator", lang)
    none = translator.get("ledger-none", lang)

    book = Workbook()
    sheet = first_sheet(book, translator.get("ledger-sheet-title", lang))
    header = header_row(
        sheet, [translator.get(f"ledger-col-{name}", lang) for name, _ in COLUMNS], [w for _, w in COLUMNS]
    )

    counted = await collect_many(session, ids, since, today, COUNTED)
    for row in rows:
        s = row.student
        visits = [e for e in counted[s.id] if e.kind == KIND_VISIT]
        contacts = [e for e in counted[s.id] if e.kind == KIND_CONTACT]
        family = [e for e in counted[s.id] if e.kind == KIND_FAMILY_CONTACT]
        # An incident is one entry when it happens and one when it is closed: count the first.
        incidents = [e for e in counted[s.id] if e.kind == KIND_INCIDENT and e.text_key == "ledger-entry-incident"]
        parent_text = sep.join(
            translator.get(
                "ledger-export-parent", lang, relation=relation_label(translator, lang, p.relation),
                name=p.name or "", place=p.work_place or none, phone=p.phone or none,
            )
            for p in parents[s.id]
        )
        guardian_text = sep.join(
            translator.get(
                "ledger-export-guardian", lang, relation=relation_label(translator, lang, link.relation),
                name=person.name, phone=person.phone or none,
            )
            for link, person in guardians[s.id]
        )
        case = cases.get(s.id)
        values = {
            "name": s.name,
            "gender": translator.get(f"ledger-gender-{s.gender}", lang) if s.gender in ("male", "female") else "",
            "birth_date": s.birth_date,
            "class": class_label(translator, lang, row.grade, row.class_name),
            "student_number": s.student_number,
            "away_parents": parent_text or none,
            "guardians": guardian_text or translator.get("ledger-export-no-guardian", lang),
            "absent_term": absent.get(s.id, 0),
            "dropout_risk": stage_label(translator, lang, case.stage) if case else none,
            "mentor": sep.join(mentors[s.id]) or translator.get("ledger-export-no-mentor", lang),
            "visits": len(visits),
            "last_visit": visits[0].at.astimezone(tz).date() if visits else None,
            "contacts": len(contacts),
            "last_contact": contacts[0].at.astimezone(tz).date() if contacts else None,
            "family_contacts": len(family),
            "last_family_contact": family[0].at.astimezone(tz).date() if family else None,
            "home_unconfirmed": sum(1 for e in counted[s.id] if e.kind == KIND_RETURN_MISSED),
            "incidents": len(incidents),
        }
        sheet.append([values[name] for name, _ in COLUMNS])
    numbered = list(enumerate((name for name, _ in COLUMNS), start=1))
    formats(sheet, {i: DATE_FORMAT for i, name in numbered if name in DATE_COLUMNS}, min_row=header + 1)
    wrap(sheet, [i for i, name in numbered if name in WRAPPED_COLUMNS], min_row=header + 1)
    return to_bytes(book)


async def students_covered(session: AsyncSession, scope: ExportScope) -> int:
    """How many students an export of this scope lists (for the audit log)."""
    where = and_(Student.school_id == scope.school_id, Student.is_left_behind.is_(True), Student.status.in_(LISTED))
    if scope.class_id is not None:
        where = and_(where, Student.class_id == scope.class_id)
    return await session.scalar(select(func.count()).select_from(Student).where(where)) or 0


async def export_filename(session: AsyncSession, translator: Translator, lang: str, scope: ExportScope) -> str:
    names = await repo.school_names(session, [scope.school_id])
    label = names.get(scope.school_id, "")
    if scope.class_id is not None:
        school_class = await repo.get_class(session, scope.class_id)
        if school_class is not None:
            label += "-" + class_label(translator, lang, school_class.grade, school_class.name)
    return translator.get("ledger-export-filename", lang, label=label) + ".xlsx"


__all__ = ["COLUMNS", "ExportScope", "build_ledger", "export_filename", "export_scopes", "students_covered"]
