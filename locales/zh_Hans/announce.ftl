# 学校或班级通知：管理员发给全校家长，班主任发给本班家长。
announce-menu-button = 📢 发通知给家长
command-announce = 给家长发通知
announce-only-staff = 只有学校管理员和班主任可以给家长发通知。
announce-no-audience = 您还不是任何班级的班主任，暂时没有可以发通知的家长。
announce-choose-audience = 这条通知发给谁？
announce-audience-school = 全校家长（{ $school }）
announce-audience-class = 本班家长（{ $school } { $class_label }）
announce-class-label = { $grade }年级{ $name }
announce-type-text = 请输入通知内容（最多 { $max } 个字）。家长收到时会带上“{ $title }”的标题和“✅ 我已阅读”按钮。
announce-text-only = 请直接输入文字。这里不能发送图片或文件。
announce-text-empty = 通知内容是空的，请输入文字。
announce-text-too-long = 通知太长了：{ $length } 个字，最多 { $max } 个字。请缩短后重新发送。
announce-confirm = 发送给 { $count } 位家长吗？
announce-confirm-not-joined = （还有 { $not_joined } 位家长没有加入机器人，收不到这条通知，请用电话或其他方式告诉他们。）
announce-nobody = 这些家长都还没有加入机器人，没有人能收到这条通知。
announce-preview =
    家长会看到：
    { $preview }
announce-send = ✅ 发送
announce-edit = ✏️ 修改内容
announce-edit-audience = ↩️ 重新选择发给谁
announce-cancel = 取消
announce-cancelled = 已取消，没有发送任何消息。
announce-started = 开始发送给 { $total } 位家长。下一条消息会显示发送进度。发送 /notices 可以随时查看谁已阅读。
announce-not-allowed = 您已经不能给这些家长发通知了。
announce-menu = 回到菜单
announce-frame-school =
    { $title }{ $school }
    { $text }
    —— { $sender }
announce-frame-class =
    { $title }{ $school } { $class_label }
    { $text }
    —— { $sender }

# 通知类型（先选类型；标题行用家长自己的语言）
announce-choose-kind = 发什么通知？
announce-kind-enrolment = 📚 开学入学通知
announce-kind-safety = 🛡️ 放假前安全教育
announce-kind-meeting = 👪 家长会通知
announce-kind-other = 📢 其他通知
announce-kind-unknown = 没有这种通知类型，请重新选择。
announce-edit-kind = ↩️ 重新选择通知类型
announce-kind-name-enrolment = 开学入学通知
announce-kind-name-safety = 放假前安全教育
announce-kind-name-meeting = 家长会通知
announce-kind-name-other = 通知
announce-title-enrolment = 【开学入学通知】
announce-title-safety = 【放假前安全教育】
announce-title-meeting = 【家长会通知】
announce-title-other-school = 【学校通知】
announce-title-other-class = 【班级通知】
announce-audience-school-care = 全校留守、寄宿学生的家长（{ $school }）
announce-audience-class-care = 本班留守、寄宿学生的家长（{ $school } { $class_label }）
announce-confirm-ack = 每位家长都会看到“✅ 我已阅读”按钮；{ $hours } 小时后还没点的家长会再收到一次提醒。
# 家长点“我已阅读”
announce-read-button = ✅ 我已阅读
announce-read-thanks = ✅ 已阅（{ $when }），谢谢！
announce-read-toast = 谢谢，收到了！
announce-read-already = 您已经确认读过这条通知了（{ $when }）。
announce-read-not-yours = 这条通知不是发给您的。
# Typed instead of tapping "I have read it" (any language's words count), separated by |
announce-ack-words = 已阅|已读|已阅读|我已阅读|阅|收到|收到了|已收到|知道了|好的|好|看了|看过了|已看
announce-typed-ack = 请点通知下面的“✅ 我已阅读”按钮，学校就知道您看过了。
announce-reminder =
    ⏰ 提醒：这条通知您还没有点“我已阅读”。看完请点下面的按钮。

    { $notice }
announce-when = { $month }月{ $day }日 { $time }
# /notices：发通知的人和学校管理员查看谁已阅读
command-notices = 查看通知阅读情况
announce-notices-only-staff = 只有学校管理员和班主任可以查看通知的阅读情况。
announce-list-head = 最近的通知（点一条查看谁还没读）：
announce-list-empty = 还没有发过通知。发通知请用 /announce。
announce-scope-class = { $class_label }家长（{ $school }）
announce-scope-class-care = { $class_label }留守、寄宿学生的家长（{ $school }）
announce-list-item = { $when } { $kind } · { $audience } · 已读 { $read }/{ $total }
announce-detail-not-allowed = 您不能查看这条通知的阅读情况。
announce-detail-head =
    📋 { $kind } · { $audience }
    发出时间：{ $when }
    内容：{ $text }
announce-detail-counts = 已读 { $read } / { $total } 位家长，未读 { $unread } 位。
announce-detail-reminded = 已在 { $when } 提醒过未读的家长。
announce-detail-unread = 还没有阅读的家长（{ $count } 位）：
announce-detail-all-read = ✅ 收到通知的家长都已阅读。
announce-detail-not-joined = 没有加入机器人、收不到通知的家长（{ $count } 位），请打电话告诉他们：
announce-detail-person = • { $name }（{ $children }）{ $phone }
announce-detail-child = { $child } { $class_label }
announce-detail-separator = 、
announce-detail-more = …还有 { $count } 位
announce-no-class = 未分班
