# 学籍管理：转入、转出、休学、复学、毕业。
command-status = 学籍变动（转学、休学、毕业）
status-menu-button = 🔀 学籍变动
status-only-admin = 只有学校管理员可以登记转学、休学和毕业。
status-not-allowed = 这不是本校的学生或班级。
status-wrong-state = 这名学生的学籍已经变了，没有登记。
status-text-empty = 请写几个字。
status-text-too-long = 太长了：最多 { $max } 个字。
status-date-future = 日期不能晚于今天。
status-bad-date = 日期请这样写：{ $example }
status-number-here = 本校已有这个学籍号的学生。
status-number-in-system = 这个学籍号的学生在系统里的另一所学校：请那所学校登记转出到本校，学生就会出现在这里等待分班。
status-same-school = 不能转到本校。
status-class-empty = 这个班没有在读学生。
status-file-already-cleared = 这份档案已经登记为收到。
status-file-cleared = ✅ 已登记档案收到。
status-saved = ✅ 已保存。
status-nothing = 没有要保存的内容，请从菜单重新开始。
status-arrival-notice = 🔀 { $name } 已从{ $school }转到本校，档案记录随学生一起转来。请打开 /status →“待分班”为学生分班。
status-state-enrolled = 在读
status-state-transferred_out = 已转出
status-state-suspended = 休学
status-state-dropped_out = 辍学
status-state-graduated = 已毕业
status-class-label = { $grade }年级{ $class_name }

## 菜单

status-menu-title = 🔀 学籍变动：发生了什么？
status-menu-files = 📂 档案待转：{ $files } 份
status-menu-arrivals = 🔀 已转入、待分班：{ $arrivals } 人
status-button-transfer_out = 🚪 转出
status-button-transfer_in = 🏫 转入（系统外学校）
status-button-arrival = 🔀 待分班（{ $arrivals }）
status-button-suspend = ⏸️ 休学
status-button-resume = ▶️ 复学
status-button-graduate = 🎓 整班毕业
status-button-files = 📂 档案待转（{ $files }）
status-button-menu = ⬅️ 菜单
status-button-back = ⬅️ 返回
status-button-cancel = ✖️ 取消
status-button-save = ✅ 保存
status-button-skip = 跳过
status-button-file-ok = ✅ 档案已转
status-button-file-pending = 📂 还没有（档案待转）

## 步骤

status-pick-class = 哪个班？
status-pick-student = 哪名学生？
status-no-students = 这里没有可选的学生。
status-ask-transfer_out-destination = 学生转到哪所学校？请输入校名。
status-ask-transfer_in-name = 新生的姓名？
status-ask-transfer_in-number = 学籍号？
status-ask-transfer_in-from_school = 从哪所学校转来？
status-ask-suspend-reason = 休学原因？（如因病休学，需县级以上医院证明）
status-ask-file-transfer_out = 学生档案已经交给转入学校了吗？
status-ask-file-transfer_in = 学生档案转来了吗？
status-ask-file-arrival = 学生的纸质档案转来了吗？
status-ask-photo = 请发一张证明的照片（如县级医院证明），或点“跳过”。
status-photo-hint = 请发照片，或点“跳过”。
status-type-text = 请用文字回答。

## 确认

status-summary-transfer_out = 🚪 转出：{ $name } → { $destination }
status-summary-in-system = 这所学校也在用本系统：学生和全部记录一起转过去。
status-summary-transfer_in = 🏫 转入：{ $name }（学籍号 { $number }），从{ $from_school }转入{ $class_label }
status-summary-arrival = 🔀 分班：{ $name } 进入{ $class_label }
status-summary-suspend = ⏸️ 休学：{ $name }。原因：{ $reason }
status-summary-photo = 证明：已附照片。
status-summary-no-photo = 证明：无照片。
status-summary-resume = ▶️ 复学：{ $name }
status-summary-graduate = 🎓 { $class_label }：在读的 { $count } 名学生全部毕业。
status-summary-file-ok = 档案：已转。
status-summary-file-pending = 档案：待转（在清单里提醒，直到登记收到）。
status-summary-case = 未结的辍学个案将以“转学”结案。
status-save-date-today = 日期：{ $date }（今天）。如果是更早发生的，请输入日期（{ $example }）。
status-save-date = 日期：{ $date }。要改请输入日期（{ $example }）。
status-graduated = 🎓 { $count } 名学生已毕业。

## 档案待转

status-files-title = 📂 档案待转（收到后点一下）：
status-files-none = 没有待转的档案。
status-file-item = { $name } · { $kind } · { $date }
status-kind-transfer_in = 转入
status-kind-transfer_out = 转出
status-files-reminder =
    📂 还有 { $count } 名学生的档案资料没有转到：
    { $names }
    收到后点下面的按钮，在名单里点一下就记为已收到。
status-files-reminder-more = ……还有 { $count } 名
status-button-open-files = 📂 打开待转档案
