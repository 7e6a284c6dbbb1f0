"""coop: the platform for inter-municipal cooperation (IKZ)."""

from pathlib import Path

from flask import Flask
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from config import load_config


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: an id beyond the database's integer is simply not found
    (a 404, not an overflow in the database driver)."""

    def to_python(self, value: str) -> int:
        """An id from the URL; one beyond the database's integer is a 404, not a database error."""
        number = super().to_python(value)
        if number > 2**31 - 1:
            raise NotFound()
        return number


def create_app(config_name: str | None = None, **overrides) -> Flask:
    """Build the app: extensions, blueprints, error handlers, CLI. No other side effects."""
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=False,
    )
    app.config.from_object(load_config(config_name))
    app.config.update(overrides)
    if "TRUSTED_HOSTS" not in overrides:  # a request for another host gets 400
        from .links import trusted_hosts

        app.config["TRUSTED_HOSTS"] = trusted_hosts(
            app.config["PUBLIC_URL"], app.config.get("ALLOWED_HOSTS", "")
        )
    app.url_map.converters["int"] = IdConverter

    from . import hooks
    from .extensions import babel, csrf, db, enforce_sqlite_foreign_keys, login_manager, migrate
    from .i18n import init_i18n, select_locale
    from .resolutions.documents import init_uploads

    hooks.install()  # what happens after every write, in its stated order
    enforce_sqlite_foreign_keys()  # before the first connection of the app's engine
    init_uploads(app)  # before CSRFProtect reads the form: routes taking papers get room for them
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(
        app, locale_selector=select_locale, default_translation_directories="translations"
    )
    login_manager.init_app(app)
    init_i18n(app)

    from .api import bp as api_bp
    from .auth.views import bp as auth_bp
    from .auth.views import init_login
    from .bodies.views import bp as bodies_bp
    from .funding.views import bp as funding_bp
    from .imports.views import bp as imports_bp
    from .initiatives.views import bp as initiatives_bp
    from .main import dossier  # noqa: F401  (adds the initiative page to the main blueprint)
    from .main.bin import bp as bin_bp
    from .main.errors import init_input_guard
    from .main.legal import bp as legal_bp
    from .main.operations import init_operations
    from .main.views import bp as main_bp
    from .oparl.mapping import bp as oparl_systems_bp
    from .oparl.pages import bp as proposals_bp
    from .oparl.views import bp as oparl_bp
    from .pagecache import init_page_cache
    from .reminders.views import bp as reminders_bp
    from .reports.views import bp as reports_bp
    from .resolutions.views import bp as resolutions_bp
    from .savings.views import bp as savings_bp
    from .search.views import bp as search_bp
    from .users.views import bp as users_bp

    init_operations(app)  # first: request ids and timing, for cached answers too
    init_input_guard(app)  # then: no NUL byte reaches a view, the cache or the database
    init_page_cache(app)  # next: a stored answer needs no user, locale or audit set-up
    init_login(app)
    app.register_blueprint(main_bp)
    app.register_blueprint(legal_bp)
    app.register_blueprint(bin_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(bodies_bp)
    app.register_blueprint(initiatives_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(resolutions_bp)
    app.register_blueprint(funding_bp)
    app.register_blueprint(reminders_bp)
    app.register_blueprint(savings_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(oparl_systems_bp)
    app.register_blueprint(oparl_bp)
    app.register_blueprint(proposals_bp)
    app.register_blueprint(users_bp)
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)  # the API authenticates with bearer tokens, not cookies
    csrf.exempt(oparl_bp)  # read-only, public

    from .main.context import init_template_context
    from .main.errors import init_error_handlers

    init_error_handlers(app)
    init_template_context(app)

    from .cli import init_cli

    init_cli(app)
    init_static(app)
    proxies = int(app.config.get("TRUSTED_PROXIES", 0))
    if proxies > 0:  # outermost: the client's address and scheme as the proxies report them
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies
        )
    return app


def init_static(app: Flask) -> None:
    """Static files through WhiteNoise: the pre-compressed copies (brotli, gzip) that
    `make assets` writes, cached for a year; every URL carries a hash of the file's content,
    so a changed file gets a new URL."""
    import hashlib

    from whitenoise import WhiteNoise

    root = Path(app.static_folder)
    app.wsgi_app = WhiteNoise(
        app.wsgi_app, root=str(root), prefix="static/", max_age=365 * 24 * 3600
    )
    hashes: dict[str, str] = {}  # files do not change while the process runs

    @app.url_defaults
    def _version_static(endpoint: str, values: dict) -> None:
        if endpoint != "static" or "v" in values:
            return
        name = values.get("filename", "")
        if name not in hashes:
            try:
                hashes[name] = hashlib.sha256((root / name).read_bytes()).hexdigest()[:12]
            except OSError:
                hashes[name] = ""
        if hashes[name]:
            values["v"] = hashes[name]
