# The daily arrival report: head teachers take attendance; subject and mentor teachers read it.
command-attendance = Today's attendance
attendance-menu-button = 📝 Today's attendance
attendance-only-teachers = Only teachers can open the attendance sheet. Send /start for the menu.
attendance-no-class = You are not the head teacher of a class and have no students of your own, so there is no sheet for you.
attendance-not-school-day = Today is not a school day: no attendance to take.
attendance-not-your-class = This is not your class's sheet: you cannot change it.
attendance-stale-day = This sheet is from an earlier day and can no longer be changed. Send /attendance for today's.
attendance-not-in-class = This student is not on this class's list. Nothing was changed.
attendance-bad-button = That button is not valid. Nothing was changed. Send /attendance to open the sheet again.
attendance-old-button = That button has expired. Nothing was changed. Please use the buttons of the newest message.
attendance-already-saved = The sheet is already submitted. To change it, tap "✏️ Edit the list".
attendance-view-only = You can only look at this sheet. Only the head teacher can change it.
attendance-tap-hint = Please tap the name buttons, no typing needed. Tap each student who is not here, then "Submit" at the bottom.
attendance-list-separator = {", "}
attendance-date = { $month }/{ $day }

# Picking the class
attendance-pick-class = Which class?
attendance-class-button = 📝 { $class_label }
attendance-view-button = 👁 My students (read only)
attendance-close = Close

# The sheet
attendance-sheet =
    📝 { $class_label } · attendance { $date } ({ $count } students)
    { $status }
    { $lines }
attendance-sheet-help = Tap each student who is not here (they get ❌); tap again to undo. Everyone here? Just tap "All present, submit".
attendance-sheet-saved-at = Already submitted today at { $time }; change it and tap save.
attendance-page = Page { $page }/{ $pages }
attendance-all-present-submit = ✅ All present, submit
attendance-submit = 📤 Submit ({ $count } not here)
attendance-save-changes = 💾 Save changes ({ $count })
attendance-prev-page = ⬅️ Previous
attendance-next-page = Next ➡️
attendance-more-reasons = More students' reasons ➡️
attendance-reason-hint = Tap a button to the right for the reason: sick, leave, late, unknown.
attendance-reason-hint-saved = Tap a button to the right to change the reason; one tap saves it.
attendance-reason-sick = 🤒Sick
attendance-reason-personal = 📝Leave
attendance-reason-late = ⏰Late
attendance-reason-unknown = ❓Unknown
attendance-reason-name-unknown = reason unknown
attendance-reason-name-sick = sick
attendance-reason-name-personal = personal leave
attendance-reason-name-family = family matters
attendance-reason-name-late = late
attendance-line = { $icon } { $name } · { $reason }{ $extra }
attendance-line-from-guardian = (reported by the family)
attendance-line-answer = {" · "}family: { $answer }
attendance-line-unreachable = {" · "}⚠️ family not reachable, please phone
attendance-line-draft = (not submitted yet)
attendance-answer-sick = sick
attendance-answer-family = family matters
attendance-answer-on-the-way = on the way
attendance-answer-dont-know = does not know

# After submitting
attendance-saved-all-present = ✅ Submitted: { $class_label } { $date }, all present ({ $count }).
attendance-saved =
    ✅ Submitted: { $class_label } { $date }, { $present } present, { $absent } absent or late:
    { $lines }
attendance-saved-asked = The families of { $asked } students were asked why; their answers will show here.
attendance-saved-unreachable = ⚠️ These students' families have not joined the bot, please phone them: { $unreachable }
attendance-saved-reasons = If you know a reason, tap it below; one tap saves it.
attendance-edit = ✏️ Edit the list
attendance-done = ✅ Done

# Read only (subject teachers, mentors)
attendance-view-title = 👁 Today's attendance (read only)
attendance-view-saved = { $class_label }: taken by the head teacher at { $time }.
attendance-view-missing = { $class_label }: not taken yet.
attendance-view-no-school = { $class_label }: no school today.
attendance-view-all-here = No absence among your { $count } students.
attendance-view-nobody = You have no students yet.
attendance-view-readonly = Only the head teacher can change the attendance.

# Reminders (through the outbox)
attendance-reminder = 📝 { $class_label } has no attendance yet today ({ $date }). If everyone is here, it is one tap.
attendance-reminder-button = 📝 Take attendance now
attendance-admin-missing =
    📋 { $school }: { $count } classes have no attendance yet today ({ $date }):
    { $lines }
attendance-admin-line = • { $class_label } (head teacher: { $teacher })
attendance-admin-line-no-head = • { $class_label } (no head teacher)

# To guardians: the child is not at school, reason unknown (urgent)
absence-notice = { $child } is not at school today. Do you know why?
absence-answer-sick = 🤒 Sick
absence-answer-family = 🏠 Family matters
absence-answer-on-the-way = 🚶 On the way
absence-answer-dont-know = ❓ I don't know

# School admins: today's attendance of the whole school (read only)
attendance-school-button = 🏫 Whole school today
attendance-school-header = 🏫 { $school } · attendance { $date }
attendance-school-header-cont = 🏫 { $school } (continued)
attendance-school-totals = Taken { $saved }/{ $classes } classes · { $absent } absent, { $unexplained } unexplained
attendance-school-no-school = No school today.
attendance-school-line-saved = { $class_label } ✅ { $time } · { $summary }
attendance-school-line-missing = { $class_label } ❌ not taken yet
attendance-school-line-missing-marks = { $class_label } ❌ not taken yet · { $summary }
attendance-school-line-no-school = { $class_label } no school today
attendance-school-absent = { $absent } absent
attendance-school-absent-unexplained = { $absent } absent ({ $unexplained } unexplained)
attendance-school-late = { $late } late
attendance-school-separator = {" · "}
attendance-school-all-here = all { $count } here
attendance-school-class-button = 👁 { $class_label } not here ({ $count })
attendance-school-class-all-here = All { $count } students are here.
attendance-school-readonly = Read only. Unexplained absences: contact the head teacher or the family today.
attendance-school-nothing = Your school has no students listed yet.
attendance-school-view-only = You can only look here. Only the head teacher can change the attendance.
attendance-not-your-school = This class is not in your school; you cannot see it.
