cli-description = jiaxiao (家校): the school's Telegram bot. Settings come from the environment or a .env file in this folder (see .env.example).
cli-epilog =
    First time:
      1. put BOT_TOKEN=<token from @BotFather> in .env
      2. python -m bot invite admin --school "Example Primary School" --county "Example County"
         and open the printed link in Telegram
      3. python -m bot            (keep it running)
cli-run-help = start the bot (the default)
cli-run-webhook-help = take updates by webhook (WEBHOOK__URL, WEBHOOK__SECRET) instead of polling; also WEBHOOK__ENABLED=true
cli-db-help = database maintenance
cli-db-upgrade-help = create or upgrade the database schema
cli-db-up-to-date = The database is up to date.
cli-missing-token = error: BOT_TOKEN is not set. Get a token from @BotFather and put BOT_TOKEN=<token> in a .env file in this folder (see .env.example), or set the environment variable.
cli-invalid-setting = error: invalid setting — { $problem }
