# 校历：管理员设置学期、放假和调休上课日。
command-calendar = 校历（学期、放假）
calendar-menu-button = 📅 校历（学期、放假）
calendar-not-allowed = 只有学校管理员可以设置校历。
calendar-choose-school = 设置哪个学校的校历？
calendar-close = 关闭
calendar-main =
    📅 { $school } 校历
    学期：
    { $terms }
    放假和调休（今天以后）：
    { $days }
    { $today }
    { $note }
calendar-term-line = • { $name }：{ $start } 至 { $end }
calendar-no-terms = （还没有设置学期，现在按周一到周五上课算。请添加本学期。）
calendar-day-line-holiday = • 放假 { $start }{ $end } { $note }
calendar-day-line-school = • 调休上课 { $start }{ $end } { $note }
calendar-no-days = （没有）
calendar-today-school = 今天（{ $date }）是上课日。
calendar-today-no-school = 今天（{ $date }）不上课。
calendar-add-term = ➕ 添加学期
calendar-add-holiday = 🏖 添加放假日
calendar-add-makeup = 🔁 添加调休上课日
calendar-clear-days = ↩️ 取消设置
calendar-term-prompt =
    请发一行：学期名称 开始日期 结束日期
    例如：2026秋季学期 2026-09-01 2027-01-20
    开始日期相同的学期会被替换。
calendar-holiday-prompt =
    请发一行：放假日期（一天或开始和结束两个日期）和说明
    例如：2026-10-01 2026-10-07 国庆节
calendar-makeup-prompt =
    请发一行：要上课的周末日期和说明
    例如：2026-10-10 调休
calendar-clear-prompt =
    要取消某几天的放假或调休，请发日期（一天或开始和结束两个日期），例如：2026-10-03
    要删除一个学期，请点下面的按钮。
calendar-remove-term = 🗑 删除学期：{ $name }
calendar-text-only = 请直接输入文字，例如：2026-10-01 国庆节
calendar-bad-date = 没有这一天：{ $text }。请检查日期。
calendar-term-format = 没看懂。请写两个日期，例如：2026秋季学期 2026-09-01 2027-01-20
calendar-days-format = 没看懂。请写一个或两个日期，例如：2026-10-01 2026-10-07 国庆节
calendar-end-before-start = 结束日期在开始日期前面了，请检查。
calendar-term-too-long = 一个学期最多 { $days } 天，请检查日期。
calendar-range-too-long = 一次最多设置 { $days } 天，请分几次设置。
calendar-term-overlap = 和已有的学期“{ $name }”（{ $start } 至 { $end }）重叠了。请先删除它，或改日期。
calendar-term-saved = ✅ 已保存学期：{ $name }，{ $start } 至 { $end }。
calendar-term-removed = ✅ 已删除学期：{ $name }。
calendar-holiday-saved = ✅ 已设置放假 { $count } 天：{ $start }{ $end }。
calendar-makeup-saved = ✅ 已设置调休上课 { $count } 天：{ $start }{ $end }。
calendar-cleared = ✅ 已取消 { $count } 天的设置，这几天按平常（周一到周五上课）算。

## 放学时间（到了放学时间，监护人会被问孩子到家没有）
calendar-release-button = ⏰ 放学时间
calendar-release-main =
    ⏰ { $school } 放学时间
    周末放学（周五等）：{ $weekend }
    节假日放学（放假前一天）：{ $holiday }
    到了放学时间，会问监护人孩子到家没有。
    { $note }
calendar-release-default-mark = { $time }（默认）
calendar-release-change = ✏️ 改{ $kind }时间
calendar-release-kind-weekend = 周末放学
calendar-release-kind-holiday = 节假日放学
calendar-release-prompt =
    请发新的{ $kind }时间，例如：16:30
    也可以写 16点30 或 1630。
    现在是：{ $current }
calendar-release-reset = ↩️ 恢复默认（{ $default }）
calendar-release-saved = ✅ { $kind }时间改为 { $time }。
calendar-release-reset-done = ✅ { $kind }时间恢复默认：{ $time }。
calendar-release-bad-time = 没看懂这个时间。请写成 16:30 这样（也可以写 16点30 或 1630）。
calendar-release-out-of-range = 放学时间要在 { $earliest } 到 { $latest } 之间，请检查。
calendar-release-text-only = 请直接输入时间，例如：16:30

## 用表格设置校历
calendar-sheet-button = 📊 用表格导入
calendar-sheet-main =
    📊 { $school } 校历表格
    1、点“下载校历表格”，得到现在的校历。
    2、在 Excel 或 WPS 里修改后保存。
    3、把文件发到这里。
    整个文件检查没有问题才会导入；有错误就什么都不改，并告诉您哪一行哪一列要改。
