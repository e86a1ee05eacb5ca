"""不定期向监护人了解 … 学习、生活情况并将相关情况记录学生个人档案: the holiday check-in.

A class's head teacher (or a school admin, for a class they pick) sends the guardians a
short fixed question set about each child's holiday. The rules:

- Who is asked: the current guardians of the class's enrolled students who have joined
  the bot; those who have not are counted so the teacher knows whom to phone. A guardian
  of two children gets one question card per child.
- The questions (QUESTIONS, the one list; the words are in locales/*/checkins.ftl) are
  answered one at a time with big buttons; the card edits itself to the next question.
  The last one takes a few typed words, "nothing more" or "please call me".
- The first answer to a question counts (unique per check-in, student and question);
  a later, stale (check-in closed), foreign or forged tap changes nothing.
- "Alone", "injured" and "please call me" mark the child for follow-up; the head teacher
  (failing that the school's admins) gets one message listing the children newly marked,
  with the guardians' phones (a job every few minutes, normal priority).
- Guardians who have not finished are reminded once, `remind_after_hours` after the start.
- Teachers see per class who has and has not answered and each child's answers: the
  class's head teacher, the subject teachers of the class and the school's admins.
- The answers are filed on the student's record: a ledger source (`checkin_entries`).

Everything a guardian or teacher is sent goes through the outbox with a unique dedup key.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Priority
from db.models.checkins import CheckinAnswer, CheckinChild, HolidayCheckin
from db.repositories import checkins as repo
from locales import Translator
from services.access import Actor
from services.clock import Clock
from services.ledger_entries import Label, LabelList, LedgerEntry, describe
from services.outbox import (
    Button,
    OutgoingMessage,
    create_campaign,
    enqueue,
    insert_ignoring_duplicates,
)

log = logging.getLogger(__name__)

CAMPAIGN_KIND = "checkin"
ASK_KIND = "checkin-ask"
REMIND_KIND = "checkin-remind"
FOLLOW_UP_KIND = "checkin-follow-up"
KIND_CHECKIN = "checkin"  # the ledger entries' kind
MAX_NOTE_LENGTH = 500
RECENT = 10  # check-ins listed in the teacher's view


@dataclass(frozen=True)
class Question:
    code: str
    choices: tuple[str, ...]  # button order
    follow_up: frozenset[str] = frozenset()  # answers that need the head teacher to call
    free_text: bool = False  # typed words are taken as the answer (choice NOTE)


NOTE = "note"  # the choice recorded with typed words
QUESTIONS: tuple[Question, ...] = (
    Question("study", ("daily", "sometimes", "rarely")),
    Question("health", ("well", "ill", "injured", "other"), frozenset({"injured"})),
    Question("company", ("grandparents", "parents", "relatives", "alone"), frozenset({"alone"})),
    Question("note", ("nothing", "call"), frozenset({"call"}), free_text=True),
)
BY_CODE = {q.code: q for q in QUESTIONS}


@dataclass(frozen=True)
class CheckinRules:
    remind_after_hours: int = 24
    open_days: int = 7

    @classmethod
    def from_settings(cls, settings: Any) -> CheckinRules:
        """From the bot's Settings (duck-typed: services do not import the bot package)."""
        c = settings.checkins
        return cls(remind_after_hours=c.remind_after_hours, open_days=c.open_days)


