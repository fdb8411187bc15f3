"""The coverage-gap page: its figures, the where-next recommendation and the exports, for coordinators only."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io

import dash
import pytest
from openpyxl import load_workbook

from dashboard.services import exports, figures
from dashboard.web import ids
from tests.helpers import (
    SECRETS,
    add_coordinator,
    call_callback,
    client_with_csrf,
    find,
    make_app,
    sign_in,
    sign_in_here,
    texts,
    tiny_dataset,
    with_parts,
)

WEEK = "?start=2017-01-30&end=2017-02-05"


@pytest.fixture
def app(sqlite_url):
    app = make_app(sqlite_url, tiny_dataset())
    add_coordinator(app.server.config["MMC_ENGINE"])
    return app


@pytest.fixture
def coordinator(app):
    client = client_with_csrf(app)
    sign_in(client)
    return client


def _page(app, client_session_role=None, **query):
    with app.server.test_request_context("/coordinator"):
        if client_session_role:
            sign_in_here(1, client_session_role)
        return with_parts(dash.page_registry["dashboard.web.pages.coordinator"]["layout"](**query), query)


def test_gap_table_rows_and_order(app, coordinator):
    page = _page(app, "coordinator", start="2017-01-30", end="2017-02-05")
    rows, count = _grid_rows(coordinator)
    assert count == 3
    assert [r["code"] for r in rows] == ["C", "A", "B"]  # not reached, under-served, reached
    c, a, b = rows
    assert (c["status"], c["reason"], c["days_since_visit"], c["units_served"]) == (
        "not_reached",
        "Never visited",
        None,
        "",
    )
    assert (a["population"], a["population_date"], a["visits"], a["last_visit"], a["days_since_visit"]) == (
        2000,
        "2017-02-01",
        2,
        "2017-02-01",
        4,
    )
    assert a["utilisation"] == round(35 / 2000 * 365 / 7, 2)
    assert a["units_served"] == "Team Alpha"
    assert (b["visits"], b["consultations"], b["units_served"]) == (3, 50, "Ambulance Charlie, Team Bravo")
    summary = " ".join(texts(find(page, ids.GAP_SUMMARY)))
    assert "Anbar 2 1 0 800 63% 1 800" in summary  # B reached (500) of B + C (800); one active MMC
    assert "Dohuk 1 0 1 2,000 100% 1 2,000" in summary


def test_unit_table_marks_overload(app):
    page = _page(app, "coordinator", start="2017-01-30", end="2017-02-05")
    rows = {r["code"]: r for r in find(page, ids.CLINIC_GRID).rowData}
    assert rows["M1"]["per_clinician_day"] == 8.8
    assert rows["M1"]["overloaded"] is False
    assert rows["A1"]["per_clinician_day"] is None
    # led by the unit and its workload; "Visits" (the same as days active for a unit) is gone
    headers = [c["headerName"] for c in find(page, ids.CLINIC_GRID).columnDefs]
    assert headers[:2] == ["Unit", "Consultations per clinician per day"]
    assert "Visits" not in headers
    assert headers[-2:] == ["Base latitude", "Base longitude"]


def test_a_camp_is_framed_with_the_bases_of_the_units_that_served_it(app):
    import pandas as pd

    from dashboard.web.pages import coordinator as coordinator_page  # (a page: imported once the app is made)

    clinics = pd.DataFrame(
        {"name": ["Team Alpha", "Team Bravo", "Far away"], "base_latitude": [36.85, 36.5, 30.0]}
        | {"base_longitude": [42.95, 43.4, 47.0]}
    )
    row = {"latitude": 36.8, "longitude": 42.9, "units_served": "Team Alpha, Team Bravo"}
    view = coordinator_page.camp_frame(row, clinics)
    (south, west), (north, east) = view["bounds"]
    assert (south < 36.5, north > 36.85, west < 42.9, east > 43.4) == (True,) * 4  # the camp and both bases inside
    assert (north < 37.5, south > 30.5) == (True, True)  # and not the unit that did not serve it
    alone = coordinator_page.camp_frame({"latitude": 33.3, "longitude": 43.7, "units_served": None}, clinics)
    assert alone == {"center": [33.3, 43.7], "zoom": 11, "transition": "flyTo"}


def test_the_page_is_not_built_for_the_public(app):
    page = _page(app, None, start="2017-01-30", end="2017-02-05")
    assert find(page, ids.GAP_GRID) is None
    assert find(page, ids.SIGN_IN_REQUIRED) is not None


def _recommend(client, radius_km, search):
    """Ask for two stops within `radius_km`, on the page at `search`."""
    return call_callback(
        client,
        f"{ids.NEXT_RESULT}.children",
        {
            f"{ids.NEXT_RUN}.n_clicks": 1,
            f"{ids.NEXT_SLOTS}.value": 2,
            f"{ids.NEXT_RADIUS}.value": radius_km,
            "_pages_location.search": search,
        },
    )


def test_where_next_recommends_the_unreached_camp(coordinator):
    response = _recommend(coordinator, 5, WEEK)
    body = response.get_json()["response"]
    text = str(body[ids.NEXT_RESULT]["children"])
    assert "Stop 1: Camp C: +300 people" in text
    assert "Stop 2" not in text
    stops = body[ids.GAP_STOPS]["data"]["features"]
    assert stops[0]["geometry"]["coordinates"] == [43.7, 33.3]
    assert stops[0]["properties"]["radius"] == 5000


def test_where_next_names_a_bad_value(coordinator):
    response = _recommend(coordinator, 0, WEEK)
    assert "radius must be above 0 km" in str(response.get_json()["response"])


def _grid_rows(client, start=0, end=100, sort=None, filters=None, search=WEEK) -> tuple[list[dict], int]:
    """The gap grid's rows as it asks the server for a block of them, and how many rows pass its filters."""
    request = {"startRow": start, "endRow": end, "sortModel": sort or [], "filterModel": filters or {}}
    response = call_callback(
        client,
        f"{ids.GAP_GRID}.getRowsResponse",
        {f"{ids.GAP_GRID}.getRowsRequest": request, "_pages_location.search": search},
    )
    answer = response.get_json()["response"][ids.GAP_GRID]["getRowsResponse"]
    return answer["rowData"], answer["rowCount"]


