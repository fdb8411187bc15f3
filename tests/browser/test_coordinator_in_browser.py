"""A coordinator finds the camps nobody reached, and asks where the next team should go."""

from __future__ import annotations

import time

from dash.testing.wait import until

from dashboard.web import ids
from tests.browser.conftest import severe_logs, sign_in_in_browser
from tests.helpers import add_coordinator


def _column(dash_duo, col_id: str) -> list[str]:
    """A column's cells in the order the grid shows them (read in one script, so a re-render cannot interleave)."""
    return dash_duo.driver.execute_script(
        """
        const cells = Array.from(document.querySelectorAll(arguments[0] + " .ag-cell[col-id='" + arguments[1] + "']"));
        const byRow = cells.map(c => [Number(c.closest('.ag-row').getAttribute('row-index')), c.textContent.trim()]);
        byRow.sort((a, b) => a[0] - b[0]);
        return byRow.map(pair => pair[1]);
        """,
        f"#{ids.GAP_GRID}",
        col_id,
    )


def _click(dash_duo, selector: str) -> None:
    """Click through a script: the grid may redraw between finding an element and clicking it."""
    until(
        lambda: dash_duo.driver.execute_script(
            "const e = document.querySelector(arguments[0]); if (e) { e.click(); return true; } return false;", selector
        ),
        timeout=10,
    )


def _camp_table_by_name(dash_duo, demo_app) -> None:
    """Sign in as a coordinator, open the coverage gaps and sort the camp table by name (so that the order shown
    afterwards is the sort asked for, not the table's first order)."""
    add_coordinator(demo_app.server.config["MMC_ENGINE"])
    dash_duo.start_server(demo_app)
    sign_in_in_browser(dash_duo, "/coordinator?start=2018-10-01&end=2018-12-30")
    dash_duo.wait_for_element(f"#{ids.GAP_GRID} .ag-row", timeout=30)
    _click(dash_duo, f"#{ids.GAP_GRID} .ag-header-cell[col-id='name'] .ag-header-cell-label")
    until(lambda: (names := _column(dash_duo, "name")) == sorted(names, key=str.lower) and len(names) > 3, timeout=10)


def test_sorting_by_days_since_last_visit_puts_the_unreached_first(dash_duo, demo_app):
    _camp_table_by_name(dash_duo, demo_app)
    _click(dash_duo, f"#{ids.GAP_GRID} .ag-header-cell[col-id='days_since_visit'] .ag-header-cell-label")
    until(lambda: _column(dash_duo, "status_label")[:2] == ["Not reached"] * 2, timeout=10)
    statuses = _column(dash_duo, "status_label")
    first_other = statuses.index(next(s for s in statuses if s != "Not reached"))
    assert first_other >= 2  # at least Tazade and a Baghdad site, never visited in the demo data
    assert "Not reached" not in statuses[first_other:]  # every not-reached camp is above the rest
    assert _column(dash_duo, "reason")[:2] == ["Never visited", "Never visited"]
    _click(dash_duo, f"#{ids.NEXT_RUN}")
    dash_duo.wait_for_contains_text(f"#{ids.NEXT_RESULT}", "Stop 1:", timeout=20)
    until(lambda: len(dash_duo.find_elements(".next-stop")) >= 1, timeout=10)
    # the bases, for coordinators: each alone or counted in a cluster (before a row is chosen: the map then flies to
    # its camp, and the bases out of view are no longer drawn)
    until(lambda: _units_on_map(dash_duo) == 57, timeout=10)
    assert not dash_duo.find_elements(f"#{ids.GAP_GRID} .ag-selection-checkbox")  # a click chooses a row
    dash_duo.find_element(f"#{ids.GAP_GRID} .ag-row[row-index='0'] .ag-cell[col-id='governorate_name']").click()
    chosen = "return dash_ag_grid.getApi(arguments[0]).getSelectedRows().map(r => r.name);"
    until(lambda: dash_duo.driver.execute_script(chosen, ids.GAP_GRID) == [_column(dash_duo, "name")[0]], timeout=10)
    assert severe_logs(dash_duo) == []


def _units_on_map(dash_duo) -> int:
    """The unit bases the coordinators' map draws: markers, and the counts of the clusters they are gathered in
    when the map is zoomed out (the map's only clusters: camps cluster only in their thousands)."""
    return dash_duo.driver.execute_script(
        "const map = document.getElementById(arguments[0]);"
        "if (!map) { return 0; }"
        "const alone = map.querySelectorAll('.unit-marker').length;"
        "const gathered = Array.from(map.querySelectorAll('.marker-cluster'))"
        "  .reduce((n, c) => n + Number(c.textContent), 0);"
        "return alone + gathered;",
        ids.GAP_MAP,
    )


