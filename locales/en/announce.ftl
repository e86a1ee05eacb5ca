# School or class notices: an admin writes to the whole school's guardians, a head teacher to their class's.
announce-menu-button = 📢 Send a notice to guardians
command-announce = Send a notice to guardians
announce-only-staff = Only school admins and head teachers can send notices to guardians.
announce-no-audience = You are not the head teacher of any class yet, so there are no guardians to send a notice to.
announce-choose-audience = Who should receive the notice?
announce-audience-school = Whole school ({ $school })
announce-audience-class = My class ({ $school } { $class_label })
announce-class-label = Grade { $grade } { $name }
announce-type-text = Type the notice (at most { $max } characters). Guardians will see it under the heading "[School notice]".
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
    }. The next message shows the progress.
announce-not-allowed = You can no longer send notices to these guardians.
announce-menu = Back to the menu
announce-frame-school =
    {"["}School notice] { $school }
    { $text }
    — { $sender }
announce-frame-class =
    {"["}Class notice] { $school } { $class_label }
    { $text }
    — { $sender }
