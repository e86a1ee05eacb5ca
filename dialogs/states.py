from aiogram.fsm.state import State, StatesGroup


class MainMenu(StatesGroup):
    main = State()
    children = State()  # a guardian's children
    students = State()  # a teacher's students
    schools = State()  # a bureau officer's schools


class Roster(StatesGroup):
    """An admin uploads the roster spreadsheet or downloads the blank template."""

    upload = State()


class Language(StatesGroup):
    choose = State()


class InviteTeacher(StatesGroup):
    """An admin creates a one-time invite link for a teacher."""

    choose_role = State()
    show_link = State()


class InviteGuardian(StatesGroup):
    """A head teacher or admin makes a join link for a guardian whose number did not match."""

    student = State()
    guardian = State()
    show_link = State()


class Announce(StatesGroup):
    """An admin or head teacher sends a short notice to guardians."""

    kind = State()  # first: enrolment, pre-holiday safety, parent meeting, other
    audience = State()
    text = State()
    confirm = State()
    started = State()


class AbsenceReport(StatesGroup):
    """A guardian reports before school that a child will be absent today."""

    child = State()
    reason = State()
    confirm = State()
    done = State()
    refused = State()  # no school today, or no child to report


class Dropout(StatesGroup):
    """控辍保学: open cases, one case's card and its next step, manual opening, registers."""

    cases = State()
    card = State()
    field = State()  # one typed field of a step's form
    outcome = State()  # why a case is closed
    save = State()  # what will be recorded, the date, Save
    pick_class = State()
    pick_student = State()
    registers = State()


class Attendance(StatesGroup):
    """The head teacher's daily arrival report; read-only for subject teachers and mentors."""

    pick = State()  # a head teacher of several classes picks one
    sheet = State()
    saved = State()
    view = State()
    school = State()  # a school admin's overview of every class today (read-only)
    school_class = State()  # one class of it: who is not present (read-only)


class CalendarAdmin(StatesGroup):
    """An admin sets the school's terms, holidays and make-up days."""

    school = State()
    main = State()
    term = State()
    holiday = State()
    makeup = State()
    clear = State()
    release = State()  # weekend and holiday release times (放学时间)
    release_time = State()  # typing one of them
    sheet = State()  # the calendar as a spreadsheet: download, send back


class HomeVisitLog(StatesGroup):
    """家访: a teacher logs a home visit in a few taps."""

    student = State()
    day = State()
    form = State()
    purpose = State()
    met = State()
    note = State()  # typed or a voice message
    confirm = State()  # summary; a photo or a follow-up date may be added; Save


class Mentoring(StatesGroup):
    """帮扶: the mentor logs an activity; the admin assigns mentors and sees coverage."""

    home = State()
    student = State()
    kind = State()
    confirm = State()
    teacher = State()  # admin: pick a teacher
    mentees = State()  # admin: tick the teacher's mentees
    coverage = State()  # admin: left-behind students without a mentor


class Counselling(StatesGroup):
    """心理健康: counsellors and admins read and write counselling notes."""

    search = State()
    notes = State()
    write = State()


class MonthlyContact(StatesGroup):
    """A guardian confirms that a left-behind child talked with the away parents this month."""

    child = State()  # several children: pick one (skipped with one)
    status = State()  # this month's state; the "talked with parents" button
    method = State()
    when = State()
    done = State()
    refused = State()  # no left-behind child


class ParentContact(StatesGroup):
    """A teacher logs a contact with a left-behind student's parents; term compliance."""

    pick_class = State()
    pick_student = State()
    method = State()
    note = State()
    confirm = State()
    compliance = State()
    refused = State()


class Incidents(StatesGroup):
    """安全应急预案: open incidents, one incident's card and its steps, opening one."""

    incidents = State()
    card = State()
    pick_class = State()
    pick_student = State()  # a class's students, or those whose name was typed
    category = State()
    description = State()
    when = State()  # just now / 30 minutes ago / typed HH:MM
    confirm = State()
    phone = State()  # "guardian informed by phone at HH:MM"
    note = State()
    close = State()
    export_period = State()  # which incidents go in the spreadsheet: this month, last month, term, all


class Ledger(StatesGroup):
    """学生档案 / 台帐: find a student (typed name or a class), their ledger, the spreadsheet."""

    find = State()
    students = State()  # a class's students, or those whose name was typed
    card = State()
    exports = State()


class StatusChange(StatesGroup):
    """学籍: transfers in and out, suspension, resumption, graduation; pending files."""

    menu = State()
    pick_class = State()
    pick_student = State()
    text = State()  # one typed field: destination, name, student number, reason
    flag = State()  # has the file come?
    photo = State()  # the suspension certificate
    confirm = State()
    files = State()


class Census(StatesGroup):
    """调查摸底: head teachers confirm or correct each left-behind student once a term;
    admins see the progress per class and download the change report."""

    classes = State()
    students = State()
    others = State()  # students not on the list, to mark one left-behind now
    student = State()
    change = State()
    left_on = State()  # which parents went away
    left_on_place = State()
    left_off = State()
    place_parent = State()
    place_text = State()
    guardian_pick = State()
    guardian_new = State()
    guardian_relation = State()
    guardian_confirm = State()
    transfer = State()


class Reports(StatesGroup):
    """/reports: which table, for whom, which days; the file comes in the background."""

    pick_report = State()
    pick_scope = State()
    pick_period = State()


class Checkin(StatesGroup):
    """不定期向监护人了解: holiday check-ins — the list, starting one, a class's answers."""

    home = State()
    pick_class = State()
    confirm = State()
    started = State()
    results = State()
    child = State()
