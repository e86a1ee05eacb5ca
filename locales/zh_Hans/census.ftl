# 调查摸底: the start-of-term census of left-behind students (head teachers confirm or
# correct; admins get the change report).
command-census = 调查摸底（开学核对留守学生）
census-menu-button = 📋 调查摸底
census-only-staff = 只有班主任和学校管理员可以用这个。发送 /start 打开菜单。
census-no-term = 校历里还没有已开始的学期。请学校管理员用 /calendar 设置学期。
census-not-your-class = 这不是您的班级。
census-not-your-student = 这不是您班上的学生。
census-not-allowed = 只有本校的学校管理员可以查看。
census-bad-button = 这个按钮已经失效了。发送 /census 重新开始。
census-text-empty = 请输入文字。
census-text-too-long = 太长了，最多 { $max } 个字。
census-already-left-behind = 这个学生已经是留守学生了。
census-already-not-left-behind = 这个学生已经不是留守学生了。
census-same-place = 和原来的打工地点一样，没有变化。
census-guardian-format = 请输入姓名和电话，中间空一格，例如：张三 13800138000
census-bad-phone = 电话号码不对，请再输一次，例如：张三 13800138000
census-guardian-same = 这个人已经是监护人了。请点掉“继续监护”的人，或者选别人。
census-type-text = 请打字输入，或者点下面的按钮。
census-unknown = 不知道
census-no-class = 未分班
census-no-head = 没有班主任
census-class-label = { $grade }年级{ $name }
census-separator = ；

# Messages the bot starts.
census-open-button = 📋 开始核对
census-start =
    📋 { $term } 调查摸底：请核对 { $class_label } 的 { $count } 名留守学生的情况（父母在哪里打工、监护人是谁）。
    每个学生点一下“情况无变化”或者“有变化”。
census-start-none =
    📋 { $term } 调查摸底：{ $class_label } 现在没有登记的留守学生。
    如果有学生的父母外出打工了，请点下面的按钮登记。
census-remind = ⏰ { $term } 调查摸底：{ $class_label } 还有 { $count } 名留守学生没有核对，请尽快核对。
census-transfer-notice = 🔀 班主任登记：{ $class_label } 的 { $name } 已转学（转到：{ $destination }）。请在“学籍变动”里办理转出。
census-download-button = 📥 下载变化表
census-report =
    📊 { $term } 调查摸底变化情况：
    新增留守：{ $became } 人
    不再留守：{ $stopped } 人
    监护人变化：{ $guardians } 人次
    父母打工地点变化：{ $places } 人次
    转学：{ $transfers } 人次
    还没核对：{ $unconfirmed } 人
census-report-filename = 调查摸底变化表 { $term }
census-report-caption = 📊 { $term } 调查摸底变化表

# The spreadsheet.
census-sheet-changes = 数据变化
census-sheet-unconfirmed = 未核对学生
census-col-kind = 变化类别
census-col-class = 班级
census-col-student = 学生姓名
census-col-student_number = 学籍号
census-col-before = 原来
census-col-after = 现在
census-col-date = 日期
census-col-by = 登记人
census-col-head_teacher = 班主任
census-kind-became-left-behind = 新增留守
census-kind-stopped-left-behind = 不再留守
census-kind-work-place = 打工地点变化
census-kind-guardian = 监护人变化
census-kind-transferred = 转学（班主任登记）
census-kind-status-in = 转入（学籍）
census-kind-status-out = 转出（学籍）
census-value-not-left-behind = 非留守
census-value-left-behind = 留守
census-value-away = { $parents }外出，在{ $place }
census-value-away-unknown = { $parents }外出打工
census-value-place = { $relation }：{ $place }
census-value-guardian = { $name }（{ $relation }）
census-value-transferred = 转到：{ $destination }

# The dialog.
census-button-menu = 🏠 回到菜单
census-button-back = ⬅️ 返回
census-button-list = 📋 回到名单
census-button-classes = 🏫 其他班级
census-button-other = ➕ 其他学生（登记为留守）
census-button-same = ✅ 情况无变化
census-button-changed = ✏️ 有变化
census-button-yes = ✅ 确认
census-button-save = 💾 保存
census-button-dont-know = 不知道
census-button-new-guardian = ➕ 新的监护人
census-pick-class = 调查摸底：选一个班。
census-no-classes = 没有可以核对的班级。
census-progress-title = 📋 { $term } 调查摸底进度：
census-progress-line = • { $class_label }（{ $head }）：已核对 { $confirmed }/{ $listed }，未核对留守 { $unconfirmed }
census-class-title = 📋 { $term } 调查摸底 · { $class_label }：已核对 { $confirmed }/{ $listed }。点学生的名字核对（⬜ 未核对，✅ 无变化，✏️ 有变化）。
census-class-empty = 这个班现在没有登记的留守学生。
census-student-button = { $mark } { $name }
census-others-title = 哪个学生现在是留守学生（父母外出打工）？
census-others-none = 没有其他学生。
census-card-title = 👤 { $name }（{ $term }）
census-card-left-behind = 留守学生
census-card-not-left-behind = 不是留守学生
census-card-parents = 外出打工的父母：
census-card-parent = · { $relation }：在{ $place }
census-card-none = · 没有
census-card-guardians = 监护人：
census-card-guardian = · { $relation } { $name }，电话 { $phone }
census-card-open = ⬜ 本学期还没核对。
census-card-unchanged = ✅ 本学期已核对：情况无变化。
census-card-changes = ✏️ 本学期已登记的变化：
census-card-change = · { $kind }：{ $before } → { $after }
census-toast-unchanged = ✅ { $name }：情况无变化
census-toast-already = { $name } 已经核对过了。
census-toast-saved = 已保存
census-saved-unchanged = ✅ 已保存：{ $name } 情况无变化。下一个：
census-saved-all-done = ✅ 已保存：{ $name } 情况无变化。全部核对完了，谢谢！
census-saved-change = ✏️ 已保存 { $name } 的变化。还有别的变化吗？
census-change-title = { $name } 有什么变化？
census-change-stopped = 🏠 不再是留守（父母回家了）
census-change-became = ✈️ 现在是留守（父母外出打工）
census-change-place = 🏭 父母打工地点变了
census-change-guardian = 👵 主要监护人换了
census-change-transfer = 🔀 已转学
census-left-off-confirm = 确认：{ $name } 不再是留守学生（外出的父母回家了）？
census-left-on-title = { $name } 谁外出打工了？
census-parents-father = 爸爸
census-parents-mother = 妈妈
census-parents-both = 爸爸和妈妈
census-left-on-place = 在哪里打工？请输入地点（例如：广东深圳），不知道就点“不知道”。
census-place-parent = 谁的打工地点变了？
census-place-text = { $relation }原来在：{ $old }。现在在哪里打工？请输入地点。
census-guardian-pick = { $name } 现在的主要监护人是谁？点名字，或者“新的监护人”。
census-guardian-choice = { $name }（{ $relation }）
census-guardian-choice-past = { $name }（{ $relation }，以前的监护人）
census-guardian-new = 请输入新监护人的姓名和电话，中间空一格，例如：张三 13800138000
census-guardian-relation = { $name } 是孩子的什么人？
census-guardian-confirm = { $student } 的主要监护人：{ $name }（{ $relation }）
census-guardian-toggle-hint = 原来的监护人（点一下可以改）：
census-guardian-ends = ❌ { $name }（{ $relation }）不再监护
census-guardian-stays = ✔️ { $name }（{ $relation }）继续监护
census-transfer-text = { $name } 转到哪个学校了？请输入学校名，不知道就点“不知道”。
