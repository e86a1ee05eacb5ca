## Roster: column headers. The importer accepts these and the Chinese ones.
roster-col-grade = Grade
roster-col-class-name = Class
roster-col-student-number = Student number
roster-col-name = Student name
roster-col-gender = Gender
roster-col-birth-date = Birth date
roster-col-home-address = Home address
roster-col-left-behind = Left-behind
roster-col-migrant = Migrant
roster-col-disabled = Disabled
roster-col-hardship = Hardship
roster-col-boarding = Boarding
roster-col-head-teacher-name = Head teacher name
roster-col-head-teacher-phone = Head teacher phone
roster-col-guardian1-name = Guardian 1 name
roster-col-guardian1-relation = Guardian 1 relation
roster-col-guardian1-phone = Guardian 1 phone
roster-col-guardian1-proxy = Guardian 1 proxy
roster-col-guardian2-name = Guardian 2 name
roster-col-guardian2-relation = Guardian 2 relation
roster-col-guardian2-phone = Guardian 2 phone
roster-col-guardian2-proxy = Guardian 2 proxy
roster-col-father-away = Father away
roster-col-father-name = Father name
roster-col-father-phone = Father phone
roster-col-father-work-place = Father work place
roster-col-mother-away = Mother away
roster-col-mother-name = Mother name
roster-col-mother-phone = Mother phone
roster-col-mother-work-place = Mother work place

## Words accepted in cells, separated by commas. The first one is offered in the template's drop-down list.
roster-words-yes = Y, yes, true, 1
roster-words-no = N, no, false, 0
roster-words-male = male, M, boy
roster-words-female = female, F, girl
roster-words-grade = grade, year
roster-words-relation-grandfather = grandfather, grandpa
roster-words-relation-grandmother = grandmother, grandma, granny
roster-words-relation-father = father, dad
roster-words-relation-mother = mother, mum, mom
roster-words-relation-uncle = uncle
roster-words-relation-aunt = aunt
roster-words-relation-sibling = sibling, brother, sister
roster-words-relation-other = other, relative, neighbour, neighbor

