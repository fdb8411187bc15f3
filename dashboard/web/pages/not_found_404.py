"""What a path that is no page shows (Dash pages' `not_found_404`); the server answers it with status 404
(web/document.py)."""

from __future__ import annotations

import dash

from dashboard.i18n import _
from dashboard.web.components import ui

dash.register_page(__name__, path="/404", title=lambda: _("Page not found · MMC Iraq"))


def layout(**_query):
    return ui.stack(
        [
            ui.title(_("Page not found"), order=1, size="h2"),
            ui.text(_("There is no page at this address. It may have been mistyped, or the link may be old.")),
            ui.anchor(_("Go to the overview"), href="/"),
        ],
        gap="sm",
    )
