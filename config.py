"""Configuration of coop, read from the environment.

Select with COOP_ENV (development, testing, production); `create_app()` defaults to development.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("COOP_INSTANCE_DIR", BASE_DIR / "instance"))


def _sqlite_default() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'coop.sqlite'}"


def _database_url(default: str | None) -> str | None:
    url = os.environ.get("DATABASE_URL", default)
    # Heroku-style URLs and plain postgresql:// both mean psycopg 3 for us.
    if url and url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url(_sqlite_default())
    # No ping before every checkout (a round trip per request); connections are recycled instead,
    # and a connection the server dropped fails one request, after which the pool is renewed.
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_pre_ping": os.environ.get("DATABASE_PRE_PING", "0") == "1",
        "pool_recycle": int(os.environ.get("DATABASE_POOL_RECYCLE", 1800)),
    }
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    LANGUAGES = ("de", "en")
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    # JSON bodies larger than this are refused with 413 before they are parsed.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 1024 * 1024))
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", 5))
    LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", 15))
    PAGE_SIZE = 25
    # E-mail for reminders. Without MAIL_SERVER reminders can be previewed, not sent.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 25))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0") == "1"  # STARTTLS
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "0") == "1"  # implicit TLS (port 465)
    MAIL_FROM = os.environ.get("MAIL_FROM", "coop <noreply@coop.example>")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", 30))
    # The address people reach coop at, for links in e-mails and calendar feeds.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")
    # Default discount rate of savings estimates (a fraction) and where it comes from.
    SAVINGS_DISCOUNT_RATE = os.environ.get("SAVINGS_DISCOUNT_RATE", "0.009")
    SAVINGS_DISCOUNT_SOURCE = os.environ.get(
        "SAVINGS_DISCOUNT_SOURCE",
        "Kalkulationszinssatz für Wirtschaftlichkeitsuntersuchungen (WiBe 5.0), "
        "Rundschreiben des BMF 2023: 0,9 %",
    )
    # The daily reminder run (local time, Europe/Berlin) and how often a waiting second
    # scheduler asks for the lock.
    REMINDER_HOUR = int(os.environ.get("REMINDER_HOUR", 7))
    SCHEDULER_LOCK_POLL_SECONDS = float(os.environ.get("SCHEDULER_LOCK_POLL_SECONDS", 10))
    API_MAX_PER_PAGE = 200
    # Behind the town's reverse proxy: how many proxies in front of coop set X-Forwarded-For,
    # -Proto, -Host and -Prefix (0: none; the headers are then ignored, as anyone can send them).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", 0))
    # Strict-Transport-Security on HTTPS answers (seconds; 0: not sent).
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", 0))
    # Whole answers of read-only pages kept per process for one data generation (bytes; 0: off).
    PAGE_CACHE_BYTES = int(os.environ.get("PAGE_CACHE_BYTES", 64 * 1024 * 1024))


class DevelopmentConfig(Config):
    """Local development: SQLite under instance/, a fixed development key if none is set."""

    DEBUG = False
    SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-not-secret")


class TestingConfig(Config):
    """The test suite: the database comes from the fixture (TEST_DATABASE_URL or a temp SQLite)."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-only-not-secret"
    SQLALCHEMY_DATABASE_URI = _database_url("sqlite://")
    WTF_CSRF_ENABLED = True
    LOGIN_MAX_FAILURES = 3
    # Every test signs up and in several accounts: scrypt (0.1 s a hash) would be most of the
    # suite's time. Only here; the app otherwise uses Werkzeug's scrypt.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


class ProductionConfig(Config):
    """Production: PostgreSQL from DATABASE_URL, a SECRET_KEY is mandatory, secure cookies."""

    ENV_NAME = "production"
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", 365 * 24 * 3600))
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


class ConfigError(RuntimeError):
    """The configuration cannot run (e.g. production without SECRET_KEY)."""


def load_config(name: str | None = None) -> type[Config]:
    """Return the configuration class for `name` (or COOP_ENV), checking what production needs."""
    name = name or os.environ.get("COOP_ENV", "development")
    if name not in CONFIGS:
        raise ConfigError(f"Unknown COOP_ENV {name!r}; use one of {', '.join(CONFIGS)}.")
    cls = CONFIGS[name]
    if name == "production" and not os.environ.get("SECRET_KEY"):
        raise ConfigError("SECRET_KEY must be set in production.")
    return cls
