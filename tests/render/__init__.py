"""Render tests: every answer the bot can build stays within Discord's embed limits."""
