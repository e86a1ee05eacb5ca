"""节假日、周末学生放学回家后监护人应向学校报告: the guardian tells the school the child got home.

The school calendar (services.calendar) decides everything:

- A *release* is the last school day before one or more non-school days. Weekends,
  holidays and days outside a term are non-school days; a make-up working day (调休) on
  a Saturday is a school day, so the Friday before it is no release (the Saturday is).
  It is a weekend release when the days off are only a Saturday and Sunday, else a
  holiday release (a public holiday, a vacation, any weekday off).
- School lets out at the school's release time (SchoolRelease, else the settings'
  defaults: Friday 16:30 for a weekend, 15:30 before a holiday). From then on a round
  exists for that release: each guardian of each boarding or left-behind child (which
  categories is a setting) is asked "Has <child> arrived home?" with two buttons.
  One message per guardian per child (a grandmother of two gets two), one answer per
  child: the first "arrived" from any guardian counts, later taps are told who answered.
- "Not yet" asks again `reask_minutes` later (at most `max_reasks` times), never in quiet
  hours: a re-ask that falls due then is dropped, the deadline list covers the child.
- At release + `deadline_minutes` the class's head teacher (failing that the school's
  admins) gets one list of the children nobody has confirmed, with the guardians' phones,
  and a button per child to record "confirmed by phone".
- The day before the first school day after the release, at `set_off_time`, guardians
  are asked to tap when the child sets off back to school; the first school day's
  attendance sheet closes the loop (present or late: back at school).

Every step is idempotent (unique rows, once-only timestamps claimed by an UPDATE, outbox
dedup keys), so the job may run every few minutes, twice, or late after downtime: a
round is still started up to CATCH_UP after the release, never twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import HomeReturn, HomeStatus, Priority, ReleaseKind, ReturnRound, School
from db.models.returns import HOME_CONFIRMED
from db.repositories import returns as repo
from locales import Translator
from services.access import Actor, visible_students
from services.calendar import SchoolCalendar, load_calendar
from services.clock import Clock, local_today
from services.outbox import (
    TELEGRAM_TEXT_LIMIT,
    Button,
    OutgoingMessage,
    enqueue,
    quiet_until,
    text_length,
)

log = logging.getLogger(__name__)

# Days off longer than this (a summer vacation) are not searched to the end for the next
# school day; `back_on` stays empty when no term says when school starts again.
MAX_GAP_DAYS = 120
# A round is still started this long after the release (the bot was down at 16:30).
CATCH_UP = timedelta(hours=24)
# Rounds older than this are finished with: no more escalation, set-off or attendance checks.
ROUND_LIFETIME = timedelta(days=40)

ASK_KIND = "return-ask"
REASK_KIND = "return-reask"
LATE_KIND = "return-late"
SET_OFF_KIND = "return-set-off"

HOME = "home"
NOT_YET = "notyet"
ANSWERS = (HOME, NOT_YET)


def answer_data(return_id: int, answer: str) -> str:
    return f"rh:{return_id}:{answer}"


def phone_data(return_id: int) -> str:
    return f"rph:{return_id}"


def set_off_data(return_id: int) -> str:
    return f"rso:{return_id}"


@dataclass(frozen=True)
class ReturnRules:
    """The settings this feature follows (bot/settings.py ReturnsSettings, plus quiet hours)."""

    weekend_release: time = time(16, 30)
    holiday_release: time = time(15, 30)
    reask_minutes: int = 60
    max_reasks: int = 3
    deadline_minutes: int = 240
    set_off_time: time = time(15, 0)
    categories: tuple[str, ...] = ("boarding", "left_behind")
    quiet_start: time = time(21, 0)
    quiet_end: time = time(7, 0)

    @classmethod
    def from_settings(cls, settings: Any) -> ReturnRules:
        """From the bot's Settings (duck-typed: services do not import the bot package)."""
        r = settings.returns
        return cls(
            weekend_release=r.weekend_release, holiday_release=r.holiday_release,
            reask_minutes=r.reask_minutes, max_reasks=r.max_reasks,
            deadline_minutes=r.deadline_minutes, set_off_time=r.set_off_time,
            categories=tuple(r.categories),
            quiet_start=settings.outbox.quiet_start, quiet_end=settings.outbox.quiet_end,
        )


class ReturnsError(Exception):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


# ------------------------------------------------------------------ the calendar


