# 图表（/reports 里的“📈”按钮）
chart-name-attendance = 📈 出勤率（每周）
chart-name-completion = 📈 到家确认和每月联系（每周）
chart-name-dropout = 📈 辍学个案（按阶段）
chart-title-attendance = 本学期每周出勤率
chart-title-completion = 每周完成情况：到家确认、每月与家长联系
chart-title-dropout = 未结的辍学个案（按阶段）
chart-y-percent = 百分比 %
chart-line-returns = 放学后确认到家
chart-line-monthly = 留守学生本月已与家长联系
chart-legend-open = 未结
chart-legend-overdue = 同一阶段超过 { $days } 天
chart-empty = 本学期还没有数据。
chart-empty-dropout = 没有未结的辍学个案。
chart-caption = { $chart } — { $name }
chart-preparing = 正在画图，请稍等……
chart-failed = 图没有画出来，请稍后再试。
