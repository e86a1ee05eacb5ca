"""An admin invites a teacher: pick the post, get a one-time link to forward.

The link is sent as its own message (easy to forward to the teacher) and never kept in
dialog state, so the raw token is stored nowhere on our side.
"""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, ShowMode, Window
from aiogram_dialog.widgets.kbd import Button, Cancel, SwitchTo

from bot.settings import Settings
from dialogs.common import tap_hint
from dialogs.states import InviteTeacher
from dialogs.widgets import T
from services.access import Actor
from services.invites import TEACHER_POSTS, InviteError, create_teacher_invite

ID_ANOTHER = "another"


async def on_post(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    post = button.widget_id or ""
    data = manager.middleware_data
    actor: Actor = data["actor"]
    settings: Settings = data["settings"]
    t = data["t"]
    if post not in TEACHER_POSTS or not actor.admin_school_ids:
        await callback.answer(t("invite-not-allowed"), show_alert=True)
        return
    try:
        issued = await create_teacher_invite(
            data["session"], data["clock"], actor, min(actor.admin_school_ids),
            frozenset({post}), ttl_days=settings.invite_ttl_days,
        )
    except InviteError as exc:
        await callback.answer(t(exc.key), show_alert=True)
        return
    me = await callback.bot.me()
    link = issued.link(me.username or "")
    await callback.answer()
    if callback.message is not None:
        await callback.message.answer(
            t("invite-teacher-link", post=t("post-" + post.replace("_", "-")), link=link, days=settings.invite_ttl_days)
        )
    manager.dialog_data["post"] = post
    manager.show_mode = ShowMode.DELETE_AND_SEND
    await manager.switch_to(InviteTeacher.show_link)


async def get_sent(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    t = dialog_manager.middleware_data["t"]
    post = dialog_manager.dialog_data.get("post", "subject_teacher")
    return {"post": t("post-" + post.replace("_", "-"))}


dialog = Dialog(
    Window(
        T("invite-teacher-choose"),
        *(Button(T("post-" + post.replace("_", "-")), id=post, on_click=on_post) for post in TEACHER_POSTS),
        Cancel(T("button-back")),
        tap_hint(),
        state=InviteTeacher.choose_role,
    ),
    Window(
        T("invite-teacher-sent"),
        SwitchTo(T("invite-teacher-another"), id=ID_ANOTHER, state=InviteTeacher.choose_role),
        Cancel(T("button-menu")),
        tap_hint(),
        state=InviteTeacher.show_link,
        getter=get_sent,
    ),
    name="invite_teacher",
)