class CheckinError(Exception):
    """The check-in cannot be started; `key` is the locale message saying why."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def answer_data(child_id: int, question: str, choice: str) -> str:
    return f"ci:{child_id}:{question}:{choice}"


def write_data(child_id: int) -> str:
    return f"ciw:{child_id}"


def new_campaign_key() -> str:
    return uuid.uuid4().hex


# ------------------------------------------------------------------ who may do what


def may_start(actor: Actor) -> bool:
    return actor.is_school_admin or any(p.is_head_teacher for p in actor.posts)


def may_view(actor: Actor) -> bool:
    return actor.is_school_admin or any(p.is_head_teacher or p.is_subject_teacher for p in actor.posts)


async def _viewable_classes(session: AsyncSession, actor: Actor) -> set[int]:
    """The class's head teacher, its subject teachers and its school's admins; mentors and
    counsellors see their own students' answers on the ledger, not a class's list."""
    teachers = [p.staff_id for p in actor.posts if p.is_head_teacher or p.is_subject_teacher]
    return await repo.viewable_class_ids(session, actor.admin_school_ids, teachers)


@dataclass(frozen=True)
class ClassChoice:
    class_id: int
    school_id: int
    school_name: str
    timezone: str
    grade: int
    name: str
    head_teacher_id: int | None


async def startable_classes(session: AsyncSession, actor: Actor) -> list[ClassChoice]:
    heads = [p.staff_id for p in actor.posts if p.is_head_teacher]
    return [
        ClassChoice(c.id, s.id, s.name, s.timezone, c.grade, c.name, c.head_teacher_id)
        for c, s in await repo.classes_for(session, actor.admin_school_ids, heads)
    ]


async def find_startable(session: AsyncSession, actor: Actor, class_id: int | None) -> ClassChoice | None:
    """Checked afresh each time: a post may have been taken away since the dialog started."""
    if class_id is None:
        return None
    for choice in await startable_classes(session, actor):
        if choice.class_id == class_id:
            return choice
    return None


# ------------------------------------------------------------------ starting one


@dataclass(frozen=True)
class GuardianCount:
    children: int
    recipients: int  # joined guardians: they will be asked
    not_joined: int  # guardians on the roster who have not joined the bot


async def count_guardians(session: AsyncSession, class_id: int) -> GuardianCount:
    students = await repo.enrolled_students(session, class_id)
    guardians = await repo.guardians_of(session, [sid for sid, _ in students])
    people = {g.person_id: g.chat_id is not None for gs in guardians.values() for g in gs}
    joined = sum(1 for is_joined in people.values() if is_joined)
    return GuardianCount(len(students), joined, len(people) - joined)


@dataclass(frozen=True)
class CheckinStarted:
    checkin_id: int
    recipients: int  # question cards queued (one per guardian and child)
    created: bool  # False: this confirm screen had already started it


def class_label(translator: Translator, lang: str, grade: int, name: str) -> str:
    return translator.get("checkin-class-label", lang, grade=grade, name=name)


async def start_checkin(
    session: AsyncSession, clock: Clock, translator: Translator, rules: CheckinRules, *,
    actor: Actor, class_id: int, campaign_key: str, progress_chat_id: int | None, language: str | None,
) -> CheckinStarted:
    """Queue a question card for each joined guardian of each enrolled child of the class
    as one campaign. Idempotent per `campaign_key`. Does not commit."""
    choice = await find_startable(session, actor, class_id)
    if choice is None:
        raise CheckinError("checkin-not-allowed")
    existing = await repo.checkin_by_key(session, campaign_key)
    if existing is not None:
        cards = len(await repo.children_of(session, existing.id))
        return CheckinStarted(existing.id, cards, created=False)
    now = clock.now()
    tz = ZoneInfo(choice.timezone)
    already = await repo.open_checkin_of_class(session, class_id, now)
    if already is not None:
        day = already.started_at.astimezone(tz).date()
        raise CheckinError("checkin-already-open", month=day.month, day=day.day)
    students = await repo.enrolled_students(session, class_id)
    guardians = await repo.guardians_of(session, [sid for sid, _ in students])
    if not any(g.chat_id is not None for gs in guardians.values() for g in gs):
        raise CheckinError("checkin-nobody")
    checkin = HolidayCheckin(
        school_id=choice.school_id, class_id=class_id, started_by_id=actor.person_id, started_at=now,
        campaign_key=campaign_key, remind_at=now + timedelta(hours=rules.remind_after_hours),
        closes_at=now + timedelta(days=rules.open_days),
    )
    repo.add(session, checkin)
    await session.flush()
    children = [CheckinChild(checkin_id=checkin.id, student_id=sid) for sid, _ in students]
    repo.add(session, *children)
    await session.flush()
    names = dict(students)
    messages = []
    for child in children:
        card = ChildCard(
            child_id=child.id, child=names[child.student_id], school=choice.school_name,
            grade=choice.grade, class_name=choice.name, answers={}, open=True,
        )
        for g in guardians.get(child.student_id, []):
            if g.chat_id is None:
                continue
            messages.append(_card_message(
                translator, card, g, dedup_key=f"checkin:{checkin.id}:child:{child.id}:to:{g.person_id}",
                kind=ASK_KIND, school_id=choice.school_id, timezone=choice.timezone,
            ))
    campaign = await create_campaign(
        session, clock, kind=CAMPAIGN_KIND, created_by_id=actor.person_id,
        progress_chat_id=progress_chat_id, language=language, messages=messages,
    )
    checkin.campaign_id = campaign.id
    await session.flush()
    log.info("check-in %s started: class=%s children=%d cards=%d", checkin.id, class_id, len(children), campaign.total)
    return CheckinStarted(checkin.id, campaign.total, created=True)


def _card_message(
    translator: Translator, card: ChildCard, g: repo.Guardian, *, dedup_key: str, kind: str,
    school_id: int, timezone: str, reminder: bool = False,
) -> OutgoingMessage:
    lang = translator.normalize(g.language)
    text, buttons = render_card(translator, lang, card, reminder=reminder)
    return OutgoingMessage(
        dedup_key=dedup_key, chat_id=g.chat_id or 0, text=text, kind=kind, priority=Priority.NORMAL,
        buttons=tuple((b,) for b in buttons), person_id=g.person_id, school_id=school_id, timezone=timezone,
    )


# ---------------------------------------------------------------- the guardian's card


@dataclass(frozen=True)
class ChildCard:
    """What a guardian's question card shows for one child: answers so far, the next question."""

    child_id: int
    child: str
    school: str
    grade: int
    class_name: str
    answers: dict[str, tuple[str, str | None]]  # question -> (choice, note)
    open: bool

    @property
    def next_question(self) -> Question | None:
        for question in QUESTIONS:
            if question.code not in self.answers:
                return question
        return None