## What is wrong (used inside the row/column lines below).
roster-problem-too-large = The file is too large (at most { $max_mb } MB).
roster-problem-empty = The file is empty.
roster-problem-old-excel = This is an old Excel (.xls) file. Please use "Save as" .xlsx in Excel or WPS and send it again.
roster-problem-not-spreadsheet = This is not a spreadsheet. Please send an .xlsx or .csv file (you can download the template first).
roster-problem-no-header = No header row found. Please use the roster template: the first row holds the column names (Grade, Class, Student number, Student name, …).
roster-problem-duplicate-column = this column appears twice.
roster-problem-missing-columns = These columns are missing: { $columns }. Please use the roster template.
roster-problem-no-rows = There are no students in the file. Fill in one student per row, starting on the second row.
roster-problem-too-many-rows = Too many rows: at most { $max } students per import; please split the file.
roster-problem-required = must not be empty
roster-problem-required-if = needed because '{ $other }' is filled in
roster-problem-same-phone-twice = same phone as guardian 1
roster-problem-phone-name-conflict = this phone belongs to a different name in row { $first_row }
roster-problem-head-teacher-conflict = row { $first_row } gives this class a different head teacher
roster-problem-away-details-without-away = '{ $other }' is filled in, so put Y here (leave the parent's details empty when they are not away)
roster-problem-bad-phone = not a valid phone number
roster-problem-bad-date = not a valid date (write it like 2015-03-01)
roster-problem-bad-gender = write male or female
roster-problem-bad-relation = unknown relation (use: grandfather, grandmother, father, mother, uncle, aunt, sibling, other)
roster-problem-bad-yes-no = write Y or N
roster-problem-bad-grade = the grade must be a number from 1 to 12
roster-problem-bad-student-number = a student number has only letters and digits
roster-problem-too-long = too long (at most { $max } characters)
roster-problem-duplicate-student-number = same student number as row { $first_row }
roster-problem-other-school = this student number is registered at another school and cannot be imported. Please check it, or contact the education bureau.

roster-error-cell = row { $row }, column '{ $column }': { $problem }
roster-error-row = row { $row }: { $problem }
roster-error-column = column '{ $column }': { $problem }
roster-import-failed = The roster was not imported and nothing was changed. Please fix { $count ->
        [one] this problem
       *[other] these { $count } problems
    } and send it again:
roster-errors-more = …and { $count } more
roster-import-done = Import finished: { $created } new students, { $updated } updated, { $unchanged } unchanged; { $classes } new classes, { $people } new guardians and teachers.
roster-import-guardians-replaced = { $count } guardian links were replaced by the new guardians in the file (the old records are kept).
roster-import-not-in-file = { $count } enrolled students of the school are not in this file; they were not deleted.

## The template file.
roster-sheet-data = Roster
roster-sheet-help = Instructions
roster-template-pick = Please choose from the list.
roster-template-filename = roster-template.xlsx
roster-template-caption = Roster template: fill in one student per row on the "Roster" sheet, then send the file back to me. The "Instructions" sheet explains every column.
roster-help-intro =
    How to fill in the roster
    1. On the "Roster" sheet, fill in one student per row from the second row on. Do not change the column names in the first row.
    2. Columns marked * are required: Grade, Class, Student number, Student name. Leave the others empty if you do not know.
    3. Y/N columns take Y or N; empty counts as N.
    4. One phone number is one person: a guardian with two children has the same phone on both rows.
    5. Send the finished file to the bot (saving as .csv works too). At most { $max } students per file.
    6. Importing again updates students by student number; students missing from the file are not deleted. When all guardian columns of a row are empty, that student's guardians stay as they are.
    7. If anything in the file is wrong, nothing is imported and the bot tells you the row and column.
roster-help-column = Column
roster-help-meaning = How to fill it in
roster-help-grade = Required. A number 1–12, e.g. 3 for the third grade. Junior middle school years 1–3 are 7–9.
roster-help-class-name = Required. E.g. "Class 1". The same grade and class name is the same class.
roster-help-student-number = Required. The national student number (学籍号), letters and digits only. It identifies the student; importing again updates by it.
roster-help-name = Required. The student's name.
roster-help-gender = male / female.
roster-help-birth-date = E.g. 2015-03-01.
roster-help-home-address = Home address, down to the village.
roster-help-left-behind = Y / N. A student whose father or mother is away for work counts as left-behind anyway.
roster-help-migrant = Y / N: a child who moved to town with their parents.
roster-help-disabled = Y / N.
roster-help-hardship = Y / N: the family has financial hardship.
roster-help-boarding = Y / N: boards at school.
roster-help-head-teacher-name = The class's head teacher. Write the same head teacher on every row of the class (or on one row only).
roster-help-head-teacher-phone = The head teacher's mobile number; they join the bot with it.
roster-help-guardian-name = Who looks after the child day to day (e.g. grandmother). A name needs a phone.
roster-help-guardian-relation = Relation to the student: grandfather, grandmother, father, mother, uncle, aunt, sibling, other.
roster-help-guardian-phone = The guardian's mobile. When the guardian taps "Share my phone number" in the bot, this number finds their children.
roster-help-guardian-proxy = Y / N: a temporary (proxy) guardian appointed while the parents are away.
roster-help-parent-away = Y / N: works away from home. With N, leave the next three columns empty.
roster-help-parent-name = Name of the father or mother who works away.
roster-help-parent-phone = Mobile of the father or mother who works away.
roster-help-parent-work-place = Where they work, e.g. "Dongguan, Guangdong".

## In the bot.
roster-upload-text =
    Upload the roster
    Send me the filled-in roster file (.xlsx or .csv). No template yet? Tap "Download template" below.
    If anything in the file is wrong, nothing is imported and I tell you the row and column.
roster-button-template = Download template
roster-button-back = Back
roster-download-failed = I could not receive that file. Please send it again.

## Command line.
roster-cli-help = roster: download the blank template or import a filled-in roster
roster-cli-template-help = save the blank roster template (.xlsx)
roster-cli-import-help = import a filled-in roster (.xlsx or .csv); nothing is imported unless all of it is correct
roster-cli-file-help = path of the file
roster-cli-school-help = the school's name (created if it does not exist)
roster-cli-county-help = the county's name (default: the existing county)
roster-cli-language-help = language of the template and messages: zh_Hans or en
roster-cli-template-written = Template saved: { $path }
roster-cli-file-not-found = File not found: { $path }
roster-cli-no-county = There is no county yet. Please name the school's county with --county "NAME".
roster-cli-several-schools = Several schools are called '{ $school }'. Please say which county with --county "NAME".
