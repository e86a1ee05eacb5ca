# School or class notices: an admin writes to the whole school's guardians, a head teacher to their class's.
announce-menu-button = 📢 Send a notice to guardians
command-announce = Send a notice to guardians
announce-only-staff = Only school admins and head teachers can send notices to guardians.
announce-no-audience = You are not the head teacher of any class yet, so there are no guardians to send a notice to.
announce-choose-audience = Who should receive the notice?
announce-audience-school = Whole school ({ $school })
announce-audience-class = My class ({ $school } { $class_label })
announce-class-label = Grade { $grade } { $name }
announce-type-text = Type the notice (at most { $max } characters). Guardians will see it under the heading "{ $title }", with an "✅ I have read it" button.
announce-text-only = Please type the notice as text. Pictures and files cannot be sent here.
announce-text-empty = The notice is empty. Please type some text.
announce-text-too-long = The notice is too long: { $length } characters, at most { $max }. Please shorten it and send it again.
announce-confirm = Send to { $count } { $count ->
        [one] guardian
       *[other] guardians
    }?
announce-confirm-not-joined = ({ $not_joined } { $not_joined ->
        [one] guardian has
       *[other] guardians have
    } not joined the bot yet and will not receive it; please tell them by phone or another way.)
announce-nobody = None of these guardians has joined the bot yet, so nobody would receive this notice.
announce-preview =
    Guardians will see:
    { $preview }
announce-send = ✅ Send
announce-edit = ✏️ Change the text
announce-edit-audience = ↩️ Choose other recipients
announce-cancel = Cancel
announce-cancelled = Cancelled. Nothing was sent.
announce-started = Sending to { $total } { $total ->
        [one] guardian
       *[other] guardians
    }. The next message shows the progress. Send /notices at any time to see who has read it.
announce-not-allowed = You can no longer send notices to these guardians.
announce-menu = Back to the menu
announce-frame-school =
    { $title } { $school }
    { $text }
    — { $sender }
announce-frame-class =
    { $title } { $school } { $class_label }
    { $text }
    — { $sender }

# Notice types (chosen first; the title line is in each guardian's own language)
announce-choose-kind = What kind of notice?
announce-kind-enrolment = 📚 Start-of-term enrolment
announce-kind-safety = 🛡️ Pre-holiday safety
announce-kind-meeting = 👪 Parent meeting
announce-kind-other = 📢 Other notice
announce-kind-unknown = There is no such kind of notice. Please choose again.
announce-edit-kind = ↩️ Choose another kind of notice
announce-kind-name-enrolment = Start-of-term enrolment notice
announce-kind-name-safety = Pre-holiday safety notice
announce-kind-name-meeting = Parent meeting notice
announce-kind-name-other = Notice
announce-title-enrolment = {"["}Start-of-term enrolment notice]
announce-title-safety = {"["}Pre-holiday safety notice]
announce-title-meeting = {"["}Parent meeting notice]
announce-title-other-school = {"["}School notice]
announce-title-other-class = {"["}Class notice]
announce-audience-school-care = Guardians of left-behind and boarding students ({ $school })
announce-audience-class-care = My class's left-behind and boarding students' guardians ({ $school } { $class_label })
announce-confirm-ack = Each guardian gets a "✅ I have read it" button; those who have not tapped it after { $hours } { $hours ->
        [one] hour
       *[other] hours
    } get one reminder.
# Guardians tap "I have read it"
announce-read-button = ✅ I have read it
announce-read-thanks = ✅ Read ({ $when }). Thank you!
announce-read-toast = Thank you, noted!
announce-read-already = You already confirmed reading this notice ({ $when }).
announce-read-not-yours = This notice was not sent to you.
# Typed instead of tapping "I have read it" (any language's words count), separated by |
announce-ack-words = ok|okay|read|i have read it|i have read|received|got it|noted
announce-typed-ack = Please tap the "✅ I have read it" button under the notice, so the school knows you have read it.
announce-reminder =
    ⏰ Reminder: you have not tapped "I have read it" for this notice yet. Please tap the button below once you have read it.

    { $notice }
announce-when = { $month }/{ $day } { $time }
# /notices: the sender and the school's admins see who has read a notice
command-notices = Who has read my notices
announce-notices-only-staff = Only school admins and head teachers can see who has read a notice.
announce-list-head = Recent notices (tap one to see who has not read it):
announce-list-empty = No notices have been sent yet. Use /announce to send one.
announce-scope-class = Guardians of { $class_label } ({ $school })
announce-scope-class-care = Guardians of { $class_label }'s left-behind and boarding students ({ $school })
announce-list-item = { $when } { $kind } · { $audience } · read { $read }/{ $total }
announce-detail-not-allowed = You cannot see who has read this notice.
announce-detail-head =
    📋 { $kind } · { $audience }
    Sent: { $when }
    Text: { $text }
announce-detail-counts = Read by { $read } of { $total } { $total ->
        [one] guardian
       *[other] guardians
    }; { $unread } not yet.
announce-detail-reminded = The guardians who had not read it were reminded on { $when }.
announce-detail-unread = Not read yet ({ $count }):
announce-detail-all-read = ✅ Every guardian who received it has read it.
announce-detail-not-joined = Not on the bot, so they did not receive it ({ $count }); please phone them:
announce-detail-person = • { $name } ({ $children }) { $phone }
announce-detail-child = { $child } { $class_label }
announce-detail-separator = {"; "}
announce-detail-more = … and { $count } more
announce-no-class = no class
