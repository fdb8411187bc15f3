"""Sign-in, sessions and the server-side rule of who may receive what.

Anonymous visitors are the public. Coordinators and admins sign in with a form that posts to /auth/login (protected
against cross-site request forgery by a per-session token, and rate limited). The session cookie is signed,
HttpOnly and SameSite=Lax (Secure when SECURE_COOKIES is set). Pages and callbacks ask `role_at_least(...)`
on the server for every request: hiding a link is never the protection.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from urllib.parse import urlsplit

from flask import Flask, abort, g, redirect, request, session
from werkzeug.security import check_password_hash, generate_password_hash

from dashboard import runtime
from dashboard.store import users

RANK = {None: 0, "coordinator": 1, "admin": 2}
MAX_FAILURES = 5  # failed sign-ins per window, for one address or one username
WINDOW_SECONDS = 15 * 60
# A hash to check against when the username is unknown, so that both cases take the same time.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    if len(password) < 10:
        raise users.UserError("the password must have at least 10 characters")
    return generate_password_hash(password)


class RateLimiter:
    """Failed attempts per key in a sliding window, in this process's memory."""

    def __init__(self, limit: int = MAX_FAILURES, window: float = WINDOW_SECONDS):
        self.limit, self.window = limit, window
        self._failures: dict[str, deque] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque:
        q = self._failures.setdefault(key, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def blocked(self, *keys: str) -> bool:
        now = time.monotonic()
        with self._lock:
            return any(len(self._recent(k, now)) >= self.limit for k in keys)

    def fail(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for k in keys:
                self._recent(k, now).append(now)

    def clear(self, *keys: str) -> None:
        with self._lock:
            for k in keys:
                self._failures.pop(k, None)


def csrf_token() -> str:
    """The session's token for forms that change state (sign-in, sign-out)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _check_csrf() -> None:
    sent = request.form.get("csrf_token", "")
    if not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
        abort(400, description="The form has expired or did not come from this site. Reload the page and try again.")


def current_user() -> users.Account | None:
    """The signed-in account of this request, checked against the database (a removed user is signed out); read
    once per request and session (a page asks several times)."""
    user_id = session.get("uid")
    if user_id is None:
        return None
    key = (user_id, session.get("role"))
    kept = g.get("mmc_account")
    if kept is not None and kept[0] == key:
        return kept[1]
    account = users.user_by_id(runtime.engine(), user_id)
    if account is None or session.get("role") != account.role:
        session.clear()
        return None
    g.mmc_account = (key, account)
    return account


def current_role() -> str | None:
    account = current_user()
    return account.role if account else None


def role_at_least(role: str) -> bool:
    """Whether this request's user has `role` or a higher one."""
    return RANK[current_role()] >= RANK[role]


def safe_next(target: str | None, default: str = "/coordinator") -> str:
    """Only a path on this site: never an absolute URL someone slipped into the link."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def init_app(server: Flask, secure_cookies: bool) -> None:
    """Cookies, the sign-in and sign-out routes, and security headers."""
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies,
        PERMANENT_SESSION_LIFETIME=12 * 3600,
    )
    limiter = RateLimiter()
    server.extensions["mmc_login_limiter"] = limiter

    @server.post("/auth/login")
    def login():
        _check_csrf()
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        next_path = safe_next(request.form.get("next"))
        keys = (f"ip:{request.remote_addr}", f"user:{username.lower()}")
        if limiter.blocked(*keys):
            return redirect(f"/login?error=locked&next={next_path}", code=303)
        account = users.user_by_name(runtime.engine(), username)
        ok = check_password_hash(account.password_hash if account else _DUMMY_HASH, password) and account
        if not ok:
            limiter.fail(*keys)
            return redirect(f"/login?error=invalid&next={next_path}", code=303)
        limiter.clear(f"user:{username.lower()}")
        session.clear()  # a new session on sign-in: no fixation
        # The form token is made here, not by the first page that shows a form: a signed-in session is re-sent with
        # every response, and a response to a request sent at the same time as that page, without the token, would
        # otherwise overwrite it (the sign-out form then fails its check).
        session.update(uid=account.id, role=account.role, csrf=secrets.token_urlsafe(32))
        session.permanent = True
        return redirect(next_path, code=303)

    @server.post("/auth/logout")
    def logout():
        _check_csrf()
        session.clear()
        return redirect("/", code=303)
