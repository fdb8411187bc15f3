"""Briefing mode in the browser: the arrow keys move between screens (the focus and the window's title follow), the
URL reproduces a screen, each screen fits a projector's window with no scroll, and the PDF carries the view, the
source and page numbers."""

from __future__ import annotations

import base64
import io
import re

import pytest
from dash.testing.wait import until
from pypdf import PdfReader
from selenium.webdriver.common.keys import Keys

from dashboard.web import ids
from tests.browser.conftest import severe_logs, sign_in_in_browser, wait_for_callbacks
from tests.helpers import add_coordinator


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
    # the new screen's title has the focus (a screen reader says where it is) and names the window
    until(lambda: dash_duo.driver.switch_to.active_element.text == "Where the clinics reach", timeout=10)
    until(lambda: dash_duo.driver.title.startswith("Where the clinics reach · "), timeout=10)
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


@pytest.mark.parametrize("size", [(1920, 1080), (1024, 768)])
def test_every_screen_fits_the_window_with_no_scroll(dash_duo, demo_app, size):
    add_coordinator(demo_app.server.config["MMC_ENGINE"])
    dash_duo.start_server(demo_app)
    dash_duo.driver.set_window_size(*size)
    for screen in ("figures", "map", "trends", "sign-in", "gaps"):  # the public's three, then the coordinators'
        if screen == "sign-in":
            sign_in_in_browser(dash_duo, "/briefing")
            dash_duo.wait_for_element(f"#{ids.BRIEFING_SCREEN}-figures", timeout=20)
            continue
        dash_duo.wait_for_page(dash_duo.server_url + f"/briefing?screen={screen}&start=2018-10-01&end=2018-12-30")
        dash_duo.wait_for_element(f"#{ids.BRIEFING_SCREEN}-{screen}", timeout=20)
        wait_for_callbacks(dash_duo)
        overflow = dash_duo.driver.execute_script(
            "const d = document.documentElement;"
            "return [d.scrollHeight - d.clientHeight, d.scrollWidth - d.clientWidth];"
        )
        assert overflow == [0, 0], screen
        # and the slide's controls are in view
        assert dash_duo.driver.execute_script(
            "return document.querySelector('.briefing-controls').getBoundingClientRect().bottom <= innerHeight"
        ), screen


def test_the_pdf_has_one_screen_a_page_with_the_view_the_source_and_page_numbers(dash_duo, demo_app):
    dash_duo.start_server(demo_app)
    view = "start=2018-10-01&end=2018-12-30&governorate=IQ-DA&syndrome=ari"
    dash_duo.wait_for_page(dash_duo.server_url + f"/briefing?screen=all&{view}")
    dash_duo.wait_for_element(f"#{ids.BRIEFING_SCREEN}-trends .js-plotly-plot", timeout=20)
    wait_for_callbacks(dash_duo)
    pdf = dash_duo.driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True})
    pages = [
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(base64.b64decode(pdf["data"]))).pages
    ]
    assert len(pages) == 3
    for number, text in enumerate(pages, start=1):
        assert "01 Oct 2018 to 30 Dec 2018 · Dohuk · Acute respiratory infection only" in text
        assert "records to the week ending 06 Jan 2019" in text  # the latest record's week, not the load's day
        assert "Demo data (synthetic)" in text
        assert "Source: Mobile Medical Clinics programme, WHO Iraq and the Ministry of Health" in text
        assert f"Page {number} of 3" in text
        assert "Print or save as PDF" not in text  # no controls
        assert "Full screen" not in text
    assert "what the programme reaches" in pages[0]
    assert "Consultations per 1,000 camp residents" in pages[1]  # the map's legend
    assert "Consultations per week, by governorate" in pages[2]
    assert severe_logs(dash_duo) == []


def test_the_pdf_prints_in_arabic_with_shaped_right_to_left_text_in_the_shipped_font(dash_duo, demo_app):
    dash_duo.start_server(demo_app)
    dash_duo.wait_for_page(dash_duo.server_url + "/briefing?screen=all&lang=ar&governorate=IQ-DA")
    dash_duo.wait_for_element(f"#{ids.BRIEFING_SCREEN}-trends .js-plotly-plot", timeout=20)
    wait_for_callbacks(dash_duo)
    pdf = dash_duo.driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True})
    reader = PdfReader(io.BytesIO(base64.b64decode(pdf["data"])))
    assert len(reader.pages) == 3
    fonts = {
        str(font.get_object().get("/BaseFont"))
        for page in reader.pages
        for font in page["/Resources"].get("/Font", {}).values()
    }
    assert any("NotoSansArabic" in name for name in fonts), fonts  # the font shipped with the app, not a fallback
    for page in reader.pages:
        text = page.extract_text()
        # Shaped: the letters were joined (initial, medial and final forms, as the PDF's glyphs name them), not
        # drawn one by one; and laid out right to left: a line's first words are at its right, so they come last.
        assert len(re.findall("[\ufe70-\ufeff]", text)) > 50
        period = next(line for line in text.splitlines() if re.search(r"\b30\b", line) and re.search(r"\b01\b", line))
        # "from 01 ... to 30 ...", drawn from the right: the PDF holds "30" before "01"
        assert re.search(r"\b30\b", period).start() < re.search(r"\b01\b", period).start()
