# Weekends and holidays: the guardian reports the child got home; back to school.
command-returns = Who got home after school
command-holidays = Fill in public holidays
command-home = Report my child home / back to school
returns-menu-button = 🏠 Home after school
returns-guardian-menu-button = 🏠 Child home / back to school

returns-date = { $weekday } { $day }/{ $month }
returns-weekday-0 = Mon
returns-weekday-1 = Tue
returns-weekday-2 = Wed
returns-weekday-3 = Thu
returns-weekday-4 = Fri
returns-weekday-5 = Sat
returns-weekday-6 = Sun
returns-kind-weekend = weekend
returns-kind-holiday = holiday
returns-no-class = no class
returns-class-label = Grade { $grade } { $name }
returns-relation-grandfather = grandfather
returns-relation-grandmother = grandmother
returns-relation-father = father
returns-relation-mother = mother
returns-relation-uncle = uncle
returns-relation-aunt = aunt
returns-relation-sibling = sibling
returns-relation-other = guardian
returns-separator = {"; "}
returns-guardian-phone = { $name } ({ $relation }) { $phone }
returns-no-phone = no phone on record
returns-no-guardian = no guardian on record

# To the guardian when school lets out, and again after "not yet".
returns-ask =
    🏫 School let out on { $date } at { $time } ({ $kind }).
    Has { $child } arrived home?
returns-reask = ⏰ Asking again: has { $child } arrived home?
returns-button-home = ✅ Arrived home
returns-button-home-child = ✅ { $child } is home
returns-button-not-yet = ⏳ Not yet

returns-status-waiting = ❔ no answer
returns-status-not-yet = ⏳ not home yet
returns-status-arrived = ✅ home
returns-status-by-phone = ☎️ home (confirmed by phone)

# To the head teacher at the deadline (urgent).
returns-late-line = • { $child }: { $status }. { $contacts }
returns-late-list =
    🚨 { $class_label }: { $count } children not yet confirmed home (school let out { $date } at { $time }).
    Please phone the families:
    { $lines }
    Once a family confirms by phone, tap the child's name to record it.
# A list too long for one Telegram message goes in parts: after the class, "(1/2)".
returns-late-part = {" "}(part { $part } of { $parts })
returns-button-by-phone = ☎️ { $child } confirmed home by phone

# The day before school starts again.
returns-set-off-ask =
    🚌 School starts again on { $date }.
    When { $child } sets off back to school, please tap the button.
returns-button-set-off = 🚌 { $child } has set off to school

# Answers to the guardian's taps.
returns-toast-thanks = Thank you, received!
returns-thanks-home = ✅ Noted: { $child } is home. Thank you!
returns-thanks-not-yet = ⏳ Noted: { $child } is not home yet. We will ask again at { $time }.
returns-thanks-not-yet-no-reask = ⏳ Noted: { $child } is not home yet. Please tap "Arrived home" once they are. The teacher is keeping an eye on it.
returns-already-home = Already noted: { $child } is home ({ $name }). Thank you!
returns-already-not-yet = Already noted: { $child } is not home yet. We will ask again at { $time }.
returns-not-yours = This message is about a child who is not yours; you cannot answer it.
returns-stale = This is an old message; no need to answer it any more.
returns-invalid = This button no longer works.
returns-set-off-thanks = 🚌 Noted: { $child } has set off to school. Safe journey!
returns-set-off-already = Already noted: { $child } has set off to school ({ $name }).

# The head teacher records "confirmed by phone".
returns-phone-recorded = ☎️ Recorded: { $child } confirmed home by phone.
returns-phone-already = Nothing to record: { $child } { $status } ({ $name }).
returns-phone-not-yours = This child is not in your class; you cannot record this.

# /returns for teachers.
returns-only-staff = Only teachers can see who got home after school.
returns-none = No record of children getting home yet (it needs boarding or left-behind students and the school calendar).
returns-view-round = 🏫 { $school }: school let out { $date } at { $time } ({ $kind })
returns-view-class = 📋 { $class_label }: { $confirmed }/{ $total } confirmed home
returns-view-line = { $child }: { $status }{ $extra }
returns-view-when = { $status } { $time } { $name }
returns-view-set-off = 🚌 set off to school
returns-view-back = 🏫 back at school

# /home for guardians.
returns-guardian-none = Nothing to report now. When school lets out we will ask you whether your child got home.
returns-home-only-guardians = /home is for guardians: it reports that a child got home after school.
returns-guardian-title = Tap a button to report:
returns-guardian-line = { $child }: { $status }

# Public holidays (chinese-calendar) and a year it does not know.
holidays-makeup-note = make-up school day
holidays-name-new-years-day = New Year's Day
holidays-name-spring-festival = Spring Festival
holidays-name-tomb-sweeping-day = Tomb-sweeping Day
holidays-name-labour-day = Labour Day
holidays-name-dragon-boat-festival = Dragon Boat Festival
holidays-name-national-day = National Day
holidays-name-mid-autumn-festival = Mid-autumn Festival
holidays-name-anti-fascist-70th-day = Victory Day
holidays-name-other = public holiday
holidays-missing-ask =
    📅 { $school }: the bot does not know the public holidays of { $year } yet.
    Please enter { $year }'s holidays and make-up school days in the school calendar (/calendar), so the "home after school" questions go out on the right days.
holidays-not-allowed = Only school admins can fill in the holidays.
holidays-choose = 📅 Fill in the public holidays and make-up school days (days you have set stay as they are):
holidays-button-year = 📅 Fill in { $year } ({ $school })
holidays-done = ✅ { $year }: { $added } days filled in, { $kept } days you had set kept.
holidays-done-missing = ⚠️ There is no public holiday data for { $year } yet. Please enter the holidays and make-up days in /calendar.
holidays-cli-help = the school calendar
holidays-cli-prefill-help = fill in a year's public holidays and make-up school days
holidays-cli-school-help = the school's name
holidays-cli-county-help = the county's name (when several schools share the name)
holidays-cli-year-help = the year, e.g. 2026
holidays-cli-no-school = No school named { $school }
holidays-cli-several = Several schools are named { $school }; name the county with --county.
holidays-cli-done = { $school }, { $year }: { $added } days filled in, { $kept } days already set kept.
holidays-cli-missing = No public holiday data for { $year }. The school's admins were asked to enter it ({ $asked } messages).
