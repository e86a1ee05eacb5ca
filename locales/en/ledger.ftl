# The student's ledger (台帐): the record in chat, and the spreadsheet.
command-student = A student's ledger
ledger-menu-button = 📒 Student ledger
ledger-only-staff = Only teachers, school admins and the education bureau can open a student's ledger.
ledger-not-allowed = You cannot open this student's ledger.

## Finding a student

ledger-find = 📒 Whose ledger? Type part of a name, or pick a class.
ledger-find-bureau = 📒 Type part of a name, or pick one of the children your county is following (open dropout cases and incidents).
ledger-search-none = No student you may open has “{ $text }” in the name.
ledger-search-results = Students matching “{ $text }”:
ledger-type-name = Type part of a name (text), or tap a button.
ledger-class-students = { $class_label }: tap a name.
ledger-class-empty = No students here you may open.
ledger-no-classes = No classes to show.
ledger-button-export = 📥 Ledger spreadsheet
ledger-button-menu = ⬅️ Menu
ledger-button-back = ⬅️ Back
ledger-button-newer = ◀️ Newer
ledger-button-older = Older ▶️
ledger-button-list = ⬅️ List
ledger-result = { $name } · { $class_label }

## The card

ledger-class-label = Grade { $grade } { $class_name }
ledger-no-class = no class yet
ledger-card-title = 📒 { $name } ({ $school }, { $class_label })
ledger-card-basics = { $gender } · born { $birth } · student no. { $number } · { $status }
ledger-card-categories = Categories: { $categories }
ledger-card-parents = Parents working away:
ledger-card-no-parents = · none recorded
ledger-parent-line = · { $relation } { $name }, works in { $place }, phone { $phone }
ledger-card-guardians = Guardians:
ledger-card-no-guardian = · ⚠️ no guardian recorded
ledger-guardian-line = · { $relation } { $name }, phone { $phone }
ledger-guardian-line-proxy = · { $relation } { $name } (proxy guardian), phone { $phone }
ledger-card-mentor = Mentor teacher: { $mentors }
ledger-phone-hidden = (not shown)
ledger-unknown = unknown
ledger-none = —
ledger-list-separator = ;{" "}
ledger-gender-male = Male
ledger-gender-female = Female
ledger-category-left_behind = left-behind
ledger-category-migrant = migrant worker's child
ledger-category-disabled = disabled
ledger-category-hardship = family hardship
ledger-category-boarding = boarding
ledger-relation-father = Father
ledger-relation-mother = Mother
ledger-relation-grandfather = Grandfather
ledger-relation-grandmother = Grandmother
ledger-relation-uncle = Uncle
ledger-relation-aunt = Aunt
ledger-relation-sibling = Sibling
ledger-relation-other = Guardian

## The timeline

ledger-timeline-title = History (newest first, page { $page } of { $pages }):
ledger-timeline-empty = History: nothing recorded yet.
ledger-entry-line = { $date } { $text }
ledger-entry-attendance = 📅 { $month }: absent { $absent } days ({ $detail }), late { $late } times
ledger-reason-count = { $reason } { $count }
ledger-reason-unknown = no reason given
ledger-reason-sick = sick
ledger-reason-personal = personal leave
ledger-reason-family = family matters
ledger-reason-late = late
ledger-entry-dropout-opened = 🚸 dropout case opened
ledger-entry-dropout-stage = 🚸 dropout case: { $stage }
ledger-entry-dropout-visit = 🚶 persuasion visit by { $visitors }: { $result }
ledger-entry-dropout-returned = 🏫 back at school, dropout case ended
ledger-entry-dropout-closed = 📁 dropout case closed: { $outcome }
ledger-entry-dropout-note = 🚸 dropout case note: { $note }
ledger-entry-status-transfer_in = 🔀 transferred in to { $school } from { $other }
ledger-entry-status-transfer_out = 🔀 transferred out of { $school } to { $other }
ledger-entry-status-suspension = ⏸️ suspended: { $reason }
ledger-entry-status-resumption = ▶️ back from suspension
ledger-entry-status-graduation = 🎓 graduated from { $school }
ledger-entry-status-other = status now: { $status }
ledger-entry-file-pending = 📂 the student's file has not arrived yet
ledger-entry-guardian-start = 👵 guardian from now on: { $relation } { $name }
ledger-entry-guardian-end = 👵 no longer guardian: { $relation } { $name }

## The spreadsheet

ledger-exports-title = Which ledger?
ledger-export-none = You have no class or school to export.
ledger-export-caption = 📥 Left-behind students' ledger: { $label }
ledger-export-filename = ledger-{ $label }
ledger-export-school = { $school } (whole school)
ledger-export-class = { $school } { $class_label }
ledger-sheet-title = Ledger
ledger-col-name = Name
ledger-col-gender = Gender
ledger-col-birth_date = Born
ledger-col-class = Class
ledger-col-student_number = Student no.
ledger-col-away_parents = Parents working away (relation, where, phone)
ledger-col-guardians = Guardian (relation, name, phone)
ledger-col-absent_term = Days absent this term
ledger-col-dropout_risk = Dropout risk
ledger-col-mentor = Mentor teacher
ledger-col-visits = Visits this term
ledger-col-last_visit = Last visit
ledger-col-contacts = Parent contacts this term
ledger-col-last_contact = Last contact
ledger-export-parent = { $relation } { $name }, { $place }, { $phone }
ledger-export-guardian = { $relation } { $name }, { $phone }
ledger-export-no-guardian = ⚠️ none
ledger-export-no-mentor = ⚠️ none

## Command line

cli-ledger-help = the left-behind students' ledger
cli-ledger-export-help = write the ledger of a school or one class as a spreadsheet
cli-ledger-school-help = the school's name
cli-ledger-county-help = the county's name (when several schools share the name)
cli-ledger-class-help = one class, e.g. "3-1班" (grade-class); all classes when left out
cli-ledger-out-help = where to write the .xlsx file
cli-ledger-language-help = language of the headers
cli-ledger-no-school = No school called “{ $school }”.
cli-ledger-several-schools = Several schools are called “{ $school }”; add --county.
cli-ledger-no-class = No class “{ $class_name }” in that school (write grade-class, e.g. 3-1班).
cli-ledger-written = Ledger written to { $path } ({ $count } students).
