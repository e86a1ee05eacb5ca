"""What a ledger timeline is made of: entries, labels, sources and their kinds.

Apart from services/ledger.py so that each feature's source module (services/care_ledger.py,
…) can build entries without importing the ledger, which imports every source.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

KIND_ATTENDANCE = "attendance"
KIND_DROPOUT = "dropout"
KIND_VISIT = "visit"  # counted in the spreadsheet's visit columns
KIND_CONTACT = "contact"  # counted in the spreadsheet's contact columns
KIND_STATUS = "status"
KIND_GUARDIAN = "guardian"
KIND_FAMILY_CONTACT = "family_contact"  # the child's monthly talk with the away parents
KIND_RETURN = "return"  # a month of weekend and holiday returns
KIND_RETURN_MISSED = "return_missed"  # a release with no "home" confirmed
KIND_INCIDENT = "incident"

# Files an entry can carry (kept on Telegram's servers, shown by a button that re-sends
# them to a reader who may open the ledger): what kind of row, and its id.
MEDIA_VISIT_VOICE = "vv"
MEDIA_VISIT_PHOTO = "vp"
MEDIA_STATUS_PROOF = "sp"
MEDIA_KINDS = frozenset({MEDIA_VISIT_VOICE, MEDIA_VISIT_PHOTO, MEDIA_STATUS_PROOF})


@dataclass(frozen=True)
class Label:
    """A parameter that is itself a locale message, translated when the entry is shown."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class LabelList:
    """Several labels shown as one list (e.g. "sick 2, unknown 1")."""

    items: tuple[Label, ...]


@dataclass(frozen=True)
class Media:
    """A voice message or photo attached to an entry: `kind` (MEDIA_*) and the row id."""

    kind: str
    ref: int


@dataclass(frozen=True)
class LedgerEntry:
    at: datetime  # aware UTC; the timeline is sorted by it, newest first
    kind: str
    text_key: str
    params: Mapping[str, object] = field(default_factory=dict)
    order: int = 0  # among one source's entries at the same moment, higher is newer
    media: tuple[Media, ...] = ()


Source = Callable[[AsyncSession, int, date | None, date | None], Awaitable[list[LedgerEntry]]]
BatchSource = Callable[
    [AsyncSession, Sequence[int], date | None, date | None], Awaitable[dict[int, list[LedgerEntry]]]
]


def describe(source: Source, *, kinds: frozenset[str], batch: BatchSource | None = None) -> Source:
    """Optional, for speed: the kinds of entry a source gives (a spreadsheet counting
    visits skips sources that give none) and a form of it for many students at once.
    A source without this is simply called once per student."""
    source.kinds = kinds  # type: ignore[attr-defined]
    source.batch = batch  # type: ignore[attr-defined]
    return source


def local_noon(day: date, tz: ZoneInfo) -> datetime:
    """A day-dated fact's place on the timeline (a day's entries sort after its night)."""
    return datetime.combine(day, time(12, 0), tzinfo=tz).astimezone(UTC)


def moment_of(day: date, recorded_at: datetime | None, tz: ZoneInfo) -> datetime:
    """When a dated fact happened: the recording time if it was recorded that day, else
    noon of that day (a step entered late keeps its own date)."""
    if recorded_at is not None and recorded_at.astimezone(tz).date() == day:
        return recorded_at
    return local_noon(day, tz)
