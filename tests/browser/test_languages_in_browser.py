"""Every page in Arabic and in Sorani Kurdish, as a reader sees it in the browser: right to left, nothing left in
English (but codes, formats and the data's own names), nothing wider than a phone or a laptop, the map and the charts
drawn, no WCAG 2.1 AA violation (axe-core); the switch opens the same page, with its filters, in the language
chosen."""

from __future__ import annotations

import re

import pytest
from dash.testing.wait import until
from sqlalchemy import text

from dashboard.web import ids
from tests.browser.conftest import severe_logs, sign_in_in_browser, wait_for_callbacks
from tests.browser.test_accessibility import violations
from tests.helpers import add_coordinator

PUBLIC = ["/", "/trends", "/briefing?screen=figures", "/briefing?screen=map", "/briefing?screen=trends"]
COORDINATORS = ["/coordinator", "/coordinator/data"]
WIDTHS = [(1366, 900), (390, 844)]
# Latin words a page keeps in every language: codes, formats, units, data sources, the map library's credit, and
# the header's link to the English page (each language is named in its own words)
KEPT = re.compile(
    r"\b(English|MMC|CSV|XLSX|SVG|PDF|UTC|HXL|SHA-256|UTF-8|km|MB|OCHA|CCCM|Natural Earth|GeoJSON|GeoPackage|EWARN|"
    r"ADM1|COD-AB|geoBoundaries|GADM|Leaflet|carol|DEMO-[A-Z0-9-]+|ARI|AD|Skin diseases|MAX_UPLOAD_MB)\b"
)


def _data_names(app) -> list[str]:
    with app.server.config["MMC_ENGINE"].connect() as conn:
        found = {
            value
            for table in ("camps", "clinics")
            for column in ("name", "code")
            for (value,) in conn.execute(text(f"SELECT {column} FROM {table}"))
        }
    return sorted(found, key=len, reverse=True)


def _english_left(page_text: str, names: list[str]) -> list[str]:
    rest = page_text
    for name in names:
        rest = rest.replace(name, " ")
    rest = KEPT.sub(" ", rest)
    return re.findall(r"[A-Za-z]{2,}(?:\s+[A-Za-z]{2,})*", rest)


def _looks_right(dash_duo, path: str, language: str, names: list[str]) -> list[str]:
    """What is wrong with the page at `path` in `language`, at each width."""
    problems = []
    for width, height in WIDTHS:
        dash_duo.driver.set_window_size(width, height)
        dash_duo.driver.get(f"{dash_duo.server_url}{path}{'&' if '?' in path else '?'}lang={language}")
        dash_duo.wait_for_element(f"#{ids.DEMO_BANNER}, #{ids.DEMO_BADGE}", timeout=20)
        wait_for_callbacks(dash_duo)
        state = dash_duo.driver.execute_script(
            "return [document.documentElement.lang, document.documentElement.dir, document.body.innerText,"
            " document.documentElement.scrollWidth, innerWidth,"
            " [...document.querySelectorAll('img.mmc-chart-image, img[src^=\"data:image/svg\"]')]"
            "   .filter(i => i.naturalWidth === 0).length,"
            " [...document.querySelectorAll('code')].map(c => c.innerText)]"
        )
        lang, direction, words, scroll_width, inner_width, blank_pictures, codes = state
        for code in codes:  # a file's column names, as the file must hold them (the data page's formats)
            words = words.replace(code, " ")
        where = f"{path} at {width} px"
        if (lang, direction) != (language, "rtl"):
            problems.append(f"{where}: <html lang={lang} dir={direction}>")
        left = _english_left(words, names)
        if left:
            problems.append(f"{where}: English left: {left[:8]}")
        if scroll_width > inner_width + 1:
            problems.append(f"{where}: {scroll_width} px wide in a {inner_width} px window")
        if blank_pictures:
            problems.append(f"{where}: {blank_pictures} chart pictures not drawn")
        problems += [f"{where}: {v}" for v in violations(dash_duo)]  # WCAG 2.1 AA right to left too
    return problems


@pytest.mark.parametrize("language", ["ar", "ckb"])
def test_every_page_reads_right_to_left_in_its_language(dash_duo, demo_app, language):
    add_coordinator(demo_app.server.config["MMC_ENGINE"])
    names = _data_names(demo_app)
    dash_duo.start_server(demo_app)
    problems = []
    for path in PUBLIC:
        problems += _looks_right(dash_duo, path, language, names)
    # the overview's map drawn: the governorates and the camps
    dash_duo.driver.get(f"{dash_duo.server_url}/?lang={language}")
    until(lambda: len(dash_duo.find_elements(".camp-marker")) > 0, timeout=20)
    assert dash_duo.find_elements(f"#{ids.OVERVIEW_MAP} .leaflet-overlay-pane path")
    sign_in_in_browser(dash_duo, "/coordinator")
    dash_duo.wait_for_element(f"#{ids.DEMO_BANNER}", timeout=20)
    for path in COORDINATORS:
        problems += _looks_right(dash_duo, path, language, names)
    assert not problems, "\n".join(problems)
    assert not severe_logs(dash_duo)