def choice_label(translator: Translator, lang: str, question: str, choice: str) -> str:
    return translator.get(f"checkin-choice-{question}-{choice}", lang)


def render_card(
    translator: Translator, lang: str, card: ChildCard, reminder: bool = False
) -> tuple[str, list[Button]]:
    """The card's text and its buttons (one per row: big, one tap each)."""
    lines = [translator.get(
        "checkin-card-title", lang, school=card.school,
        class_label=class_label(translator, lang, card.grade, card.class_name),
    )]
    if reminder:
        lines.append(translator.get("checkin-card-reminder", lang, child=card.child))
    else:
        lines.append(translator.get("checkin-card-intro", lang, child=card.child))
    for question in QUESTIONS:
        if question.code in card.answers:
            choice, note = card.answers[question.code]
            shown = note if choice == NOTE and note else choice_label(translator, lang, question.code, choice)
            lines.append(translator.get(
                "checkin-card-answered", lang,
                question=translator.get(f"checkin-short-{question.code}", lang), answer=shown,
            ))
    nxt = card.next_question
    buttons: list[Button] = []
    if nxt is None:
        lines.append("")
        lines.append(translator.get("checkin-card-done", lang, child=card.child))
    elif not card.open:
        lines.append("")
        lines.append(translator.get("checkin-stale", lang))
    else:
        lines.append("")
        lines.append(translator.get(
            "checkin-card-question", lang, number=QUESTIONS.index(nxt) + 1, total=len(QUESTIONS),
            question=translator.get(f"checkin-q-{nxt.code}", lang, child=card.child),
        ))
        buttons = [
            Button(choice_label(translator, lang, nxt.code, c), callback_data=answer_data(card.child_id, nxt.code, c))
            for c in nxt.choices
        ]
        if nxt.free_text:
            buttons.append(Button(translator.get("checkin-button-write", lang), callback_data=write_data(card.child_id)))
    return "\n".join(lines), buttons


