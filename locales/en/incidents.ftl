# Emergencies: the guardian told within 30 minutes, the bureau within 1 hour.
command-incident = Emergencies (30 min / 1 hour)
incident-menu-button = 🚨 Emergencies
incident-only-staff = Only teachers, school admins and the bureau can see emergencies.
incident-not-allowed = You may not see or act on this incident.
incident-bad-category = Please tap one of the buttons for what happened.
incident-no-students = There are no students you can record an incident for.
incident-nothing-to-open = This step has expired; please start again.
incident-type-text = Please reply in text.
incident-text-empty = Please write a sentence.
incident-text-too-long = That is too long ({ $length } characters); at most { $max }, please.
incident-time-bad = Please write the time like 10:45 (today), yesterday 18:20, or 11-20 18:20.
incident-time-too-old = Only times within the last { $days } days can be entered.
incident-time-future = { $time } has not come yet; the time cannot be later than now.
incident-time-before = The time cannot be before the incident at { $time }.
incident-already-informed = The guardian is already recorded as informed at { $time } ({ $how }).
incident-closed-already = This incident is closed.
incident-opened = Recorded. The guardians and the bureau are being told.

## Kinds and relations

incident-category-injury = 🩹 Injury
incident-category-illness = 🤒 Illness
incident-category-missing = ❓ Missing
incident-category-accident = 🚑 Accident
incident-category-other = 📝 Other
incident-what = { $category }: { $description }
incident-how-button = guardian tapped "Received"
incident-how-phone = by phone
incident-no-class = no class
incident-class-label = grade { $grade } { $class_name }
incident-no-phone = no phone
incident-no-guardian = The roster has no guardian; please check the student's record.
incident-contact-line = { $relation } { $name }: { $phone }
incident-relation-grandfather = Grandfather
incident-relation-grandmother = Grandmother
incident-relation-father = Father
incident-relation-mother = Mother
incident-relation-uncle = Uncle
incident-relation-aunt = Aunt
incident-relation-sibling = Sibling
incident-relation-other = Guardian
incident-by-system = the system

## Deadlines

incident-guardian-done-met = 👪 Guardian informed { $time } ({ $how }, { $by }) — { $minutes } min, met
incident-guardian-done-missed = 👪 Guardian informed { $time } ({ $how }, { $by }) — { $minutes } min, missed (deadline { $due })
incident-guardian-overdue = 👪 Guardian: not informed — deadline { $due } passed { $minutes } min ago, missed
incident-guardian-left = 👪 Guardian: not informed yet — { $minutes } min left (by { $due })
incident-bureau-done-met = 🏛 Bureau acknowledged { $time } ({ $by }) — { $minutes } min, met
incident-bureau-done-missed = 🏛 Bureau acknowledged { $time } ({ $by }) — { $minutes } min, missed (deadline { $due })
incident-bureau-overdue = 🏛 Bureau: not acknowledged — deadline { $due } passed { $minutes } min ago, missed
incident-bureau-left = 🏛 Bureau: not acknowledged yet — { $minutes } min left (by { $due })
incident-mark-met = ✅
incident-mark-missed = ❗
incident-mark-pending = ⏳
incident-result-met = met
incident-result-missed = missed
incident-result-pending = pending

## Timeline

incident-event-opened = { $time } incident happened (recorded by { $by } at { $recorded })
incident-event-guardian-notice = { $time } urgent notice queued to { $count } guardian(s)
incident-event-bureau-notice = { $time } report queued to { $count } bureau officer(s)
incident-event-guardian-ack = { $time } guardian { $by } tapped "Received"
incident-event-guardian-phone = { $time } guardian informed by phone (recorded by { $by } at { $recorded })
incident-event-bureau-ack = { $time } bureau officer { $by } acknowledged
incident-event-escalated = { $time } no answer from the guardian: head teacher asked to phone ({ $count })
incident-event-guardian-warning = { $time } guardian deadline near: school admins warned ({ $count })
incident-event-bureau-warning = { $time } bureau deadline near: school admins warned ({ $count })
incident-event-guardian-missed = { $time } guardian deadline passed with no record of informing them
incident-event-bureau-missed = { $time } bureau deadline passed without acknowledgement
incident-event-note = { $time } note ({ $by })
incident-event-closed = { $time } closed ({ $by })
incident-event-with-note = { $line }: { $note }

## The card

incident-card-title = 🚨 Incident #{ $id }: { $name } ({ $school }, { $class_label })
incident-card-what = What happened: { $what }
incident-card-when = When: { $time } (recorded by { $by } at { $opened })
incident-card-closed = 🔒 Closed { $time }
incident-card-history = Timeline:
incident-card-more = ({ $count } earlier lines not shown)
incident-card-read-only = (read only)

## List and opening

incident-list-title = Open emergencies:
incident-list-empty = There are no open emergencies.
incident-list-item = { $name } { $category } { $time } guardian { $guardian } bureau { $bureau }
incident-pick-class = Pick a class, or type the student's name:
incident-pick-student = { $class_label }: pick the student (or type a name):
incident-search-results = Students whose name contains "{ $text }":
incident-search-none = No student's name contains "{ $text }"; type again or pick a class.
incident-ask-category = What happened?
incident-ask-description = Say in one sentence what happened (e.g. fell in the playground, left arm hurts).
incident-ask-when = When did it happen? Tap a button, or type the time: 10:45 (today), yesterday 18:20, 11-20 18:20.
incident-confirm =
    Please check:
    Student: { $name }
    What: { $what }
    When: { $time }
    "Open and notify" tells the guardians and the bureau at once.
