"""Routers in the order they are tried. The fallback goes last, after the dialogs."""

from aiogram import Router

from handlers import announce, fallback, onboarding, roster, start


def get_routers() -> list[Router]:
    return [start.router, onboarding.router, roster.router, announce.router]


def get_fallback_router() -> Router:
    return fallback.router