async def child_card(session: AsyncSession, clock: Clock, child: CheckinChild, checkin: HolidayCheckin) -> ChildCard:
    found = await repo.class_with_school(session, checkin.class_id)
    assert found is not None
    school_class, school = found
    names = await repo.student_names(session, [child.student_id])
    answers = await repo.answers_of(session, [checkin.id], [child.student_id])
    return ChildCard(
        child_id=child.id, child=names.get(child.student_id, ""), school=school.name,
        grade=school_class.grade, class_name=school_class.name,
        answers={a.question: (a.choice, a.note) for a in answers}, open=checkin.closes_at > clock.now(),
    )


class Outcome(StrEnum):
    RECORDED = "recorded"
    ALREADY = "already"  # this question was answered first by someone (maybe this person)
    NOT_YOURS = "not_yours"
    STALE = "stale"  # the check-in is closed
    INVALID = "invalid"  # forged or unknown data


@dataclass(frozen=True)
class TapResult:
    outcome: Outcome
    card: ChildCard | None = None
    question: str | None = None
    answer: str | None = None  # the choice that counts (ALREADY: the first one)
    note: str | None = None
    by: str | None = None  # who answered first (ALREADY)


async def _guardians_child(
    session: AsyncSession, clock: Clock, actor: Actor, child_id: int
) -> tuple[CheckinChild, HolidayCheckin] | TapResult:
    child = await session.get(CheckinChild, child_id)
    checkin = await session.get(HolidayCheckin, child.checkin_id) if child else None
    if child is None or checkin is None:
        return TapResult(Outcome.INVALID)
    if actor.person_id is None or not await repo.is_current_guardian(session, actor.person_id, child.student_id):
        log.info("person %s tapped check-in child %s not theirs", actor.person_id, child_id)
        return TapResult(Outcome.NOT_YOURS)
    if checkin.closes_at <= clock.now():
        return TapResult(Outcome.STALE, await child_card(session, clock, child, checkin))
    return child, checkin


async def answer(
    session: AsyncSession, clock: Clock, actor: Actor, child_id: int, question: str, choice: str,
    note: str | None = None,
) -> TapResult:
    """A guardian's tap (or typed note). Changes nothing unless RECORDED. Does not commit."""
    q = BY_CODE.get(question)
    if q is None or not (choice in q.choices or (q.free_text and choice == NOTE and note)):
        return TapResult(Outcome.INVALID)
    found = await _guardians_child(session, clock, actor, child_id)
    if isinstance(found, TapResult):
        return found
    child, checkin = found
    assert actor.person_id is not None
    now = clock.now()
    follow_up = choice in q.follow_up
    new = await insert_ignoring_duplicates(session, CheckinAnswer.__table__, [{  # type: ignore[arg-type]
        "checkin_id": checkin.id, "student_id": child.student_id, "question": q.code, "choice": choice,
        "note": note, "follow_up": follow_up, "answered_by_id": actor.person_id, "answered_at": now,
    }])
    if not new:
        first = next(a for a in await repo.answers_of(session, [checkin.id], [child.student_id]) if a.question == q.code)
        by = (await repo.person_names(session, [first.answered_by_id])).get(first.answered_by_id)
        return TapResult(
            Outcome.ALREADY, await child_card(session, clock, child, checkin), q.code, first.choice, first.note, by,
        )
    if follow_up:
        await repo.mark_follow_up(session, child.id)
    card = await child_card(session, clock, child, checkin)
    if card.next_question is None:
        await repo.claim_finished(session, child.id, now)
    if q.free_text:
        child.note_asked_by_id, child.note_asked_at = None, None
    await session.flush()
    log.info("check-in child %s: %s answered by person %s", child.id, q.code, actor.person_id)
    return TapResult(Outcome.RECORDED, card, q.code, choice, note)


async def want_to_write(session: AsyncSession, clock: Clock, actor: Actor, child_id: int) -> TapResult:
    """"Write a few words": the guardian's next typed message becomes this child's note."""
    found = await _guardians_child(session, clock, actor, child_id)
    if isinstance(found, TapResult):
        return found
    child, checkin = found
    card = await child_card(session, clock, child, checkin)
    if BY_CODE[NOTE].code in card.answers:
        choice, note = card.answers[NOTE]
        return TapResult(Outcome.ALREADY, card, NOTE, choice, note)
    child.note_asked_by_id, child.note_asked_at = actor.person_id, clock.now()
    await session.flush()
    return TapResult(Outcome.RECORDED, card, NOTE)


