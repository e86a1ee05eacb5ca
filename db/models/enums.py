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
