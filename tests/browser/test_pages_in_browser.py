"""What a visitor sees in the browser: the overview's map, figures and chart, and every page of the shell."""

from __future__ import annotations

from dash.testing.wait import until
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from dashboard.data import queries
from dashboard.domain.filters import parse_filters
from dashboard.domain.policy import Audience
from dashboard.services import figures
from dashboard.web import ids
from tests.browser.conftest import chart_lines, severe_logs, sign_in_in_browser, wait_for_drawn

POLYGONS = f"#{ids.OVERVIEW_MAP} .leaflet-overlay-pane path:not(.camp-marker)"


def _count(dash_duo, selector: str) -> int:
    return len(dash_duo.find_elements(selector))


def test_overview_draws_map_figures_and_chart(dash_duo, demo_app):
    dash_duo.start_server(demo_app)
    dash_duo.wait_for_element(f"#{ids.OVERVIEW_MAP}", timeout=20)
    dash_duo.wait_for_text_to_equal(f"#{ids.DEMO_BANNER} .mmc-alert-title", "Demo data (synthetic)")
    # 18 governorate polygons, 31 camp and site markers (29 visited, 2 never), 7 unit badges, 7 name labels.
    until(lambda: _count(dash_duo, POLYGONS) == 18, timeout=20)
    until(lambda: _count(dash_duo, ".camp-marker") == 31, timeout=10)
    assert _count(dash_duo, ".camp-not_reached") >= 2
    # Camps lie above the governorates, whichever layer's data arrived last: no camp is covered by a polygon.
    covered = dash_duo.driver.execute_script(
        """
        return [...document.querySelectorAll('.camp-marker')].filter(m => {
            const r = m.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
            if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) { return false; }
            const top = document.elementFromPoint(x, y);
            return top && top.tagName === 'path' && top.closest('.leaflet-overlay-pane');
        }).length;
        """
    )
    assert covered == 0
    panes = dash_duo.driver.execute_script(
        """
        const z = el => Number(getComputedStyle(el.closest('.leaflet-pane')).zIndex);
        return [z(document.querySelector('.camp-marker')),
                z(document.querySelector('.leaflet-overlay-pane path:not(.camp-marker)'))];
        """
    )
    assert panes[0] > panes[1]  # camps drawn in a pane above the polygons' own
    assert _count(dash_duo, ".unit-badge") == 7
    assert _count(dash_duo, ".gov-label") == 7
    # The weekly chart, a picture drawn on the server: one line for each of the seven governorates.
    assert set(chart_lines(dash_duo)) == {"Anbar", "Baghdad", "Diyala", "Dohuk", "Erbil", "Kirkuk", "Sulaymaniyah"}
    assert (
        dash_duo.driver.execute_script(
            "return arguments[0].naturalWidth", dash_duo.find_element(f"#{ids.OVERVIEW_CHART}")
        )
        > 0
    )
    shown = dash_duo.find_element(f"#{ids.OVERVIEW_FIGURES}").text
    assert "People reached" in shown
    assert "Consultations" in shown
    engine = demo_app.server.config["MMC_ENGINE"]
    status = queries.data_status(engine)
    public = Audience(5, demo_app.server.config["MMC_SETTINGS"].first_day)
    totals = figures.summary(engine, parse_filters({}, status.first_date, status.last_date), public)["totals"]
    assert f"{totals['camps_reached']} / {totals['camps']}" in shown
    assert totals["camps"] == 30  # Bezabize Central closed in June 2018: not counted as missed
    assert severe_logs(dash_duo) == []


