"""A coordinator loads a file with errors and sees them listed, then a good file, and the overview changes."""

from __future__ import annotations

from dash.testing.wait import until

from dashboard.data import schema
from dashboard.web import ids
from tests.browser.conftest import app_with_files, severe_logs, sign_in_in_browser, wait_for_callbacks
from tests.helpers import add_coordinator, make_app

CAMPS = """camp_code,camp_name,governorate,latitude,longitude,population,population_date
A,Camp A,Dohuk,36.8,42.9,1000,2017-01-01
B,Camp B,Anbar,33.4,43.3,500,2017-01-01
"""
CLINICS = """clinic_code,clinic_name,unit_type,governorate,base_latitude,base_longitude,clinicians
M1,Team Alpha,mmc,Dohuk,36.85,42.95,2
M2,Team Bravo,mmc,Anbar,33.42,43.31,3
"""
RECORDS = """date,clinic_code,camp_code,syndrome,sex,age_group,consultations,referrals
2017-02-01,M1,A,ari,female,5plus,40,0
2017-02-02,M2,B,awd,male,under5,20,1
"""
BAD = """date,clinic_code,camp_code,syndrome,sex,age_group,consultations,referrals
2017-02-10,M1,Q9,ari,female,5plus,10,0
2017-02-30,M1,A,ari,female,5plus,10,12
"""
GOOD = """date,clinic_code,camp_code,syndrome,sex,age_group,consultations,referrals
2017-02-10,M1,A,ari,female,5plus,100,0
"""
PERIOD = "/?start=2017-02-01&end=2017-02-28"


def _figures(dash_duo) -> str:
    return dash_duo.find_element(f"#{ids.OVERVIEW_FIGURES}").text


def _upload(dash_duo, path) -> None:
    dash_duo.find_element(f"#{ids.DATA_UPLOAD} input[type=file]").send_keys(str(path))


def test_errors_are_listed_then_a_good_file_changes_the_overview(dash_duo, tmp_path):
    files = (("camps", CAMPS), ("clinics", CLINICS), ("records", RECORDS))
    dash_duo.start_server(app_with_files(f"sqlite:///{tmp_path / 'data.db'}", files))

    dash_duo.wait_for_page(dash_duo.server_url + PERIOD)
    until(lambda: "60" in _figures(dash_duo).split(), timeout=30)

    sign_in_in_browser(dash_duo, "/coordinator/data?kind=records")
    dash_duo.wait_for_element(f"#{ids.DATA_UPLOAD}", timeout=20)
    (tmp_path / "bad.csv").write_text(BAD, encoding="utf-8")
    _upload(dash_duo, tmp_path / "bad.csv")
    dash_duo.wait_for_contains_text(f"#{ids.DATA_RESULT}", "3 errors in bad.csv: nothing was loaded", timeout=30)
    listed = dash_duo.find_element(f"#{ids.DATA_RESULT}").text
    assert "unknown camp code 'Q9': load it in a camps file first" in listed
    assert "'2017-02-30' is not a date as YYYY-MM-DD" in listed
    assert "12 referrals is more than 10 consultations" in listed
    assert not dash_duo.find_element(f"#{ids.DATA_LOAD}").is_displayed()

    (tmp_path / "good.csv").write_text(GOOD, encoding="utf-8")
    _upload(dash_duo, tmp_path / "good.csv")
    dash_duo.wait_for_contains_text(f"#{ids.DATA_RESULT}", "No errors in the 1 row of good.csv", timeout=30)
    until(lambda: dash_duo.find_element(f"#{ids.DATA_LOAD}").is_displayed(), timeout=10)
    dash_duo.find_element(f"#{ids.DATA_LOAD}").click()
    dash_duo.wait_for_contains_text(f"#{ids.DATA_RESULT}", "good.csv: 1 row added, 0 replaced.", timeout=30)

    dash_duo.wait_for_page(dash_duo.server_url + PERIOD)
    until(lambda: "160" in _figures(dash_duo).split(), timeout=30)
    assert severe_logs(dash_duo) == []


def test_a_link_with_an_unknown_kind_keeps_its_notice(dash_duo, tmp_path):
    url = f"sqlite:///{tmp_path / 'data.db'}"
    engine = schema.make_engine(url)
    schema.upgrade(engine)
    add_coordinator(engine)
    dash_duo.start_server(make_app(url))
    sign_in_in_browser(dash_duo, "/coordinator/data?kind=nonsense")
    dash_duo.wait_for_contains_text("#_pages_content", "The link's kind was not understood", timeout=30)
    wait_for_callbacks(dash_duo)  # every control's first report has gone round
    assert dash_duo.driver.current_url.endswith("/coordinator/data?kind=nonsense")
    assert "The link's kind was not understood" in dash_duo.find_element("#_pages_content").text
    assert severe_logs(dash_duo) == []


def test_a_file_above_the_limit_is_refused_before_it_is_sent(dash_duo, tmp_path):
    """On a slow connection, minutes of sending a file the server would refuse are saved: the page says at once."""
    url = f"sqlite:///{tmp_path / 'data.db'}"
    engine = schema.make_engine(url)
    schema.upgrade(engine)
    add_coordinator(engine)
    dash_duo.start_server(make_app(url, max_upload_mb=1))
    sign_in_in_browser(dash_duo, "/coordinator/data?kind=records")
    dash_duo.wait_for_element(f"#{ids.DATA_UPLOAD}", timeout=20)
    (tmp_path / "big.csv").write_bytes(RECORDS.encode() + b"x" * (2**20 + 1))
    _upload(dash_duo, tmp_path / "big.csv")
    dash_duo.wait_for_contains_text(f"#{ids.DATA_RESULT}", "larger than the 1 MB accepted", timeout=20)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("select count(*) from uploads").scalar() == 0  # nothing was sent
    assert severe_logs(dash_duo) == []
