"""All models, imported here so Alembic and `Base.metadata` see every table."""

from db.models.attendance import AttendanceChange, AttendanceMark, AttendanceSheet
from db.models.audit import AuditEntry, InviteAttempt
from db.models.base import Base, Timestamped, UTCDateTime
from db.models.calendar import CalendarDay, Term
from db.models.care import (
    CounsellingNote,
    HomeVisit,
    MentorActivity,
    MentorActivityKind,
    VisitForm,
    VisitMet,
    VisitPurpose,
)
from db.models.census import CensusChange, CensusChangeKind, CensusEntry, CensusStatus
from db.models.checkins import CheckinAnswer, CheckinChild, HolidayCheckin
from db.models.contacts import (
    ContactMethod,
    ContactWhen,
    MonthlyParentContact,
    TeacherParentContact,
)
from db.models.digest import DigestOptOut
from db.models.dropout import DropoutCase, DropoutCaseEvent
from db.models.enums import (
    AbsenceReason,
    AttendanceStatus,
    DropoutEventKind,
    DropoutStage,
    DropoutTrigger,
    Gender,
    GuardianAnswer,
    GuardianRelation,
    InviteRole,
    MarkSource,
    OutboxStatus,
    ParentRelation,
    Priority,
    StudentStatus,
)
from db.models.fsm import FsmRecord
from db.models.incidents import (
    Incident,
    IncidentCategory,
    IncidentEvent,
    IncidentEventKind,
    InformedHow,
)
from db.models.invites import Invite
from db.models.notices import Notice, NoticeKind, NoticeRecipient
from db.models.outbox import Campaign, OutboxMessage
from db.models.people import Person, Staff
from db.models.returns import HomeReturn, HomeStatus, ReleaseKind, ReturnRound, SchoolRelease
from db.models.school import County, School, SchoolClass
from db.models.students import (
    AwayParent,
    ClassTeacher,
    Student,
    StudentGuardian,
    StudentMentor,
    StudentStatusChange,
)
from db.models.updates import ReceivedUpdate

__all__ = [
    "ReceivedUpdate",
    "AuditEntry", "InviteAttempt",
    "DigestOptOut",
    "CheckinAnswer", "CheckinChild", "HolidayCheckin",
    "Notice", "NoticeKind", "NoticeRecipient",
    "HomeReturn", "HomeStatus", "ReleaseKind", "ReturnRound", "SchoolRelease",
    "CensusChange", "CensusChangeKind", "CensusEntry", "CensusStatus",
    "Incident", "IncidentCategory", "IncidentEvent", "IncidentEventKind", "InformedHow",
    "CounsellingNote", "HomeVisit", "MentorActivity", "MentorActivityKind", "VisitForm", "VisitMet",
    "VisitPurpose",
    "ContactMethod", "ContactWhen", "MonthlyParentContact", "TeacherParentContact",
    "AbsenceReason", "AttendanceChange", "AttendanceMark", "AttendanceSheet", "AttendanceStatus",
    "CalendarDay", "DropoutCase", "DropoutCaseEvent", "DropoutEventKind", "DropoutStage",
    "DropoutTrigger", "GuardianAnswer", "MarkSource", "Term",
    "AwayParent", "Base", "Campaign", "ClassTeacher", "County", "Gender", "GuardianRelation",
    "FsmRecord", "Invite", "InviteRole", "OutboxMessage", "OutboxStatus", "ParentRelation", "Person",
    "Priority", "School", "SchoolClass", "Staff", "Student", "StudentGuardian",
    "StudentMentor", "StudentStatus", "StudentStatusChange", "Timestamped", "UTCDateTime",
]
