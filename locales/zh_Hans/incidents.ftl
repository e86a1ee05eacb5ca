# 安全应急预案：突发事件 30 分钟内告知监护人，1 小时内上报教育局。
command-incident = 突发事件（30分钟/1小时）
incident-menu-button = 🚨 突发事件
incident-only-staff = 只有老师、学校管理员和教育局可以查看突发事件。
incident-not-allowed = 这个事件您无权查看或操作。
incident-bad-category = 请点一个事件类型按钮。
incident-no-students = 您名下没有可以登记的学生。
incident-nothing-to-open = 这一步已经过期，请重新登记。
incident-type-text = 请打字回复。
incident-text-empty = 请写一句话。
incident-text-too-long = 太长了（{ $length } 字），请不超过 { $max } 字。
incident-time-bad = 时间请这样写：10:45（今天）、昨天 18:20，或 11-20 18:20。
incident-time-too-old = 只能登记 { $days } 天以内发生的时间。
incident-time-future = { $time } 还没到，时间不能晚于现在。
incident-time-before = 时间不能早于事件发生的 { $time }。
incident-already-informed = 已记录监护人于 { $time } 知情（{ $how }），不用再记。
incident-closed-already = 这个事件已经结束。
incident-opened = 已登记，正在通知监护人和教育局。

## 类型、称呼

incident-category-injury = 🩹 受伤
incident-category-illness = 🤒 急病
incident-category-missing = ❓ 走失
incident-category-accident = 🚑 意外事故
incident-category-other = 📝 其他
incident-what = { $category }：{ $description }
incident-how-button = 监护人点了“收到”
incident-how-phone = 电话告知
incident-no-class = 未分班
incident-class-label = { $grade }年级{ $class_name }
incident-no-phone = 无电话
incident-no-guardian = 名册里没有监护人，请查学生档案。
incident-contact-line = { $relation } { $name }：{ $phone }
incident-relation-grandfather = 爷爷
incident-relation-grandmother = 奶奶
incident-relation-father = 父亲
incident-relation-mother = 母亲
incident-relation-uncle = 叔叔
incident-relation-aunt = 阿姨
incident-relation-sibling = 哥哥姐姐
incident-relation-other = 监护人
incident-by-system = 系统

## 期限

incident-guardian-done-met = 👪 监护人 { $time } 知情（{ $how }，{ $by }）— { $minutes } 分钟，按时
incident-guardian-done-missed = 👪 监护人 { $time } 知情（{ $how }，{ $by }）— { $minutes } 分钟，超时（期限 { $due }）
incident-guardian-overdue = 👪 监护人：尚未知情 — 期限 { $due } 已过 { $minutes } 分钟，超时
incident-guardian-left = 👪 监护人：尚未知情 — 还剩 { $minutes } 分钟（{ $due } 前）
incident-bureau-done-met = 🏛 教育局 { $time } 确认（{ $by }）— { $minutes } 分钟，按时
incident-bureau-done-missed = 🏛 教育局 { $time } 确认（{ $by }）— { $minutes } 分钟，超时（期限 { $due }）
incident-bureau-overdue = 🏛 教育局：尚未确认 — 期限 { $due } 已过 { $minutes } 分钟，超时
incident-bureau-left = 🏛 教育局：尚未确认 — 还剩 { $minutes } 分钟（{ $due } 前）
incident-mark-met = ✅
incident-mark-missed = ❗
incident-mark-pending = ⏳
incident-result-met = 按时
incident-result-missed = 超时
incident-result-pending = 进行中

## 时间线

incident-event-opened = { $time } 事件发生（{ $by } 登记，{ $recorded }）
incident-event-guardian-notice = { $time } 已给 { $count } 位监护人发紧急通知
incident-event-bureau-notice = { $time } 已向 { $count } 位教育局人员报告
incident-event-guardian-ack = { $time } 监护人 { $by } 点了“收到”
incident-event-guardian-phone = { $time } 电话告知监护人（{ $by } 记录于 { $recorded }）
incident-event-bureau-ack = { $time } 教育局 { $by } 确认收到
incident-event-escalated = { $time } 监护人未回应，已请班主任打电话（{ $count } 人）
incident-event-guardian-warning = { $time } 监护人期限将到，已提醒学校管理员（{ $count } 人）
incident-event-bureau-warning = { $time } 教育局期限将到，已提醒学校管理员（{ $count } 人）
incident-event-guardian-missed = { $time } 监护人期限已过，仍无知情记录
incident-event-bureau-missed = { $time } 教育局期限已过，仍未确认
incident-event-note = { $time } 备注（{ $by }）
incident-event-closed = { $time } 事件结束（{ $by }）
incident-event-with-note = { $line }：{ $note }

## 事件卡片

incident-card-title = 🚨 事件 #{ $id }：{ $name }（{ $school } { $class_label }）
incident-card-what = 发生了什么：{ $what }
incident-card-when = 发生时间：{ $time }（{ $by } { $opened } 登记）
incident-card-closed = 🔒 已于 { $time } 结束
incident-card-history = 经过：
incident-card-more = （更早的 { $count } 条未显示）
incident-card-read-only = （只读）

## 列表与登记

incident-list-title = 未结束的突发事件：
incident-list-empty = 现在没有未结束的突发事件。
incident-list-item = { $name } { $category } { $time } 监护人{ $guardian } 教育局{ $bureau }
incident-pick-class = 请选班级，或直接打出学生姓名：
incident-pick-student = { $class_label }：请选学生（也可以打出姓名）：
incident-search-results = 姓名含“{ $text }”的学生：
incident-search-none = 没有找到姓名含“{ $text }”的学生，请再打一次或选班级。
incident-ask-category = 发生了什么？
incident-ask-description = 请用一句话说明情况（如：操场摔倒，左臂疼）。
incident-ask-when = 什么时候发生的？点按钮，或打出时间：10:45（今天）、昨天 18:20、11-20 18:20。
incident-confirm =
    请核对：
    学生：{ $name }
    情况：{ $what }
    发生时间：{ $time }
    点“登记并通知”后，立即通知监护人和教育局。
