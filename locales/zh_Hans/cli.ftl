cli-description = 家校（jiaxiao）：学校的 Telegram 机器人。设置来自环境变量或本目录下的 .env 文件（参见 .env.example）。
cli-epilog =
    第一次使用：
      1. 在 .env 里写上 BOT_TOKEN=<从 @BotFather 得到的令牌>
      2. python -m bot invite admin --school "某某小学" --county "某某县"
         然后在 Telegram 里打开打印出来的链接
      3. python -m bot            （保持运行）
cli-run-help = 启动机器人（默认）
cli-run-webhook-help = 用 webhook 接收消息（需设置 WEBHOOK__URL、WEBHOOK__SECRET），不再轮询；也可设 WEBHOOK__ENABLED=true
cli-db-help = 数据库维护
cli-db-upgrade-help = 创建或升级数据库结构
cli-db-up-to-date = 数据库已是最新。
cli-missing-token = 错误：没有设置 BOT_TOKEN。请向 @BotFather 申请令牌，然后在本目录的 .env 文件里写上 BOT_TOKEN=<令牌>（参见 .env.example），或者设置同名环境变量。
cli-invalid-setting = 错误：设置有误 —— { $problem }
