# The guardian side of the daily arrival report: answers to "why is the child not at
# school", the "a child may be missing" alert, and absences reported before school.
absence-menu-button = 🤒 给孩子请假
command-absent = 给孩子请假
absence-only-guardians = 只有家长可以给孩子请假。发送 /start 打开菜单。

absence-answer-label-sick = 生病了
absence-answer-label-family = 家里有事
absence-answer-label-on-the-way = 在路上
absence-answer-label-dont-know = 不知道孩子在哪里
absence-reason-label-sick = 生病
absence-reason-label-personal = 事假
absence-reason-label-family = 家里有事
absence-reason-label-unknown = 原因不明
absence-reason-label-late = 迟到
absence-relation-grandfather = 爷爷
absence-relation-grandmother = 奶奶
absence-relation-father = 爸爸
absence-relation-mother = 妈妈
absence-relation-uncle = 叔叔
absence-relation-aunt = 阿姨
absence-relation-sibling = 哥哥姐姐
absence-relation-other = 监护人
absence-class-label = { $grade }年级{ $name }
absence-no-class = 未分班
absence-guardian = { $name }（{ $relation }）
absence-contact-line = { $guardian }：{ $phone }
absence-no-phone = 没有登记电话
absence-no-contacts = 没有登记家长。

# To the head teacher and the school admins, through the urgent lane.
absence-alert-dont-know =
    🚨 紧急：孩子可能走失了
    { $child }（{ $class_label }）今天没有到校。
    家长 { $guardian } 回答：{ $answer }。
    请马上联系家长，确认孩子安全。
    家长电话：
    { $contacts }
absence-alert-no-answer =
    🚨 紧急：孩子可能走失了
    { $child }（{ $class_label }）今天没有到校，家长 { $minutes } 分钟内没有回答。
    请马上打电话联系家长，确认孩子安全。
    家长电话：
    { $contacts }
absence-alert-update = ℹ️ 后续：{ $child }（{ $class_label }）的家长 { $guardian } 刚刚回答：{ $answer }。

# The guardian taps an answer under the notice.
absence-toast-thanks = 谢谢，收到了！
absence-thanks-sick = ✅ 您的回答：{ $answer }。谢谢！已告诉老师。祝孩子早日康复。
absence-thanks-family = ✅ 您的回答：{ $answer }。谢谢！已告诉老师。
absence-thanks-on-the-way = ✅ 您的回答：{ $answer }。谢谢！已告诉老师。路上注意安全。
absence-thanks-dont-know = ✅ 您的回答：{ $answer }。我们已经马上通知班主任和学校，他们会尽快联系您。
absence-thanks-dont-know-nobody = ✅ 您的回答：{ $answer }。老师们还没有加入机器人，请马上打电话给学校或班主任！
absence-already-answered = 已经有人回答了：{ $name } 说“{ $answer }”。谢谢！
absence-stale = 这是以前的消息，不用再回答了。
absence-no-longer-needed = 不用回答了：老师已经记下孩子今天到校了。
absence-not-yours = 这不是您孩子的消息，您不能回答。

# A guardian reports before school: child → reason → confirm.
absence-report-choose-child = 给哪个孩子请假？
absence-report-choose-reason = 今天给 { $child } 请假。是什么原因？
absence-report-reason-sick = 🤒 生病
absence-report-reason-personal = 📝 事假
absence-report-reason-family = 🏠 家里有事
absence-report-other-child = ⬅️ 换个孩子
absence-report-cancel = 取消
absence-report-cancelled = 已取消，没有请假。
absence-report-confirm =
    今天给 { $child } 请假，原因：{ $reason }。
    确定吗？
absence-report-confirm-button = ✅ 确定
absence-report-other-reason = ⬅️ 换个原因
absence-report-done = ✅ 好了。已告诉老师：{ $child } 今天请假，原因：{ $reason }。
absence-report-done-nobody-told = ✅ 已记下：{ $child } 今天请假，原因：{ $reason }。班主任还没有加入机器人，请再打电话告诉老师。
absence-report-no-school = 今天不上学，不用请假。
absence-report-no-children = 没有可以请假的孩子。请联系班主任。
absence-report-not-allowed = 您不能给这个孩子请假。
absence-report-menu = 🏠 回到菜单
absence-report-to-teacher = 📋 { $guardian } 给 { $child }（{ $class_label }）请假：今天不来上学，原因：{ $reason }。{ $note }
absence-report-to-teacher-changed = 📋 { $guardian } 更改了 { $child }（{ $class_label }）今天的请假原因：{ $reason }。{ $note }
absence-report-sheet-said-present = 注意：今天的点名表上记的是到校，请核对。