incident-ask-phone = 几点打电话告知了监护人？打出时间，如 10:47，或点“现在”。
incident-ask-note = 请写下备注（采取的措施、送医情况等）。
incident-ask-close = 请写一句结束说明（如：已送医，家长接回）。

## 按钮

incident-button-new = ➕ 登记突发事件
incident-button-export = 📊 导出表格
incident-button-menu = ⬅️ 主菜单
incident-button-list = ⬅️ 事件列表
incident-button-phone = 📞 记录电话告知
incident-button-note = 📝 添加备注
incident-button-close = 🔒 结束事件
incident-button-refresh = 🔄 刷新
incident-button-skip = 跳过
incident-button-just-now = 刚刚
incident-button-ago = 30分钟前
incident-button-open = 🚨 登记并通知
incident-button-cancel = ✖️ 取消
incident-button-now = 现在
incident-button-back-card = ⬅️ 返回事件
incident-button-guardian-ack = ✅ 收到
incident-button-bureau-ack = ✅ 确认收到
incident-button-card = 🚨 打开事件

## 消息

incident-notice-guardian =
    🚨 紧急通知：{ $name }（{ $school } { $class_label }）{ $time } 在学校发生情况：{ $what }。
    学校联系人：{ $opener }，电话 { $phone }。
    请点“收到”，让学校知道您已知情。
incident-report-bureau =
    🚨 突发事件报告
    学校：{ $school }
    学生：{ $name }（{ $class_label }）
    情况：{ $what }
    发生时间：{ $date }
    已采取的措施：
    { $actions }
    请点“确认收到”。
incident-escalation =
    📞 { $name }（{ $class_label }）的监护人还没有回应突发事件通知（{ $what }，{ $time }）。
    请马上打电话告知，{ $due } 前必须告知：
    { $contacts }
    打完后点“记录电话告知”。
incident-escalation-no-notice =
    📞 { $name }（{ $class_label }）的监护人没有加入本系统，收不到突发事件通知（{ $what }，{ $time }）。
    请马上打电话告知，{ $due } 前必须告知：
    { $contacts }
    打完后点“记录电话告知”。
incident-guardian-warning = ⏰ { $name }（{ $class_label }）的突发事件：监护人还没有知情，期限 { $due }，还剩 { $minutes } 分钟。请确认班主任已打电话。
incident-bureau-warning = ⏰ { $name }（{ $class_label }）的突发事件：教育局还没有确认，期限 { $due }，还剩 { $minutes } 分钟。请打电话向教育局报告。
incident-guardian-missed = ❗ { $name }（{ $class_label }）的突发事件：{ $due } 前没有告知监护人的记录，已记为超时。请尽快告知并记录。
incident-bureau-missed = ❗ { $name }（{ $class_label }）的突发事件：{ $due } 前教育局没有确认，已记为超时。请尽快电话报告。
incident-guardian-acked = ✅ { $name } 的监护人 { $guardian } 已于 { $at } 确认知情（事件后 { $minutes } 分钟）。
incident-bureau-acked = ✅ 教育局 { $officer } 已于 { $at } 确认收到 { $name } 的事件报告（事件后 { $minutes } 分钟）。
incident-ack-guardian-thanks = 谢谢，学校已知道您 { $time } 收到通知。
incident-ack-bureau-thanks = 已确认收到（{ $time }）。
incident-ack-already = 已于 { $time } 确认过了（{ $by }）。
incident-ack-not-yours = 这条通知不是发给您的。

## 导出

incident-export-caption = { $name } 突发事件登记表
incident-export-filename = 突发事件_{ $name }_{ $date }.xlsx
incident-export-title = { $name } 突发事件登记表
incident-export-timeline-title = { $name } 突发事件经过
incident-sheet-incidents = 事件
incident-sheet-timeline = 经过
incident-col-no = 编号
incident-col-school = 学校
incident-col-class = 班级
incident-col-student = 学生
incident-col-category = 类型
incident-col-description = 情况
incident-col-happened = 发生时间
incident-col-opened = 登记时间
incident-col-opened-by = 登记人
incident-col-guardian-due = 告知监护人期限
incident-col-guardian-informed = 监护人知情时间
incident-col-guardian-how = 告知方式
incident-col-guardian-by = 确认人
incident-col-guardian-minutes = 用时（分钟）
incident-col-guardian-result = 监护人期限
incident-col-bureau-due = 上报教育局期限
incident-col-bureau-ack = 教育局确认时间
incident-col-bureau-by = 教育局确认人
incident-col-bureau-minutes = 用时（分钟）
incident-col-bureau-result = 教育局期限
incident-col-closed = 结束时间
incident-col-close-note = 结束说明
incident-col-event-time = 时间
incident-col-event = 经过
incident-col-event-by = 人员
incident-col-recorded = 记录时间
incident-col-note = 备注

## Export period; stale buttons
incident-ask-period = 导出哪段时间的事件？
incident-button-period-this_month = 📅 本月
incident-button-period-last_month = 📅 上月
incident-button-period-term = 📚 本学期
incident-button-period-all = 🗂 全部
incident-period-range = { $since } 至 { $until }
incident-period-everything = 全部
incident-export-period-title = { $title }（{ $period }）
incident-export-period-caption = { $name } 突发事件登记表（{ $period }）
incident-stale-button = 这个按钮已过期，请重新打开。
