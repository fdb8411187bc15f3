"""What a request needs from the running app: its settings and its database engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app

from dashboard.config import Settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


# what is the same for every visitor and in every language: scripts, styles, fonts, the map's layers
STATIC_PATHS = ("/_dash-component-suites/", "/assets/", "/map/", "/_favicon")


def page_at(path: str) -> dict | None:
    """The app's page (its dash.page_registry entry) at `path`, with or without a trailing slash; None for a path
    that is no page (the not-found page shows)."""
    import dash

    path = path.rstrip("/") or "/"
    return next((p for p in dash.page_registry.values() if (p["path"].rstrip("/") or "/") == path), None)


def settings() -> Settings:
    return current_app.config["MMC_SETTINGS"]


def engine() -> Engine:
    return current_app.config["MMC_ENGINE"]
