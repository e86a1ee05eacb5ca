# Home visits, mentoring (帮扶) and counselling notes (心理健康).
command-visit = Log a home visit
command-mentor = Mentoring
command-counsel = Counselling notes
visit-menu-button = 🏠 Home visit
mentor-menu-button = 🤝 Mentoring
counselling-menu-button = 💬 Counselling notes

## Shared

care-student-label = { $name } · { $class_label }
care-stale-button = That button is no longer valid. Nothing was changed.
care-not-your-student = You can only log this for your own students.
care-not-allowed = You cannot do that. Nothing was changed.
care-text-too-long = That is { $length } characters; please keep it to { $max }.
care-text-empty = Please type a few words.
care-date-future = The date cannot be after today.
care-date-too-old = The date is more than a year ago.
care-bad-date = Please write the date like this: { $example }
care-button-cancel = ✖️ Cancel
care-button-menu = ⬅️ Menu
care-button-back = ⬅️ Back
care-button-save = ✅ Save
care-button-all-mine = 👥 All my students
care-button-all-students = 👥 All students
care-button-today = Today ({ $today })
care-button-yesterday = Yesterday ({ $yesterday })
care-button-today-plain = 📅 Today
care-button-yesterday-plain = 📅 Yesterday
care-saved-short = Saved
care-summary-day-today = Date: { $date } (today)
care-summary-day = Date: { $date }

## Home visits

visit-only-staff = Only teachers and school admins log home visits.
visit-pick-student = 🏠 Home visit: whose family? Tap a student, or type a name to search.
visit-search-none = Nobody called “{ $search }” among your students. Type another name.
visit-type-name = 🏠 Home visit: type the student's name to find them.
visit-ask-day = 🏠 { $name }: when was the visit? Tap a day or type a date like { $example }.
visit-ask-form = 🏠 { $name }: how did you meet?
visit-ask-purpose = 🏠 { $name }: what was the visit for?
visit-ask-met = 🏠 { $name }: whom did you meet?
visit-ask-note = 🏠 { $name }: what happened? Type a few words or send a voice message.
visit-note-hint = Please type what happened or send a voice message.
visit-form-in_person = 🚶 In person
visit-form-phone = 📞 Phone
visit-form-video = 📹 Video call
visit-purpose-routine = Routine visit
visit-purpose-persuade = Persuade to return
visit-purpose-follow_up = Follow-up
visit-purpose-emergency = Emergency
visit-met-guardian = Guardian
visit-met-father = Father
visit-met-mother = Mother
visit-met-both_parents = Both parents
visit-met-other = Someone else
visit-summary-title = 🏠 Home visit: { $name }
visit-summary-day = Date: { $date }
visit-summary-how = { $form } · { $purpose } · met: { $met }
visit-summary-note = Notes: { $note }
visit-summary-voice = Notes: 🎤 voice message
visit-summary-photo = Photo: 📷 attached
visit-summary-no-photo = Photo: none (send one now to attach it)
visit-summary-follow-up = Follow-up: { $date } (you will be reminded that morning)
visit-summary-no-follow-up = Follow-up: none (type a date like { $example } or tap the button)
visit-summary-case = 🚸 This visit will go on the student's dropout case.
visit-follow-up-hint = To set a follow-up date, type it like { $example }.
visit-confirm-hint = Send a photo, type a follow-up date like { $example }, or tap Save.
visit-button-week = 📅 Follow up in a week
visit-button-no-follow-up = No follow-up
visit-button-no-photo = Remove the photo
visit-follow-up-not-future = The follow-up date must be after today.
visit-follow-up-too-far = The follow-up date is more than a year away.
visit-note-missing = Please say what happened: type it or send a voice message.
visit-saved = ✅ Home visit to { $name }'s family saved.
visit-saved-follow-up = You will be reminded on { $date }.
visit-saved-on-case = It is recorded on the dropout case.
visit-saved-linked-only = It is linked to the dropout case; the visit is dated before the case was opened, so it is not on the case's history.
visit-saved-on-case-stage-kept = It is on the dropout case's history; the case's stage stays as it is (the head teacher or an admin moves it).
visit-saved-short = Saved
visit-case-visitor-unknown = A teacher
visit-case-said-voice = (voice message in the home visit log)
visit-case-result = Home visit: { $form }, met { $met }
visit-reminder-button = 🏠 Log a visit
visit-follow-up-reminder = 🏠 Follow-up due today ({ $date }): { $name }. You visited on { $visited } ({ $purpose }).

## Mentoring

mentor-only-staff = Only mentor teachers and school admins use mentoring.
mentor-home = 🤝 Mentoring (帮扶)
mentor-home-gaps = ⚠️ Left-behind students without a mentor: { $missing }
mentor-home-full = ✅ Every left-behind student has a mentor.
mentor-button-log = 📝 Log what I did
mentor-button-assign = 👥 Assign mentors
mentor-button-coverage = 📋 Mentor coverage
mentor-pick-mentee = 🤝 Which mentee?
mentor-no-mentees = 🤝 You have no mentees yet. The school admin assigns them.
mentor-ask-kind = 🤝 { $name }: what did you do?
mentor-kind-tutoring = 📚 Tutoring
mentor-kind-birthday = 🎂 Birthday
mentor-kind-weekend = 🏞 Weekend together
mentor-kind-talk = 💬 Talk
mentor-kind-other = Other
mentor-summary = 🤝 { $name }: { $kind }
mentor-summary-note = Note: { $note }
mentor-summary-no-note = Note: none (type a few words if you like; type a date like { $example } to change the date)
mentor-confirm-hint = Type a short note or a date, or tap Save.
mentor-saved = ✅ Saved: { $name }, { $kind }, { $date }.
mentor-not-your-mentee = This student is not your mentee.
mentor-pick-teacher = 👥 Which teacher?
mentor-no-teachers = 👥 No teachers in your school yet. Invite them first.
mentor-tick-students = 👥 { $teacher }'s mentees: tick the students ({ $count } ticked), then Save. Left-behind students without a mentor come first; type a name to search.
mentor-tick-none = Nobody called “{ $search }”.
mentor-left-behind-mark = { $label } · left-behind
mentor-assigned = ✅ Mentors saved: { $added } assigned, { $ended } ended.
mentor-coverage-title = 📋 Left-behind students without a mentor ({ $missing }):
mentor-coverage-full = ✅ Every left-behind student has a mentor.
mentor-coverage-reminder = 📋 { $school }: { $missing } of { $total } left-behind students have no mentor teacher. Open Mentoring → Mentor coverage to assign them.

## Counselling notes

counselling-not-allowed = Counselling notes are only for the school's counsellors and admins.
counselling-ask-name = 💬 Counselling notes: type the student's name.
counselling-pick = 💬 Tap the student.
counselling-search-none = Nobody called “{ $search }” in your school. Type another name.
counselling-title = 💬 Counselling notes: { $name }
counselling-note-line = { $date } ({ $by }): { $text }
counselling-none = No notes yet.
counselling-button-write = ✏️ Write a note
counselling-ask-text = ✏️ Type the note.
counselling-type-text = Please type the note as text.
counselling-saved = ✅ Note saved.

## On the student's ledger

ledger-entry-home-visit = 🏠 Home visit ({ $by }): { $form } · { $purpose } · met { $met }. { $note }
ledger-entry-voice-note = 🎤 voice message
ledger-entry-mentoring = 🤝 Mentoring ({ $by }): { $kind }. { $note }