def test_plotly_is_loaded_only_by_pages_that_draw_plotly_charts(dash_duo, demo_app):
    """The overview (the page most visitors open first) and the public's trends need no charting library (their
    charts are drawn on the server); a coordinator's trends fetch it."""
    from tests.helpers import add_coordinator

    add_coordinator(demo_app.server.config["MMC_ENGINE"])
    dash_duo.start_server(demo_app)
    dash_duo.wait_for_page(dash_duo.server_url + "/?start=2018-10-01&end=2018-12-30")
    until(lambda: len(chart_lines(dash_duo)) == 7, timeout=20)
    loaded = "return performance.getEntriesByType('resource').some(e => e.name.includes('plotly-basic'))"
    assert dash_duo.driver.execute_script(loaded) is False
    assert dash_duo.driver.execute_script("return typeof window.Plotly") == "undefined"
    dash_duo.driver.find_element(By.LINK_TEXT, "Explore in Trends").click()
    until(lambda: "/trends?start=2018-10-01&end=2018-12-30" in dash_duo.driver.current_url, timeout=10)
    until(lambda: len(dash_duo.find_elements("img.mmc-chart-image")) == 6, timeout=30)
    assert dash_duo.driver.execute_script(loaded) is False
    sign_in_in_browser(dash_duo, "/trends?start=2018-10-01%26end=2018-12-30")
    until(lambda: len(dash_duo.find_elements(".js-plotly-plot .scatterlayer .trace")) >= 7, timeout=30)
    assert dash_duo.driver.execute_script(loaded) is True
    assert severe_logs(dash_duo) == []


def test_a_pointer_over_the_chart_shows_that_weeks_figures(dash_duo, demo_app):
    dash_duo.start_server(demo_app)
    dash_duo.wait_for_page(dash_duo.server_url + "/?start=2018-10-01&end=2018-12-30")
    until(lambda: len(chart_lines(dash_duo)) == 7, timeout=20)
    chart = dash_duo.find_element(f"#{ids.OVERVIEW_CHART}")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", chart)
    for share, week in ((0.99, "Week of 24 Dec 2018"), (0.0, "Week of 01 Oct 2018")):
        dash_duo.driver.execute_script(
            "const box = arguments[0].getBoundingClientRect();"
            "arguments[0].dispatchEvent(new PointerEvent('pointermove', {bubbles: true,"
            " clientX: box.left + box.width * arguments[1], clientY: box.top + box.height / 3}));",
            chart,
            share,
        )
        until(lambda w=week: dash_duo.find_element(".mmc-chart-hover").text.startswith(w), timeout=5)
    text = dash_duo.find_element(".mmc-chart-hover").text
    assert all(f"{name}: " in text for name in ("Anbar", "Dohuk", "Sulaymaniyah"))
    dash_duo.driver.execute_script("document.body.dispatchEvent(new PointerEvent('pointermove', {bubbles: true}))")
    until(lambda: not dash_duo.find_element(".mmc-chart-hover").is_displayed(), timeout=5)


def test_the_charts_figures_as_a_table_are_made_when_its_fold_is_opened(dash_duo, demo_app):
    dash_duo.start_server(demo_app)
    dash_duo.wait_for_page(dash_duo.server_url + "/?start=2018-10-01&end=2018-12-30")
    until(lambda: len(chart_lines(dash_duo)) == 7, timeout=20)
    assert not dash_duo.find_elements(f"#{ids.OVERVIEW_CHART_TABLE}")  # not drawn with the page
    fold = dash_duo.find_element(f"#{ids.OVERVIEW_TABLE_OPEN}")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus()", fold)
    fold.send_keys(Keys.ENTER)
    until(lambda: len(dash_duo.find_elements(f"#{ids.OVERVIEW_CHART_TABLE} tbody tr")) == 13, timeout=20)  # 13 weeks
    headers = [h.text for h in dash_duo.find_elements(f"#{ids.OVERVIEW_CHART_TABLE} thead th")]
    assert headers[0] == "Week"
    assert {"Anbar", "Dohuk", "Sulaymaniyah"} <= set(headers)
    first = [c.text for c in dash_duo.find_elements(f"#{ids.OVERVIEW_CHART_TABLE} tbody tr:first-child td")]
    assert first[0] == "01 Oct 2018"
    assert all(cell.replace(",", "").isdigit() or cell == "–" for cell in first[1:])


def test_hovering_a_camp_shows_its_name_and_status(dash_duo, demo_app):
    dash_duo.start_server(demo_app)
    until(lambda: _count(dash_duo, ".camp-not_reached") >= 1, timeout=20)
    marker = dash_duo.driver.find_element(By.CSS_SELECTOR, ".camp-not_reached")
    # Markers can overlap: hover this one itself rather than whatever lies on top at its centre.
    dash_duo.driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('mouseover', {bubbles: true}))", marker)
    until(lambda: "Not reached" in dash_duo.find_element(".leaflet-tooltip").text, timeout=10)
    assert "Population: " in dash_duo.find_element(".leaflet-tooltip").text


