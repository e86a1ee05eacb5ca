"""aiogram-dialog dialogs, one module per dialog; states live in dialogs/states.py."""

from aiogram_dialog import Dialog

from dialogs import (
    absence_report,
    announce,
    attendance,
    calendar,
    census,
    checkin,
    contacts,
    counselling,
    dropout,
    home_visit,
    incident,
    invite_guardian,
    invite_teacher,
    language,
    ledger,
    main_menu,
    mentoring,
    reports,
    roster,
    student_status,
)


def get_dialogs() -> list[Dialog]:
    return [main_menu.dialog, language.dialog, invite_teacher.dialog, invite_guardian.dialog, roster.dialog, announce.dialog, absence_report.dialog, dropout.dialog, attendance.dialog, calendar.dialog, contacts.monthly_dialog, contacts.log_dialog,
            home_visit.dialog, mentoring.dialog, counselling.dialog, incident.dialog, ledger.dialog, student_status.dialog, census.dialog, reports.dialog, checkin.dialog]
