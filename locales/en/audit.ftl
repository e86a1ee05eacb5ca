# Invite links: too many wrong tokens
invite-throttled = Too many invite links that did not work. Please try again after { $time }, or ask your school for a new link.

# python -m bot audit
cli-audit-help = who read or changed which student's record (ids only)
cli-audit-none = No entries.
cli-audit-need-scope = Give --student ID or --school ID.
cli-audit-not-allowed = Person { $person } may not see this log (school admins see their school, bureau officers their county).
cli-audit-no-person = No person with id { $person }.
cli-audit-bad-date = Not a date: { $value } (use YYYY-MM-DD).
cli-audit-header = when (UTC) | actor | action | what | student | school | class | count
cli-audit-written = Written: { $file } ({ $count } rows)
audit-sheet-title = Audit log
audit-col-at = When (UTC)
audit-col-actor = Actor (person id)
audit-col-action = Action
audit-col-what = What
audit-col-student = Student id
audit-col-school = School id
audit-col-class = Class id
audit-col-county = County id
audit-col-count = Students covered

# /audit in the bot
command-audit = Who read or changed student records
audit-bot-not-allowed = The audit log is for school admins (their school) and the bureau (its county).
audit-bot-empty = Nobody read, changed or exported a student record in the last { $days } days.
audit-bot-caption = Audit log, last { $days } days: { $count } entries (people and students by id).
