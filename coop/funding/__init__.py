"""Funding programmes, grants, their condition check, reminders and calendar feeds."""
