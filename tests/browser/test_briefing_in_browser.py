"""Briefing mode in the browser: the arrow keys move between screens, and the URL reproduces a screen."""

from __future__ import annotations

from dash.testing.wait import until
from selenium.webdriver.common.keys import Keys

from dashboard.web import ids
from tests.browser.conftest import severe_logs


def test_arrow_keys_move_between_screens_and_the_url_follows(dash_duo, demo_app):
    dash_duo.start_server(demo_app)
    dash_duo.wait_for_page(dash_duo.server_url + "/briefing?start=2018-10-01&end=2018-12-30")
    dash_duo.wait_for_element(f"#{ids.BRIEFING_SCREEN}-figures", timeout=20)
    body = dash_duo.find_element("body")
    body.send_keys(Keys.ARROW_RIGHT)
    dash_duo.wait_for_element(f"#{ids.BRIEFING_SCREEN}-map", timeout=20)
    until(lambda: "screen=map" in dash_duo.driver.current_url, timeout=10)
    assert "start=2018-10-01" in dash_duo.driver.current_url
    until(lambda: len(dash_duo.find_elements(".camp-marker")) == 31, timeout=20)
    dash_duo.find_element("body").send_keys(Keys.ARROW_RIGHT)
    dash_duo.wait_for_element(f"#{ids.BRIEFING_SCREEN}-trends .js-plotly-plot", timeout=20)
    dash_duo.find_element("body").send_keys(Keys.ARROW_LEFT)
    dash_duo.wait_for_element(f"#{ids.BRIEFING_SCREEN}-map", timeout=20)
    dash_duo.driver.back()
    dash_duo.wait_for_element(f"#{ids.BRIEFING_SCREEN}-trends", timeout=20)
    assert severe_logs(dash_duo) == []


def test_a_link_reproduces_a_screen(dash_duo, demo_app):
    dash_duo.start_server(demo_app)
    dash_duo.wait_for_page(dash_duo.server_url + "/briefing?screen=trends&start=2018-11-05&end=2018-11-25")
    dash_duo.wait_for_contains_text(f"#{ids.BRIEFING_SCREEN}-trends", "05 Nov 2018 to 25 Nov 2018", timeout=20)
    assert "3 of 3" in dash_duo.find_element(".briefing-position").text
