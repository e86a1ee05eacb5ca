"""学籍 in the bot (school admins only): transfer out, transfer in, arrivals from another
school in the system, suspension (reason + certificate photo), resumption, graduation
of a whole class, and the list of files still pending.

Each action is a short path of taps (class → student), typed fields where there is no
choice (destination, name, student number, reason), the file question or the photo,
then one Save screen with the date (today unless a YYYY-MM-DD is typed). The form lives
in dialog data (JSON-safe) and is dropped on Save, so a second tap records nothing.
Every tap is checked again by services.student_status (buttons can be stale or forged).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, StartMode, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Column, ScrollingGroup, Start, SwitchTo
from aiogram_dialog.widgets.text import Format
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Student, StudentStatus
from dialogs.common import choices, tap_hint
from dialogs.states import MainMenu, StatusChange
from dialogs.widgets import T
from locales import Translate, Translator
from services import student_status as service
from services.access import Actor
from services.dropout import DATE_EXAMPLE, parse_day
from services.student_status import StatusError

ACTIONS = ("transfer_out", "transfer_in", "arrival", "suspend", "resume", "graduate")
STEPS: dict[str, tuple[str, ...]] = {
    "transfer_out": ("class", "student", "fields", "flag"),
    "transfer_in": ("class", "fields", "flag"),
    "arrival": ("student", "class", "flag"),
    "suspend": ("class", "student", "fields", "photo"),
    "resume": ("student",),
    "graduate": ("class",),
}
FIELDS: dict[str, tuple[str, ...]] = {
    "transfer_out": ("destination",),
    "transfer_in": ("name", "number", "from_school"),
    "suspend": ("reason",),
}
FIELD_LIMITS = {"number": service.MAX_NUMBER, "destination": 100, "name": 100, "from_school": 100}

ID_CLASS = "sclass"
ID_STUDENT = "sstudent"
ID_FILE = "sfile"
ID_MENU = "menu"
ID_BACK = "back"
ID_CANCEL = "cancel"
ID_SAVE = "save"
ID_SKIP = "skip"
ID_FILE_OK = "file_ok"
ID_FILE_PENDING = "file_pending"
ID_FILES = "files"

FORM = "form"


def _deps(manager: DialogManager) -> tuple[AsyncSession, Actor, Translator, str, Translate]:
    data = manager.middleware_data
    return data["session"], data["actor"], data["translator"], data["lang"], data["t"]


def _form(manager: DialogManager) -> dict[str, Any] | None:
    form = manager.dialog_data.get(FORM)
    return form if isinstance(form, dict) and form.get("action") in STEPS else None


def _done(form: dict[str, Any], step: str) -> bool:
    if step == "class":
        return isinstance(form.get("class_id"), int)
    if step == "student":
        return isinstance(form.get("student_id"), int)
    if step == "fields":
        fields = FIELDS[form["action"]]
        # A field asked again after a refusal: the others keep their answers.
        while form.get("index", 0) < len(fields) and fields[form.get("index", 0)] in form["values"]:
            form["index"] = form.get("index", 0) + 1
        return form.get("index", 0) >= len(fields)
    if step == "flag":
        return isinstance(form.get("file_pending"), bool)
    return bool(form.get("photo_done"))


STATE_OF = {
    "class": StatusChange.pick_class, "student": StatusChange.pick_student, "fields": StatusChange.text,
    "flag": StatusChange.flag, "photo": StatusChange.photo,
}


async def _next(manager: DialogManager) -> None:
    form = _form(manager)
    if form is None:
        await manager.switch_to(StatusChange.menu)
        return
    for step in STEPS[form["action"]]:
        if not _done(form, step):
            await manager.switch_to(STATE_OF[step])
            return
    await manager.switch_to(StatusChange.confirm)


async def _stale(callback: CallbackQuery, manager: DialogManager, key: str = "status-not-allowed") -> None:
    await callback.answer(manager.middleware_data["t"](key), show_alert=True)


def _class_label(translator: Translator, lang: str, grade: int, name: str) -> str:
    return translator.get("status-class-label", lang, grade=grade, class_name=name)


# ----------------------------------------------------------------------- menu


async def get_menu(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, *_rest = _deps(dialog_manager)
    files = len(await service.pending_files(session, actor))
    arrivals = len(await service.arrivals(session, actor))
    return {"files": files, "arrivals": arrivals, "has_files": files > 0, "has_arrivals": arrivals > 0}


async def on_action(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    _s, actor, *_rest = _deps(manager)
    if not service.may_manage(actor):
        await _stale(callback, manager, "status-only-admin")
        return
    manager.dialog_data[FORM] = {"action": button.widget_id, "index": 0, "values": {}, "on": None}
    await _next(manager)


async def on_cancel(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop(FORM, None)
    await manager.switch_to(StatusChange.menu)


# ------------------------------------------------------------- class, student


async def _classes(manager: DialogManager, form: dict[str, Any] | None) -> list[Any]:
    session, actor, *_rest = _deps(manager)
    classes = await service.admin_classes(session, actor)
    if form and form["action"] == "arrival" and isinstance(form.get("student_id"), int):
        student = await session.get(Student, form["student_id"])
        classes = [c for c in classes if student is not None and c.school_id == student.school_id]
    return classes


async def get_classes(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    _s, _a, translator, lang, _t = _deps(dialog_manager)
    classes = await _classes(dialog_manager, _form(dialog_manager))
    return {"classes": [{"id": c.id, "label": _class_label(translator, lang, c.grade, c.name)} for c in classes]}


async def on_class(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    form = _form(manager)
    if form is None or item_id not in {str(c.id) for c in await _classes(manager, form)}:
        await _stale(callback, manager)
        return
    form["class_id"] = int(item_id)
    await _next(manager)


async def _students(manager: DialogManager, form: dict[str, Any] | None) -> list[Student]:
    session, actor, *_rest = _deps(manager)
    if form is None:
        return []
    action = form["action"]
    if action == "resume":
        return await service.suspended_students(session, actor)
    if action == "arrival":
        return await service.arrivals(session, actor)
    class_id = form.get("class_id")
    if not isinstance(class_id, int):
        return []
    statuses = (StudentStatus.ENROLLED,) if action == "suspend" else service.CURRENT
    return await service.students_of_class(session, actor, class_id, statuses)


async def get_students(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    students = await _students(dialog_manager, _form(dialog_manager))
    return {"students": [{"id": s.id, "label": s.name} for s in students], "no_students": not students,
            "has_students": bool(students)}


async def on_student(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    form = _form(manager)
    if form is None or item_id not in {str(s.id) for s in await _students(manager, form)}:
        await _stale(callback, manager)
        return
    form["student_id"] = int(item_id)
    await _next(manager)


# --------------------------------------------------------------- typed fields


def _field(form: dict[str, Any]) -> str | None:
    fields = FIELDS.get(form["action"], ())
    index = form.get("index", 0)
    return fields[index] if index < len(fields) else None


async def get_text(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    t = dialog_manager.middleware_data["t"]
    form = _form(dialog_manager)
    name = _field(form) if form else None
    if form is None or name is None:
        return {"prompt": t("status-nothing")}
    return {"prompt": t(f"status-ask-{form['action']}-{name}")}


async def on_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    session, actor, _tr, _l, t = _deps(manager)
    form = _form(manager)
    name = _field(form) if form else None
    if form is None or name is None:
        await message.answer(t("status-nothing"))
        return
    try:
        value = service.check_text(message.text, limit=FIELD_LIMITS.get(name, service.MAX_TEXT))
    except StatusError as exc:
        await message.answer(t(exc.key, **exc.params))
        return
    form["values"][name] = value
    form["index"] = form.get("index", 0) + 1
    if name == "destination":
        found = await service.destinations(session, actor, value)
        form["dest_id"] = found[0].school_id if len(found) == 1 else None
    await _next(manager)


async def on_not_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    await message.answer(manager.middleware_data["t"]("status-type-text"))


# ------------------------------------------------------------- file, photo


async def get_flag(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    t = dialog_manager.middleware_data["t"]
    form = _form(dialog_manager)
    return {"prompt": t(f"status-ask-file-{form['action']}") if form else t("status-nothing")}


async def on_flag(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    form = _form(manager)
    if form is None or "flag" not in STEPS[form["action"]]:
        await _stale(callback, manager, "status-nothing")
        return
    form["file_pending"] = button.widget_id == ID_FILE_PENDING
    await _next(manager)


async def on_photo(message: Message, _widget: Any, manager: DialogManager) -> None:
    form = _form(manager)
    if form is None or form["action"] != "suspend" or not message.photo:
        await message.answer(manager.middleware_data["t"]("status-nothing"))
        return
    form["photo"] = message.photo[-1].file_id
    form["photo_done"] = True
    await _next(manager)


async def on_photo_other(message: Message, _widget: Any, manager: DialogManager) -> None:
    await message.answer(manager.middleware_data["t"]("status-photo-hint"))


async def on_skip_photo(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    form = _form(manager)
    if form is None:
        await _stale(callback, manager, "status-nothing")
        return
    form["photo"] = None
    form["photo_done"] = True
    await _next(manager)


# -------------------------------------------------------------------- confirm


async def _today(manager: DialogManager) -> date:
    session, actor, *_rest = _deps(manager)
    school_id = min(actor.admin_school_ids) if actor.admin_school_ids else 0
    return await service.school_today(session, manager.middleware_data["clock"], school_id)


async def get_confirm(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, translator, lang, t = _deps(dialog_manager)
    form = _form(dialog_manager)
    if form is None:
        return {"summary": t("status-nothing"), "ready": False}
    action, values = form["action"], form["values"]
    student = await session.get(Student, form["student_id"]) if isinstance(form.get("student_id"), int) else None
    classes = {c.id: c for c in await service.admin_classes(session, actor)}
    chosen = classes.get(form.get("class_id") or 0)
    class_label = _class_label(translator, lang, chosen.grade, chosen.name) if chosen else ""
    name = student.name if student else ""
    lines: list[str] = []
    if action == "transfer_out":
        lines.append(t("status-summary-transfer_out", name=name, destination=values.get("destination", "")))
        if form.get("dest_id"):
            lines.append(t("status-summary-in-system"))
        if student is not None and await service.has_open_dropout_case(session, student.id):
            lines.append(t("status-summary-case"))
    elif action == "transfer_in":
        lines.append(t("status-summary-transfer_in", name=values.get("name", ""), number=values.get("number", ""),
                       from_school=values.get("from_school", ""), class_label=class_label))
    elif action == "arrival":
        lines.append(t("status-summary-arrival", name=name, class_label=class_label))
    elif action == "suspend":
        lines.append(t("status-summary-suspend", name=name, reason=values.get("reason", "")))
        lines.append(t("status-summary-photo" if form.get("photo") else "status-summary-no-photo"))
    elif action == "resume":
        lines.append(t("status-summary-resume", name=name))
    elif action == "graduate" and chosen is not None:
        count = len(await service.students_of_class(session, actor, chosen.id))
        lines.append(t("status-summary-graduate", class_label=class_label, count=count))
    if "flag" in STEPS[action]:
        lines.append(t("status-summary-file-pending" if form.get("file_pending") else "status-summary-file-ok"))
    today = await _today(dialog_manager)
    day = date.fromisoformat(form["on"]) if form.get("on") else today
    key = "status-save-date-today" if day == today else "status-save-date"
    lines.append(t(key, date=day.isoformat(), example=DATE_EXAMPLE))
    return {"summary": "\n".join(lines), "ready": True}


async def on_date(message: Message, _widget: Any, manager: DialogManager) -> None:
    t = manager.middleware_data["t"]
    form = _form(manager)
    if form is None:
        await message.answer(t("status-nothing"))
        return
    day = parse_day(message.text)
    if day is None:
        await message.answer(t("status-bad-date", example=DATE_EXAMPLE))
        return
    if day > await _today(manager):
        await message.answer(t("status-date-future"))
        return
    form["on"] = day.isoformat()


async def on_save(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    session, actor, translator, _lang, t = _deps(manager)
    clock = manager.middleware_data["clock"]
    form = _form(manager)
    if form is None:
        await callback.answer(t("status-nothing"))
        await manager.switch_to(StatusChange.menu)
        return
    action, values = form["action"], form["values"]
    on = date.fromisoformat(form["on"]) if form.get("on") else None
    student_id, class_id = form.get("student_id"), form.get("class_id")
    done = t("status-saved")
    try:
        if action == "transfer_out":
            await service.transfer_out(
                session, clock, translator, actor, int(student_id or 0), destination=values.get("destination", ""),
                destination_school_id=form.get("dest_id"), file_pending=bool(form.get("file_pending")), on=on,
            )
        elif action == "transfer_in":
            await service.transfer_in_new(
                session, clock, actor, int(class_id or 0), name=values.get("name", ""),
                student_number=values.get("number", ""), from_school=values.get("from_school", ""),
                file_pending=bool(form.get("file_pending")), on=on,
            )
        elif action == "arrival":
            await service.place_arrival(session, clock, actor, int(student_id or 0), int(class_id or 0),
                                        file_pending=bool(form.get("file_pending")), on=on)
        elif action == "suspend":
            await service.suspend(session, clock, actor, int(student_id or 0), reason=values.get("reason", ""),
                                  proof_file_id=form.get("photo"), on=on)
        elif action == "resume":
            await service.resume(session, clock, actor, int(student_id or 0), on=on)
        elif action == "graduate":
            count = await service.graduate_class(session, clock, actor, int(class_id or 0), on=on)
            done = t("status-graduated", count=count)
    except StatusError as exc:
        await callback.answer(t(exc.key, **exc.params), show_alert=True)
        if exc.key in {"status-number-here", "status-number-in-system"}:
            form["values"].pop("number", None)
            form["index"] = FIELDS[action].index("number")
            await manager.switch_to(StatusChange.text)
        elif exc.key == "status-same-school":
            form["values"].pop("destination", None)
            form["index"] = 0
            await manager.switch_to(StatusChange.text)
        elif exc.key in {"status-not-allowed", "status-wrong-state", "status-class-empty"}:
            manager.dialog_data.pop(FORM, None)
            await manager.switch_to(StatusChange.menu)
        return
    manager.dialog_data.pop(FORM, None)
    await callback.answer(done)
    await manager.switch_to(StatusChange.menu)


# ------------------------------------------------------------------ pending files


async def get_files(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, _tr, _l, t = _deps(dialog_manager)
    rows = await service.pending_files(session, actor)
    items = [
        {"id": change.id, "label": t("status-file-item", name=name, kind=t(f"status-kind-{change.kind}"),
                                     date=change.effective_on.isoformat())}
        for change, name in rows
    ]
    return {"files": items, "has_files": bool(items), "no_files": not items}


async def on_file(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    session, actor, _tr, _l, t = _deps(manager)
    if not item_id.isdigit():
        await _stale(callback, manager)
        return
    try:
        await service.clear_file(session, manager.middleware_data["clock"], actor, int(item_id))
    except StatusError as exc:
        await callback.answer(t(exc.key, **exc.params), show_alert=True)
        return
    await callback.answer(t("status-file-cleared"))


# ---------------------------------------------------------------------- dialog


def _action(action: str, when: str | None = None) -> Button:
    return Button(T(f"status-button-{action}"), id=action, on_click=on_action, when=when)


def _cancel() -> Button:
    return Button(T("status-button-cancel"), id=ID_CANCEL, on_click=on_cancel)


dialog = Dialog(
    Window(
        T("status-menu-title"),
        T("status-menu-files", when="has_files"),
        T("status-menu-arrivals", when="has_arrivals"),
        Column(
            _action("transfer_out"), _action("transfer_in"), _action("arrival", when="has_arrivals"),
            _action("suspend"), _action("resume"), _action("graduate"),
        ),
        SwitchTo(T("status-button-files"), id=ID_FILES, state=StatusChange.files, when="has_files"),
        Start(T("status-button-menu"), id=ID_MENU, state=MainMenu.main, mode=StartMode.RESET_STACK),
        tap_hint(),
        state=StatusChange.menu,
        getter=get_menu,
    ),
    Window(
        T("status-pick-class"),
        ScrollingGroup(choices(ID_CLASS, "classes", on_class), id="sclass_page", width=2, height=8,
                       hide_on_single_page=True),
        _cancel(),
        tap_hint(),
        state=StatusChange.pick_class,
        getter=get_classes,
    ),
    Window(
        T("status-pick-student", when="has_students"),
        T("status-no-students", when="no_students"),
        ScrollingGroup(choices(ID_STUDENT, "students", on_student), id="sstudent_page", width=3, height=8,
                       hide_on_single_page=True),
        _cancel(),
        tap_hint(),
        state=StatusChange.pick_student,
        getter=get_students,
    ),
    Window(
        Format("{prompt}"),
        MessageInput(on_text, content_types=ContentType.TEXT),
        MessageInput(on_not_text),
        _cancel(),
        state=StatusChange.text,
        getter=get_text,
    ),
    Window(
        Format("{prompt}"),
        Button(T("status-button-file-ok"), id=ID_FILE_OK, on_click=on_flag),
        Button(T("status-button-file-pending"), id=ID_FILE_PENDING, on_click=on_flag),
        _cancel(),
        tap_hint(),
        state=StatusChange.flag,
        getter=get_flag,
    ),
    Window(
        T("status-ask-photo"),
        MessageInput(on_photo, content_types=ContentType.PHOTO),
        MessageInput(on_photo_other),
        Button(T("status-button-skip"), id=ID_SKIP, on_click=on_skip_photo),
        _cancel(),
        state=StatusChange.photo,
    ),
    Window(
        Format("{summary}"),
        MessageInput(on_date, content_types=ContentType.TEXT),
        MessageInput(on_not_text),
        Button(T("status-button-save"), id=ID_SAVE, on_click=on_save, when="ready"),
        _cancel(),
        state=StatusChange.confirm,
        getter=get_confirm,
    ),
    Window(
        T("status-files-title", when="has_files"),
        T("status-files-none", when="no_files"),
        ScrollingGroup(choices(ID_FILE, "files", on_file), id="sfile_page", width=1, height=8,
                       hide_on_single_page=True),
        SwitchTo(T("status-button-back"), id=ID_BACK, state=StatusChange.menu),
        tap_hint(),
        state=StatusChange.files,
        getter=get_files,
    ),
    name="student_status",
)


def may_manage_status(data: dict[str, Any], _widget: Any, manager: DialogManager) -> bool:
    """For the main menu's button: school admins."""
    actor = manager.middleware_data.get("actor")
    return isinstance(actor, Actor) and service.may_manage(actor)
