"""The first day with real data, as a data manager lives it in a browser, on SQLite and on PostgreSQL: a new
database, then the README's load order through the data page (boundaries, camps, units, a weekly sheet), every page
looked at after each step. No page breaks or shows "nan" on the way; each says what is loaded and what comes next
until the records are in; the template link downloads its file. SCREENSHOTS=folder keeps a picture of each step."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from dash.testing.wait import until

from dashboard.data import schema
from dashboard.ingest import boundaries
from dashboard.web import ids
from tests.browser.conftest import severe_logs, sign_in_in_browser
from tests.helpers import add_coordinator, make_app

CAMPS = (
    "SSID,Site Name,ADM1_AR,Latitude,Longitude,Individuals,Date\n"
    'IQ1505-0009,Khanke,دهوك,36.97,42.73,"16,500",2017-01-01\n'
    "IQ1103-0003,Baharka,اربيل,36.27,43.97,4310,2017-01-01\n"
    "IQ0106-0022,Amriyat Al-Fallujah,الانبار,33.18,43.65,12450,2017-01-01\n"
)
UNITS = (
    "clinic_code,clinic_name,unit_type,governorate,base_latitude,base_longitude,clinicians\n"
    "MMC-DA-01,Dohuk team,mmc,Dohuk,36.90,42.80,2\n"
    "MMC-AR-01,Erbil team,mmc,Erbil,36.20,44.00,3\n"
)
WEEKLY = (
    "Site,Team,Year,Epi week,AD,ARI,Skin diseases,Total\n"
    "IQ1505-0009,MMC-DA-01,2017,5,12,30,4,46\n"
    "IQ1505-0009,MMC-DA-01,2017,6,9,25,2,36\n"
    "IQ1103-0003,MMC-AR-01,2017,5,3,14,0,17\n"
)
PAGES = ("/", "/trends", "/briefing", "/coordinator")
BROKEN = re.compile(r"(?<![\w-])(nan|NaN|NaT|None|undefined)(?![\w-])|Not available|Page not found|Error")


def _picture(dash_duo, name: str, element: str | None = None) -> None:
    """A screenshot of the window (scrolled to `element`) when SCREENSHOTS names a folder, to look at."""
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        if element:
            dash_duo.driver.execute_script("document.querySelector(arguments[0]).scrollIntoView()", element)
        dash_duo.driver.save_screenshot(str(Path(folder) / f"{name}.png"))


def _page_text(dash_duo) -> str:
    found = dash_duo.driver.find_elements("css selector", "#_pages_content")
    return found[0].text if found else ""


def _pages_render(dash_duo, step: str, expect: str) -> None:
    """Every page after a step: drawn, without a broken value or a console error, saying `expect`."""
    for path in PAGES:
        dash_duo.wait_for_page(dash_duo.server_url + path)
        until(lambda: _page_text(dash_duo).strip() and expect in _page_text(dash_duo), timeout=30)
        until(lambda: not dash_duo.driver.find_elements("css selector", ".mmc-part .mmc-skeleton"), timeout=30)
        text = _page_text(dash_duo)
        assert not BROKEN.search(text), (step, path, BROKEN.search(text).group(0))
        _picture(dash_duo, f"{step}{path.replace('/', '-') or '-overview'}")
    assert severe_logs(dash_duo) == [], step


def _load(dash_duo, tmp_path, kind: str, name: str, content: str | bytes, ready: str, before=None) -> None:
    """Drop a file on the data page, wait for its check to say `ready`, look at it (`before`), then load it."""
    dash_duo.wait_for_page(dash_duo.server_url + f"/coordinator/data?kind={kind}")
    dash_duo.wait_for_element(f"#{ids.DATA_UPLOAD}", timeout=20)
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    dash_duo.find_element(f"#{ids.DATA_UPLOAD} input[type=file]").send_keys(str(path))
    dash_duo.wait_for_contains_text(f"#{ids.DATA_RESULT}", ready, timeout=60)
    _picture(dash_duo, f"check-{kind}", f"#{ids.DATA_RESULT}")
    if before:
        before()
    until(lambda: dash_duo.find_element(f"#{ids.DATA_LOAD}").is_displayed(), timeout=10)
    dash_duo.find_element(f"#{ids.DATA_LOAD}").click()
    dash_duo.wait_for_contains_text(f"#{ids.DATA_RESULT}", "rows added", timeout=60)


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_the_readme_s_load_order_step_by_step(dash_duo, tmp_path, request, database):
    url = request.getfixturevalue("sqlite_url" if database == "sqlite" else "postgres_url")
    engine = schema.make_engine(url)
    schema.upgrade(engine)
    add_coordinator(engine)
    dash_duo.start_server(make_app(url, load_demo=False))
    dash_duo.driver.set_window_size(1366, 1000)

    dash_duo.wait_for_page(dash_duo.server_url + "/")
    dash_duo.wait_for_contains_text("#_pages_content", "No figures yet", timeout=30)
    sign_in_in_browser(dash_duo, "/coordinator/data")
    dash_duo.wait_for_contains_text(f"#{ids.DATA_HOLDINGS}", "Next: load the camps and sites", timeout=30)
    assert dash_duo.find_element(f"#{ids.DATA_KIND} input:checked").get_attribute("value") == "camps"
    _pages_render(dash_duo, "0-empty", "Camps and sites: none loaded yet")

    dash_duo.wait_for_page(dash_duo.server_url + "/coordinator/data?kind=camps")
    dash_duo.wait_for_element(f"#{ids.DATA_UPLOAD}", timeout=20)
    dash_duo.find_element(f"#{ids.DATA_HELP} a[href$='/templates/camps.csv']").click()
    template = Path(dash_duo.download_path) / "mmc-camps-template.csv"
    until(template.exists, timeout=20)
    assert template.read_text(encoding="utf-8").startswith("camp_code,camp_name,camp_name_ar,camp_name_ku,governorate")
    assert "Page not found" not in _page_text(dash_duo)

    outlines = json.loads(boundaries.SHIPPED.read_text(encoding="utf-8"))
    for feature in outlines["features"]:  # as OCHA's file names them
        feature["properties"] = {
            "ADM1_PCODE": feature["properties"]["pcode"],
            "ADM1_EN": feature["properties"]["name_en"],
        }

    def outlines_drawn():
        assert dash_duo.find_element(f"#{ids.DATA_OUTLINES}").get_attribute("alt").startswith("Map of the file's")

    _load(dash_duo, tmp_path, "boundaries", "irq_adm1.geojson", json.dumps(outlines), "Ready to load", outlines_drawn)

    _load(dash_duo, tmp_path, "camps", "cccm_sites.csv", CAMPS, "No errors in 3 rows")
    dash_duo.wait_for_contains_text(f"#{ids.DATA_HOLDINGS}", "Next: load the units", timeout=30)
    _pages_render(dash_duo, "1-camps", "Camps and sites: 3 loaded")

    _load(dash_duo, tmp_path, "clinics", "units.csv", UNITS, "No errors in 2 rows")
    _pages_render(dash_duo, "2-units", "Next: load the service records")

    _load(dash_duo, tmp_path, "weekly", "ewarn.csv", WEEKLY, "Read as a wide weekly sheet")
    dash_duo.wait_for_page(dash_duo.server_url + "/?start=2017-01-30&end=2017-02-12")
    until(lambda: "99" in dash_duo.find_element(f"#{ids.OVERVIEW_FIGURES}").text.split(), timeout=30)
    assert not dash_duo.driver.find_elements("css selector", f"#{ids.SETUP_NOTICE}")
    _picture(dash_duo, "3-records-overview")
    _pages_render(dash_duo, "3-records", "")
