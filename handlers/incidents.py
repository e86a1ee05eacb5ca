"""/incident, and the buttons under incident messages: the guardian's and the bureau's
acknowledgement, the head teacher's "record the phone call", and "open the incident" (on
the bureau's report it stays after the acknowledgement: the report is a snapshot, the
card is the incident as it stands now).

Every button is checked again by the services (callback data can be forged or stale): a
tap by someone it does not concern is refused and changes nothing; a second tap finds it
acknowledged already and says so.
"""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_dialog import DialogManager, ShowMode, StartMode
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.incident import INCIDENT_ID
from dialogs.states import Incidents
from handlers.filters import HasRole
from locales import Translate, Translator
from services import incidents as service
from services.access import Actor
from services.clock import Clock
from services.incidents import AckOutcome, AckResult

log = logging.getLogger(__name__)

router = Router(name=__name__)

MayUseIncidents = HasRole("teacher", "school_admin", "bureau_officer")


class GuardianAck(CallbackData, prefix=service.GUARDIAN_ACK_PREFIX):
    incident_id: int


class BureauAck(CallbackData, prefix=service.BUREAU_ACK_PREFIX):
    incident_id: int


class RecordPhone(CallbackData, prefix=service.PHONE_PREFIX):
    incident_id: int


class OpenIncident(CallbackData, prefix=service.CARD_PREFIX):
    incident_id: int


@router.message(Command("incident"), MayUseIncidents)
async def incidents(message: Message, dialog_manager: DialogManager) -> None:
    await dialog_manager.start(Incidents.incidents, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


@router.message(Command("incident"))
async def not_allowed(message: Message, t: Translate) -> None:
    await message.answer(t("incident-only-staff"))


def _open_button(t: Translate, incident_id: int) -> InlineKeyboardMarkup:
    """What stays under the bureau's report once acknowledged: the incident as it is now."""
    return InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=t("incident-button-card"), callback_data=OpenIncident(incident_id=incident_id).pack())
    ]])


async def _answer(
    query: CallbackQuery, t: Translate, result: AckResult, who: str, keep: InlineKeyboardMarkup | None = None
) -> None:
    if result.outcome == AckOutcome.NOT_YOURS:
        # Someone else's message: say no, and leave it as it is.
        await query.answer(t("incident-ack-not-yours"), show_alert=True)
        return
    at = service.local_hhmm(result.at, result.timezone)
    if result.outcome == AckOutcome.RECORDED:
        line = t(f"incident-ack-{who}-thanks", time=at)
        await query.answer(line)
    else:
        line = t("incident-ack-already", time=at, by=result.by or "")
        await query.answer(line, show_alert=True)
    message = query.message
    if not isinstance(message, Message):
        return
    try:
        if message.text:
            await message.edit_text(f"{message.text}\n\n{line}", reply_markup=keep)
        else:
            await message.edit_reply_markup(reply_markup=keep)
    except TelegramBadRequest as exc:
        log.debug("could not edit the incident message: %s", exc)


@router.callback_query(GuardianAck.filter())
async def on_guardian_ack(
    query: CallbackQuery, callback_data: GuardianAck, session: AsyncSession, clock: Clock,
    translator: Translator, actor: Actor, t: Translate,
) -> None:
    result = await service.acknowledge_guardian(session, clock, translator, actor, callback_data.incident_id)
    await _answer(query, t, result, "guardian")


@router.callback_query(BureauAck.filter())
async def on_bureau_ack(
    query: CallbackQuery, callback_data: BureauAck, session: AsyncSession, clock: Clock,
    translator: Translator, actor: Actor, t: Translate,
) -> None:
    result = await service.acknowledge_bureau(session, clock, translator, actor, callback_data.incident_id)
    await _answer(query, t, result, "bureau", keep=_open_button(t, callback_data.incident_id))


@router.callback_query(RecordPhone.filter())
async def on_record_phone(
    query: CallbackQuery, callback_data: RecordPhone, dialog_manager: DialogManager,
    session: AsyncSession, actor: Actor, translator: Translator, t: Translate,
) -> None:
    card = await service.incident_card(session, actor, callback_data.incident_id)
    if card is None or not card.can_act:
        await query.answer(t("incident-not-allowed"), show_alert=True)
        return
    incident = card.incident
    state = Incidents.phone
    if incident.guardian_informed_at is not None:
        # Done already (the guardian tapped, or someone recorded a call): show the card.
        how = service.how_label(translator, t.language, incident.guardian_informed_how)  # type: ignore[attr-defined]
        await query.answer(
            t("incident-already-informed", time=service.local_hhmm(incident.guardian_informed_at, card.row.timezone),
              how=how),
            show_alert=True,
        )
        state = Incidents.card
    else:
        await query.answer()
    await dialog_manager.start(
        state, data={INCIDENT_ID: callback_data.incident_id}, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND,
    )


@router.callback_query(OpenIncident.filter())
async def on_open_incident(
    query: CallbackQuery, callback_data: OpenIncident, dialog_manager: DialogManager,
    session: AsyncSession, actor: Actor, t: Translate,
) -> None:
    if not await service.can_view(session, actor, callback_data.incident_id):
        await query.answer(t("incident-not-allowed"), show_alert=True)
        return
    await query.answer()
    await dialog_manager.start(
        Incidents.card, data={INCIDENT_ID: callback_data.incident_id}, mode=StartMode.RESET_STACK,
        show_mode=ShowMode.SEND,
    )
