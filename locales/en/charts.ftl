# Charts (the "📈" buttons in /reports)
chart-name-attendance = 📈 Attendance rate (weekly)
chart-name-completion = 📈 Home confirmations and monthly contacts (weekly)
chart-name-dropout = 📈 Dropout cases (by stage)
chart-title-attendance = Attendance rate per week this term
chart-title-completion = Done per week: confirmed home, monthly contact with parents
chart-title-dropout = Open dropout cases by stage
chart-y-percent = Percent %
chart-line-returns = Confirmed home after release
chart-line-monthly = Left-behind: parents contacted this month
chart-legend-open = Open
chart-legend-overdue = In one stage over { $days } days
chart-empty = No data for this term yet.
chart-empty-dropout = No open dropout cases.
chart-caption = { $chart } — { $name }
chart-preparing = Drawing the chart, one moment…
chart-failed = The chart could not be drawn. Please try again later.
