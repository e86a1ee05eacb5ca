"""`python -m bot roster …` — the blank template and importing a filled-in roster."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    pass