def test_a_unit_base_shows_the_camps_it_served(dash_duo, demo_app):
    add_coordinator(demo_app.server.config["MMC_ENGINE"])
    dash_duo.start_server(demo_app)
    sign_in_in_browser(dash_duo, "/coordinator?start=2018-10-01&end=2018-12-30")
    until(lambda: _units_on_map(dash_duo) == 57, timeout=30)
    # units that share a town are one cluster when zoomed out; a click on it zooms in to them
    dash_duo.driver.execute_script(
        "document.querySelector('#' + arguments[0] + ' .marker-cluster')"
        ".dispatchEvent(new MouseEvent('click', {bubbles: true}))",
        ids.GAP_MAP,
    )
    until(lambda: len(dash_duo.find_elements(f"#{ids.GAP_MAP} .unit-marker.unit-mmc")) > 0, timeout=30)
    assert not dash_duo.find_elements(".camp-highlight")

    def reach_lines():  # (stroke colour, width) of each drawn reach line
        return dash_duo.driver.execute_script(
            "return Array.from(document.querySelectorAll('#' + arguments[0] + ' .leaflet-overlay-pane path'))"
            ".filter(p => p.getAttribute('fill') === 'none')"
            ".map(p => [p.getAttribute('stroke'), Number(p.getAttribute('stroke-width'))]);",
            ids.GAP_MAP,
        )

    until(lambda: len(reach_lines()) > 20, timeout=30)  # made in the browser from the page's columns
    assert all(colour == "#1c5d99" and 0.75 <= width <= 3 for colour, width in reach_lines())  # thin, no wedges
    assert not dash_duo.find_elements(".coverage-ring")  # off until asked for in the layer control
    dash_duo.driver.execute_script(
        "Array.from(document.querySelectorAll('#' + arguments[0] + ' .leaflet-control-layers-overlays label'))"
        ".find(l => l.textContent.includes('Coverage rings')).querySelector('input').click();",
        ids.GAP_MAP,
    )
    until(lambda: len(dash_duo.find_elements(".coverage-ring")) == 57, timeout=20)  # one ring around each base
    tried = []

    def click_a_unit():  # the next MMC in view (one that worked in the period has camps to light up)
        markers = dash_duo.find_elements(f"#{ids.GAP_MAP} .unit-marker.unit-mmc")
        if dash_duo.find_elements(".camp-highlight") or not markers:
            return bool(dash_duo.find_elements(".camp-highlight"))
        marker = markers[len(tried) % len(markers)]
        tried.append(1)
        dash_duo.driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", marker)
        time.sleep(1)
        return bool(dash_duo.find_elements(".camp-highlight"))

    until(click_a_unit, timeout=30)
    assert len(dash_duo.find_elements(".unit-highlight")) == 1
    lit = [width for colour, width in reach_lines() if colour == "#000000"]  # the unit's own lines stand out
    assert len(lit) == len(dash_duo.find_elements(".camp-highlight"))
    assert severe_logs(dash_duo) == []


def test_a_camp_clicked_on_the_map_is_found_and_chosen_in_the_table(dash_duo, demo_app):
    """The table fetches its rows a block at a time; a camp clicked on the map scrolls to its row (fetching that
    block) and chooses it, whatever order the table is in."""
    import dash

    page = dash.page_registry["dashboard.web.pages.coordinator"]["layout"].__globals__
    page["GAP_BLOCK"] = 5  # small blocks, so that the camp's row is not among those already fetched
    _camp_table_by_name(dash_duo, demo_app)
    until(lambda: len(dash_duo.find_elements(f"#{ids.GAP_MAP} .camp-marker")) > 20, timeout=30)
    # the last camp by name: its row is far below the first block
    marker = """
        const markers = Array.from(document.querySelectorAll('#' + arguments[0] + ' .camp-marker'));
        const m = markers[arguments[1]];
        m.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
        const tips = document.querySelectorAll('.leaflet-tooltip');
        const name = tips.length ? tips[tips.length - 1].textContent : null;
        m.dispatchEvent(new MouseEvent('mouseout', {bubbles: true}));
        m.dispatchEvent(new MouseEvent('click', {bubbles: true}));
        return name;
    """
    chosen = "return dash_ag_grid.getApi(arguments[0]).getSelectedRows().map(r => r.name);"
    fetched = "return dash_ag_grid.getApi(arguments[0]).getDisplayedRowCount();"
    names = []
    for n in (0, -1):
        index = n if n >= 0 else len(dash_duo.find_elements(f"#{ids.GAP_MAP} .camp-marker")) - 1
        tooltip = dash_duo.driver.execute_script(marker, ids.GAP_MAP, index)
        until(lambda: len(dash_duo.driver.execute_script(chosen, ids.GAP_GRID)) == 1, timeout=15)
        until(lambda t=tooltip: dash_duo.driver.execute_script(chosen, ids.GAP_GRID)[0] in (t or ""), timeout=15)
        names.append(dash_duo.driver.execute_script(chosen, ids.GAP_GRID)[0])
        assert names[-1] in _column(dash_duo, "name")  # its row is drawn: the grid scrolled to it
    assert names[0] != names[1]
    assert dash_duo.driver.execute_script(fetched, ids.GAP_GRID) > 5
    page["GAP_BLOCK"] = 100
    assert severe_logs(dash_duo) == []


def test_the_reach_lines_are_drawn_whichever_of_the_map_and_its_lines_comes_first(dash_duo, demo_app):
    """The map and its reach lines are parts answered apart: with the map's answer held back, the lines (here
    first) are still drawn on it when it comes."""
    import time

    from dashboard.web import parts

    slow = parts._PARTS["coordinator.map"]

    def late(query):
        time.sleep(1.5)
        return slow.render(query)

    parts._PARTS["coordinator.map"] = parts.Part(late, slow.role)
    try:
        add_coordinator(demo_app.server.config["MMC_ENGINE"])
        dash_duo.start_server(demo_app)
        sign_in_in_browser(dash_duo, "/coordinator?start=2018-10-01&end=2018-12-30")
        lines = f"#{ids.GAP_MAP} .leaflet-overlay-pane path[fill='none']"
        until(lambda: len(dash_duo.find_elements(lines)) > 20, timeout=30)
    finally:
        parts._PARTS["coordinator.map"] = slow
    assert severe_logs(dash_duo) == []
