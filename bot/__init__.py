"""Composition root: settings, bot and dispatcher factories, the command line."""
