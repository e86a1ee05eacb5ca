# 控辍保学：个案从疑似辍学到返校或结案；流失学生登记表。
command-dropout = 控辍保学个案
dropout-menu-button = 🚸 控辍保学
dropout-only-staff = 只有班主任、学校管理员和教育局可以查看控辍保学个案。

## 阶段、发现方式、结果

dropout-stage-suspected = 疑似辍学
dropout-stage-confirmed = 已认定辍学
dropout-stage-reported = 已报告
dropout-stage-persuading = 走访动员中
dropout-stage-enforcing = 依法强制
dropout-stage-returned = 已返校
dropout-stage-closed = 已结案
dropout-trigger-consecutive = 连续无故缺勤
dropout-trigger-term_ratio = 本学期缺勤过多
dropout-trigger-manual = 老师登记
dropout-outcome-returned = 已返校
dropout-outcome-transferred = 转学
dropout-outcome-moved_away = 随家迁走
dropout-outcome-other = 其他原因
dropout-state-returned = 已返校（{ $date }）
dropout-state-closed = 已结案：{ $outcome }（{ $date }）
dropout-next-suspected = 核实情况，认定是否辍学
dropout-next-confirmed = 填写学校报告（原因、家长、地址、去向）
dropout-next-reported = 上门走访，动员返校
dropout-next-persuading = 继续走访；仍不返校就依法强制
dropout-next-enforcing = 跟进依法措施，直到学生返校

## 称呼（预填家长时用）

dropout-relation-father = 父亲
dropout-relation-mother = 母亲
dropout-relation-grandfather = 爷爷
dropout-relation-grandmother = 奶奶
dropout-relation-uncle = 叔叔
dropout-relation-aunt = 阿姨
dropout-relation-sibling = 哥哥姐姐
dropout-relation-other = 监护人
dropout-works-in = 在{ $place }
dropout-list-separator = ；

## 列表和个案

dropout-list-title = 🚸 控辍保学：未结个案 { $count } 个。点一个查看。
dropout-list-empty = 🚸 控辍保学：现在没有未结的个案。
dropout-list-item = { $name } · { $class_label } · { $stage }
dropout-card-title = 🚸 { $name }（{ $school } { $class_label }）
dropout-card-stage = 现在：{ $stage }，从 { $since } 起（{ $days } 天）
dropout-card-trigger = 发现：{ $trigger }，{ $opened }
dropout-card-report =
    流失原因：{ $reason }
    家长：{ $parents }
    家庭地址：{ $address }
    去向：{ $whereabouts }
dropout-unknown = 未填
dropout-card-history = 经过：
dropout-card-more = ……前面还有 { $count } 条记录
dropout-card-read-only = （只能查看）
dropout-event-opened = { $date } 建立个案（{ $by }）
dropout-event-stage = { $date } { $stage }（{ $by }）
dropout-event-visit = { $date } 走访（{ $by }）：{ $visitors }。谈话：{ $said }。结果：{ $result }
dropout-event-returned = { $date } 学生返校（{ $by }）
dropout-event-closed = { $date } 结案：{ $outcome }（{ $by }）
dropout-event-note = 　说明：{ $note }
dropout-by-system = 系统自动

## 按钮

dropout-button-new = ➕ 新建个案
dropout-button-registers = 📊 登记表
dropout-button-menu = ⬅️ 返回菜单
dropout-button-list = ⬅️ 返回个案列表
dropout-button-confirm = ✅ 认定辍学
dropout-button-report = 📝 学校报告
dropout-button-visit = 🚶 记录走访
dropout-button-enforce = ⚖️ 依法强制
dropout-button-returned = 🏫 学生已返校
dropout-button-close = 📁 结案
dropout-button-keep = ✔️ 就用这个
dropout-button-skip = 跳过
dropout-button-save = ✅ 保存
dropout-button-cancel = 取消
dropout-button-this-month = 📊 本月（{ $this_month }）
dropout-button-last-month = 📊 上月（{ $last_month }）

## 填写

dropout-ask-open-note = 为什么给这个学生建立个案？写一句情况，或点“跳过”。
dropout-ask-confirm-note = 认定辍学：写一句情况（例如：已一周没来，电话联系不上家长），或点“跳过”。
dropout-ask-report-reason = 学校报告 1/4：流失原因是什么？（例如：厌学、外出打工、家庭困难）
dropout-ask-report-parents = 学校报告 2/4：家长是谁，怎么联系？
dropout-ask-report-address = 学校报告 3/4：家庭地址？
dropout-ask-report-whereabouts = 学校报告 4/4：学生现在在哪里、在做什么？（去向）
dropout-ask-visit-visitors = 走访：谁去了？
dropout-ask-visit-said = 走访：跟家长和学生说了什么？
dropout-ask-visit-result = 走访：结果怎么样？
dropout-ask-enforce-note = 依法强制：采取了什么措施？（例如：报告镇政府，责令家长限期送子女入学）
dropout-ask-close-note = 结案：写一句说明（转到哪所学校、搬到哪里），或点“跳过”。
dropout-ask-close-note-other = 结案：请写明原因。
dropout-prefill = 已有：{ $prefill }
dropout-choose-outcome = 为什么结案？
dropout-type-text = 请直接输入文字。
dropout-text-empty = 内容是空的，请输入文字。
dropout-text-too-long = 太长了：{ $length } 个字，最多 { $max } 个字。

## 保存