@dataclass(frozen=True)
class Release:
    day: date  # the last school day
    kind: ReleaseKind
    back_on: date | None  # the first school day after it


def release_on(calendar: SchoolCalendar, day: date) -> Release | None:
    """The release on `day`, if school lets out that day for one or more days off."""
    if not calendar.is_school_day(day) or calendar.is_school_day(day + timedelta(days=1)):
        return None
    back_on = None
    gap: list[date] = []
    probe = day + timedelta(days=1)
    for _ in range(MAX_GAP_DAYS):
        if calendar.is_school_day(probe):
            back_on = probe
            break
        gap.append(probe)
        probe += timedelta(days=1)
    weekend_only = back_on is not None and all(d.weekday() >= 5 for d in gap)
    return Release(day, ReleaseKind.WEEKEND if weekend_only else ReleaseKind.HOLIDAY, back_on)


def releases_between(calendar: SchoolCalendar, start: date, end: date) -> list[Release]:
    found = []
    day = start
    while day <= end:
        release = release_on(calendar, day)
        if release is not None:
            found.append(release)
        day += timedelta(days=1)
    return found


def release_time(rules: ReturnRules, kind: str, override: Any | None) -> time:
    if kind == ReleaseKind.WEEKEND:
        own = override.weekend_time if override is not None else None
        return own or rules.weekend_release
    own = override.holiday_time if override is not None else None
    return own or rules.holiday_release


def _at(day: date, moment: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=tz).astimezone(UTC)


# --------------------------------------------------------------------- wording


