"""Settings read from the environment and a `.env` file (pydantic-settings)."""

from __future__ import annotations

from datetime import time
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Language = Literal["zh_Hans", "en"]


class OutboxSettings(BaseModel):
    """Limits of the one sender that delivers every message the bot starts."""

    rate_total: float = Field(30.0, gt=0, description="messages per second, all chats together")
    rate_per_chat: float = Field(1.0, gt=0, description="messages per second to one chat")
    chat_burst: int = Field(3, ge=1, description="messages one chat may get back to back")
    max_in_flight: int = Field(8, ge=1, description="requests to Telegram at the same time")
    max_attempts: int = Field(6, ge=1, description="tries on network or server errors")
    quiet_start: time = time(21, 0)
    quiet_end: time = time(7, 0)
    poll_interval: float = Field(0.5, gt=0, description="seconds between looks at the table")
    progress_interval: float = Field(3.0, gt=0, description="seconds between progress edits")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_nested_delimiter="__",
        extra="ignore",
    )

    bot_token: SecretStr | None = None
    database_url: str = "sqlite+aiosqlite:///jiaxiao.sqlite3"
    telegram_api_base: str = "https://api.telegram.org"
    school_timezone: str = "Asia/Shanghai"
    default_language: Language = "zh_Hans"
    redis_url: str | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    invite_ttl_days: int = Field(7, ge=1, le=90)
    outbox: OutboxSettings = OutboxSettings()

    @field_validator("school_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}, e.g. Asia/Shanghai") from exc
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("telegram_api_base")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.school_timezone)


class SettingsError(Exception):
    """A setting is missing or wrong. `key` is the locale message that names it and says
    how to fix it; the command line renders it in the admin's language."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = "__".join(str(p) for p in err["loc"]).upper()
            problems.append(f"{name}: {err['msg']}")
        raise SettingsError("cli-invalid-setting", problem="; ".join(problems)) from None


def require_token(settings: Settings) -> str:
    if settings.bot_token is None or not settings.bot_token.get_secret_value().strip():
        raise SettingsError("cli-missing-token")
    return settings.bot_token.get_secret_value().strip()