dropout-step-open = 新建个案：{ $name }
dropout-step-confirm = 认定辍学：{ $name }
dropout-step-report = 学校报告：{ $name }
dropout-step-visit = 走访动员：{ $name }
dropout-step-enforce = 依法强制：{ $name }
dropout-step-returned = 学生已返校：{ $name }
dropout-step-close = 结案：{ $name }
dropout-summary-line = { $field }：{ $value }
dropout-field-outcome = 结案原因
dropout-field-open-note = 情况
dropout-field-confirm-note = 情况
dropout-field-report-reason = 流失原因
dropout-field-report-parents = 家长
dropout-field-report-address = 家庭地址
dropout-field-report-whereabouts = 去向
dropout-field-visit-visitors = 走访人
dropout-field-visit-said = 谈话内容
dropout-field-visit-result = 结果
dropout-field-enforce-note = 措施
dropout-field-close-note = 说明
dropout-save-date-today = 日期：{ $date }（今天）。不是今天的话，请输入日期，如 { $example }。没问题就点“保存”。
dropout-save-date = 日期：{ $date }。要改日期，请输入如 { $example }。没问题就点“保存”。
dropout-bad-date = 日期请这样写：{ $example }
dropout-date-future = 日期不能晚于今天。
dropout-date-before-open = 日期不能早于建立个案的那天（{ $opened }）。
dropout-saved = 已保存。
dropout-nothing-to-save = 这一步已经保存过了。

## 新建个案

dropout-pick-class = 给哪个班的学生建立个案？
dropout-pick-student = 选择学生（{ $class_label }）：
dropout-no-students = 这个班没有可以建立个案的学生（已有个案的学生不再列出）。
dropout-no-classes = 您没有可以建立个案的班级。

## 不能做的事

dropout-not-allowed = 您不能查看或处理这个个案。
dropout-case-ended = 这个个案已经结束了。
dropout-stage-changed = 个案已经有了新进展，请看最新情况。
dropout-illegal-step = 这一步现在不能做：个案在“{ $stage }”阶段，不能直接到“{ $to_stage }”。
dropout-already-open = 这个学生已经有一个未结的个案了。
dropout-student-not-enrolled = 这个学生已不在校，不能建立个案。
dropout-bad-outcome = 请点一个结案原因。

## 提醒（发给班主任和学校管理员）

dropout-notice-consecutive = ⚠️ 疑似辍学：{ $name }（{ $school } { $class_label }）连续 { $days } 个上学日无故缺勤（{ $dates }）。已建立控辍保学个案，请尽快联系家长、上门核实。
dropout-notice-term-ratio = ⚠️ 疑似辍学：{ $name }（{ $school } { $class_label }）本学期已缺勤 { $absent } 天（本学期共 { $total } 个上学日）。已建立控辍保学个案，请尽快联系家长、上门核实。
dropout-notice-manual = ⚠️ { $opener } 为 { $name }（{ $school } { $class_label }）建立了控辍保学个案。
dropout-notice-overdue = ⏰ 控辍保学个案：{ $name }（{ $school } { $class_label }）从 { $since } 起一直在“{ $stage }”阶段，已经 { $days } 天了。下一步：{ $next }。
dropout-notice-button = 查看个案

## 登记表

dropout-registers-title = 📊 登记表：选择月份。一个表格里有三页：疑似辍学名单、流失学生登记表、月报。
dropout-register-caption = { $school } 控辍保学登记表（{ $month }）
dropout-register-filename = 控辍保学登记表-{ $school }-{ $month }.xlsx
dropout-sheet-suspected = 疑似辍学名单
dropout-sheet-register = 流失学生登记表
dropout-sheet-summary = 月报
dropout-reg-title-suspected = { $school } 疑似辍学学生名单（{ $month }）
dropout-reg-title-register = { $school } 流失学生登记表（{ $month }）
dropout-reg-title-summary = { $school } 控辍保学月报（{ $month }）
dropout-col-no = 序号
dropout-col-name = 姓名
dropout-col-class = 班级
dropout-col-trigger = 发现方式
dropout-col-opened = 发现日期
dropout-col-stage = 当前情况
dropout-col-reason = 流失原因
dropout-col-parents = 家长
dropout-col-address = 家庭地址
dropout-col-whereabouts = 去向
dropout-col-actions = 采取措施
dropout-col-confirmed = 认定日期
dropout-col-reported = 报告日期
dropout-col-grade = 年级
dropout-col-count-opened = 新增疑似
dropout-col-count-confirmed = 认定辍学
dropout-col-count-returned = 返校
dropout-col-count-closed = 结案
dropout-col-count-open = 月末未结
dropout-grade = { $grade }年级
dropout-no-grade = 未分班
dropout-total = 合计
dropout-reg-visit = { $date } 走访（{ $visitors }）：{ $said }；结果：{ $result }
dropout-reg-enforce = { $date } 依法强制：{ $note }

## 命令行

cli-dropout-help = 控辍保学登记表
cli-dropout-register-help = 导出一所学校某个月的控辍保学登记表（疑似辍学名单、流失学生登记表、月报）
cli-dropout-school-help = 学校名称
cli-dropout-county-help = 县名（有同名学校时需要）
cli-dropout-month-help = 月份，如 2026-11（默认本月）
cli-dropout-out-help = 保存到哪个文件（.xlsx）
cli-dropout-language-help = 表格的语言
cli-dropout-bad-month = 月份“{ $month }”看不懂，请写成 2026-11 这样。
cli-dropout-no-school = 没有找到学校“{ $school }”。
cli-dropout-several-schools = 有几所学校都叫“{ $school }”，请加上 --county 县名。
cli-dropout-written = 登记表（{ $month }）已保存到 { $path }
