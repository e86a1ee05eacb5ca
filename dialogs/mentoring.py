"""帮扶 in the bot.

- A mentor: mentee → what (tutoring, birthday, weekend together, talk, other) → Save; the
  date is today unless they tap Yesterday or type one, and any other typed text is the
  short note.
- A school admin: pick a teacher → tick their mentees (paged; typing a name narrows the
  list) → Save, which assigns the newly ticked and ends the unticked (history kept); and
  the coverage screen, listing left-behind students with no mentor until there are none.

Every tap is checked again by services.mentoring (buttons can be forged or stale).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, StartMode, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import (
    Button,
    Group,
    ManagedMultiselect,
    Multiselect,
    ScrollingGroup,
    Start,
    SwitchTo,
)
from aiogram_dialog.widgets.text import Format
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import MentorActivityKind
from db.repositories.care import StudentChoice
from dialogs.common import choices, tap_hint
from dialogs.states import MainMenu, Mentoring
from dialogs.widgets import T
from locales import Translate
from services import mentoring as service
from services.access import Actor
from services.dropout import DATE_EXAMPLE, parse_day
from services.visits import CareError, check_note, check_visit_day, school_today

ID_LOG = "log"
ID_ASSIGN = "assign"
ID_COVERAGE = "coverage"
ID_MENU = "menu"
ID_HOME = "home"
ID_STUDENT = "student"
ID_STUDENTS_PAGE = "students_page"
ID_KIND = "kind"
ID_YESTERDAY = "yesterday"
ID_TODAY = "today"
ID_SAVE = "save"
ID_CANCEL = "cancel"
ID_TEACHER = "teacher"
ID_TEACHERS_PAGE = "teachers_page"
ID_MENTEES = "mentees"
ID_MENTEES_PAGE = "mentees_page"
ID_ALL = "all"

ACTIVITY = "activity"
STAFF_ID = "staff_id"
SEARCH = "search"
SAVED = "saved"


def _deps(manager: DialogManager) -> tuple[AsyncSession, Actor, Translate]:
    data = manager.middleware_data
    return data["session"], data["actor"], data["t"]


def _label(t: Translate, s: StudentChoice, *, mark_left_behind: bool = False) -> str:
    label = s.name
    if s.grade is not None and s.class_name is not None:
        label = t("care-student-label", name=s.name, class_label=t("menu-class-label", grade=s.grade, class_name=s.class_name))
    if mark_left_behind and s.is_left_behind:
        label = t("mentor-left-behind-mark", label=label)
    return label


def _pop_saved(manager: DialogManager) -> dict[str, Any]:
    saved = manager.dialog_data.pop(SAVED, "")
    return {"saved": saved, "has_saved": bool(saved)}


# ----------------------------------------------------------------------- home


async def get_home(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, _t = _deps(dialog_manager)
    can_assign = service.may_assign(actor)
    missing = len(await service.coverage_gaps(session, actor)) if can_assign else 0
    return {
        "is_mentor": service.is_mentor(actor),
        "can_assign": can_assign,
        "missing": missing,
        "has_gaps": can_assign and missing > 0,
        "full": can_assign and missing == 0,
        **_pop_saved(dialog_manager),
    }


# ------------------------------------------------------------------- activity


async def get_mentees(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, t = _deps(dialog_manager)
    students = await service.my_mentees(session, actor)
    return {
        "students": [{"id": s.id, "label": _label(t, s)} for s in students],
        "has_students": bool(students),
        "no_students": not students,
        **_pop_saved(dialog_manager),
    }


def _activity(manager: DialogManager) -> dict[str, Any] | None:
    draft = manager.dialog_data.get(ACTIVITY)
    return draft if isinstance(draft, dict) and isinstance(draft.get("student_id"), int) else None


async def _lost(manager: DialogManager, event: CallbackQuery | Message) -> None:
    await event.answer(manager.middleware_data["t"]("care-stale-button"))
    await manager.switch_to(Mentoring.student)


async def on_mentee(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    session, actor, t = _deps(manager)
    student = await service.mentee(session, actor, int(item_id)) if item_id.isdigit() else None
    if student is None:
        await callback.answer(t("mentor-not-your-mentee"), show_alert=True)
        return
    today = await school_today(session, manager.middleware_data["clock"], student.school_id)
    manager.dialog_data[ACTIVITY] = {
        "student_id": student.id, "name": student.name, "today": today.isoformat(), "on": None,
        "kind": None, "note": None,
    }
    await manager.switch_to(Mentoring.kind)


async def get_kinds(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    _s, _a, t = _deps(dialog_manager)
    draft = _activity(dialog_manager) or {"name": ""}
    return {
        "name": draft["name"],
        "kinds": [{"id": k.value, "label": t(f"mentor-kind-{k.value}")} for k in MentorActivityKind],
    }


async def on_kind(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    draft = _activity(manager)
    if draft is None:
        await _lost(manager, callback)
        return
    if item_id not in {k.value for k in MentorActivityKind}:
        await callback.answer(manager.middleware_data["t"]("care-stale-button"), show_alert=True)
        return
    draft["kind"] = item_id
    await manager.switch_to(Mentoring.confirm)


def _day(draft: dict[str, Any]) -> tuple[date, date]:
    today = date.fromisoformat(draft["today"])
    return (date.fromisoformat(draft["on"]) if draft.get("on") else today), today


async def get_activity(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    _s, _a, t = _deps(dialog_manager)
    draft = _activity(dialog_manager)
    if draft is None or not draft.get("kind"):
        return {"summary": t("care-stale-button"), "ready": False, "is_today": False, "not_today": False}
    day, today = _day(draft)
    lines = [
        t("mentor-summary", name=draft["name"], kind=t(f"mentor-kind-{draft['kind']}")),
        t("care-summary-day-today", date=day.isoformat()) if day == today else t("care-summary-day", date=day.isoformat()),
        t("mentor-summary-note", note=draft["note"]) if draft.get("note") else t("mentor-summary-no-note", example=DATE_EXAMPLE),
    ]
    return {"summary": "\n".join(lines), "ready": True, "is_today": day == today, "not_today": day != today}


async def on_activity_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    """A typed date sets the date; any other text is the note."""
    t = manager.middleware_data["t"]
    draft = _activity(manager)
    if draft is None:
        await _lost(manager, message)
        return
    manager.show_mode = ShowMode.DELETE_AND_SEND
    day = parse_day(message.text)
    try:
        if day is not None:
            _, today = _day(draft)
            draft["on"] = check_visit_day(day, today).isoformat()
        else:
            draft["note"] = check_note(message.text)
    except CareError as exc:
        await message.answer(t(exc.key, **exc.params))


async def on_activity_other(message: Message, _widget: Any, manager: DialogManager) -> None:
    await message.answer(manager.middleware_data["t"]("mentor-confirm-hint"))
    manager.show_mode = ShowMode.DELETE_AND_SEND


async def on_activity_day(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    draft = _activity(manager)
    if draft is None:
        await _lost(manager, callback)
        return
    _, today = _day(draft)
    draft["on"] = (today - timedelta(days=1)).isoformat() if button.widget_id == ID_YESTERDAY else None


async def on_activity_save(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    session, actor, t = _deps(manager)
    draft = _activity(manager)
    if draft is None or not draft.get("kind"):
        await _lost(manager, callback)
        return
    day, _today = _day(draft)
    try:
        await service.log_activity(
            session, manager.middleware_data["clock"], actor, draft["student_id"], draft["kind"],
            on=day, note=draft.get("note"),
        )
    except CareError as exc:
        await callback.answer(t(exc.key, **exc.params), show_alert=True)
        manager.dialog_data.pop(ACTIVITY, None)
        await manager.switch_to(Mentoring.student)
        return
    manager.dialog_data.pop(ACTIVITY, None)
    manager.dialog_data[SAVED] = t("mentor-saved", name=draft["name"], kind=t(f"mentor-kind-{draft['kind']}"),
                                   date=day.isoformat())
    await callback.answer(t("care-saved-short"))
    await manager.switch_to(Mentoring.student)


async def on_activity_cancel(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop(ACTIVITY, None)
    await manager.switch_to(Mentoring.student)


# ------------------------------------------------------------------ assigning


async def get_teachers(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, _t = _deps(dialog_manager)
    teachers = await service.teachers_to_assign(session, actor)
    return {
        "teachers": [{"id": x.staff_id, "label": x.name} for x in teachers],
        "has_teachers": bool(teachers),
        "no_teachers": not teachers,
    }


def _ticks(manager: DialogManager) -> ManagedMultiselect[str]:
    widget = manager.find(ID_MENTEES)
    assert isinstance(widget, ManagedMultiselect)
    return widget


async def on_teacher(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    session, actor, t = _deps(manager)
    try:
        current = await service.mentee_ids(session, actor, int(item_id)) if item_id.isdigit() else None
    except CareError:
        current = None
    if current is None:
        await callback.answer(t("care-not-allowed"), show_alert=True)
        return
    manager.dialog_data[STAFF_ID] = int(item_id)
    manager.dialog_data.pop(SEARCH, None)
    ticks = _ticks(manager)
    await ticks.reset_checked()
    for student_id in sorted(current):
        await ticks.set_checked(str(student_id), True)
    await manager.switch_to(Mentoring.mentees)


async def get_assign(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, t = _deps(dialog_manager)
    staff_id = dialog_manager.dialog_data.get(STAFF_ID)
    search = dialog_manager.dialog_data.get(SEARCH) or ""
    teachers = {x.staff_id: x.name for x in await service.teachers_to_assign(session, actor)}
    try:
        students = (
            await service.students_to_assign(session, actor, staff_id, name_part=search or None)
            if isinstance(staff_id, int) else []
        )
    except CareError:
        students = []
    checked = len(_ticks(dialog_manager).get_checked())
    return {
        "teacher": teachers.get(staff_id, "") if isinstance(staff_id, int) else "",
        "students": [{"id": str(s.id), "label": _label(t, s, mark_left_behind=True)} for s in students],
        "count": checked,
        "search": search,
        "searching": bool(search),
        "no_students": not students,
        "ready": isinstance(staff_id, int) and staff_id in teachers,
    }


async def on_assign_search(message: Message, _widget: Any, manager: DialogManager) -> None:
    manager.dialog_data[SEARCH] = (message.text or "").strip()[:50]
    manager.show_mode = ShowMode.DELETE_AND_SEND


async def on_assign_all(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop(SEARCH, None)


async def on_assign_save(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    session, actor, t = _deps(manager)
    staff_id = manager.dialog_data.get(STAFF_ID)
    raw = _ticks(manager).get_checked()
    if not isinstance(staff_id, int):  # saved already (a second tap) or a stale screen
        await callback.answer(t("care-stale-button"))
        await manager.switch_to(Mentoring.home)
        return
    if not all(str(x).isdigit() for x in raw):
        await callback.answer(t("care-not-allowed"), show_alert=True)
        return
    try:
        added, ended = await service.set_mentees(
            session, manager.middleware_data["clock"], actor, staff_id, {int(x) for x in raw}
        )
    except CareError as exc:
        await callback.answer(t(exc.key, **exc.params), show_alert=True)
        return
    manager.dialog_data.pop(STAFF_ID, None)
    await _ticks(manager).reset_checked()
    manager.dialog_data[SAVED] = t("mentor-assigned", added=added, ended=ended)
    await callback.answer(t("care-saved-short"))
    await manager.switch_to(Mentoring.home)


async def get_coverage(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, t = _deps(dialog_manager)
    gaps = await service.coverage_gaps(session, actor)
    lines = [_label(t, s) for s in gaps[: service.COVERAGE_SHOWN]]
    if len(gaps) > service.COVERAGE_SHOWN:
        lines.append(t("menu-list-more", count=len(gaps) - service.COVERAGE_SHOWN))
    return {"lines": "\n".join(lines), "missing": len(gaps), "has_gaps": bool(gaps), "full": not gaps}


# --------------------------------------------------------------------- dialog


dialog = Dialog(
    Window(
        Format("{saved}\n", when="has_saved"),
        T("mentor-home"),
        T("mentor-home-gaps", when="has_gaps"),
        T("mentor-home-full", when="full"),
        SwitchTo(T("mentor-button-log"), id=ID_LOG, state=Mentoring.student, when="is_mentor"),
        SwitchTo(T("mentor-button-assign"), id=ID_ASSIGN, state=Mentoring.teacher, when="can_assign"),
        SwitchTo(T("mentor-button-coverage"), id=ID_COVERAGE, state=Mentoring.coverage, when="can_assign"),
        Start(T("care-button-menu"), id=ID_MENU, state=MainMenu.main, mode=StartMode.RESET_STACK),
        tap_hint(),
        state=Mentoring.home,
        getter=get_home,
    ),
    Window(
        Format("{saved}\n", when="has_saved"),
        T("mentor-pick-mentee", when="has_students"),
        T("mentor-no-mentees", when="no_students"),
        ScrollingGroup(
            choices(ID_STUDENT, "students", on_mentee),
            id=ID_STUDENTS_PAGE, width=2, height=8, hide_on_single_page=True,
        ),
        SwitchTo(T("care-button-back"), id=ID_HOME, state=Mentoring.home),
        tap_hint(),
        state=Mentoring.student,
        getter=get_mentees,
    ),
    Window(
        T("mentor-ask-kind"),
        Group(choices(ID_KIND, "kinds", on_kind), width=2),
        Button(T("care-button-cancel"), id=ID_CANCEL, on_click=on_activity_cancel),
        tap_hint(),
        state=Mentoring.kind,
        getter=get_kinds,
    ),
    Window(
        Format("{summary}"),
        Button(T("care-button-yesterday-plain"), id=ID_YESTERDAY, on_click=on_activity_day, when="is_today"),
        Button(T("care-button-today-plain"), id=ID_TODAY, on_click=on_activity_day, when="not_today"),
        Button(T("care-button-save"), id=ID_SAVE, on_click=on_activity_save, when="ready"),
        Button(T("care-button-cancel"), id=ID_CANCEL, on_click=on_activity_cancel),
        MessageInput(on_activity_text, content_types=ContentType.TEXT),
        MessageInput(on_activity_other),
        state=Mentoring.confirm,
        getter=get_activity,
    ),
    Window(
        T("mentor-pick-teacher", when="has_teachers"),
        T("mentor-no-teachers", when="no_teachers"),
        ScrollingGroup(
            choices(ID_TEACHER, "teachers", on_teacher),
            id=ID_TEACHERS_PAGE, width=2, height=8, hide_on_single_page=True,
        ),
        SwitchTo(T("care-button-back"), id=ID_HOME, state=Mentoring.home),
        tap_hint(),
        state=Mentoring.teacher,
        getter=get_teachers,
    ),
    Window(
        T("mentor-tick-students"),
        T("mentor-tick-none", when="no_students"),
        ScrollingGroup(
            Multiselect(
                Format("✅ {item[label]}"),
                Format("{item[label]}"),
                id=ID_MENTEES,
                item_id_getter=lambda item: item["id"],
                items="students",
            ),
            id=ID_MENTEES_PAGE, width=2, height=8, hide_on_single_page=True,
        ),
        Button(T("care-button-all-students"), id=ID_ALL, on_click=on_assign_all, when="searching"),
        Button(T("care-button-save"), id=ID_SAVE, on_click=on_assign_save, when="ready"),
        SwitchTo(T("care-button-back"), id=ID_HOME, state=Mentoring.teacher),
        MessageInput(on_assign_search, content_types=ContentType.TEXT),
        tap_hint(),
        state=Mentoring.mentees,
        getter=get_assign,
    ),
    Window(
        T("mentor-coverage-title", when="has_gaps"),
        Format("{lines}", when="has_gaps"),
        T("mentor-coverage-full", when="full"),
        SwitchTo(T("mentor-button-assign"), id=ID_ASSIGN, state=Mentoring.teacher, when="has_gaps"),
        SwitchTo(T("care-button-back"), id=ID_HOME, state=Mentoring.home),
        tap_hint(),
        state=Mentoring.coverage,
        getter=get_coverage,
    ),
    name="mentoring",
)


def may_use_mentoring(data: dict[str, Any], _widget: Any, manager: DialogManager) -> bool:
    """For the main menu's button: mentors and school admins."""
    actor = manager.middleware_data.get("actor")
    return isinstance(actor, Actor) and (service.is_mentor(actor) or service.may_assign(actor))


__all__ = ["dialog", "may_use_mentoring"]
