"""The page as first sent (web/firstpaint.py) in the browser: readable before any script has run, in the places
where Dash then draws the same page, and gone once Dash has drawn it, without a shift."""

from __future__ import annotations

import shutil

from dash.testing.wait import until
from selenium import webdriver
from selenium.webdriver.chrome.options import Options

from dashboard.web import firstpaint, ids

# What a reader sees first, and where: the header, the demo notice, the heading, the four figures, the map's place and
# the chart (each found by its class: the first paint has no ids).
OVERVIEW = ["header.mmc-header", ".mmc-alert", "h1.mmc-title", ".mmc-card", ".mmc-map", "img.mmc-chart-image"]
PLACES = """
return arguments[0]
    .flatMap(selector => [...document.querySelectorAll(selector)])
    .filter(element => element.getClientRects().length)
    .map(element => {
        const box = element.getBoundingClientRect();
        return [element.tagName, element.className, Math.round(box.x), Math.round(box.y),
                Math.round(box.width), Math.round(box.height), element.textContent.trim().slice(0, 60)];
    });
"""
SHIFTS = """
const done = arguments[arguments.length - 1];
new PerformanceObserver(list => done(list.getEntries().reduce((sum, shift) => sum + shift.value, 0)))
    .observe({type: 'layout-shift', buffered: true});
setTimeout(() => done(0), 1000);
"""


def _without_scripts(size: dict):
    """A second headless Chromium, of the same window size, that runs no script: the page as first sent, alone."""
    options = Options()
    options.binary_location = shutil.which("chromium") or shutil.which("google-chrome") or ""
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", f"--window-size={size['width']},1000"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    return webdriver.Chrome(options=options)


def test_the_overview_is_readable_at_once_where_dash_draws_it_and_gives_way_without_a_shift(dash_duo, demo_app):
    dash_duo.driver.set_window_size(1280, 1000)
    dash_duo.start_server(demo_app)
    dash_duo.wait_for_element(f"img#{ids.OVERVIEW_CHART}", timeout=20)
    dash_duo.wait_for_element(f"#{ids.OVERVIEW_MAP} .leaflet-overlay-pane path", timeout=20)
    first_paint_left = f"return !!document.getElementById('{firstpaint.ELEMENT_ID}')"
    until(lambda: not dash_duo.driver.execute_script(first_paint_left), timeout=10)
    drawn = dash_duo.driver.execute_script(PLACES, OVERVIEW)
    shifted = dash_duo.driver.execute_async_script(SHIFTS)
    asked = dash_duo.driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")

    plain = _without_scripts(dash_duo.driver.get_window_size())
    try:
        plain.get(dash_duo.server_url + "/")
        first = plain.execute_script(PLACES, OVERVIEW)
        links = plain.execute_script("return [...document.querySelectorAll('header a')].map(a => a.textContent)")
    finally:
        plain.quit()

    assert len(first) == 9
    assert "Mobile Medical Clinics for displaced people" in first[2][-1]
    assert [place[2:6] for place in first] == [place[2:6] for place in drawn]  # the same pieces in the same places
    said = [[place[-1] for place in seen if "mmc-map" not in place[1]] for seen in (first, drawn)]
    assert said[0] == said[1]  # saying the same (the map is Leaflet's)
    assert "Trends" in links
    assert "Sign in" in links
    assert shifted < 0.05
    # the router's answer came as the GET the page preloads (web/document.py), and no callback was asked for
    assert [name.split("?")[0].rsplit("/", 1)[-1] for name in asked if "_dash-page" in name] == ["_dash-page"]
    assert not [name for name in asked if "_dash-update-component" in name]


def _first_and_drawn(dash_duo, app, path: str, ready: str, places: list[str]) -> tuple[list, list]:
    """The boxes of `places` on `app`'s page at `path` as first sent (scripts off) and once Dash has drawn it (`ready`
    there, and the first paint gone), at 1280 x 900."""
    dash_duo.driver.set_window_size(1280, 900)
    dash_duo.start_server(app)
    dash_duo.wait_for_page(dash_duo.server_url + path)
    dash_duo.wait_for_element(ready, timeout=20)
    first_paint_left = f"return !!document.getElementById('{firstpaint.ELEMENT_ID}')"
    until(lambda: not dash_duo.driver.execute_script(first_paint_left), timeout=10)
    drawn = dash_duo.driver.execute_script(PLACES, places)
    plain = _without_scripts(dash_duo.driver.get_window_size())
    try:
        plain.get(dash_duo.server_url + path)
        return plain.execute_script(PLACES, places), drawn
    finally:
        plain.quit()


