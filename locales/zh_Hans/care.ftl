# 家访、帮扶、心理健康记录。
command-visit = 记录家访
command-mentor = 帮扶
command-counsel = 心理辅导记录
visit-menu-button = 🏠 家访
mentor-menu-button = 🤝 帮扶
counselling-menu-button = 💬 心理辅导记录

## 通用

care-student-label = { $name } · { $class_label }
care-stale-button = 这个按钮已失效，什么也没有改。
care-not-your-student = 只能为您自己的学生记录。
care-not-allowed = 您不能这样做，什么也没有改。
care-text-too-long = 共 { $length } 字，请不超过 { $max } 字。
care-text-empty = 请写几句话。
care-date-future = 日期不能晚于今天。
care-date-too-old = 日期早于一年前。
care-bad-date = 日期请这样写：{ $example }
care-button-cancel = ✖️ 取消
care-button-menu = ⬅️ 菜单
care-button-back = ⬅️ 返回
care-button-save = ✅ 保存
care-button-all-mine = 👥 我的全部学生
care-button-all-students = 👥 全部学生
care-button-today = 今天（{ $today }）
care-button-yesterday = 昨天（{ $yesterday }）
care-button-today-plain = 📅 今天
care-button-yesterday-plain = 📅 昨天
care-saved-short = 已保存
care-summary-day-today = 日期：{ $date }（今天）
care-summary-day = 日期：{ $date }

## 家访

visit-only-staff = 只有老师和学校管理员可以记录家访。
visit-pick-student = 🏠 家访：哪个学生家？点学生，或输入名字查找。
visit-search-none = 您的学生中没有叫“{ $search }”的，请换个名字。
visit-type-name = 🏠 家访：请输入学生的名字查找。
visit-ask-day = 🏠 { $name }：哪天家访的？点日期，或输入日期，如 { $example }。
visit-ask-form = 🏠 { $name }：家访方式？
visit-ask-purpose = 🏠 { $name }：家访目的？
visit-ask-met = 🏠 { $name }：见到了谁？
visit-ask-note = 🏠 { $name }：情况如何？写几句话，或发一条语音。
visit-note-hint = 请写下情况，或发一条语音。
visit-form-in_person = 🚶 上门
visit-form-phone = 📞 电话
visit-form-video = 📹 视频
visit-purpose-routine = 常规家访
visit-purpose-persuade = 劝返
visit-purpose-follow_up = 回访
visit-purpose-emergency = 紧急情况
visit-met-guardian = 监护人
visit-met-father = 父亲
visit-met-mother = 母亲
visit-met-both_parents = 父母双方
visit-met-other = 其他人
visit-summary-title = 🏠 家访：{ $name }
visit-summary-day = 日期：{ $date }
visit-summary-how = { $form } · { $purpose } · 见到：{ $met }
visit-summary-note = 情况：{ $note }
visit-summary-voice = 情况：🎤 语音
visit-summary-photo = 照片：📷 已附上
visit-summary-no-photo = 照片：无（现在发一张即可附上）
visit-summary-follow-up = 回访：{ $date }（当天上午提醒您）
visit-summary-no-follow-up = 回访：无（输入日期，如 { $example }，或点下面的按钮）
visit-summary-case = 🚸 这次家访会记入该生的辍学个案。
visit-follow-up-hint = 要设回访日期，请这样写：{ $example }
visit-confirm-hint = 可以发照片、输入回访日期（如 { $example }），或点保存。
visit-button-week = 📅 一周后回访
visit-button-no-follow-up = 不回访
visit-button-no-photo = 去掉照片
visit-follow-up-not-future = 回访日期要晚于今天。
visit-follow-up-too-far = 回访日期超过一年以后。
visit-note-missing = 请说明情况：写几句话或发一条语音。
visit-saved = ✅ { $name } 的家访已保存。
visit-saved-follow-up = { $date } 会提醒您回访。
visit-saved-on-case = 已记入辍学个案。
visit-saved-linked-only = 已关联到辍学个案；家访日期早于个案建立，没有记入个案记录。
visit-saved-on-case-stage-kept = 已记入辍学个案记录；个案阶段不变，由班主任或管理员推进。
visit-saved-short = 已保存
visit-case-visitor-unknown = 老师
visit-case-said-voice = （语音，见家访记录）
visit-case-result = 家访：{ $form }，见到{ $met }
visit-reminder-button = 🏠 记录家访
visit-follow-up-reminder = 🏠 今天（{ $date }）该回访：{ $name }。上次家访：{ $visited }（{ $purpose }）。

