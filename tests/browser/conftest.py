"""Browser tests: every test here runs in headless Chromium through dash_duo."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from dash.testing.wait import until

from dashboard.data import schema
from dashboard.ingest import demo, pipeline
from dashboard.web import firstpaint, ids
from tests.helpers import PASSWORD, add_coordinator, make_app

# Dash's test server runs in a thread that is stopped by raising an exception in it: stopped while it wrote a
# request's log line, it kept the logging lock, and the next test hung for good when it logged (seen once: a full run
# waited in Handler.acquire). The request lines are not what the tests read; they are not written.
logging.getLogger("werkzeug").setLevel(logging.WARNING)


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.browser)


@pytest.fixture
def demo_app(tmp_path):
    """The app on a SQLite database holding the last quarter of the demo data."""
    dataset = demo.generate(start=dt.date(2018, 10, 1), end=dt.date(2018, 12, 31))
    return make_app(f"sqlite:///{tmp_path / 'browser.db'}", dataset)


def app_with_files(url: str, files: tuple[tuple[str, str], ...] = ()):
    """The app on a new database at `url` holding `files` (kind, CSV text) loaded as a coordinator would, and the
    coordinator carol."""
    engine = schema.make_engine(url)
    schema.upgrade(engine)
    for kind, content in files:
        assert pipeline.run(engine, kind, content.encode(), f"{kind}.csv", user="setup").loaded
    add_coordinator(engine)
    engine.dispose()
    return make_app(url)


def severe_logs(dash_duo) -> list[str]:
    """The browser console's errors, as their whole messages (so that a failing test says what went wrong)."""
    found = [entry["message"] for entry in dash_duo.get_logs() or [] if entry.get("level") == "SEVERE"]
    for message in found:  # printed whole: pytest shows a failing test's output, but cuts long assertion values
        print("browser console error:", message)
    return found


def wait_for_drawn(dash_duo, timeout: float = 20) -> None:
    """Until Dash has drawn the page and the page as first sent (web/firstpaint.py) is gone: until then a link or
    text found by its words may be the first paint's, which goes from under the test's click."""
    gone = f"return !document.getElementById('{firstpaint.ELEMENT_ID}')"
    until(lambda: dash_duo.driver.execute_script(gone), timeout=timeout)


def wait_for_callbacks(dash_duo, timeout: float = 30) -> None:
    """Until Dash has no callback waiting or running (the controls' first reports of their values included)."""
    until(lambda: dash_duo.redux_state_rqs == [], timeout=timeout)


def sign_in_in_browser(dash_duo, next_path):
    """Sign carol in through the form, as a person does; the form sends her on to `next_path`."""
    dash_duo.driver.get(dash_duo.server_url + f"/login?next={next_path}")  # a plain page, not the app
    dash_duo.wait_for_element(f"#{ids.LOGIN_USERNAME}", timeout=20).send_keys("carol")
    dash_duo.find_element(f"#{ids.LOGIN_PASSWORD}").send_keys(PASSWORD)
    dash_duo.find_element(f"#{ids.LOGIN_SUBMIT}").click()


def chart_lines(dash_duo) -> list[str]:
    """The governorates whose line the overview's chart draws, read from the picture the page shows."""
    until(lambda: dash_duo.find_elements(f"#{ids.OVERVIEW_CHART}"), timeout=20)
    return dash_duo.driver.execute_script(
        "const img = document.getElementById(arguments[0]);"
        "const svg = new DOMParser().parseFromString(atob(img.src.split(',')[1]), 'image/svg+xml');"
        "return [...svg.querySelectorAll('path[data-governorate]')]"
        "  .filter(p => p.getAttribute('d')).map(p => p.getAttribute('data-governorate'));",
        ids.OVERVIEW_CHART,
    )
