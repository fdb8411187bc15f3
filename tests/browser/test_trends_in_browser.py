"""Trends in the browser: a filter changes the charts and the link, and the back button restores the view."""

from __future__ import annotations

import json

from dash.testing.wait import until
from selenium.webdriver.common.keys import Keys

from dashboard.web import ids
from tests.browser.conftest import severe_logs, sign_in_in_browser, wait_for_callbacks
from tests.helpers import add_coordinator

CHART = json.dumps({"chart": "governorate", "type": ids.CHART}, separators=(",", ":"))


EXPECTED_IMAGE = json.dumps({"chart": "expected", "type": ids.CHART_IMAGE}, separators=(",", ":"))


def _periods_drawn(dash_duo) -> list[str]:
    """The first and last period of the public's expected-caseload chart (a picture drawn on the server), as a
    pointer over it names them."""
    return dash_duo.driver.execute_script(
        "const img = document.getElementById(arguments[0]);"
        "if (!img || !img.getAttribute('data-hover')) return [];"
        "const weeks = JSON.parse(img.getAttribute('data-hover')).weeks;"
        "return [weeks[0], weeks[weeks.length - 1]];",
        EXPECTED_IMAGE,
    )


def _layout_shift(dash_duo) -> float:
    """The page's layout shifts so far, as Lighthouse counts them (CLS)."""
    return dash_duo.driver.execute_async_script(
        "const done = arguments[arguments.length - 1]; let total = 0;"
        "new PerformanceObserver(l => l.getEntries().forEach(e => { if (!e.hadRecentInput) total += e.value; }))"
        "  .observe({type: 'layout-shift', buffered: true});"
        "setTimeout(() => done(total), 300);"
    )


def test_a_preset_changes_chart_and_link_and_back_restores_it(dash_duo, demo_app):
    """The public's charts are pictures drawn on the server: no plotly.js, and they follow the link."""
    dash_duo.start_server(demo_app)
    dash_duo.driver.set_window_size(1366, 900)
    dash_duo.wait_for_page(dash_duo.server_url + "/trends?start=2018-10-01&end=2018-12-30")
    until(lambda: _periods_drawn(dash_duo) == ["Week of 01 Oct 2018", "Week of 24 Dec 2018"], timeout=30)
    until(lambda: len(dash_duo.find_elements("img.mmc-chart-image")) == 6, timeout=30)  # every public chart
    loaded = "return performance.getEntriesByType('resource').some(e => e.name.includes('plotly-basic'))"
    assert dash_duo.driver.execute_script(loaded) is False
    wait_for_callbacks(dash_duo)
    assert _layout_shift(dash_duo) <= 0.05  # the pictures arrived in the room kept for them
    # a chart's figures as a table are made when its fold is first opened, by keyboard as by pointer
    summary = json.dumps({"chart": "syndrome", "type": ids.CHART_TABLE_OPEN}, separators=(",", ":"))
    assert not dash_duo.find_elements(".mmc-chart-data table")
    fold = dash_duo.driver.execute_script(
        "const el = document.getElementById(arguments[0]);el.scrollIntoView({block: 'center'}); el.focus(); return el;",
        summary,
    )
    fold.send_keys(Keys.ENTER)
    until(lambda: len(dash_duo.find_elements(".mmc-chart-data table tbody tr")) == 13, timeout=20)  # 13 weeks
    headers = [h.text for h in dash_duo.find_elements(".mmc-chart-data table thead th")]
    assert headers[0] == "Period"
    assert "Acute respiratory infection" in headers
    until(
        lambda: dash_duo.driver.execute_script(
            "const box = document.getElementById(arguments[0]);"
            "const labels = box ? Array.from(box.querySelectorAll('label')) : [];"
            "const option = labels.find(l => l.textContent.trim() === 'Months');"
            "if (option) { option.click(); return true; } return false;",
            ids.TRENDS_FREQ,
        ),
        timeout=10,
    )
    until(lambda: "freq=month" in dash_duo.driver.current_url, timeout=20)
    until(lambda: _periods_drawn(dash_duo) == ["October 2018", "December 2018"], timeout=30)
    assert "start=2018-10-01" in dash_duo.driver.current_url
    dash_duo.driver.back()
    until(lambda: "freq=month" not in dash_duo.driver.current_url, timeout=20)
    until(lambda: _periods_drawn(dash_duo) == ["Week of 01 Oct 2018", "Week of 24 Dec 2018"], timeout=30)
    assert severe_logs(dash_duo) == []


