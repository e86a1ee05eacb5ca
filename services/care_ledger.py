"""Home visits and mentoring on the student's ledger (台帐): two timeline sources in the
shape services.ledger expects (`Source`), for its `SOURCES` tuple.

A visit that is also on a dropout case's timeline (`dropout_event_id` set) is left out:
the dropout source already shows it, and it must count as one visit, not two.
Counselling notes are never a ledger source: the ledger is read by teachers who may not
see them (services/counselling.py).
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import HomeVisit
from db.repositories import care as repo
from services.ledger_entries import (
    KIND_VISIT,
    MEDIA_VISIT_PHOTO,
    MEDIA_VISIT_VOICE,
    Label,
    LedgerEntry,
    Media,
    moment_of,
)

KIND_MENTORING = "mentoring"


async def _tz(session: AsyncSession, student_id: int) -> ZoneInfo:
    student = await repo.student_choice(session, student_id)
    return ZoneInfo(await repo.school_timezone(session, student.school_id) if student else "Asia/Shanghai")


def visit_media(visit: HomeVisit) -> tuple[Media, ...]:
    """The visit's voice note and photo, as buttons under the ledger page."""
    media = []
    if visit.voice_file_id:
        media.append(Media(MEDIA_VISIT_VOICE, visit.id))
    if visit.photo_file_id:
        media.append(Media(MEDIA_VISIT_PHOTO, visit.id))
    return tuple(media)


async def home_visits(
    session: AsyncSession, student_id: int, since: date | None, until: date | None
) -> list[LedgerEntry]:
    tz = await _tz(session, student_id)
    entries = []
    for visit, by in await repo.visits_for_ledger(session, student_id, since, until):
        if visit.dropout_event_id is not None:
            continue
        params: dict[str, object] = {
            "by": by,
            "form": Label(f"visit-form-{visit.form}"),
            "purpose": Label(f"visit-purpose-{visit.purpose}"),
            "met": Label(f"visit-met-{visit.met}"),
            "note": visit.note or Label("ledger-entry-voice-note"),
        }
        entries.append(
            LedgerEntry(moment_of(visit.visited_on, visit.recorded_at, tz), KIND_VISIT,
                        "ledger-entry-home-visit", params, order=visit.id, media=visit_media(visit))
        )
    return entries


async def mentor_activities(
    session: AsyncSession, student_id: int, since: date | None, until: date | None
) -> list[LedgerEntry]:
    tz = await _tz(session, student_id)
    return [
        LedgerEntry(
            moment_of(activity.happened_on, activity.recorded_at, tz), KIND_MENTORING, "ledger-entry-mentoring",
            {"by": by, "kind": Label(f"mentor-kind-{activity.kind}"), "note": activity.note or ""},
            order=activity.id,
        )
        for activity, by in await repo.activities_for_ledger(session, student_id, since, until)
    ]


__all__ = ["KIND_MENTORING", "home_visits", "mentor_activities", "visit_media"]
