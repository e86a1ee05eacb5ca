# 节假日、周末放学回家：监护人报告孩子已到家；返校。
command-returns = 放学回家情况
command-holidays = 填入法定节假日
command-home = 报告孩子到家 / 返校
returns-menu-button = 🏠 放学回家情况
returns-guardian-menu-button = 🏠 孩子到家 / 返校

returns-date = { $month }月{ $day }日（{ $weekday }）
returns-weekday-0 = 周一
returns-weekday-1 = 周二
returns-weekday-2 = 周三
returns-weekday-3 = 周四
returns-weekday-4 = 周五
returns-weekday-5 = 周六
returns-weekday-6 = 周日
returns-kind-weekend = 周末
returns-kind-holiday = 放假
returns-no-class = 未分班
returns-class-label = { $grade }年级{ $name }
returns-relation-grandfather = 爷爷
returns-relation-grandmother = 奶奶
returns-relation-father = 爸爸
returns-relation-mother = 妈妈
returns-relation-uncle = 叔叔
returns-relation-aunt = 阿姨
returns-relation-sibling = 哥哥姐姐
returns-relation-other = 监护人
returns-separator = ；
returns-guardian-phone = { $name }（{ $relation }）{ $phone }
returns-no-phone = 没有登记电话
returns-no-guardian = 没有登记监护人

# To the guardian when school lets out, and again after "not yet".
returns-ask =
    🏫 学校{ $date }{ $time }放学（{ $kind }）。
    { $child }到家了吗？
returns-reask = ⏰ 再问一下：{ $child }到家了吗？
returns-button-home = ✅ 已到家
returns-button-home-child = ✅ { $child } 已到家
returns-button-not-yet = ⏳ 还没到

returns-status-waiting = ❔ 没有回答
returns-status-not-yet = ⏳ 还没到家
returns-status-arrived = ✅ 已到家
returns-status-by-phone = ☎️ 电话确认已到家

# To the head teacher at the deadline (urgent).
returns-late-line = • { $child }：{ $status }。{ $contacts }
returns-late-list =
    🚨 { $class_label }：{ $count } 个孩子还没有确认到家（{ $date }{ $time }放学）。
    请打电话给家长：
    { $lines }
    电话确认后，点孩子的名字记下来。
# A list too long for one Telegram message goes in parts: after the class, "(1/2)".
returns-late-part = （{ $part }/{ $parts }）
returns-button-by-phone = ☎️ { $child } 已电话确认到家

# The day before school starts again.
returns-set-off-ask =
    🚌 { $date }上学。
    { $child }出发返校时，请点下面的按钮。
returns-button-set-off = 🚌 { $child } 已出发返校

# Answers to the guardian's taps.
returns-toast-thanks = 谢谢，收到了！
returns-thanks-home = ✅ 好的：{ $child }已到家。谢谢！
returns-thanks-not-yet = ⏳ 记下了：{ $child }还没到家。{ $time } 再问您一次。
returns-thanks-not-yet-no-reask = ⏳ 记下了：{ $child }还没到家。孩子到家后请点“已到家”。老师会关注。
returns-already-home = 已经记下了：{ $child }已到家（{ $name }）。谢谢！
returns-already-not-yet = 已经记下了：{ $child }还没到家。{ $time } 再问您一次。
returns-not-yours = 这不是您孩子的消息，您不能回答。
returns-stale = 这是以前的消息，不用再回答了。
returns-invalid = 这个按钮已经失效了。
returns-set-off-thanks = 🚌 好的：{ $child }已出发返校。路上注意安全！
returns-set-off-already = 已经记下了：{ $child }已出发返校（{ $name }）。

# The head teacher records "confirmed by phone".
returns-phone-recorded = ☎️ 记下了：{ $child }已电话确认到家。
returns-phone-already = 不用再记：{ $child } { $status }（{ $name }）。
returns-phone-not-yours = 这不是您班上的孩子，您不能记录。

# /returns for teachers.
returns-only-staff = 只有老师可以查看放学回家情况。
returns-none = 还没有放学回家的记录（需要住校生或留守学生，以及学校日历）。
returns-view-round = 🏫 { $school }：{ $date }{ $time }放学（{ $kind }）
returns-view-class = 📋 { $class_label }：{ $confirmed }/{ $total } 已确认到家
returns-view-line = { $child }：{ $status }{ $extra }
returns-view-when = { $status } { $time } { $name }
returns-view-set-off = 🚌 已出发返校
returns-view-back = 🏫 已返校

# /home for guardians.
returns-guardian-none = 现在没有要报告的。学校放学时会问您孩子是否到家。
returns-home-only-guardians = /home 是监护人用的：报告孩子放学后已到家。
returns-guardian-title = 点按钮报告：
returns-guardian-line = { $child }：{ $status }

# Public holidays (chinese-calendar) and a year it does not know.
holidays-makeup-note = 调休
holidays-name-new-years-day = 元旦
holidays-name-spring-festival = 春节
holidays-name-tomb-sweeping-day = 清明节
holidays-name-labour-day = 劳动节
holidays-name-dragon-boat-festival = 端午节
holidays-name-national-day = 国庆节
holidays-name-mid-autumn-festival = 中秋节
holidays-name-anti-fascist-70th-day = 抗战胜利纪念日
holidays-name-other = 法定节假日
holidays-missing-ask =
    📅 { $school }：机器人还没有 { $year } 年的法定节假日安排。
    请在“学校日历”里填写 { $year } 年的节假日和调休日（/calendar），放学回家提醒才会按时发出。
holidays-not-allowed = 只有学校管理员可以填写节假日。
holidays-choose = 📅 自动填入法定节假日和调休日（已经填写的日子不会改动）：
holidays-button-year = 📅 填入 { $year } 年（{ $school }）
holidays-done = ✅ { $year } 年：填入 { $added } 天，保留您已填写的 { $kept } 天。
holidays-done-missing = ⚠️ 还没有 { $year } 年的法定节假日数据。请在 /calendar 里手动填写节假日和调休日。
holidays-cli-help = 学校日历
holidays-cli-prefill-help = 自动填入某年的法定节假日和调休日
holidays-cli-school-help = 学校名称
holidays-cli-county-help = 县名称（有同名学校时）
holidays-cli-year-help = 年份，例如 2026
holidays-cli-no-school = 找不到学校：{ $school }
holidays-cli-several = 有几所学校叫 { $school }，请用 --county 指明县。
holidays-cli-done = { $school }，{ $year } 年：填入 { $added } 天，保留已有的 { $kept } 天。
holidays-cli-missing = 没有 { $year } 年的法定节假日数据。已请学校管理员手动填写（{ $asked } 条消息）。
