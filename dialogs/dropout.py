"""控辍保学 in the bot: open cases → a case's card → its next step → Save.

Each step is a short form of typed fields (with what the roster already knows offered as
one tap), then one Save screen that shows what will be recorded and its date (today,
unless a YYYY-MM-DD is typed). Every tap is checked again against the services' access
rules: buttons can be forged or stale. The form lives in dialog data (JSON-safe) and is
cleared on Save, so a second tap on Save records nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from aiogram.enums import ContentType
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, StartMode, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Column, ScrollingGroup, Start, SwitchTo
from aiogram_dialog.widgets.text import Format
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.common import choices, start_with_id, tap_hint
from dialogs.states import Dropout, MainMenu
from dialogs.widgets import T
from locales import Translate, Translator
from services import audit
from services import dropout as service
from services.access import Actor
from services.dropout import CLOSE_OUTCOMES, DATE_EXAMPLE, CaseCard, DropoutError
from services.dropout_registers import Month, build_registers, register_filename, register_scopes

ID_CASE = "case"
ID_CASES_PAGE = "cases_page"
ID_NEW = "new"
ID_REGISTERS = "registers"
ID_MENU = "menu"
ID_BACK = "back"
ID_KEEP = "keep"
ID_SKIP = "skip"
ID_SAVE = "save"
ID_CANCEL = "cancel"
ID_OUTCOME = "outcome"
ID_CLASS = "class"
ID_STUDENT = "student"
ID_STUDENTS_PAGE = "students_page"
ID_THIS_MONTH = "this_month"
ID_LAST_MONTH = "last_month"

STEPS = ("confirm", "report", "visit", "enforce", "returned", "close")
HISTORY_SHOWN = 12

# dialog_data keys
CASE_ID = "case_id"
FORM = "form"
CLASS_ID = "class_id"


@dataclass(frozen=True)
class Field:
    name: str
    required: bool = True


FORMS: dict[str, tuple[Field, ...]] = {
    "open": (Field("note", required=False),),
    "confirm": (Field("note", required=False),),
    "report": (Field("reason"), Field("parents"), Field("address"), Field("whereabouts")),
    "visit": (Field("visitors"), Field("said"), Field("result")),
    "enforce": (Field("note"),),
    "returned": (),
    "close": (Field("note", required=False),),
}


def _deps(manager: DialogManager) -> tuple[AsyncSession, Actor, Translator, str, Translate]:
    data = manager.middleware_data
    return data["session"], data["actor"], data["translator"], data["lang"], data["t"]


def error_text(t: Translate, translator: Translator, lang: str, exc: DropoutError) -> str:
    params = dict(exc.params)
    if "stage" in params:
        params["stage"] = service.stage_label(translator, lang, str(params["stage"]))
    if "to_stage" in params:
        params["to_stage"] = service.stage_label(translator, lang, str(params["to_stage"]))
    return t(exc.key, **params)


async def _refuse(callback: CallbackQuery, t: Translate, key: str = "dropout-not-allowed") -> None:
    await callback.answer(t(key), show_alert=True)


# ----------------------------------------------------------------- open cases


on_start = start_with_id(CASE_ID)


async def get_cases(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, translator, lang, _t = _deps(dialog_manager)
    rows = await service.list_cases(session, actor)
    cases = [
        {
            "id": row.case.id,
            "label": translator.get(
                "dropout-list-item", lang, name=row.student_name,
                class_label=service.class_label(translator, lang, row.grade, row.class_name),
                stage=service.stage_label(translator, lang, row.case.stage),
            ),
        }
        for row in rows
    ]
    may_act = bool(actor.admin_school_ids) or "head_teacher" in actor.roles
    return {
        "cases": cases,
        "count": len(cases),
        "has_cases": bool(cases),
        "no_cases": not cases,
        "can_open": may_act,
        "can_register": may_act,
    }


async def on_case(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    session, actor, _translator, _lang, t = _deps(manager)
    if not item_id.isdigit() or not await service.can_view(session, actor, int(item_id)):
        await _refuse(callback, t)
        return
    manager.dialog_data[CASE_ID] = int(item_id)
    manager.dialog_data.pop(FORM, None)
    await manager.switch_to(Dropout.card)


# ----------------------------------------------------------------------- card


def _event_lines(translator: Translator, lang: str, card: CaseCard) -> list[str]:
    lines = []
    for view in card.events[-HISTORY_SHOWN:]:
        event = view.event
        by = view.by or translator.get("dropout-by-system", lang)
        day = event.happened_on.isoformat()
        if event.kind == "visit":
            line = translator.get(
                "dropout-event-visit", lang, date=day, by=by,
                visitors=event.visitors or "", said=event.said or "", result=event.result or "",
            )
        elif event.kind == "closed":
            line = translator.get(
                "dropout-event-closed", lang, date=day, by=by,
                outcome=service.outcome_label(translator, lang, event.result),
            )
        elif event.kind in ("opened", "returned"):
            line = translator.get(f"dropout-event-{event.kind}", lang, date=day, by=by)
        else:
            line = translator.get(
                "dropout-event-stage", lang, date=day, by=by,
                stage=service.stage_label(translator, lang, event.to_stage or ""),
            )
        lines.append(line)
        if event.note:
            lines.append(translator.get("dropout-event-note", lang, note=event.note))
    hidden = len(card.events) - HISTORY_SHOWN
    if hidden > 0:
        lines.insert(0, translator.get("dropout-card-more", lang, count=hidden))
    return lines


def card_text(translator: Translator, lang: str, card: CaseCard, today: date) -> str:
    case, row = card.case, card.row
    since = case.stage_since.astimezone(card.tz).date()
    opened = case.opened_at.astimezone(card.tz).date()
    parts = [
        translator.get(
            "dropout-card-title", lang, name=row.student_name, school=row.school_name,
            class_label=service.class_label(translator, lang, row.grade, row.class_name),
        ),
        translator.get(
            "dropout-card-stage", lang, stage=service.state_label(translator, lang, case, card.tz),
            since=since.isoformat(), days=(today - since).days,
        ),
        translator.get(
            "dropout-card-trigger", lang, trigger=translator.get(f"dropout-trigger-{case.trigger}", lang),
            opened=opened.isoformat(),
        ),
    ]
    if case.reason or case.parents or case.home_address or case.whereabouts:
        none = translator.get("dropout-unknown", lang)
        parts.append(
            translator.get(
                "dropout-card-report", lang, reason=case.reason or none, parents=case.parents or none,
                address=case.home_address or none, whereabouts=case.whereabouts or none,
            )
        )
    parts.append(translator.get("dropout-card-history", lang))
    parts.extend(_event_lines(translator, lang, card))
    if not card.can_act:
        parts.append(translator.get("dropout-card-read-only", lang))
    return "\n".join(parts)


async def _card(manager: DialogManager) -> CaseCard | None:
    session, actor, *_ = _deps(manager)
    case_id = manager.dialog_data.get(CASE_ID)
    if not isinstance(case_id, int):
        return None
    return await service.case_card(session, actor, case_id)


async def get_card(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    _session, _actor, translator, lang, t = _deps(dialog_manager)
    card = await _card(dialog_manager)
    if card is None:
        return {"body": t("dropout-not-allowed"), **{f"can_{step}": False for step in STEPS}}
    today = service.school_today(dialog_manager.middleware_data["clock"], card.row.timezone)
    return {
        "body": card_text(translator, lang, card, today),
        **{f"can_{step}": card.allows(step) for step in STEPS},
    }


async def on_step(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    session, actor, translator, lang, t = _deps(manager)
    step = button.widget_id or ""
    card = await _card(manager)
    if card is None or not card.can_act:
        await _refuse(callback, t)
        return
    if not card.allows(step):
        await callback.answer(
            t("dropout-stage-changed") if card.is_open else t("dropout-case-ended"), show_alert=True
        )
        return
    prefill: dict[str, str] = {}
    if step == "report":
        found = await service.report_prefill(session, translator, lang, card.case)
        prefill = {
            k: v for k, v in {
                "reason": card.case.reason, "parents": found.parents,
                "address": found.home_address, "whereabouts": card.case.whereabouts,
            }.items() if v
        }
    elif step == "visit" and actor.name:
        prefill = {"visitors": actor.name}
    manager.dialog_data[FORM] = {
        "step": step, "stage": card.case.stage, "case_id": card.case.id, "name": card.row.student_name,
        "tz": card.row.timezone, "index": 0, "values": {}, "prefill": prefill, "on": None,
    }
    if step == "close":
        await manager.switch_to(Dropout.outcome)
    else:
        await _next_field(manager)


# ---------------------------------------------------------------------- forms


def _form(manager: DialogManager) -> dict[str, Any] | None:
    form = manager.dialog_data.get(FORM)
    return form if isinstance(form, dict) and form.get("step") in FORMS else None


def _field(form: dict[str, Any]) -> Field | None:
    fields = FORMS[form["step"]]
    index = form.get("index", 0)
    return fields[index] if index < len(fields) else None


def _required(form: dict[str, Any], spec: Field) -> bool:
    if form["step"] == "close" and spec.name == "note":
        return form.get("outcome") == "other"
    return spec.required


async def _next_field(manager: DialogManager) -> None:
    form = _form(manager)
    if form is None or _field(form) is None:
        await manager.switch_to(Dropout.save)
    else:
        await manager.switch_to(Dropout.field)


async def _store(manager: DialogManager, value: str | None) -> None:
    form = _form(manager)
    if form is None:
        await manager.switch_to(Dropout.card)
        return
    spec = _field(form)
    if spec is not None:
        form["values"][spec.name] = value
        form["index"] = form.get("index", 0) + 1
    await _next_field(manager)


async def get_field(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    _s, _a, _tr, _l, t = _deps(dialog_manager)
    form = _form(dialog_manager)
    spec = _field(form) if form else None
    if form is None or spec is None:
        return {"prompt": t("dropout-nothing-to-save"), "prefill": "", "has_prefill": False, "optional": False}
    key = f"dropout-ask-{form['step']}-{spec.name}"
    if form["step"] == "close" and spec.name == "note" and _required(form, spec):
        key = "dropout-ask-close-note-other"
    prefill = form.get("prefill", {}).get(spec.name) or ""
    return {
        "prompt": t(key),
        "prefill": prefill,
        "has_prefill": bool(prefill),
        "optional": not _required(form, spec),
    }


async def on_field_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    _s, _a, translator, lang, t = _deps(manager)
    form = _form(manager)
    if form is None or _field(form) is None:
        await message.answer(t("dropout-nothing-to-save"))
        return
    try:
        value = service.check_text(message.text)
    except DropoutError as exc:
        await message.answer(error_text(t, translator, lang, exc))
        return
    await _store(manager, value)


async def on_field_other(message: Message, _widget: Any, manager: DialogManager) -> None:
    await message.answer(manager.middleware_data["t"]("dropout-type-text"))


async def on_keep(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    form = _form(manager)
    spec = _field(form) if form else None
    if form is None or spec is None:
        await manager.switch_to(Dropout.card)
        return
    await _store(manager, form.get("prefill", {}).get(spec.name))


async def on_skip(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    form = _form(manager)
    spec = _field(form) if form else None
    if form is None or spec is None:
        await manager.switch_to(Dropout.card)
        return
    if _required(form, spec):
        await callback.answer(manager.middleware_data["t"]("dropout-text-empty"), show_alert=True)
        return
    await _store(manager, None)


async def on_outcome(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    form = _form(manager)
    if form is None or form["step"] != "close" or item_id not in {o.value for o in CLOSE_OUTCOMES}:
        await callback.answer(manager.middleware_data["t"]("dropout-bad-outcome"), show_alert=True)
        return
    form["outcome"] = item_id
    await manager.switch_to(Dropout.field)


async def get_outcomes(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    _s, _a, translator, lang, _t = _deps(dialog_manager)
    return {
        "outcomes": [
            {"id": o.value, "label": service.outcome_label(translator, lang, o.value)} for o in CLOSE_OUTCOMES
        ]
    }


async def on_cancel_form(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    form = _form(manager)
    manager.dialog_data.pop(FORM, None)
    await manager.switch_to(Dropout.cases if form and form["step"] == "open" else Dropout.card)


# ----------------------------------------------------------------------- save


async def get_save(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, _a, translator, lang, t = _deps(dialog_manager)
    form = _form(dialog_manager)
    if form is None:
        return {"summary": t("dropout-nothing-to-save"), "ready": False}
    today = service.school_today(dialog_manager.middleware_data["clock"], form["tz"])
    day = date.fromisoformat(form["on"]) if form.get("on") else today
    lines = [t(f"dropout-step-{form['step']}", name=form["name"])]
    if form["step"] == "close":
        lines.append(t("dropout-summary-line", field=t("dropout-field-outcome"),
                       value=service.outcome_label(translator, lang, form.get("outcome"))))
    for spec in FORMS[form["step"]]:
        value = form["values"].get(spec.name)
        if value:
            lines.append(t("dropout-summary-line", field=t(f"dropout-field-{form['step']}-{spec.name}"), value=value))
    date_key = "dropout-save-date-today" if day == today else "dropout-save-date"
    lines.append(t(date_key, date=day.isoformat(), example=DATE_EXAMPLE))
    return {"summary": "\n".join(lines), "ready": True}


async def on_date_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    _s, _a, _tr, _l, t = _deps(manager)
    form = _form(manager)
    if form is None:
        await message.answer(t("dropout-nothing-to-save"))
        return
    day = service.parse_day(message.text)
    if day is None:
        await message.answer(t("dropout-bad-date", example=DATE_EXAMPLE))
        return
    today = service.school_today(manager.middleware_data["clock"], form["tz"])
    if day > today:
        await message.answer(t("dropout-date-future"))
        return
    form["on"] = day.isoformat()


async def on_save(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    data = manager.middleware_data
    session, actor, translator, lang, t = _deps(manager)
    clock = data["clock"]
    form = _form(manager)
    if form is None:
        await callback.answer(t("dropout-nothing-to-save"))
        await manager.switch_to(Dropout.card)
        return
    step, values = form["step"], form["values"]
    on = date.fromisoformat(form["on"]) if form.get("on") else None
    expected = form.get("stage")
    try:
        if step == "open":
            case = await service.open_case_manually(
                session, clock, translator, actor, int(form["student_id"]), note=values.get("note"), on=on
            )
            manager.dialog_data[CASE_ID] = case.id
        else:
            case_id = int(form["case_id"])
            if step == "confirm":
                await service.confirm_dropout(session, clock, actor, case_id, on=on, note=values.get("note"),
                                              expected_stage=expected)
            elif step == "report":
                await service.file_report(
                    session, clock, actor, case_id, reason=values.get("reason") or "",
                    parents=values.get("parents") or "", home_address=values.get("address") or "",
                    whereabouts=values.get("whereabouts") or "", on=on, expected_stage=expected,
                )
            elif step == "visit":
                await service.log_visit(
                    session, clock, actor, case_id, visitors=values.get("visitors") or "",
                    said=values.get("said") or "", result=values.get("result") or "", on=on,
                    expected_stage=expected,
                )
            elif step == "enforce":
                await service.start_enforcement(session, clock, actor, case_id, note=values.get("note") or "",
                                                on=on, expected_stage=expected)
            elif step == "returned":
                await service.mark_returned(session, clock, actor, case_id, on=on, expected_stage=expected)
            elif step == "close":
                await service.close_case(session, clock, actor, case_id, outcome=form.get("outcome") or "",
                                         note=values.get("note"), on=on, expected_stage=expected)
    except DropoutError as exc:
        await callback.answer(error_text(t, translator, lang, exc), show_alert=True)
        if exc.key in {"dropout-stage-changed", "dropout-case-ended", "dropout-not-allowed", "dropout-already-open"}:
            manager.dialog_data.pop(FORM, None)
            await manager.switch_to(Dropout.card if CASE_ID in manager.dialog_data else Dropout.cases)
        return
    manager.dialog_data.pop(FORM, None)
    await callback.answer(t("dropout-saved"))
    await manager.switch_to(Dropout.card)


# ------------------------------------------------------------ opening by hand


async def on_new(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    session, actor, *_rest = _deps(manager)
    t = manager.middleware_data["t"]
    classes = await service.classes_to_open_in(session, actor)
    if not classes:
        await callback.answer(t("dropout-no-classes"), show_alert=True)
        return
    if len(classes) == 1:
        manager.dialog_data[CLASS_ID] = classes[0].id
        await manager.switch_to(Dropout.pick_student)
    else:
        await manager.switch_to(Dropout.pick_class)


async def get_classes(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, translator, lang, _t = _deps(dialog_manager)
    classes = await service.classes_to_open_in(session, actor)
    return {
        "classes": [
            {"id": c.id, "label": service.class_label(translator, lang, c.grade, c.name)} for c in classes
        ]
    }


async def on_class(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    session, actor, *_rest = _deps(manager)
    allowed = {str(c.id) for c in await service.classes_to_open_in(session, actor)}
    if item_id not in allowed:
        await _refuse(callback, manager.middleware_data["t"])
        return
    manager.dialog_data[CLASS_ID] = int(item_id)
    await manager.switch_to(Dropout.pick_student)


async def get_students(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, translator, lang, _t = _deps(dialog_manager)
    class_id = dialog_manager.dialog_data.get(CLASS_ID)
    students = await service.students_to_open_for(session, actor, class_id) if isinstance(class_id, int) else []
    classes = {c.id: c for c in await service.classes_to_open_in(session, actor)}
    chosen = classes.get(class_id) if isinstance(class_id, int) else None
    return {
        "students": [{"id": s.id, "name": s.name} for s in students],
        "class_label": service.class_label(translator, lang, chosen.grade if chosen else None,
                                           chosen.name if chosen else None),
        "has_students": bool(students),
        "no_students": not students,
    }


async def on_student(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    session, actor, *_rest = _deps(manager)
    t = manager.middleware_data["t"]
    if not item_id.isdigit() or not await service.can_open_for(session, actor, int(item_id)):
        await _refuse(callback, t)
        return
    name, timezone = await service.student_name_and_timezone(session, int(item_id))
    manager.dialog_data[FORM] = {
        "step": "open", "student_id": int(item_id), "name": name, "tz": timezone,
        "index": 0, "values": {}, "prefill": {}, "on": None,
    }
    await manager.switch_to(Dropout.field)


# ------------------------------------------------------------------ registers


def _months(manager: DialogManager) -> tuple[Month, Month]:
    settings = manager.middleware_data["settings"]
    this = Month.of(service.school_today(manager.middleware_data["clock"], settings.school_timezone))
    return this, this.previous()


async def get_registers(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    this, last = _months(dialog_manager)
    return {"this_month": str(this), "last_month": str(last)}


async def on_register(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    data = manager.middleware_data
    session, actor, translator, lang, t = _deps(manager)
    this, last = _months(manager)
    month = this if button.widget_id == ID_THIS_MONTH else last
    scopes = await register_scopes(session, actor)
    if not scopes:
        await _refuse(callback, t)
        return
    await callback.answer()
    for scope in scopes:
        content = await build_registers(session, scope, month, lang, translator)
        await audit.record(session, data["clock"], actor, audit.Action.EXPORT, audit.DROPOUT_REGISTER_EXPORT,
                           scope=audit.AuditScope(school_id=scope.school_id))
        name = await service.school_name(session, scope.school_id)
        await data["bot"].send_document(
            callback.from_user.id,
            BufferedInputFile(content, filename=register_filename(translator, lang, name, month)),
            caption=t("dropout-register-caption", school=name, month=str(month)),
        )
    # The window goes below the files, so its buttons stay at hand.
    manager.show_mode = ShowMode.DELETE_AND_SEND


# ---------------------------------------------------------------------- dialog


def _step_button(step: str) -> Button:
    return Button(T(f"dropout-button-{step}"), id=step, on_click=on_step, when=f"can_{step}")


dialog = Dialog(
    Window(
        T("dropout-list-title", when="has_cases"),
        T("dropout-list-empty", when="no_cases"),
        ScrollingGroup(
            choices(ID_CASE, "cases", on_case),
            id=ID_CASES_PAGE,
            width=1,
            height=8,
            hide_on_single_page=True,
        ),
        Button(T("dropout-button-new"), id=ID_NEW, on_click=on_new, when="can_open"),
        SwitchTo(T("dropout-button-registers"), id=ID_REGISTERS, state=Dropout.registers, when="can_register"),
        Start(T("dropout-button-menu"), id=ID_MENU, state=MainMenu.main, mode=StartMode.RESET_STACK),
        tap_hint(),
        state=Dropout.cases,
        getter=get_cases,
    ),
    Window(
        Format("{body}"),
        Column(*(_step_button(step) for step in STEPS)),
        SwitchTo(T("dropout-button-list"), id=ID_BACK, state=Dropout.cases),
        tap_hint(),
        state=Dropout.card,
        getter=get_card,
    ),
    Window(
        Format("{prompt}"),
        T("dropout-prefill", when="has_prefill"),
        MessageInput(on_field_text, content_types=ContentType.TEXT),
        MessageInput(on_field_other),
        Button(T("dropout-button-keep"), id=ID_KEEP, on_click=on_keep, when="has_prefill"),
        Button(T("dropout-button-skip"), id=ID_SKIP, on_click=on_skip, when="optional"),
        Button(T("dropout-button-cancel"), id=ID_CANCEL, on_click=on_cancel_form),
        state=Dropout.field,
        getter=get_field,
    ),
    Window(
        T("dropout-choose-outcome"),
        Column(
            choices(ID_OUTCOME, "outcomes", on_outcome),
        ),
        Button(T("dropout-button-cancel"), id=ID_CANCEL, on_click=on_cancel_form),
        tap_hint(),
        state=Dropout.outcome,
        getter=get_outcomes,
    ),
    Window(
        Format("{summary}"),
        MessageInput(on_date_text, content_types=ContentType.TEXT),
        MessageInput(on_field_other),
        Button(T("dropout-button-save"), id=ID_SAVE, on_click=on_save, when="ready"),
        Button(T("dropout-button-cancel"), id=ID_CANCEL, on_click=on_cancel_form),
        state=Dropout.save,
        getter=get_save,
    ),
    Window(
        T("dropout-pick-class"),
        Column(
            choices(ID_CLASS, "classes", on_class),
        ),
        SwitchTo(T("dropout-button-list"), id=ID_BACK, state=Dropout.cases),
        tap_hint(),
        state=Dropout.pick_class,
        getter=get_classes,
    ),
    Window(
        T("dropout-pick-student", when="has_students"),
        T("dropout-no-students", when="no_students"),
        ScrollingGroup(
            choices(ID_STUDENT, "students", on_student, text="name"),
            id=ID_STUDENTS_PAGE,
            width=3,
            height=8,
            hide_on_single_page=True,
        ),
        SwitchTo(T("dropout-button-list"), id=ID_BACK, state=Dropout.cases),
        tap_hint(),
        state=Dropout.pick_student,
        getter=get_students,
    ),
    Window(
        T("dropout-registers-title"),
        Button(T("dropout-button-this-month"), id=ID_THIS_MONTH, on_click=on_register),
        Button(T("dropout-button-last-month"), id=ID_LAST_MONTH, on_click=on_register),
        SwitchTo(T("dropout-button-list"), id=ID_BACK, state=Dropout.cases),
        tap_hint(),
        state=Dropout.registers,
        getter=get_registers,
    ),
    on_start=on_start,
    name="dropout",
)


def may_open_dropout(data: dict[str, Any], _widget: Any, manager: DialogManager) -> bool:
    """For the main menu's button: head teachers, school admins and bureau officers."""
    actor = manager.middleware_data.get("actor")
    return isinstance(actor, Actor) and service.may_use(actor)