async def pending_cards(session: AsyncSession, clock: Clock, actor: Actor) -> list[ChildCard]:
    """The actor's children with an unfinished card in an open check-in, oldest first."""
    cards = []
    for child, checkin in await repo.open_children_of_students(session, actor.children, clock.now()):
        cards.append(await child_card(session, clock, child, checkin))
    return cards


class TextOutcome(StrEnum):
    NOTE = "note"  # the typed words were taken as the note
    TAP_EXPECTED = "tap_expected"  # a question waits for a tap: the card is shown again
    TOO_LONG = "too_long"


@dataclass(frozen=True)
class TextResult:
    outcome: TextOutcome
    card: ChildCard


async def typed_text(session: AsyncSession, clock: Clock, actor: Actor, text: str) -> TextResult | None:
    """A guardian with an unfinished card typed something. It is the note of the child
    whose "write a few words" they tapped last, or of the only card waiting for a note;
    otherwise they are shown the card that waits for a tap. None: no unfinished card."""
    now = clock.now()
    pending = await repo.open_children_of_students(session, actor.children, now)
    if not pending:
        return None
    cards = [(child, checkin, await child_card(session, clock, child, checkin)) for child, checkin in pending]
    asked = sorted(
        ((c, h, card) for c, h, card in cards if c.note_asked_by_id == actor.person_id and c.note_asked_at),
        key=lambda item: item[0].note_asked_at or now, reverse=True,
    )
    at_note = [(c, h, card) for c, h, card in cards if card.next_question is not None and card.next_question.free_text]
    target = asked[0] if asked else (at_note[0] if len(at_note) == 1 and len(cards) == 1 else None)
    if target is None:
        tap = next((card for _, _, card in cards if card.next_question and not card.next_question.free_text), cards[0][2])
        return TextResult(TextOutcome.TAP_EXPECTED, tap)
    cleaned = text.strip()
    if len(cleaned) > MAX_NOTE_LENGTH:
        return TextResult(TextOutcome.TOO_LONG, target[2])
    result = await answer(session, clock, actor, target[0].id, NOTE, NOTE, note=cleaned)
    return TextResult(TextOutcome.NOTE, result.card or target[2])


# -------------------------------------------------------- reminders and follow-up


async def send_reminders(session: AsyncSession, clock: Clock, translator: Translator) -> int:
    """Once per check-in, `remind_after_hours` after the start: each joined guardian of a
    child whose card is unfinished gets the card again. Returns messages queued."""
    now = clock.now()
    queued = 0
    for checkin in await repo.due_reminders(session, now):
        if not await repo.claim_reminded(session, checkin.id, now):
            continue
        found = await repo.class_with_school(session, checkin.class_id)
        if found is None:  # pragma: no cover
            continue
        _, school = found
        children = [c for c in await repo.children_of(session, checkin.id) if c.finished_at is None]
        guardians = await repo.guardians_of(session, [c.student_id for c in children])
        messages = []
        for child in children:
            card = await child_card(session, clock, child, checkin)
            for g in guardians.get(child.student_id, []):
                if g.chat_id is None:
                    continue
                messages.append(_card_message(
                    translator, card, g, dedup_key=f"checkin-remind:{checkin.id}:child:{child.id}:to:{g.person_id}",
                    kind=REMIND_KIND, school_id=school.id, timezone=school.timezone, reminder=True,
                ))
        queued += await enqueue(session, clock, messages)
        log.info("check-in %s: reminders for %d children", checkin.id, len(children))
    return queued


def _relation(translator: Translator, lang: str, relation: str) -> str:
    key = f"checkin-relation-{relation}"
    return translator.get(key if translator.has(key, lang) else "checkin-relation-other", lang)


