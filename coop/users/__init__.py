"""People: accounts, roles, API tokens."""
