"""Configuration of coop, read from the environment.

Select with COOP_ENV (development, testing, production); `create_app()` defaults to development.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("COOP_INSTANCE_DIR", BASE_DIR / "instance"))


def env(name: str, default: str | None = None) -> str | None:
    """A setting from the environment, or from the file `NAME_FILE` names (Docker and systemd
    secrets: the value lives in a file readable by the service only, not in its environment)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE names {path!r}, which cannot be read: {exc}") from exc
    return os.environ.get(name, default)


def _flag(name: str, default: str = "0") -> bool:
    return (env(name, default) or "").strip().lower() in ("1", "true", "yes", "on")


class ConfigError(RuntimeError):
    """The configuration cannot run (e.g. production without SECRET_KEY)."""


def _sqlite_default() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'coop.sqlite'}"


def _database_url(default: str | None) -> str | None:
    url = env("DATABASE_URL", default)
    # Heroku-style URLs and plain postgresql:// both mean psycopg 3 for us.
    if url and url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "development"
    SECRET_KEY = env("SECRET_KEY")
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
    # A session ends this many hours after signing in, and after this many minutes unused
    # (coop/auth/sessions.py); signing out ends it for good, on every instance.
    PERMANENT_SESSION_LIFETIME = timedelta(hours=float(env("SESSION_LIFETIME_HOURS", "12")))
    SESSION_IDLE_MINUTES = float(env("SESSION_IDLE_MINUTES", "60"))
    PAGE_SIZE = 25
    # E-mail for reminders. Without MAIL_SERVER reminders can be previewed, not sent.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 25))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = env("MAIL_PASSWORD")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0") == "1"  # STARTTLS
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "0") == "1"  # implicit TLS (port 465)
    MAIL_FROM = os.environ.get("MAIL_FROM", "coop <noreply@coop.example>")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", 30))
    # Who reads the outbox (every mail coop sent or, without a mail server, kept): admins, and
    # everyone signed in when this is "1" (the demo's default).
    OUTBOX_OPEN = env("OUTBOX_OPEN", "0") == "1"
    # Days the outbox keeps a mail.
    OUTBOX_DAYS = int(env("OUTBOX_DAYS", "30"))
    # The address people reach coop at (scheme, host, any path prefix), required in production:
    # every absolute link (e-mails, calendar feeds, OParl ids and pages) is built from it, and
    # requests for another host are refused (400), besides the loopback names and ALLOWED_HOSTS.
    # Unset (development, the demo), links use the address of the request, which can then only
    # be a loopback name, and outside a request http://127.0.0.1 with the port `make run` serves.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "")
    # Further host names requests may be addressed to (comma or space separated).
    ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "")
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
    # The job queue (coop.queue): `flask worker` processes. A worker sends a heartbeat every
    # QUEUE_HEARTBEAT_SECONDS; a job whose worker sent none for QUEUE_STALLED_SECONDS is run
    # again by another worker. QUEUE_POLL_SECONDS: how often a SQLite worker looks for jobs
    # (PostgreSQL workers are told at once).
    QUEUE_HEARTBEAT_SECONDS = float(os.environ.get("QUEUE_HEARTBEAT_SECONDS", 10))
    QUEUE_STALLED_SECONDS = float(os.environ.get("QUEUE_STALLED_SECONDS", 60))
    QUEUE_POLL_SECONDS = float(os.environ.get("QUEUE_POLL_SECONDS", 1))
    QUEUE_CONCURRENCY = int(os.environ.get("QUEUE_CONCURRENCY", 2))
    QUEUE_POOL_SIZE = int(os.environ.get("QUEUE_POOL_SIZE", 4))
    API_MAX_PER_PAGE = 200
    # Behind the town's reverse proxy: how many proxies in front of coop set X-Forwarded-For,
    # -Proto, -Host and -Prefix (0: none; the headers are then ignored, as anyone can send them).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", 0))
    # Strict-Transport-Security on HTTPS answers (seconds; 0: not sent).
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", 0))
    # Whole answers of read-only pages kept per process for one data generation (bytes; 0: off).
    PAGE_CACHE_BYTES = int(os.environ.get("PAGE_CACHE_BYTES", 64 * 1024 * 1024))

    # Sign-in. Local passwords can be switched off once single sign-on works; API tokens are
    # not affected.
    LOCAL_LOGIN = _flag("LOCAL_LOGIN", "1")
    # Which directory or provider groups give which role, for which body (AGS), first match
    # counts: "coop-admins=admin; kreis-hoexter-it=coordinator@05762000; ..." (README).
    SSO_GROUP_ROLES = env("SSO_GROUP_ROLES", "")
    # Whether single sign-on may take over an existing local administrator's account with the
    # same e-mail address (its role then follows the groups); off: that sign-in is refused.
    SSO_LINK_EXISTING_ADMINS = _flag("SSO_LINK_EXISTING_ADMINS", "0")
    # OpenID Connect (Keycloak, openDesk, any certified provider): on when OIDC_ISSUER is set.
    OIDC_ISSUER = env("OIDC_ISSUER")
    OIDC_CLIENT_ID = env("OIDC_CLIENT_ID")
    OIDC_CLIENT_SECRET = env("OIDC_CLIENT_SECRET")
    OIDC_SCOPE = env("OIDC_SCOPE", "openid email profile")
    OIDC_GROUPS_CLAIM = env("OIDC_GROUPS_CLAIM", "groups")
    # A claim holding the person's body as AGS, where the provider has one (else the rule's).
    OIDC_BODY_CLAIM = env("OIDC_BODY_CLAIM")
    OIDC_DISPLAY_NAME = env("OIDC_DISPLAY_NAME", "")
    OIDC_TIMEOUT = float(env("OIDC_TIMEOUT", "10"))
    # LDAP / Active Directory: on when LDAP_URL is set; ldaps://… or ldap://…, which always
    # goes on with STARTTLS (passwords never cross the network in the clear).
    LDAP_URL = env("LDAP_URL")
    LDAP_CA_FILE = env("LDAP_CA_FILE")
    LDAP_BIND_DN = env("LDAP_BIND_DN")
    LDAP_BIND_PASSWORD = env("LDAP_BIND_PASSWORD")
    LDAP_USER_BASE = env("LDAP_USER_BASE")
    LDAP_USER_FILTER = env(
        "LDAP_USER_FILTER", "(|(uid={login})(mail={login})(sAMAccountName={login}))"
    )
    LDAP_GROUP_BASE = env("LDAP_GROUP_BASE")
    LDAP_GROUP_FILTER = env("LDAP_GROUP_FILTER", "(|(member={dn})(uniqueMember={dn}))")
    LDAP_MAIL_ATTRIBUTE = env("LDAP_MAIL_ATTRIBUTE", "mail")
    LDAP_NAME_ATTRIBUTE = env("LDAP_NAME_ATTRIBUTE", "displayName")
    LDAP_TIMEOUT = float(env("LDAP_TIMEOUT", "5"))

    # The operator: the legal pages (Impressum, privacy notice, accessibility statement).
    OPERATOR_NAME = env("OPERATOR_NAME", "")
    OPERATOR_ADDRESS = env("OPERATOR_ADDRESS", "")
    OPERATOR_REPRESENTATIVE = env("OPERATOR_REPRESENTATIVE", "")
    OPERATOR_EMAIL = env("OPERATOR_EMAIL", "")
    OPERATOR_PHONE = env("OPERATOR_PHONE", "")
    OPERATOR_SUPERVISORY_AUTHORITY = env("OPERATOR_SUPERVISORY_AUTHORITY", "")
    OPERATOR_VAT_ID = env("OPERATOR_VAT_ID", "")
    # Imports of more rows than this run as a background job with progress.
    IMPORT_INLINE_ROWS = int(os.environ.get("IMPORT_INLINE_ROWS", 500))
    # An import file is read in a child process with at most this much time (seconds, wall
    # clock; then it is killed) and memory (MiB of address space beyond the interpreter's own).
    IMPORT_PARSE_SECONDS = int(os.environ.get("IMPORT_PARSE_SECONDS", 20))
    IMPORT_PARSE_MEMORY_MB = int(os.environ.get("IMPORT_PARSE_MEMORY_MB", 512))
    # The operator's logo (a PNG or JPEG file) at the head of the report PDF.
    OPERATOR_LOGO = env("OPERATOR_LOGO", "")
    DATA_PROTECTION_OFFICER = env("DATA_PROTECTION_OFFICER", "")
    DATA_PROTECTION_AUTHORITY = env(
        "DATA_PROTECTION_AUTHORITY",
        "Landesbeauftragte für Datenschutz und Informationsfreiheit Nordrhein-Westfalen, "
        "Kavalleriestraße 2–4, 40213 Düsseldorf, poststelle@ldi.nrw.de",
    )
    # The accessibility feedback form (open to everyone) sends at most this many messages an
    # hour from one address, and at most FEEDBACK_ALL_PER_HOUR from everyone together.
    FEEDBACK_PER_HOUR = int(os.environ.get("FEEDBACK_PER_HOUR", 5))
    FEEDBACK_ALL_PER_HOUR = int(os.environ.get("FEEDBACK_ALL_PER_HOUR", 60))
    # Where feedback on accessibility goes (defaults to OPERATOR_EMAIL).
    ACCESSIBILITY_CONTACT_EMAIL = env("ACCESSIBILITY_CONTACT_EMAIL", "")
    # The statement's date and the date of the last evaluation (ISO dates).
    ACCESSIBILITY_STATEMENT_DATE = env("ACCESSIBILITY_STATEMENT_DATE", "2026-12-03")
    ACCESSIBILITY_EVALUATED_ON = env("ACCESSIBILITY_EVALUATED_ON", "2026-12-03")
    # The arbitration body (Schlichtungsstelle): the federal one by default; a Land's
    # bodies name their own (in NRW the Ombudsstelle für barrierefreie Informationstechnik).
    ACCESSIBILITY_ARBITRATION_NAME = env(
        "ACCESSIBILITY_ARBITRATION_NAME",
        "Schlichtungsstelle nach § 16 Behindertengleichstellungsgesetz (BGG) "
        "beim Beauftragten der Bundesregierung für die Belange von Menschen mit Behinderungen",
    )
    ACCESSIBILITY_ARBITRATION_URL = env(
        "ACCESSIBILITY_ARBITRATION_URL", "https://www.schlichtungsstelle-bgg.de"
    )
    # Audit entries older than this many days are removed by the daily job (0: kept for ever).
    AUDIT_RETENTION_DAYS = int(env("AUDIT_RETENTION_DAYS", "0"))
    # One JSON line per request on stdout (request id, user id, duration); on in production.
    LOG_REQUESTS = _flag("LOG_REQUESTS", "0")
    # Requests to council information systems (coop/outgoing.py): only public addresses, except
    # the host names listed here ("ris.intern.kreis.example, 10.1.2.3"; commas or spaces);
    # at most this many bytes an answer, seconds a request (redirects included), redirects.
    OUTGOING_ALLOWED_HOSTS = env("OUTGOING_ALLOWED_HOSTS", "")
    OUTGOING_MAX_BYTES = int(env("OUTGOING_MAX_BYTES", str(20 * 1024 * 1024)))
    OUTGOING_TIMEOUT = float(env("OUTGOING_TIMEOUT", "30"))
    OUTGOING_MAX_REDIRECTS = int(env("OUTGOING_MAX_REDIRECTS", "5"))


