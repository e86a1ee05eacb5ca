"""调查摸底: the census dialog (rules: services/census.py).

Head teacher: the class's left-behind students (⬜ not yet, ✅ no change, ✏️ changed) →
a student's card (away parents and where they work, guardians) → "✅ No change" (then
straight on to the next unconfirmed student) or "✏️ Changed" → what changed: no longer
left-behind, left-behind now (which parents, where), a parent's workplace, the main
guardian (an earlier one or a new name + phone, which current ones stop), transferred.
"➕ Another student" lists the class's other students, to mark one left-behind now.

School admin: the progress per class, the classes to open, and the change report's
spreadsheet. Every tap is checked again by the service: dialog data can be stale,
buttons forged.
"""

from __future__ import annotations

from typing import Any

from aiogram.enums import ContentType
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, StartMode, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Column, ScrollingGroup, Start, SwitchTo
from aiogram_dialog.widgets.text import Format

from dialogs.common import choices, tap_hint
from dialogs.states import Census, MainMenu
from dialogs.widgets import T
from services import audit
from services import census as service
from services.access import Actor
from services.census import CensusError
from services.ledger import relation_label

CLASS_ID = "class_id"  # also the start data key (the start message's button)
STUDENT_ID = "student_id"
FORM = "form"
SAVED = "saved"
SEVERAL = "several"

ID_CLASS = "cx_class"
ID_REPORT = "cx_report"
ID_STUDENT = "cx_student"
ID_STUDENTS_PAGE = "cx_students_page"
ID_OTHER = "cx_other"
ID_OTHERS_PAGE = "cx_others_page"
ID_SAME = "cx_same"
ID_CHANGED = "cx_changed"
ID_KIND = "cx_kind"
ID_PARENTS = "cx_parents"
ID_PARENT = "cx_parent"
ID_SKIP = "cx_skip"
ID_YES = "cx_yes"
ID_GUARDIAN = "cx_guardian"
ID_NEW_GUARDIAN = "cx_new_guardian"
ID_RELATION = "cx_relation"
ID_TOGGLE = "cx_toggle"
ID_SAVE = "cx_save"
ID_BACK = "cx_back"
ID_TO_LIST = "cx_to_list"
ID_TO_CLASSES = "cx_to_classes"
ID_MENU = "menu"

PARENT_CHOICES = {"father": ["father"], "mother": ["mother"], "both": ["father", "mother"]}


def _deps(manager: DialogManager) -> tuple[Any, Any, Any, Actor, Any, str]:
    data = manager.middleware_data
    return data["session"], data["clock"], data["translator"], data["actor"], data["t"], data["lang"]


async def _refuse(callback: CallbackQuery, manager: DialogManager, exc: CensusError | None = None) -> None:
    t = manager.middleware_data["t"]
    await callback.answer(t(exc.key if exc else "census-bad-button", **(exc.params if exc else {})), show_alert=True)


def _menu() -> Start:
    return Start(T("census-button-menu"), id=ID_MENU, state=MainMenu.main, mode=StartMode.RESET_STACK)


def _student_id(manager: DialogManager) -> int | None:
    value = manager.dialog_data.get(STUDENT_ID)
    return value if isinstance(value, int) else None


def _form(manager: DialogManager) -> dict[str, Any]:
    form = manager.dialog_data.get(FORM)
    if not isinstance(form, dict):
        form = {}
        manager.dialog_data[FORM] = form
    return form


# ------------------------------------------------------------------- classes


async def on_start(start_data: Any, manager: DialogManager) -> None:
    session, _clock, _tr, actor, _t, _lang = _deps(manager)
    classes = await service.my_classes(session, actor)
    manager.dialog_data[SEVERAL] = len(classes) > 1 or bool(actor.admin_school_ids)
    wanted = start_data.get(CLASS_ID) if isinstance(start_data, dict) else None
    if isinstance(wanted, int) and any(c.id == wanted for c in classes):
        manager.dialog_data[CLASS_ID] = wanted
        await manager.switch_to(Census.students)
    elif len(classes) == 1 and not actor.admin_school_ids:
        manager.dialog_data[CLASS_ID] = classes[0].id
        await manager.switch_to(Census.students)


