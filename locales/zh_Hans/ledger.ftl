# 学生台帐：在聊天里查看学生档案，导出表格。
command-student = 学生档案
ledger-menu-button = 📒 学生档案
ledger-only-staff = 只有老师、学校管理员和教育局可以查看学生档案。
ledger-not-allowed = 您不能查看这名学生的档案。

## 找学生

ledger-find = 📒 查谁的档案？输入名字里的字，或选一个班。
ledger-find-bureau = 📒 输入名字里的字，或选本县正在跟进的学生（未结的辍学个案、突发事件）。
ledger-search-none = 您能查看的学生里，没有名字含“{ $text }”的。
ledger-search-results = 名字含“{ $text }”的学生：
ledger-type-name = 请输入名字里的字（文字），或点按钮。
ledger-class-students = { $class_label }：点名字。
ledger-class-empty = 这里没有您能查看的学生。
ledger-no-classes = 没有可显示的班级。
ledger-button-export = 📥 台帐表格
ledger-button-menu = ⬅️ 菜单
ledger-button-back = ⬅️ 返回
ledger-button-newer = ◀️ 较新
ledger-button-older = 较早 ▶️
ledger-button-list = ⬅️ 名单
ledger-result = { $name } · { $class_label }

## 档案

ledger-class-label = { $grade }年级{ $class_name }
ledger-no-class = 暂未分班
ledger-card-title = 📒 { $name }（{ $school } { $class_label }）
ledger-card-basics = { $gender } · 出生 { $birth } · 学籍号 { $number } · { $status }
ledger-card-categories = 类别：{ $categories }
ledger-card-parents = 外出务工的父母：
ledger-card-no-parents = · 未登记
ledger-parent-line = · { $relation } { $name }，在{ $place }务工，电话 { $phone }
ledger-card-guardians = 监护人：
ledger-card-no-guardian = · ⚠️ 未登记监护人
ledger-guardian-line = · { $relation } { $name }，电话 { $phone }
ledger-guardian-line-proxy = · { $relation } { $name }（代理监护人），电话 { $phone }
ledger-card-mentor = 帮扶教师：{ $mentors }
ledger-phone-hidden = （不显示）
ledger-unknown = 不详
ledger-none = —
ledger-list-separator = ；
ledger-gender-male = 男
ledger-gender-female = 女
ledger-category-left_behind = 留守
ledger-category-migrant = 进城务工人员子女
ledger-category-disabled = 残疾
ledger-category-hardship = 家庭困难
ledger-category-boarding = 寄宿
ledger-relation-father = 父亲
ledger-relation-mother = 母亲
ledger-relation-grandfather = 爷爷
ledger-relation-grandmother = 奶奶
ledger-relation-uncle = 叔叔
ledger-relation-aunt = 阿姨
ledger-relation-sibling = 哥哥姐姐
ledger-relation-other = 监护人

## 记录

ledger-timeline-title = 记录（最新在前，第 { $page }/{ $pages } 页）：
ledger-timeline-empty = 记录：暂无。
ledger-entry-line = { $date } { $text }
ledger-entry-attendance = 📅 { $month }：缺勤 { $absent } 天（{ $detail }），迟到 { $late } 次
ledger-reason-count = { $reason } { $count }
ledger-reason-unknown = 原因不明
ledger-reason-sick = 病假
ledger-reason-personal = 事假
ledger-reason-family = 家里有事
ledger-reason-late = 迟到
ledger-entry-dropout-opened = 🚸 建立辍学个案
ledger-entry-dropout-stage = 🚸 辍学个案：{ $stage }
ledger-entry-dropout-visit = 🚶 走访动员（{ $visitors }）：{ $result }
ledger-entry-dropout-returned = 🏫 学生返校，个案结束
ledger-entry-dropout-closed = 📁 辍学个案结案：{ $outcome }
ledger-entry-dropout-note = 🚸 辍学个案备注：{ $note }
ledger-entry-status-transfer_in = 🔀 从{ $other }转入{ $school }
ledger-entry-status-transfer_out = 🔀 从{ $school }转出到{ $other }
ledger-entry-status-suspension = ⏸️ 休学：{ $reason }
ledger-entry-status-resumption = ▶️ 复学
ledger-entry-status-graduation = 🎓 从{ $school }毕业
ledger-entry-status-other = 学籍变为：{ $status }
ledger-entry-file-pending = 📂 档案资料尚未转到
ledger-entry-guardian-start = 👵 监护人：{ $relation } { $name }
ledger-entry-guardian-end = 👵 不再是监护人：{ $relation } { $name }

## 表格

ledger-exports-title = 导出哪一份台帐？
ledger-export-none = 您没有可导出的班级或学校。
ledger-export-caption = 📥 留守学生台帐：{ $label }
ledger-export-filename = 留守学生台帐-{ $label }
ledger-export-school = { $school }（全校）
ledger-export-class = { $school } { $class_label }
ledger-sheet-title = 留守学生台帐
ledger-col-name = 姓名
ledger-col-gender = 性别
ledger-col-birth_date = 出生日期
ledger-col-class = 班级
ledger-col-student_number = 学籍号
ledger-col-away_parents = 外出父母（关系、务工地点、电话）
ledger-col-guardians = 监护人（关系、姓名、电话）
ledger-col-absent_term = 本学期缺勤天数
ledger-col-dropout_risk = 辍学风险
ledger-col-mentor = 帮扶教师
ledger-col-visits = 本学期家访次数
ledger-col-last_visit = 最近家访
ledger-col-contacts = 本学期联系家长次数
ledger-col-last_contact = 最近联系
ledger-export-parent = { $relation } { $name }，{ $place }，{ $phone }
ledger-export-guardian = { $relation } { $name }，{ $phone }
ledger-export-no-guardian = ⚠️ 无
ledger-export-no-mentor = ⚠️ 无

## 命令行

cli-ledger-help = 留守学生台帐
cli-ledger-export-help = 把一所学校或一个班的台帐写成表格
cli-ledger-school-help = 学校名称
cli-ledger-county-help = 县名（有同名学校时）
cli-ledger-class-help = 一个班，如 "3-1班"（年级-班）；不写则全校
cli-ledger-out-help = 写到哪个 .xlsx 文件
cli-ledger-language-help = 表头的语言
cli-ledger-no-school = 没有叫“{ $school }”的学校。
cli-ledger-several-schools = 有几所学校都叫“{ $school }”，请加 --county。
cli-ledger-no-class = 这所学校没有“{ $class_name }”这个班（写成 年级-班，如 3-1班）。
cli-ledger-written = 台帐已写到 { $path }（{ $count } 名学生）。
