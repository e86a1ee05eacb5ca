# The holiday check-in (services/checkins.py)
command-checkin = Holiday check-in: ask guardians about the holiday

checkin-class-label = Grade { $grade } { $name }
checkin-separator = ;{" "}

## the guardian's question card
checkin-card-title = 📋 Holiday check-in · { $school } { $class_label }
checkin-card-intro = The teacher would like to know how { $child }'s holiday is going. One tap per question.
checkin-card-reminder = ⏰ A few questions left: how is { $child }'s holiday going? One tap per question.
checkin-card-answered = ✓ { $question }: { $answer }
checkin-card-question = ({ $number }/{ $total }) { $question }
checkin-card-done = ✅ Thank you! { $child }'s answers are with the teacher.
checkin-q-study = Does { $child } do homework at home?
checkin-q-health = How are { $child }'s health and safety?
checkin-q-company = Who is { $child } with now?
checkin-q-note = Anything else to tell the teacher? You can simply type it to me.
checkin-short-study = Study
checkin-short-health = Health and safety
checkin-short-company = With
checkin-short-note = Note
checkin-choice-study-daily = Homework every day
checkin-choice-study-sometimes = Sometimes
checkin-choice-study-rarely = Rarely
checkin-choice-health-well = Well
checkin-choice-health-ill = Ill
checkin-choice-health-injured = Injured
checkin-choice-health-other = Other
checkin-choice-company-grandparents = Grandparents
checkin-choice-company-parents = Parents came home
checkin-choice-company-relatives = Other relatives
checkin-choice-company-alone = Alone
checkin-choice-note-nothing = Nothing more
checkin-choice-note-call = 📞 Please call me
checkin-button-write = ✏️ I want to write a few words
checkin-stale = This holiday check-in is over; no need to answer. Thank you!

## the guardian's taps and typing
checkin-toast-thanks = Thank you, noted!
checkin-not-yours = This question is not about your child.
checkin-invalid = This button is not valid. Please use the buttons of the latest message.
checkin-already = Already answered: { $question }: { $answer } ({ $name }).
checkin-write-prompt = Fine, please type what you want to tell the teacher ({ $child }).
checkin-tap-hint = Please answer with a tap on a button below.
checkin-note-too-long = Too long (at most { $max } characters); please send a shorter note.

## the head teacher's follow-up message
checkin-follow-up = ⚠️ Holiday check-in: { $count } children of { $class_label } need a call from the teacher:
    { $lines }
checkin-follow-up-line = • { $child }: { $reasons }. { $contacts }
checkin-guardian-phone = { $name } ({ $relation }) { $phone }
checkin-no-phone = no phone
checkin-no-guardian = no guardian on record
checkin-relation-grandfather = grandfather
checkin-relation-grandmother = grandmother
checkin-relation-father = father
checkin-relation-mother = mother
checkin-relation-uncle = uncle
checkin-relation-aunt = aunt
checkin-relation-sibling = elder sibling
checkin-relation-other = guardian

## the teachers' views
checkin-only-staff = Only head teachers, subject teachers and school admins can use the holiday check-in.
checkin-home-title = 📋 Holiday check-ins: tap a class to see the guardians' answers.
checkin-home-empty = No holiday check-in yet.
checkin-summary = { $class_label } · { $month }/{ $day } · answered { $finished }/{ $total }
checkin-button-start = ➕ Start a holiday check-in
checkin-choose-class = Which class's guardians should get the holiday check-in?
checkin-no-class = You have no class you can start a holiday check-in for.
checkin-confirm = Send the holiday check-in to { $count } guardians of { $class_label } ({ $children } children, 4 questions each)?
checkin-confirm-not-joined = { $not_joined } more guardians have not joined the bot and will not get it; please phone them.
checkin-nobody = No guardian of this class has joined the bot yet; nothing can be sent.
checkin-not-allowed = You cannot send a holiday check-in to this class.
checkin-already-open = The holiday check-in of this class from { $month }/{ $day } is still open; it cannot be sent again.
checkin-send = ✅ Send
checkin-cancel = Cancel
checkin-cancelled = Cancelled; nothing was sent.
checkin-started = Sending: { $count } question cards go to guardians. The answers show here and on the students' records.
checkin-button-results = 📊 See answers
checkin-back = ⬅️ Back
checkin-menu = 🏠 Menu
checkin-menu-button = 📋 Holiday check-in
checkin-results-title = { $class_label } holiday check-in ({ $month }/{ $day }): finished { $finished }/{ $total }
checkin-results-line = • { $child }: { $status }
checkin-status-done = ✅ finished
checkin-status-partial = ⏳ answered { $answered }/{ $total }
checkin-status-none = ❔ no answer yet
checkin-status-unreachable = 📵 guardian not on the bot
checkin-status-follow-up = { $status } ⚠️ needs a call
checkin-child-title = { $child }: { $status }
checkin-not-answered = —
checkin-child-by = Answered by: { $names }
checkin-results-none = This check-in was not found, or you may not see this class.

## the student's ledger and the spreadsheet
checkin-ledger-answer = { $question }: { $answer }
ledger-entry-checkin = 📋 Holiday check-in ({ $by }): { $answers }
ledger-entry-checkin-follow-up = 📋 Holiday check-in ({ $by }) ⚠️ needs a call: { $answers }
checkin-export-summary = { $date } holiday check-in: { $answers }
