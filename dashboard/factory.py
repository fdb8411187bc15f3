"""Building the Dash app: database, server configuration, pages and the shell."""

from __future__ import annotations

from dash import Dash

from dashboard import setup, shell
from dashboard.boundaries import load_boundaries
from dashboard.config import ROOT, Settings
from dashboard.i18n import _


def build(settings: Settings) -> Dash:
    load_boundaries(settings.boundaries_file or None)  # a bad BOUNDARIES_FILE stops the start with its reason
    engine = setup.prepare(settings)
    app = Dash(
        "dashboard",
        use_pages=True,
        pages_folder="pages",
        assets_folder=str(ROOT / "assets"),
        title=_("Mobile Medical Clinics, Iraq"),
        update_title=None,
        suppress_callback_exceptions=True,
        serve_locally=True,
    )
    app.server.config.update(MMC_SETTINGS=settings, MMC_ENGINE=engine, SECRET_KEY=settings.secret_key)
    app.layout = shell.layout
    return app