async def get_classes(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, clock, translator, actor, t, lang = _deps(dialog_manager)
    lines: list[str] = []
    reports = []
    for school_id in sorted(actor.admin_school_ids):
        try:
            term, progress = await service.school_progress(session, clock, actor, school_id)
        except CensusError as exc:
            lines.append(t(exc.key))
            continue
        lines.append(t("census-progress-title", term=term.name))
        lines += [
            t("census-progress-line", class_label=service.class_label(translator, lang, p.school_class),
              head=p.head_teacher or t("census-no-head"), confirmed=p.confirmed, listed=p.listed,
              unconfirmed=p.unconfirmed)
            for p in progress
        ]
        reports.append({"id": str(term.id), "label": t("census-download-button")})
    items = []
    for school_class in await service.my_classes(session, actor):
        items.append({"id": str(school_class.id), "label": service.class_label(translator, lang, school_class)})
    return {
        "body": "\n".join(lines) if lines else t("census-pick-class"),
        "classes": items,
        "reports": reports,
        "has_none": not items,
    }


async def on_class(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    session, clock, _tr, actor, _t, _lang = _deps(manager)
    try:
        await service.class_census(session, clock, actor, int(item_id))
    except (ValueError, CensusError) as exc:
        await _refuse(callback, manager, exc if isinstance(exc, CensusError) else None)
        return
    manager.dialog_data[CLASS_ID] = int(item_id)
    manager.dialog_data.pop(SAVED, None)
    await manager.switch_to(Census.students)


async def send_report(callback: CallbackQuery, data: dict[str, Any], term_id: int) -> bool:
    """The spreadsheet to the admin who tapped; False (and an alert) when not theirs."""
    session, clock, translator, actor, t = data["session"], data["clock"], data["translator"], data["actor"], data["t"]
    try:
        term = await service.report_term(session, actor, term_id)
    except CensusError as exc:
        await callback.answer(t(exc.key), show_alert=True)
        return False
    await callback.answer()
    lang = data["lang"]
    content = await service.build_report(session, clock, translator, lang, term)
    await audit.record(
        session, clock, actor, audit.Action.EXPORT, audit.CENSUS_EXPORT, scope=audit.AuditScope(term.school_id)
    )
    name = service.report_filename(translator, lang, term)
    await data["bot"].send_document(
        callback.from_user.id, BufferedInputFile(content, filename=name),
        caption=t("census-report-caption", term=term.name),
    )
    return True


async def on_report(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    try:
        term_id = int(item_id)
    except ValueError:
        await _refuse(callback, manager)
        return
    if await send_report(callback, manager.middleware_data, term_id):
        manager.show_mode = ShowMode.DELETE_AND_SEND


# ------------------------------------------------------------------ students


async def get_students(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, clock, translator, actor, t, lang = _deps(dialog_manager)
    class_id = dialog_manager.dialog_data.get(CLASS_ID)
    saved = dialog_manager.dialog_data.get(SAVED) or ""
    base = {"saved": saved, "has_saved": bool(saved), "several": bool(dialog_manager.dialog_data.get(SEVERAL))}
    try:
        census = await service.class_census(session, clock, actor, int(class_id or 0))
    except CensusError as exc:
        return {**base, "body": t(exc.key), "students": [], "ready": False}
    marks = {None: "⬜", "unchanged": "✅", "changed": "✏️"}
    items = [
        {"id": str(s.id), "label": t("census-student-button", mark=marks.get(s.status, "⬜"), name=s.name)}
        for s in census.students
    ]
    body = t(
        "census-class-title", term=census.term.name,
        class_label=service.class_label(translator, lang, census.school_class),
        confirmed=census.confirmed, listed=len(census.students),
    )
    if not census.students:
        body += "\n" + t("census-class-empty")
    return {**base, "body": body, "students": items, "ready": True}


async def _open_student(manager: DialogManager, student_id: int) -> None:
    manager.dialog_data[STUDENT_ID] = student_id
    manager.dialog_data.pop(FORM, None)
    await manager.switch_to(Census.student)


async def on_student(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    session, clock, _tr, actor, _t, _lang = _deps(manager)
    try:
        card = await service.student_card(session, clock, actor, int(item_id))
    except (ValueError, CensusError) as exc:
        await _refuse(callback, manager, exc if isinstance(exc, CensusError) else None)
        return
    manager.dialog_data[CLASS_ID] = card.class_id
    manager.dialog_data.pop(SAVED, None)
    await _open_student(manager, card.student_id)


async def get_others(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, clock, _tr, actor, _t, _lang = _deps(dialog_manager)
    try:
        others = await service.other_students(session, clock, actor, int(dialog_manager.dialog_data.get(CLASS_ID) or 0))
    except CensusError:
        others = []
    return {"students": [{"id": str(s.id), "label": s.name} for s in others], "has_none": not others}


# -------------------------------------------------------------------- a card


def _card_text(manager: DialogManager, card: service.StudentCard) -> str:
    _s, _c, translator, _a, t, lang = _deps(manager)
    none = t("census-unknown")
    lines = [t("census-card-title", name=card.name, term=card.term_name)]
    lines.append(t("census-card-left-behind") if card.is_left_behind else t("census-card-not-left-behind"))
    lines.append(t("census-card-parents"))
    lines += [
        t("census-card-parent", relation=relation_label(translator, lang, p.relation), place=p.work_place or none)
        for p in card.parents
    ] or [t("census-card-none")]
    lines.append(t("census-card-guardians"))
    lines += [
        t("census-card-guardian", relation=relation_label(translator, lang, g.relation), name=g.name,
          phone=g.phone or none)
        for g in card.current_guardians
    ] or [t("census-card-none")]
    if card.status is None:
        lines.append(t("census-card-open"))
    elif not card.changes:
        lines.append(t("census-card-unchanged"))
    else:
        lines.append(t("census-card-changes"))
        for change in card.changes:
            before, after = service.change_texts(translator, lang, change)
            kind = t(f"census-kind-{change.kind.replace('_', '-')}")
            lines.append(t("census-card-change", kind=kind, before=before or "—", after=after))
    return "\n".join(lines)


async def _card(manager: DialogManager) -> service.StudentCard | None:
    session, clock, _tr, actor, _t, _lang = _deps(manager)
    student_id = _student_id(manager)
    if student_id is None:
        return None
    try:
        return await service.student_card(session, clock, actor, student_id)
    except CensusError:
        return None


async def get_student(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    t = dialog_manager.middleware_data["t"]
    card = await _card(dialog_manager)
    saved = dialog_manager.dialog_data.get(SAVED) or ""
    if card is None:
        return {"body": t("census-bad-button"), "open": False, "ok": False, "saved": "", "has_saved": False}
    data = dialog_manager.middleware_data
    await audit.record_read_once(
        data["session"], data["clock"], data["actor"], audit.CENSUS_CARD, card.student_id, dialog_manager.dialog_data
    )
    return {"body": _card_text(dialog_manager, card), "open": card.status is None, "ok": True,
            "saved": saved, "has_saved": bool(saved)}


async def on_same(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    session, clock, _tr, actor, t, _lang = _deps(manager)
    student_id = _student_id(manager)
    try:
        card = await service.student_card(session, clock, actor, student_id or 0)
        new = await service.confirm_unchanged(session, clock, actor, card.student_id)
    except CensusError as exc:
        await _refuse(callback, manager, exc)
        return
    await callback.answer(t("census-toast-unchanged" if new else "census-toast-already", name=card.name))
    census = await service.class_census(session, clock, actor, card.class_id)
    following = [s for s in census.unconfirmed if s.id != card.student_id]
    manager.dialog_data[SAVED] = t("census-saved-unchanged", name=card.name)
    if following:
        await _open_student(manager, following[0].id)
    else:
        manager.dialog_data[SAVED] = t("census-saved-all-done", name=card.name)
        await manager.switch_to(Census.students)


async def on_to_list(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop(SAVED, None)
    manager.dialog_data.pop(FORM, None)
    await manager.switch_to(Census.students)


# ------------------------------------------------------------------- changes


KINDS = ("stopped", "became", "place", "guardian", "transfer")


async def get_kinds(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    t = dialog_manager.middleware_data["t"]
    card = await _card(dialog_manager)
    if card is None:
        return {"name": "", "kinds": []}
    wanted = []
    if card.is_left_behind:
        wanted.append("stopped")
    else:
        wanted.append("became")
    if card.parents:
        wanted.append("place")
    wanted += ["guardian", "transfer"]
    return {"name": card.name, "kinds": [{"id": k, "label": t(f"census-change-{k}")} for k in wanted]}


async def on_kind(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    card = await _card(manager)
    if card is None or item_id not in KINDS:
        await _refuse(callback, manager)
        return
    manager.dialog_data[FORM] = {"kind": item_id}
    manager.dialog_data.pop(SAVED, None)
    if item_id == "stopped":
        await manager.switch_to(Census.left_off)
    elif item_id == "became":
        await manager.switch_to(Census.left_on)
    elif item_id == "place":
        if len(card.parents) == 1:
            _form(manager)["relation"] = card.parents[0].relation
            await manager.switch_to(Census.place_text)
        else:
            await manager.switch_to(Census.place_parent)
    elif item_id == "guardian":
        await manager.switch_to(Census.guardian_pick)
    else:
        await manager.switch_to(Census.transfer)


async def _saved(callback: CallbackQuery, manager: DialogManager, name: str) -> None:
    t = manager.middleware_data["t"]
    await callback.answer(t("census-toast-saved", name=name))
    manager.dialog_data[SAVED] = t("census-saved-change", name=name)
    manager.dialog_data.pop(FORM, None)
    await manager.switch_to(Census.student)


async def _saved_from_text(message: Message, manager: DialogManager, name: str) -> None:
    t = manager.middleware_data["t"]
    manager.dialog_data[SAVED] = t("census-saved-change", name=name)
    manager.dialog_data.pop(FORM, None)
    await manager.switch_to(Census.student)


async def on_not_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    await message.answer(manager.middleware_data["t"]("census-type-text"))


# no longer left-behind


async def get_left_off(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    card = await _card(dialog_manager)
    return {"name": card.name if card else ""}


async def on_left_off(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    session, clock, _tr, actor, _t, _lang = _deps(manager)
    card = await _card(manager)
    if card is None:
        await _refuse(callback, manager)
        return
    try:
        await service.mark_not_left_behind(session, clock, actor, card.student_id)
    except CensusError as exc:
        await _refuse(callback, manager, exc)
        return
    await _saved(callback, manager, card.name)


# left-behind now


async def get_left_on(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    t = dialog_manager.middleware_data["t"]
    card = await _card(dialog_manager)
    return {"name": card.name if card else "",
            "parents": [{"id": k, "label": t(f"census-parents-{k}")} for k in PARENT_CHOICES]}


async def on_left_on_parents(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    if item_id not in PARENT_CHOICES or _form(manager).get("kind") != "became":
        await _refuse(callback, manager)
        return
    _form(manager)["relations"] = PARENT_CHOICES[item_id]
    await manager.switch_to(Census.left_on_place)


async def _left_on(manager: DialogManager, place: str | None) -> str:
    session, clock, _tr, actor, _t, _lang = _deps(manager)
    form = _form(manager)
    card = await _card(manager)
    relations = form.get("relations")
    if card is None or form.get("kind") != "became" or not isinstance(relations, list):
        raise CensusError("census-bad-button")
    await service.mark_left_behind(session, clock, actor, card.student_id, relations, place)
    return card.name


async def on_left_on_place(message: Message, _widget: Any, manager: DialogManager) -> None:
    try:
        name = await _left_on(manager, message.text)
    except CensusError as exc:
        await message.answer(manager.middleware_data["t"](exc.key, **exc.params))
        return
    await _saved_from_text(message, manager, name)


async def on_left_on_skip(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    try:
        name = await _left_on(manager, None)
    except CensusError as exc:
        await _refuse(callback, manager, exc)
        return
    await _saved(callback, manager, name)


# where a parent works


async def get_place_parents(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    _s, _c, translator, _a, _t, lang = _deps(dialog_manager)
    card = await _card(dialog_manager)
    return {"parents": [{"id": p.relation, "label": relation_label(translator, lang, p.relation)}
                        for p in (card.parents if card else [])]}


async def on_place_parent(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    card = await _card(manager)
    if card is None or item_id not in {p.relation for p in card.parents}:
        await _refuse(callback, manager)
        return
    _form(manager)["relation"] = item_id
    await manager.switch_to(Census.place_text)


async def get_place_text(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    _s, _c, translator, _a, t, lang = _deps(dialog_manager)
    card = await _card(dialog_manager)
    relation = _form(dialog_manager).get("relation") or "other"
    old = next((p.work_place for p in (card.parents if card else []) if p.relation == relation), None)
    return {"relation": relation_label(translator, lang, str(relation)), "old": old or t("census-unknown")}


async def on_place_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    session, clock, _tr, actor, t, _lang = _deps(manager)
    card = await _card(manager)
    relation = _form(manager).get("relation")
    if card is None or not isinstance(relation, str):
        await message.answer(t("census-bad-button"))
        return
    try:
        await service.change_work_place(session, clock, actor, card.student_id, relation, message.text)
    except CensusError as exc:
        await message.answer(t(exc.key, **exc.params))
        return
    await _saved_from_text(message, manager, card.name)


# the main guardian


async def get_guardians(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    _s, _c, translator, _a, t, lang = _deps(dialog_manager)
    card = await _card(dialog_manager)
    items = []
    for g in service.guardian_choices(card) if card else []:
        key = "census-guardian-choice" if g.current else "census-guardian-choice-past"
        items.append({"id": str(g.person_id),
                      "label": t(key, name=g.name, relation=relation_label(translator, lang, g.relation))})
    return {"name": card.name if card else "", "guardians": items}


async def on_guardian(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    card = await _card(manager)
    choices_ = {str(g.person_id): g for g in service.guardian_choices(card)} if card else {}
    chosen = choices_.get(item_id)
    if card is None or chosen is None:
        await _refuse(callback, manager)
        return
    form = _form(manager)
    form.update({"person_id": chosen.person_id, "name": chosen.name, "relation": chosen.relation,
                 "end": [g.link_id for g in card.current_guardians if g.person_id != chosen.person_id]})
    await manager.switch_to(Census.guardian_confirm)


async def on_new_guardian_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    t = manager.middleware_data["t"]
    try:
        name, phone = service.check_new_guardian(message.text)
    except CensusError as exc:
        await message.answer(t(exc.key, **exc.params))
        return
    card = await _card(manager)
    form = _form(manager)
    form.update({"person_id": None, "name": name, "phone": phone,
                 "end": [g.link_id for g in card.current_guardians] if card else []})
    await manager.switch_to(Census.guardian_relation)


async def get_relations(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    _s, _c, translator, _a, _t, lang = _deps(dialog_manager)
    return {"name": _form(dialog_manager).get("name") or "",
            "relations": [{"id": r, "label": relation_label(translator, lang, r)} for r in service.GUARDIAN_RELATIONS]}


async def on_relation(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    form = _form(manager)
    if item_id not in service.GUARDIAN_RELATIONS or not form.get("phone"):
        await _refuse(callback, manager)
        return
    form["relation"] = item_id
    await manager.switch_to(Census.guardian_confirm)


async def get_guardian_confirm(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    _s, _c, translator, _a, t, lang = _deps(dialog_manager)
    card = await _card(dialog_manager)
    form = _form(dialog_manager)
    ending = set(form.get("end") or [])
    toggles = []
    for g in card.current_guardians if card else []:
        if g.person_id == form.get("person_id"):
            continue
        key = "census-guardian-ends" if g.link_id in ending else "census-guardian-stays"
        toggles.append({"id": str(g.link_id),
                        "label": t(key, name=g.name, relation=relation_label(translator, lang, g.relation))})
    body = t("census-guardian-confirm", student=card.name if card else "", name=form.get("name") or "",
             relation=relation_label(translator, lang, str(form.get("relation") or "other")))
    return {"body": body, "toggles": toggles, "has_toggles": bool(toggles)}


async def on_toggle(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    card = await _card(manager)
    form = _form(manager)
    links = {str(g.link_id): g.link_id for g in card.current_guardians} if card else {}
    if item_id not in links:
        await _refuse(callback, manager)
        return
    ending = set(form.get("end") or [])
    ending ^= {links[item_id]}
    form["end"] = sorted(ending)


async def on_guardian_save(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    session, clock, _tr, actor, _t, _lang = _deps(manager)
    card = await _card(manager)
    form = _form(manager)
    if card is None or not form.get("relation"):
        await _refuse(callback, manager)
        return
    try:
        await service.change_guardian(
            session, clock, actor, card.student_id, relation=str(form["relation"]),
            person_id=form.get("person_id"), new_name=form.get("name"), new_phone=form.get("phone"),
            end_link_ids=list(form.get("end") or []),
        )
    except CensusError as exc:
        await _refuse(callback, manager, exc)
        return
    await _saved(callback, manager, card.name)


# transferred


async def _transfer(manager: DialogManager, destination: str | None) -> str:
    session, clock, translator, actor, _t, _lang = _deps(manager)
    card = await _card(manager)
    if card is None:
        raise CensusError("census-bad-button")
    await service.note_transfer(session, clock, translator, actor, card.student_id, destination)
    return card.name


async def on_transfer_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    try:
        name = await _transfer(manager, message.text)
    except CensusError as exc:
        await message.answer(manager.middleware_data["t"](exc.key, **exc.params))
        return
    await _saved_from_text(message, manager, name)


async def on_transfer_skip(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    try:
        name = await _transfer(manager, None)
    except CensusError as exc:
        await _refuse(callback, manager, exc)
        return
    await _saved(callback, manager, name)


async def get_name(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    card = await _card(dialog_manager)
    return {"name": card.name if card else ""}


# -------------------------------------------------------------------- dialog


def _back_to_card() -> SwitchTo:
    return SwitchTo(T("census-button-back"), id=ID_BACK, state=Census.student)


def _text_input(handler: Any) -> tuple[MessageInput, MessageInput]:
    return MessageInput(handler, content_types=ContentType.TEXT), MessageInput(on_not_text)


dialog = Dialog(
    Window(
        Format("{body}"),
        ScrollingGroup(choices(ID_CLASS, "classes", on_class), id="cx_classes_page", width=2, height=8,
                       hide_on_single_page=True),
        Column(choices(ID_REPORT, "reports", on_report)),
        T("census-no-classes", when="has_none"),
        _menu(),
        tap_hint(),
        state=Census.classes,
        getter=get_classes,
    ),
    Window(
        Format("{saved}", when="has_saved"),
        Format("{body}"),
        ScrollingGroup(choices(ID_STUDENT, "students", on_student), id=ID_STUDENTS_PAGE, width=2, height=10,
                       hide_on_single_page=True),
        SwitchTo(T("census-button-other"), id=ID_OTHER, state=Census.others, when="ready"),
        SwitchTo(T("census-button-classes"), id=ID_TO_CLASSES, state=Census.classes, when="several"),
        _menu(),
        tap_hint(),
        state=Census.students,
        getter=get_students,
    ),
    Window(
        T("census-others-title"),
        T("census-others-none", when="has_none"),
        ScrollingGroup(choices(ID_OTHER, "students", on_student), id=ID_OTHERS_PAGE, width=2, height=10,
                       hide_on_single_page=True),
        Button(T("census-button-list"), id=ID_TO_LIST, on_click=on_to_list),
        tap_hint(),
        state=Census.others,
        getter=get_others,
    ),
    Window(
        Format("{saved}", when="has_saved"),
        Format("{body}"),
        Button(T("census-button-same"), id=ID_SAME, on_click=on_same, when="open"),
        SwitchTo(T("census-button-changed"), id=ID_CHANGED, state=Census.change, when="ok"),
        Button(T("census-button-list"), id=ID_TO_LIST, on_click=on_to_list),
        tap_hint(),
        state=Census.student,
        getter=get_student,
    ),
    Window(
        T("census-change-title"),
        Column(choices(ID_KIND, "kinds", on_kind)),
        _back_to_card(),
        tap_hint(),
        state=Census.change,
        getter=get_kinds,
    ),
    Window(
        T("census-left-on-title"),
        Column(choices(ID_PARENTS, "parents", on_left_on_parents)),
        _back_to_card(),
        tap_hint(),
        state=Census.left_on,
        getter=get_left_on,
    ),
    Window(
        T("census-left-on-place"),
        *_text_input(on_left_on_place),
        Button(T("census-button-dont-know"), id=ID_SKIP, on_click=on_left_on_skip),
        _back_to_card(),
        state=Census.left_on_place,
        getter=get_name,
    ),
    Window(
        T("census-left-off-confirm"),
        Button(T("census-button-yes"), id=ID_YES, on_click=on_left_off),
        _back_to_card(),
        tap_hint(),
        state=Census.left_off,
        getter=get_left_off,
    ),
    Window(
        T("census-place-parent"),
        Column(choices(ID_PARENT, "parents", on_place_parent)),
        _back_to_card(),
        tap_hint(),
        state=Census.place_parent,
        getter=get_place_parents,
    ),
    Window(
        T("census-place-text"),
        *_text_input(on_place_text),
        _back_to_card(),
        state=Census.place_text,
        getter=get_place_text,
    ),
    Window(
        T("census-guardian-pick"),
        Column(choices(ID_GUARDIAN, "guardians", on_guardian)),
        SwitchTo(T("census-button-new-guardian"), id=ID_NEW_GUARDIAN, state=Census.guardian_new),
        _back_to_card(),
        tap_hint(),
        state=Census.guardian_pick,
        getter=get_guardians,
    ),
    Window(
        T("census-guardian-new"),
        *_text_input(on_new_guardian_text),
        _back_to_card(),
        state=Census.guardian_new,
        getter=get_name,
    ),
    Window(
        T("census-guardian-relation"),
        ScrollingGroup(choices(ID_RELATION, "relations", on_relation), id="cx_relations_page", width=2, height=4,
                       hide_on_single_page=True),
        _back_to_card(),
        tap_hint(),
        state=Census.guardian_relation,
        getter=get_relations,
    ),
    Window(
        Format("{body}"),
        T("census-guardian-toggle-hint", when="has_toggles"),
        Column(choices(ID_TOGGLE, "toggles", on_toggle)),
        Button(T("census-button-save"), id=ID_SAVE, on_click=on_guardian_save),
        _back_to_card(),
        tap_hint(),
        state=Census.guardian_confirm,
        getter=get_guardian_confirm,
    ),
    Window(
        T("census-transfer-text"),
        *_text_input(on_transfer_text),
        Button(T("census-button-dont-know"), id=ID_SKIP, on_click=on_transfer_skip),
        _back_to_card(),
        state=Census.transfer,
        getter=get_name,
    ),
    on_start=on_start,
    name="census",
)


def may_open_census(data: dict[str, Any], _widget: Any, manager: DialogManager) -> bool:
    """For the main menu's button: head teachers and school admins."""
    actor = manager.middleware_data.get("actor")
    return isinstance(actor, Actor) and service.may_use(actor)
