# Contact with the parents working away: the monthly child–parent contact (guardians) and
# the teacher–parent contact log with its per-term compliance (teachers, admins).
contact-menu-button = 📞 本月和爸妈联系了吗
command-contact = 本月孩子和爸妈联系
contact-only-family = 只有留守孩子的家长可以用这个。发送 /start 打开菜单。
pcontact-menu-button = ☎️ 家长联系记录
command-parentcontact = 记录与家长联系
pcontact-only-staff = 只有老师和学校管理员可以用这个。发送 /start 打开菜单。

contact-class-label = { $grade }年级{ $name }
contact-no-class = 未分班
contact-separator = ；
contact-method-phone = 📞 打电话
contact-method-video = 📹 视频
contact-method-visit-home = 🏠 爸妈回家了
contact-method-wechat = 💬 微信
contact-method-in-person = 🤝 当面
contact-when-today = 今天
contact-when-this-week = 这个星期
contact-when-earlier = 这个月早些时候
contact-bad-button = 这个按钮已经失效了。发送 /start 重新开始。
contact-not-your-child = 这不是您家的孩子。
contact-not-your-student = 这不是您的学生。
contact-not-allowed = 只有班主任和学校管理员可以查看。
contact-button-menu = 🏠 回到菜单
contact-button-back = ⬅️ 返回
contact-button-other-child = 👧 另一个孩子

# The guardian's confirmation.
contact-choose-child = 哪个孩子？
contact-child-open = ⬜ { $child }
contact-child-done = ✅ { $child }
contact-status-open = { $child } { $month }月还没有登记和爸妈联系。
contact-status-confirmed = ✅ { $child } { $month }月已经和爸妈联系过了（{ $by }登记：{ $method }，{ $when }）。
contact-talked-button = ✅ { $child }这个月和爸妈联系过了
contact-choose-method = { $child }是怎么和爸妈联系的？
contact-choose-when = 什么时候？
contact-recorded = 谢谢！已登记：{ $child } { $month }月和爸妈联系过了（{ $method }，{ $when }）。
contact-others-open = 还没登记的孩子：{ $children }
contact-no-children = 您家没有登记为留守的孩子，不需要登记。

# The reminder to guardians, and the month-end list to head teachers and mentors.
contact-reminder =
    📞 { $child }这个月（{ $month }月）和在外打工的爸爸妈妈联系过了吗？
    联系过了，请点下面的按钮登记。还没有的话，请让孩子给爸妈打个电话。
contact-month-end =
    📋 { $year }年{ $month }月，下面 { $count } 个留守孩子还没有登记和爸妈联系：
    { $lines }
    请了解一下情况，必要时帮助孩子和爸妈联系。
contact-unconfirmed-line = • { $child }（{ $class_label }）：{ $guardians }
contact-guardian = { $name } { $phone }
contact-guardian-not-in-bot = { $name } { $phone }（不在机器人里，请打电话）
contact-no-phone = 没有登记电话
contact-no-guardian = 没有登记监护人
contact-list-more = ……还有 { $count } 个

# The teacher's log.
pcontact-pick-class = 记录与家长联系：选一个班。
pcontact-pick-student = 记录与留守学生家长的联系：点学生的名字（后面是本学期已联系次数）。
pcontact-student-button = { $name } { $count }/{ $required }
pcontact-button-compliance = 📊 本学期情况
pcontact-button-other-class = 🏫 换一个班
pcontact-button-log = ➕ 记录联系
pcontact-choose-method = 怎么联系{ $name }的家长的？
pcontact-ask-note = 写一句谈了什么（可以跳过）。
pcontact-type-note = 请打字写一句话，或者点按钮。
pcontact-button-skip = 跳过
pcontact-button-cancel = ✖️ 取消
pcontact-button-save = ✅ 保存
pcontact-button-yesterday = 📅 改成昨天
pcontact-button-today = 📅 改成今天
pcontact-summary = 与{ $name }家长联系：{ $method }
pcontact-summary-note = 内容：{ $note }
pcontact-summary-date-today = 日期：{ $date }（今天）。别的日期请输入，例如 { $example }。
pcontact-summary-date = 日期：{ $date }。别的日期请输入，例如 { $example }。
pcontact-bad-date = 日期请这样写：{ $example }
contact-date-future = 日期不能晚于今天。
contact-note-empty = 内容是空的，请写一句话或者点“跳过”。
contact-note-too-long = 太长了，请写在 { $limit } 个字以内。
pcontact-saved = ✅ 已保存：{ $name }，{ $method }，{ $date }。本学期已联系 { $count }/{ $required } 次。
pcontact-saved-toast = 已保存
pcontact-no-students = 您负责的学生里没有留守学生。

# Per-term compliance.
contact-compliance-title = 📊 本学期（{ $term }，{ $start } 至 { $end }）每个留守学生家长至少联系 { $required } 次：
contact-compliance-title-no-term = 📊 学校还没有设置学期，按半年统计（{ $start } 至 { $end }）：每个留守学生家长至少联系 { $required } 次。
contact-compliance-class = { $class_label }：{ $done }/{ $total } 人已达到
contact-compliance-below = 还不够 { $required } 次的（{ $count } 人）：
contact-compliance-student = • { $name }（{ $class_label }）：{ $count }/{ $required }
contact-compliance-all-done = 全部达到了。
contact-compliance-none = 没有留守学生。
