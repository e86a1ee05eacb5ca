# 邀请链接：错误次数太多
invite-throttled = 无效的邀请链接试得太多了。请在 { $time } 以后再试，或向学校要一个新的链接。

# python -m bot audit
cli-audit-help = 谁查看或修改了哪个学生的档案（只有编号）
cli-audit-none = 没有记录。
cli-audit-need-scope = 请给出 --student 编号 或 --school 编号。
cli-audit-not-allowed = 人员 { $person } 无权查看这份记录（学校管理员看本校，教育局看本县）。
cli-audit-no-person = 没有编号为 { $person } 的人员。
cli-audit-bad-date = 日期不对：{ $value }（格式 YYYY-MM-DD）。
cli-audit-header = 时间（UTC） | 操作人 | 动作 | 内容 | 学生 | 学校 | 班级 | 人数
cli-audit-written = 已写入：{ $file }（{ $count } 行）
audit-sheet-title = 访问记录
audit-col-at = 时间（UTC）
audit-col-actor = 操作人（人员编号）
audit-col-action = 动作
audit-col-what = 内容
audit-col-student = 学生编号
audit-col-school = 学校编号
audit-col-class = 班级编号
audit-col-county = 县编号
audit-col-count = 涉及学生数

# 机器人里的 /audit
command-audit = 谁查看或修改了学生档案
audit-bot-not-allowed = 访问记录只给学校管理员（本校）和教育局（本县）查看。
audit-bot-empty = 最近 { $days } 天没有人查看、修改或导出学生档案。
audit-bot-caption = 最近 { $days } 天的访问记录：共 { $count } 条（人员和学生只写编号）。
