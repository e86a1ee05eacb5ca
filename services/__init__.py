"""The policies' rules. No aiogram in here: handlers, jobs, reports and tests share them."""
