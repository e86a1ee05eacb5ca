"""家访 in a few taps: student → date → form → purpose → who was met → what happened
(typed or a voice message) → Save, with a photo or a follow-up date added on the last
screen if wanted.

The student list is the teacher's own students; typing a name searches every student
they may log a visit for. Every tap is checked again by services.visits (buttons can be
forged or stale). The draft lives in dialog data (JSON-safe) and is cleared on Save, so
a second tap on Save records nothing twice; after Save the student list comes back for
the next visit.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, StartMode, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Column, Group, ScrollingGroup, Start
from aiogram_dialog.widgets.text import Format
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import VisitForm, VisitMet, VisitPurpose
from dialogs.common import choices, tap_hint
from dialogs.states import HomeVisitLog, MainMenu
from dialogs.widgets import T
from locales import Translate
from services import visits as service
from services.access import Actor
from services.dropout import DATE_EXAMPLE, parse_day
from services.visits import CareError, VisitDraft

ID_STUDENT = "student"
ID_STUDENTS_PAGE = "students_page"
ID_TODAY = "today"
ID_YESTERDAY = "yesterday"
ID_FORM = "form"
ID_PURPOSE = "purpose"
ID_MET = "met"
ID_WEEK = "week"
ID_NO_FOLLOW_UP = "no_follow_up"
ID_NO_PHOTO = "no_photo"
ID_SAVE = "save"
ID_CANCEL = "cancel"
ID_MENU = "menu"
ID_BACK = "back"

DRAFT = "draft"
SEARCH = "search"
SAVED = "saved"
FOLLOW_UP_DAYS = 7


def _deps(manager: DialogManager) -> tuple[AsyncSession, Actor, Translate]:
    data = manager.middleware_data
    return data["session"], data["actor"], data["t"]


def error_text(t: Translate, exc: CareError) -> str:
    return t(exc.key, **exc.params)


def _draft(manager: DialogManager) -> dict[str, Any] | None:
    draft = manager.dialog_data.get(DRAFT)
    return draft if isinstance(draft, dict) and isinstance(draft.get("student_id"), int) else None


async def _lost(manager: DialogManager, event: CallbackQuery | Message) -> None:
    """The draft is gone (saved already, or a stale screen): back to the student list."""
    t = manager.middleware_data["t"]
    if isinstance(event, CallbackQuery):
        await event.answer(t("care-stale-button"))
    else:
        await event.answer(t("care-stale-button"))
    await manager.switch_to(HomeVisitLog.student)


def _student_label(t: Translate, name: str, grade: int | None, class_name: str | None) -> str:
    if grade is None or class_name is None:
        return name
    return t("care-student-label", name=name, class_label=t("menu-class-label", grade=grade, class_name=class_name))


# -------------------------------------------------------------------- student


async def on_start(start_data: Any, manager: DialogManager) -> None:
    """Started from a follow-up reminder's button: that student is chosen already."""
    if isinstance(start_data, dict) and isinstance(start_data.get("student_id"), int):
        session, actor, _t = _deps(manager)
        student = await service.student_for_visit(session, actor, start_data["student_id"])
        if student is not None:
            await _choose(manager, student.id, student.name, student.school_id)


