"""心理健康 notes: a counsellor or school admin types a student's name, picks the student,
reads the notes (newest first) and writes a new one. services.counselling checks every
step again: nobody else reaches a note, whatever button they send."""

from __future__ import annotations

from typing import Any

from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, StartMode, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import ScrollingGroup, Start, SwitchTo
from aiogram_dialog.widgets.text import Format
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.common import choices, tap_hint
from dialogs.states import Counselling, MainMenu
from dialogs.widgets import T
from locales import Translate
from services import audit
from services import counselling as service
from services.access import Actor
from services.visits import CareError

ID_STUDENT = "student"
ID_STUDENTS_PAGE = "students_page"
ID_WRITE = "write"
ID_BACK = "back"
ID_MENU = "menu"
ID_CANCEL = "cancel"

SEARCH = "search"
STUDENT_ID = "student_id"
SAVED = "saved"
NOTES_SHOWN = 10


def _deps(manager: DialogManager) -> tuple[AsyncSession, Actor, Translate]:
    data = manager.middleware_data
    return data["session"], data["actor"], data["t"]


async def get_search(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, t = _deps(dialog_manager)
    search = dialog_manager.dialog_data.get(SEARCH) or ""
    found = await service.search_students(session, actor, search) if search else []
    students = []
    for s in found:
        label = s.name
        if s.grade is not None and s.class_name is not None:
            label = t("care-student-label", name=s.name,
                      class_label=t("menu-class-label", grade=s.grade, class_name=s.class_name))
        students.append({"id": s.id, "label": label})
    return {"students": students, "asked": not search, "none": bool(search) and not found, "search": search}


async def on_search(message: Message, _widget: Any, manager: DialogManager) -> None:
    manager.dialog_data[SEARCH] = (message.text or "").strip()[:50]
    manager.show_mode = ShowMode.DELETE_AND_SEND


async def on_student(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    session, actor, t = _deps(manager)
    student = await service.student_for_counselling(session, actor, int(item_id)) if item_id.isdigit() else None
    if student is None:
        await callback.answer(t("counselling-not-allowed"), show_alert=True)
        return
    manager.dialog_data[STUDENT_ID] = student.id
    await manager.switch_to(Counselling.notes)


async def get_notes(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, t = _deps(dialog_manager)
    saved = dialog_manager.dialog_data.pop(SAVED, "")
    student_id = dialog_manager.dialog_data.get(STUDENT_ID)
    student = (
        await service.student_for_counselling(session, actor, student_id) if isinstance(student_id, int) else None
    )
    if student is None:
        return {"body": t("counselling-not-allowed"), "allowed": False, "saved": "", "has_saved": False}
    notes = await service.read_notes(session, actor, student.id)
    await audit.record_read_once(
        session, dialog_manager.middleware_data["clock"], actor, audit.COUNSELLING_NOTES, student.id,
        dialog_manager.dialog_data,
    )
    lines = [t("counselling-title", name=student.name)]
    lines.extend(t("counselling-note-line", date=n.written_on.isoformat(), by=n.by, text=n.text)
                 for n in notes[:NOTES_SHOWN])
    if not notes:
        lines.append(t("counselling-none"))
    return {"body": "\n".join(lines), "allowed": True, "saved": saved, "has_saved": bool(saved)}


async def on_note(message: Message, _widget: Any, manager: DialogManager) -> None:
    session, actor, t = _deps(manager)
    student_id = manager.dialog_data.get(STUDENT_ID)
    if not isinstance(student_id, int):
        await message.answer(t("care-stale-button"))
        await manager.switch_to(Counselling.search)
        return
    try:
        await service.write_note(session, manager.middleware_data["clock"], actor, student_id, message.text)
    except CareError as exc:
        await message.answer(t(exc.key, **exc.params))
        return
    manager.dialog_data[SAVED] = t("counselling-saved")
    manager.show_mode = ShowMode.DELETE_AND_SEND
    await manager.switch_to(Counselling.notes)


async def on_note_other(message: Message, _widget: Any, manager: DialogManager) -> None:
    await message.answer(manager.middleware_data["t"]("counselling-type-text"))


dialog = Dialog(
    Window(
        T("counselling-ask-name", when="asked"),
        T("counselling-pick", when="students"),
        T("counselling-search-none", when="none"),
        ScrollingGroup(
            choices(ID_STUDENT, "students", on_student),
            id=ID_STUDENTS_PAGE, width=2, height=8, hide_on_single_page=True,
        ),
        Start(T("care-button-menu"), id=ID_MENU, state=MainMenu.main, mode=StartMode.RESET_STACK),
        MessageInput(on_search, content_types=ContentType.TEXT),
        tap_hint(),
        state=Counselling.search,
        getter=get_search,
    ),
    Window(
        Format("{saved}\n", when="has_saved"),
        Format("{body}"),
        SwitchTo(T("counselling-button-write"), id=ID_WRITE, state=Counselling.write, when="allowed"),
        SwitchTo(T("care-button-back"), id=ID_BACK, state=Counselling.search),
        tap_hint(),
        state=Counselling.notes,
        getter=get_notes,
    ),
    Window(
        T("counselling-ask-text"),
        MessageInput(on_note, content_types=ContentType.TEXT),
        MessageInput(on_note_other),
        SwitchTo(T("care-button-cancel"), id=ID_CANCEL, state=Counselling.notes),
        state=Counselling.write,
    ),
    name="counselling",
)


def may_counsel(data: dict[str, Any], _widget: Any, manager: DialogManager) -> bool:
    """For the main menu's button: counsellors and school admins."""
    actor = manager.middleware_data.get("actor")
    return isinstance(actor, Actor) and service.may_counsel(actor)


__all__ = ["dialog", "may_counsel"]
