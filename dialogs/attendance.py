"""The daily arrival report on screen; the rules and the tap budget are in
services/attendance.py (its docstring walks through the taps).

pick (several classes) → sheet (roster grid, reason rows, submit) → saved (summary, reason
rows that save at once, "edit", "done"); view is the read-only screen of subject teachers
and mentors; school (one line per class of the admin's schools, paged) → school_class (one
class's not-present list) is the read-only screen of school admins, reached from any of
the others by an admin who is also a teacher. The draft (only the students the teacher changed) lives in dialog_data as
JSON; nothing reaches the database before submit.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, StartMode
from aiogram_dialog import Window as DialogWindow
from aiogram_dialog.api.protocols import DialogProtocol
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Column, Group, Keyboard, Row
from aiogram_dialog.widgets.text import Format

from db.repositories import attendance as repo
from dialogs.common import choices
from dialogs.states import Attendance, MainMenu
from dialogs.widgets import T
from locales import Translate
from services import attendance as svc
from services.access import Actor
from services.attendance import AttendanceError, SheetView, StudentState

PAGE_SIZE = 30  # names per page: 10 rows of 3; a class of 60 is two pages
ROW_WIDTH = 3
REASON_ROWS = 10  # reason rows per screen (5 buttons each; Telegram allows 100 buttons)

ID_PICK = "cls"
ID_VIEW = "view"
ID_ROSTER = "st"
ID_REASONS = "rs"
ID_SAVED_REASONS = "rz"
ID_SUBMIT = "sub"
ID_PREV = "prev"
ID_NEXT = "next"
ID_MORE = "more"
ID_EDIT = "edit"
ID_DONE = "done"
ID_BACK = "back"
ID_SCHOOL = "school"
ID_SCHOOL_CLASS = "sc"
ID_SCHOOL_PREV = "sprev"
ID_SCHOOL_NEXT = "snext"
ID_SCHOOL_BACK = "sback"

# dialog_data keys (JSON-safe values only)
CLASS_ID = "class_id"
DAY = "day"
DRAFT = "draft"
PAGE = "page"
REASON_PAGE = "rpage"
ASKED = "asked"
CLASSES = "classes"
CAN_VIEW = "can_view"
SCHOOL_PAGE = "spage"
CAME_FROM = "from"  # the teacher's screen an admin left for the school overview
SHOWN_CLASS = "shown"

# Lines per overview page: one Telegram message holds 4,096 characters, a line ~40.
SCHOOL_PAGE_LINES = 40

ICONS = {
    "unknown": "❌",
    "sick": "🤒",
    "personal": "📝",
    "family": "🏠",
    "late": "⏰",
}
NAME = "name"  # the name cell of a reason row


# ------------------------------------------------------------------- opening


async def launch(manager: DialogManager, *, over_menu: bool) -> str | None:
    """Open what /attendance means for this person now. Returns the locale key of the
    answer instead when there is nothing to open (not a school day, no class)."""
    data = manager.middleware_data
    session, clock, actor = data["session"], data["clock"], data["actor"]
    if actor.is_school_admin and not actor.is_teacher:
        await _start(manager, Attendance.school, {}, over_menu)
        return None
    entry = await svc.entry_for(session, clock, actor)
    if entry.kind in ("not_school_day", "no_class") and actor.is_school_admin:
        # Nothing of their own today: the admin still has the school to look after.
        await _start(manager, Attendance.school, {}, over_menu)
        return None
    if entry.kind == "not_school_day":
        return "attendance-not-school-day"
    if entry.kind == "no_class":
        return "attendance-no-class"
    start_data: dict[str, Any] = {CAN_VIEW: entry.can_view}
    state = Attendance.view
    if entry.kind == "sheet":
        assert entry.class_id is not None
        _info, day = await svc.open_for_edit(session, clock, actor, entry.class_id)
        start_data.update({CLASS_ID: entry.class_id, DAY: day.isoformat()})
        state = Attendance.sheet
    elif entry.kind == "pick":
        start_data[CLASSES] = [c.id for c in entry.classes]
        state = Attendance.pick
    await _start(manager, state, start_data, over_menu)
    return None


async def launch_sheet(manager: DialogManager, class_id: int, *, over_menu: bool) -> None:
    """Open one class's sheet (the reminder's button); refuses like the sheet itself."""
    data = manager.middleware_data
    _info, day = await svc.open_for_edit(data["session"], data["clock"], data["actor"], class_id)
    await _start(manager, Attendance.sheet, {CLASS_ID: class_id, DAY: day.isoformat()}, over_menu)


async def _start(manager: DialogManager, state: Any, start_data: dict[str, Any], over_menu: bool) -> None:
    if over_menu:
        # "Done" then lands in the menu, as with every other screen opened by a command.
        await manager.start(MainMenu.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.NO_UPDATE)
    await manager.start(state, data=start_data, show_mode=ShowMode.SEND)


async def on_start(start_data: Any, manager: DialogManager) -> None:
    manager.dialog_data.update(start_data or {})
    manager.dialog_data.setdefault(DRAFT, {})


# ------------------------------------------------------------------- helpers


def _deps(manager: DialogManager) -> tuple[Any, Any, Actor, Translate]:
    data = manager.middleware_data
    return data["session"], data["clock"], data["actor"], data["t"]


def _draft(manager: DialogManager) -> dict[int, str]:
    return svc.draft_from_json(manager.dialog_data.get(DRAFT))


async def _view(manager: DialogManager, *, with_draft: bool = True) -> SheetView:
    session, clock, actor, _t = _deps(manager)
    class_id = manager.dialog_data.get(CLASS_ID)
    day = manager.dialog_data.get(DAY)
    if not isinstance(class_id, int) or not isinstance(day, str):
        raise AttendanceError("attendance-bad-button")
    return await svc.load_sheet(
        session, clock, actor, class_id, date.fromisoformat(day),
        _draft(manager) if with_draft else None,
    )


async def _fresh_view(manager: DialogManager) -> SheetView:
    """The sheet for a tap that changes something: refused when it is not today's."""
    view = await _view(manager)
    if view.stale:
        raise AttendanceError("attendance-stale-day")
    return view


