"""All models, imported here so Alembic and `Base.metadata` see every table."""

from db.models.base import Base, Timestamped, UTCDateTime
from db.models.enums import (
    Gender,
    GuardianRelation,
    InviteRole,
    OutboxStatus,
    ParentRelation,
    Priority,
    StudentStatus,
)
from db.models.fsm import FsmRecord
from db.models.invites import Invite
from db.models.outbox import Campaign, OutboxMessage
from db.models.people import Person, Staff
from db.models.school import County, School, SchoolClass
from db.models.students import (
    AwayParent,
    ClassTeacher,
    Student,
    StudentGuardian,
    StudentMentor,
    StudentStatusChange,
)

__all__ = [
    "AwayParent", "Base", "Campaign", "ClassTeacher", "County", "Gender", "GuardianRelation",
    "FsmRecord", "Invite", "InviteRole", "OutboxMessage", "OutboxStatus", "ParentRelation", "Person",
    "Priority", "School", "SchoolClass", "Staff", "Student", "StudentGuardian",
    "StudentMentor", "StudentStatus", "StudentStatusChange", "Timestamped", "UTCDateTime",
]
