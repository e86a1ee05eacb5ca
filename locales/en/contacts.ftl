# Contact with the parents working away: the monthly child–parent contact (guardians) and
# the teacher–parent contact log with its per-term compliance (teachers, admins).
contact-menu-button = 📞 Monthly contact
command-contact = Monthly contact with the parents
contact-only-family = This is for guardians of left-behind children. Send /start to open the menu.
pcontact-menu-button = ☎️ Parent contacts
command-parentcontact = Log a contact with parents
pcontact-only-staff = This is for teachers and school admins. Send /start to open the menu.

contact-class-label = Grade { $grade } { $name }
contact-no-class = no class
contact-separator = { "; " }
contact-method-phone = 📞 Phone
contact-method-video = 📹 Video
contact-method-visit-home = 🏠 Parents came home
contact-method-wechat = 💬 WeChat
contact-method-in-person = 🤝 In person
contact-when-today = Today
contact-when-this-week = This week
contact-when-earlier = Earlier this month
contact-bad-button = This button no longer works. Send /start to begin again.
contact-not-your-child = This is not your child.
contact-not-your-student = This is not your student.
contact-not-allowed = Only head teachers and school admins can see this.
contact-button-menu = 🏠 Back to the menu
contact-button-back = ⬅️ Back
contact-button-other-child = 👧 Another child

# The guardian's confirmation.
contact-choose-child = Which child?
contact-child-open = ⬜ { $child }
contact-child-done = ✅ { $child }
contact-status-open = { $child } has no contact with the parents recorded for month { $month } yet.
contact-status-confirmed = ✅ { $child } talked with the parents in month { $month } (recorded by { $by }: { $method }, { $when }).
contact-talked-button = ✅ { $child } talked with parents this month
contact-choose-method = How did { $child } talk with the parents?
contact-choose-when = When?
contact-recorded = Thank you! Recorded: { $child } talked with the parents in month { $month } ({ $method }, { $when }).
contact-others-open = Not recorded yet: { $children }
contact-no-children = None of your children is registered as left-behind; nothing to record.

# The reminder to guardians, and the month-end list to head teachers and mentors.
contact-reminder =
    📞 Has { $child } talked with the parents working away this month (month { $month })?
    If so, tap the button below. If not, please help the child call them.
contact-month-end =
    📋 { $year }-{ $month }: these { $count } left-behind children have no contact with their parents recorded:
    { $lines }
    Please find out why and help them get in touch if needed.
contact-unconfirmed-line = • { $child } ({ $class_label }): { $guardians }
contact-guardian = { $name } { $phone }
contact-guardian-not-in-bot = { $name } { $phone } (not in the bot, please call)
contact-no-phone = no phone on file
contact-no-guardian = no guardian on file
contact-list-more = … and { $count } more

# The teacher's log.
pcontact-pick-class = Log a contact with parents: pick a class.
pcontact-pick-student = Log a contact with a left-behind student's parents: tap the name (this term's contacts shown).
pcontact-student-button = { $name } { $count }/{ $required }
pcontact-button-compliance = 📊 This term
pcontact-button-other-class = 🏫 Another class
pcontact-button-log = ➕ Log a contact
pcontact-choose-method = How did you contact { $name }'s parents?
pcontact-ask-note = Type a short note of what was said (or skip).
pcontact-type-note = Please type a short note, or tap a button.
pcontact-button-skip = Skip
pcontact-button-cancel = ✖️ Cancel
pcontact-button-save = ✅ Save
pcontact-button-yesterday = 📅 Make it yesterday
pcontact-button-today = 📅 Make it today
pcontact-summary = Contact with { $name }'s parents: { $method }
pcontact-summary-note = Note: { $note }
pcontact-summary-date-today = Date: { $date } (today). For another date type it, e.g. { $example }.
pcontact-summary-date = Date: { $date }. For another date type it, e.g. { $example }.
pcontact-bad-date = Please write the date like this: { $example }
contact-date-future = The date cannot be later than today.
contact-note-empty = The note is empty: type a sentence or tap "Skip".
contact-note-too-long = Too long: please keep it within { $limit } characters.
pcontact-saved = ✅ Saved: { $name }, { $method }, { $date }. This term: { $count }/{ $required }.
pcontact-saved-toast = Saved
pcontact-no-students = None of your students is left-behind.

# Per-term compliance.
contact-compliance-title = 📊 This term ({ $term }, { $start } to { $end }): each left-behind student's parents contacted at least { $required } times.
contact-compliance-title-no-term = 📊 The school has set no terms; counting the half year ({ $start } to { $end }): each left-behind student's parents contacted at least { $required } times.
contact-compliance-class = { $class_label }: { $done }/{ $total } done
contact-compliance-below = Below { $required } ({ $count }):
contact-compliance-student = • { $name } ({ $class_label }): { $count }/{ $required }
contact-compliance-all-done = Everyone is done.
contact-compliance-none = No left-behind students.
