"""The sign-in page, `/login`: a plain form rendered on the server (about 5 KB, no script), not a Dash page.

A donor or a coordinator on a slow connection reaches it in one small response instead of the app's 500 KB of
scripts; it posts to /auth/login (server/auth.py) with the session's CSRF token, and says why a sign-in failed.
Its header and demo-data notice read like the app's.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, make_response, render_template, request

from dashboard import words
from dashboard.data import queries
from dashboard.i18n import N_, _, direction, language, own_names
from dashboard.server import auth, runtime
from dashboard.web import document, ids, shell

signin = Blueprint("signin", __name__, template_folder="templates")

ERRORS = {
    "invalid": N_("The username or password is not right."),
    "locked": N_("Too many failed attempts. Wait 15 minutes, then try again."),
}


@signin.get("/login")
def login_page():
    error = request.args.get("error")
    account = auth.current_user()
    next_path = auth.safe_next(request.args.get("next"))
    if next_path.split("?", 1)[0].rstrip("/") == "/login":  # (never back to this page)
        next_path = auth.safe_next(None)
    html = render_template(
        "login.html",
        _=_,
        ids=ids,
        lang=language(),
        dir=direction(),
        main_id=document.MAIN_ID,
        pages=shell.links(),
        demo=queries.data_status(runtime.engine()).is_demo,
        account=account,
        role=words.role_name(account.role) if account else "",
        error=_(ERRORS[error]) if error in ERRORS else None,
        next_path=next_path,
        csrf=auth.csrf_token(),
        languages=[  # the same form in each other language (the link's lang=, which the server keeps)
            (code, name, "/login?" + urlencode({**request.args.to_dict(), "lang": code}))
            for code, name in own_names()
            if code != language()
        ],
    )
    response = make_response(html)
    response.headers["Cache-Control"] = "no-store"  # it holds this session's form token
    return response