incident-ask-phone = At what time did you phone the guardian? Type it, e.g. 10:47, or tap "Now".
incident-ask-note = Write the note (what was done, hospital, and so on).
incident-ask-close = Write a closing note (e.g. taken to hospital, collected by family).

## Buttons

incident-button-new = ➕ Record an emergency
incident-button-export = 📊 Export spreadsheet
incident-button-menu = ⬅️ Main menu
incident-button-list = ⬅️ Emergencies
incident-button-phone = 📞 Record phone call
incident-button-note = 📝 Add a note
incident-button-close = 🔒 Close the incident
incident-button-refresh = 🔄 Refresh
incident-button-skip = Skip
incident-button-just-now = Just now
incident-button-ago = 30 min ago
incident-button-open = 🚨 Open and notify
incident-button-cancel = ✖️ Cancel
incident-button-now = Now
incident-button-back-card = ⬅️ Back to the incident
incident-button-guardian-ack = ✅ Received
incident-button-bureau-ack = ✅ Acknowledge
incident-button-card = 🚨 Open the incident

## Messages

incident-notice-guardian =
    🚨 Urgent: { $name } ({ $school }, { $class_label }) — at { $time } at school: { $what }.
    School contact: { $opener }, phone { $phone }.
    Please tap "Received" so the school knows you have been told.
incident-report-bureau =
    🚨 Emergency report
    School: { $school }
    Student: { $name } ({ $class_label })
    What: { $what }
    When: { $date }
    Done so far:
    { $actions }
    Please tap "Acknowledge".
incident-escalation =
    📞 The guardians of { $name } ({ $class_label }) have not answered the emergency notice ({ $what }, { $time }).
    Please phone them now; they must be told by { $due }:
    { $contacts }
    Then tap "Record phone call".
incident-escalation-no-notice =
    📞 The guardians of { $name } ({ $class_label }) have not joined the bot and cannot get the emergency notice ({ $what }, { $time }).
    Please phone them now; they must be told by { $due }:
    { $contacts }
    Then tap "Record phone call".
incident-guardian-warning = ⏰ Emergency of { $name } ({ $class_label }): the guardian is not informed yet; deadline { $due }, { $minutes } min left. Please make sure the head teacher phones.
incident-bureau-warning = ⏰ Emergency of { $name } ({ $class_label }): the bureau has not acknowledged; deadline { $due }, { $minutes } min left. Please phone the bureau.
incident-guardian-missed = ❗ Emergency of { $name } ({ $class_label }): no record of informing the guardian by { $due }; recorded as missed. Please inform them and record it.
incident-bureau-missed = ❗ Emergency of { $name } ({ $class_label }): the bureau did not acknowledge by { $due }; recorded as missed. Please report by phone.
incident-guardian-acked = ✅ { $name }'s guardian { $guardian } acknowledged at { $at } ({ $minutes } min after the incident).
incident-bureau-acked = ✅ Bureau officer { $officer } acknowledged { $name }'s incident report at { $at } ({ $minutes } min after the incident).
incident-ack-guardian-thanks = Thank you. The school knows you were told at { $time }.
incident-ack-bureau-thanks = Acknowledged ({ $time }).
incident-ack-already = Already acknowledged at { $time } ({ $by }).
incident-ack-not-yours = This message was not sent to you.

## Export

incident-export-caption = Emergencies of { $name }
incident-export-filename = emergencies_{ $name }_{ $date }.xlsx
incident-export-title = Emergencies of { $name }
incident-export-timeline-title = Emergency timelines of { $name }
incident-sheet-incidents = Incidents
incident-sheet-timeline = Timeline
incident-col-no = No.
incident-col-school = School
incident-col-class = Class
incident-col-student = Student
incident-col-category = Kind
incident-col-description = What happened
incident-col-happened = Happened
incident-col-opened = Recorded
incident-col-opened-by = Recorded by
incident-col-guardian-due = Guardian deadline
incident-col-guardian-informed = Guardian informed
incident-col-guardian-how = How
incident-col-guardian-by = Confirmed by
incident-col-guardian-minutes = Minutes
incident-col-guardian-result = Guardian deadline met
incident-col-bureau-due = Bureau deadline
incident-col-bureau-ack = Bureau acknowledged
incident-col-bureau-by = Bureau officer
incident-col-bureau-minutes = Minutes
incident-col-bureau-result = Bureau deadline met
incident-col-closed = Closed
incident-col-close-note = Closing note
incident-col-event-time = Time
incident-col-event = Event
incident-col-event-by = Person
incident-col-recorded = Recorded
incident-col-note = Note

## Export period; stale buttons
incident-ask-period = Export the incidents of which period?
incident-button-period-this_month = 📅 This month
incident-button-period-last_month = 📅 Last month
incident-button-period-term = 📚 This term
incident-button-period-all = 🗂 Everything
incident-period-range = { $since } to { $until }
incident-period-everything = everything
incident-export-period-title = { $title } ({ $period })
incident-export-period-caption = Emergencies of { $name } ({ $period })
incident-stale-button = This button is out of date; please open it again.
