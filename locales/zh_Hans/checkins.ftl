# 不定期向监护人了解 … 学习、生活情况: the holiday check-in (services/checkins.py)
command-checkin = 假期回访：问问家长孩子的假期

checkin-class-label = { $grade }年级{ $name }
checkin-separator = ；

## the guardian's question card
checkin-card-title = 📋 假期回访 · { $school } { $class_label }
checkin-card-intro = 老师想知道{ $child }假期过得怎么样。每题点一下就好。
checkin-card-reminder = ⏰ 还差几题：{ $child }假期过得怎么样？每题点一下就好。
checkin-card-answered = ✓ { $question }：{ $answer }
checkin-card-question = （{ $number }/{ $total }）{ $question }
checkin-card-done = ✅ 谢谢！{ $child }的情况已经交给老师了。
checkin-q-study = { $child }在家做作业吗？
checkin-q-health = { $child }身体和安全怎么样？
checkin-q-company = { $child }现在和谁在一起？
checkin-q-note = 还有什么想告诉老师的吗？可以直接打字发给我。
checkin-short-study = 学习
checkin-short-health = 身体安全
checkin-short-company = 和谁在一起
checkin-short-note = 想说的话
checkin-choice-study-daily = 每天做作业
checkin-choice-study-sometimes = 有时做
checkin-choice-study-rarely = 很少做
checkin-choice-health-well = 很好
checkin-choice-health-ill = 生病了
checkin-choice-health-injured = 受伤了
checkin-choice-health-other = 其他
checkin-choice-company-grandparents = 爷爷奶奶/外公外婆
checkin-choice-company-parents = 父母回来了
checkin-choice-company-relatives = 其他亲戚
checkin-choice-company-alone = 独自一人
checkin-choice-note-nothing = 没有了
checkin-choice-note-call = 📞 需要老师联系我
checkin-button-write = ✏️ 我想写几句话
checkin-stale = 这次假期回访已经结束了，不用再回答。谢谢！

## the guardian's taps and typing
checkin-toast-thanks = 谢谢，收到了！
checkin-not-yours = 这不是您孩子的问题。
checkin-invalid = 这个按钮不对。请点最新消息里的按钮。
checkin-already = 已经回答过了：{ $question }：{ $answer }（{ $name }）。
checkin-write-prompt = 好的，请直接打字发给我想告诉老师的话（{ $child }）。
checkin-tap-hint = 请点下面的按钮回答，点一下就好。
checkin-note-too-long = 太长了（最多 { $max } 个字），请短一点再发。

## the head teacher's follow-up message
checkin-follow-up = ⚠️ 假期回访：{ $class_label } 有 { $count } 个孩子需要老师联系：
    { $lines }
checkin-follow-up-line = • { $child }：{ $reasons }。{ $contacts }
checkin-guardian-phone = { $name }（{ $relation }）{ $phone }
checkin-no-phone = 没有电话
checkin-no-guardian = 没有登记监护人
checkin-relation-grandfather = 爷爷
checkin-relation-grandmother = 奶奶
checkin-relation-father = 爸爸
checkin-relation-mother = 妈妈
checkin-relation-uncle = 叔叔/舅舅
checkin-relation-aunt = 阿姨/姑姑
checkin-relation-sibling = 哥哥姐姐
checkin-relation-other = 监护人

## the teachers' views
checkin-only-staff = 只有班主任、任课老师和学校管理员可以使用假期回访。
checkin-home-title = 📋 假期回访：点一个班看家长的回答。
checkin-home-empty = 还没有假期回访。
checkin-summary = { $class_label } · { $month }月{ $day }日 · 已答 { $finished }/{ $total }
checkin-button-start = ➕ 发起假期回访
checkin-choose-class = 给哪个班的家长发假期回访？
checkin-no-class = 您没有可以发起假期回访的班级。
checkin-confirm = 给 { $class_label } 的 { $count } 位家长发假期回访（{ $children } 个孩子，每个孩子 4 个问题）吗？
checkin-confirm-not-joined = 还有 { $not_joined } 位家长没有加入机器人，收不到，请电话联系。
checkin-nobody = 这个班还没有家长加入机器人，发不出去。
checkin-not-allowed = 您不能给这个班发假期回访。
checkin-already-open = 这个班 { $month }月{ $day }日的假期回访还在进行中，不能再发一次。
checkin-send = ✅ 发送
checkin-cancel = 取消
checkin-cancelled = 已取消，没有发送任何消息。
checkin-started = 已开始发送：{ $count } 份问题会发给家长。回答会显示在这里和学生档案里。
checkin-button-results = 📊 看回答
checkin-back = ⬅️ 返回
checkin-menu = 🏠 菜单
checkin-menu-button = 📋 假期回访
checkin-results-title = { $class_label } 假期回访（{ $month }月{ $day }日）：已答完 { $finished }/{ $total }
checkin-results-line = • { $child }：{ $status }
checkin-status-done = ✅ 已答完
checkin-status-partial = ⏳ 答了 { $answered }/{ $total }
checkin-status-none = ❔ 还没回答
checkin-status-unreachable = 📵 家长没加入机器人
checkin-status-follow-up = { $status } ⚠️ 需要联系
checkin-child-title = { $child }：{ $status }
checkin-not-answered = —
checkin-child-by = 回答人：{ $names }
checkin-results-none = 找不到这次回访，或者您不能查看这个班。

## the student's ledger and the spreadsheet
checkin-ledger-answer = { $question }：{ $answer }
ledger-entry-checkin = 📋 假期回访（{ $by }）：{ $answers }
ledger-entry-checkin-follow-up = 📋 假期回访（{ $by }）⚠️ 需要联系：{ $answers }
checkin-export-summary = { $date } 假期回访：{ $answers }
