"""/reports: which table (学生人数统计表, 学生变动情况表, term compliance), for whom (when
the user has several: their school, their county, their class), for which days (today,
this term, last month, this month, or typed dates); then the file is built in the
background and the dialog closes, so the bot is free at once: a "Preparing…" message
comes first, then that message is edited and the file sent as a reply to the user's own
request (no outbox: it answers what they asked). One report per chat at a time. The
background task opens its own database session (the update's is closed by then) and
only reads.

Every tap is checked again: the scope must still be one of the user's
(services.reports.report_scopes), the report kind one we know.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.enums import ContentType
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Group, ScrollingGroup, SwitchTo
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.engine import create_engine, create_session_pool
from dialogs import report_charts
from dialogs.common import choices, tap_hint
from dialogs.states import Reports
from dialogs.widgets import T
from locales import Translate, Translator
from services import audit
from services import reports as service
from services.access import Actor

log = logging.getLogger(__name__)

ID_COUNTS = "rk_counts"
ID_CHANGES = "rk_changes"
ID_COMPLIANCE = "rk_compliance"
ID_CLOSE = "rclose"
ID_SCOPE = "rscope"
ID_SCOPE_PAGE = "rscope_page"
ID_BACK = "rback"
PRESET_IDS = {
    "rp_today": service.Preset.TODAY,
    "rp_term": service.Preset.TERM,
    "rp_last": service.Preset.LAST_MONTH,
    "rp_this": service.Preset.THIS_MONTH,
}
KIND_IDS = {
    ID_COUNTS: service.ReportKind.COUNTS,
    ID_CHANGES: service.ReportKind.CHANGES,
    ID_COMPLIANCE: service.ReportKind.COMPLIANCE,
}

# ------------------------------------------------------------------ background



@dataclass(frozen=True)
class Job:
    chat_id: int
    lang: str
    kind: service.ReportKind
    scope: service.ReportScope
    period: service.Period
    rules: service.Rules


_running: dict[int, asyncio.Task[None]] = {}


def is_running(chat_id: int) -> bool:
    task = _running.get(chat_id)
    return task is not None and not task.done()


async def drain() -> None:
    """Wait for every report under way (tests; a clean shutdown)."""
    while _running:
        await asyncio.gather(*list(_running.values()), return_exceptions=True)


def start(
    job: Job, *, bot: Bot, session_pool: async_sessionmaker[AsyncSession], translator: Translator,
    progress_message_id: int,
) -> asyncio.Task[None]:
    task = asyncio.create_task(_produce(job, bot, session_pool, translator, progress_message_id))
    _running[job.chat_id] = task
    task.add_done_callback(lambda done: _running.pop(job.chat_id, None) if _running.get(job.chat_id) is done else None)
    return task


async def _produce(
    job: Job, bot: Bot, session_pool: async_sessionmaker[AsyncSession], translator: Translator, progress_id: int
) -> None:
    t = translator.bind(job.lang)
    name = service.report_filename(translator, job.lang, job.kind, job.scope, job.period)
    try:
        content = await asyncio.to_thread(_build_elsewhere, _database_url(session_pool), translator, job)
    except Exception:
        log.exception("report %s for scope %s failed", job.kind.value, job.scope.key)
        await _edit(bot, job.chat_id, progress_id, t("report-failed"))
        return
    await _edit(bot, job.chat_id, progress_id, t("report-ready", file=name))
    try:
        await bot.send_document(
            job.chat_id, BufferedInputFile(content, filename=name),
            caption=t("report-caption", report=t(f"report-name-{job.kind.value}"), name=job.scope.name),
        )
    except Exception:
        log.exception("report %s for scope %s could not be sent", job.kind.value, job.scope.key)
        await _edit(bot, job.chat_id, progress_id, t("report-failed"))


def _database_url(session_pool: async_sessionmaker[AsyncSession]) -> str:
    return session_pool.kw["bind"].url.render_as_string(hide_password=False)


def _build_elsewhere(url: str, translator: Translator, job: Job) -> bytes:
    """A county's table reads and computes for seconds; in the bot's own event loop that
    paused every other update meanwhile (1.7 s at a time with 100,000 students,
    docs/performance.md). So it is built in a worker thread with its own event loop and
    its own connection (it only reads); the bot's loop keeps its turns on the CPU."""

    async def build() -> bytes:
        engine = create_engine(url)
        try:
            async with create_session_pool(engine)() as session:
                return await service.build_report(
                    session, translator, job.lang, job.kind, job.scope, job.period, job.rules
                )
        finally:
            await engine.dispose()

    return asyncio.run(build())


