"""All models, imported here so Alembic and `Base.metadata` see every table."""

from db.models.base import Base, Timestamped, UTCDateTime
from db.models.attendance import AttendanceChange, AttendanceMark, AttendanceSheet
from db.models.calendar import CalendarDay, Term
from db.models.dropout import DropoutCase, DropoutCaseEvent
from db.models.enums import (
    AbsenceReason,
    AttendanceStatus,
    DropoutEventKind,
    DropoutStage,
    DropoutTrigger,
    Gender,
    GuardianAnswer,
    MarkSource,
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
    "AbsenceReason", "AttendanceChange", "AttendanceMark", "AttendanceSheet", "AttendanceStatus",
    "CalendarDay", "DropoutCase", "DropoutCaseEvent", "DropoutEventKind", "DropoutStage",
    "DropoutTrigger", "GuardianAnswer", "MarkSource", "Term",
    "AwayParent", "Base", "Campaign", "ClassTeacher", "County", "Gender", "GuardianRelation",
    "FsmRecord", "Invite", "InviteRole", "OutboxMessage", "OutboxStatus", "ParentRelation", "Person",
    "Priority", "School", "SchoolClass", "Staff", "Student", "StudentGuardian",
    "StudentMentor", "StudentStatus", "StudentStatusChange", "Timestamped", "UTCDateTime",
]
