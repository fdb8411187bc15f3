"""The HTML document around the app, as every page is first sent: `<html lang dir>` in the viewer's language, a skip
link to the page's content, the page itself as plain HTML until Dash has drawn it (web/firstpaint.py), a 404 status
for a path that is no page (the app still shows its "page not found"), and `/robots.txt`."""

from __future__ import annotations

import functools
import json
import re
from html import escape as html_escape

import dash
from dash import Dash
from flask import Response, request

from dashboard.i18n import DEFAULT, _, digits_setting, direction, language
from dashboard.server import compression, runtime
from dashboard.web import firstpaint

MAIN_ID = "main-content"  # the element the skip link moves to (shell.layout's main area)
ROBOTS = (
    "# Mobile Medical Clinics, Iraq: the public figures may be indexed; sign-in, coordinators' pages, exports and\n"
    "# the API may not.\n"
    "User-agent: *\n"
    "Disallow: /login\n"
    "Disallow: /coordinator\n"
    "Disallow: /api/\n"
    "Disallow: /auth/\n"
    "Disallow: /_dash-\n"
    "Allow: /\n"
)
_HTML_TAG = re.compile(r"<html[^>]*>")
_BODY_TAG = re.compile(r"<body[^>]*>")


def same_for_everyone(app: Dash) -> None:
    """The page's HTML without Dash's per-load `end_id` (a signed token that only background callbacks use; this app
    has none, and a test says so): the HTML of a page is then the same for every visitor of a release, so it can be
    kept and validated like the public's other answers (server/answers.py) and kept by nginx."""
    config = app._config

    def without_end_id():
        found = config()
        found.pop("end_id", None)
        return found

    app._config = without_end_id  # type: ignore[method-assign]


def page_title(path: str) -> str | None:
    """The title of the page at `path`, in the viewer's language (the pages' titles are functions that translate),
    for the HTML as first sent (Dash's router sets it again in the browser)."""
    page = runtime.page_at(path)
    title = page.get("title") if page else None
    return title() if callable(title) else title


@functools.cache
def page_paths() -> frozenset[str]:
    """The paths of the app's pages (dash.page_registry, complete once the app is built), without a trailing slash."""
    return frozenset(page["path"].rstrip("/") or "/" for page in dash.page_registry.values())


def init_app(app: Dash) -> None:
    same_for_everyone(app)
    interpolate = app.interpolate_index

    def interpolate_index(**kwargs):
        kwargs["title"] = html_escape(page_title(request.path) or _(app.title))
        kwargs["app_entry"] = firstpaint.first_paint(app) + kwargs["app_entry"]
        page = interpolate(**kwargs)
        # (Arabic-Indic digits, DIGITS=arab in Arabic and Kurdish: for the figures the browser writes, assets/map.js)
        digits = ' data-digits="arab"' if language() != DEFAULT and digits_setting() == "arab" else ""
        page = _HTML_TAG.sub(f'<html lang="{language()}" dir="{direction()}"{digits}>', page, count=1)
        words = _("Skip to the content")  # (outside the f-string: pybabel extract does not look inside one)
        skip = f'<a class="skip-link" href="#{MAIN_ID}">{html_escape(words)}</a>'
        return _BODY_TAG.sub(lambda m: m.group(0) + skip, page, count=1)

    app.interpolate_index = interpolate_index  # type: ignore[method-assign,assignment]  # (Dash's documented hook)

    @app.server.after_request
    def not_found(response):
        """Dash answers every path with the app (its router shows "page not found"): the status says so too."""
        rule = request.url_rule.rule if request.url_rule is not None else ""
        catch_all = rule.endswith("<path:path>") and rule.count("<") == 1
        if catch_all and response.status_code == 200 and (request.path.rstrip("/") or "/") not in page_paths():
            response.status_code = 404
        return response

    @app.server.get(app.config.routes_pathname_prefix + compression.PAGE_ANSWER)
    def page_answer():
        """The router's answer for the page at `path` with the URL query `query`, for this viewer (as its callback),
        which the page's HTML preloads (server/compression.preloads)."""
        path, query = request.args.get("path", "/"), request.args.get("query", "")
        longest_path, longest_query = compression.LONGEST_PATH, compression.LONGEST_QUERY
        if not path.startswith("/") or len(path) > longest_path or len(query) > longest_query:
            problem = _(
                "The parameters are a page's path (`path`, starting with /, at most {path} characters) and its URL "
                "query (`query`, at most {query} characters).",
                path=longest_path,
                query=longest_query,
            )
            return Response(json.dumps({"error": problem}), status=400, mimetype="application/json")
        return Response(firstpaint.page_answer(path, query), mimetype="application/json")

    @app.server.get("/robots.txt")
    def robots():
        return Response(ROBOTS, mimetype="text/plain")
