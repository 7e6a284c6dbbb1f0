"""Start page, language switch, error pages, security headers."""
