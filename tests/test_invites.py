"""Invite links: created hashed, single-use, expiring, revocable; redeemed through /start."""

from __future__ import annotations

import asyncio
import hashlib
import re
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import ClassTeacher, Invite, InviteRole, Person, SchoolClass, Staff, StudentGuardian
from services import invites
from services.clock import FakeClock
from services.onboarding import TelegramAccount
from tests.support.chat import ChatDriver
from tests.support.factory import Factory

TOKEN_IN_LINK = re.compile(r"https://t\.me/jiaxiao_test_bot\?start=([A-Za-z0-9_-]+)")


def account(user_id: int, name: str = "李老师") -> TelegramAccount:
    return TelegramAccount(user_id=user_id, chat_id=user_id, first_name=name, language="zh_Hans")


async def count(session: AsyncSession, model: type) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


# --- the service ---------------------------------------------------------------------------


async def test_token_fits_a_deep_link_and_only_its_hash_is_stored(
    session: AsyncSession, clock: FakeClock, factory: Factory
) -> None:
    school = await factory.school()
    issued = await invites.create_invite(session, clock, InviteRole.SCHOOL_ADMIN, school_id=school.id)
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", issued.token)
    assert len(issued.token) >= 32
    row = await session.get(Invite, issued.id)
    assert row is not None
    assert row.token_hash == hashlib.sha256(issued.token.encode()).hexdigest()
    assert issued.token not in {row.token_hash, row.note, row.posts}
    assert row.expires_at - row.created_at == timedelta(days=7)
    assert issued.link("jiaxiao_bot") == f"https://t.me/jiaxiao_bot?start={issued.token}"


async def test_each_invite_is_used_once(session: AsyncSession, clock: FakeClock, factory: Factory) -> None:
    school = await factory.school()
    issued = await invites.create_invite(session, clock, "school_admin", school_id=school.id)
    first = await invites.redeem(session, clock, issued.token, account(11))
    again = await invites.redeem(session, clock, issued.token, account(11))
    other = await invites.redeem(session, clock, issued.token, account(12))
    assert first.outcome is invites.Outcome.OK
    assert again.outcome is invites.Outcome.ALREADY_JOINED
    assert other.outcome is invites.Outcome.USED
    assert await count(session, Staff) == 1


