# The outbox sender's own messages: mass-send progress and "please phone" alerts.
outbox-progress = 已发送 { $sent } / { $total }，{ $unreachable } 人无法送达
outbox-progress-done = 发送完毕：已发送 { $sent } / { $total }，{ $unreachable } 人无法送达，{ $failed } 条发送失败
outbox-unreachable-guardian = 家长 { $name }（电话 { $phone }）收不到本机器人的消息了，可能已停用或屏蔽。孩子：{ $children }。请打电话联系。
outbox-unreachable-staff = 老师 { $name }（电话 { $phone }）收不到本机器人的消息了，可能已停用或屏蔽。请打电话联系。
outbox-no-phone = 无电话
outbox-name-separator = {"、"}