async def _refuse(callback: CallbackQuery, manager: DialogManager, exc: AttendanceError) -> None:
    await callback.answer(manager.middleware_data["t"](exc.key, **exc.params), show_alert=True)


def _label(t: Translate, grade: int, name: str) -> str:
    return t("menu-class-label", grade=grade, class_name=name)


def _date(t: Translate, day: date) -> str:
    return t("attendance-date", month=day.month, day=day.day)


def _time(moment: Any, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%H:%M")


def _icon(state: StudentState) -> str:
    return ICONS.get(state.reason or "unknown", ICONS["unknown"])


def _line(t: Translate, state: StudentState) -> str:
    extra = []
    if state.from_guardian:
        extra.append(t("attendance-line-from-guardian"))
    if state.guardian_answer:
        answer = t(f"attendance-answer-{state.guardian_answer.replace('_', '-')}")
        extra.append(t("attendance-line-answer", answer=answer))
    if state.unreachable:
        extra.append(t("attendance-line-unreachable"))
    if state.drafted:
        extra.append(t("attendance-line-draft"))
    reason = t(f"attendance-reason-name-{state.reason or 'unknown'}")
    return t("attendance-line", icon=_icon(state), name=state.name, reason=reason, extra="".join(extra))


def _reason_rows(t: Translate, students: list[StudentState], page: int) -> tuple[list[dict[str, str]], int]:
    """[name][sick][leave][late][unknown] for each student not present, a page at a time;
    the current reason is ticked."""
    pages = max(1, -(-len(students) // REASON_ROWS))
    page = min(max(page, 0), pages - 1)
    items = []
    for s in students[page * REASON_ROWS : (page + 1) * REASON_ROWS]:
        items.append({"id": f"{s.student_id}.{NAME}", "label": f"{_icon(s)}{s.name}"})
        for reason in svc.TEACHER_REASONS:
            label = t(f"attendance-reason-{reason}")
            if s.reason == reason:
                label = "✓" + label
            items.append({"id": f"{s.student_id}.{reason}", "label": label})
    return items, pages


def _parse_reason_item(item_id: str) -> tuple[int, str]:
    student, _, reason = item_id.partition(".")
    try:
        return int(student), reason
    except ValueError:
        raise AttendanceError("attendance-bad-button") from None


class OldButton(Keyboard):
    """Last in a window: a tap meant for an earlier screen of this dialog (a second tap on
    Submit, a button of a page since left) gets a clear answer instead of silence."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key

    async def _render_keyboard(self, data: dict, manager: DialogManager) -> list:
        return []

    async def _process_other_callback(
        self, callback: CallbackQuery, dialog: DialogProtocol, manager: DialogManager
    ) -> bool:
        await callback.answer(manager.middleware_data["t"](self.key), show_alert=True)
        return True


async def _typed(message: Message, _widget: Any, manager: DialogManager) -> None:
    await message.answer(manager.middleware_data["t"]("attendance-tap-hint"))
    manager.show_mode = ShowMode.DELETE_AND_SEND


def tap_hint() -> MessageInput:
    return MessageInput(_typed)


# ---------------------------------------------------------------------- pick


async def get_pick(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, _clock, _actor, t = _deps(dialog_manager)
    ids = dialog_manager.dialog_data.get(CLASSES) or []
    classes = await repo.classes_by_ids(session, ids)
    return {
        "classes": [
            {"id": c.id, "label": t("attendance-class-button", class_label=_label(t, c.grade, c.name))}
            for c in classes
        ],
        "can_view": bool(dialog_manager.dialog_data.get(CAN_VIEW)),
    }


async def on_pick(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    session, clock, actor, _t = _deps(manager)
    try:
        class_id = int(item_id)
        _info, day = await svc.open_for_edit(session, clock, actor, class_id)
    except ValueError:
        await _refuse(callback, manager, AttendanceError("attendance-bad-button"))
        return
    except AttendanceError as exc:
        await _refuse(callback, manager, exc)
        return
    manager.dialog_data.update({CLASS_ID: class_id, DAY: day.isoformat(), DRAFT: {}, PAGE: 0, REASON_PAGE: 0})
    await manager.switch_to(Attendance.sheet)


# --------------------------------------------------------------------- sheet


async def get_sheet(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    _s, _c, _a, t = _deps(dialog_manager)
    view = await _view(dialog_manager)
    pages = max(1, -(-len(view.students) // PAGE_SIZE))
    page = min(max(int(dialog_manager.dialog_data.get(PAGE, 0)), 0), pages - 1)
    shown = view.students[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    missing = view.not_present
    reasons, reason_pages = _reason_rows(t, missing, int(dialog_manager.dialog_data.get(REASON_PAGE, 0)))
    status = [t("attendance-sheet-help")]
    if view.saved and view.submitted_at:
        status.append(t("attendance-sheet-saved-at", time=_time(view.updated_at or view.submitted_at, view.info.timezone)))
    if pages > 1:
        status.append(t("attendance-page", page=page + 1, pages=pages))
    if view.saved:
        submit = t("attendance-save-changes", count=view.pending_changes)
    elif missing:
        submit = t("attendance-submit", count=len(missing))
    else:
        submit = t("attendance-all-present-submit")
    if view.stale:
        status = [t("attendance-stale-day")]
    return {
        "class_label": _label(t, view.info.grade, view.info.name),
        "date": _date(t, view.day),
        "count": len(view.students),
        "status": "\n".join(status),
        "lines": "\n".join(_line(t, s) for s in missing),
        "students": [
            {"id": s.student_id, "label": s.name if s.present else f"{_icon(s)}{s.name}"}
            for s in shown
        ],
        "reasons": reasons,
        "has_prev": page > 0,
        "has_next": page < pages - 1,
        "more_reasons": reason_pages > 1,
        "submit_label": submit,
    }


async def on_student(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    try:
        view = await _fresh_view(manager)
        draft = svc.tap(view, _draft(manager), _student_id(item_id))
    except AttendanceError as exc:
        await _refuse(callback, manager, exc)
        return
    manager.dialog_data[DRAFT] = svc.draft_to_json(draft)


def _student_id(item_id: str) -> int:
    try:
        return int(item_id)
    except ValueError:
        raise AttendanceError("attendance-bad-button") from None


async def on_reason(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    t = manager.middleware_data["t"]
    try:
        student_id, reason = _parse_reason_item(item_id)
        view = await _fresh_view(manager)
        if reason == NAME:
            svc.tap(view, {}, student_id)  # only to refuse a student of another class
            await callback.answer(t("attendance-reason-hint"))
            return
        draft = svc.tap(view, _draft(manager), student_id, reason)
    except AttendanceError as exc:
        await _refuse(callback, manager, exc)
        return
    manager.dialog_data[DRAFT] = svc.draft_to_json(draft)


async def on_page(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    step = 1 if button.widget_id == ID_NEXT else -1
    manager.dialog_data[PAGE] = max(0, int(manager.dialog_data.get(PAGE, 0)) + step)


async def on_more_reasons(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    manager.dialog_data[REASON_PAGE] = int(manager.dialog_data.get(REASON_PAGE, 0)) + 1
    t = manager.middleware_data["t"]
    view = await _view(manager)
    _items, pages = _reason_rows(t, view.not_present, manager.dialog_data[REASON_PAGE])
    if manager.dialog_data[REASON_PAGE] >= pages:
        manager.dialog_data[REASON_PAGE] = 0


async def on_submit(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    await _save(callback, manager, _draft(manager), then=Attendance.saved)


async def _save(
    callback: CallbackQuery, manager: DialogManager, draft: dict[int, str], then: Any = None
) -> None:
    data = manager.middleware_data
    session, clock, actor, _t = _deps(manager)
    try:
        result = await svc.save_sheet(
            session, clock, data["translator"], actor,
            manager.dialog_data.get(CLASS_ID), date.fromisoformat(manager.dialog_data.get(DAY, "")),
            draft,
        )
    except (AttendanceError, ValueError, TypeError) as exc:
        await _refuse(callback, manager, exc if isinstance(exc, AttendanceError) else AttendanceError("attendance-bad-button"))
        return
    manager.dialog_data[DRAFT] = {}
    manager.dialog_data[ASKED] = int(manager.dialog_data.get(ASKED, 0)) + result.asked
    if then is not None:
        manager.dialog_data[REASON_PAGE] = 0
        await manager.switch_to(then)


# --------------------------------------------------------------------- saved


async def get_saved(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    _s, _c, _a, t = _deps(dialog_manager)
    view = await _view(dialog_manager, with_draft=False)
    missing = view.not_present
    reasons, reason_pages = _reason_rows(t, missing, int(dialog_manager.dialog_data.get(REASON_PAGE, 0)))
    unreachable = [s.name for s in missing if s.unreachable]
    asked = int(dialog_manager.dialog_data.get(ASKED, 0))
    return {
        "class_label": _label(t, view.info.grade, view.info.name),
        "date": _date(t, view.day),
        "count": len(view.students),
        "present": len(view.students) - len(missing),
        "absent": len(missing),
        "all_present": not missing,
        "some_missing": bool(missing),
        "lines": "\n".join(_line(t, s) for s in missing),
        "asked": asked,
        "has_asked": asked > 0,
        "unreachable": t("attendance-list-separator").join(unreachable),
        "has_unreachable": bool(unreachable),
        "reasons": reasons,
        "more_reasons": reason_pages > 1,
        "stale": view.stale,
    }


async def on_saved_reason(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    t = manager.middleware_data["t"]
    try:
        student_id, reason = _parse_reason_item(item_id)
        view = await _fresh_view(manager)
        if reason == NAME:
            svc.tap(view, {}, student_id)
            await callback.answer(t("attendance-reason-hint-saved"))
            return
        svc.tap(view, {}, student_id, reason)  # refuses foreign students and bad reasons
    except AttendanceError as exc:
        await _refuse(callback, manager, exc)
        return
    await _save(callback, manager, {student_id: reason})


async def on_edit(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    manager.dialog_data.update({DRAFT: {}, PAGE: 0, REASON_PAGE: 0})
    await manager.switch_to(Attendance.sheet)


async def on_done(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    await manager.done()


# ---------------------------------------------------------------------- view


def _block(t: Translate, c: svc.ClassToday, all_here: str = "attendance-view-all-here") -> str:
    """One class read-only: sheet saved or not, then who is not present and why."""
    label = _label(t, c.info.grade, c.info.name)
    if not c.school_day:
        return t("attendance-view-no-school", class_label=label)
    if c.saved and c.submitted_at:
        head = t("attendance-view-saved", class_label=label, time=_time(c.submitted_at, c.info.timezone))
    else:
        head = t("attendance-view-missing", class_label=label)
    if c.not_present:
        body = "\n".join(_line(t, s) for s in c.not_present)
    else:
        body = t(all_here, count=c.students)
    return f"{head}\n{body}"


async def get_view(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, clock, actor, t = _deps(dialog_manager)
    blocks = [_block(t, c) for c in await svc.view_for(session, clock, actor)]
    return {
        "blocks": "\n\n".join(blocks) if blocks else t("attendance-view-nobody"),
        "from_pick": bool(dialog_manager.dialog_data.get(CLASSES)),
    }


async def on_view(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    await manager.switch_to(Attendance.view)


async def on_back_to_pick(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    await manager.switch_to(Attendance.pick)


# -------------------------------------------------------------- school (admins)


def is_school_admin(_data: Any, _widget: Any, manager: DialogManager) -> bool:
    actor = manager.middleware_data.get("actor")
    return isinstance(actor, Actor) and actor.is_school_admin


def admin_only(_data: Any, _widget: Any, manager: DialogManager) -> bool:
    """The main menu's attendance button for admins who do not teach (teachers have theirs)."""
    actor = manager.middleware_data.get("actor")
    return isinstance(actor, Actor) and actor.is_school_admin and not actor.is_teacher


def _summary(t: Translate, c: svc.ClassToday) -> str:
    parts = []
    if c.absent:
        key = "attendance-school-absent-unexplained" if c.unexplained else "attendance-school-absent"
        parts.append(t(key, absent=c.absent, unexplained=c.unexplained))
    if c.late:
        parts.append(t("attendance-school-late", late=c.late))
    return t("attendance-school-separator").join(parts) or t("attendance-school-all-here", count=c.students)


def _overview_line(t: Translate, c: svc.ClassToday) -> str:
    label = _label(t, c.info.grade, c.info.name)
    if not c.school_day:
        return t("attendance-school-line-no-school", class_label=label)
    if c.saved and c.submitted_at:
        return t(
            "attendance-school-line-saved", class_label=label,
            time=_time(c.submitted_at, c.info.timezone), summary=_summary(t, c),
        )
    if c.not_present:  # guardians' reports came in before the sheet
        return t("attendance-school-line-missing-marks", class_label=label, summary=_summary(t, c))
    return t("attendance-school-line-missing", class_label=label)


def _school_head(t: Translate, classes: list[svc.ClassToday]) -> list[str]:
    first = classes[0]
    lines = [t("attendance-school-header", school=first.info.school_name, date=_date(t, first.day))]
    if not any(c.school_day for c in classes):
        lines.append(t("attendance-school-no-school"))
    else:
        open_ = [c for c in classes if c.school_day]
        lines.append(
            t(
                "attendance-school-totals", saved=sum(1 for c in open_ if c.saved), classes=len(open_),
                absent=sum(c.absent for c in open_), unexplained=sum(c.unexplained for c in open_),
            )
        )
    return lines


def _school_pages(t: Translate, classes: list[svc.ClassToday]) -> list[tuple[list[str], list[svc.ClassToday]]]:
    """Each school's block (a head line, its totals, one line per class) cut into pages of
    at most SCHOOL_PAGE_LINES lines; a school off today is its two head lines only."""
    schools: dict[int, list[svc.ClassToday]] = {}
    for c in classes:
        schools.setdefault(c.info.school_id, []).append(c)
    pages: list[tuple[list[str], list[svc.ClassToday]]] = [([], [])]
    for block in schools.values():
        head = _school_head(t, block)
        rows = [c for c in block if c.school_day] if any(c.school_day for c in block) else []
        lines, shown = pages[-1]
        if lines and len(lines) + len(head) + 2 > SCHOOL_PAGE_LINES:
            pages.append(([], []))
            lines, shown = pages[-1]
        if lines:
            lines.append("")
        lines.extend(head)
        for c in rows:
            if len(lines) >= SCHOOL_PAGE_LINES:
                pages.append(([t("attendance-school-header-cont", school=c.info.school_name)], []))
                lines, shown = pages[-1]
            lines.append(_overview_line(t, c))
            shown.append(c)
    return pages


async def get_school(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, clock, actor, t = _deps(dialog_manager)
    classes = await svc.school_overview(session, clock, actor)
    if not classes:
        return {"blocks": t("attendance-school-nothing"), "classes": [], "has_prev": False,
                "has_next": False, "came_from": bool(dialog_manager.dialog_data.get(CAME_FROM))}
    pages = _school_pages(t, classes)
    page = min(max(int(dialog_manager.dialog_data.get(SCHOOL_PAGE, 0)), 0), len(pages) - 1)
    lines, shown = pages[page]
    if len(pages) > 1:
        lines = [*lines, t("attendance-page", page=page + 1, pages=len(pages))]
    return {
        "blocks": "\n".join(lines),
        "classes": [
            {"id": c.info.id, "label": t("attendance-school-class-button",
                                         class_label=_label(t, c.info.grade, c.info.name),
                                         count=len(c.not_present))}
            for c in shown
            if c.not_present
        ],
        "has_prev": page > 0,
        "has_next": page < len(pages) - 1,
        "came_from": bool(dialog_manager.dialog_data.get(CAME_FROM)),
    }


async def on_school(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    """A teacher's screen → the school overview (admins who also teach)."""
    actor = manager.middleware_data["actor"]
    if not actor.is_school_admin:  # a hidden button still runs when its tap is forged
        await _refuse(callback, manager, AttendanceError("attendance-not-your-school"))
        return
    context = manager.current_context()
    manager.dialog_data.update({CAME_FROM: context.state.state, SCHOOL_PAGE: 0})
    await manager.switch_to(Attendance.school)


async def on_school_page(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    step = 1 if button.widget_id == ID_SCHOOL_NEXT else -1
    manager.dialog_data[SCHOOL_PAGE] = max(0, int(manager.dialog_data.get(SCHOOL_PAGE, 0)) + step)


async def on_school_class(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    session, clock, actor, _t = _deps(manager)
    try:
        class_id = int(item_id)
        await svc.class_today(session, clock, actor, class_id)
    except ValueError:
        await _refuse(callback, manager, AttendanceError("attendance-bad-button"))
        return
    except AttendanceError as exc:
        await _refuse(callback, manager, exc)
        return
    manager.dialog_data[SHOWN_CLASS] = class_id
    await manager.switch_to(Attendance.school_class)


async def on_back_from_school(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    back = {s.state: s for s in (Attendance.pick, Attendance.sheet, Attendance.saved, Attendance.view)}
    target = back.get(manager.dialog_data.pop(CAME_FROM, None) or "")
    if target is None:
        await manager.done()
        return
    await manager.switch_to(target)


async def get_school_class(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, clock, actor, t = _deps(dialog_manager)
    class_id = dialog_manager.dialog_data.get(SHOWN_CLASS)
    try:
        if not isinstance(class_id, int):
            raise AttendanceError("attendance-bad-button")
        c = await svc.class_today(session, clock, actor, class_id)
    except AttendanceError as exc:  # lost the post since the tap
        return {"block": t(exc.key)}
    return {"block": _block(t, c, all_here="attendance-school-class-all-here")}


async def on_back_to_school(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop(SHOWN_CLASS, None)
    await manager.switch_to(Attendance.school)


def _school_button() -> Button:
    return Button(T("attendance-school-button"), id=ID_SCHOOL, on_click=on_school, when=is_school_admin)


def _reason_grid(widget_id: str, on_click: Any) -> Group:
    return Group(
        choices(widget_id, "reasons", on_click),
        width=1 + len(svc.TEACHER_REASONS),
    )


dialog = Dialog(
    DialogWindow(
        T("attendance-pick-class"),
        Column(
            choices(ID_PICK, "classes", on_pick),
        ),
        Button(T("attendance-view-button"), id=ID_VIEW, on_click=on_view, when="can_view"),
        _school_button(),
        Button(T("attendance-close"), id=ID_DONE, on_click=on_done),
        OldButton("attendance-old-button"),
        tap_hint(),
        state=Attendance.pick,
        getter=get_pick,
    ),
    DialogWindow(
        T("attendance-sheet"),
        Group(
            choices(ID_ROSTER, "students", on_student),
            width=ROW_WIDTH,
        ),
        Row(
            Button(T("attendance-prev-page"), id=ID_PREV, on_click=on_page, when="has_prev"),
            Button(T("attendance-next-page"), id=ID_NEXT, on_click=on_page, when="has_next"),
        ),
        _reason_grid(ID_REASONS, on_reason),
        Button(T("attendance-more-reasons"), id=ID_MORE, on_click=on_more_reasons, when="more_reasons"),
        Button(Format("{submit_label}"), id=ID_SUBMIT, on_click=on_submit),
        _school_button(),
        OldButton("attendance-old-button"),
        tap_hint(),
        state=Attendance.sheet,
        getter=get_sheet,
    ),
    DialogWindow(
        T("attendance-saved-all-present", when="all_present"),
        T("attendance-saved", when="some_missing"),
        T("attendance-saved-asked", when="has_asked"),
        T("attendance-saved-unreachable", when="has_unreachable"),
        T("attendance-saved-reasons", when="some_missing"),
        _reason_grid(ID_SAVED_REASONS, on_saved_reason),
        Button(T("attendance-more-reasons"), id=ID_MORE, on_click=on_more_reasons, when="more_reasons"),
        Row(
            Button(T("attendance-edit"), id=ID_EDIT, on_click=on_edit),
            Button(T("attendance-done"), id=ID_DONE, on_click=on_done),
        ),
        _school_button(),
        OldButton("attendance-already-saved"),
        tap_hint(),
        state=Attendance.saved,
        getter=get_saved,
    ),
    DialogWindow(
        T("attendance-view-title"),
        Format("{blocks}"),
        T("attendance-view-readonly"),
        Button(T("button-back"), id=ID_BACK, on_click=on_back_to_pick, when="from_pick"),
        _school_button(),
        Button(T("attendance-close"), id=ID_DONE, on_click=on_done),
        OldButton("attendance-view-only"),
        tap_hint(),
        state=Attendance.view,
        getter=get_view,
    ),
    DialogWindow(
        Format("{blocks}"),
        T("attendance-school-readonly"),
        Group(choices(ID_SCHOOL_CLASS, "classes", on_school_class), width=2),
        Row(
            Button(T("attendance-prev-page"), id=ID_SCHOOL_PREV, on_click=on_school_page, when="has_prev"),
            Button(T("attendance-next-page"), id=ID_SCHOOL_NEXT, on_click=on_school_page, when="has_next"),
        ),
        Button(T("button-back"), id=ID_SCHOOL_BACK, on_click=on_back_from_school, when="came_from"),
        Button(T("attendance-close"), id=ID_DONE, on_click=on_done),
        OldButton("attendance-school-view-only"),
        tap_hint(),
        state=Attendance.school,
        getter=get_school,
    ),
    DialogWindow(
        Format("{block}"),
        T("attendance-school-readonly"),
        Row(
            Button(T("button-back"), id=ID_BACK, on_click=on_back_to_school),
            Button(T("attendance-close"), id=ID_DONE, on_click=on_done),
        ),
        OldButton("attendance-school-view-only"),
        tap_hint(),
        state=Attendance.school_class,
        getter=get_school_class,
    ),
    on_start=on_start,
    name="attendance",
)


async def on_menu_button(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    """The main menu's attendance button: the same as /attendance, over the menu."""
    try:
        refusal = await launch(manager, over_menu=False)
    except AttendanceError as exc:
        refusal = exc.key
    if refusal is not None:
        await callback.answer(manager.middleware_data["t"](refusal), show_alert=True)
