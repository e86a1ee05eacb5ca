"""Joining: invite links, sharing a phone number, choosing a language."""

from __future__ import annotations

from aiogram import Router

router = Router(name=__name__)
