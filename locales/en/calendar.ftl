# School calendar: an admin sets terms, holidays and make-up school days.
command-calendar = School calendar (terms, holidays)
calendar-menu-button = 📅 School calendar
calendar-not-allowed = Only a school admin can set the school calendar.
calendar-choose-school = Which school's calendar?
calendar-close = Close
calendar-main =
    📅 { $school } calendar
    Terms:
    { $terms }
    Holidays and make-up days (from today):
    { $days }
    { $today }
    { $note }
calendar-term-line = • { $name }: { $start } to { $end }
calendar-no-terms = (No term set yet: Monday to Friday count as school days. Please add this term.)
calendar-day-line-holiday = • Holiday { $start }{ $end } { $note }
calendar-day-line-school = • Make-up school day { $start }{ $end } { $note }
calendar-no-days = (none)
calendar-today-school = Today ({ $date }) is a school day.
calendar-today-no-school = Today ({ $date }) is not a school day.
calendar-add-term = ➕ Add a term
calendar-add-holiday = 🏖 Add holidays
calendar-add-makeup = 🔁 Add a make-up day
calendar-clear-days = ↩️ Undo settings
calendar-term-prompt =
    Send one line: term name, first day, last day
    e.g. Autumn 2026 2026-09-01 2027-01-20
    A term with the same first day is replaced.
calendar-holiday-prompt =
    Send one line: the holiday (one date, or first and last date) and a note
    e.g. 2026-10-01 2026-10-07 National Day
calendar-makeup-prompt =
    Send one line: the weekend day that is a school day, and a note
    e.g. 2026-10-10 make-up day
calendar-clear-prompt =
    To undo holidays or make-up days, send the date (one date, or first and last), e.g. 2026-10-03
    To delete a term, tap it below.
calendar-remove-term = 🗑 Delete term: { $name }
calendar-text-only = Please type text, e.g. 2026-10-01 National Day
calendar-bad-date = There is no such day: { $text }. Please check the date.
calendar-term-format = Not understood. Please give two dates, e.g. Autumn 2026 2026-09-01 2027-01-20
calendar-days-format = Not understood. Please give one or two dates, e.g. 2026-10-01 2026-10-07 National Day
calendar-end-before-start = The last day is before the first day; please check.
calendar-term-too-long = A term is at most { $days } days; please check the dates.
calendar-range-too-long = At most { $days } days at a time; please set them in parts.
calendar-term-overlap = This overlaps the term "{ $name }" ({ $start } to { $end }). Delete it first, or change the dates.
calendar-term-saved = ✅ Term saved: { $name }, { $start } to { $end }.
calendar-term-removed = ✅ Term deleted: { $name }.
calendar-holiday-saved = ✅ { $count } { $count ->
        [one] holiday day
       *[other] holiday days
    } set: { $start }{ $end }.
calendar-makeup-saved = ✅ { $count } make-up school { $count ->
        [one] day
       *[other] days
    } set: { $start }{ $end }.
calendar-cleared = ✅ { $count } { $count ->
        [one] day
       *[other] days
    } undone; { $count ->
        [one] it follows
       *[other] they follow
    } the usual week (Monday to Friday) again.

## Release times (when school lets out, guardians are asked whether the child got home)
calendar-release-button = ⏰ Release times
calendar-release-main =
    ⏰ { $school } release times
    Weekend (Friday and such): { $weekend }
    Before a holiday: { $holiday }
    At this time guardians are asked whether the child got home.
    { $note }
calendar-release-default-mark = { $time } (default)
calendar-release-change = ✏️ Change { $kind }
calendar-release-kind-weekend = Weekend release
calendar-release-kind-holiday = Holiday release
calendar-release-prompt =
    Please send the new { $kind } time, e.g. 16:30
    1630 works too.
    Now: { $current }
calendar-release-reset = ↩️ Back to default ({ $default })
calendar-release-saved = ✅ { $kind } is now { $time }.
calendar-release-reset-done = ✅ { $kind } is back to the default: { $time }.
calendar-release-bad-time = That is not a time I understand. Please write it like 16:30 (or 1630).
calendar-release-out-of-range = The release time must be between { $earliest } and { $latest }. Please check.
calendar-release-text-only = Please type a time, e.g. 16:30

## The calendar as a spreadsheet
calendar-sheet-button = 📊 Import spreadsheet
calendar-sheet-main =
    📊 { $school } calendar spreadsheet
    1. Tap "Download calendar spreadsheet" to get the calendar as it is now.
    2. Edit it in Excel or WPS and save it.
    3. Send the file here.
    It is imported only if the whole file is correct; otherwise nothing changes and you are told which row and column to fix.
