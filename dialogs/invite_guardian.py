"""A head teacher (their classes) or admin (their school) makes a join link for a guardian.

For the grandmother whose phone number was not the one on the roster: pick the child,
then the guardian on the roster (or "someone new"), and forward the link. As with teacher
invites, the raw link is sent once as its own message and kept nowhere else.
"""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, ShowMode, Window
from aiogram_dialog.widgets.kbd import Cancel, ScrollingGroup, SwitchTo

from bot.settings import Settings
from db.models import Student
from db.repositories import people as people_repo
from db.repositories import schools as schools_repo
from dialogs.common import choices, tap_hint
from dialogs.states import InviteGuardian
from dialogs.widgets import T
from services.access import Actor
from services.invites import (
    InviteError,
    NotAllowed,
    create_guardian_invite,
    guardian_invite_scope,
    may_invite_guardian,
)

ID_STUDENT = "student"
ID_GUARDIAN = "guardian"
ID_ANOTHER = "another"
NEW_GUARDIAN = "new"
STUDENT = "student_id"
# Enough for a whole school; ScrollingGroup pages through it ten at a time.
MAX_STUDENTS = 3000


async def get_students(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    data = dialog_manager.middleware_data
    actor: Actor = data["actor"]
    t = data["t"]
    rows, _total = await schools_repo.students_where(
        data["session"], guardian_invite_scope(actor), MAX_STUDENTS
    )
    items = [
        {
            "id": str(r.student_id),
            "label": r.name if r.grade is None else
            t("invite-guardian-student-label", name=r.name, grade=r.grade, class_name=r.class_name or ""),
        }
        for r in rows
    ]
    return {"students": items, "has_students": bool(items), "no_students": not items}


async def on_student(callback: CallbackQuery, _w: Any, manager: DialogManager, item_id: str) -> None:
    data = manager.middleware_data
    # Button data can be forged: the next screen names the child's guardians, so the
    # child must be one this person may invite for.
    student = await data["session"].get(Student, int(item_id)) if item_id.isdigit() else None
    if student is None or not await may_invite_guardian(data["session"], data["actor"], student):
        await callback.answer(data["t"]("invite-guardian-not-allowed"), show_alert=True)
        return
    manager.dialog_data[STUDENT] = student.id
    await manager.switch_to(InviteGuardian.guardian)


async def get_guardians(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    data = dialog_manager.middleware_data
    t = data["t"]
    student_id = dialog_manager.dialog_data.get(STUDENT)
    guardians = await people_repo.guardians_of_student(data["session"], student_id) if student_id else []
    items = [{"id": str(p.id), "label": p.name} for p in guardians]
    items.append({"id": NEW_GUARDIAN, "label": t("invite-guardian-new")})
    return {"guardians": items}


async def on_guardian(callback: CallbackQuery, _w: Any, manager: DialogManager, item_id: str) -> None:
    data = manager.middleware_data
    actor: Actor = data["actor"]
    settings: Settings = data["settings"]
    t = data["t"]
    person_id = None if item_id == NEW_GUARDIAN else int(item_id)
    try:
        issued = await create_guardian_invite(
            data["session"], data["clock"], actor, int(manager.dialog_data.get(STUDENT, 0)),
            person_id=person_id, ttl_days=settings.invite_ttl_days,
        )
    except NotAllowed:
        await callback.answer(t("invite-guardian-not-allowed"), show_alert=True)
        return
    except InviteError as exc:
        await callback.answer(t(exc.key), show_alert=True)
        return
    me = await callback.bot.me()
    await callback.answer()
    if callback.message is not None:
        await callback.message.answer(
            t("invite-guardian-link", link=issued.link(me.username or ""), days=settings.invite_ttl_days)
        )
    manager.show_mode = ShowMode.DELETE_AND_SEND
    await manager.switch_to(InviteGuardian.show_link)


dialog = Dialog(
    Window(
        T("invite-guardian-choose-student", when="has_students"),
        T("invite-guardian-no-students", when="no_students"),
        ScrollingGroup(
            choices(ID_STUDENT, "students", on_student),
            id="students_page",
            width=2,
            height=8,
            hide_on_single_page=True,
        ),
        Cancel(T("button-back")),
        tap_hint(),
        state=InviteGuardian.student,
        getter=get_students,
    ),
    Window(
        T("invite-guardian-choose-guardian"),
        ScrollingGroup(
            choices(ID_GUARDIAN, "guardians", on_guardian),
            id="guardians_page",
            width=1,
            height=8,
            hide_on_single_page=True,
        ),
        SwitchTo(T("button-back"), id="back", state=InviteGuardian.student),
        tap_hint(),
        state=InviteGuardian.guardian,
        getter=get_guardians,
    ),
    Window(
        T("invite-guardian-sent"),
        SwitchTo(T("invite-guardian-another"), id=ID_ANOTHER, state=InviteGuardian.student),
        Cancel(T("button-menu")),
        tap_hint(),
        state=InviteGuardian.show_link,
    ),
    name="invite_guardian",
)