calendar-sheet-download = 📥 下载校历表格
calendar-sheet-filename = { $school }校历.xlsx
calendar-sheet-caption = 这是现在的校历。修改后把文件发回来就可以导入。
calendar-sheet-download-failed = 文件没有收到，请再发一次。
calendar-sheet-send-file = 请发送校历表格文件（.xlsx），或点下面的按钮。
calendar-sheet-terms = 学期
calendar-sheet-days = 放假和调休
calendar-sheet-release = 放学时间
calendar-sheet-help = 填写说明
calendar-sheet-help-text =
    怎样填写这张校历表格
    “学期”表：每行一个学期，写学期名称、开始日期、结束日期。学期之间不能重叠。
    “放假和调休”表：每行一天。“是否上课”写“否”是放假，写“是”是调休上课（周末补课）。说明可以写国庆节、调休等。
    没写在表里的日子，周一到周五上课，周六周日休息。
    “放学时间”表：周末放学和节假日放学的时间，例如 16:30。空着就用默认时间。
    日期写成 2026-10-01 这样。
    表格里有的内容会整个替换现在的校历：删掉一行，就删掉那个学期或那一天的设置。
    删掉整张表，这一部分就不改。
    有任何错误，整个文件都不会导入，什么都不改。
calendar-col-term-name = 学期名称
calendar-col-first-day = 开始日期
calendar-col-last-day = 结束日期
calendar-col-date = 日期
calendar-col-school-day = 是否上课
calendar-col-note = 说明
calendar-col-release-kind = 放学类型
calendar-col-release-time = 时间
calendar-col-release-default = 默认时间
calendar-sheet-yes = 是
calendar-sheet-no = 否
calendar-sheet-words-school = 上课, 调休上课, 补课
calendar-sheet-words-off = 放假, 休息, 不上课
calendar-sheet-words-weekend = 周末, 周五放学
calendar-sheet-words-holiday = 节假日, 放假前
calendar-sheet-problem-too-large = 文件太大（最大 { $max_mb } MB）。
calendar-sheet-problem-empty = 文件是空的。
calendar-sheet-problem-old-excel = 这是旧版 Excel（.xls）文件。请在 Excel 或 WPS 里“另存为” .xlsx 格式后再发送。
calendar-sheet-problem-not-spreadsheet = 这不是 .xlsx 表格文件。请先点“下载校历表格”，修改后再发回来。
calendar-sheet-problem-no-header = 没有找到“学期”“放假和调休”“放学时间”这几张表的表头。请用下载的校历表格修改。
calendar-sheet-problem-duplicate-sheet = 和“{ $other }”表是同一种表，只能留一张。
calendar-sheet-problem-missing-columns = 缺少这几列：{ $columns }
calendar-sheet-problem-duplicate-column = 这一列出现了两次
calendar-sheet-problem-too-many-rows = 行数太多（最多 { $max } 行）。
calendar-sheet-problem-required = 必须填写
calendar-sheet-problem-bad-date = 日期无效（请写成 2026-10-01 这样）
calendar-sheet-problem-too-long = 太长了（最多 { $max } 个字）
calendar-sheet-problem-end-before-start = 结束日期在开始日期前面了
calendar-sheet-problem-term-too-long = 一个学期最多 { $days } 天
calendar-sheet-problem-term-overlap = 和第{ $other }行的学期“{ $name }”重叠了
calendar-sheet-problem-bad-school-day = 请写“是”（上课）或“否”（放假）
calendar-sheet-problem-duplicate-date = 这一天在第{ $other }行已经写过了
calendar-sheet-problem-bad-time = 时间无效（请写成 16:30 这样）
calendar-sheet-problem-time-out-of-range = 放学时间要在 { $earliest } 到 { $latest } 之间
calendar-sheet-problem-bad-release-kind = 请写“周末放学”或“节假日放学”
calendar-sheet-problem-duplicate-kind = 第{ $other }行已经写过了
calendar-sheet-error-cell = “{ $sheet }”表第{ $row }行，“{ $column }”列：{ $problem }
calendar-sheet-error-sheet = “{ $sheet }”表：{ $problem }
calendar-sheet-failed = 校历表格没有导入，什么都没有改动。请改正以下 { $count } 处问题后重新发送：
calendar-sheet-more = ……还有 { $count } 处问题
calendar-sheet-unchanged = ✅ 表格和现在的校历一样，什么都没有改。
calendar-sheet-done = ✅ 校历表格已导入。
calendar-sheet-done-terms = 学期：新增 { $added } 个，修改 { $changed } 个，删除 { $removed } 个。
calendar-sheet-done-days = 放假和调休：新增 { $added } 天，修改 { $changed } 天，删除 { $removed } 天。
calendar-sheet-done-release = 放学时间：改了 { $changed } 项。

## 命令行：python -m bot calendar export|import
calendar-cli-export-help = 把学校的校历导出为表格（.xlsx）
calendar-cli-import-help = 从表格（.xlsx）导入学校的校历，全部检查通过才导入
calendar-cli-file-help = 表格文件路径
calendar-cli-language-help = 表格的语言：zh_Hans 或 en
calendar-cli-exported = { $school }的校历已保存到 { $file }
calendar-cli-no-file = 找不到文件：{ $file }