## 帮扶

mentor-only-staff = 只有帮扶教师和学校管理员可以使用帮扶功能。
mentor-home = 🤝 帮扶
mentor-home-gaps = ⚠️ 还没有帮扶教师的留守学生：{ $missing } 人
mentor-home-full = ✅ 每个留守学生都有帮扶教师。
mentor-button-log = 📝 记录帮扶
mentor-button-assign = 👥 安排帮扶教师
mentor-button-coverage = 📋 帮扶覆盖情况
mentor-pick-mentee = 🤝 帮扶哪个学生？
mentor-no-mentees = 🤝 您还没有帮扶对象，由学校管理员安排。
mentor-ask-kind = 🤝 { $name }：做了什么？
mentor-kind-tutoring = 📚 学习辅导
mentor-kind-birthday = 🎂 过生日
mentor-kind-weekend = 🏞 周末陪伴
mentor-kind-talk = 💬 谈心
mentor-kind-other = 其他
mentor-summary = 🤝 { $name }：{ $kind }
mentor-summary-note = 备注：{ $note }
mentor-summary-no-note = 备注：无（可以写几句；输入日期如 { $example } 可改日期）
mentor-confirm-hint = 可以写一句备注或输入日期，或点保存。
mentor-saved = ✅ 已保存：{ $name }，{ $kind }，{ $date }。
mentor-not-your-mentee = 这个学生不是您的帮扶对象。
mentor-pick-teacher = 👥 给哪位老师安排？
mentor-no-teachers = 👥 学校还没有老师，请先邀请老师。
mentor-tick-students = 👥 { $teacher } 的帮扶对象：勾选学生（已选 { $count } 人），再点保存。没有帮扶教师的留守学生排在前面；输入名字可查找。
mentor-tick-none = 没有叫“{ $search }”的学生。
mentor-left-behind-mark = { $label } · 留守
mentor-assigned = ✅ 已保存：新安排 { $added } 人，结束 { $ended } 人。
mentor-coverage-title = 📋 还没有帮扶教师的留守学生（{ $missing } 人）：
mentor-coverage-full = ✅ 每个留守学生都有帮扶教师。
mentor-coverage-reminder = 📋 { $school }：{ $total } 名留守学生中有 { $missing } 名还没有帮扶教师。请打开“帮扶 → 帮扶覆盖情况”安排。

## 心理辅导记录

counselling-not-allowed = 心理辅导记录只有本校心理教师和管理员可以查看。
counselling-ask-name = 💬 心理辅导记录：请输入学生名字。
counselling-pick = 💬 请点学生。
counselling-search-none = 本校没有叫“{ $search }”的学生，请换个名字。
counselling-title = 💬 心理辅导记录：{ $name }
counselling-note-line = { $date }（{ $by }）：{ $text }
counselling-none = 还没有记录。
counselling-button-write = ✏️ 写记录
counselling-ask-text = ✏️ 请输入记录内容。
counselling-type-text = 请用文字输入记录。
counselling-saved = ✅ 记录已保存。

## 学生台帐

ledger-entry-home-visit = 🏠 家访（{ $by }）：{ $form } · { $purpose } · 见到{ $met }。{ $note }
ledger-entry-voice-note = 🎤 语音
ledger-entry-mentoring = 🤝 帮扶（{ $by }）：{ $kind }。{ $note }