async def send_follow_up_alerts(session: AsyncSession, clock: Clock, translator: Translator) -> int:
    """The children newly marked for follow-up, one message per check-in to the class's
    head teacher (failing that the school's admins). Returns messages queued."""
    now = clock.now()
    by_checkin: dict[int, list[CheckinChild]] = {}
    for child in await repo.follow_ups_to_alert(session):
        if await repo.claim_follow_up_alert(session, child.id, now):
            by_checkin.setdefault(child.checkin_id, []).append(child)
    queued = 0
    for checkin_id, children in by_checkin.items():
        checkin = await session.get(HolidayCheckin, checkin_id)
        found = await repo.class_with_school(session, checkin.class_id) if checkin else None
        if checkin is None or found is None:  # pragma: no cover
            continue
        school_class, school = found
        head = await repo.head_teacher(session, school_class.head_teacher_id)
        staff = [head] if head is not None and head.chat_id is not None else [
            p for p in await repo.school_admins(session, school.id) if p.chat_id is not None
        ]
        names = await repo.student_names(session, [c.student_id for c in children])
        answers = await repo.answers_of(session, [checkin.id], [c.student_id for c in children])
        guardians = await repo.guardians_of(session, [c.student_id for c in children])
        messages = []
        for person in staff:
            lang = translator.normalize(person.language)
            lines = []
            for child in children:
                reasons = translator.get("checkin-separator", lang).join(
                    choice_label(translator, lang, a.question, a.choice)
                    for a in answers if a.student_id == child.student_id and a.follow_up
                )
                contacts = translator.get("checkin-separator", lang).join(
                    translator.get(
                        "checkin-guardian-phone", lang, name=g.name, relation=_relation(translator, lang, g.relation),
                        phone=g.phone or translator.get("checkin-no-phone", lang),
                    )
                    for g in guardians.get(child.student_id, [])
                ) or translator.get("checkin-no-guardian", lang)
                lines.append(translator.get(
                    "checkin-follow-up-line", lang, child=names.get(child.student_id, ""), reasons=reasons, contacts=contacts,
                ))
            messages.append(OutgoingMessage(
                dedup_key=f"checkin-follow-up:{checkin.id}:{children[0].id}:to:{person.id}",
                chat_id=person.chat_id or 0,
                text=translator.get(
                    "checkin-follow-up", lang, count=len(children),
                    class_label=class_label(translator, lang, school_class.grade, school_class.name),
                    lines="\n".join(lines),
                ),
                kind=FOLLOW_UP_KIND, priority=Priority.NORMAL, person_id=person.id,
                school_id=school.id, timezone=school.timezone,
            ))
        queued += await enqueue(session, clock, messages)
        log.info("check-in %s: follow-up alert for %d children", checkin.id, len(children))
    await session.flush()
    return queued


async def run_due(session: AsyncSession, clock: Clock, translator: Translator) -> int:
    """What the scheduler job calls: everything due as of now. Does not commit."""
    return await send_follow_up_alerts(session, clock, translator) + await send_reminders(session, clock, translator)


# ------------------------------------------------------------------ teachers' views


@dataclass(frozen=True)
class CheckinSummary:
    checkin_id: int
    grade: int
    class_name: str
    started_on: date
    finished: int
    total: int


async def checkins_for(session: AsyncSession, actor: Actor) -> list[CheckinSummary]:
    """The latest check-ins of the classes this actor may see, newest first."""
    classes = await _viewable_classes(session, actor)
    out = []
    for checkin in await repo.recent_checkins(session, classes, RECENT):
        found = await repo.class_with_school(session, checkin.class_id)
        if found is None:  # pragma: no cover
            continue
        school_class, school = found
        children = await repo.children_of(session, checkin.id)
        out.append(CheckinSummary(
            checkin.id, school_class.grade, school_class.name,
            checkin.started_at.astimezone(ZoneInfo(school.timezone)).date(),
            sum(1 for c in children if c.finished_at is not None), len(children),
        ))
    return out


@dataclass(frozen=True)
class ChildAnswers:
    student_id: int
    name: str
    answers: dict[str, CheckinAnswer]
    finished: bool
    needs_follow_up: bool
    reachable: bool  # a guardian of the child has joined the bot
    answered_by: tuple[str, ...] = ()

    @property
    def started(self) -> bool:
        return bool(self.answers)


