# The outbox sender's own messages: mass-send progress and "please phone" alerts.
outbox-progress = sent { $sent } / { $total }, { $unreachable } unreachable
outbox-progress-done = Finished: sent { $sent } / { $total }, { $unreachable } unreachable, { $failed } failed
outbox-unreachable-guardian = Guardian { $name } (phone { $phone }) no longer receives this bot's messages (blocked or account closed). Children: { $children }. Please phone them.
outbox-unreachable-staff = Teacher { $name } (phone { $phone }) no longer receives this bot's messages (blocked or account closed). Please phone them.
outbox-no-phone = no phone on file
outbox-name-separator = {", "}
