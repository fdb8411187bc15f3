"""The viewer's language, chosen for each request the way people expect: the link's `lang=` (so a link reproduces a
view in its language), then the cookie the language switch set, then the browser's Accept-Language; English when
none names a language of the app.

A link with `lang=` also sets the cookie, so the page's callbacks (which carry no `lang=`) answer in the language the
page was opened in. Answers say `Vary: Cookie, Accept-Language`: a shared cache keeps each language apart
(deploy/nginx.conf puts the same three in its keys).
"""

from __future__ import annotations

import contextlib

from flask import Flask, Response, g, request

from dashboard import i18n
from dashboard.server import runtime

COOKIE = "mmc_lang"
PARAMETER = "lang"
COOKIE_DAYS = 365


def chosen() -> str:
    """This request's language code."""
    for asked in (request.args.get(PARAMETER), request.cookies.get(COOKIE)):
        code = i18n.known(asked)
        if code:
            return code
    for asked, _quality in request.accept_languages:  # best first
        code = i18n.known(asked)
        if code:
            return code
    return i18n.DEFAULT


def init_app(server: Flask, secure_cookies: bool = False) -> None:
    """Set each request's language before anything else reads it (register first)."""

    @server.before_request
    def _choose():
        g.mmc_language = i18n.set_language(chosen())

    @server.teardown_request
    def _forget(_error):
        token = g.pop("mmc_language", None)
        if token is not None:
            with contextlib.suppress(ValueError):  # (set in another context: nothing of this request's to undo)
                i18n.reset_language(token)

    @server.after_request
    def _remember(response: Response) -> Response:
        asked = i18n.known(request.args.get(PARAMETER))
        if asked and asked != request.cookies.get(COOKIE):
            response.set_cookie(
                COOKIE,
                asked,
                max_age=COOKIE_DAYS * 24 * 3600,
                secure=secure_cookies,
                httponly=True,
                samesite="Lax",
            )
        if not request.path.startswith(runtime.STATIC_PATHS):  # (no copy per language of what is the same in all)
            response.vary.add("Cookie")
            response.vary.add("Accept-Language")
        return response
