"""Deadlines and reminders: what is due, who hears of it, e-mail, the scheduler and calendars."""
