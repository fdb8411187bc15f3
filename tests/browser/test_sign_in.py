"""A coordinator signs in through the form, sees the coordinators' page, and signs out."""

from __future__ import annotations

from dash.testing.wait import until
from selenium.webdriver.common.by import By

from dashboard.web import ids
from tests.browser.conftest import severe_logs
from tests.helpers import PASSWORD, add_coordinator


def test_anonymous_visitor_cannot_open_the_coordinator_page(dash_duo, demo_app):
    dash_duo.start_server(demo_app)
    dash_duo.wait_for_page(dash_duo.server_url + "/coordinator")
    dash_duo.wait_for_element(f"#{ids.SIGN_IN_REQUIRED}", timeout=20)
    assert not dash_duo.driver.find_elements(By.ID, ids.CLINIC_GRID)


def test_coordinator_signs_in_sees_units_and_signs_out(dash_duo, demo_app):
    add_coordinator(demo_app.server.config["MMC_ENGINE"])
    dash_duo.start_server(demo_app)
    dash_duo.driver.get(dash_duo.server_url + "/login?next=/coordinator")
    dash_duo.wait_for_element(f"#{ids.LOGIN_USERNAME}", timeout=20).send_keys("carol")
    dash_duo.find_element(f"#{ids.LOGIN_PASSWORD}").send_keys("wrong-password!")
    dash_duo.find_element(f"#{ids.LOGIN_SUBMIT}").click()
    dash_duo.wait_for_contains_text(f"#{ids.LOGIN_ERROR}", "not right", timeout=20)

    dash_duo.find_element(f"#{ids.LOGIN_USERNAME}").send_keys("carol")
    dash_duo.find_element(f"#{ids.LOGIN_PASSWORD}").send_keys(PASSWORD)
    dash_duo.find_element(f"#{ids.LOGIN_SUBMIT}").click()
    until(lambda: dash_duo.driver.current_url.endswith("/coordinator"), timeout=20)
    dash_duo.wait_for_element(f"#{ids.CLINIC_GRID} .ag-row", timeout=20)
    assert "DEMO-MMC-" in dash_duo.find_element(f"#{ids.CLINIC_GRID}").text
    dash_duo.wait_for_contains_text(f"#{ids.USER_MENU}", "carol (coordinator)")

    dash_duo.find_element(f"#{ids.SIGN_OUT}").click()
    until(lambda: dash_duo.driver.current_url.rstrip("/") == dash_duo.server_url.rstrip("/"), timeout=20)
    dash_duo.wait_for_text_to_equal(f"#{ids.USER_MENU}", "Sign in", timeout=20)
    dash_duo.wait_for_page(dash_duo.server_url + "/coordinator")
    dash_duo.wait_for_element(f"#{ids.SIGN_IN_REQUIRED}", timeout=20)
    assert severe_logs(dash_duo) == []


def test_the_english_sign_in_page_stays_a_few_kilobytes_with_the_other_languages_named(dash_duo, demo_app):
    """The form names Arabic and Kurdish in their own letters without fetching the shipped Arabic font (49 KB, most
    of a 3 KB page's weight); the Arabic form does use it."""
    dash_duo.start_server(demo_app)
    resources = "return performance.getEntriesByType('resource').map(r => [r.name, r.transferSize])"

    dash_duo.driver.get(dash_duo.server_url + "/login?lang=en")
    dash_duo.wait_for_element(f"#{ids.LOGIN_USERNAME}", timeout=20)
    assert "العربية" in dash_duo.driver.find_element(By.TAG_NAME, "header").text
    until(lambda: dash_duo.driver.execute_script("return document.fonts.status") == "loaded", timeout=10)
    fetched = dash_duo.driver.execute_script(resources)
    assert not [name for name, _size in fetched if name.endswith(".woff2")], fetched
    assert sum(size for _name, size in fetched) < 10_000, fetched

    dash_duo.driver.get(dash_duo.server_url + "/login?lang=ar")
    dash_duo.wait_for_element(f"#{ids.LOGIN_USERNAME}", timeout=20)
    until(lambda: dash_duo.driver.execute_script("return document.fonts.status") == "loaded", timeout=10)
    assert [name for name, _size in dash_duo.driver.execute_script(resources) if name.endswith(".woff2")]
