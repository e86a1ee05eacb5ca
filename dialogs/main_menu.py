"""The menu each role sees after /start: only what that role can do.

Newcomers get no inline menu from /start but one big reply-keyboard button that shares
their phone number (Telegram's contact button), plus the language switch; see
`newcomer_keyboard`. The window below still greets them if a stale button lands here.
"""

from __future__ import annotations

from typing import Any

from aiogram.types import KeyboardButton, ReplyKeyboardMarkup
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.kbd import Button, Start, SwitchTo
from sqlalchemy.ext.asyncio import AsyncSession

from db.repositories import people as people_repo
from db.repositories import schools as schools_repo
from dialogs import attendance as attendance_dialog
from dialogs import calendar as calendar_dialog
from dialogs import returns as returns_dialog
from dialogs.census import may_open_census
from dialogs.checkin import may_open_checkins
from dialogs.common import VisibleOnly, tap_hint
from dialogs.contacts import may_open_parent_contacts
from dialogs.counselling import may_counsel
from dialogs.dropout import may_open_dropout
from dialogs.home_visit import may_log_visits
from dialogs.incident import may_use_incidents
from dialogs.ledger import may_open_ledger
from dialogs.mentoring import may_use_mentoring
from dialogs.states import (
    AbsenceReport,
    Announce,
    Checkin,
    Counselling,
    Dropout,
    HomeVisitLog,
    Incidents,
    InviteGuardian,
    InviteTeacher,
    Language,
    Ledger,
    MainMenu,
    Mentoring,
    MonthlyContact,
    ParentContact,
    Roster,
    StatusChange,
)
from dialogs.states import Census as CensusStates
from dialogs.student_status import may_manage_status
from dialogs.widgets import T
from locales import Translate
from services.access import Actor, teaching_scope, visible_students
from services.announcements import may_announce

# A class list longer than this is cut (one Telegram message holds ~4,000 characters).
MAX_LISTED = 120

ID_CHILDREN = "children"
ID_ABSENCE = "absence"
ID_CLASS = "class"
ID_INVITE = "invite_teacher"
ID_ROSTER = "roster"
ID_ANNOUNCE = "announce"
ID_INVITE_GUARDIAN = "invite_guardian"
ID_SCHOOLS = "schools"
ID_LANGUAGE = "language"
ID_BACK = "back"


def newcomer_keyboard(t: Translate) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=t("onboarding-share-phone"), request_contact=True)],
            [KeyboardButton(text=t("language-button"))],
        ],
        resize_keyboard=True,
        is_persistent=True,
    )


def _data(manager: DialogManager) -> tuple[Actor, AsyncSession, Translate]:
    data = manager.middleware_data
    return data["actor"], data["session"], data["t"]


