"""Sign-in, sessions and the server-side rule of who may receive what.

Anonymous visitors are the public. Coordinators and admins sign in with a form that posts to /auth/login (protected
against cross-site request forgery by a per-session token, and locked after repeated failures, counted in the
database for every process). The session cookie is signed, HttpOnly and SameSite=Lax (Secure when SECURE_COOKIES is
set) and holds a random token whose hash the database keeps: signing out, a new password or removing the user ends
the session wherever the cookie was copied. Pages and callbacks ask `role_at_least(...)`
on the server for every request: hiding a link is never the protection.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from flask import Flask, abort, g, redirect, request, session
from werkzeug.security import check_password_hash, generate_password_hash

from dashboard.data import users
from dashboard.domain import policy
from dashboard.server import runtime

RANK = {None: 0, "coordinator": 1, "admin": 2}
MAX_FAILURES = 5  # failed sign-ins per window, for one address or one username
WINDOW_SECONDS = 15 * 60
SESSION_SECONDS = 12 * 3600
# A hash to check against when the username is unknown, so that both cases take the same time.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    if len(password) < 10:
        raise users.UserError("the password must have at least 10 characters")
    return generate_password_hash(password)


class Lockout:
    """Failed sign-ins per key (an address, a username) over a sliding window, counted in the database, so that
    every server process of every host counts the same failures."""

    def __init__(self, limit: int = MAX_FAILURES, window: float = WINDOW_SECONDS):
        self.limit, self.window = limit, window

    @staticmethod
    def _keys(keys) -> tuple[str, ...]:
        return tuple(k[:160] for k in keys)

    def _since(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) - dt.timedelta(seconds=self.window)

    def blocked(self, *keys: str) -> bool:
        return users.failures_since(runtime.engine(), self._keys(keys), self._since()) >= self.limit

    def fail(self, *keys: str) -> None:
        users.record_failure(runtime.engine(), self._keys(keys), forget_before=self._since())

    def clear(self, *keys: str) -> None:
        users.clear_failures(runtime.engine(), self._keys(keys))


def csrf_token() -> str:
    """The session's token for forms that change state (sign-in, sign-out)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _check_csrf() -> None:
    if not csrf_matches(request.form.get("csrf_token", "")):
        abort(400, description="The form has expired or did not come from this site. Reload the page and try again.")


def csrf_matches(sent: str) -> bool:
    """Whether `sent` is this session's token (a form's field, or a script's X-CSRF-Token header)."""
    return bool(sent) and hmac.compare_digest(sent, session.get("csrf", ""))


def _session_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(account: users.Account) -> None:
    """Sign `account` in on this request's session: a new session (no fixation), recorded in the database so that
    signing out or a new password ends it wherever its cookie was copied."""
    session.clear()
    token = secrets.token_urlsafe(32)
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=SESSION_SECONDS)
    users.add_session(runtime.engine(), account.id, _session_id(token), expires)
    # The form token is made here, not by the first page that shows a form: a signed-in session is re-sent with
    # every response, and a response to a request sent at the same time as that page, without the token, would
    # otherwise overwrite it (the sign-out form then fails its check).
    session.update(sid=token, uid=account.id, role=account.role, csrf=secrets.token_urlsafe(32))
    session.permanent = True
    g.pop("mmc_account", None)


def current_user() -> users.Account | None:
    """The signed-in account of this request: its session must still be in the database (not signed out, not ended by
    a new password, not expired) and its user still there with the same role. Read once per request (a page asks
    several times)."""
    token = session.get("sid")
    if token is None:
        if "uid" in session:  # a cookie from before sessions were recorded: it signs nobody in
            session.clear()
        return None
    kept = g.get("mmc_account")
    if kept is not None and kept[0] == token:
        return kept[1]
    account = users.session_account(runtime.engine(), _session_id(token))
    if account is None or session.get("role") != account.role:
        session.clear()
        return None
    g.mmc_account = (token, account)
    return account


def current_role() -> str | None:
    account = current_user()
    return account.role if account else None


def role_at_least(role: str) -> bool:
    """Whether this request's user has `role` or a higher one."""
    return RANK[current_role()] >= RANK[role]


def audience() -> policy.Audience:
    """Whom this request's figures are for: a signed-in coordinator (every count) or the public (policy.py)."""
    settings = runtime.settings()
    return policy.Audience(None if role_at_least("coordinator") else settings.suppression_k, settings.first_day)


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
        PERMANENT_SESSION_LIFETIME=SESSION_SECONDS,
    )
    limiter = Lockout()
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
        start_session(account)
        return redirect(next_path, code=303)

    @server.post("/auth/logout")
    def logout():
        _check_csrf()
        if session.get("sid"):
            users.end_session(runtime.engine(), _session_id(session["sid"]))
        session.clear()
        return redirect("/", code=303)
