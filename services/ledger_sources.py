"""More of the student's ledger (台帐) timeline: weekend and holiday returns, the monthly
talk with the away parents, teachers' contacts with them, and emergencies — four sources
in the shape services.ledger expects, each with a batch form for the spreadsheet.

What a head teacher reading the ledger wants from the returns is the exceptions, not
forty "arrived home" lines a term: one summary line per month ("4 releases, home
confirmed 3, 1 of them by phone") and one line for each release after which nobody
confirmed the child got home by the time the head teacher was given the list.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import HomeStatus, Incident
from db.repositories import ledger as repo
from services.ledger_entries import (
    KIND_CONTACT,
    KIND_FAMILY_CONTACT,
    KIND_INCIDENT,
    KIND_RETURN,
    KIND_RETURN_MISSED,
    Label,
    LedgerEntry,
    describe,
    local_noon,
    moment_of,
)

DEFAULT_TZ = "Asia/Shanghai"
CONTACT_METHODS = frozenset({"phone", "video", "visit_home", "wechat", "in_person"})
INCIDENT_CATEGORIES = frozenset({"injury", "illness", "missing", "accident", "other"})


async def _zones(session: AsyncSession, student_ids: Sequence[int]) -> dict[int, ZoneInfo]:
    found = await repo.timezones(session, student_ids)
    return {i: ZoneInfo(found.get(i, DEFAULT_TZ)) for i in student_ids}


def _empty(student_ids: Sequence[int]) -> dict[int, list[LedgerEntry]]:
    return {i: [] for i in student_ids}


def _method(method: str) -> Label:
    return Label(f"ledger-contact-method-{method if method in CONTACT_METHODS else 'phone'}")


# -------------------------------------------------------------------- returns


async def home_returns_batch(
    session: AsyncSession, student_ids: Sequence[int], since: date | None, until: date | None
) -> dict[int, list[LedgerEntry]]:
    out = _empty(student_ids)
    months: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: {"releases": 0, "confirmed": 0, "by_phone": 0})
    last_release: dict[tuple[int, str], datetime] = {}
    for home, rnd in await repo.home_returns_of(session, student_ids, since, until):
        key = (home.student_id, f"{rnd.release_day.year:04d}-{rnd.release_day.month:02d}")
        counts = months[key]
        counts["releases"] += 1
        if home.status in (HomeStatus.ARRIVED, HomeStatus.BY_PHONE):
            counts["confirmed"] += 1
            counts["by_phone"] += home.status == HomeStatus.BY_PHONE
        elif rnd.escalated_at is not None:
            # Nobody said "home" by the deadline, nor did the phone call since.
            out[home.student_id].append(
                LedgerEntry(
                    rnd.released_at, KIND_RETURN_MISSED, "ledger-entry-return-missed",
                    {"day": rnd.release_day.isoformat(), "kind": Label(f"returns-kind-{rnd.kind}")},
                    order=2 * home.id + 1,
                )
            )
        last_release[key] = max(last_release.get(key, rnd.released_at), rnd.released_at)
    for (student_id, month), counts in months.items():
        # Dated by the month's last release: the line is as new as what it counts.
        out[student_id].append(
            LedgerEntry(last_release[(student_id, month)], KIND_RETURN, "ledger-entry-returns-month",
                        {"month": month, **counts})
        )
    return out


async def home_returns(
    session: AsyncSession, student_id: int, since: date | None, until: date | None
) -> list[LedgerEntry]:
    """节假日、周末: a line a month, and one for each release with no "home" confirmed."""
    return (await home_returns_batch(session, [student_id], since, until))[student_id]


# ------------------------------------------------------------------- contacts


def _month_moment(month: date, contacted_on: date | None, confirmed_at: datetime, tz: ZoneInfo) -> datetime:
    if contacted_on is not None:
        return moment_of(contacted_on, confirmed_at, tz)
    local = confirmed_at.astimezone(tz).date()
    if (local.year, local.month) == (month.year, month.month):
        return confirmed_at
    return local_noon(month, tz)


async def monthly_contacts_batch(
    session: AsyncSession, student_ids: Sequence[int], since: date | None, until: date | None
) -> dict[int, list[LedgerEntry]]:
    zones = await _zones(session, student_ids)
    out = _empty(student_ids)
    for contact, by in await repo.monthly_contacts_of(session, student_ids, since, until):
        tz = zones[contact.student_id]
        out[contact.student_id].append(
            LedgerEntry(
                _month_moment(contact.month, contact.contacted_on, contact.confirmed_at, tz), KIND_FAMILY_CONTACT,
                "ledger-entry-family-contact",
                {"month": f"{contact.month.year:04d}-{contact.month.month:02d}", "method": _method(contact.method),
                 "by": by or ""},
                order=contact.id,
            )
        )
    return out


async def monthly_contacts(
    session: AsyncSession, student_id: int, since: date | None, until: date | None
) -> list[LedgerEntry]:
    """每月至少联系一次: the months the child's talk with the away parents was confirmed."""
    return (await monthly_contacts_batch(session, [student_id], since, until))[student_id]