def test_the_switch_opens_the_same_page_with_its_filters_in_the_language_chosen(dash_duo, demo_app):
    dash_duo.start_server(demo_app)
    dash_duo.driver.set_window_size(1366, 900)
    dash_duo.driver.get(f"{dash_duo.server_url}/trends?governorate=IQ-DA&syndrome=ari")
    dash_duo.wait_for_element(f"#{ids.LANGUAGE} a[hreflang=ar]", timeout=20).click()
    until(lambda: dash_duo.driver.execute_script("return document.documentElement.lang") == "ar", timeout=20)
    url = dash_duo.driver.current_url
    assert "/trends?" in url
    assert "governorate=IQ-DA" in url
    assert "syndrome=ari" in url
    assert "lang=ar" in url
    dash_duo.wait_for_contains_text(f"#{ids.PERIOD_TEXT}", "دهوك", timeout=20)
    # the next page opened from a link keeps the language (the cookie)
    dash_duo.driver.get(f"{dash_duo.server_url}/")
    until(lambda: dash_duo.driver.execute_script("return document.documentElement.dir") == "rtl", timeout=20)


def test_the_period_picker_speaks_the_language(dash_duo, demo_app):
    """The date picker's input and calendar name the months as the page does: Iraq's Arabic month names, Kurdish's."""
    dash_duo.start_server(demo_app)
    for language, december, october in (("ar", "كانون الأول", "تشرين الأول"), ("ckb", "کانوونی یەکەم", "تشرینی یەکەم")):
        dash_duo.driver.get(f"{dash_duo.server_url}/trends?lang={language}&start=2018-10-01&end=2018-12-30")
        picker = dash_duo.wait_for_element(f"#{ids.FILTER_PERIOD}", timeout=20)
        until(lambda picker=picker, december=december: december in picker.text, timeout=10)
        picker.click()
        # the calendar opens on the period's first month
        until(lambda october=october: october in dash_duo.find_element("[role=dialog]").text, timeout=10)
    assert not severe_logs(dash_duo)


def _first_camps_tooltip(dash_duo) -> str:
    """What the overview's map shows under the pointer over its first camp, once the camps are drawn."""
    until(lambda: len(dash_duo.find_elements(".camp-marker")) >= 20, timeout=30)
    marker = dash_duo.find_elements(".camp-marker")[0]
    dash_duo.driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('mouseover', {bubbles: true}))", marker)
    until(lambda: dash_duo.find_elements(".leaflet-tooltip"), timeout=10)
    return dash_duo.find_element(".leaflet-tooltip").text


def test_a_camp_on_the_map_is_named_in_the_readers_language(dash_duo, demo_app):
    """The demo's camps have Arabic and Kurdish names (the camps file's camp_name_ar and camp_name_ku): a reader of
    the Arabic page sees the Arabic one under the pointer, the Kurdish reader the Kurdish one."""
    with demo_app.server.config["MMC_ENGINE"].connect() as conn:
        names = {row[0]: row[1:] for row in conn.execute(text("SELECT name, name_ar, name_ku FROM camps"))}
    dash_duo.start_server(demo_app)
    for language, column in (("ar", 0), ("ckb", 1)):
        dash_duo.driver.get(f"{dash_duo.server_url}/?lang={language}")
        shown = _first_camps_tooltip(dash_duo)
        assert any(own[column] in shown for own in names.values()), shown
        assert not any(english in shown for english in names), shown
    assert severe_logs(dash_duo) == []


def test_with_arabic_indic_digits_the_maps_tooltips_write_them_too(dash_duo, tmp_path):
    """DIGITS=arab: the figures the browser writes (a camp's population under the pointer) as the server's."""
    import datetime as dt

    from dashboard import i18n
    from dashboard.ingest import demo
    from tests.helpers import make_app

    dataset = demo.generate(start=dt.date(2018, 10, 1), end=dt.date(2018, 12, 31))
    try:
        dash_duo.start_server(make_app(f"sqlite:///{tmp_path / 'digits.db'}", dataset, digits="arab"))
        dash_duo.driver.get(f"{dash_duo.server_url}/?lang=ar")
        shown = _first_camps_tooltip(dash_duo)
        assert re.search("[\\u0660-\\u0669]", shown), shown  # (Arabic-Indic digits)
        assert not re.search("[0-9]", shown), shown
    finally:
        i18n.configure("latn")