async def _edit(bot: Bot, chat_id: int, message_id: int, text: str) -> None:
    try:
        await bot.edit_message_text(text=text, chat_id=chat_id, message_id=message_id)
    except Exception:
        log.warning("report progress message %s could not be edited", message_id)


# dialog_data keys
KIND = "kind"
SCOPE = "scope"


def _deps(manager: DialogManager) -> tuple[AsyncSession, Actor, Translator, str, Translate]:
    data = manager.middleware_data
    return data["session"], data["actor"], data["translator"], data["lang"], data["t"]


async def _scopes(manager: DialogManager) -> list[service.ReportScope]:
    session, actor, translator, lang, _t = _deps(manager)
    return await service.report_scopes(session, actor, translator, lang)


async def on_kind(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    t = manager.middleware_data["t"]
    scopes = await _scopes(manager)
    if not scopes:
        await callback.answer(t("report-not-allowed"), show_alert=True)
        return
    manager.dialog_data[KIND] = KIND_IDS[button.widget_id].value
    if len(scopes) == 1:
        manager.dialog_data[SCOPE] = scopes[0].key
        await manager.switch_to(Reports.pick_period)
    else:
        await manager.switch_to(Reports.pick_scope)


async def on_close(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    await manager.done()


async def get_scopes(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {"scopes": [{"id": s.key, "label": s.name} for s in await _scopes(dialog_manager)]}


async def on_scope(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    t = manager.middleware_data["t"]
    if item_id not in {s.key for s in await _scopes(manager)}:
        await callback.answer(t("report-not-allowed"), show_alert=True)
        return
    manager.dialog_data[SCOPE] = item_id
    chart = report_charts.chosen_chart(manager)
    if chart is not None:
        scope = next(s for s in await _scopes(manager) if s.key == item_id)
        await report_charts.send_chart(callback, manager, chart, scope)
        return
    await manager.switch_to(Reports.pick_period)


async def get_period(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    kind = dialog_manager.dialog_data.get(KIND)
    return {
        "is_counts": kind == service.ReportKind.COUNTS,
        "is_changes": kind == service.ReportKind.CHANGES,
        "is_compliance": kind == service.ReportKind.COMPLIANCE,
    }


async def _chosen(manager: DialogManager) -> tuple[service.ReportKind, service.ReportScope] | None:
    """The kind and scope picked earlier, if both are still valid for this user."""
    try:
        kind = service.ReportKind(manager.dialog_data.get(KIND))
    except ValueError:
        return None
    scope = next((s for s in await _scopes(manager) if s.key == manager.dialog_data.get(SCOPE)), None)
    return (kind, scope) if scope is not None else None


async def _launch(
    manager: DialogManager, chat_id: int, kind: service.ReportKind, scope: service.ReportScope, period: service.Period
) -> None:
    data = manager.middleware_data
    settings, translator, lang, t = data["settings"], data["translator"], data["lang"], data["t"]
    bot = data["bot"]
    progress = await bot.send_message(
        chat_id, t("report-preparing", report=t(f"report-name-{kind.value}"), name=scope.name)
    )
    job = Job(
        chat_id=chat_id, lang=lang, kind=kind, scope=scope, period=period,
        rules=service.Rules(
            required_contacts=settings.contacts.teacher_contacts_per_term,
            chronic_ratio=settings.attendance.term_absence_ratio,
        ),
    )
    await audit.record(
        data["session"], data["clock"], data["actor"], audit.Action.EXPORT, f"{audit.REPORT_EXPORT}:{kind.value}",
        scope=audit.AuditScope(
            school_id=scope.school_ids[0] if len(scope.school_ids) == 1 else None,
            class_id=scope.class_ids[0] if scope.class_ids and len(scope.class_ids) == 1 else None,
            county_id=scope.county_id,
        ),
    )
    start(
        job, bot=bot, session_pool=data["session_pool"], translator=translator,
        progress_message_id=progress.message_id,
    )
    await manager.done()


async def on_preset(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    session, _actor, _translator, _lang, t = _deps(manager)
    chosen = await _chosen(manager)
    if chosen is None:
        await callback.answer(t("report-not-allowed"), show_alert=True)
        return
    if is_running(callback.from_user.id):
        await callback.answer(t("report-busy"), show_alert=True)
        return
    kind, scope = chosen
    today = service.scope_today(manager.middleware_data["clock"], scope)
    period = await service.preset_period(session, scope, PRESET_IDS[button.widget_id], today)
    await callback.answer()
    await _launch(manager, callback.from_user.id, kind, scope, period)


async def on_typed(message: Message, _widget: Any, manager: DialogManager) -> None:
    t = manager.middleware_data["t"]
    chosen = await _chosen(manager)
    if chosen is None:
        await message.answer(t("report-not-allowed"))
        return
    kind, scope = chosen
    period = service.parse_period(message.text, service.scope_today(manager.middleware_data["clock"], scope))
    if period is None:
        await message.answer(t("report-bad-date"))
        manager.show_mode = ShowMode.DELETE_AND_SEND
        return
    if is_running(message.chat.id):
        await message.answer(t("report-busy"))
        manager.show_mode = ShowMode.DELETE_AND_SEND
        return
    await _launch(manager, message.chat.id, kind, scope, period)


async def on_not_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    await message.answer(manager.middleware_data["t"]("report-bad-date"))
    manager.show_mode = ShowMode.DELETE_AND_SEND


dialog = Dialog(
    Window(
        T("report-pick"),
        Group(
            Button(T("report-name-counts"), id=ID_COUNTS, on_click=on_kind),
            Button(T("report-name-changes"), id=ID_CHANGES, on_click=on_kind),
            Button(T("report-name-compliance"), id=ID_COMPLIANCE, on_click=on_kind),
            *(Button(T(f"chart-name-{kind.value}"), id=button_id, on_click=report_charts.on_chart)
              for button_id, kind in report_charts.CHART_IDS.items()),
            Button(T("report-button-close"), id=ID_CLOSE, on_click=on_close),
            width=1,
        ),
        tap_hint(),
        state=Reports.pick_report,
    ),
    Window(
        T("report-pick-scope"),
        ScrollingGroup(choices(ID_SCOPE, "scopes", on_scope), id=ID_SCOPE_PAGE, width=1, height=8,
                       hide_on_single_page=True),
        SwitchTo(T("report-button-back"), id=ID_BACK, state=Reports.pick_report),
        tap_hint(),
        state=Reports.pick_scope,
        getter=get_scopes,
    ),
    Window(
        T("report-period-counts", when="is_counts"),
        T("report-period-changes", when="is_changes"),
        T("report-period-compliance", when="is_compliance"),
        Group(
            *(Button(T(f"report-preset-{preset.value.replace('_', '-')}"), id=button_id, on_click=on_preset)
              for button_id, preset in PRESET_IDS.items()),
            width=2,
        ),
        SwitchTo(T("report-button-back"), id=ID_BACK, state=Reports.pick_report),
        MessageInput(on_typed, content_types=ContentType.TEXT),
        MessageInput(on_not_text),
        state=Reports.pick_period,
        getter=get_period,
    ),
    name="reports",
)


def may_open_reports(data: dict[str, Any], _widget: Any, manager: DialogManager) -> bool:
    """For a main-menu button, should the lead add one."""
    actor = manager.middleware_data.get("actor")
    return isinstance(actor, Actor) and service.may_use(actor)
