"""The map in the browser: a governorate click filters the page, a camp click opens its panel, and the shading
changes without reloading the page."""

from __future__ import annotations

from dash.testing.wait import until

from dashboard.web import ids
from tests.browser.conftest import chart_lines, severe_logs, wait_for_callbacks


def _click_polygon(dash_duo, name: str) -> bool:
    """Click the governorate polygon under the name label `name`."""
    return dash_duo.driver.execute_script(
        """
        const map = document.getElementById(arguments[0]);
        const label = Array.from(map.querySelectorAll('.gov-label')).find(l => l.textContent === arguments[1]);
        if (!label) return false;
        label.scrollIntoView({block: 'center', inline: 'center'});
        const box = label.querySelector('.gov-label-inner').getBoundingClientRect();
        const x = box.left + box.width / 2, y = box.top + box.height / 2;
        const path = document.elementsFromPoint(x, y)
            .find(e => e.tagName === 'path' && !e.classList.contains('camp-marker'));
        if (!path) return false;
        path.dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: x, clientY: y, view: window}));
        return true;
        """,
        ids.OVERVIEW_MAP,
        name,
    )


def test_clicking_a_governorate_filters_the_chart_and_figures(dash_duo, demo_app):
    dash_duo.start_server(demo_app)
    dash_duo.wait_for_page(dash_duo.server_url + "/?start=2018-10-01&end=2018-12-30")
    until(lambda: len(chart_lines(dash_duo)) == 7, timeout=30)
    until(lambda: _click_polygon(dash_duo, "Erbil"), timeout=20)
    until(lambda: "governorate=IQ-AR" in dash_duo.driver.current_url, timeout=20)
    until(lambda: chart_lines(dash_duo) == ["Erbil"], timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.PERIOD_TEXT}", "Erbil", timeout=20)
    dash_duo.driver.back()
    until(lambda: len(chart_lines(dash_duo)) == 7, timeout=30)
    assert severe_logs(dash_duo) == []


def test_clicking_a_camp_opens_its_panel(dash_duo, demo_app):
    dash_duo.start_server(demo_app)
    dash_duo.wait_for_page(dash_duo.server_url + "/?start=2018-10-01&end=2018-12-30")
    until(lambda: len(dash_duo.find_elements(".camp-marker")) == 31, timeout=30)
    dash_duo.driver.execute_script(
        "document.querySelector('.camp-marker').dispatchEvent(new MouseEvent('click', {bubbles: true}))"
    )
    dash_duo.wait_for_contains_text(f"#{ids.CAMP_PANEL}", "Population", timeout=20)
    text = dash_duo.find_element(f"#{ids.CAMP_PANEL}").text
    assert "Status" in text
    assert "Units that served it" not in text
    assert severe_logs(dash_duo) == []


def test_the_shading_changes_without_reloading(dash_duo, demo_app):
    dash_duo.start_server(demo_app)
    dash_duo.wait_for_page(dash_duo.server_url + "/?start=2018-10-01&end=2018-12-30")
    until(lambda: len(dash_duo.find_elements(".camp-marker")) == 31, timeout=30)
    dash_duo.driver.execute_script("window.__same_page = true")
    until(
        lambda: dash_duo.driver.execute_script(
            "const buttons = Array.from(document.querySelectorAll('.mmc-segment'));"
            "const option = buttons.find(l => l.textContent.includes('Share of camp population'));"
            "if (option) { option.click(); return true; } return false;",
        ),
        timeout=10,
    )
    dash_duo.wait_for_contains_text(f"#{ids.MAP_LEGEND}", "Share of camp population reached", timeout=20)
    until(lambda: "figure=share" in dash_duo.driver.current_url, timeout=10)
    pressed = [b.get_attribute("aria-pressed") for b in dash_duo.find_elements(".mmc-segment")]
    assert pressed == ["false", "true", "false"]  # (what a screen reader says is chosen)
    assert dash_duo.driver.execute_script("return window.__same_page === true")


def test_a_camp_name_is_shown_as_text_never_run_as_html(dash_duo, tmp_path):
    import datetime as dt

    from dashboard.ingest import demo
    from tests.helpers import make_app

    dataset = demo.generate(start=dt.date(2018, 12, 1), end=dt.date(2018, 12, 31))
    dataset.camps.loc[0, "camp_name"] = '<img src=x id=injected onerror="window.__pwned=1">'
    app = make_app(f"sqlite:///{tmp_path / 'xss.db'}", dataset)
    dash_duo.start_server(app)
    dash_duo.wait_for_page(dash_duo.server_url + "/?start=2018-12-01&end=2018-12-30")
    until(lambda: len(dash_duo.find_elements(".camp-marker")) == 31, timeout=30)
    for marker in dash_duo.find_elements(".camp-marker"):
        dash_duo.driver.execute_script(
            "arguments[0].dispatchEvent(new MouseEvent('mouseover', {bubbles: true}))", marker
        )
    assert not dash_duo.driver.find_elements("css selector", "#injected")
    assert dash_duo.driver.execute_script("return window.__pwned === undefined")


