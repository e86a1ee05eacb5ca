# 学校或班级通知：管理员发给全校家长，班主任发给本班家长。
announce-menu-button = 📢 发通知给家长
command-announce = 给家长发通知
announce-only-staff = 只有学校管理员和班主任可以给家长发通知。
announce-no-audience = 您还不是任何班级的班主任，暂时没有可以发通知的家长。
announce-choose-audience = 这条通知发给谁？
announce-audience-school = 全校家长（{ $school }）
announce-audience-class = 本班家长（{ $school } { $class_label }）
announce-class-label = { $grade }年级{ $name }
announce-type-text = 请输入通知内容（最多 { $max } 个字）。家长收到时会带上“【学校通知】”的标题。
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
announce-started = 开始发送给 { $total } 位家长。下一条消息会显示发送进度。
announce-not-allowed = 您已经不能给这些家长发通知了。
announce-menu = 回到菜单
announce-frame-school =
    【学校通知】{ $school }
    { $text }
    —— { $sender }
announce-frame-class =
    【班级通知】{ $school } { $class_label }
    { $text }
    —— { $sender }
