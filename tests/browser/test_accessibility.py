"""WCAG 2.1 A and AA on every page and state, as axe-core (vendored: tests/browser/vendor, MPL-2.0) finds them in
headless Chromium, at a desktop and a phone width; and what axe cannot see: no sideways scroll on a phone, a menu
that reaches every page there, a skip link first in the Tab order, `<html lang dir>`."""

from __future__ import annotations

from pathlib import Path

import pytest
from dash.testing.wait import until

from dashboard.web import ids
from tests.browser.conftest import severe_logs, sign_in_in_browser, wait_for_callbacks
from tests.helpers import add_coordinator

AXE = (Path(__file__).parent / "vendor" / "axe-4.14.1.min.js").read_text(encoding="utf-8")
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PUBLIC = [
    "/",
    "/trends",
    "/briefing?screen=figures",
    "/briefing?screen=map",
    "/briefing?screen=trends",
    "/formats",
    "/login",
    "/no-such-page",
]
COORDINATOR = ["/", "/trends", "/coordinator", "/briefing?screen=gaps", "/login"]
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
BAD_RECORDS = (
    "date,clinic_code,camp_code,syndrome,sex,age_group,consultations,referrals\n2018-02-30,X,Q9,flu,f,5plus,1,3\n"
)


def violations(dash_duo) -> list[str]:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is now, one line each with the elements at fault."""
    dash_duo.driver.execute_script(AXE)
    found = dash_duo.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        "  .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at '"
        "    + v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').split('\\n')[1])"
        "      .join('; '))))"
        "  .catch(e => done(['axe failed: ' + e]));",
        RULES,
    )
    for line in found:  # printed whole: pytest cuts long assertion values
        print("axe:", line)
    return found


def sideways_scroll(dash_duo) -> int:
    """How many pixels the page scrolls sideways (0 when it fits the window)."""
    return dash_duo.driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def _visit(dash_duo, path: str) -> None:
    if path.startswith("/login"):  # a plain page rendered on the server, not the app
        dash_duo.driver.get(dash_duo.server_url + path)
        dash_duo.wait_for_element(f"#{ids.DEMO_BANNER}", timeout=20)
        return
    dash_duo.wait_for_page(dash_duo.server_url + path)
    dash_duo.wait_for_element(f"#{ids.DEMO_BANNER}", timeout=20)
    wait_for_callbacks(dash_duo)
    until(lambda: not dash_duo.find_elements(".mmc-part .mmc-skeleton"), timeout=30)


@pytest.fixture
def duo(dash_duo, demo_app):
    add_coordinator(demo_app.server.config["MMC_ENGINE"])
    dash_duo.start_server(demo_app)
    return dash_duo


@pytest.mark.parametrize("width", list(WIDTHS))
def test_public_pages_have_no_violation_and_fit_the_screen(duo, width):
    duo.driver.set_window_size(*WIDTHS[width])
    for path in PUBLIC:
        _visit(duo, path)
        assert duo.driver.execute_script("return [document.documentElement.lang, document.documentElement.dir]") == [
            "en",
            "ltr",
        ]
        assert violations(duo) == [], path
        assert sideways_scroll(duo) == 0, path
        assert len(duo.find_elements("h1")) >= 1, path
    # (the browser logs the unknown page's 404 status, which is what it should get)
    assert [log for log in severe_logs(duo) if "/no-such-page - " not in log] == []


@pytest.mark.parametrize("width", list(WIDTHS))
def test_coordinator_pages_have_no_violation_and_fit_the_screen(duo, width, tmp_path):
    duo.driver.set_window_size(*WIDTHS[width])
    sign_in_in_browser(duo, "/coordinator")
    for path in COORDINATOR:
        _visit(duo, path)
        assert violations(duo) == [], path
        assert sideways_scroll(duo) == 0, path
    # the data page with a file's errors listed
    _visit(duo, "/coordinator/data?kind=records")
    (tmp_path / "bad.csv").write_text(BAD_RECORDS, encoding="utf-8")
    duo.find_element(f"#{ids.DATA_UPLOAD} input[type=file]").send_keys(str(tmp_path / "bad.csv"))
    duo.wait_for_contains_text(f"#{ids.DATA_RESULT}", "nothing was loaded", timeout=30)
    assert violations(duo) == []
    assert sideways_scroll(duo) == 0


def test_a_phone_reaches_every_page_through_the_menu(duo):
    duo.driver.set_window_size(*WIDTHS["phone"])
    _visit(duo, "/")
    assert not duo.find_element(f"#{ids.NAV}").is_displayed()
    duo.find_element(f"#{ids.MENU_BUTTON}").click()
    until(lambda: [a.text for a in duo.find_elements(f"#{ids.MENU} a")][:2] == ["Overview", "Trends"], 10)
    assert violations(duo) == []  # (the menu open)
    duo.driver.switch_to.active_element.send_keys("\ue00c")  # Escape closes it, its button keeps the focus
    until(lambda: not duo.find_element(f"#{ids.MENU}").is_displayed(), timeout=10)
    assert duo.driver.switch_to.active_element.get_attribute("id") == ids.MENU_BUTTON
    duo.find_element(f"#{ids.MENU_BUTTON}").click()
    until(lambda: duo.find_element(f"#{ids.MENU}").is_displayed(), timeout=10)
    next(a for a in duo.find_elements(f"#{ids.MENU} a") if a.text == "Trends").click()
    until(lambda: duo.driver.current_url.endswith("/trends"), timeout=10)
    duo.wait_for_element(f"#{ids.PERIOD_TEXT}", timeout=20)


def test_the_skip_link_is_the_first_tab_stop_and_moves_to_the_content(duo):
    _visit(duo, "/")
    body = duo.find_element("body")
    body.send_keys("\ue004")  # Tab
    focused = duo.driver.switch_to.active_element
    assert focused.text == "Skip to the content"
    assert focused.is_displayed()  # shown once focused
    focused.send_keys("\ue007")  # Enter
    until(lambda: duo.driver.current_url.endswith("#main-content"), timeout=5)