def test_a_bad_link_keeps_its_notice_until_the_reader_changes_a_filter(dash_duo, demo_app):
    """Controls report their values as they are drawn; that must not replace the link before anyone reads why."""
    dash_duo.start_server(demo_app)
    dash_duo.wait_for_page(dash_duo.server_url + "/trends?start=2018-02-30&syndrome=flu")
    dash_duo.wait_for_contains_text("#_pages_content", "The link's start was not understood", timeout=30)
    until(lambda: len(_periods_drawn(dash_duo)) == 2, timeout=30)
    wait_for_callbacks(dash_duo)  # every control's first report has gone round
    assert dash_duo.driver.current_url.endswith("/trends?start=2018-02-30&syndrome=flu")
    assert "The link's start was not understood" in dash_duo.find_element("#_pages_content").text
    dash_duo.driver.execute_script(
        "Array.from(document.getElementById(arguments[0]).querySelectorAll('label'))"
        ".find(l => l.textContent.trim() === 'Months').click();",
        ids.TRENDS_FREQ,
    )
    until(lambda: "freq=month" in dash_duo.driver.current_url, timeout=20)
    assert severe_logs(dash_duo) == []


def test_a_coordinator_finds_a_camp_among_many_by_typing(dash_duo, demo_app, monkeypatch):
    """Beyond PICKER_ALL camps the picker is filled from the server as the coordinator types."""
    from dashboard.data import users
    from dashboard.server import auth
    from dashboard.web.pages import trends

    monkeypatch.setattr(trends, "PICKER_ALL", 5)  # the demo's 31 camps count as many
    users.add_user(
        demo_app.server.config["MMC_ENGINE"], "carol", auth.hash_password("correct-horse-battery"), "coordinator"
    )
    dash_duo.start_server(demo_app)
    dash_duo.driver.get(dash_duo.server_url + "/login?next=/trends")
    dash_duo.wait_for_element(f"#{ids.LOGIN_USERNAME}", timeout=20).send_keys("carol")
    dash_duo.find_element(f"#{ids.LOGIN_PASSWORD}").send_keys("correct-horse-battery")
    dash_duo.find_element(f"#{ids.LOGIN_SUBMIT}").click()
    picker = dash_duo.wait_for_element(f"#{ids.TRENDS_CAMP}", timeout=30)
    assert "Type to search 31" in picker.get_attribute("placeholder")
    picker.click()
    picker.send_keys("berseve")

    def options():  # the camp picker's own list (the other pickers' lists are in the page too)
        return dash_duo.driver.execute_script(
            "const list = document.getElementById(arguments[0].getAttribute('aria-controls'));"
            "return list ? Array.from(list.querySelectorAll('[role=option]')).map(o => o.textContent.trim()) : [];",
            picker,
        )

    until(lambda: options() == ["Berseve 1", "Berseve 2"], timeout=20)
    option = dash_duo.driver.execute_script(
        "return Array.from(document.getElementById(arguments[0].getAttribute('aria-controls'))"
        ".querySelectorAll('[role=option]')).find(o => o.textContent.trim() === 'Berseve 2');",
        picker,
    )
    option.click()
    until(lambda: "camp=DEMO-DA-03" in dash_duo.driver.current_url, timeout=20)
    assert severe_logs(dash_duo) == []


def test_a_coordinator_sees_the_alerts_on_the_governorates(dash_duo, demo_app):
    """The alert map has the governorates' outlines under the alerts, not alerts on an empty background."""
    from tests.helpers import add_coordinator

    add_coordinator(demo_app.server.config["MMC_ENGINE"])
    dash_duo.start_server(demo_app)
    sign_in_in_browser(dash_duo, "/trends?start=2018-10-01&end=2018-12-30")
    until(lambda: len(dash_duo.find_elements(f"#{ids.ALERT_MAP} .alert-marker")) > 5, timeout=30)
    outlines = f"#{ids.ALERT_MAP} .leaflet-alert-outlines-pane path"
    until(lambda: len(dash_duo.find_elements(outlines)) == 18, timeout=20)  # every governorate of Iraq
    # the alerts are drawn above the outlines: the point at an alert's centre is the alert
    on_top = dash_duo.driver.execute_script(
        """
        const marker = document.querySelector('#' + arguments[0] + ' .alert-marker');
        const box = marker.getBoundingClientRect();
        marker.scrollIntoView({block: 'center'});
        const again = marker.getBoundingClientRect();
        const hit = document.elementFromPoint(again.left + again.width / 2, again.top + again.height / 2);
        return hit === marker || marker.contains(hit);
        """,
        ids.ALERT_MAP,
    )
    assert on_top
    assert severe_logs(dash_duo) == []


def _y_axes(dash_duo) -> list:
    """Each small panel's y-axis range as the plot draws it (plotly's full layout)."""
    return dash_duo.driver.execute_script(
        "const box = document.getElementById(arguments[0]);"
        "const el = box && (box.classList.contains('js-plotly-plot') ? box : box.querySelector('.js-plotly-plot'));"
        "if (!el || !el._fullLayout) return [];"
        "return Object.keys(el._fullLayout).filter(k => /^yaxis\\d*$/.test(k)).sort()"
        "  .map(k => el._fullLayout[k].range.map(v => Math.round(v)));",
        CHART,
    )


