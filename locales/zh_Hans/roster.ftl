## Roster (花名册): column headers. The importer accepts these and the English ones.
roster-col-grade = 年级
roster-col-class-name = 班级
roster-col-student-number = 学籍号
roster-col-name = 学生姓名
roster-col-gender = 性别
roster-col-birth-date = 出生日期
roster-col-home-address = 家庭住址
roster-col-left-behind = 留守儿童
roster-col-migrant = 随迁子女
roster-col-disabled = 残疾
roster-col-hardship = 家庭困难
roster-col-boarding = 住校
roster-col-head-teacher-name = 班主任姓名
roster-col-head-teacher-phone = 班主任电话
roster-col-guardian1-name = 监护人1姓名
roster-col-guardian1-relation = 监护人1关系
roster-col-guardian1-phone = 监护人1电话
roster-col-guardian1-proxy = 监护人1是否代理监护
roster-col-guardian2-name = 监护人2姓名
roster-col-guardian2-relation = 监护人2关系
roster-col-guardian2-phone = 监护人2电话
roster-col-guardian2-proxy = 监护人2是否代理监护
roster-col-father-away = 父亲外出务工
roster-col-father-name = 父亲姓名
roster-col-father-phone = 父亲电话
roster-col-father-work-place = 父亲务工地点
roster-col-mother-away = 母亲外出务工
roster-col-mother-name = 母亲姓名
roster-col-mother-phone = 母亲电话
roster-col-mother-work-place = 母亲务工地点

## Words accepted in cells, separated by commas. The first one is offered in the template's drop-down list.
roster-words-yes = 是, 有, 对, √, ✓, 1
roster-words-no = 否, 无, 没有, 不是, ×, 0
roster-words-male = 男, 男生, 男性
roster-words-female = 女, 女生, 女性
roster-words-grade = 年级, 年
roster-words-relation-grandfather = 爷爷, 外公, 祖父, 外祖父, 姥爷
roster-words-relation-grandmother = 奶奶, 外婆, 祖母, 外祖母, 姥姥
roster-words-relation-father = 父亲, 爸爸, 父
roster-words-relation-mother = 母亲, 妈妈, 母
roster-words-relation-uncle = 叔伯舅, 叔叔, 伯伯, 伯父, 舅舅, 姑父, 姨父
roster-words-relation-aunt = 姑姨婶, 姑姑, 阿姨, 姨妈, 婶婶, 伯母, 舅妈
roster-words-relation-sibling = 哥哥姐姐, 哥哥, 姐姐, 兄, 姐
roster-words-relation-other = 其他, 亲戚, 邻居

## What is wrong (used inside the row/column lines below).
roster-problem-too-large = 文件太大（最大 { $max_mb } MB）。
roster-problem-empty = 文件是空的。
roster-problem-old-excel = 这是旧版 Excel（.xls）文件。请在 Excel 或 WPS 里“另存为” .xlsx 格式后再发送。
roster-problem-not-spreadsheet = 这不是表格文件。请发送 .xlsx 或 .csv 文件（可以先下载模板）。
roster-problem-no-header = 没有找到表头。请使用花名册模板，第一行是列名（年级、班级、学籍号、学生姓名……）。
roster-problem-duplicate-column = 这一列出现了两次。
roster-problem-missing-columns = 缺少这些列：{ $columns }。请使用花名册模板。
roster-problem-no-rows = 表格里没有学生。请从第二行开始填写，每行一名学生。
roster-problem-too-many-rows = 行数太多：一次最多导入 { $max } 名学生，请分成几个文件。
roster-problem-required = 不能为空
roster-problem-required-if = 填写了“{ $other }”，这一列也要填写
roster-problem-same-phone-twice = 与监护人1的电话相同
roster-problem-phone-name-conflict = 这个电话在第{ $first_row }行对应的是另一个名字
roster-problem-head-teacher-conflict = 同一个班在第{ $first_row }行填写了不同的班主任
roster-problem-away-details-without-away = 填写了“{ $other }”，这一列请填“是”（父母不在外地时不用填写父母信息）
roster-problem-bad-phone = 号码无效
roster-problem-bad-date = 日期无效（请写成 2015-03-01 这样）
roster-problem-bad-gender = 请填“男”或“女”
roster-problem-bad-relation = 看不懂这个关系（可以填：爷爷、奶奶、外公、外婆、父亲、母亲、叔伯舅、姑姨婶、哥哥姐姐、其他）
roster-problem-bad-yes-no = 请填“是”或“否”
roster-problem-bad-grade = 年级要写 1 到 12 的数字
roster-problem-bad-student-number = 学籍号只能包含字母和数字
roster-problem-too-long = 太长了（最多 { $max } 个字）
roster-problem-duplicate-student-number = 学籍号与第{ $first_row }行重复
roster-problem-other-school = 这个学籍号已经登记在别的学校，不能导入。请核对学籍号，或联系教育局。