def test_the_grid_gets_its_rows_a_block_at_a_time_filtered_and_sorted_on_the_server(coordinator):
    rows, count = _grid_rows(coordinator, start=1, end=2)
    assert [r["code"] for r in rows] == ["A"]
    assert count == 3
    by_name, _n = _grid_rows(coordinator, sort=[{"colId": "name", "sort": "desc"}])
    assert [r["name"] for r in by_name] == ["Camp C", "Camp B", "Camp A"]
    waiting, _n = _grid_rows(coordinator, sort=[{"colId": "days_since_visit", "sort": "desc"}])
    assert waiting[0]["code"] == "C"
    assert waiting[0]["days_since_visit"] is None
    anbar, count = _grid_rows(
        coordinator, filters={"governorate_name": {"filterType": "text", "type": "equals", "filter": "anbar"}}
    )
    assert sorted(r["code"] for r in anbar) == ["B", "C"]
    assert count == 2
    busy, count = _grid_rows(
        coordinator, filters={"visits": {"filterType": "number", "type": "greaterThanOrEqual", "filter": 3}}
    )
    assert [r["code"] for r in busy] == ["B"]
    assert count == 1
    nothing, count = _grid_rows(coordinator, filters={"visits": {"filterType": "number", "type": "near", "filter": 3}})
    assert nothing == []
    assert count == 0


def test_a_camp_clicked_on_the_map_is_found_in_the_grid_as_sorted(coordinator):
    def found(camp_id, sort):
        response = call_callback(
            coordinator,
            f"{ids.GAP_FIND}.data",
            {
                f"{ids.GAP_CAMPS}.clickData": {"properties": {"id": camp_id}},
                f"{ids.GAP_GRID}.getRowsRequest": {"startRow": 0, "endRow": 100, "sortModel": sort, "filterModel": {}},
                "_pages_location.search": WEEK,
            },
        )
        return response.get_json()["response"][ids.GAP_FIND]["data"]

    rows, _n = _grid_rows(coordinator)
    b = next(r["camp_id"] for r in rows if r["code"] == "B")
    assert found(int(b), []) == {"index": 2, "id": b}
    assert found(int(b), [{"colId": "name", "sort": "asc"}]) == {"index": 1, "id": b}


