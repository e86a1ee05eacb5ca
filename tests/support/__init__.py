"""Test helpers: a recording bot, update builders, a chat driver and data factories."""
