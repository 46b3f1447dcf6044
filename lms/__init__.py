"""Umed: a rehabilitation e-learning platform for prison kiosks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from . import config as config_module
from . import resources


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: the only place it is built."""
    app = Flask(
        __name__,
        static_folder=str(resources.folder("static")),
        static_url_path="/static",
        instance_path=resources.instance_folder(),  # None: Flask's default when installed
        instance_relative_config=False,
    )
    settings = config_module.from_environment(Path(app.instance_path))
    settings.update(config or {})
    config_module.finalize(settings, Path(app.instance_path))
    app.config.update(settings)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(
        resources.translations(Path(app.instance_path)))
    if app.config.get("PROXY_HOPS"):  # behind nginx: the client's address and scheme
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from .accounts.passwords import configure as configure_passwords

    configure_passwords(app.config["ARGON2_PROFILE"])

    _init_extensions(app)
    from .web import install_number_checks

    install_number_checks(app)
    _register_blueprints(app)

    from . import cli, i18n, migrate, security, web

    i18n.init_app(app)
    security.init_app(app)
    web.init_app(app)
    cli.init_app(app)
    migrate.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from .extensions import csrf, db, limiter, login_manager

    engine_options: dict[str, Any] = {"echo": app.config["SQL_ECHO"]}
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        engine_options.update(pool_pre_ping=True, pool_size=5, max_overflow=10)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options)
    db.init_app(app)
    csrf.init_app(app)
    if app.config.get("REDIS_URL"):
        app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"])
    else:
        app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter.init_app(app)
    login_manager.init_app(app)


def _register_blueprints(app: Flask) -> None:
    """Every area's package defines its blueprint and imports its views: importing the
    blueprint is enough."""
    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .author import bp as author_bp
    from .certificates import bp as certificates_bp
    from .content import bp as content_bp
    from .health import bp as health_bp
    from .learn import bp as learn_bp
    from .network import bp as network_bp
    from .plans import bp as plans_bp
    from .reports import bp as reports_bp
    from .review import bp as review_bp

    for bp in (health_bp, auth_bp, learn_bp, review_bp, admin_bp, author_bp, reports_bp, plans_bp,
               certificates_bp, content_bp, network_bp):
        app.register_blueprint(bp)