async def get_menu(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    actor: Actor = dialog_manager.middleware_data["actor"]
    return {
        "name": actor.name or "",
        "is_newcomer": not actor.is_known,
        "is_known": actor.is_known,
        "is_guardian": actor.is_guardian,
        "is_teacher": actor.is_teacher,
        "is_admin": actor.is_school_admin,
        "is_bureau": actor.is_bureau_officer,
        "can_announce": may_announce(actor),
        # Head teachers and admins: the same people who may announce.
        "can_invite_guardians": may_announce(actor),
    }


def _class_label(t: Translate, grade: int | None, class_name: str | None) -> str:
    if grade is None or class_name is None:
        return t("menu-no-class")
    return t("menu-class-label", grade=grade, class_name=class_name)


async def get_children(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    actor, session, t = _data(dialog_manager)
    rows = await people_repo.children_of(session, actor.person_id) if actor.person_id else []
    lines = [
        t("menu-child-line", name=r.name, school=r.school, class_label=_class_label(t, r.grade, r.class_name))
        for r in rows
    ]
    return {"lines": "\n".join(lines), "count": len(lines), "has_none": not lines}


async def get_students(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    actor, session, t = _data(dialog_manager)
    rows, total = await schools_repo.students_where(
        session, visible_students(teaching_scope(actor)), MAX_LISTED
    )
    lines = [
        t("menu-student-line", name=r.name, class_label=_class_label(t, r.grade, r.class_name))
        for r in rows
    ]
    if total > len(rows):
        lines.append(t("menu-list-more", count=total - len(rows)))
    return {"lines": "\n".join(lines), "count": total, "has_none": total == 0}


async def get_schools(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    actor, session, t = _data(dialog_manager)
    rows = await schools_repo.schools_with_counts(session, actor.bureau_county_ids)
    lines = [t("menu-school-line", name=r.name, count=r.students) for r in rows]
    return {"lines": "\n".join(lines), "count": len(rows), "has_none": not rows}


def _list_window(state: Any, title: str, empty: str, getter: Any) -> Window:
    return Window(
        T(title, when="count"),
        T(empty, when="has_none"),
        SwitchTo(T("button-back"), id=ID_BACK, state=MainMenu.main),
        tap_hint(),
        state=state,
        getter=getter,
    )


dialog = Dialog(
    Window(
        T("menu-newcomer", when="is_newcomer"),
        T("menu-known", when="is_known"),
        VisibleOnly(
            SwitchTo(T("menu-children-button"), id=ID_CHILDREN, state=MainMenu.children, when="is_guardian"),
            Start(T("absence-menu-button"), id=ID_ABSENCE, state=AbsenceReport.child, when="is_guardian"),
            Button(T("returns-guardian-menu-button"), id="returns_home", on_click=returns_dialog.on_guardian_menu_button, when="is_guardian"),
            Start(T("contact-menu-button"), id="monthly_contact", state=MonthlyContact.child, when="is_guardian"),
            Button(T("attendance-menu-button"), id="attendance", on_click=attendance_dialog.on_menu_button, when="is_teacher"),
            Button(T("attendance-menu-button"), id="attendance_school", on_click=attendance_dialog.on_menu_button, when=attendance_dialog.admin_only),
            Button(T("returns-menu-button"), id="returns", on_click=returns_dialog.on_menu_button, when="is_teacher"),
            SwitchTo(T("menu-class-button"), id=ID_CLASS, state=MainMenu.students, when="is_teacher"),
            Start(T("menu-invite-teacher-button"), id=ID_INVITE, state=InviteTeacher.choose_role, when="is_admin"),
            Start(T("menu-roster-button"), id=ID_ROSTER, state=Roster.upload, when="is_admin"),
            Button(T("calendar-menu-button"), id="calendar", on_click=calendar_dialog.on_menu_button, when="is_admin"),
            Start(T("announce-menu-button"), id=ID_ANNOUNCE, state=Announce.kind, when="can_announce"),
            Start(
                T("invite-guardian-menu-button"), id=ID_INVITE_GUARDIAN, state=InviteGuardian.student,
                when="can_invite_guardians",
            ),
            SwitchTo(T("menu-schools-button"), id=ID_SCHOOLS, state=MainMenu.schools, when="is_bureau"),
            Start(T("dropout-menu-button"), id="dropout", state=Dropout.cases, when=may_open_dropout),
            Start(T("incident-menu-button"), id="incidents", state=Incidents.incidents, when=may_use_incidents),
            Start(T("pcontact-menu-button"), id="parent_contact", state=ParentContact.pick_student,
                  when=may_open_parent_contacts),
            Start(T("visit-menu-button"), id="home_visit", state=HomeVisitLog.student, when=may_log_visits),
            Start(T("mentor-menu-button"), id="mentoring", state=Mentoring.home, when=may_use_mentoring),
            Start(T("counselling-menu-button"), id="counselling", state=Counselling.search, when=may_counsel),
            Start(T("ledger-menu-button"), id="ledger", state=Ledger.find, when=may_open_ledger),
            Start(T("checkin-menu-button"), id="checkin", state=Checkin.home, when=may_open_checkins),
            Start(T("status-menu-button"), id="student_status", state=StatusChange.menu, when=may_manage_status),
            Start(T("census-menu-button"), id="census", state=CensusStates.classes, when=may_open_census),
            Start(T("language-button"), id=ID_LANGUAGE, state=Language.choose),
            getter=get_menu,
        ),
        tap_hint(),
        state=MainMenu.main,
        getter=get_menu,
    ),
    _list_window(MainMenu.children, "menu-children", "menu-children-none", get_children),
    _list_window(MainMenu.students, "menu-students", "menu-students-none", get_students),
    _list_window(MainMenu.schools, "menu-schools", "menu-schools-none", get_schools),
    name="main_menu",
)