LOGO_TYPES = (".png", ".jpg", ".jpeg")


class DemoOperator:
    """The demo's operator, so that the legal pages show what they will hold outside
    production; production refuses to start without its own (load_config)."""

    OPERATOR_NAME = env("OPERATOR_NAME", "Kreis Höxter (Demonstrationsbetrieb)")
    OPERATOR_LOGO = env("OPERATOR_LOGO", str(BASE_DIR / "static/img/demo-operator-logo.png"))
    OPERATOR_ADDRESS = env("OPERATOR_ADDRESS", "Moltkestraße 12, 37671 Höxter")
    OPERATOR_REPRESENTATIVE = env("OPERATOR_REPRESENTATIVE", "Der Landrat")
    OPERATOR_EMAIL = env("OPERATOR_EMAIL", "coop@kreis-hoexter.example")
    OPERATOR_PHONE = env("OPERATOR_PHONE", "05271 965-0")
    OPERATOR_SUPERVISORY_AUTHORITY = env(
        "OPERATOR_SUPERVISORY_AUTHORITY", "Bezirksregierung Detmold"
    )
    DATA_PROTECTION_OFFICER = env(
        "DATA_PROTECTION_OFFICER",
        "Behördliche Datenschutzbeauftragte, datenschutz@kreis-hoexter.example",
    )
    # In the demo everyone signed in reads the outbox (its mails are made up); elsewhere admins.
    OUTBOX_OPEN = env("OUTBOX_OPEN", "1") == "1"


