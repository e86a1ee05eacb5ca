"""`python -m bot invite …` — one-time deep links for admins, teachers and guardians."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    pass