def test_exports_as_filtered_with_hxl(coordinator):
    not_b = {"name": {"filterType": "text", "type": "notEqual", "filter": "Camp B"}}  # as if B was filtered out
    request = {"startRow": 0, "endRow": 1, "sortModel": [], "filterModel": not_b}  # the grid had fetched one row
    csv_response = call_callback(
        coordinator,
        f"{ids.EXPORT_DOWNLOAD}.data",
        {f"{ids.EXPORT_CSV}.n_clicks": 1, f"{ids.GAP_GRID}.getRowsRequest": request, "_pages_location.search": WEEK},
        triggered=f"{ids.EXPORT_CSV}.n_clicks",
    )
    data = csv_response.get_json()["response"][ids.EXPORT_DOWNLOAD]["data"]
    assert data["content"].startswith("\ufeff")  # a spreadsheet reads it as UTF-8 (Arabic and Kurdish names)
    table = list(csv.reader(io.StringIO(data["content"].removeprefix("\ufeff"))))
    # what it is of, in its first lines: title, the view's filters, the data's date
    assert table[0] == ["Mobile Medical Clinics, Iraq: camps and sites, coverage gaps"]
    assert table[1] == ["30 Jan 2017 to 05 Feb 2017 · seven governorates · all syndromes"]
    assert table[2][0].startswith("records to 06 Feb 2017 · exported ")
    # the grid's headers in its order (names first, machine codes last), each with its HXL tag below it
    header, tags, rows = table[3], table[4], table[5:]
    assert header[:4] == ["Camp or site", "Governorate", "Status", "Why"]
    assert header[-3:] == ["Camp code", "Governorate code", "Status code"]
    assert (tags[0], tags[2]) == ("#loc+name", "#status+name")
    assert tags[-3:] == ["#loc+code", "#adm1+code", "#status+code"]
    assert [r[-3] for r in rows] == ["C", "A"]  # every row that passes the filter, in the grid's order
    assert (rows[0][2], rows[0][-1]) == ("Not reached", "not_reached")  # a label, and the code in its own column
    assert data["filename"] == "mmc-camps-2017-01-30-to-2017-02-05.csv"  # the view's name, not today's date

    xlsx_response = call_callback(
        coordinator,
        f"{ids.EXPORT_DOWNLOAD}.data",
        {f"{ids.EXPORT_XLSX}.n_clicks": 1, f"{ids.GAP_GRID}.getRowsRequest": request, "_pages_location.search": WEEK},
        triggered=f"{ids.EXPORT_XLSX}.n_clicks",
    )
    data = xlsx_response.get_json()["response"][ids.EXPORT_DOWNLOAD]["data"]
    sheet = load_workbook(io.BytesIO(base64.b64decode(data["content"]))).active
    values = list(sheet.values)
    assert values[1][0] == "30 Jan 2017 to 05 Feb 2017 · seven governorates · all syndromes"
    assert (values[4][:2], values[5][0]) == (("Camp or site", "Governorate"), "#loc+name")
    assert [v[-3] for v in values[6:]] == ["C", "A"]
    # the filter buttons on the HXL row, the panes frozen under it: sorting never moves the tags into the data
    assert (sheet.auto_filter.ref, sheet.freeze_panes) == ("A6:P8", "A7")
    visited = values[6 + 1][header.index("Last visit")]  # camp A's last visit, a real date
    assert visited == dt.datetime(2017, 2, 1)
    assert data["filename"] == "mmc-camps-2017-01-30-to-2017-02-05.xlsx"


def test_exported_text_cannot_run_as_a_formula():
    row = {"code": "C", "name": "=1+1"}
    assert list(csv.reader(io.StringIO(exports.to_csv([row], figures.GAP_COLUMNS))))[2][:2] == ["C", "'=1+1"]
    sheet = load_workbook(io.BytesIO(exports.to_xlsx([row], figures.GAP_COLUMNS, "gaps"))).active
    assert list(sheet.values)[2][1] == "'=1+1"


