# 调查摸底: the start-of-term census of left-behind students (head teachers confirm or
# correct; admins get the change report).
command-census = Census (term-start check of left-behind students)
census-menu-button = 📋 Census
census-only-staff = Only head teachers and school admins can use this. Send /start for the menu.
census-no-term = The calendar has no term that has started yet. A school admin sets terms with /calendar.
census-not-your-class = This is not your class.
census-not-your-student = This is not a student of your class.
census-not-allowed = Only the school's admins can see this.
census-bad-button = This button no longer works. Send /census to start again.
census-text-empty = Please type some text.
census-text-too-long = Too long: at most { $max } characters.
census-already-left-behind = This student is already left-behind.
census-already-not-left-behind = This student is already not left-behind.
census-same-place = That is the same workplace as before: nothing changed.
census-guardian-format = Type the name and the phone with a space between, e.g. Zhang San 13800138000
census-bad-phone = That phone number is not right. Try again, e.g. Zhang San 13800138000
census-guardian-same = This person is already a guardian. Tap someone who stops, or pick another person.
census-type-text = Please type it, or tap a button below.
census-unknown = unknown
census-no-class = no class
census-no-head = no head teacher
census-class-label = Grade { $grade } { $name }
census-separator = ; 

# Messages the bot starts.
census-open-button = 📋 Start checking
census-start =
    📋 { $term } census: please check the { $count } left-behind students of { $class_label } (where the parents work, who the guardian is).
    One tap per student: "No change" or "Changed".
census-start-none =
    📋 { $term } census: { $class_label } has no left-behind student on record.
    If a student's parents went away to work, tap below to record it.
census-remind = ⏰ { $term } census: { $class_label } still has { $count } left-behind students not checked. Please check them soon.
census-transfer-notice = 🔀 Head teacher's note: { $name } of { $class_label } has transferred (to: { $destination }). Please record the transfer out under "Student status".
census-download-button = 📥 Download the changes
census-report =
    📊 { $term } census, what changed:
    Became left-behind: { $became }
    No longer left-behind: { $stopped }
    Guardian changes: { $guardians }
    Parents' workplace changes: { $places }
    Transfers: { $transfers }
    Not checked yet: { $unconfirmed }
census-report-filename = Census changes { $term }
census-report-caption = 📊 { $term } census changes

# The spreadsheet.
census-sheet-changes = Changes
census-sheet-unconfirmed = Not checked
census-col-kind = Change
census-col-class = Class
census-col-student = Student
census-col-student_number = Student number
census-col-before = Before
census-col-after = Now
census-col-date = Date
census-col-by = Recorded by
census-col-head_teacher = Head teacher
census-kind-became-left-behind = Became left-behind
census-kind-stopped-left-behind = No longer left-behind
census-kind-work-place = Workplace changed
census-kind-guardian = Guardian changed
census-kind-transferred = Transferred (head teacher's note)
census-kind-status-in = Transfer in (status)
census-kind-status-out = Transfer out (status)
census-value-not-left-behind = not left-behind
census-value-left-behind = left-behind
census-value-away = { $parents } away, in { $place }
census-value-away-unknown = { $parents } away at work
census-value-place = { $relation }: { $place }
census-value-guardian = { $name } ({ $relation })
census-value-transferred = to: { $destination }

# The dialog.
census-button-menu = 🏠 Menu
census-button-back = ⬅️ Back
census-button-list = 📋 Back to the list
census-button-classes = 🏫 Other classes
census-button-other = ➕ Another student (left-behind now)
census-button-same = ✅ No change
census-button-changed = ✏️ Changed
census-button-yes = ✅ Confirm
census-button-save = 💾 Save
census-button-dont-know = Don't know
census-button-new-guardian = ➕ New guardian
census-pick-class = Census: pick a class.
census-no-classes = No class to check.
census-progress-title = 📋 { $term } census progress:
census-progress-line = • { $class_label } ({ $head }): checked { $confirmed }/{ $listed }, left-behind not checked { $unconfirmed }
census-class-title = 📋 { $term } census · { $class_label }: checked { $confirmed }/{ $listed }. Tap a name to check (⬜ not yet, ✅ no change, ✏️ changed).
census-class-empty = This class has no left-behind student on record.
census-student-button = { $mark } { $name }
census-others-title = Which student is left-behind now (parents away at work)?
census-others-none = No other students.
census-card-title = 👤 { $name } ({ $term })
census-card-left-behind = Left-behind student
census-card-not-left-behind = Not left-behind
census-card-parents = Parents working away:
census-card-parent = · { $relation }: in { $place }
census-card-none = · none
census-card-guardians = Guardians:
census-card-guardian = · { $relation } { $name }, phone { $phone }
census-card-open = ⬜ Not checked this term yet.
census-card-unchanged = ✅ Checked this term: no change.
census-card-changes = ✏️ Changes recorded this term:
census-card-change = · { $kind }: { $before } → { $after }
census-toast-unchanged = ✅ { $name }: no change
census-toast-already = { $name } was checked already.
census-toast-saved = Saved
census-saved-unchanged = ✅ Saved: { $name }, no change. Next:
census-saved-all-done = ✅ Saved: { $name }, no change. All checked, thank you!
census-saved-change = ✏️ Saved the change for { $name }. Anything else changed?
census-change-title = What changed for { $name }?
census-change-stopped = 🏠 No longer left-behind (parents came home)
census-change-became = ✈️ Left-behind now (parents away at work)
census-change-place = 🏭 A parent works somewhere else
census-change-guardian = 👵 The main guardian changed
census-change-transfer = 🔀 Transferred
census-left-off-confirm = Confirm: { $name } is no longer left-behind (the parents came home)?
census-left-on-title = Who of { $name }'s parents went away to work?
census-parents-father = Father
census-parents-mother = Mother
census-parents-both = Father and mother
census-left-on-place = Where do they work? Type the place (e.g. Shenzhen, Guangdong), or tap "Don't know".
census-place-parent = Whose workplace changed?
census-place-text = { $relation } worked in: { $old }. Where now? Type the place.
census-guardian-pick = Who is { $name }'s main guardian now? Tap a name, or "New guardian".
census-guardian-choice = { $name } ({ $relation })
census-guardian-choice-past = { $name } ({ $relation }, earlier guardian)
census-guardian-new = Type the new guardian's name and phone with a space between, e.g. Zhang San 13800138000
census-guardian-relation = What is { $name } to the child?
census-guardian-confirm = { $student }'s main guardian: { $name } ({ $relation })
census-guardian-toggle-hint = The guardians until now (tap to change):
census-guardian-ends = ❌ { $name } ({ $relation }) stops
census-guardian-stays = ✔️ { $name } ({ $relation }) stays
census-transfer-text = Which school did { $name } transfer to? Type its name, or tap "Don't know".