def _hhmm(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%H:%M")


def day_label(translator: Translator, lang: str, day: date) -> str:
    return translator.get(
        "returns-date", lang, month=day.month, day=day.day,
        weekday=translator.get(f"returns-weekday-{day.weekday()}", lang),
    )


def _class_label(translator: Translator, lang: str, info: repo.ClassHead | None) -> str:
    if info is None:
        return translator.get("returns-no-class", lang)
    return translator.get("returns-class-label", lang, grade=info.grade, name=info.name)


def _relation(translator: Translator, lang: str, relation: str | None) -> str:
    known = {"grandfather", "grandmother", "father", "mother", "uncle", "aunt", "sibling"}
    return translator.get(f"returns-relation-{relation if relation in known else 'other'}", lang)


# -------------------------------------------------------------- starting a round


def _ask_message(
    translator: Translator, school: School, rnd: ReturnRound, ret: HomeReturn, child: str,
    g: repo.Guardian, number: int,
) -> OutgoingMessage | None:
    if g.chat_id is None:
        return None
    lang = translator.normalize(g.language)
    tz = ZoneInfo(school.timezone)
    if number == 0:
        text = translator.get(
            "returns-ask", lang, child=child, date=day_label(translator, lang, rnd.release_day),
            time=_hhmm(rnd.released_at, tz), kind=translator.get(f"returns-kind-{rnd.kind}", lang),
        )
    else:
        text = translator.get("returns-reask", lang, child=child)
    return OutgoingMessage(
        dedup_key=f"return-ask:{ret.id}:{number}:to:{g.person_id}",
        chat_id=g.chat_id,
        text=text,
        kind=ASK_KIND if number == 0 else REASK_KIND,
        priority=Priority.NORMAL,
        buttons=(
            (Button(translator.get("returns-button-home", lang), callback_data=answer_data(ret.id, HOME)),),
            (Button(translator.get("returns-button-not-yet", lang), callback_data=answer_data(ret.id, NOT_YET)),),
        ),
        person_id=g.person_id,
        school_id=school.id,
        timezone=school.timezone,
    )


async def start_round(
    session: AsyncSession, clock: Clock, translator: Translator, rules: ReturnRules,
    school: School, release: Release, released_at: datetime,
) -> tuple[ReturnRound, int]:
    """The round of this release (created once) and the questions newly queued."""
    rnd = await repo.round_of(session, school.id, release.day)
    if rnd is None:
        rnd = ReturnRound(
            school_id=school.id, release_day=release.day, kind=release.kind, released_at=released_at,
            deadline_at=released_at + timedelta(minutes=rules.deadline_minutes),
            back_on=release.back_on, created_at=clock.now(),
        )
        repo.add(session, rnd)
        await session.flush()
        students = await repo.students_to_ask(session, school.id, rules.categories)
        for student_id, class_id in students:
            repo.add(session, HomeReturn(round_id=rnd.id, student_id=student_id, class_id=class_id, asked=1))
        await session.flush()
        log.info("return round %s started: school=%s day=%s children=%d", rnd.id, school.id, release.day, len(students))
    returns = await repo.returns_of_round(session, rnd.id)
    names = await repo.student_names(session, [r.student_id for r in returns])
    guardians = await repo.guardians_of(session, [r.student_id for r in returns])
    messages = []
    for ret in returns:
        if ret.status in HOME_CONFIRMED:
            continue
        for g in guardians.get(ret.student_id, []):
            message = _ask_message(translator, school, rnd, ret, names[ret.student_id], g, 0)
            if message is not None:
                messages.append(message)
    return rnd, await enqueue(session, clock, messages)


async def start_due_rounds(session: AsyncSession, clock: Clock, translator: Translator, rules: ReturnRules) -> int:
    """Rounds for every release whose time has come (up to CATCH_UP late); returns the
    questions newly queued. Safe to run any number of times. Does not commit."""
    now = clock.now()
    queued = 0
    for school in await repo.all_schools(session):
        tz = ZoneInfo(school.timezone)
        today = local_today(clock, tz)
        calendar = await load_calendar(session, school.id)
        override = await repo.release_times(session, school.id)
        for release in releases_between(calendar, today - timedelta(days=2), today):
            released_at = _at(release.day, release_time(rules, release.kind, override), tz)
            if not released_at <= now < released_at + CATCH_UP:
                continue
            if await repo.round_of(session, school.id, release.day) is not None:
                continue  # started by an earlier run, questions and all (one transaction)
            _, new = await start_round(session, clock, translator, rules, school, release, released_at)
            queued += new
    return queued


# ---------------------------------------------------------------------- re-asks


def _quiet(now: datetime, tz: str, rules: ReturnRules) -> bool:
    return quiet_until(now, tz, rules.quiet_start, rules.quiet_end) is not None


async def send_due_reasks(session: AsyncSession, clock: Clock, translator: Translator, rules: ReturnRules) -> int:
    """The "not yet" re-asks that fell due; dropped in quiet hours or once the child is
    back at school. Returns messages queued. Does not commit."""
    now = clock.now()
    queued = 0
    for ret in await repo.due_reasks(session, now):
        rnd = await repo.round_by_id(session, ret.round_id)
        school = await session.get(School, rnd.school_id) if rnd else None
        if rnd is None or school is None:  # pragma: no cover
            ret.next_ask_at = None
            continue
        ret.next_ask_at = None
        if _over(clock, rnd, school) or _quiet(now, school.timezone, rules):
            log.info("return %s: re-ask dropped (quiet hours or over)", ret.id)
            continue
        names = await repo.student_names(session, [ret.student_id])
        guardians = (await repo.guardians_of(session, [ret.student_id])).get(ret.student_id, [])
        messages = [
            m for g in guardians
            if (m := _ask_message(translator, school, rnd, ret, names[ret.student_id], g, ret.asked)) is not None
        ]
        ret.asked += 1
        queued += await enqueue(session, clock, messages)
    await session.flush()
    return queued


def _over(clock: Clock, rnd: ReturnRound, school: School) -> bool:
    """The child should be back at school by now: questions about getting home are moot."""
    today = local_today(clock, ZoneInfo(school.timezone))
    if rnd.back_on is not None:
        return today >= rnd.back_on
    return clock.now() - rnd.released_at > ROUND_LIFETIME


# ------------------------------------------------------------------- escalation


@dataclass(frozen=True)
class MissingChild:
    return_id: int
    student_id: int
    name: str
    status: str
    guardians: tuple[repo.Guardian, ...]


async def missing_children(session: AsyncSession, rnd: ReturnRound) -> dict[int | None, list[MissingChild]]:
    """Children of the round nobody has confirmed home, by class."""
    returns = [r for r in await repo.returns_of_round(session, rnd.id) if r.status not in HOME_CONFIRMED]
    names = await repo.student_names(session, [r.student_id for r in returns])
    guardians = await repo.guardians_of(session, [r.student_id for r in returns])
    by_class: dict[int | None, list[MissingChild]] = {}
    for r in returns:
        by_class.setdefault(r.class_id, []).append(
            MissingChild(r.id, r.student_id, names[r.student_id], r.status, tuple(guardians.get(r.student_id, [])))
        )
    return by_class


# Telegram refuses a text longer than 4096 characters (UTF-16 code units), and "reply
# markup is too long" past 100 inline buttons or about 10 KB of keyboard JSON (not in the
# Bot API docs; tginfo/Telegram-Limits): 50 name buttons stay well inside both. A big
# class's list (60 children, three phones each) goes in numbered parts, each child's line
# and button together.
MAX_TEXT = TELEGRAM_TEXT_LIMIT
MAX_BUTTONS = 50


def split_lines(
    lines: Sequence[str], overhead: int, limit: int = MAX_TEXT, max_lines: int = MAX_BUTTONS
) -> list[tuple[int, int]]:
    """(start, end) slices of `lines` such that each part, joined by newlines into a text
    of `overhead` characters without lines, stays within `limit` and `max_lines`. A line
    too long even on its own gets a part of its own (not seen in practice: a child's line
    with three phones is under 100 characters)."""
    parts: list[tuple[int, int]] = []
    start, size = 0, overhead
    for index, line in enumerate(lines):
        cost = text_length(line) + (1 if index > start else 0)
        if index > start and (size + cost > limit or index - start >= max_lines):
            parts.append((start, index))
            start, size, cost = index, overhead, text_length(line)
        size += cost
    parts.append((start, len(lines)))
    return parts


def _child_line(translator: Translator, lang: str, child: MissingChild) -> str:
    contacts = translator.get("returns-separator", lang).join(
        translator.get(
            "returns-guardian-phone", lang, name=g.name, relation=_relation(translator, lang, g.relation),
            phone=g.phone or translator.get("returns-no-phone", lang),
        )
        for g in child.guardians
    ) or translator.get("returns-no-guardian", lang)
    status = translator.get(f"returns-status-{child.status.replace('_', '-')}", lang)
    return translator.get("returns-late-line", lang, child=child.name, status=status, contacts=contacts)


def _late_text(
    translator: Translator, lang: str, rnd: ReturnRound, tz: ZoneInfo, class_label: str, count: int,
    lines: Sequence[str],
) -> str:
    # A class's lines can pass fluent's 2,500-character placeable limit: the translator
    # takes care of that for every long value (locales.Translator.get).
    return translator.get(
        "returns-late-list", lang, class_label=class_label, date=day_label(translator, lang, rnd.release_day),
        time=_hhmm(rnd.released_at, tz), count=count, lines="\n".join(lines),
    )


async def _class_staff(session: AsyncSession, school_id: int, info: repo.ClassHead | None) -> list[Any]:
    head = await repo.staff_person(session, info.head_teacher_id) if info else None
    if head is not None and head.chat_id is not None:
        return [head]
    return [p for p in await repo.school_admins(session, school_id) if p.chat_id is not None]


async def escalate_due(session: AsyncSession, clock: Clock, translator: Translator) -> int:
    """Each round past its deadline: one list per class to its head teacher. Returns the
    rounds escalated now. Does not commit."""
    now = clock.now()
    done = 0
    for rnd in await repo.rounds_since(session, now - ROUND_LIFETIME):
        if rnd.escalated_at is not None or rnd.deadline_at > now:
            continue
        school = await session.get(School, rnd.school_id)
        if school is None or _over(clock, rnd, school):
            continue
        if not await repo.claim_round_step(session, rnd.id, "escalated_at", now):
            continue
        await session.refresh(rnd)
        await _send_late_lists(session, clock, translator, school, rnd)
        done += 1
    return done


async def _send_late_lists(
    session: AsyncSession, clock: Clock, translator: Translator, school: School, rnd: ReturnRound
) -> int:
    by_class = await missing_children(session, rnd)
    infos = await repo.classes(session, [c for c in by_class if c is not None])
    tz = ZoneInfo(school.timezone)
    messages = []
    for class_id, children in by_class.items():
        info = infos.get(class_id) if class_id is not None else None
        for person in await _class_staff(session, school.id, info):
            lang = translator.normalize(person.language)
            label = _class_label(translator, lang, info)
            lines = [_child_line(translator, lang, c) for c in children]
            # Measured with the widest part label there can be: every part fits once numbered.
            widest = label + translator.get("returns-late-part", lang, part=len(lines), parts=len(lines))
            parts = split_lines(lines, text_length(_late_text(translator, lang, rnd, tz, widest, len(lines), [])))
            for number, (start, end) in enumerate(parts, 1):
                part_label = label if len(parts) == 1 else label + translator.get(
                    "returns-late-part", lang, part=number, parts=len(parts)
                )
                buttons = tuple(
                    (Button(translator.get("returns-button-by-phone", lang, child=c.name), callback_data=phone_data(c.return_id)),)
                    for c in children[start:end]
                )
                # The first part keeps the key a list in one message always had.
                suffix = "" if number == 1 else f":part:{number}"
                messages.append(OutgoingMessage(
                    dedup_key=f"return-late:{rnd.id}:{class_id or 0}:to:{person.id}{suffix}",
                    chat_id=person.chat_id, kind=LATE_KIND,
                    text=_late_text(translator, lang, rnd, tz, part_label, len(lines), lines[start:end]),
                    priority=Priority.URGENT, buttons=buttons, person_id=person.id, school_id=school.id,
                    timezone=school.timezone,
                ))
    log.info("return round %s escalated: %d classes", rnd.id, len(by_class))
    return await enqueue(session, clock, messages)


# ------------------------------------------------------------ setting off, back


async def ask_set_off(session: AsyncSession, clock: Clock, translator: Translator, rules: ReturnRules) -> int:
    """The afternoon before the first school day: "tap when <child> sets off back"."""
    now = clock.now()
    queued = 0
    for rnd in await repo.rounds_since(session, now - ROUND_LIFETIME):
        if rnd.set_off_asked_at is not None or rnd.back_on is None:
            continue
        school = await session.get(School, rnd.school_id)
        if school is None:  # pragma: no cover
            continue
        tz = ZoneInfo(school.timezone)
        if now < _at(rnd.back_on - timedelta(days=1), rules.set_off_time, tz) or local_today(clock, tz) >= rnd.back_on:
            continue
        if not await repo.claim_round_step(session, rnd.id, "set_off_asked_at", now):
            continue
        returns = await repo.returns_of_round(session, rnd.id)
        names = await repo.student_names(session, [r.student_id for r in returns])
        guardians = await repo.guardians_of(session, [r.student_id for r in returns])
        messages = []
        for ret in returns:
            if ret.set_off_at is not None:
                continue
            for g in guardians.get(ret.student_id, []):
                if g.chat_id is None:
                    continue
                lang = translator.normalize(g.language)
                messages.append(OutgoingMessage(
                    dedup_key=f"return-set-off:{ret.id}:to:{g.person_id}",
                    chat_id=g.chat_id,
                    text=translator.get(
                        "returns-set-off-ask", lang, child=names[ret.student_id],
                        date=day_label(translator, lang, rnd.back_on),
                    ),
                    kind=SET_OFF_KIND, priority=Priority.NORMAL,
                    buttons=((Button(translator.get("returns-button-set-off", lang, child=names[ret.student_id]),
                                     callback_data=set_off_data(ret.id)),),),
                    person_id=g.person_id, school_id=school.id, timezone=school.timezone,
                ))
        queued += await enqueue(session, clock, messages)
    return queued


async def close_back_at_school(session: AsyncSession, clock: Clock) -> int:
    """On the first school day, a child the sheet shows present (or late) is back. Returns
    children newly marked back. Does not commit."""
    now = clock.now()
    marked = 0
    for rnd in await repo.rounds_since(session, now - ROUND_LIFETIME):
        if rnd.back_checked_at is not None or rnd.back_on is None:
            continue
        school = await session.get(School, rnd.school_id)
        if school is None:  # pragma: no cover
            continue
        today = local_today(clock, ZoneInfo(school.timezone))
        if today < rnd.back_on:
            continue
        returns = [r for r in await repo.returns_of_round(session, rnd.id) if r.back_at is None]
        class_ids = {r.class_id for r in returns if r.class_id is not None}
        sheets, marks = await repo.present_on(session, class_ids, rnd.back_on)
        for ret in returns:
            if ret.class_id in sheets and marks.get(ret.student_id) in (None, repo.LATE):
                ret.back_at = now
                marked += 1
        if class_ids <= sheets or today > rnd.back_on + timedelta(days=3):
            rnd.back_checked_at = now
    await session.flush()
    return marked


async def run_all(session: AsyncSession, clock: Clock, translator: Translator, rules: ReturnRules) -> int:
    """Everything that is due as of now, in order; what the scheduler job calls."""
    count = await start_due_rounds(session, clock, translator, rules)
    count += await send_due_reasks(session, clock, translator, rules)
    count += await escalate_due(session, clock, translator)
    count += await ask_set_off(session, clock, translator, rules)
    count += await close_back_at_school(session, clock)
    return count


# ------------------------------------------------------------ guardians' taps


class Outcome(StrEnum):
    RECORDED = "recorded"
    ALREADY = "already"  # someone (maybe this person) answered first
    NOT_YOURS = "not_yours"
    STALE = "stale"  # the child should be back at school by now
    INVALID = "invalid"


@dataclass(frozen=True)
class TapResult:
    outcome: Outcome
    child: str = ""
    answer: str | None = None
    by: str | None = None  # who answered first (ALREADY)
    next_ask: str | None = None  # "17:30" when a re-ask is scheduled
    status: str | None = None


async def _guardian_return(
    session: AsyncSession, clock: Clock, actor: Actor, return_id: int
) -> tuple[HomeReturn, ReturnRound, School, str] | TapResult:
    ret = await repo.return_by_id(session, return_id)
    if ret is None:
        return TapResult(Outcome.INVALID)
    if actor.person_id is None or not await repo.is_current_guardian(session, actor.person_id, ret.student_id):
        log.info("person %s tapped return %s of a child not theirs", actor.person_id, return_id)
        return TapResult(Outcome.NOT_YOURS)
    rnd = await repo.round_by_id(session, ret.round_id)
    school = await session.get(School, rnd.school_id) if rnd else None
    if rnd is None or school is None:  # pragma: no cover
        return TapResult(Outcome.INVALID)
    child = (await repo.student_names(session, [ret.student_id]))[ret.student_id]
    return ret, rnd, school, child


async def answer_home(
    session: AsyncSession, clock: Clock, rules: ReturnRules, actor: Actor, return_id: int, answer: str
) -> TapResult:
    """A guardian taps "arrived home" or "not yet". Changes nothing unless RECORDED."""
    if answer not in ANSWERS:
        return TapResult(Outcome.INVALID)
    found = await _guardian_return(session, clock, actor, return_id)
    if isinstance(found, TapResult):
        return found
    ret, rnd, school, child = found
    if _over(clock, rnd, school):
        return TapResult(Outcome.STALE, child)
    assert actor.person_id is not None
    now = clock.now()
    already = TapResult(
        Outcome.ALREADY, child, HOME, await repo.person_name(session, ret.answered_by_id), status=ret.status
    )
    if ret.status in HOME_CONFIRMED:
        return already
    tz = ZoneInfo(school.timezone)
    if answer == HOME:
        if not await repo.claim_home(session, ret.id, HomeStatus.ARRIVED, actor.person_id, now):
            await session.refresh(ret)
            return replace(already, by=await repo.person_name(session, ret.answered_by_id), status=ret.status)
        log.info("return %s: home, by person %s", ret.id, actor.person_id)
        return TapResult(Outcome.RECORDED, child, HOME)
    # "Not yet": one re-ask pending at a time, so a double tap schedules nothing twice.
    next_at = now + timedelta(minutes=rules.reask_minutes) if ret.asked <= rules.max_reasks else None
    if not await repo.claim_not_yet(session, ret.id, actor.person_id, now, next_at):
        await session.refresh(ret)
        if ret.status in HOME_CONFIRMED:
            return replace(already, by=await repo.person_name(session, ret.answered_by_id), status=ret.status)
        pending = _hhmm(ret.next_ask_at, tz) if ret.next_ask_at else None
        return TapResult(Outcome.ALREADY, child, NOT_YET, next_ask=pending)
    await session.refresh(ret)
    log.info("return %s: not yet, by person %s", ret.id, actor.person_id)
    return TapResult(Outcome.RECORDED, child, NOT_YET, next_ask=_hhmm(next_at, tz) if next_at else None)


async def record_set_off(session: AsyncSession, clock: Clock, actor: Actor, return_id: int) -> TapResult:
    found = await _guardian_return(session, clock, actor, return_id)
    if isinstance(found, TapResult):
        return found
    ret, rnd, school, child = found
    if _over(clock, rnd, school):
        return TapResult(Outcome.STALE, child)
    if ret.set_off_at is not None:
        return TapResult(Outcome.ALREADY, child, by=await repo.person_name(session, ret.set_off_by_id))
    ret.set_off_at, ret.set_off_by_id = clock.now(), actor.person_id
    await session.flush()
    return TapResult(Outcome.RECORDED, child)


# ------------------------------------------------------------ the head teacher


def _may_phone(actor: Actor, school_id: int, info: repo.ClassHead | None) -> bool:
    if school_id in actor.admin_school_ids:
        return True
    heads = {p.staff_id for p in actor.posts if p.is_teacher}
    return info is not None and info.head_teacher_id is not None and info.head_teacher_id in heads


async def confirm_by_phone(session: AsyncSession, clock: Clock, actor: Actor, return_id: int) -> TapResult:
    """The head teacher phoned the family: the child is home."""
    ret = await repo.return_by_id(session, return_id)
    rnd = await repo.round_by_id(session, ret.round_id) if ret else None
    if ret is None or rnd is None:
        return TapResult(Outcome.INVALID)
    info = (await repo.classes(session, [ret.class_id])).get(ret.class_id) if ret.class_id else None
    if actor.person_id is None or not _may_phone(actor, rnd.school_id, info):
        log.info("person %s tried to confirm return %s of another class", actor.person_id, return_id)
        return TapResult(Outcome.NOT_YOURS)
    child = (await repo.student_names(session, [ret.student_id]))[ret.student_id]
    if not await repo.claim_home(session, ret.id, HomeStatus.BY_PHONE, actor.person_id, clock.now()):
        await session.refresh(ret)
        return TapResult(
            Outcome.ALREADY, child, by=await repo.person_name(session, ret.answered_by_id), status=ret.status
        )
    log.info("return %s: home, confirmed by phone by person %s", ret.id, actor.person_id)
    return TapResult(Outcome.RECORDED, child, status=HomeStatus.BY_PHONE)


# ------------------------------------------------------------------ the views


@dataclass(frozen=True)
class ChildState:
    return_id: int
    name: str
    status: str
    answered_at: datetime | None
    answered_by: str | None
    set_off_at: datetime | None
    back_at: datetime | None


@dataclass(frozen=True)
class ClassReturns:
    class_label_args: tuple[int, str] | None  # (grade, name); None: no class
    class_id: int | None
    may_phone: bool
    children: tuple[ChildState, ...]

    @property
    def confirmed(self) -> list[ChildState]:
        return [c for c in self.children if c.status in HOME_CONFIRMED]

    @property
    def unconfirmed(self) -> list[ChildState]:
        return [c for c in self.children if c.status not in HOME_CONFIRMED]


@dataclass(frozen=True)
class SchoolReturns:
    school_name: str
    timezone: str
    round: ReturnRound
    classes: tuple[ClassReturns, ...] = field(default_factory=tuple)


def _staff_scope(actor: Actor) -> Actor:
    """A teacher's students and an admin's school; never a bureau officer's county (counts
    only) nor the actor's own children (that is the guardian side)."""
    posts = tuple(replace(p, is_bureau_officer=False) for p in actor.posts if p.is_teacher or p.is_school_admin)
    return replace(actor, posts=posts, children=frozenset())


async def views_for(session: AsyncSession, clock: Clock, actor: Actor) -> list[SchoolReturns]:
    """The latest round of each school the actor works in, restricted to the students the
    actor may see, per class."""
    scope = _staff_scope(actor)
    if not scope.posts:
        return []
    visible = await repo.visible_student_ids(session, visible_students(scope))
    out = []
    now = clock.now()
    for school_id in sorted(scope.school_ids):
        school = await session.get(School, school_id)
        rnd = await repo.latest_round(session, school_id, now)
        if school is None or rnd is None:
            continue
        returns = [r for r in await repo.returns_of_round(session, rnd.id) if r.student_id in visible]
        if not returns:
            continue
        names = await repo.student_names(session, [r.student_id for r in returns])
        people = await repo.person_names(session, {r.answered_by_id for r in returns if r.answered_by_id})
        infos = await repo.classes(session, {r.class_id for r in returns if r.class_id is not None})
        by_class: dict[int | None, list[ChildState]] = {}
        for r in returns:
            by_class.setdefault(r.class_id, []).append(ChildState(
                r.id, names[r.student_id], r.status, r.answered_at,
                people.get(r.answered_by_id) if r.answered_by_id else None, r.set_off_at, r.back_at,
            ))
        classes = []
        for class_id in sorted(by_class, key=lambda c: (c is None, infos[c].grade if c in infos else 0, infos[c].name if c in infos else "")):
            info = infos.get(class_id) if class_id is not None else None
            classes.append(ClassReturns(
                (info.grade, info.name) if info else None, class_id,
                _may_phone(scope, school_id, info), tuple(by_class[class_id]),
            ))
        out.append(SchoolReturns(school.name, school.timezone, rnd, tuple(classes)))
    return out


@dataclass(frozen=True)
class GuardianChild:
    return_id: int
    name: str
    status: str
    set_off: bool
    back: bool
    release_day: date
    back_on: date | None
    set_off_open: bool  # from the day before school starts again


async def guardian_open(session: AsyncSession, clock: Clock, actor: Actor) -> list[GuardianChild]:
    """The actor's children in rounds that are not over yet (newest round per child)."""
    now = clock.now()
    found: dict[int, GuardianChild] = {}
    for ret, rnd in await repo.open_returns_of_children(session, actor.children, now - ROUND_LIFETIME):
        if ret.student_id in found:
            continue
        school = await session.get(School, rnd.school_id)
        if school is None or rnd.released_at > now:
            continue
        today = local_today(clock, ZoneInfo(school.timezone))
        if rnd.back_on is not None and today > rnd.back_on:
            continue
        name = (await repo.student_names(session, [ret.student_id]))[ret.student_id]
        found[ret.student_id] = GuardianChild(
            ret.id, name, ret.status, ret.set_off_at is not None, ret.back_at is not None,
            rnd.release_day, rnd.back_on,
            rnd.back_on is not None and rnd.back_on - timedelta(days=1) <= today <= rnd.back_on,
        )
    return list(found.values())


def summary_lines(
    translator: Translator, lang: str, views: Sequence[SchoolReturns]
) -> list[str]:
    """The /returns text: per school and class, who has and has not confirmed."""
    lines: list[str] = []
    for view in views:
        tz = ZoneInfo(view.timezone)
        rnd = view.round
        lines.append(translator.get(
            "returns-view-round", lang, school=view.school_name,
            date=day_label(translator, lang, rnd.release_day), time=_hhmm(rnd.released_at, tz),
            kind=translator.get(f"returns-kind-{rnd.kind}", lang),
        ))
        for cls in view.classes:
            label = (
                translator.get("returns-class-label", lang, grade=cls.class_label_args[0], name=cls.class_label_args[1])
                if cls.class_label_args else translator.get("returns-no-class", lang)
            )
            lines.append(translator.get(
                "returns-view-class", lang, class_label=label,
                confirmed=len(cls.confirmed), total=len(cls.children),
            ))
            for child in sorted(cls.children, key=lambda c: (c.status in HOME_CONFIRMED, c.name)):
                lines.append(_view_line(translator, lang, child, tz))
    return lines


def _view_line(translator: Translator, lang: str, child: ChildState, tz: ZoneInfo) -> str:
    status = translator.get(f"returns-status-{child.status.replace('_', '-')}", lang)
    if child.status in HOME_CONFIRMED and child.answered_at is not None:
        status = translator.get(
            "returns-view-when", lang, status=status, time=_hhmm(child.answered_at, tz),
            name=child.answered_by or "",
        )
    extra = []
    if child.set_off_at is not None:
        extra.append(translator.get("returns-view-set-off", lang))
    if child.back_at is not None:
        extra.append(translator.get("returns-view-back", lang))
    return translator.get(
        "returns-view-line", lang, child=child.name, status=status,
        extra=(" " + " ".join(extra)) if extra else "",
    )


def counts(views: Iterable[SchoolReturns]) -> tuple[int, int]:
    confirmed = total = 0
    for view in views:
        for cls in view.classes:
            confirmed += len(cls.confirmed)
            total += len(cls.children)
    return confirmed, total


__all__ = [
    "ANSWERS", "HOME", "NOT_YET", "Outcome", "Release", "ReturnRules", "TapResult",
    "answer_data", "answer_home", "ask_set_off", "close_back_at_school", "confirm_by_phone",
    "escalate_due", "guardian_open", "phone_data", "record_set_off", "release_on",
    "releases_between", "run_all", "send_due_reasks", "set_off_data", "start_due_rounds",
    "summary_lines", "views_for",
]
