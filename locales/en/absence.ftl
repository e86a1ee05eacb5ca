# The guardian side of the daily arrival report: answers to "why is the child not at
# school", the "a child may be missing" alert, and absences reported before school.
absence-menu-button = 🤒 Report my child absent
command-absent = Report my child absent
absence-only-guardians = Only guardians can report a child absent. Send /start to open the menu.

absence-answer-label-sick = sick
absence-answer-label-family = family matters
absence-answer-label-on-the-way = on the way
absence-answer-label-dont-know = I don't know where the child is
absence-reason-label-sick = sick
absence-reason-label-personal = personal leave
absence-reason-label-family = family matters
absence-reason-label-unknown = reason unknown
absence-reason-label-late = late
absence-relation-grandfather = grandfather
absence-relation-grandmother = grandmother
absence-relation-father = father
absence-relation-mother = mother
absence-relation-uncle = uncle
absence-relation-aunt = aunt
absence-relation-sibling = sibling
absence-relation-other = guardian
absence-class-label = Grade { $grade } { $name }
absence-no-class = no class
absence-guardian = { $name } ({ $relation })
absence-contact-line = { $guardian }: { $phone }
absence-no-phone = no phone on file
absence-no-contacts = No guardian on file.

# To the head teacher and the school admins, through the urgent lane.
absence-alert-dont-know =
    🚨 URGENT: a child may be missing
    { $child } ({ $class_label }) is not at school today.
    Guardian { $guardian } answered: { $answer }.
    Please contact the family now and make sure the child is safe.
    Guardians' phones:
    { $contacts }
absence-alert-no-answer =
    🚨 URGENT: a child may be missing
    { $child } ({ $class_label }) is not at school today and the guardians have not answered in { $minutes } minutes.
    Please phone the family now and make sure the child is safe.
    Guardians' phones:
    { $contacts }
absence-alert-update = ℹ️ Update: { $child } ({ $class_label }) — guardian { $guardian } has just answered: { $answer }.

# The guardian taps an answer under the notice.
absence-toast-thanks = Thank you, received!
absence-thanks-sick = ✅ Your answer: { $answer }. Thank you! The teacher has been told. Get well soon.
absence-thanks-family = ✅ Your answer: { $answer }. Thank you! The teacher has been told.
absence-thanks-on-the-way = ✅ Your answer: { $answer }. Thank you! The teacher has been told. Safe journey.
absence-thanks-dont-know = ✅ Your answer: { $answer }. We have told the head teacher and the school at once; they will contact you soon.
absence-thanks-dont-know-nobody = ✅ Your answer: { $answer }. The teachers have not joined the bot yet: please phone the school or the head teacher now!
absence-already-answered = This has been answered already: { $name } said "{ $answer }". Thank you!
absence-stale = This message is from an earlier day; no answer is needed.
absence-no-longer-needed = No answer needed: the teacher has marked the child at school today.
absence-not-yours = This message is not about your child, so you cannot answer it.

# A guardian reports before school: child → reason → confirm.
absence-report-choose-child = Which child is absent?
absence-report-choose-reason = { $child } is absent today. Why?
absence-report-reason-sick = 🤒 Sick
absence-report-reason-personal = 📝 Personal leave
absence-report-reason-family = 🏠 Family matters
absence-report-other-child = ⬅️ Another child
absence-report-cancel = Cancel
absence-report-cancelled = Cancelled. Nothing was reported.
absence-report-confirm =
    { $child } is absent today, reason: { $reason }.
    Is that right?
absence-report-confirm-button = ✅ Yes, report it
absence-report-other-reason = ⬅️ Another reason
absence-report-done = ✅ Done. The school has been told: { $child } is absent today, reason: { $reason }.
absence-report-done-nobody-told = ✅ Saved: { $child } is absent today, reason: { $reason }. The head teacher has not joined the bot yet, so please also phone the teacher.
absence-report-no-school = There is no school today, so no need to report an absence.
absence-report-no-children = There is no child you can report absent. Please contact the head teacher.
absence-report-not-allowed = You cannot report this child absent.
absence-report-menu = 🏠 Back to the menu
absence-report-to-teacher = 📋 { $guardian } reported { $child } ({ $class_label }) absent today, reason: { $reason }.{ $note }
absence-report-to-teacher-changed = 📋 { $guardian } changed the reason for { $child } ({ $class_label }) being absent today: { $reason }.{ $note }
absence-report-sheet-said-present = Note: today's sheet had the child present; please check.
