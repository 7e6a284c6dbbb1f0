from tests.reminders.conftest import mail_app, smtp  # noqa: F401  (a real SMTP server)
