"""What a request needs from the running app: its settings and its database engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app

from dashboard.config import Settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def settings() -> Settings:
    return current_app.config["MMC_SETTINGS"]


def engine() -> Engine:
    return current_app.config["MMC_ENGINE"]