roster-error-cell = 第{ $row }行，“{ $column }”列：{ $problem }
roster-error-row = 第{ $row }行：{ $problem }
roster-error-column = “{ $column }”列：{ $problem }
roster-import-failed = 花名册没有导入，什么都没有改动。请改正以下 { $count } 处问题后重新发送：
roster-errors-more = ……还有 { $count } 处问题
roster-import-done = 导入完成：新增 { $created } 名学生，更新 { $updated } 名，未变 { $unchanged } 名；新建 { $classes } 个班级，新登记家长和老师 { $people } 人。
roster-import-guardians-replaced = 有 { $count } 位监护人被表中的新监护人替换（旧记录已保留）。
roster-import-not-in-file = 本校另有 { $count } 名在读学生不在这个表里，他们没有被删除。

## The template file.
roster-sheet-data = 花名册
roster-sheet-help = 说明
roster-template-pick = 请从下拉列表中选择。
roster-template-filename = 花名册模板.xlsx
roster-template-caption = 花名册模板：在“花名册”页每行填写一名学生，填好后把文件发回给我。“说明”页解释了每一列。
roster-help-intro =
    怎样填写花名册
    1. 在“花名册”页，从第二行开始，每行填写一名学生。不要改动第一行的列名。
    2. 带 * 的列必须填写：年级、班级、学籍号、学生姓名。其他列不知道可以空着。
    3. “是/否”的列填“是”或“否”，空着就当作“否”。
    4. 一个电话号码就是一个人：同一位家长有两个孩子时，两行写同一个电话即可。
    5. 填好后把文件发给机器人（也可以另存为 .csv）。一次最多 { $max } 名学生。
    6. 再次导入时按学籍号更新；表里没有的学生不会被删除。某一行监护人各列都空着时，这名学生的监护人保持不变。
    7. 表里有任何错误时，什么都不会导入，机器人会告诉您是哪一行哪一列。
roster-help-column = 列名
roster-help-meaning = 怎么填
roster-help-grade = 必填。数字 1–12，例如 3（三年级）。初一填 7，初二填 8，初三填 9。
roster-help-class-name = 必填。例如“1班”。同一年级同一班名就是同一个班。
roster-help-student-number = 必填。全国学籍号，只含字母和数字。它是每名学生的唯一编号，再次导入时按它更新。
roster-help-name = 必填。学生姓名。
roster-help-gender = 男 / 女。
roster-help-birth-date = 例如 2015-03-01。
roster-help-home-address = 家庭住址，可以写到村、组。
roster-help-left-behind = 是 / 否。父亲或母亲“外出务工”填“是”时，会自动算作留守儿童。
roster-help-migrant = 是 / 否：随父母进城的随迁子女。
roster-help-disabled = 是 / 否。
roster-help-hardship = 是 / 否：家庭经济困难。
roster-help-boarding = 是 / 否：住校生。
roster-help-head-teacher-name = 这个班的班主任姓名。同一个班每行写同一位班主任（也可以只在一行写）。
roster-help-head-teacher-phone = 班主任手机号。班主任以后用这个号码登录。
roster-help-guardian-name = 平时照看孩子的人（例如奶奶）。写了姓名就要写电话。
roster-help-guardian-relation = 与学生的关系：爷爷、奶奶、外公、外婆、父亲、母亲、叔伯舅、姑姨婶、哥哥姐姐、其他。
roster-help-guardian-phone = 监护人手机号。监护人在机器人里点“分享我的手机号”时，就是用这个号码找到孩子的。
roster-help-guardian-proxy = 是 / 否：父母外出期间委托的临时（代理）监护人。
roster-help-parent-away = 是 / 否：是否在外地务工。填“否”时，后面三列请空着。
roster-help-parent-name = 外出务工的父亲或母亲的姓名。
roster-help-parent-phone = 外出务工的父亲或母亲的手机号。
roster-help-parent-work-place = 在哪里务工，例如“广东东莞”。

## In the bot.
roster-upload-text =
    上传花名册
    请把填好的花名册文件（.xlsx 或 .csv）直接发给我。还没有模板的话，点下面的“下载模板”。
    表里有任何错误时，什么都不会导入，我会告诉您是哪一行哪一列。
roster-button-template = 下载模板
roster-button-back = 返回
roster-download-failed = 没能收到这个文件，请再发送一次。

## Command line.
roster-cli-help = 花名册：下载空白模板，或导入填好的花名册
roster-cli-template-help = 保存空白的花名册模板（.xlsx）
roster-cli-import-help = 导入填好的花名册（.xlsx 或 .csv），全部正确才会导入
roster-cli-file-help = 文件路径
roster-cli-school-help = 学校名称（没有时会新建）
roster-cli-county-help = 县名（不写时用已有的县）
roster-cli-language-help = 模板和提示的语言：zh_Hans 或 en
roster-cli-template-written = 模板已保存：{ $path }
roster-cli-file-not-found = 找不到文件：{ $path }
roster-cli-no-county = 还没有任何县。请用 --county "县名" 指定学校所在的县。
roster-cli-several-schools = 有几所学校都叫“{ $school }”。请用 --county "县名" 指定是哪个县的。
