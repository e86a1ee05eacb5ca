"""The head teacher's deadline list of a big class does not fit in one Telegram message
(4096 characters): 66 children (a 大班额 class), each with a grandmother, a grandfather and
a mother working away, three phones a line. Telegram refuses such a text ("message is too
long") and the sender can only mark the row failed, so the head teacher would get nothing;
and before that, Fluent refuses a placeable of more than 2,500 characters, so rendering the
list raised and the whole returns job failed on every run (no list for any class, nor any
other school's round in the same run).
The list goes out in numbered parts instead: every part fits, every child is in exactly
one part with its "confirmed by phone" button, and a short list stays one message with the
key it always had."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import OutboxMessage, Person, SchoolClass, Student
from services import returns as svc
from services.clock import FakeClock
from tests.support.factory import Factory
from tests.test_returns import FRIDAY_1630, outbox, run

BIG = 66
SMALL = 15  # over 1000 characters of lines, under 4096: one message


async def _class(
    factory: Factory, school, head: Person, grade: int, name: str, children: int, phone_base: int,
) -> tuple[SchoolClass, list[Student]]:
    post = await factory.staff(head, school, is_head_teacher=True)
    school_class = await factory.school_class(school, grade, name, post)
    students = []
    for n in range(children):
        child = await factory.student(school, school_class, f"{name}学生{n:02d}", is_left_behind=True)
        number = phone_base + n * 3
        for offset, (who, relation) in enumerate((("奶奶", "grandmother"), ("爷爷", "grandfather"), ("妈妈", "mother"))):
            person = await factory.person(f"{name}{who}{n:02d}", phone=f"+86138{number + offset:08d}")
            await factory.guardian_of(child, person, relation)
        students.append(child)
    return school_class, students


async def _escalate(session: AsyncSession, session_pool, clock: FakeClock) -> None:
    await session.commit()
    clock.set(FRIDAY_1630)
    await run(session_pool, clock)
    clock.set(FRIDAY_1630 + timedelta(hours=4))
    await run(session_pool, clock)
    await run(session_pool, clock)  # the next run sends nothing again


def _children_of(row: OutboxMessage) -> list[str]:
    return [line.split("：")[0].split(": ")[0].removeprefix("• ") for line in row.payload["text"].splitlines()
            if line.startswith("• ")]


def _button_children(row: OutboxMessage) -> list[str]:
    return [b["text"] for line in row.payload["buttons"] for b in line]


async def test_a_big_class_list_goes_in_parts_that_each_fit(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    school = await factory.school("大山小学")
    zh_head = await factory.person("王老师", telegram_user_id=300, language="zh_Hans")
    en_head = await factory.person("Ms Green", telegram_user_id=301, language="en")
    small_head = await factory.person("赵老师", telegram_user_id=302, language="zh_Hans")
    _, big = await _class(factory, school, zh_head, 5, "1班", BIG, 10_000)
    _, big_en = await _class(factory, school, en_head, 5, "2班", BIG, 20_000)
    _, small = await _class(factory, school, small_head, 6, "3班", SMALL, 30_000)
    await _escalate(session, session_pool, clock)

    late = await outbox(session_pool, svc.LATE_KIND)
    by_head: dict[int, list[OutboxMessage]] = {}
    for row in late:
        by_head.setdefault(row.chat_id, []).append(row)
    assert set(by_head) == {300, 301, 302}

    for chat, students, label, lang in ((300, big, "5年级1班", "zh"), (301, big_en, "Grade 5 2班", "en")):
        rows = by_head[chat]
        # In one message this list would be far over Telegram's limit.
        whole = "\n".join(r.payload["text"] for r in rows)
        assert svc.text_length(whole) > svc.MAX_TEXT
        assert len(rows) >= 2
        parts = len(rows)
        for number, row in enumerate(rows, 1):
            text = row.payload["text"]
            assert svc.text_length(text) <= svc.MAX_TEXT, (number, svc.text_length(text))
            marker = f"（{number}/{parts}）" if lang == "zh" else f" (part {number} of {parts})"
            assert text.startswith(f"🚨 {label}{marker}"), text[:60]
            # Every part says how many children the whole class has unconfirmed.
            assert (f"{BIG} 个孩子还没有确认到家" if lang == "zh" else f"{BIG} children not yet confirmed") in text
            # A child's line and its button travel together.
            assert [f"☎️ {c} 已电话确认到家" if lang == "zh" else f"☎️ {c} confirmed home by phone"
                    for c in _children_of(row)] == _button_children(row)
            assert row.priority == 0  # urgent, every part
        listed = [c for r in rows for c in _children_of(r)]
        assert listed == [s.name for s in students]  # all of them, once, in order
        # Three phones on every line (the mother's too, she is working away).
        assert all(r.payload["text"].count("+86138") == len(_children_of(r)) * 3 for r in rows)
        assert [r.dedup_key for r in rows] == [
            rows[0].dedup_key, *(f"{rows[0].dedup_key}:part:{n}" for n in range(2, parts + 1))
        ]

    (one,) = by_head[302]  # a shorter list: one message, no part number, the old key
    assert one.payload["text"].startswith(f"🚨 6年级3班：{SMALL} 个孩子")
    assert svc.text_length(one.payload["text"]) > 1000
    assert _children_of(one) == [s.name for s in small]
    assert one.dedup_key.endswith(f":to:{small_head.id}")
    # The first part is what it always was: the other classes' children are not in it.
    assert not {s.name for s in small} & {c for r in by_head[300] for c in _children_of(r)}


def test_split_lines_respects_the_length_and_the_button_limits() -> None:
    lines = ["x" * 99] * 10  # 100 characters each with its newline
    assert svc.split_lines(lines, overhead=1) == [(0, 10)]
    # 1 + 99 * 3 + 2 newlines = 300: exactly fits; the fourth line starts a new part.
    assert svc.split_lines(lines, overhead=1, limit=300) == [(0, 3), (3, 6), (6, 9), (9, 10)]
    assert svc.split_lines(lines, overhead=1, limit=299) == [(0, 2), (2, 4), (4, 6), (6, 8), (8, 10)]
    # At most MAX_BUTTONS lines (one button each) a part, however short the lines.
    assert svc.split_lines(["y"] * 120, overhead=10) == [(0, 50), (50, 100), (100, 120)]
    assert svc.split_lines(["y"] * 7, overhead=10, max_lines=3) == [(0, 3), (3, 6), (6, 7)]
    # A line longer than the limit on its own still gets a part (never an empty one).
    assert svc.split_lines(["z" * 50, "w" * 10], overhead=5, limit=20) == [(0, 1), (1, 2)]
    # Telegram counts UTF-16 code units: an emoji beyond the BMP is two.
    assert svc.text_length("🚨家") == 3
    assert svc.split_lines(["🚨" * 5, "🚨" * 5], overhead=0, limit=20) == [(0, 1), (1, 2)]