async def teacher_contacts_batch(
    session: AsyncSession, student_ids: Sequence[int], since: date | None, until: date | None
) -> dict[int, list[LedgerEntry]]:
    zones = await _zones(session, student_ids)
    out = _empty(student_ids)
    for contact, by in await repo.teacher_contacts_of(session, student_ids, since, until):
        key = "ledger-entry-teacher-contact-note" if contact.note else "ledger-entry-teacher-contact"
        out[contact.student_id].append(
            LedgerEntry(
                moment_of(contact.contacted_on, contact.recorded_at, zones[contact.student_id]), KIND_CONTACT, key,
                {"by": by or "", "method": _method(contact.method), "note": contact.note or ""},
                order=contact.id,
            )
        )
    return out


async def teacher_contacts(
    session: AsyncSession, student_id: int, since: date | None, until: date | None
) -> list[LedgerEntry]:
    """每学期至少与家长联系二次: the school's contacts with the away parents."""
    return (await teacher_contacts_batch(session, [student_id], since, until))[student_id]


# ------------------------------------------------------------------ incidents


def _hhmm(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%H:%M")


def _deadline(done: datetime | None, due: datetime, happened: datetime, tz: ZoneInfo, who: str) -> Label:
    """As stored, never tidied: when it was done, how long it took, on time or not."""
    if done is None:
        return Label(f"ledger-incident-{who}-none")
    minutes = max(0, math.ceil((done - happened).total_seconds() / 60))
    result = Label("incident-result-met" if done <= due else "incident-result-missed")
    return Label(f"ledger-incident-{who}-done", {"time": _hhmm(done, tz), "minutes": minutes, "result": result})


def _incident_entries(incident: Incident, tz: ZoneInfo) -> list[LedgerEntry]:
    category = incident.category if incident.category in INCIDENT_CATEGORIES else "other"
    what: object = Label(f"incident-category-{category}")
    if incident.description:
        what = Label("incident-what", {"category": what, "description": incident.description})
    entries = [
        LedgerEntry(
            incident.happened_at, KIND_INCIDENT, "ledger-entry-incident",
            {
                "what": what, "time": _hhmm(incident.happened_at, tz),
                "guardian": _deadline(incident.guardian_informed_at, incident.guardian_due_at, incident.happened_at,
                                      tz, "guardian"),
                "bureau": _deadline(incident.bureau_acknowledged_at, incident.bureau_due_at, incident.happened_at,
                                    tz, "bureau"),
            },
            order=2 * incident.id,
        )
    ]
    if incident.closed_at is not None:
        entries.append(
            LedgerEntry(incident.closed_at, KIND_INCIDENT, "ledger-entry-incident-closed",
                        {"note": incident.close_note or ""}, order=2 * incident.id + 1)
        )
    return entries


async def incidents_batch(
    session: AsyncSession, student_ids: Sequence[int], since: date | None, until: date | None
) -> dict[int, list[LedgerEntry]]:
    zones = await _zones(session, student_ids)
    out = _empty(student_ids)
    for incident in await repo.incidents_of(session, student_ids):
        tz = zones[incident.student_id]
        day = incident.happened_at.astimezone(tz).date()
        if (since is not None and day < since) or (until is not None and day > until):
            continue
        out[incident.student_id].extend(_incident_entries(incident, tz))
    return out


async def incidents(
    session: AsyncSession, student_id: int, since: date | None, until: date | None
) -> list[LedgerEntry]:
    """安全应急: what happened, and when the guardian and the bureau were told."""
    return (await incidents_batch(session, [student_id], since, until))[student_id]


describe(home_returns, kinds=frozenset({KIND_RETURN, KIND_RETURN_MISSED}), batch=home_returns_batch)
describe(monthly_contacts, kinds=frozenset({KIND_FAMILY_CONTACT}), batch=monthly_contacts_batch)
describe(teacher_contacts, kinds=frozenset({KIND_CONTACT}), batch=teacher_contacts_batch)
describe(incidents, kinds=frozenset({KIND_INCIDENT}), batch=incidents_batch)

__all__ = ["home_returns", "incidents", "monthly_contacts", "teacher_contacts"]
