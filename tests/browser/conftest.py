"""Browser tests: every test here runs in headless Chromium through dash_duo."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import demo
from tests.conftest import make_app


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.browser)


@pytest.fixture
def demo_app(tmp_path):
    """The app on a SQLite database holding the last quarter of the demo data."""
    dataset = demo.generate(start=dt.date(2018, 10, 1), end=dt.date(2018, 12, 31))
    return make_app(f"sqlite:///{tmp_path / 'browser.db'}", dataset)


def severe_logs(dash_duo) -> list[dict]:
    return [entry for entry in dash_duo.get_logs() or [] if entry.get("level") == "SEVERE"]
