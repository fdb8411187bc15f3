"""Every client's requests bounded: a budget per address for the API and the pages' callbacks, shared by every server
process through Redis when `REDIS_URL` is set (each process's memory otherwise), with Flask-Limiter.

The budget (`RATE_LIMIT`, 600 a minute by default) is for visitors who are not signed in: the public view's answers
are what a crawler or an attacker asks for by the thousand, while signed-in coordinators are few and known. Pages,
static files and the readiness check are not counted. Behind a proxy, `PROXY_HOPS` says how many `X-Forwarded-For`
hops to trust, so that the budget is each visitor's rather than the proxy's.
"""

from __future__ import annotations

from flask import Flask, jsonify, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard.config import Settings
from dashboard.data import shared
from dashboard.i18n import _
from dashboard.server import auth

COUNTED = ("/api/", "/_dash-update-component")
NOT_COUNTED = ("/api/v1/health",)


def _not_counted() -> bool:
    path = request.path
    if path in NOT_COUNTED or not path.startswith(COUNTED):
        return True
    return bool(session.get("sid")) and auth.current_user() is not None  # signed in, in a session not ended


def init_app(server: Flask, settings: Settings) -> Limiter | None:
    """Trust `PROXY_HOPS` proxies for the client's address, and count the public's requests against RATE_LIMIT."""
    if settings.proxy_hops:
        proxied = ProxyFix(server.wsgi_app, x_for=settings.proxy_hops, x_proto=settings.proxy_hops)
        server.wsgi_app = proxied  # type: ignore[method-assign]  # (Flask's own way to wrap its WSGI app)
    if settings.rate_limit.strip().lower() in ("", "off"):
        return None
    # One database, one budget: processes of one deployment share it; two deployments on one Redis do not.
    prefix = shared.prefix(settings.database_url)
    limiter = Limiter(
        get_remote_address,
        app=server,
        storage_uri=settings.redis_url or "memory://",
        key_prefix=prefix,
        strategy="moving-window",
        application_limits=[settings.rate_limit],
        application_limits_exempt_when=_not_counted,
        headers_enabled=True,
        in_memory_fallback_enabled=bool(settings.redis_url),  # Redis down: each process counts alone, not none
        swallow_errors=True,
    )

    @server.errorhandler(429)
    def too_many(error):
        message = _(
            "Too many requests from this address: wait a minute and try again ({limit}).", limit=error.description
        )
        if request.path.startswith("/api/"):
            return jsonify({"error": {"message": message}}), 429
        return message, 429, {"Content-Type": "text/plain; charset=utf-8"}

    return limiter