@dataclass(frozen=True)
class ClassResults:
    checkin_id: int
    school: str
    timezone: str
    grade: int
    class_name: str
    started_at: datetime
    closes_at: datetime
    children: tuple[ChildAnswers, ...] = field(default_factory=tuple)

    @property
    def finished(self) -> list[ChildAnswers]:
        return [c for c in self.children if c.finished]

    @property
    def unfinished(self) -> list[ChildAnswers]:
        return [c for c in self.children if not c.finished]


async def class_results(session: AsyncSession, actor: Actor, checkin_id: int) -> ClassResults | None:
    """One check-in's class, child by child; None when the actor may not see that class."""
    checkin = await session.get(HolidayCheckin, checkin_id)
    if checkin is None or checkin.class_id not in await _viewable_classes(session, actor):
        if checkin is not None:
            log.info("person %s asked for check-in %s of a class not theirs", actor.person_id, checkin_id)
        return None
    found = await repo.class_with_school(session, checkin.class_id)
    if found is None:  # pragma: no cover
        return None
    school_class, school = found
    children = await repo.children_of(session, checkin.id)
    ids = [c.student_id for c in children]
    names = await repo.student_names(session, ids)
    answers = await repo.answers_of(session, [checkin.id], ids)
    people = await repo.person_names(session, [a.answered_by_id for a in answers])
    guardians = await repo.guardians_of(session, ids)
    rows = []
    for child in children:
        mine = {a.question: a for a in answers if a.student_id == child.student_id}
        rows.append(ChildAnswers(
            child.student_id, names.get(child.student_id, ""), mine, child.finished_at is not None,
            child.needs_follow_up, any(g.chat_id is not None for g in guardians.get(child.student_id, [])),
            tuple(dict.fromkeys(people[a.answered_by_id] for a in mine.values() if a.answered_by_id in people)),
        ))
    rows.sort(key=lambda c: (c.finished, not c.needs_follow_up, c.name))
    return ClassResults(
        checkin.id, school.name, school.timezone, school_class.grade, school_class.name,
        checkin.started_at, checkin.closes_at, tuple(rows),
    )


def _status(translator: Translator, lang: str, child: ChildAnswers) -> str:
    if child.finished:
        key = "checkin-status-done"
    elif child.started:
        key = "checkin-status-partial"
    elif not child.reachable:
        key = "checkin-status-unreachable"
    else:
        key = "checkin-status-none"
    text = translator.get(key, lang, answered=len(child.answers), total=len(QUESTIONS))
    if child.needs_follow_up:
        text = translator.get("checkin-status-follow-up", lang, status=text)
    return text


def results_lines(translator: Translator, lang: str, results: ClassResults) -> list[str]:
    tz = ZoneInfo(results.timezone)
    started = results.started_at.astimezone(tz)
    lines = [translator.get(
        "checkin-results-title", lang,
        class_label=class_label(translator, lang, results.grade, results.class_name),
        month=started.month, day=started.day, finished=len(results.finished), total=len(results.children),
    )]
    for child in results.children:
        lines.append(translator.get("checkin-results-line", lang, child=child.name, status=_status(translator, lang, child)))
    return lines


def child_lines(translator: Translator, lang: str, results: ClassResults, child: ChildAnswers) -> list[str]:
    lines = [translator.get("checkin-child-title", lang, child=child.name, status=_status(translator, lang, child))]
    for question in QUESTIONS:
        found = child.answers.get(question.code)
        if found is None:
            shown = translator.get("checkin-not-answered", lang)
        elif found.choice == NOTE:
            shown = found.note or ""
        else:
            shown = choice_label(translator, lang, question.code, found.choice)
        lines.append(translator.get(
            "checkin-card-answered", lang, question=translator.get(f"checkin-short-{question.code}", lang), answer=shown,
        ))
    if child.answered_by:
        lines.append(translator.get("checkin-child-by", lang, names=translator.get("checkin-separator", lang).join(child.answered_by)))
    return lines


