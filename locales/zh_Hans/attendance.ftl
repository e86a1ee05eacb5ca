# 每日到校点名（学生到校日报告制度）：班主任点名，科任老师和帮扶老师只读。
command-attendance = 今日点名
attendance-menu-button = 📝 今日点名
attendance-only-teachers = 只有老师可以打开点名表。发送 /start 打开菜单。
attendance-no-class = 您还不是任何班的班主任，也没有负责的学生，没有要点名的班。
attendance-not-school-day = 今天不是上课日，不用点名。
attendance-not-your-class = 这不是您班的点名表，您不能修改。
attendance-stale-day = 这是以前的点名表，已经不能修改了。请发送 /attendance 打开今天的。
attendance-not-in-class = 这个学生不在这个班的名单里，没有修改。
attendance-bad-button = 这个按钮不对，没有修改。请发送 /attendance 重新打开点名表。
attendance-old-button = 这个按钮已经过期了，没有修改。请用最下面那条消息里的按钮。
attendance-already-saved = 点名已经提交了。要修改请点“✏️ 修改名单”。
attendance-view-only = 您只能查看，不能修改。只有班主任可以改点名。
attendance-tap-hint = 请点名字按钮，不用打字。没到的学生点一下名字，然后点最下面的“提交”。
attendance-list-separator = {"、"}
attendance-date = { $month }月{ $day }日

# 选班
attendance-pick-class = 给哪个班点名？
attendance-class-button = 📝 { $class_label }
attendance-view-button = 👁 查看我负责的学生（只读）
attendance-close = 关闭

# 点名表
attendance-sheet =
    📝 { $class_label } · { $date } 点名（共 { $count } 人）
    { $status }
    { $lines }
attendance-sheet-help = 没到的学生点一下名字（变成 ❌），再点一下就取消。全部到校就直接点“全部到校，提交”。
attendance-sheet-saved-at = 今天 { $time } 已提交过，改完再点保存。
attendance-page = 第 { $page }/{ $pages } 页
attendance-all-present-submit = ✅ 全部到校，提交
attendance-submit = 📤 提交（{ $count } 人没到）
attendance-save-changes = 💾 保存修改（{ $count } 处）
attendance-prev-page = ⬅️ 上一页
attendance-next-page = 下一页 ➡️
attendance-more-reasons = 更多学生的原因 ➡️
attendance-reason-hint = 点右边的按钮选原因：病假、事假、迟到、不明。
attendance-reason-hint-saved = 点右边的按钮改原因，点一下就保存。
attendance-reason-sick = 🤒病假
attendance-reason-personal = 📝事假
attendance-reason-late = ⏰迟到
attendance-reason-unknown = ❓不明
attendance-reason-name-unknown = 原因未知
attendance-reason-name-sick = 病假
attendance-reason-name-personal = 事假
attendance-reason-name-family = 家里有事
attendance-reason-name-late = 迟到
attendance-line = { $icon } { $name } · { $reason }{ $extra }
attendance-line-from-guardian = （家长请假）
attendance-line-answer = {" · "}家长：{ $answer }
attendance-line-unreachable = {" · "}⚠️ 联系不上家长，请打电话
attendance-line-draft = （还没提交）
attendance-answer-sick = 生病
attendance-answer-family = 家里有事
attendance-answer-on-the-way = 在路上
attendance-answer-dont-know = 不知道

# 提交以后
attendance-saved-all-present = ✅ 已提交：{ $class_label } { $date } 全部到校（{ $count } 人）。
attendance-saved =
    ✅ 已提交：{ $class_label } { $date } 到校 { $present } 人，没到或迟到 { $absent } 人：
    { $lines }
attendance-saved-asked = 已经问了 { $asked } 个学生的家长为什么没到校，家长回答后会显示在这里。
attendance-saved-unreachable = ⚠️ 这些学生的家长没有加入机器人，请打电话问：{ $unreachable }
attendance-saved-reasons = 知道原因的，点下面的按钮，点一下就保存。
attendance-edit = ✏️ 修改名单
attendance-done = ✅ 完成

# 只读（科任老师、帮扶老师）
attendance-view-title = 👁 今天的到校情况（只读）
attendance-view-saved = { $class_label }：班主任 { $time } 已点名。
attendance-view-missing = { $class_label }：班主任还没有点名。
attendance-view-no-school = { $class_label }：今天不上课。
attendance-view-all-here = 您负责的 { $count } 个学生没有缺勤记录。
attendance-view-nobody = 您还没有负责的学生。
attendance-view-readonly = 只有班主任可以修改点名。

# 提醒（通过发件箱发送）
attendance-reminder = 📝 { $class_label } 今天（{ $date }）还没有点名。全部到校的话，点一下就好。
attendance-reminder-button = 📝 现在点名
attendance-admin-missing =
    📋 { $school } 今天（{ $date }）还有 { $count } 个班没有点名：
    { $lines }
attendance-admin-line = • { $class_label }（班主任：{ $teacher }）
attendance-admin-line-no-head = • { $class_label }（没有班主任）

# 发给家长：孩子没到校、原因不明（紧急）
absence-notice = { $child } 今天没有到校。您知道原因吗？
absence-answer-sick = 🤒 生病了
absence-answer-family = 🏠 家里有事
absence-answer-on-the-way = 🚶 在路上了
absence-answer-dont-know = ❓ 我不知道

# 学校管理员：全校今日到校情况（只读）
attendance-school-button = 🏫 全校今日到校
attendance-school-header = 🏫 { $school } · { $date } 到校情况
attendance-school-header-cont = 🏫 { $school }（续）
attendance-school-totals = 已点名 { $saved }/{ $classes } 个班 · 缺勤 { $absent } 人，未说明 { $unexplained } 人
attendance-school-no-school = 今天不上课。
attendance-school-line-saved = { $class_label } ✅ { $time } · { $summary }
attendance-school-line-missing = { $class_label } ❌ 还没点名
attendance-school-line-missing-marks = { $class_label } ❌ 还没点名 · { $summary }
attendance-school-line-no-school = { $class_label } 今天不上课
attendance-school-absent = 缺勤 { $absent }
attendance-school-absent-unexplained = 缺勤 { $absent }（未说明 { $unexplained }）
attendance-school-late = 迟到 { $late }
attendance-school-separator = {" · "}
attendance-school-all-here = 全到 { $count } 人
attendance-school-class-button = 👁 { $class_label } 没到名单（{ $count }）
attendance-school-class-all-here = 全班 { $count } 人都到了。
attendance-school-readonly = 只读。没说明原因的缺勤，请今天联系班主任或家长。
attendance-school-nothing = 您管理的学校还没有学生名单。
attendance-school-view-only = 这里只能查看，不能修改。只有班主任可以改点名。
attendance-not-your-school = 这不是您学校的班，不能查看。