calendar-sheet-download = 📥 Download calendar spreadsheet
calendar-sheet-filename = { $school } calendar.xlsx
calendar-sheet-caption = The calendar as it is now. Edit it and send the file back to import it.
calendar-sheet-download-failed = The file did not arrive. Please send it again.
calendar-sheet-send-file = Please send the calendar spreadsheet (.xlsx), or tap a button below.
calendar-sheet-terms = Terms
calendar-sheet-days = Days
calendar-sheet-release = Release times
calendar-sheet-help = Instructions
calendar-sheet-help-text =
    How to fill in this calendar spreadsheet
    Terms: one term per row with its name, first day and last day. Terms may not overlap.
    Days: one day per row. School day "no" is a holiday, "yes" a make-up school day on a weekend. The note may say National Day, make-up day and so on.
    Days not listed follow the week: Monday to Friday school, Saturday and Sunday off.
    Release times: when school lets out before a weekend and before a holiday, e.g. 16:30. Empty means the default.
    Write dates like 2026-10-01.
    A sheet replaces that part of the calendar as a whole: delete a row to delete that term or that day's setting.
    Delete a whole sheet to leave that part unchanged.
    If anything is wrong, the file is not imported at all and nothing changes.
calendar-col-term-name = Term name
calendar-col-first-day = First day
calendar-col-last-day = Last day
calendar-col-date = Date
calendar-col-school-day = School day
calendar-col-note = Note
calendar-col-release-kind = Release
calendar-col-release-time = Time
calendar-col-release-default = Default time
calendar-sheet-yes = yes
calendar-sheet-no = no
calendar-sheet-words-school = school, make-up, make-up day
calendar-sheet-words-off = holiday, off, day off
calendar-sheet-words-weekend = weekend, friday
calendar-sheet-words-holiday = holiday, before a holiday
calendar-sheet-problem-too-large = The file is too large (at most { $max_mb } MB).
calendar-sheet-problem-empty = The file is empty.
calendar-sheet-problem-old-excel = This is an old Excel (.xls) file. Please use "Save as" .xlsx in Excel or WPS and send it again.
calendar-sheet-problem-not-spreadsheet = This is not an .xlsx spreadsheet. Please tap "Download calendar spreadsheet", edit it and send it back.
calendar-sheet-problem-no-header = No Terms, Days or Release times header row found. Please edit the downloaded calendar spreadsheet.
calendar-sheet-problem-duplicate-sheet = the same kind of sheet as '{ $other }'; keep only one
calendar-sheet-problem-missing-columns = these columns are missing: { $columns }
calendar-sheet-problem-duplicate-column = this column appears twice
calendar-sheet-problem-too-many-rows = too many rows (at most { $max })
calendar-sheet-problem-required = must be filled in
calendar-sheet-problem-bad-date = not a valid date (write it like 2026-10-01)
calendar-sheet-problem-too-long = too long (at most { $max } characters)
calendar-sheet-problem-end-before-start = the last day is before the first day
calendar-sheet-problem-term-too-long = a term is at most { $days } days
calendar-sheet-problem-term-overlap = overlaps the term '{ $name }' in row { $other }
calendar-sheet-problem-bad-school-day = write "yes" (school) or "no" (holiday)
calendar-sheet-problem-duplicate-date = this day is already in row { $other }
calendar-sheet-problem-bad-time = not a valid time (write it like 16:30)
calendar-sheet-problem-time-out-of-range = the release time must be between { $earliest } and { $latest }
calendar-sheet-problem-bad-release-kind = write "Weekend release" or "Holiday release"
calendar-sheet-problem-duplicate-kind = already in row { $other }
calendar-sheet-error-cell = sheet '{ $sheet }', row { $row }, column '{ $column }': { $problem }
calendar-sheet-error-sheet = sheet '{ $sheet }': { $problem }
calendar-sheet-failed = The calendar spreadsheet was not imported and nothing was changed. Please fix { $count ->
        [one] this problem
       *[other] these { $count } problems
    } and send it again:
calendar-sheet-more = …and { $count } more
calendar-sheet-unchanged = ✅ The spreadsheet matches the calendar; nothing changed.
calendar-sheet-done = ✅ Calendar spreadsheet imported.
calendar-sheet-done-terms = Terms: { $added } added, { $changed } changed, { $removed } removed.
calendar-sheet-done-days = Holidays and make-up days: { $added } added, { $changed } changed, { $removed } removed.
calendar-sheet-done-release = Release times: { $changed } changed.

## Command line: python -m bot calendar export|import
calendar-cli-export-help = Export the school's calendar as a spreadsheet (.xlsx)
calendar-cli-import-help = Import the school's calendar from a spreadsheet (.xlsx); all of it or nothing
calendar-cli-file-help = the spreadsheet file
calendar-cli-language-help = the spreadsheet's language: zh_Hans or en
calendar-cli-exported = The calendar of { $school } is saved to { $file }
calendar-cli-no-file = File not found: { $file }
