"""Building the Dash app: the database (schema, reference data and, on first start, the demo data), server
configuration, pages and the shell."""

from __future__ import annotations

import gc
import logging
import os
import time

from dash import Dash
from dash.exceptions import DependencyException
from flask import request, session

from dashboard import i18n
from dashboard.config import ROOT, Settings
from dashboard.data import columns, queries, schema, shared, version
from dashboard.domain import aliases
from dashboard.i18n import _
from dashboard.ingest import demo
from dashboard.ingest.boundaries import load_boundaries
from dashboard.server import answers, auth, compression, language, ratelimit, runtime
from dashboard.server.api import api
from dashboard.server.downloads import downloads
from dashboard.server.places import places
from dashboard.server.uploads import uploads
from dashboard.services import cache
from dashboard.web import callbacks, document, parts, shell
from dashboard.web.signin import signin

log = logging.getLogger(__name__)


def build(settings: Settings, production: bool = False) -> Dash:
    """The app. `production` (gunicorn's `app:server`): refuse to start on settings that would break a fleet, and
    never change the database's schema or data at start (`python -m dashboard init-db` does, once per release)."""
    if production:
        refuse_production(settings)
    load_boundaries(settings.boundaries_file or None)  # a bad BOUNDARIES_FILE stops the start with its reason
    aliases.configure(settings.aliases_file or None)  # and so does a bad ALIASES_FILE
    i18n.configure(settings.digits)
    engine = ready(settings) if production else prepare(settings)
    columns.ENABLED = settings.in_memory_totals
    cache.share(settings.redis_url, f"{shared.prefix(settings.database_url)}-{shared.release()}")  # (see release)
    app = Dash(
        "dashboard",
        use_pages=True,
        pages_folder="web/pages",
        assets_folder=str(ROOT / "assets"),
        assets_ignore=compression.ASSETS_LOADED_ON_DEMAND,
        title=_("Mobile Medical Clinics, Iraq"),
        update_title=None,  # type: ignore[arg-type]  # (None: the tab's title never says "Updating")
        suppress_callback_exceptions=True,
        serve_locally=True,
    )
    compression.drop_full_plotly()
    compression.init_app(app)
    document.init_app(app)
    app.server.config.update(
        MMC_SETTINGS=settings,
        MMC_ENGINE=engine,
        SECRET_KEY=settings.secret_key,
        # No request body above what the largest upload needs (a file and its form's fields), refused before it is
        # read.
        MAX_CONTENT_LENGTH=(settings.max_upload_mb + 1) * 2**20,
    )
    language.init_app(app.server, settings.secure_cookies)  # (first: every other hook may write words)
    app.layout = shell.layout
    app.server.before_request(version.begin_request)
    app.server.teardown_request(lambda _error: version.end_request())
    callbacks.register(app)
    parts.register(app)
    auth.init_app(app.server, settings.secure_cookies)
    ratelimit.init_app(app.server, settings)
    app.server.register_blueprint(api)
    app.server.register_blueprint(downloads)
    app.server.register_blueprint(places)
    app.server.register_blueprint(uploads)
    app.server.register_blueprint(signin)
    answers.init_app(app.server, document.page_paths)  # (after the rate limit, before compression: answers as made)
    _security_headers(app)
    # Dash sets itself up (registers the component libraries it may serve) on a server's first request, and marks
    # that done before doing it: a gunicorn worker whose first requests are a page's scripts, several at once on its
    # threads (the page came from another worker), refused them and the visitor saw an empty page. Set up now.
    with app.server.test_request_context("/"):
        app._setup_server()
    # What exists now (modules, layouts, reference data) lives as long as the process: leave it out of the garbage
    # collector's full passes, which otherwise walked all of it and paused an answer for about 100 ms. Answers make
    # many short-lived objects (rows of tables, parts of the page): collect less often (17 full passes in 20 answers
    # of /trends at 10 million records with Python's default threshold; none with this one).
    gc.freeze()
    gc.set_threshold(20_000, 10, 10)
    return app