class DevelopmentConfig(DemoOperator, Config):
    """Local development: SQLite under instance/, a fixed development key if none is set."""

    DEBUG = False
    SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-not-secret")


class TestingConfig(DemoOperator, Config):
    """The test suite: the database comes from the fixture (TEST_DATABASE_URL or a temp SQLite)."""

    ENV_NAME = "testing"
    TESTING = True
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")
    SECRET_KEY = "testing-only-not-secret"
    SQLALCHEMY_DATABASE_URI = _database_url("sqlite://")
    WTF_CSRF_ENABLED = True
    LOGIN_MAX_FAILURES = 3
    # Every test signs up and in several accounts: scrypt (0.1 s a hash) would be most of the
    # suite's time. Only here; the app otherwise uses Werkzeug's scrypt.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    # The fake council information systems of the tests run on this machine.
    OUTGOING_ALLOWED_HOSTS = "127.0.0.1, localhost"


class ProductionConfig(Config):
    """Production: PostgreSQL from DATABASE_URL, a SECRET_KEY is mandatory, secure cookies."""

    ENV_NAME = "production"
    LOG_REQUESTS = _flag("LOG_REQUESTS", "1")
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", 365 * 24 * 3600))
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(name: str | None = None) -> type[Config]:
    """Return the configuration class for `name` (or COOP_ENV), checking what production needs."""
    name = name or os.environ.get("COOP_ENV", "development")
    if name not in CONFIGS:
        raise ConfigError(f"Unknown COOP_ENV {name!r}; use one of {', '.join(CONFIGS)}.")
    cls = CONFIGS[name]
    if name == "production" and not env("SECRET_KEY"):
        raise ConfigError("SECRET_KEY (or SECRET_KEY_FILE) must be set in production.")
    if name == "production":
        missing = [k for k in ("OPERATOR_NAME", "OPERATOR_ADDRESS", "OPERATOR_EMAIL") if not env(k)]
        if missing:
            raise ConfigError(
                f"{', '.join(missing)} must be set in production: the Impressum, the privacy "
                "notice and the accessibility statement are filled from them."
            )
        public = urlsplit(os.environ.get("PUBLIC_URL", ""))
        if public.scheme not in ("http", "https") or not public.hostname:
            raise ConfigError(
                "PUBLIC_URL must be set in production to the address people reach coop at "
                "(https://coop.kreis.example): links and OParl ids are built from it, and "
                "requests for other hosts are refused."
            )
        logo = env("OPERATOR_LOGO")
        if logo and not (Path(logo).is_file() and Path(logo).suffix.lower() in LOGO_TYPES):
            raise ConfigError(f"OPERATOR_LOGO {logo!r} is not a PNG or JPEG file.")
    return cls
