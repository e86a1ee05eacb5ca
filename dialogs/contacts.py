"""Contact with the away parents, in two dialogs (rules: services/contacts.py).

The guardian's monthly confirmation: child (skipped with one) → this month's state →
"✅ <child> talked with the parents this month" → how (phone / video / came home) → when
(today / this week / earlier this month), saved on that last tap. From the reminder's
button it starts at "how": three taps.

The teacher's log: /parentcontact opens the student grid of their class (each name with
this term's count, e.g. "小明 1/2"; a teacher of several classes picks the class first) →
method → a short typed note (or Skip) → Save, dated today unless a date is typed. Head
teachers and admins also get "this term" compliance; an admin who teaches no class
lands there directly.

Every tap is checked again by the services: dialog data can be stale, buttons forged.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, StartMode, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Column, ScrollingGroup, Start, SwitchTo
from aiogram_dialog.widgets.text import Format

from dialogs.common import choices, tap_hint
from dialogs.states import MainMenu, MonthlyContact, ParentContact
from dialogs.widgets import T
from services import contacts as service
from services.access import Actor
from services.clock import local_today
from services.contacts import MONTHLY_METHODS, TEACHER_METHODS, ConfirmOutcome, ContactError

ID_CHILD = "mc_child"
ID_TALKED = "mc_talked"
ID_METHOD = "mc_method"
ID_WHEN = "mc_when"
ID_OTHER_CHILD = "mc_other"
ID_MENU = "menu"
ID_CLASS = "pc_class"
ID_STUDENT = "pc_student"
ID_STUDENTS_PAGE = "pc_students_page"
ID_OTHER_CLASS = "pc_other_class"
ID_COMPLIANCE = "pc_compliance"
ID_BACK = "pc_back"
ID_PC_METHOD = "pc_method"
ID_SKIP = "pc_skip"
ID_YESTERDAY = "pc_yesterday"
ID_TODAY = "pc_today"
ID_SAVE = "pc_save"
ID_CANCEL = "pc_cancel"

# dialog_data keys
CHILD = "child"
SEVERAL = "several"
METHOD = "method"
RESULT = "result"
CLASS_ID = "class_id"
FORM = "form"
SAVED = "saved"

STUDENT_ID = "student_id"  # start data of the guardian's dialog (the reminder's button)


def _deps(manager: DialogManager) -> tuple[Any, Any, Any, Actor, Any, str]:
    data = manager.middleware_data
    return data["session"], data["clock"], data["translator"], data["actor"], data["t"], data["lang"]


async def _refuse(callback: CallbackQuery, manager: DialogManager, exc: ContactError | None = None) -> None:
    t = manager.middleware_data["t"]
    key = exc.key if exc else "contact-bad-button"
    await callback.answer(t(key, **(exc.params if exc else {})), show_alert=True)


def _menu() -> Start:
    return Start(T("contact-button-menu"), id=ID_MENU, state=MainMenu.main, mode=StartMode.RESET_STACK)


# ================================================================ guardian: monthly


async def on_monthly_start(start_data: Any, manager: DialogManager) -> None:
    session, _clock, _tr, actor, _t, _lang = _deps(manager)
    children = await service.contact_children(session, actor)
    manager.dialog_data[SEVERAL] = len(children) > 1
    wanted = start_data.get(STUDENT_ID) if isinstance(start_data, dict) else None
    if isinstance(wanted, int) and any(c.id == wanted for c in children):
        await _open_child(manager, wanted, straight_to_method=True)
    elif not children:
        await manager.switch_to(MonthlyContact.refused)
    elif len(children) == 1:
        await _open_child(manager, children[0].id)


async def _open_child(manager: DialogManager, student_id: int, straight_to_method: bool = False) -> None:
    session, clock, _tr, actor, _t, _lang = _deps(manager)
    state = await service.child_month(session, clock, actor, student_id)
    manager.dialog_data[CHILD] = student_id
    manager.dialog_data.pop(METHOD, None)
    if straight_to_method and not state.confirmed:
        await manager.switch_to(MonthlyContact.method)
    else:
        await manager.switch_to(MonthlyContact.status)


async def get_children(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, clock, _tr, actor, t, _lang = _deps(dialog_manager)
    states = await service.child_months(session, clock, actor)
    return {
        "children": [
            {"id": str(s.child.id),
             "label": t("contact-child-done" if s.confirmed else "contact-child-open", child=s.child.name)}
            for s in states
        ]
    }


async def on_child(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    session, _clock, _tr, actor, _t, _lang = _deps(manager)
    try:
        await service.family_child(session, actor, int(item_id))
    except (ValueError, ContactError) as exc:
        await _refuse(callback, manager, exc if isinstance(exc, ContactError) else None)
        return
    await _open_child(manager, int(item_id))


async def _state(manager: DialogManager) -> service.ChildMonth | None:
    session, clock, _tr, actor, _t, _lang = _deps(manager)
    student_id = manager.dialog_data.get(CHILD)
    if not isinstance(student_id, int):
        return None
    try:
        return await service.child_month(session, clock, actor, student_id)
    except ContactError:
        return None


def _confirmed_text(manager: DialogManager, key: str, state: service.ChildMonth) -> str:
    _s, _c, translator, _a, t, lang = _deps(manager)
    contact = state.contact
    assert contact is not None
    return t(
        key, child=state.child.name, month=state.month.month, by=state.confirmed_by or "",
        method=service.method_label(translator, lang, contact.method),
        when=service.when_label(translator, lang, contact.when_said),
    )


async def get_status(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    t = dialog_manager.middleware_data["t"]
    state = await _state(dialog_manager)
    several = bool(dialog_manager.dialog_data.get(SEVERAL))
    if state is None:
        return {"body": t("contact-not-your-child"), "open": False, "child": "", "several": several}
    if state.confirmed:
        body = _confirmed_text(dialog_manager, "contact-status-confirmed", state)
    else:
        body = t("contact-status-open", child=state.child.name, month=state.month.month)
    return {"body": body, "open": not state.confirmed, "child": state.child.name, "several": several}


async def on_talked(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    state = await _state(manager)
    if state is None:
        await _refuse(callback, manager)
        return
    await manager.switch_to(MonthlyContact.status if state.confirmed else MonthlyContact.method)


async def get_methods(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    _s, _c, translator, _a, _t, lang = _deps(dialog_manager)
    state = await _state(dialog_manager)
    return {
        "child": state.child.name if state else "",
        "methods": [{"id": m.value, "label": service.method_label(translator, lang, m.value)} for m in MONTHLY_METHODS],
    }


async def on_method(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    if item_id not in {m.value for m in MONTHLY_METHODS}:
        await _refuse(callback, manager)
        return
    manager.dialog_data[METHOD] = item_id
    await manager.switch_to(MonthlyContact.when)


async def get_whens(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    _s, _c, translator, _a, _t, lang = _deps(dialog_manager)
    state = await _state(dialog_manager)
    options = service.when_options(state.today) if state else ()
    return {
        "child": state.child.name if state else "",
        "whens": [{"id": w.value, "label": service.when_label(translator, lang, w.value)} for w in options],
    }


async def on_when(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    session, clock, _tr, actor, _t, _lang = _deps(manager)
    student_id = manager.dialog_data.get(CHILD)
    method = manager.dialog_data.get(METHOD)
    if not isinstance(student_id, int) or not isinstance(method, str):
        await _refuse(callback, manager)
        return
    try:
        result = await service.confirm_month(session, clock, actor, student_id, method, item_id)
    except ContactError as exc:
        await _refuse(callback, manager, exc)
        return
    manager.dialog_data[RESULT] = result.outcome.value
    manager.dialog_data.pop(METHOD, None)
    await manager.switch_to(MonthlyContact.done)


async def get_done(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, clock, _tr, actor, t, _lang = _deps(dialog_manager)
    state = await _state(dialog_manager)
    several = bool(dialog_manager.dialog_data.get(SEVERAL))
    if state is None or not state.confirmed:
        return {"body": t("contact-bad-button"), "several": several}
    recorded = dialog_manager.dialog_data.get(RESULT) == ConfirmOutcome.RECORDED
    body = _confirmed_text(dialog_manager, "contact-recorded" if recorded else "contact-status-confirmed", state)
    if several:
        left = [s for s in await service.child_months(session, clock, actor) if not s.confirmed]
        if left:
            body += "\n" + t("contact-others-open", children=", ".join(s.child.name for s in left))
    return {"body": body, "several": several}


monthly_dialog = Dialog(
    Window(
        T("contact-choose-child"),
        Column(choices(ID_CHILD, "children", on_child)),
        _menu(),
        tap_hint(),
        state=MonthlyContact.child,
        getter=get_children,
    ),
    Window(
        Format("{body}"),
        Button(T("contact-talked-button"), id=ID_TALKED, on_click=on_talked, when="open"),
        SwitchTo(T("contact-button-other-child"), id=ID_OTHER_CHILD, state=MonthlyContact.child, when="several"),
        _menu(),
        tap_hint(),
        state=MonthlyContact.status,
        getter=get_status,
    ),
    Window(
        T("contact-choose-method"),
        Column(choices(ID_METHOD, "methods", on_method)),
        SwitchTo(T("contact-button-back"), id="mc_back", state=MonthlyContact.status),
        tap_hint(),
        state=MonthlyContact.method,
        getter=get_methods,
    ),
    Window(
        T("contact-choose-when"),
        Column(choices(ID_WHEN, "whens", on_when)),
        SwitchTo(T("contact-button-back"), id="mc_back_method", state=MonthlyContact.method),
        tap_hint(),
        state=MonthlyContact.when,
        getter=get_whens,
    ),
    Window(
        Format("{body}"),
        SwitchTo(T("contact-button-other-child"), id=ID_OTHER_CHILD, state=MonthlyContact.child, when="several"),
        _menu(),
        tap_hint(),
        state=MonthlyContact.done,
        getter=get_done,
    ),
    Window(
        T("contact-no-children"),
        _menu(),
        tap_hint(),
        state=MonthlyContact.refused,
    ),
    on_start=on_monthly_start,
    name="monthly_contact",
)


# ================================================================ teacher: the log


def _required(manager: DialogManager) -> int:
    return int(manager.middleware_data["settings"].contacts.teacher_contacts_per_term)


async def _classes(manager: DialogManager) -> list[tuple[int | None, str, list[Any]]]:
    """The teacher's left-behind students grouped by class: (class id, label, students)."""
    session, _c, translator, actor, _t, lang = _deps(manager)
    groups: dict[int | None, tuple[str, list[Any]]] = {}
    for child in await service.loggable_students(session, actor):
        label = service.class_label(translator, lang, child.grade, child.class_name)
        groups.setdefault(child.class_id, (label, []))[1].append(child)
    return [(class_id, label, students) for class_id, (label, students) in groups.items()]


