"""Routers in the order they are tried. The fallback goes last, after the dialogs."""

from aiogram import Router

from handlers import (
    absence,
    announce,
    attendance,
    audit,
    calendar,
    care,
    census,
    checkins,
    contacts,
    digest,
    dropout,
    fallback,
    incidents,
    ledger,
    onboarding,
    reports,
    returns,
    roster,
    start,
)


def get_routers() -> list[Router]:
    return [start.router, onboarding.router, roster.router, announce.router, absence.router, dropout.router,
            attendance.router, calendar.router, contacts.router,
            care.router, incidents.router, returns.router, ledger.router, census.router, reports.router, checkins.router, digest.router,
            audit.router,
            announce.typed_router]


def get_fallback_router() -> Router:
    return fallback.router
