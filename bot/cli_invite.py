"""`python -m bot invite …` — one-time deep links for admins, teachers, guardians, bureau.

The link needs the bot's username. It is taken from --bot-username, else asked from
Telegram (getMe) when BOT_TOKEN is set and Telegram is reachable. The `/start <token>`
line is printed either way: typed to the bot, it works exactly like the link.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from db.models import InviteRole, School
from db.repositories import people as people_repo
from db.repositories import schools as schools_repo
from locales import Translate, get_translator
from services import invites
from services.clock import SystemClock


class CliError(Exception):
    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def _t() -> Translate:
    from bot.cli import cli_language

    return get_translator().bind(cli_language())


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    t = _t()
    invite = commands.add_parser(
        "invite", help=t("cli-invite-help"), description=t("cli-invite-description"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    kinds = invite.add_subparsers(dest="invite_command", metavar="KIND", required=True)

    def link_options(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--bot-username", help=t("cli-invite-opt-bot-username"))
        parser.add_argument("--days", type=int, help=t("cli-invite-opt-days"))

    admin = kinds.add_parser("admin", help=t("cli-invite-admin-help"))
    admin.add_argument("--school", required=True, help=t("cli-invite-opt-school"))
    admin.add_argument("--county", help=t("cli-invite-opt-county-create"))
    link_options(admin)
    admin.set_defaults(handler=_sync(_invite_admin))

    teacher = kinds.add_parser("teacher", help=t("cli-invite-teacher-help"))
    teacher.add_argument("--school", required=True, help=t("cli-invite-opt-school"))
    teacher.add_argument("--county", help=t("cli-invite-opt-county"))
    teacher.add_argument("--grade", type=int, help=t("cli-invite-opt-grade"))
    teacher.add_argument("--class", dest="class_name", help=t("cli-invite-opt-class"))
    teacher.add_argument("--head-teacher", action="store_true", help=t("post-head-teacher"))
    teacher.add_argument("--subject-teacher", action="store_true", help=t("post-subject-teacher"))
    teacher.add_argument("--mentor", action="store_true", help=t("post-mentor"))
    teacher.add_argument("--counsellor", action="store_true", help=t("post-counsellor"))
    link_options(teacher)
    teacher.set_defaults(handler=_sync(_invite_teacher))

    guardian = kinds.add_parser("guardian", help=t("cli-invite-guardian-help"))
    guardian.add_argument("--student-number", required=True, help=t("cli-invite-opt-student-number"))
    guardian.add_argument("--relation", help=t("cli-invite-opt-relation"))
    guardian.add_argument("--phone", help=t("cli-invite-opt-phone"))
    link_options(guardian)
    guardian.set_defaults(handler=_sync(_invite_guardian))

    bureau = kinds.add_parser("bureau", help=t("cli-invite-bureau-help"))
    bureau.add_argument("--county", required=True, help=t("cli-invite-opt-county-create"))
    link_options(bureau)
    bureau.set_defaults(handler=_sync(_invite_bureau))

    revoke = kinds.add_parser("revoke", help=t("cli-invite-revoke-help"))
    revoke.add_argument("invite", metavar="TOKEN_OR_ID", help=t("cli-invite-opt-token-or-id"))
    revoke.set_defaults(handler=_sync(_revoke))

    listing = kinds.add_parser("list", help=t("cli-invite-list-help"))
    listing.add_argument("--school", help=t("cli-invite-opt-school"))
    listing.add_argument("--county", help=t("cli-invite-opt-county"))
    listing.set_defaults(handler=_sync(_list))


Job = Callable[[argparse.Namespace, Settings, AsyncSession, Translate], Awaitable[list[str]]]


def _sync(job: Job) -> Callable[[argparse.Namespace, Settings], int]:
    def handler(args: argparse.Namespace, settings: Settings) -> int:
        from db.migrate import upgrade

        upgrade(settings.database_url)
        t = _t()
        try:
            lines = asyncio.run(_in_session(job, args, settings, t))
        except CliError as exc:
            sys.stderr.write(t(exc.key, **exc.params) + "\n")
            return 1
        except invites.InviteError as exc:
            sys.stderr.write(t(exc.key) + "\n")
            return 1
        sys.stdout.write("\n".join(lines) + "\n")
        return 0

    return handler


async def _in_session(job: Job, args: argparse.Namespace, settings: Settings, t: Translate) -> list[str]:
    from db.engine import create_engine, create_session_pool

    engine = create_engine(settings.database_url)
    try:
        async with create_session_pool(engine)() as session:
            lines = await job(args, settings, session, t)
            await session.commit()
            if getattr(args, "_issued", None) is not None:
                lines += await _link_lines(args, settings, t)
            return lines
    finally:
        await engine.dispose()


async def _bot_username(args: argparse.Namespace, settings: Settings) -> str | None:
    if getattr(args, "bot_username", None):
        return str(args.bot_username).lstrip("@")
    if settings.bot_token is None or not settings.bot_token.get_secret_value().strip():
        return None
    from bot.factory import create_bot

    bot = create_bot(settings)
    try:
        me = await asyncio.wait_for(bot.me(), timeout=10)
        return me.username
    except Exception:  # offline is fine: the /start line still works
        return None
    finally:
        await bot.session.close()


async def _link_lines(args: argparse.Namespace, settings: Settings, t: Translate) -> list[str]:
    issued: invites.IssuedInvite = args._issued
    username = await _bot_username(args, settings)
    expires = issued.expires_at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
    lines = [t("cli-invite-created", id=issued.id, role=issued.role, expires=expires)]
    if username:
        lines.append(t("cli-invite-link", link=issued.link(username)))
    else:
        lines.append(t("cli-invite-no-username"))
    lines.append(t("cli-invite-start-line", command=f"/start {issued.token}"))
    lines.append(t("cli-invite-once"))
    return lines


def _days(args: argparse.Namespace, settings: Settings) -> int:
    days = args.days if args.days is not None else settings.invite_ttl_days
    if not 1 <= days <= 90:
        raise CliError("cli-invite-bad-days")
    return days


async def _find_school(
    session: AsyncSession, name: str, county: str | None, *, create: bool, settings: Settings
) -> School:
    now = SystemClock().now()
    county_id = None
    if county:
        found_county = await schools_repo.county_by_name(session, county)
        if found_county is None and not create:
            raise CliError("cli-invite-no-county", county=county)
        if found_county is None:
            found_county = await schools_repo.get_or_create_county(session, county, now)
        county_id = found_county.id
    schools = await schools_repo.schools_named(session, name, county_id)
    if len(schools) == 1:
        return schools[0]
    if len(schools) > 1:
        raise CliError("cli-invite-school-ambiguous", school=name)
    if not create:
        raise CliError("cli-invite-no-school", school=name)
    if county_id is None:
        raise CliError("cli-invite-need-county", school=name)
    return await schools_repo.create_school(session, name, county_id, now, settings.school_timezone)


async def _invite_admin(args: argparse.Namespace, settings: Settings, session: AsyncSession, t: Translate) -> list[str]:
    school = await _find_school(session, args.school, args.county, create=True, settings=settings)
    args._issued = await invites.create_invite(
        session, SystemClock(), InviteRole.SCHOOL_ADMIN, school_id=school.id,
        ttl_days=_days(args, settings),
    )
    return [t("cli-invite-for-school", school=school.name)]


async def _invite_teacher(args: argparse.Namespace, settings: Settings, session: AsyncSession, t: Translate) -> list[str]:
    school = await _find_school(session, args.school, args.county, create=False, settings=settings)
    posts = {
        post for post, flag in (
            ("head_teacher", args.head_teacher), ("subject_teacher", args.subject_teacher),
            ("mentor", args.mentor), ("counsellor", args.counsellor),
        ) if flag
    }
    class_id = None
    if (args.grade is None) != (args.class_name is None):
        raise CliError("cli-invite-grade-and-class")
    if args.grade is not None:
        school_class = await schools_repo.get_or_create_class(
            session, school.id, args.grade, args.class_name, SystemClock().now()
        )
        class_id = school_class.id
    elif "head_teacher" in posts:
        raise CliError("cli-invite-head-needs-class")
    args._issued = await invites.create_invite(
        session, SystemClock(), InviteRole.TEACHER, school_id=school.id, class_id=class_id,
        posts=posts, ttl_days=_days(args, settings),
    )
    return [t("cli-invite-for-school", school=school.name)]


async def _invite_guardian(args: argparse.Namespace, settings: Settings, session: AsyncSession, t: Translate) -> list[str]:
    from services.phones import InvalidPhone, normalize_phone

    student = await schools_repo.student_by_number(session, args.student_number.strip())
    if student is None:
        raise CliError("cli-invite-no-student", number=args.student_number)
    person_id = None
    if args.phone:
        try:
            person = await people_repo.by_phone(session, normalize_phone(args.phone))
        except InvalidPhone:
            person = None
        if person is None:
            raise CliError("invite-error-no-guardian")
        person_id = person.id
    args._issued = await invites.create_guardian_invite(
        session, SystemClock(), None, student.id, relation=args.relation, person_id=person_id,
        ttl_days=_days(args, settings),
    )
    return [t("cli-invite-for-student", number=student.student_number)]


async def _invite_bureau(args: argparse.Namespace, settings: Settings, session: AsyncSession, t: Translate) -> list[str]:
    county = await schools_repo.get_or_create_county(session, args.county, SystemClock().now())
    args._issued = await invites.create_invite(
        session, SystemClock(), InviteRole.BUREAU_OFFICER, county_id=county.id,
        ttl_days=_days(args, settings),
    )
    return [t("cli-invite-for-county", county=county.name)]


async def _revoke(args: argparse.Namespace, settings: Settings, session: AsyncSession, t: Translate) -> list[str]:
    value = args.invite.strip()
    if value.isdigit() and len(value) <= 12:
        status = await invites.revoke(session, SystemClock(), invite_id=int(value))
    else:
        status = await invites.revoke(session, SystemClock(), token=value)
    if status is None:
        raise CliError("cli-invite-not-found")
    if status is not invites.Status.REVOKED:
        raise CliError("cli-invite-cannot-revoke", status=t(f"cli-invite-status-{status.value}"))
    return [t("cli-invite-revoked")]


async def _list(args: argparse.Namespace, settings: Settings, session: AsyncSession, t: Translate) -> list[str]:
    if args.school:
        school = await _find_school(session, args.school, args.county, create=False, settings=settings)
        rows = await invites.list_invites(session, SystemClock(), school_id=school.id)
    elif args.county:
        county = await schools_repo.county_by_name(session, args.county)
        if county is None:
            raise CliError("cli-invite-no-county", county=args.county)
        rows = await invites.list_invites(session, SystemClock(), county_id=county.id)
    else:
        raise CliError("cli-invite-list-needs-place")
    if not rows:
        return [t("cli-invite-list-empty")]
    lines = [t("cli-invite-list-header")]
    for row in rows:
        lines.append(
            t(
                "cli-invite-list-row", id=row.id, role=row.role, posts=row.posts or "-",
                status=t(f"cli-invite-status-{row.status.value}"),
                created=row.created_at.astimezone(settings.tz).strftime("%Y-%m-%d"),
                expires=row.expires_at.astimezone(settings.tz).strftime("%Y-%m-%d"),
            )
        )
    return lines