async def on_log_start(_start_data: Any, manager: DialogManager) -> None:
    actor = manager.middleware_data["actor"]
    classes = await _classes(manager) if service.may_log(actor) else []
    manager.dialog_data[SEVERAL] = len(classes) > 1
    if len(classes) == 1:
        manager.dialog_data[CLASS_ID] = classes[0][0]
        await manager.switch_to(ParentContact.pick_student)
    elif classes:
        await manager.switch_to(ParentContact.pick_class)
    elif service.may_see_compliance(actor):
        await manager.switch_to(ParentContact.compliance)
    else:
        await manager.switch_to(ParentContact.refused)


async def get_classes(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    classes = await _classes(dialog_manager)
    return {
        "classes": [{"id": str(class_id or 0), "label": label} for class_id, label, _ in classes],
        "can_see": service.may_see_compliance(dialog_manager.middleware_data["actor"]),
    }


async def on_class(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    classes = {str(class_id or 0): class_id for class_id, _, _ in await _classes(manager)}
    if item_id not in classes:
        await _refuse(callback, manager, ContactError("contact-not-your-student"))
        return
    manager.dialog_data[CLASS_ID] = classes[item_id]
    manager.dialog_data.pop(SAVED, None)
    await manager.switch_to(ParentContact.pick_student)


async def get_students(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, clock, _tr, actor, t, _lang = _deps(dialog_manager)
    class_id = dialog_manager.dialog_data.get(CLASS_ID)
    chosen = next(((label, s) for cid, label, s in await _classes(dialog_manager) if cid == class_id), None)
    students = chosen[1] if chosen else []
    counts, _ = await service.counts_for(session, clock, students)
    required = _required(dialog_manager)
    return {
        "class_label": chosen[0] if chosen else "",
        "students": [
            {"id": str(s.id), "label": t("pcontact-student-button", name=s.name, count=counts.get(s.id, 0),
                                         required=required)}
            for s in students
        ],
        "saved": dialog_manager.dialog_data.get(SAVED) or "",
        "has_saved": bool(dialog_manager.dialog_data.get(SAVED)),
        "several": bool(dialog_manager.dialog_data.get(SEVERAL)),
        "can_see": service.may_see_compliance(actor),
    }


async def on_student(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    session, _c, _tr, actor, _t, _lang = _deps(manager)
    try:
        child = await service.loggable_student(session, actor, int(item_id))
    except (ValueError, ContactError) as exc:
        await _refuse(callback, manager, exc if isinstance(exc, ContactError) else None)
        return
    manager.dialog_data.pop(SAVED, None)
    manager.dialog_data[FORM] = {"student_id": child.id, "name": child.name, "tz": child.timezone,
                                 "method": None, "note": None, "on": None}
    await manager.switch_to(ParentContact.method)


def _form(manager: DialogManager) -> dict[str, Any] | None:
    form = manager.dialog_data.get(FORM)
    return form if isinstance(form, dict) and isinstance(form.get("student_id"), int) else None


async def get_pc_methods(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    _s, _c, translator, _a, _t, lang = _deps(dialog_manager)
    form = _form(dialog_manager)
    return {
        "name": form["name"] if form else "",
        "methods": [{"id": m.value, "label": service.method_label(translator, lang, m.value)} for m in TEACHER_METHODS],
    }


async def on_pc_method(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    form = _form(manager)
    if form is None or item_id not in {m.value for m in TEACHER_METHODS}:
        await _refuse(callback, manager)
        return
    form["method"] = item_id
    await manager.switch_to(ParentContact.note)


async def get_note(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    form = _form(dialog_manager)
    return {"name": form["name"] if form else ""}


async def on_note_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    t = manager.middleware_data["t"]
    form = _form(manager)
    if form is None:
        await message.answer(t("contact-bad-button"))
        return
    try:
        form["note"] = service.check_note(message.text)
    except ContactError as exc:
        await message.answer(t(exc.key, **exc.params))
        return
    await manager.switch_to(ParentContact.confirm)


async def on_not_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    await message.answer(manager.middleware_data["t"]("pcontact-type-note"))


async def on_skip(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    form = _form(manager)
    if form is None:
        await _refuse(callback, manager)
        return
    form["note"] = None
    await manager.switch_to(ParentContact.confirm)


def _today(manager: DialogManager, form: dict[str, Any]) -> date:
    return local_today(manager.middleware_data["clock"], ZoneInfo(form["tz"]))


def _day(manager: DialogManager, form: dict[str, Any]) -> date:
    return date.fromisoformat(form["on"]) if form.get("on") else _today(manager, form)


async def get_confirm(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    _s, _c, translator, _a, t, lang = _deps(dialog_manager)
    form = _form(dialog_manager)
    if form is None or not form.get("method"):
        return {"summary": t("contact-bad-button"), "ready": False, "is_today": False, "not_today": False}
    day, today = _day(dialog_manager, form), _today(dialog_manager, form)
    lines = [t("pcontact-summary", name=form["name"],
               method=service.method_label(translator, lang, form["method"]))]
    if form.get("note"):
        lines.append(t("pcontact-summary-note", note=form["note"]))
    lines.append(t("pcontact-summary-date-today" if day == today else "pcontact-summary-date",
                   date=day.isoformat(), example=service.DATE_EXAMPLE))
    return {"summary": "\n".join(lines), "ready": True, "is_today": day == today, "not_today": day != today}


async def on_date_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    t = manager.middleware_data["t"]
    form = _form(manager)
    if form is None:
        await message.answer(t("contact-bad-button"))
        return
    day = service.parse_day(message.text)
    if day is None:
        await message.answer(t("pcontact-bad-date", example=service.DATE_EXAMPLE))
        return
    if day > _today(manager, form):
        await message.answer(t("contact-date-future"))
        return
    form["on"] = day.isoformat()


async def on_yesterday(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    form = _form(manager)
    if form is None:
        await _refuse(callback, manager)
        return
    form["on"] = (_today(manager, form) - timedelta(days=1)).isoformat()


async def on_today(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    form = _form(manager)
    if form is not None:
        form["on"] = None


async def on_save(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    session, clock, translator, actor, t, lang = _deps(manager)
    form = _form(manager)
    if form is None or not form.get("method"):
        await callback.answer(t("contact-bad-button"), show_alert=True)
        await manager.switch_to(ParentContact.pick_student)
        return
    day = date.fromisoformat(form["on"]) if form.get("on") else None
    try:
        contact = await service.log_contact(
            session, clock, actor, form["student_id"], form["method"], on=day, note=form.get("note"),
        )
    except ContactError as exc:
        await _refuse(callback, manager, exc)
        return
    manager.dialog_data.pop(FORM, None)
    child = await service.loggable_student(session, actor, contact.student_id)
    counts, _ = await service.counts_for(session, clock, [child])
    manager.dialog_data[SAVED] = t(
        "pcontact-saved", name=child.name, method=service.method_label(translator, lang, contact.method),
        date=contact.contacted_on.isoformat(), count=counts.get(child.id, 0), required=_required(manager),
    )
    manager.dialog_data[CLASS_ID] = child.class_id
    await callback.answer(t("pcontact-saved-toast"))
    await manager.switch_to(ParentContact.pick_student)


async def on_cancel(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop(FORM, None)
    await manager.switch_to(ParentContact.pick_student)


async def get_compliance(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, clock, translator, actor, t, lang = _deps(dialog_manager)
    can_log = service.may_log(actor) and bool(await service.loggable_students(session, actor))
    try:
        classes = await service.compliance(session, clock, actor, _required(dialog_manager))
    except ContactError as exc:
        return {"body": t(exc.key), "can_log": can_log}
    return {"body": service.compliance_text(translator, lang, classes), "can_log": can_log}


async def on_compliance(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    if not service.may_see_compliance(manager.middleware_data["actor"]):
        await _refuse(callback, manager, ContactError("contact-not-allowed"))
        return
    await manager.switch_to(ParentContact.compliance)


async def on_back_to_log(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop(SAVED, None)
    target = ParentContact.pick_class if manager.dialog_data.get(SEVERAL) else ParentContact.pick_student
    await manager.switch_to(target)


log_dialog = Dialog(
    Window(
        T("pcontact-pick-class"),
        Column(choices(ID_CLASS, "classes", on_class)),
        Button(T("pcontact-button-compliance"), id=ID_COMPLIANCE, on_click=on_compliance, when="can_see"),
        _menu(),
        tap_hint(),
        state=ParentContact.pick_class,
        getter=get_classes,
    ),
    Window(
        Format("{saved}", when="has_saved"),
        T("pcontact-pick-student"),
        ScrollingGroup(
            choices(ID_STUDENT, "students", on_student),
            id=ID_STUDENTS_PAGE, width=2, height=10, hide_on_single_page=True,
        ),
        Button(T("pcontact-button-compliance"), id=ID_COMPLIANCE, on_click=on_compliance, when="can_see"),
        SwitchTo(T("pcontact-button-other-class"), id=ID_OTHER_CLASS, state=ParentContact.pick_class, when="several"),
        _menu(),
        tap_hint(),
        state=ParentContact.pick_student,
        getter=get_students,
    ),
    Window(
        T("pcontact-choose-method"),
        Column(choices(ID_PC_METHOD, "methods", on_pc_method)),
        Button(T("pcontact-button-cancel"), id=ID_CANCEL, on_click=on_cancel),
        tap_hint(),
        state=ParentContact.method,
        getter=get_pc_methods,
    ),
    Window(
        T("pcontact-ask-note"),
        MessageInput(on_note_text, content_types=ContentType.TEXT),
        MessageInput(on_not_text),
        Button(T("pcontact-button-skip"), id=ID_SKIP, on_click=on_skip),
        Button(T("pcontact-button-cancel"), id=ID_CANCEL, on_click=on_cancel),
        state=ParentContact.note,
        getter=get_note,
    ),
    Window(
        Format("{summary}"),
        MessageInput(on_date_text, content_types=ContentType.TEXT),
        MessageInput(on_not_text),
        Button(T("pcontact-button-save"), id=ID_SAVE, on_click=on_save, when="ready"),
        Button(T("pcontact-button-yesterday"), id=ID_YESTERDAY, on_click=on_yesterday, when="is_today"),
        Button(T("pcontact-button-today"), id=ID_TODAY, on_click=on_today, when="not_today"),
        Button(T("pcontact-button-cancel"), id=ID_CANCEL, on_click=on_cancel),
        state=ParentContact.confirm,
        getter=get_confirm,
    ),
    Window(
        Format("{body}"),
        Button(T("pcontact-button-log"), id=ID_BACK, on_click=on_back_to_log, when="can_log"),
        _menu(),
        tap_hint(),
        state=ParentContact.compliance,
        getter=get_compliance,
    ),
    Window(
        T("pcontact-no-students"),
        _menu(),
        tap_hint(),
        state=ParentContact.refused,
    ),
    on_start=on_log_start,
    name="parent_contact",
)


def may_open_parent_contacts(data: dict[str, Any], _widget: Any, manager: DialogManager) -> bool:
    """For the main menu's button: teachers and school admins."""
    actor = manager.middleware_data.get("actor")
    return isinstance(actor, Actor) and service.may_use(actor)
