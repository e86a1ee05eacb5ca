# Dropout control: a case from suspected dropout to return or closing; the dropout register.
command-dropout = Dropout cases
dropout-menu-button = 🚸 Dropout control
dropout-only-staff = Only head teachers, school admins and the education bureau can see dropout cases.

## Stages, triggers, outcomes

dropout-stage-suspected = Suspected
dropout-stage-confirmed = Confirmed dropout
dropout-stage-reported = Reported
dropout-stage-persuading = Visiting and persuading
dropout-stage-enforcing = Legal enforcement
dropout-stage-returned = Back at school
dropout-stage-closed = Closed
dropout-trigger-consecutive = Absent in a row, no reason given
dropout-trigger-term_ratio = Too many absences this term
dropout-trigger-manual = Opened by staff
dropout-outcome-returned = Back at school
dropout-outcome-transferred = Transferred
dropout-outcome-moved_away = Moved away
dropout-outcome-other = Other reason
dropout-state-returned = Back at school ({ $date })
dropout-state-closed = Closed: { $outcome } ({ $date })
dropout-next-suspected = check what happened and confirm whether it is a dropout
dropout-next-confirmed = file the school report (reason, parents, address, whereabouts)
dropout-next-reported = visit the family and persuade them
dropout-next-persuading = keep visiting; if the child still stays away, take legal steps
dropout-next-enforcing = follow up the legal steps until the child is back

## Relations (used to pre-fill the parents)

dropout-relation-father = Father
dropout-relation-mother = Mother
dropout-relation-grandfather = Grandfather
dropout-relation-grandmother = Grandmother
dropout-relation-uncle = Uncle
dropout-relation-aunt = Aunt
dropout-relation-sibling = Sibling
dropout-relation-other = Guardian
dropout-works-in = working in { $place }
dropout-list-separator = {"; "}

## List and case

dropout-list-title = 🚸 Dropout control: { $count } open cases. Tap one to see it.
dropout-list-empty = 🚸 Dropout control: no open cases now.
dropout-list-item = { $name } · { $class_label } · { $stage }
dropout-card-title = 🚸 { $name } ({ $school } { $class_label })
dropout-card-stage = Now: { $stage }, since { $since } ({ $days } days)
dropout-card-trigger = Found by: { $trigger }, { $opened }
dropout-card-report =
    Reason: { $reason }
    Parents: { $parents }
    Home address: { $address }
    Whereabouts: { $whereabouts }
dropout-unknown = not filled in
dropout-card-history = What happened:
dropout-card-more = …{ $count } earlier entries
dropout-card-read-only = (view only)
dropout-event-opened = { $date } case opened ({ $by })
dropout-event-stage = { $date } { $stage } ({ $by })
dropout-event-visit = { $date } visit ({ $by }): { $visitors }. Said: { $said }. Result: { $result }
dropout-event-returned = { $date } back at school ({ $by })
dropout-event-closed = { $date } closed: { $outcome } ({ $by })
dropout-event-note = { "  " }Note: { $note }
dropout-by-system = automatic

## Buttons

dropout-button-new = ➕ New case
dropout-button-registers = 📊 Registers
dropout-button-menu = ⬅️ Back to the menu
dropout-button-list = ⬅️ Back to the cases
dropout-button-confirm = ✅ Confirm dropout
dropout-button-report = 📝 School report
dropout-button-visit = 🚶 Log a visit
dropout-button-enforce = ⚖️ Legal enforcement
dropout-button-returned = 🏫 Back at school
dropout-button-close = 📁 Close the case
dropout-button-keep = ✔️ Use this
dropout-button-skip = Skip
dropout-button-save = ✅ Save
dropout-button-cancel = Cancel
dropout-button-this-month = 📊 This month ({ $this_month })
dropout-button-last-month = 📊 Last month ({ $last_month })

## Forms

dropout-ask-open-note = Why open a case for this student? Type one sentence, or tap "Skip".
dropout-ask-confirm-note = Confirm dropout: type one sentence (e.g. away for a week, parents cannot be reached), or tap "Skip".
dropout-ask-report-reason = School report 1/4: why did the student leave? (e.g. lost interest, went to work, family hardship)
dropout-ask-report-parents = School report 2/4: who are the parents and how to reach them?
dropout-ask-report-address = School report 3/4: home address?
dropout-ask-report-whereabouts = School report 4/4: where is the student now and what are they doing?
dropout-ask-visit-visitors = Visit: who went?
dropout-ask-visit-said = Visit: what was said to the parents and the student?
dropout-ask-visit-result = Visit: what came of it?
dropout-ask-enforce-note = Legal enforcement: what was done? (e.g. reported to the town government, parents ordered to send the child back by a date)
dropout-ask-close-note = Close: type one sentence (which school, where they moved), or tap "Skip".
dropout-ask-close-note-other = Close: please type the reason.
dropout-prefill = On file: { $prefill }
dropout-choose-outcome = Why is the case closed?
dropout-type-text = Please type text.
dropout-text-empty = That is empty; please type some text.
dropout-text-too-long = Too long: { $length } characters, at most { $max }.

## Save