def test_small_multiples_share_a_scale_from_zero_until_freed_and_nothing_shifts(dash_duo, demo_app):
    """A coordinator's charts are plotly's (the public's are pictures, on one scale)."""
    from tests.helpers import add_coordinator

    add_coordinator(demo_app.server.config["MMC_ENGINE"])
    dash_duo.start_server(demo_app)
    dash_duo.driver.set_window_size(1366, 900)
    sign_in_in_browser(dash_duo, "/trends?start=2018-10-01%26end=2018-12-30")
    until(lambda: len(_y_axes(dash_duo)) == 7, timeout=30)
    ranges = _y_axes(dash_duo)
    assert all(r == ranges[0] for r in ranges)  # one scale: the panels compare
    assert ranges[0][0] == 0
    wait_for_callbacks(dash_duo)
    # the charts arrived in places their size was kept for: the page did not jump (CLS, as Lighthouse counts it)
    assert _layout_shift(dash_duo) <= 0.05
    dash_duo.find_element(f"#{ids.FREE_SCALES}").click()
    until(lambda: len({tuple(r) for r in _y_axes(dash_duo)}) > 1, timeout=10)  # each panel its own scale
    assert severe_logs(dash_duo) == []


def test_a_phone_shows_the_small_panels_in_two_columns(dash_duo, demo_app):
    """The public's governorates in small panels: on a phone's width the picture made for it (two columns); the
    filters one under another, each as wide as the column."""
    dash_duo.start_server(demo_app)
    dash_duo.driver.set_window_size(390, 844)
    dash_duo.wait_for_page(dash_duo.server_url + "/trends?start=2018-10-01&end=2018-12-30")
    until(lambda: dash_duo.find_elements(".mmc-chart-picture img"), timeout=30)
    shown = (
        "const p = document.querySelector('.mmc-chart-picture');"
        "return [p.querySelector('img').currentSrc, p.querySelector('source').srcset];"
    )
    until(lambda: (lambda s: s[0] == s[1])(dash_duo.driver.execute_script(shown)), timeout=10)
    width = dash_duo.driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390  # the page itself does not scroll sideways
    fields = "return [...document.querySelectorAll('.mantine-InputWrapper-root')].map(e => e.offsetWidth)"
    widths = dash_duo.driver.execute_script(fields)
    assert len(widths) == 3  # period, governorates, syndrome: each the width of the column
    assert len(set(widths)) == 1
    assert severe_logs(dash_duo) == []


def test_a_coordinator_s_filters_on_a_phone_are_each_as_wide_as_the_column(dash_duo, demo_app):
    """A coordinator's /trends has two pickers more (unit, camp): on a phone each is as wide as the others."""
    add_coordinator(demo_app.server.config["MMC_ENGINE"])
    dash_duo.start_server(demo_app)
    dash_duo.driver.set_window_size(390, 844)
    sign_in_in_browser(dash_duo, "/trends?start=2018-10-01&end=2018-12-30")
    dash_duo.wait_for_element(f"#{ids.TRENDS_CAMP}", timeout=30)
    fields = "return [...document.querySelectorAll('.mantine-InputWrapper-root')].map(e => e.offsetWidth)"
    widths = dash_duo.driver.execute_script(fields)
    assert len(widths) == 5  # period, governorates, syndrome, unit, camp
    assert len(set(widths)) == 1
    assert severe_logs(dash_duo) == []


def test_a_charts_csv_downloads_from_its_button_and_drawing_the_page_asks_only_for_its_parts(dash_duo, demo_app):
    """Drawing /trends asks the server for its parts only (the page itself comes in its HTML, web/firstpaint.py; no
    callback is called to answer nothing), and a chart's "Download CSV" gives that chart's figures with their HXL
    row."""
    from pathlib import Path

    dash_duo.start_server(demo_app)
    dash_duo.wait_for_page(dash_duo.server_url + "/trends?start=2018-10-01&end=2018-12-30")
    until(lambda: len(dash_duo.find_elements("img.mmc-chart-image")) == 6, timeout=30)
    wait_for_callbacks(dash_duo)
    asked = dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource').filter(e => e.name.includes('_dash-update')).length"
    )
    parts = len(dash_duo.find_elements('[id*=\'"type":"part"\']'))
    assert parts >= 6
    assert asked == parts  # each part once
    button = json.dumps({"chart": "syndrome", "type": ids.CSV_BUTTON}, separators=(",", ":"))
    dash_duo.driver.execute_script(
        "const b = document.getElementById(arguments[0]); b.scrollIntoView({block: 'center'}); b.click();", button
    )
    until(lambda: list(Path(dash_duo.download_path).glob("*.csv")), timeout=20)
    [saved] = Path(dash_duo.download_path).glob("*.csv")
    text = saved.read_text(encoding="utf-8-sig")
    assert "#indicator" in text  # the HXL row
    assert "2018-10-01" in text
    assert severe_logs(dash_duo) == []