async def get_students(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, t = _deps(dialog_manager)
    search = dialog_manager.dialog_data.get(SEARCH)
    if isinstance(search, str) and search:
        found = await service.search_students(session, actor, search)
    else:
        search = ""
        found = await service.students_to_pick(session, actor)
    saved = dialog_manager.dialog_data.pop(SAVED, "")
    return {
        "students": [{"id": s.id, "label": _student_label(t, s.name, s.grade, s.class_name)} for s in found],
        "saved": saved,
        "has_saved": bool(saved),
        "search": search,
        "has_students": bool(found),
        "searched_none": bool(search) and not found,
        "listed_none": not search and not found,
        "searching": bool(search),
    }


async def on_search(message: Message, _widget: Any, manager: DialogManager) -> None:
    text = (message.text or "").strip()
    if text.startswith("/"):
        return
    manager.dialog_data[SEARCH] = text[:50]
    manager.show_mode = ShowMode.DELETE_AND_SEND


async def on_clear_search(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop(SEARCH, None)


async def _choose(manager: DialogManager, student_id: int, name: str, school_id: int) -> None:
    session, _actor, _t = _deps(manager)
    today = await service.school_today(session, manager.middleware_data["clock"], school_id)
    manager.dialog_data[DRAFT] = {
        "student_id": student_id, "name": name, "today": today.isoformat(), "on": None,
        "form": None, "purpose": None, "met": None, "note": None, "voice": None, "photo": None,
        "follow_up": None,
    }
    await manager.switch_to(HomeVisitLog.day)


async def on_student(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    session, actor, t = _deps(manager)
    student = await service.student_for_visit(session, actor, int(item_id)) if item_id.isdigit() else None
    if student is None:
        await callback.answer(t("care-not-your-student"), show_alert=True)
        return
    manager.dialog_data.pop(SEARCH, None)
    await _choose(manager, student.id, student.name, student.school_id)


# ----------------------------------------------------------------------- date


def _today(draft: dict[str, Any]) -> date:
    return date.fromisoformat(draft["today"])


async def get_day(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    draft = _draft(dialog_manager) or {"name": "", "today": date.min.isoformat()}
    today = _today(draft)
    return {
        "name": draft["name"],
        "today": today.isoformat(),
        "yesterday": (today - timedelta(days=1)).isoformat(),
        "example": DATE_EXAMPLE,
    }


async def _set_day(manager: DialogManager, event: CallbackQuery | Message, day: date) -> None:
    draft = _draft(manager)
    if draft is None:
        await _lost(manager, event)
        return
    try:
        service.check_visit_day(day, _today(draft))
    except CareError as exc:
        await event.answer(error_text(manager.middleware_data["t"], exc))
        return
    draft["on"] = day.isoformat()
    await manager.switch_to(HomeVisitLog.form)


async def on_today(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    draft = _draft(manager)
    if draft is None:
        await _lost(manager, callback)
        return
    today = _today(draft)
    await _set_day(manager, callback, today if button.widget_id == ID_TODAY else today - timedelta(days=1))


async def on_day_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    day = parse_day(message.text)
    if day is None:
        await message.answer(manager.middleware_data["t"]("care-bad-date", example=DATE_EXAMPLE))
        return
    await _set_day(manager, message, day)


# ------------------------------------------------------------- three choices


def _options(t: Translate, prefix: str, values: Any) -> list[dict[str, str]]:
    return [{"id": v.value, "label": t(f"{prefix}-{v.value}")} for v in values]


async def get_options(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    _s, _a, t = _deps(dialog_manager)
    draft = _draft(dialog_manager) or {"name": ""}
    return {
        "name": draft["name"],
        "forms": _options(t, "visit-form", VisitForm),
        "purposes": _options(t, "visit-purpose", VisitPurpose),
        "mets": _options(t, "visit-met", VisitMet),
    }


def _picker(field: str, values: Any, next_state: Any) -> Any:
    allowed = {v.value for v in values}

    async def on_pick(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
        draft = _draft(manager)
        if draft is None:
            await _lost(manager, callback)
            return
        if item_id not in allowed:
            await callback.answer(manager.middleware_data["t"]("care-stale-button"), show_alert=True)
            return
        draft[field] = item_id
        await manager.switch_to(next_state)

    return on_pick


on_form = _picker("form", VisitForm, HomeVisitLog.purpose)
on_purpose = _picker("purpose", VisitPurpose, HomeVisitLog.met)
on_met = _picker("met", VisitMet, HomeVisitLog.note)


# ----------------------------------------------------------------------- note


async def on_note_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    draft = _draft(manager)
    if draft is None:
        await _lost(manager, message)
        return
    try:
        note = service.check_note(message.text)
    except CareError as exc:
        await message.answer(error_text(manager.middleware_data["t"], exc))
        return
    if note is None:
        return
    draft["note"], draft["voice"] = note, None
    await manager.switch_to(HomeVisitLog.confirm)


async def on_note_voice(message: Message, _widget: Any, manager: DialogManager) -> None:
    draft = _draft(manager)
    if draft is None or message.voice is None:
        await _lost(manager, message)
        return
    draft["voice"], draft["note"] = message.voice.file_id, None
    await manager.switch_to(HomeVisitLog.confirm)


async def on_note_other(message: Message, _widget: Any, manager: DialogManager) -> None:
    await message.answer(manager.middleware_data["t"]("visit-note-hint"))


# -------------------------------------------------------------------- confirm


async def get_confirm(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, _a, t = _deps(dialog_manager)
    draft = _draft(dialog_manager)
    if draft is None or not all(draft.get(k) for k in ("form", "purpose", "met")):
        return {"summary": t("care-stale-button"), "ready": False, "no_follow_up": False,
                "has_follow_up": False, "has_photo": False}
    day = date.fromisoformat(draft["on"]) if draft.get("on") else _today(draft)
    lines = [
        t("visit-summary-title", name=draft["name"]),
        t("visit-summary-day", date=day.isoformat()),
        t("visit-summary-how", form=t(f"visit-form-{draft['form']}"), purpose=t(f"visit-purpose-{draft['purpose']}"),
          met=t(f"visit-met-{draft['met']}")),
        t("visit-summary-note", note=draft["note"]) if draft.get("note") else t("visit-summary-voice"),
        t("visit-summary-photo") if draft.get("photo") else t("visit-summary-no-photo"),
        t("visit-summary-follow-up", date=draft["follow_up"]) if draft.get("follow_up")
        else t("visit-summary-no-follow-up", example=DATE_EXAMPLE),
    ]
    if draft["purpose"] == VisitPurpose.PERSUADE and await service.open_case_id(session, draft["student_id"]):
        lines.append(t("visit-summary-case"))
    return {
        "summary": "\n".join(lines),
        "ready": True,
        "has_follow_up": bool(draft.get("follow_up")),
        "no_follow_up": not draft.get("follow_up"),
        "has_photo": bool(draft.get("photo")),
    }


async def on_confirm_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    """Typed text on the last screen is the follow-up date."""
    t = manager.middleware_data["t"]
    draft = _draft(manager)
    if draft is None:
        await _lost(manager, message)
        return
    day = parse_day(message.text)
    if day is None:
        await message.answer(t("visit-follow-up-hint", example=DATE_EXAMPLE))
        return
    try:
        service.check_follow_up(day, _today(draft))
    except CareError as exc:
        await message.answer(error_text(t, exc))
        return
    draft["follow_up"] = day.isoformat()
    manager.show_mode = ShowMode.DELETE_AND_SEND


async def on_photo(message: Message, _widget: Any, manager: DialogManager) -> None:
    draft = _draft(manager)
    if draft is None or not message.photo:
        await _lost(manager, message)
        return
    draft["photo"] = message.photo[-1].file_id  # the largest size
    manager.show_mode = ShowMode.DELETE_AND_SEND


async def on_confirm_other(message: Message, _widget: Any, manager: DialogManager) -> None:
    await message.answer(manager.middleware_data["t"]("visit-confirm-hint", example=DATE_EXAMPLE))
    manager.show_mode = ShowMode.DELETE_AND_SEND


async def on_week(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    draft = _draft(manager)
    if draft is None:
        await _lost(manager, callback)
        return
    draft["follow_up"] = (_today(draft) + timedelta(days=FOLLOW_UP_DAYS)).isoformat()


async def on_no_follow_up(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    draft = _draft(manager)
    if draft is not None:
        draft["follow_up"] = None


async def on_no_photo(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    draft = _draft(manager)
    if draft is not None:
        draft["photo"] = None


async def on_save(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    data = manager.middleware_data
    session, actor, t = _deps(manager)
    draft = _draft(manager)
    if draft is None or not all(draft.get(k) for k in ("form", "purpose", "met")):
        await _lost(manager, callback)
        return
    try:
        saved = await service.log_home_visit(
            session, data["clock"], data["translator"], actor,
            VisitDraft(
                student_id=draft["student_id"], form=draft["form"], purpose=draft["purpose"], met=draft["met"],
                visited_on=date.fromisoformat(draft["on"]) if draft.get("on") else None,
                note=draft.get("note"), voice_file_id=draft.get("voice"), photo_file_id=draft.get("photo"),
                follow_up_on=date.fromisoformat(draft["follow_up"]) if draft.get("follow_up") else None,
            ),
        )
    except CareError as exc:
        await callback.answer(error_text(t, exc), show_alert=True)
        if exc.key in {"care-not-your-student", "care-stale-button"}:
            manager.dialog_data.pop(DRAFT, None)
            await manager.switch_to(HomeVisitLog.student)
        return
    manager.dialog_data.pop(DRAFT, None)
    lines = [t("visit-saved", name=draft["name"])]
    if saved.visit.follow_up_on:
        lines.append(t("visit-saved-follow-up", date=saved.visit.follow_up_on.isoformat()))
    if saved.on_case and saved.stage_kept:
        lines.append(t("visit-saved-on-case-stage-kept"))
    elif saved.on_case:
        lines.append(t("visit-saved-on-case"))
    elif saved.case_id is not None:
        lines.append(t("visit-saved-linked-only"))
    manager.dialog_data[SAVED] = "\n".join(lines)
    await callback.answer(t("visit-saved-short"))
    await manager.switch_to(HomeVisitLog.student)


async def on_cancel(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop(DRAFT, None)
    await manager.switch_to(HomeVisitLog.student)


# --------------------------------------------------------------------- dialog


def _cancel() -> Button:
    return Button(T("care-button-cancel"), id=ID_CANCEL, on_click=on_cancel)


dialog = Dialog(
    Window(
        Format("{saved}\n", when="has_saved"),
        T("visit-pick-student", when="has_students"),
        T("visit-search-none", when="searched_none"),
        T("visit-type-name", when="listed_none"),
        ScrollingGroup(
            choices(ID_STUDENT, "students", on_student),
            id=ID_STUDENTS_PAGE,
            width=2,
            height=8,
            hide_on_single_page=True,
        ),
        Button(T("care-button-all-mine"), id=ID_BACK, on_click=on_clear_search, when="searching"),
        Start(T("care-button-menu"), id=ID_MENU, state=MainMenu.main, mode=StartMode.RESET_STACK),
        MessageInput(on_search, content_types=ContentType.TEXT),
        tap_hint(),
        state=HomeVisitLog.student,
        getter=get_students,
    ),
    Window(
        T("visit-ask-day"),
        Group(
            Button(T("care-button-today"), id=ID_TODAY, on_click=on_today),
            Button(T("care-button-yesterday"), id=ID_YESTERDAY, on_click=on_today),
            width=2,
        ),
        _cancel(),
        MessageInput(on_day_text, content_types=ContentType.TEXT),
        tap_hint(),
        state=HomeVisitLog.day,
        getter=get_day,
    ),
    Window(
        T("visit-ask-form"),
        Column(choices(ID_FORM, "forms", on_form)),
        _cancel(),
        tap_hint(),
        state=HomeVisitLog.form,
        getter=get_options,
    ),
    Window(
        T("visit-ask-purpose"),
        Group(choices(ID_PURPOSE, "purposes", on_purpose), width=2),
        _cancel(),
        tap_hint(),
        state=HomeVisitLog.purpose,
        getter=get_options,
    ),
    Window(
        T("visit-ask-met"),
        Group(choices(ID_MET, "mets", on_met), width=2),
        _cancel(),
        tap_hint(),
        state=HomeVisitLog.met,
        getter=get_options,
    ),
    Window(
        T("visit-ask-note"),
        MessageInput(on_note_text, content_types=ContentType.TEXT),
        MessageInput(on_note_voice, content_types=ContentType.VOICE),
        MessageInput(on_note_other),
        _cancel(),
        state=HomeVisitLog.note,
        getter=get_options,
    ),
    Window(
        Format("{summary}"),
        Button(T("visit-button-week"), id=ID_WEEK, on_click=on_week, when="no_follow_up"),
        Button(T("visit-button-no-follow-up"), id=ID_NO_FOLLOW_UP, on_click=on_no_follow_up, when="has_follow_up"),
        Button(T("visit-button-no-photo"), id=ID_NO_PHOTO, on_click=on_no_photo, when="has_photo"),
        Button(T("care-button-save"), id=ID_SAVE, on_click=on_save, when="ready"),
        _cancel(),
        MessageInput(on_confirm_text, content_types=ContentType.TEXT),
        MessageInput(on_photo, content_types=ContentType.PHOTO),
        MessageInput(on_confirm_other),
        state=HomeVisitLog.confirm,
        getter=get_confirm,
    ),
    on_start=on_start,
    name="home_visit",
)


def may_log_visits(data: dict[str, Any], _widget: Any, manager: DialogManager) -> bool:
    """For the main menu's button: teachers and school admins."""
    actor = manager.middleware_data.get("actor")
    return isinstance(actor, Actor) and service.may_log_visits(actor)


__all__ = ["dialog", "may_log_visits"]
