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


def severe_logs(dash_duo) -> list[str]:
    """The browser console's errors, as their whole messages (so that a failing test says what went wrong)."""
    found = [entry["message"] for entry in dash_duo.get_logs() or [] if entry.get("level") == "SEVERE"]
    for message in found:  # printed whole: pytest shows a failing test's output, but cuts long assertion values
        print("browser console error:", message)
    return found