async def test_two_simultaneous_taps_cannot_both_redeem(
    session_pool: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with session_pool() as session:
        school = await Factory(session, clock).school()
        issued = await invites.create_invite(session, clock, "teacher", school_id=school.id)
        await session.commit()

    async def tap(user_id: int) -> invites.Outcome:
        async with session_pool() as session:
            result = await invites.redeem(session, clock, issued.token, account(user_id))
            await session.commit()
            return result.outcome

    outcomes = await asyncio.gather(tap(21), tap(22), tap(23))
    assert sorted(outcomes) == sorted([invites.Outcome.OK, invites.Outcome.USED, invites.Outcome.USED])
    async with session_pool() as session:
        assert await count(session, Staff) == 1
        assert await count(session, Person) == 1


async def test_expired_revoked_and_forged_write_nothing(
    session: AsyncSession, clock: FakeClock, factory: Factory
) -> None:
    school = await factory.school()
    old = await invites.create_invite(session, clock, "teacher", school_id=school.id, ttl_days=1)
    cancelled = await invites.create_invite(session, clock, "teacher", school_id=school.id)
    assert await invites.revoke(session, clock, token=cancelled.token) is invites.Status.REVOKED
    clock.advance(days=1, seconds=1)
    assert (await invites.redeem(session, clock, old.token, account(31))).outcome is invites.Outcome.EXPIRED
    assert (await invites.redeem(session, clock, cancelled.token, account(31))).outcome is invites.Outcome.REVOKED
    for forged in ["A" * 32, "x", "", "../../etc", "a" * 65, old.token[:-1] + "_"]:
        assert (await invites.redeem(session, clock, forged, account(31))).outcome is invites.Outcome.UNKNOWN
    assert await count(session, Person) == 0
    assert await count(session, Staff) == 0
    assert await invites.revoke(session, clock, invite_id=old.id) is invites.Status.EXPIRED
    assert await invites.revoke(session, clock, invite_id=9999) is None


async def test_teacher_invite_with_class_makes_head_teacher_and_subject_teacher(
    session: AsyncSession, clock: FakeClock, factory: Factory
) -> None:
    school = await factory.school()
    school_class = await factory.school_class(school)
    issued = await invites.create_invite(
        session, clock, "teacher", school_id=school.id, class_id=school_class.id,
        posts={"head_teacher", "subject_teacher"},
    )
    result = await invites.redeem(session, clock, issued.token, account(41))
    staff = await session.scalar(select(Staff).where(Staff.person_id == result.person_id))
    assert staff is not None and staff.is_head_teacher and staff.is_subject_teacher
    assert not staff.is_school_admin
    await session.refresh(school_class)
    assert school_class.head_teacher_id == staff.id
    assert await session.scalar(select(ClassTeacher.staff_id)) == staff.id


async def test_list_shows_status_never_the_token(
    session: AsyncSession, clock: FakeClock, factory: Factory
) -> None:
    school = await factory.school()
    used = await invites.create_invite(session, clock, "teacher", school_id=school.id)
    await invites.create_invite(session, clock, "teacher", school_id=school.id)
    await invites.redeem(session, clock, used.token, account(51))
    rows = await invites.list_invites(session, clock, school_id=school.id)
    assert [r.status for r in rows] == [invites.Status.USED, invites.Status.OPEN]
    assert used.token not in repr(rows)


async def test_teacher_invites_only_for_own_school(
    session: AsyncSession, clock: FakeClock, factory: Factory
) -> None:
    from services.access import load_actor

    mine, theirs = await factory.school("一小"), await factory.school("二小")
    admin = await factory.person("校长", telegram_user_id=61)
    await factory.staff(admin, mine, is_school_admin=True)
    actor = await load_actor(session, 61)
    await invites.create_teacher_invite(session, clock, actor, mine.id, frozenset({"mentor"}))
    try:
        await invites.create_teacher_invite(session, clock, actor, theirs.id, frozenset({"mentor"}))
    except invites.NotAllowed:
        pass
    else:
        raise AssertionError("an admin invited a teacher into another school")


# --- through the bot --------------------------------------------------------------------------


async def test_admin_joins_by_invite_then_invites_a_teacher_who_joins(
    tg: ChatDriver, session: AsyncSession, clock: FakeClock, factory: Factory, bot
) -> None:
    school = await factory.school("阳光小学")
    issued = await invites.create_invite(session, clock, "school_admin", school_id=school.id)
    await session.commit()

    principal = tg.user(1001, language="zh-hans", first_name="张校长")
    replies = await tg.send(principal, f"/start {issued.token}")
    assert "管理员" in replies.text and "阳光小学" in replies.text
    assert {"➕ 邀请老师", "📄 上传花名册"} <= set(replies.buttons())

    await tg.tap(principal, "邀请老师")
    replies = await tg.tap(principal, "班主任")
    match = TOKEN_IN_LINK.search(replies.text)
    assert match, replies.text
    token = match.group(1)
    assert "再邀请一位" in " ".join(replies.buttons())

    teacher = tg.user(1002, language="en", first_name="Li")
    replies = await tg.send(teacher, f"/start {token}")
    assert "Welcome to 阳光小学" in replies.text
    assert "📋 My class" in replies.buttons()
    staff = await session.scalar(
        select(Staff).join(Person).where(Person.telegram_user_id == 1002)
    )
    assert staff is not None and staff.is_head_teacher and staff.school_id == school.id
    assert not staff.is_school_admin

    # The principal's link was for one use only.
    replies = await tg.send(tg.user(1003, language="en"), f"/start {token}")
    assert "already been used" in replies.text


async def test_bad_invites_get_a_plain_explanation_and_change_nothing(
    tg: ChatDriver, session: AsyncSession, clock: FakeClock, factory: Factory
) -> None:
    school = await factory.school()
    expired = await invites.create_invite(session, clock, "teacher", school_id=school.id, ttl_days=1)
    revoked = await invites.create_invite(session, clock, "teacher", school_id=school.id)
    await invites.revoke(session, clock, invite_id=revoked.id)
    await session.commit()
    clock.advance(days=2)
    user = tg.user(1101, language="zh-hans")
    assert "过期" in (await tg.send(user, f"/start {expired.token}")).text
    assert "作废" in (await tg.send(user, f"/start {revoked.token}")).text
    assert "不对" in (await tg.send(user, "/start NotARealTokenButLooksLikeOne_1234")).text
    assert "不对" in (await tg.send(user, "/start <script>")).text
    english = tg.user(1102, language="en")
    assert "ask your school for a new link" in (await tg.send(english, f"/start {expired.token}")).text
    session.expire_all()
    assert await count(session, Person) == 0
    assert await count(session, Staff) == 0


async def test_a_teacher_who_is_also_a_grandmother_gains_the_guardian_role(
    tg: ChatDriver, session: AsyncSession, clock: FakeClock, factory: Factory
) -> None:
    school = await factory.school()
    school_class = await factory.school_class(school)
    grandchild = await factory.student(school, school_class, name="小红")
    teacher_invite = await invites.create_invite(session, clock, "teacher", school_id=school.id)
    guardian_invite = await invites.create_guardian_invite(
        session, clock, None, grandchild.id, relation="grandmother"
    )
    await session.commit()
    user = tg.user(1201, language="zh-hans", first_name="刘老师")
    await tg.send(user, f"/start {teacher_invite.token}")
    replies = await tg.send(user, f"/start {guardian_invite.token}")
    assert "小红" in replies.text
    assert {"👧 我的孩子", "📋 我的学生"} <= set(replies.buttons())
    session.expire_all()
    assert await count(session, Person) == 1
    link = await session.scalar(select(StudentGuardian))
    assert link is not None and link.relation == "grandmother"


async def test_guardian_invite_attaches_the_roster_guardian(
    tg: ChatDriver, session: AsyncSession, clock: FakeClock, factory: Factory
) -> None:
    """Grandma's Telegram number is not the roster's; the head teacher's link still joins her
    to the roster record, so her other grandchild comes with it and no twin is created."""
    school = await factory.school()
    school_class = await factory.school_class(school)
    head_person = await factory.person("班主任", telegram_user_id=1301)
    head = await factory.staff(head_person, school, is_head_teacher=True)
    school_class.head_teacher_id = head.id
    a = await factory.student(school, school_class, name="小明")
    b = await factory.student(school, school_class, name="小亮")
    granny = await factory.person("王奶奶", phone="+8613800138000")
    await factory.guardian_of(a, granny)
    await factory.guardian_of(b, granny)
    await session.flush()
    from services.access import load_actor

    actor = await load_actor(session, 1301)
    issued = await invites.create_guardian_invite(session, clock, actor, a.id, person_id=granny.id)
    await session.commit()

    replies = await tg.send(tg.user(1302, language="zh-hans"), f"/start {issued.token}")
    assert "小明" in replies.text
    await session.refresh(granny)
    assert granny.telegram_user_id == 1302
    replies = await tg.tap(tg.user(1302), "我的孩子")
    assert "小明" in replies.text and "小亮" in replies.text
    assert await count(session, Person) == 2


async def test_cli_invite_admin_prints_a_link_that_works(
    tg: ChatDriver, settings, session: AsyncSession, monkeypatch, capsys, tmp_path
) -> None:
    from bot.cli import main

    monkeypatch.chdir(tmp_path)  # no stray .env with a real token
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("DEFAULT_LANGUAGE", "en")
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    argv = ["invite", "admin", "--school", "Hope School", "--county", "Qingshui", "--bot-username", "jiaxiao_test_bot"]
    assert await asyncio.to_thread(main, argv) == 0
    out = capsys.readouterr().out
    token = TOKEN_IN_LINK.search(out).group(1)  # type: ignore[union-attr]
    assert f"/start {token}" in out
    replies = await tg.send(tg.user(1401, language="en"), f"/start {token}")
    assert "admin of Hope School" in replies.text

    assert await asyncio.to_thread(main, ["invite", "list", "--school", "Hope School"]) == 0
    listing = capsys.readouterr().out
    assert "used" in listing and token not in listing

    assert await asyncio.to_thread(main, ["invite", "teacher", "--school", "Hope School", "--grade", "3", "--class", "Class 1", "--head-teacher"]) == 0
    out = capsys.readouterr().out
    assert "Could not ask Telegram" in out
    second = re.search(r"/start ([A-Za-z0-9_-]+)", out).group(1)  # type: ignore[union-attr]
    assert await asyncio.to_thread(main, ["invite", "revoke", second]) == 0
    replies = await tg.send(tg.user(1402, language="en"), f"/start {second}")
    assert "cancelled" in replies.text

    assert await asyncio.to_thread(main, ["invite", "teacher", "--school", "Nowhere"]) == 1
    assert "No school named" in capsys.readouterr().err
    school_class = await session.scalar(select(SchoolClass))
    assert school_class is not None and school_class.grade == 3


def test_tokens_never_start_with_a_dash() -> None:
    """`python -m bot invite revoke -abc…` would be read as an option."""
    assert all(invites.new_token()[0].isalnum() for _ in range(2000))


async def test_head_teacher_invites_a_guardian_from_the_menu(
    tg: ChatDriver, session: AsyncSession, factory: Factory
) -> None:
    """The grandmother whose number did not match: her grandson's head teacher picks the
    child and the roster guardian in the bot, forwards the link, and she joins with it.
    Another class's children are not offered, and a forged tap for one is refused."""
    school = await factory.school()
    head = await factory.staff(await factory.person("班主任", telegram_user_id=1401), school, is_head_teacher=True)
    mine = await factory.school_class(school, grade=3, name="1班", head_teacher=head)
    other = await factory.school_class(school, grade=4, name="2班")
    xiaoming = await factory.student(school, mine, name="小明")
    stranger_child = await factory.student(school, other, name="小军")
    granny = await factory.person("王奶奶", phone="+8613800138000")
    await factory.guardian_of(xiaoming, granny)
    await factory.guardian_of(stranger_child, await factory.person("郑爷爷"))
    await session.commit()

    teacher = tg.user(1401, language="zh-hans")
    await tg.send(teacher, "/start")
    replies = await tg.tap(teacher, "邀请家长加入")
    assert "小明（3年级1班）" in replies.buttons()
    assert not any("小军" in b for b in replies.buttons())

    # A forged tap on the other class's child: refused, their guardians not shown.
    message, data = tg.last_bot_message_with(teacher, "小明")
    # Only the item id at the end: the intent id before it may contain the same digits.
    prefix, item = data.rsplit(":", 1)
    assert item == str(xiaoming.id)
    forged = await tg.press(teacher, f"{prefix}:{stranger_child.id}", message)
    assert "不能邀请" in forged.text and "郑爷爷" not in " ".join(forged.texts)

    replies = await tg.tap(teacher, "小明")
    assert "王奶奶" in replies.buttons() and "➕ 名单上没有的新监护人" in replies.buttons()
    replies = await tg.tap(teacher, "王奶奶")
    [link] = [TOKEN_IN_LINK.search(text) for text in replies.texts if TOKEN_IN_LINK.search(text)]
    assert await count(session, Invite) == 1

    joined = await tg.send(tg.user(1402, language="zh-hans"), f"/start {link.group(1)}")
    assert "小明" in joined.text
    await session.refresh(granny)
    assert granny.telegram_user_id == 1402
