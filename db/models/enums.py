"""Vocabularies stored as short strings (portable between SQLite and PostgreSQL)."""

from enum import StrEnum


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"


class StudentStatus(StrEnum):
    ENROLLED = "enrolled"
    TRANSFERRED_OUT = "transferred_out"
    SUSPENDED = "suspended"
    DROPPED_OUT = "dropped_out"
    GRADUATED = "graduated"


class ParentRelation(StrEnum):
    FATHER = "father"
    MOTHER = "mother"
    OTHER = "other"


class GuardianRelation(StrEnum):
    GRANDFATHER = "grandfather"
    GRANDMOTHER = "grandmother"
    FATHER = "father"
    MOTHER = "mother"
    UNCLE = "uncle"
    AUNT = "aunt"
    SIBLING = "sibling"
    OTHER = "other"


class InviteRole(StrEnum):
    BUREAU_OFFICER = "bureau_officer"
    SCHOOL_ADMIN = "school_admin"
    TEACHER = "teacher"
    GUARDIAN = "guardian"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed: a request may be on its way to Telegram
    SENT = "sent"
    FAILED = "failed"  # gave up after retries; visible to admins
    UNREACHABLE = "unreachable"  # blocked the bot / chat gone
    CANCELLED = "cancelled"


class Priority:
    """Lower goes first. Urgent ignores quiet hours."""

    URGENT = 0
    NORMAL = 5
    BULK = 9


class AttendanceStatus(StrEnum):
    ABSENT = "absent"
    LATE = "late"


class AbsenceReason(StrEnum):
    """What the sheet says; "unknown" is an unexplained absence (the guardian is asked)."""

    UNKNOWN = "unknown"
    SICK = "sick"
    PERSONAL_LEAVE = "personal"  # 事假
    FAMILY = "family"
    LATE = "late"


class MarkSource(StrEnum):
    TEACHER = "teacher"
    GUARDIAN = "guardian"  # reported before school, or the answer to the notice
    SYSTEM = "system"  # e.g. marked present again when a dropout returns


class GuardianAnswer(StrEnum):
    SICK = "sick"
    FAMILY = "family"
    ON_THE_WAY = "on_the_way"
    DONT_KNOW = "dont_know"


class DropoutStage(StrEnum):
    SUSPECTED = "suspected"
    CONFIRMED = "confirmed"  # 辍学认定
    REPORTED = "reported"  # 学校报告
    PERSUADING = "persuading"  # 走访动员
    ENFORCING = "enforcing"  # 依法强制
    RETURNED = "returned"  # ended: back at school
    CLOSED = "closed"  # ended: transferred, moved away, ...


class DropoutTrigger(StrEnum):
    CONSECUTIVE = "consecutive"  # N unexplained absent school days in a row
    TERM_RATIO = "term_ratio"  # absences reached a share of the term's school days
    MANUAL = "manual"


class DropoutEventKind(StrEnum):
    OPENED = "opened"
    STAGE = "stage"
    VISIT = "visit"
    NOTE = "note"
    RETURNED = "returned"
    CLOSED = "closed"


class DropoutOutcome(StrEnum):
    """How a dropout case ended (DropoutCase.outcome)."""

    RETURNED = "returned"  # back at school
    TRANSFERRED = "transferred"  # 转学
    MOVED_AWAY = "moved_away"  # left with the family
    OTHER = "other"  # the note says what
