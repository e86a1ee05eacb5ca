"""Logging set-up. Our own code logs ids, never names or phone numbers; some libraries
log the values they pass to the database at DEBUG (aiosqlite prints every call with its
arguments), so they are capped here whatever LOG_LEVEL says."""

from __future__ import annotations

import logging

# Libraries whose DEBUG (or INFO) records can carry row values: names, phone numbers.
DATA_CARRYING_LOGGERS = {
    "aiosqlite": logging.INFO,
    "sqlalchemy.engine": logging.WARNING,
    "sqlalchemy.pool": logging.WARNING,
    "asyncpg": logging.INFO,
}


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(level)
    for name, floor in DATA_CARRYING_LOGGERS.items():
        logger = logging.getLogger(name)
        logger.setLevel(max(floor, logging.getLevelName(level)))
    if level != "DEBUG":
        logging.getLogger("alembic").setLevel(logging.WARNING)