def test_every_page_opens_from_the_navigation_with_the_demo_label(dash_duo, demo_app):
    dash_duo.start_server(demo_app)
    dash_duo.wait_for_element(f"#{ids.NAV}", timeout=20)
    for name, path in (
        ("Briefing", "/briefing"),
        ("Coordinators", "/coordinator"),
        ("Sign in", "/login"),
        ("Overview", "/"),
    ):
        wait_for_drawn(dash_duo)  # (the sign-in page is a plain page: nothing to wait for)
        dash_duo.driver.find_element(By.LINK_TEXT, name).click()
        until(lambda p=path: dash_duo.driver.current_url.endswith(p), timeout=20)
        dash_duo.wait_for_element(f"#{ids.DEMO_BANNER}", timeout=20)
    dash_duo.wait_for_element(f"#{ids.OVERVIEW_MAP}", timeout=20)
    assert severe_logs(dash_duo) == []


def test_a_link_reproduces_the_period(dash_duo, demo_app):
    dash_duo.start_server(demo_app)
    dash_duo.wait_for_page(dash_duo.server_url + "/?start=2018-11-05&end=2018-11-25")
    dash_duo.wait_for_text_to_equal(
        f"#{ids.PERIOD_TEXT}", "05 Nov 2018 to 25 Nov 2018 · seven governorates · all syndromes", timeout=20
    )


def test_on_a_narrow_screen_the_header_wraps_above_the_page_not_over_it(dash_duo, demo_app):
    """A projector at 1024 px or a small laptop: the header (at its longest, signed in) takes two or three rows, and
    the page starts below it."""
    from tests.helpers import add_coordinator

    add_coordinator(demo_app.server.config["MMC_ENGINE"])
    dash_duo.start_server(demo_app)
    sign_in_in_browser(dash_duo, "/")
    dash_duo.wait_for_element(f"#{ids.SIGN_OUT}", timeout=20)
    for width in (1024, 800):
        dash_duo.driver.set_window_size(width, 900)
        dash_duo.wait_for_page(dash_duo.server_url + "/")
        dash_duo.wait_for_element(f"#{ids.DEMO_BANNER}", timeout=20)
        header = dash_duo.driver.execute_script(  # where the header's content ends (it may overflow its box)
            "return Math.max(...Array.from(document.querySelectorAll('.mmc-header *'))"
            ".map(e => e.getBoundingClientRect().bottom));"
        )
        banner = dash_duo.driver.execute_script(
            "return document.getElementById(arguments[0]).getBoundingClientRect().top;", ids.DEMO_BANNER
        )
        assert header <= banner, f"at {width} px the header ends at {header}, below the page's start at {banner}"
    dash_duo.driver.set_window_size(1440, 900)
    assert severe_logs(dash_duo) == []


def test_a_page_without_a_map_loads_no_map_library_and_its_links_still_open_the_map(dash_duo, demo_app):
    """The public's trends come without dash-leaflet (91 KB compressed); going from there to the overview loads the
    overview whole, map and all, with the filters of the link."""
    dash_duo.start_server(demo_app)
    dash_duo.wait_for_page(dash_duo.server_url + "/trends?start=2018-10-01&end=2018-12-30")
    until(lambda: len(dash_duo.find_elements("img.mmc-chart-image")) == 6, timeout=30)
    loaded = "return performance.getEntriesByType('resource').some(e => e.name.includes('dash_leaflet'))"
    assert dash_duo.driver.execute_script(loaded) is False
    dash_duo.driver.find_element(By.CSS_SELECTOR, f"#{ids.NAV}").find_element(By.LINK_TEXT, "Overview").click()
    until(lambda: dash_duo.driver.current_url.rstrip("/") == dash_duo.server_url.rstrip("/"), timeout=10)
    dash_duo.wait_for_element(POLYGONS, timeout=20)
    assert dash_duo.driver.execute_script(loaded) is True
    assert severe_logs(dash_duo) == []
