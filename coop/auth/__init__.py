"""Sign-in, sessions, API tokens and permissions."""