def test_callbacks_give_the_public_nothing(app):
    anonymous = app.server.test_client()
    for output, values in (
        (
            f"{ids.NEXT_RESULT}.children",
            {
                f"{ids.NEXT_RUN}.n_clicks": 1,
                f"{ids.NEXT_SLOTS}.value": 3,
                f"{ids.NEXT_RADIUS}.value": 50,
                "_pages_location.search": WEEK,
            },
        ),
        (f"{ids.EXPORT_DOWNLOAD}.data", {f"{ids.EXPORT_CSV}.n_clicks": 1}),
        (f"{ids.GAP_MAP}.viewport", {f"{ids.GAP_GRID}.selectedRows": [{"latitude": 1, "longitude": 2}]}),
        (f"{ids.GAP_FIND}.data", {f"{ids.GAP_CAMPS}.clickData": {"properties": {"id": 1}}}),
        (f"{ids.GAP_GRID}.getRowsResponse", {f"{ids.GAP_GRID}.getRowsRequest": {"startRow": 0, "endRow": 100}}),
    ):
        response = call_callback(anonymous, output, values)
        assert response.status_code == 204, output
        assert not any(s in response.get_data(as_text=True) for s in SECRETS)


def test_reach_lines_join_each_base_to_the_camps_it_visited():
    import numpy as np
    import pandas as pd

    from dashboard.web.pages.coordinator import reach_columns

    camps = pd.DataFrame({"camp_id": [1, 2], "name": ["A", "B<"]})
    clinics = pd.DataFrame(
        {
            "code": ["M1", "M2"],
            "base_latitude": [36.123456, None],
            "base_longitude": [43.5, None],
            "name": ["Team Alpha", "No base"],
        }
    )
    visits = pd.DataFrame(
        {"clinic_code": ["M1", "M1", "X9", "M2", "M1"], "camp_id": [1, 2, 1, 1, 7], "visits": [4, 100, 3, 2, 5]}
    )
    cols = reach_columns(camps, clinics, visits, np.array([1, 2, 5, 7]), "/map/camps-x.json")
    # X9 is no known unit, M2 has no base and camp 7 is outside the filters: no line for them
    assert (cols["u"], cols["c"], cols["n"]) == ([0, 0], [0, 1], [4, 100])
    assert cols["units"] == {"code": ["M1"], "name": ["Team Alpha"], "x": [43.5], "y": [36.1235]}
    assert cols["tooltip"] == "{unit} → {camp}, visits: {n}"
    assert cols["places"] == "/map/camps-x.json"


def test_a_unit_without_a_known_base_has_no_point_on_the_map():
    import pandas as pd

    from dashboard.web.pages.coordinator import _unit_bases

    clinics = pd.DataFrame(
        {
            "code": ["M1", "M2"],
            "name": ["Team Alpha", "No base"],
            "unit_type": ["mmc", "mmc"],
            "base_latitude": [36.1, None],
            "base_longitude": [43.5, None],
        }
    )
    features = _unit_bases(clinics)["features"]
    assert [f["properties"]["code"] for f in features] == ["M1"]  # not a point at [NaN, NaN]
    assert features[0]["geometry"]["coordinates"] == [43.5, 36.1]


def test_highlight_links_group_units_and_camps():
    import pandas as pd

    from dashboard.analytics.tables import grouped

    served = pd.DataFrame({"camp_id": [2, 1, 1, 3], "clinic_code": ["M1", "M2", "M1", "M2"], "visits": [1, 2, 3, 4]})
    assert grouped(served, "clinic_code", "camp_id") == {"M1": [1, 2], "M2": [1, 3]}
    assert grouped(served, "camp_id", "clinic_code") == {1: ["M1", "M2"], 2: ["M1"], 3: ["M2"]}
    assert grouped(served.iloc[:0], "camp_id", "clinic_code") == {}


def test_where_next_uses_the_camps_the_page_shows_when_the_link_has_a_bad_parameter(coordinator):
    """The page names the bad parameter and shows its other filters; the recommendation follows the page."""
    response = _recommend(coordinator, 5, WEEK + "&governorate=IQ-XX")
    assert "Stop 1: Camp C: +300 people" in str(response.get_json()["response"][ids.NEXT_RESULT]["children"])
