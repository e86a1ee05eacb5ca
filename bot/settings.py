"""Settings read from the environment and a `.env` file (pydantic-settings)."""

from __future__ import annotations

import datetime as _dt
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
    # Several processes on PostgreSQL: a claim older than this belongs to a sender that died
    # (SIGKILL, lost host), and a live sender takes its rows back. Far longer than a claim
    # lasts (a batch is about a second of sending; a 429 pause hands claims back).
    claim_lease: float = Field(600.0, gt=0, description="seconds before a dead sender's claims are taken back")


class AttendanceSettings(BaseModel):
    """The daily arrival report (学生到校日报告制度) and what follows from absences."""

    first_reminder: time = time(9, 0)  # head teacher reminded if no sheet yet
    admin_reminder: time = time(10, 0)  # school admin told which classes are missing
    # After this no missing-sheet reminder is queued for today: one sent in the evening
    # would wait out the quiet hours and arrive next morning about the wrong day.
    reminders_until: time = time(17, 0)
    no_answer_minutes: int = Field(60, ge=1, description="guardian's time to answer before the alert")
    consecutive_absences: int = Field(3, ge=1)
    term_absence_ratio: float = Field(0.10, gt=0, le=1)
    # A dropout case sitting in one stage longer than this reminds the head teacher and admins.
    stage_overdue_days: int = Field(7, ge=1)


class ContactSettings(BaseModel):
    """Contact with the away parents: the monthly child-parent contact and its reminders."""

    reminder_day: int = Field(20, ge=1, le=31, description="day of the month guardians are reminded")
    reminder_time: time = time(10, 0)
    # The last day of the month, evening: head teachers and mentors get the unconfirmed list.
    month_end_time: time = time(19, 0)
    teacher_contacts_per_term: int = Field(2, ge=1, description="teacher-parent contacts each left-behind child needs a term")


class IncidentSettings(BaseModel):
    """安全应急预案: the guardian within 30 minutes, the bureau within 1 hour of an incident."""

    guardian_ack_minutes: int = Field(10, ge=1, description="guardian's time to tap before the head teacher phones")
    guardian_deadline_minutes: int = Field(30, ge=1)
    bureau_deadline_minutes: int = Field(60, ge=1)
    warn_before_minutes: int = Field(10, ge=1, description="school admin warned this long before a deadline")
    max_days_back: int = Field(7, ge=1, le=366, description="a typed incident time may be at most this many days ago")


class ReturnsSettings(BaseModel):
    """节假日、周末: guardians report the child got home after school let out."""

    weekend_release: time = time(16, 30)  # the last school day before a weekend
    holiday_release: time = time(15, 30)  # the last school day before a holiday or vacation
    reask_minutes: int = Field(60, ge=5, description="after 'not yet', ask again this much later")
    max_reasks: int = Field(3, ge=0, description="re-asks per child and release")
    deadline_minutes: int = Field(240, ge=30, description="after the release: head teacher gets the list")
    set_off_time: time = time(15, 0)  # the day before school: "has the child set off?"
    # Which students' guardians are asked: boarding, left_behind, migrant, disabled, all.
    categories: list[str] = ["boarding", "left_behind"]


class CensusSettings(BaseModel):
    """调查摸底: the start-of-term census of left-behind students and its change report."""

    send_time: time = time(8, 0)  # on the term's first day: head teachers asked to confirm
    remind_after_days: int = Field(7, ge=1, description="head teachers with unconfirmed students reminded")
    report_after_days: int = Field(30, ge=1, description="school admins get the change report")


class NoticeSettings(BaseModel):
    """Notices with "I have read it" (开学入学通知, 放假前安全教育, 家长会通知)."""

    # The unread are reminded once, this long after the notice was sent.
    remind_after_hours: int = Field(24, ge=1, le=24 * 14)


class CheckinSettings(BaseModel):
    """不定期向监护人了解: the holiday check-in a teacher sends to a class's guardians."""

    remind_after_hours: int = Field(24, ge=1, description="guardians who have not finished are reminded once, this long after the start")
    open_days: int = Field(7, ge=1, description="answers are taken this long after the start")


class DigestSettings(BaseModel):
    """The weekly digest to head teachers and school admins: what needs doing this week."""

    weekday: int = Field(1, ge=1, le=7, description="ISO weekday, 1 = Monday")
    time: _dt.time = _dt.time(7, 30)  # school time (the field is named as the setting, DIGEST__TIME)


class InviteThrottleSettings(BaseModel):
    """Slows down guessing invite tokens: a token that matches no invite is a failure.

    Tokens are 192 random bits, so guessing cannot succeed anyway; the limits keep a bot
    farm from using /start as a free oracle and from filling the logs and the database.
    A person who mistypes a link a few times is not hurt: 5 tries, then a 15-minute wait.
    The global ceiling stops many accounts together (each under its own limit): far above
    what a county's real mistakes come to (a few a day), far below a useful guessing rate.
    """

    user_failures: int = Field(5, ge=1, description="failed tokens one Telegram user may try per window")
    user_window_minutes: int = Field(15, ge=1, le=24 * 60)
    global_failures: int = Field(30, ge=1, description="failed tokens from all users together per window")
    global_window_seconds: int = Field(60, ge=1, le=3600)


class WebhookSettings(BaseModel):
    """Webhook mode: Telegram posts each update to this bot over HTTPS instead of the bot
    polling for them. Usually behind a reverse proxy that terminates TLS."""

    enabled: bool = False  # or `python -m bot run --webhook`
    url: str | None = None  # the public https URL Telegram posts to (setWebhook)
    # Telegram sends it in X-Telegram-Bot-Api-Secret-Token; 1-256 of A-Z a-z 0-9 _ -.
    secret: SecretStr | None = None
    host: str = "127.0.0.1"  # where the bot's own HTTP server listens (the proxy's upstream)
    port: int = Field(8080, ge=1, le=65535)
    path: str | None = None  # local path of the webhook; default: the path of `url`
    health_path: str = "/healthz"


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
    # Seconds one Bot API request may take before it counts as failed and is retried (a
    # hung connection on a poor rural line must not stall the sender or the polling for
    # long); getUpdates gets this plus its long-poll wait.
    telegram_timeout: float = Field(60.0, gt=0, le=600)
    school_timezone: str = "Asia/Shanghai"
    default_language: Language = "zh_Hans"
    redis_url: str | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    invite_ttl_days: int = Field(7, ge=1, le=90)
    outbox: OutboxSettings = OutboxSettings()
    attendance: AttendanceSettings = AttendanceSettings()
    returns: ReturnsSettings = ReturnsSettings()
    incidents: IncidentSettings = IncidentSettings()
    contacts: ContactSettings = ContactSettings()
    checkins: CheckinSettings = CheckinSettings()
    notices: NoticeSettings = NoticeSettings()
    census: CensusSettings = CensusSettings()
    digest: DigestSettings = DigestSettings()
    webhook: WebhookSettings = WebhookSettings()
    # Handled updates are remembered this long, so one Telegram delivers again is ignored.
    updates_keep_days: int = Field(7, ge=2, le=365)
    invite_throttle: InviteThrottleSettings = InviteThrottleSettings()
    # A process that sends the outbox and runs the scheduler but takes no updates: with
    # several processes on one database only one may poll (Telegram answers a second
    # getUpdates with 409 Conflict); the others run with WORKER_ONLY=true.
    worker_only: bool = False

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