def prepare(settings: Settings):
    """An engine on a database at the newest schema; a new one gets the demo data when LOAD_DEMO allows (once: a
    database whose demo data was removed, or that holds imported data, does not get it again)."""
    engine = schema.make_engine(settings.database_url, settings.db_pool_size)
    schema.upgrade(engine)
    queries.ensure_reference(engine)
    if settings.load_demo and not queries.ever_loaded(engine) and not queries.data_status(engine).has_data:
        started = time.monotonic()
        log.warning("Empty database: loading the synthetic demo data (once)...")
        summary = queries.load_dataset(engine, demo.generate())
        log.warning("Demo data loaded: %s records in %.0f s", f"{summary.records:,}", time.monotonic() - started)
    return engine


class ProductionRefusal(RuntimeError):
    """A setting or database state that production must not start with."""


def refuse_production(settings: Settings) -> None:
    """Production needs the settings every host must share: the same SECRET_KEY (or sessions and forms signed on one
    host fail on the next) and a DATABASE_URL (not a file on one host's disk). DEBUG waives them, for trying it."""
    if settings.debug:
        return
    if not os.environ.get("SECRET_KEY"):
        raise ProductionRefusal(
            "SECRET_KEY is not set: give every host the same long random key (e.g. `openssl rand -hex 32`), or "
            "start with `python app.py` for one machine"
        )
    if not os.environ.get("DATABASE_URL"):
        raise ProductionRefusal(
            "DATABASE_URL is not set: point every host at the same PostgreSQL database, or start with "
            "`python app.py` for one machine"
        )


def ready(settings: Settings):
    """An engine on a database that `init-db` has brought to this version's schema, or the reason to stop."""
    engine = schema.make_engine(settings.database_url, settings.db_pool_size)
    if not schema.is_current(engine):
        raise ProductionRefusal(
            "the database's schema is not this version's: run `python -m dashboard init-db` (the release step) first"
        )
    return engine


def _tile_origin(app: Dash) -> str:
    """The configured tile server's origin, which the page may load images from."""
    from urllib.parse import urlsplit

    url = app.server.config["MMC_SETTINGS"].tile_url
    if not url:
        return ""
    parts = urlsplit(url.replace("{s}", "a").replace("{z}", "0").replace("{x}", "0").replace("{y}", "0"))
    host = parts.netloc.replace("a.", "*.", 1) if "{s}" in url else parts.netloc
    return f" {parts.scheme}://{host}"


def _security_headers(app: Dash) -> None:
    """A Content-Security-Policy that Dash works under (its inline scripts allowed by hash), and no framing.

    The hashes are taken on the first response: Dash registers some inline scripts (pages' clientside callbacks)
    only when it sets the server up for its first request.
    """
    policy: list[str] = []

    def build() -> str:
        return "; ".join(
            [
                "default-src 'self'",
                "script-src 'self' " + " ".join(app.csp_hashes()),
                "style-src 'self' 'unsafe-inline'",  # Mantine and Leaflet set inline styles
                "img-src 'self' data: blob:" + _tile_origin(app),
                "connect-src 'self'",
                "font-src 'self' data:",
                "object-src 'none'",
                "base-uri 'self'",
                "form-action 'self'",
                "frame-ancestors 'none'",
            ]
        )

    secure = app.server.config["MMC_SETTINGS"].secure_cookies

    @app.server.after_request
    def headers(response):
        if not policy:
            policy.append(build())
        response.headers.setdefault("Content-Security-Policy", policy[0])
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if secure:  # behind HTTPS (SECURE_COOKIES): browsers keep to HTTPS for a year
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if session.get("sid") and not request.path.startswith(runtime.STATIC_PATHS):
            # a signed-in answer holds what the public may not see: never kept by a browser or a proxy
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.server.errorhandler(DependencyException)
    def unknown_script(_error):  # a made-up /_dash-component-suites/ path: not found, not a server error
        return "Not found", 404, {"Content-Type": "text/plain; charset=utf-8"}
