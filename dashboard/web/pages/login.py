"""Sign-in for coordinators and admins: a plain form that posts to /auth/login, with a CSRF token."""

from __future__ import annotations

import dash
import dash_mantine_components as dmc
from dash import dcc, html

from dashboard.i18n import _
from dashboard.server import auth
from dashboard.web import ids

dash.register_page(__name__, path="/login", name="Sign in", title="Sign in · MMC Iraq")

ERRORS = {
    "invalid": "The username or password is not right.",
    "locked": "Too many failed attempts. Wait 15 minutes, then try again.",
}


def layout(error: str | None = None, next: str | None = None, **_query):
    account = auth.current_user()
    if account is not None:
        return dmc.Stack(
            [
                dmc.Title(_("Signed in"), order=1, size="h2"),
                dmc.Text(_("You are signed in as {name} ({role}).", name=account.username, role=_(account.role))),
            ]
        )
    return dmc.Center(
        dmc.Paper(
            html.Form(
                [
                    dmc.Title(_("Sign in"), order=1, size="h2"),
                    dmc.Text(
                        _("For coordinators and admins. The public pages need no account."), size="sm", c="dimmed"
                    ),
                    dmc.Alert(_(ERRORS[error]), color="red", id=ids.LOGIN_ERROR) if error in ERRORS else None,
                    dmc.TextInput(
                        label=_("Username"),
                        name="username",
                        id=ids.LOGIN_USERNAME,
                        required=True,
                        autoComplete="username",
                    ),
                    dmc.PasswordInput(
                        label=_("Password"),
                        name="password",
                        id=ids.LOGIN_PASSWORD,
                        required=True,
                        autoComplete="current-password",
                    ),
                    dcc.Input(type="hidden", name="csrf_token", value=auth.csrf_token()),
                    dcc.Input(type="hidden", name="next", value=auth.safe_next(next)),
                    html.Button(_("Sign in"), type="submit", id=ids.LOGIN_SUBMIT, className="mmc-button"),
                ],
                method="POST",
                action="/auth/login",
                className="mmc-form",
            ),
            p="xl",
            withBorder=True,
            radius="md",
            w=380,
            mt="xl",
        )
    )