dropout-step-open = New case: { $name }
dropout-step-confirm = Confirm dropout: { $name }
dropout-step-report = School report: { $name }
dropout-step-visit = Visit: { $name }
dropout-step-enforce = Legal enforcement: { $name }
dropout-step-returned = Back at school: { $name }
dropout-step-close = Close the case: { $name }
dropout-summary-line = { $field }: { $value }
dropout-field-outcome = Why closed
dropout-field-open-note = What happened
dropout-field-confirm-note = What happened
dropout-field-report-reason = Reason
dropout-field-report-parents = Parents
dropout-field-report-address = Home address
dropout-field-report-whereabouts = Whereabouts
dropout-field-visit-visitors = Who went
dropout-field-visit-said = What was said
dropout-field-visit-result = Result
dropout-field-enforce-note = Steps taken
dropout-field-close-note = Note
dropout-save-date-today = Date: { $date } (today). If it was another day, type the date like { $example }. Otherwise tap "Save".
dropout-save-date = Date: { $date }. To change it, type a date like { $example }. Otherwise tap "Save".
dropout-bad-date = Please write the date like this: { $example }
dropout-date-future = The date cannot be after today.
dropout-date-before-open = The date cannot be before the case was opened ({ $opened }).
dropout-saved = Saved.
dropout-nothing-to-save = This step was already saved.

## New case

dropout-pick-class = Open a case for a student of which class?
dropout-pick-student = Choose the student ({ $class_label }):
dropout-no-students = No student of this class can get a new case (students with an open case are not listed).
dropout-no-classes = You have no class to open a case in.

## What cannot be done

dropout-not-allowed = You cannot see or work on this case.
dropout-case-ended = This case has already ended.
dropout-stage-changed = The case has moved on; here is where it stands now.
dropout-illegal-step = Not possible now: the case is at "{ $stage }" and cannot go to "{ $to_stage }" directly.
dropout-already-open = This student already has an open case.
dropout-student-not-enrolled = This student is no longer at the school; no case can be opened.
dropout-bad-outcome = Please tap one of the reasons.

## Alerts (to the head teacher and school admins)

dropout-notice-consecutive = ⚠️ Possible dropout: { $name } ({ $school } { $class_label }) has been absent without a reason on { $days } school days in a row ({ $dates }). A dropout case is open; please reach the family and visit soon.
dropout-notice-term-ratio = ⚠️ Possible dropout: { $name } ({ $school } { $class_label }) has been absent { $absent } days this term (of { $total } school days). A dropout case is open; please reach the family and visit soon.
dropout-notice-manual = ⚠️ { $opener } opened a dropout case for { $name } ({ $school } { $class_label }).
dropout-notice-overdue = ⏰ Dropout case: { $name } ({ $school } { $class_label }) has been at "{ $stage }" since { $since }, { $days } days now. Next: { $next }.
dropout-notice-button = Open the case

## Registers

dropout-registers-title = 📊 Registers: choose the month. One spreadsheet, three sheets: suspected dropouts, dropout register, monthly summary.
dropout-register-caption = { $school } dropout registers ({ $month })
dropout-register-filename = dropout-registers-{ $school }-{ $month }.xlsx
dropout-sheet-suspected = Suspected dropouts
dropout-sheet-register = Dropout register
dropout-sheet-summary = Monthly summary
dropout-reg-title-suspected = { $school } suspected dropouts ({ $month })
dropout-reg-title-register = { $school } dropout register ({ $month })
dropout-reg-title-summary = { $school } dropout control, monthly summary ({ $month })
dropout-col-no = No.
dropout-col-name = Name
dropout-col-class = Class
dropout-col-trigger = Found by
dropout-col-opened = Found on
dropout-col-stage = Current state
dropout-col-reason = Reason
dropout-col-parents = Parents
dropout-col-address = Home address
dropout-col-whereabouts = Whereabouts
dropout-col-actions = Actions taken
dropout-col-confirmed = Confirmed on
dropout-col-reported = Reported on
dropout-col-grade = Grade
dropout-col-count-opened = Opened
dropout-col-count-confirmed = Confirmed
dropout-col-count-returned = Returned
dropout-col-count-closed = Closed
dropout-col-count-open = Open at month end
dropout-grade = Grade { $grade }
dropout-no-grade = No class
dropout-total = Total
dropout-reg-visit = { $date } visit ({ $visitors }): { $said }; result: { $result }
dropout-reg-enforce = { $date } legal step: { $note }

## Command line

cli-dropout-help = Dropout control registers
cli-dropout-register-help = Export one school's dropout registers for a month (suspected dropouts, dropout register, monthly summary)
cli-dropout-school-help = the school's name
cli-dropout-county-help = the county's name (needed when several schools share the name)
cli-dropout-month-help = the month, e.g. 2026-11 (default: this month)
cli-dropout-out-help = the file to write (.xlsx)
cli-dropout-language-help = the spreadsheet's language
cli-dropout-bad-month = Cannot read the month "{ $month }"; write it like 2026-11.
cli-dropout-no-school = No school named "{ $school }".
cli-dropout-several-schools = Several schools are named "{ $school }"; add --county with the county's name.
cli-dropout-written = Registers ({ $month }) saved to { $path }