def summary_label(translator: Translator, lang: str, summary: CheckinSummary) -> str:
    return translator.get(
        "checkin-summary", lang, class_label=class_label(translator, lang, summary.grade, summary.class_name),
        month=summary.started_on.month, day=summary.started_on.day, finished=summary.finished, total=summary.total,
    )


# ------------------------------------------------------------------------ ledger


def _entry_params(answers: Sequence[CheckinAnswer], names: dict[int, str]) -> dict[str, object]:
    by_question = {a.question: a for a in answers}
    items = []
    for question in QUESTIONS:
        found = by_question.get(question.code)
        if found is None:
            continue
        value: object = found.note or "" if found.choice == NOTE else Label(f"checkin-choice-{question.code}-{found.choice}")
        items.append(Label("checkin-ledger-answer", {"question": Label(f"checkin-short-{question.code}"), "answer": value}))
    by = ", ".join(dict.fromkeys(names[a.answered_by_id] for a in answers if a.answered_by_id in names))
    return {"answers": LabelList(tuple(items)), "by": by}


async def checkin_entries_batch(
    session: AsyncSession, student_ids: Sequence[int], since: date | None, until: date | None
) -> dict[int, list[LedgerEntry]]:
    """One ledger entry per check-in a child has answers in, dated by the last answer."""
    out: dict[int, list[LedgerEntry]] = {i: [] for i in student_ids}
    rows = await repo.answered_checkins_of_students(session, student_ids)
    zones = await repo.school_timezones(session, student_ids)
    names = await repo.person_names(session, [a.answered_by_id for _, a in rows])
    grouped: dict[tuple[int, int], list[CheckinAnswer]] = {}
    for checkin, answer_row in rows:
        grouped.setdefault((answer_row.student_id, checkin.id), []).append(answer_row)
    for (student_id, checkin_id), answers in grouped.items():
        at = max(a.answered_at for a in answers)
        day = at.astimezone(ZoneInfo(zones.get(student_id, "Asia/Shanghai"))).date()
        if (since is not None and day < since) or (until is not None and day > until):
            continue
        key = "ledger-entry-checkin-follow-up" if any(a.follow_up for a in answers) else "ledger-entry-checkin"
        out[student_id].append(LedgerEntry(at, KIND_CHECKIN, key, _entry_params(answers, names), order=checkin_id))
    return out


async def checkin_entries(
    session: AsyncSession, student_id: int, since: date | None, until: date | None
) -> list[LedgerEntry]:
    """The holiday check-in answers on the student's ledger timeline."""
    return (await checkin_entries_batch(session, [student_id], since, until))[student_id]


describe(checkin_entries, kinds=frozenset({KIND_CHECKIN}), batch=checkin_entries_batch)


async def study_life_summaries(
    session: AsyncSession, translator: Translator, lang: str, student_ids: Sequence[int],
    since: date | None = None, until: date | None = None,
) -> dict[int, str]:
    """For the ledger spreadsheet's "study and life" column: the latest check-in's answers
    in one line per student ("" without one)."""
    from services.ledger import render_param  # the ledger imports this module's source

    found = await checkin_entries_batch(session, student_ids, since, until)
    zones = await repo.school_timezones(session, student_ids)
    out = {}
    for student_id in student_ids:
        entries = sorted(found.get(student_id, []), key=lambda e: (e.at, e.order), reverse=True)
        if not entries:
            out[student_id] = ""
            continue
        latest = entries[0]
        day = latest.at.astimezone(ZoneInfo(zones.get(student_id, "Asia/Shanghai"))).date()
        out[student_id] = translator.get(
            "checkin-export-summary", lang, date=day.isoformat(),
            answers=str(render_param(translator, lang, latest.params["answers"])),
        )
    return out


__all__ = [
    "QUESTIONS", "CheckinError", "CheckinRules", "ChildCard", "Outcome", "TapResult", "TextOutcome",
    "answer", "answer_data", "checkin_entries", "checkins_for", "class_results", "count_guardians",
    "may_start", "may_view", "pending_cards", "render_card", "run_due", "send_follow_up_alerts",
    "send_reminders", "start_checkin", "startable_classes", "study_life_summaries", "typed_text",
    "want_to_write", "write_data",
]
