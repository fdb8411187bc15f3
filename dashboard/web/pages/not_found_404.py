"""What a path that is no page shows (Dash pages' `not_found_404`); the server answers it with status 404
(web/document.py)."""

from __future__ import annotations

import dash
import dash_mantine_components as dmc

from dashboard.i18n import _

dash.register_page(__name__, path="/404", title=lambda: _("Page not found · MMC Iraq"))


def layout(**_query):
    return dmc.Stack(
        [
            dmc.Title(_("Page not found"), order=1, size="h2"),
            dmc.Text(_("There is no page at this address. It may have been mistyped, or the link may be old.")),
            dmc.Anchor(_("Go to the overview"), href="/"),
        ],
        gap="sm",
    )