def test_the_briefing_as_first_sent_is_where_dash_draws_it(dash_duo, demo_app):
    """The briefing's slide takes the demo notice's place (its own line says "Demo data"): so does its first paint, and
    the slide starts where Dash's does."""
    places = ["header.mmc-header", ".mmc-alert", "h1.briefing-title", ".briefing-number", ".briefing-footer"]
    first, drawn = _first_and_drawn(dash_duo, demo_app, "/briefing", f"#{ids.BRIEFING_SCREEN}-figures-title", places)
    assert [place[0] for place in first] == ["HEADER", "H1", "DIV", "DIV", "DIV", "DIV", "FOOTER"]  # (no notice)
    # where the slide starts (the title's size is then fitted to the window by assets/briefing.js)
    assert first[1][3] == drawn[1][3] == 76


# Where each of these words is written on the page (the first text that starts with it): the trends' heading, its
# filters' labels and choices, its note; and the top of each of its parts.
WORDS_PLACES = """
const places = arguments[0].map(wanted => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(node);
        const box = range.getBoundingClientRect();
        if (box.width && node.textContent.trim().startsWith(wanted)) {
            return [wanted, Math.round(box.x), Math.round(box.y)];
        }
    }
    return [wanted, null, null];
});
return places.concat([...document.querySelectorAll('.mmc-part')].map(
    part => ['part', Math.round(part.getBoundingClientRect().x), Math.round(part.getBoundingClientRect().y)]));
"""
TRENDS_WORDS = ["Caseload trends", "4 weeks", "Period", "Governorates", "Syndrome", "Weeks", "Months", "To protect"]


def test_the_trends_as_first_sent_are_where_dash_draws_them(dash_duo, demo_app):
    """A page drawn with Mantine: its heading, period line, filters (showing what is chosen) and note are in the page
    as first sent, in Mantine's places, and its parts' blocks where Dash lays them (two columns on a laptop): nothing
    jumps when Dash draws it."""
    first, drawn = _first_and_drawn(
        dash_duo, demo_app, "/trends", f"#{ids.PERIOD_TEXT}", ["header.mmc-header", ".mmc-alert", "h1"]
    )
    assert [place[-1] for place in first] == [place[-1] for place in drawn]
    assert first[-1][-1] == "Caseload trends"
    assert [place[2:6] for place in first] == [place[2:6] for place in drawn]

    dash_duo.wait_for_element(f"#{ids.TRENDS_PRESET}")
    words_drawn = dash_duo.driver.execute_script(WORDS_PLACES, TRENDS_WORDS)
    plain = _without_scripts(dash_duo.driver.get_window_size())
    try:
        plain.get(dash_duo.server_url + "/trends")
        words_first = plain.execute_script(WORDS_PLACES, TRENDS_WORDS)
    finally:
        plain.quit()
    assert [place[0] for place in words_first][: len(TRENDS_WORDS) + 6] == TRENDS_WORDS + ["part"] * 6  # six charts
    assert [place[0] for place in words_drawn] == [place[0] for place in words_first]
    columns = [sorted({place[1] for place in seen if place[0] == "part"}) for seen in (words_first, words_drawn)]
    assert len(columns[0]) == 2  # two columns, as Mantine's grid lays them
    assert columns[0] == columns[1]
    # (the parts below the first move as they come: their blocks' heights are estimates)
    for (word, x, y), (_word, drawn_x, drawn_y) in zip(words_first, words_drawn[: len(TRENDS_WORDS) + 1], strict=False):
        assert y is not None, word
        assert abs(y - drawn_y) <= 1, (word, y, drawn_y)  # (a pixel: Mantine's line heights are fractions)
        if word not in ("Weeks", "Months"):  # (centred in their segments, whose widths follow the font)
            assert abs(x - drawn_x) <= 1, (word, x, drawn_x)
