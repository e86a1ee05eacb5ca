# 学籍: transfers in and out, suspension, resumption, graduation.
command-status = Student status (transfers, suspension, graduation)
status-menu-button = 🔀 Student status
status-only-admin = Only school admins record transfers, suspensions and graduations.
status-not-allowed = This is not a student or class of your school.
status-wrong-state = This student's status has changed; nothing was recorded.
status-text-empty = Please type a few words.
status-text-too-long = Too long: at most { $max } characters.
status-date-future = The date cannot be later than today.
status-bad-date = Write the date like this: { $example }
status-number-here = A student with this student number is already on your school's books.
status-number-in-system = This student number belongs to a student at another school in the system: that school records the transfer out to you, and the student then appears here to place in a class.
status-same-school = A student cannot transfer to their own school.
status-class-empty = This class has no current students.
status-file-already-cleared = This file was already marked as received.
status-file-cleared = ✅ File marked as received.
status-saved = ✅ Saved.
status-nothing = Nothing to save; start again from the menu.
status-arrival-notice = 🔀 { $name } has been transferred to your school from { $school }, with their records. Open /status → “Arrivals” to place the student in a class.
status-state-enrolled = at school
status-state-transferred_out = transferred out
status-state-suspended = suspended
status-state-dropped_out = dropped out
status-state-graduated = graduated
status-class-label = Grade { $grade } { $class_name }

## Menu

status-menu-title = 🔀 Student status: what happened?
status-menu-files = 📂 Files still pending: { $files }
status-menu-arrivals = 🔀 Transferred in, waiting for a class: { $arrivals }
status-button-transfer_out = 🚪 Transfer out
status-button-transfer_in = 🏫 Transfer in (new to the system)
status-button-arrival = 🔀 Arrivals ({ $arrivals })
status-button-suspend = ⏸️ Suspension
status-button-resume = ▶️ Back from suspension
status-button-graduate = 🎓 Graduate a class
status-button-files = 📂 Pending files ({ $files })
status-button-menu = ⬅️ Menu
status-button-back = ⬅️ Back
status-button-cancel = ✖️ Cancel
status-button-save = ✅ Save
status-button-skip = Skip
status-button-file-ok = ✅ Yes, the file is here
status-button-file-pending = 📂 Not yet (file pending)

## Steps

status-pick-class = Which class?
status-pick-student = Which student?
status-no-students = No student to choose here.
status-ask-transfer_out-destination = Which school is the student moving to? Type its name.
status-ask-transfer_in-name = The new student's name?
status-ask-transfer_in-number = Their student number (学籍号)?
status-ask-transfer_in-from_school = Which school do they come from?
status-ask-suspend-reason = Why is the student suspended? (e.g. illness, with the hospital's certificate)
status-ask-file-transfer_out = Has the student's file been handed over to the new school?
status-ask-file-transfer_in = Has the student's file arrived?
status-ask-file-arrival = Has the student's paper file arrived?
status-ask-photo = Send a photo of the certificate (e.g. the county hospital's), or tap Skip.
status-photo-hint = Please send a photo, or tap Skip.
status-type-text = Please type the answer as text.

## Confirm

status-summary-transfer_out = 🚪 Transfer out: { $name } → { $destination }
status-summary-in-system = This school uses the system: the student and all their records move there.
status-summary-transfer_in = 🏫 Transfer in: { $name } (student no. { $number }) from { $from_school }, into { $class_label }
status-summary-arrival = 🔀 Arrival: { $name }, into { $class_label }
status-summary-suspend = ⏸️ Suspension: { $name }. Reason: { $reason }
status-summary-photo = Certificate: photo attached.
status-summary-no-photo = Certificate: no photo.
status-summary-resume = ▶️ Back from suspension: { $name }
status-summary-graduate = 🎓 { $class_label }: all { $count } current students graduate.
status-summary-file-ok = File: handed over / arrived.
status-summary-file-pending = File: pending (listed until cleared).
status-summary-case = The open dropout case will be closed as “transferred”.
status-save-date-today = Date: { $date } (today). Type another date ({ $example }) if it happened earlier.
status-save-date = Date: { $date }. Type another date ({ $example }) to change it.
status-graduated = 🎓 { $count } students graduated.

## Pending files

status-files-title = 📂 Files still pending (tap one when it has arrived):
status-files-none = No files pending.
status-file-item = { $name } · { $kind } · { $date }
status-kind-transfer_in = transferred in
status-kind-transfer_out = transferred out
status-files-reminder =
    📂 The files of { $count } students have not come yet:
    { $names }
    When one arrives, tap the button below and tap the name to mark it received.
status-files-reminder-more = …and { $count } more
status-button-open-files = 📂 Open the pending files