def test_governorate_names_and_unit_badges_are_drawn_above_the_camps_and_let_clicks_through(dash_duo, demo_app):
    """Camps cluster around a governorate's label point: its name and its units' badge are drawn above the markers,
    and a click on them reaches the camp or the governorate under them."""
    dash_duo.start_server(demo_app)
    until(lambda: len(dash_duo.find_elements(".camp-marker")) >= 20, timeout=30)
    until(lambda: len(dash_duo.find_elements(".gov-label")) == 7, timeout=30)
    layers = dash_duo.driver.execute_script(
        """
        const z = e => Number(getComputedStyle(e.closest('.leaflet-pane')).zIndex);
        const map = document.getElementById(arguments[0]);
        const top = [...map.querySelectorAll('.gov-label, .unit-badge')];
        const markers = [...map.querySelectorAll('.camp-marker')];
        return [Math.min(...top.map(z)), Math.max(...markers.map(z)),
                top.filter(e => getComputedStyle(e).pointerEvents !== 'none').length];
        """,
        ids.OVERVIEW_MAP,
    )
    lowest_name, highest_marker, catching_clicks = layers
    assert lowest_name > highest_marker
    assert catching_clicks == 0
    # each badge centred under its governorate's name, clear of it (a name's text began at its point, so the badge,
    # centred there, covered the name's start)
    placed = dash_duo.driver.execute_script(
        """
        const map = document.getElementById(arguments[0]);
        const box = e => e.getBoundingClientRect();
        const names = [...map.querySelectorAll('.gov-label-inner')].map(box);
        return [...map.querySelectorAll('.unit-badge-inner')].map(box).map(b => {
            const name = names.reduce((a, n) => Math.abs(n.left + n.width / 2 - (b.left + b.width / 2))
                                             + Math.abs(n.bottom - b.top) < Math.abs(a.left + a.width / 2
                                             - (b.left + b.width / 2)) + Math.abs(a.bottom - b.top) ? n : a);
            return [Math.abs(name.left + name.width / 2 - (b.left + b.width / 2)), b.top - name.bottom];
        });
        """,
        ids.OVERVIEW_MAP,
    )
    assert placed  # (the demo's governorates all have units)
    assert all(off_centre < 2 and gap >= 0 for off_centre, gap in placed), placed
    assert severe_logs(dash_duo) == []


def test_the_finder_shows_a_governorate_or_a_camp_from_the_keyboard_and_asks_the_server_only_when_it_must(
    dash_duo, demo_app, monkeypatch
):
    """The map from the keyboard: a governorate chosen in the finder filters the page, a camp opens its panel. With
    more camps than the page sends (FINDER_ALL), what is typed is matched on the server; drawing the page asks
    nothing of it (the page comes in its HTML, and the finder's first, empty search stays in the browser)."""
    from dashboard.web.pages import overview

    monkeypatch.setattr(overview, "FINDER_ALL", 5)  # the demo's 31 camps count as many
    dash_duo.start_server(demo_app)
    dash_duo.wait_for_page(dash_duo.server_url + "/?start=2018-10-01&end=2018-12-30")
    until(lambda: len(chart_lines(dash_duo)) == 7, timeout=30)
    dash_duo.wait_for_element(f"#{ids.OVERVIEW_MAP} .leaflet-overlay-pane path", timeout=20)
    wait_for_callbacks(dash_duo)
    asked = "return performance.getEntriesByType('resource').filter(e => e.name.includes('_dash-update')).length"
    assert dash_duo.driver.execute_script(asked) == 0  # (the page itself came in its HTML: web/firstpaint.py)
    assert _suggested(dash_duo, "Governorate: Erbil")
    _type_in_finder(dash_duo, "Governorate: Erbil")  # (as choosing the suggestion writes it)
    until(lambda: "governorate=IQ-AR" in dash_duo.driver.current_url, timeout=20)
    until(lambda: chart_lines(dash_duo) == ["Erbil"], timeout=30)
    _type_in_finder(dash_duo, "Harshm")  # (the page drawn again for Erbil; the server matches among its camps)
    until(lambda: _suggested(dash_duo, "Harshm (Erbil)"), timeout=20)  # found on the server
    _type_in_finder(dash_duo, " (Erbil)")
    dash_duo.wait_for_contains_text(f"#{ids.CAMP_PANEL_TITLE}", "Harshm", timeout=20)
    assert dash_duo.driver.switch_to.active_element.get_attribute("id") == ids.CAMP_PANEL_CLOSE  # (focus moved in)
    dash_duo.driver.switch_to.active_element.send_keys("\ue00c")  # Escape closes it
    until(lambda: not dash_duo.find_element(f"#{ids.CAMP_PANEL}").is_displayed(), timeout=10)
    assert severe_logs(dash_duo) == []


def _type_in_finder(dash_duo, typed: str):
    """Type in the map's finder (a text box whose suggestions are the browser's own list)."""
    until(lambda: dash_duo.find_element(f"#{ids.MAP_FIND}").is_displayed(), timeout=20)
    dash_duo.find_element(f"#{ids.MAP_FIND}").send_keys(typed)


def _suggested(dash_duo, label: str) -> bool:
    """Whether the finder suggests `label` (its datalist holds it)."""
    found = dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('#' + arguments[0] + ' option')).map(o => o.value)",
        ids.MAP_FIND_LIST,
    )
    return label in found
