"""Pages that later issues fill: they exist now so that the navigation and links are stable.

The coordinator pages send no data at all until sign-in exists: what they will show is for signed-in users only.
"""

from __future__ import annotations

import dash
import dash_mantine_components as dmc

from dashboard.i18n import _


def _page(title: str, text: str):
    return dmc.Stack([dmc.Title(title, order=2), dmc.Text(text)])


dash.register_page(
    "briefing",
    path="/briefing",
    name="Briefing",
    title="Briefing · MMC Iraq",
    nav_order=1,
    layout=lambda **_q: _page(_("Briefing"), _("Briefing mode is being built.")),
)
dash.register_page(
    "coordinator",
    path="/coordinator",
    name="Coordinators",
    title="Coordinators · MMC Iraq",
    nav_order=2,
    layout=lambda **_q: _page(
        _("Coordinators"), _("This page is for signed-in coordinators. Sign-in is not available yet.")
    ),
)
dash.register_page(
    "coordinator_data",
    path="/coordinator/data",
    name="Data",
    title="Data · MMC Iraq",
    layout=lambda **_q: _page(
        _("Load data"), _("This page is for signed-in coordinators. Sign-in is not available yet.")
    ),
)
dash.register_page(
    "login",
    path="/login",
    name="Sign in",
    title="Sign in · MMC Iraq",
    nav_order=3,
    layout=lambda **_q: _page(_("Sign in"), _("Sign-in is not available yet.")),
)
