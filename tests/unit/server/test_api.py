"""The read-only API: hand-computed figures, suppression, access, errors, CSV with HXL, and the OpenAPI document."""

from __future__ import annotations

import csv
import io

import dash
import pytest

from dashboard.web import ids
from tests.helpers import (
    SECRETS,
    add_coordinator,
    client_with_csrf,
    find,
    make_app,
    sign_in,
    texts,
    tiny_dataset,
)

WEEK = "start=2017-01-30&end=2017-02-05"


@pytest.fixture
def api_app(sqlite_url):
    app = make_app(sqlite_url, tiny_dataset())
    add_coordinator(app.server.config["MMC_ENGINE"])
    return app


@pytest.fixture
def anonymous(api_app):
    return api_app.server.test_client()


@pytest.fixture
def coordinator(api_app):
    client = client_with_csrf(api_app)
    sign_in(client)
    return client


def test_summary_matches_hand_computed_figures(coordinator):
    body = coordinator.get(f"/api/v1/summary?{WEEK}").get_json()
    assert body["totals"] == dict(
        consultations=85,
        referrals=7,
        visits=5,
        camps_visited=2,
        camps_reached=2,
        active_units=3,
        population_reached=2500,
        camps=3,
    )
    by_gov = {g["governorate"]: g for g in body["governorates"]}
    assert by_gov["IQ-AN"] == dict(
        governorate="IQ-AN",
        name="Anbar",
        consultations=50,
        referrals=6,
        visits=3,
        camps_visited=1,
        camps=2,
        camps_reached=1,
        active_units=2,
        population_reached=500,
    )
    assert by_gov["IQ-DA"]["population_reached"] == 2000
    assert body["suppression"]["k"] is None
    assert body["demo_data"] is True


def test_public_summary_counts_are_sums_of_protected_weekly_cells(anonymous):
    """The week's cells (tiny dataset): Dohuk's consultations are all 5 or more (10, 20, 5) and shown exactly;
    Anbar's injuries (3 consultations, 3 referrals) are rounded to 0 or 5, both the same way; every referral cell
    of the week is 1 to 3, so each governorate's referrals are a multiple of 5."""
    body = anonymous.get(f"/api/v1/summary?{WEEK}").get_json()
    by_gov = {g["governorate"]: g for g in body["governorates"]}
    assert by_gov["IQ-DA"]["consultations"] == 35
    injuries = by_gov["IQ-AN"]["consultations"] - 47
    assert injuries in (0, 5)
    assert all(g["referrals"] % 5 == 0 for g in by_gov.values())
    assert by_gov["IQ-DA"]["referrals"] in (0, 5)
    assert by_gov["IQ-AN"]["referrals"] >= injuries  # the injuries' referrals went the same way as their visits
    assert body["totals"]["consultations"] == sum(g["consultations"] for g in by_gov.values())
    assert body["totals"]["referrals"] == sum(g["referrals"] for g in by_gov.values())
    # what is not a count of people is exact: visits, camps, people reached, units
    assert (body["totals"]["visits"], body["totals"]["camps_reached"], body["totals"]["active_units"]) == (5, 2, 3)
    assert body["suppression"]["k"] == 5
    assert "whole weeks" in body["suppression"]["note"]
    assert body["adjusted"] == []  # Monday to Sunday: nothing to widen


def test_a_public_period_is_widened_to_whole_weeks_and_says_so(anonymous, coordinator):
    body = anonymous.get("/api/v1/summary?start=2017-02-01&end=2017-02-01").get_json()
    assert (body["filters"]["start"], body["filters"]["end"]) == ("2017-01-30", "2017-02-05")
    assert body["adjusted"] == [{"parameter": "period", "reason": "whole_weeks"}]
    exact = coordinator.get("/api/v1/summary?start=2017-02-01&end=2017-02-01").get_json()
    assert (exact["filters"]["start"], exact["filters"]["end"], exact["adjusted"]) == ("2017-02-01", "2017-02-01", [])
    assert exact["totals"]["consultations"] == 5 + 7 + 3


def test_api_and_page_show_the_same_figures(api_app, anonymous):
    body = anonymous.get("/api/v1/summary?start=2017-01-30&end=2017-01-30").get_json()
    with api_app.server.test_request_context("/"):
        page = dash.page_registry["dashboard.web.pages.overview"]["layout"](start="2017-01-30", end="2017-01-30")
    cards = texts(find(page, ids.OVERVIEW_FIGURES))
    assert cards[4] == f"{body['totals']['consultations']:,}"
    assert cards[5] == f"{body['totals']['referrals']:,} referrals"
    assert cards[1] == f"{body['totals']['population_reached']:,}"
    assert "widened to 30 Jan 2017 – 05 Feb 2017" in " ".join(texts(page))


def test_trends_weekly_and_monthly(coordinator):
    rows = coordinator.get("/api/v1/trends?start=2017-01-30&end=2017-02-12").get_json()["rows"]
    assert rows == [
        dict(period="2017-01-30", governorate="IQ-AN", consultations=50, referrals=6, partial=False),
        dict(period="2017-01-30", governorate="IQ-DA", consultations=35, referrals=1, partial=False),
        dict(period="2017-02-06", governorate="IQ-AN", consultations=0, referrals=0, partial=False),
        dict(period="2017-02-06", governorate="IQ-DA", consultations=8, referrals=0, partial=False),
    ]
    monthly = coordinator.get("/api/v1/trends?start=2017-01-01&end=2017-02-28&freq=month").get_json()["rows"]
    assert [(r["period"], r["governorate"], r["consultations"]) for r in monthly] == [
        ("2017-01-01", "IQ-AN", 0),
        ("2017-01-01", "IQ-DA", 30),
        ("2017-02-01", "IQ-AN", 50),
        ("2017-02-01", "IQ-DA", 13),
    ]


def test_public_trends_are_sums_of_the_same_protected_cells(anonymous):
    rows = anonymous.get("/api/v1/trends?start=2017-01-30&end=2017-02-12").get_json()["rows"]
    dohuk = [(r["consultations"], r["referrals"]) for r in rows if r["governorate"] == "IQ-DA"]
    assert [c for c, _r in dohuk] == [35, 8]
    assert dohuk[1][1] == 0
    assert dohuk[0][1] in (0, 5)
    week = anonymous.get(f"/api/v1/summary?{WEEK}").get_json()
    by_gov = {g["governorate"]: g for g in week["governorates"]}
    for r in rows[:2]:  # the first week's rows are the summary's figures
        assert (r["consultations"], r["referrals"]) == (
            by_gov[r["governorate"]]["consultations"],
            by_gov[r["governorate"]]["referrals"],
        )


def test_camps_geojson_public_and_coordinator_fields(anonymous, coordinator):
    public = anonymous.get(f"/api/v1/camps?{WEEK}").get_json()
    props = {f["properties"]["code"]: f["properties"] for f in public["features"]}
    assert set(props["A"]) == {
        "code",
        "name",
        "governorate",
        "site_type",
        "position_approximate",
        "population",
        "population_date",
        "status",
    }
    # Under-served is a judgement on a camp's own counts, which are not public: A is reached on the public map.
    assert (props["A"]["status"], props["B"]["status"], props["C"]["status"]) == ("reached", "reached", "not_reached")
    full = coordinator.get(f"/api/v1/camps?{WEEK}").get_json()
    a = next(f["properties"] for f in full["features"] if f["properties"]["code"] == "A")
    assert (a["visits"], a["consultations"], a["last_visit"], a["days_since_visit"]) == (2, 35, "2017-02-01", 4)
    assert a["status"] == "under_served"


def test_gaps_are_for_coordinators_only(anonymous, coordinator):
    response = anonymous.get("/api/v1/gaps")
    assert response.status_code == 401
    assert "coordinator" in response.get_json()["error"]["message"]
    rows = {r["code"]: r for r in coordinator.get(f"/api/v1/gaps?{WEEK}").get_json()["rows"]}
    assert rows["C"]["reason"] == "Never visited"
    assert rows["C"]["units_served"] == ""
    assert rows["B"]["units_served"] == "Ambulance Charlie, Team Bravo"
    assert rows["A"]["reason"].startswith("0.91 consultations per person per year")  # 35/2000*365/7
    assert rows["B"]["nearest_base_km"] == 1.6  # to Ambulance Charlie: 1.37 km north, 0.92 km east


def test_alerts_are_for_coordinators_only(anonymous, coordinator):
    response = anonymous.get("/api/v1/alerts")
    assert response.status_code == 401
    assert "coordinator" in response.get_json()["error"]["message"]
    assert anonymous.get("/api/v1/alerts?format=csv").status_code == 401
    body = coordinator.get("/api/v1/alerts?start=2017-01-30&end=2017-02-12").get_json()
    assert body["rows"] == []
    assert body["filters"]["start"] == "2017-01-30"
    header = next(csv.reader(io.StringIO(coordinator.get("/api/v1/alerts?format=csv").get_data(as_text=True))))
    assert header == [
        "week",
        "code",
        "name",
        "governorate",
        "governorate_name",
        "syndrome",
        "count",
        "baseline",
        "rule",
    ]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("start=2017-02-30", "start"),
        ("end=tomorrow", "end"),
        ("governorate=XX", "governorate"),
        ("syndrome=flu", "syndrome"),
        ("format=xml", "format"),
        ("gov=IQ-DA", "gov"),
        ("start=2017-03-01&end=2017-02-01", "start"),
    ],
)
def test_bad_parameters_give_400_naming_them(anonymous, query, parameter):
    response = anonymous.get(f"/api/v1/summary?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["parameter"] == parameter


def test_freq_is_only_for_trends(anonymous):
    assert anonymous.get("/api/v1/trends?freq=day").get_json()["error"]["parameter"] == "freq"
    assert anonymous.get("/api/v1/summary?freq=month").status_code == 400


def test_csv_has_an_hxl_row_and_no_formulas(sqlite_url):
    dataset = tiny_dataset()
    dataset.camps.loc[0, "camp_name"] = '=HYPERLINK("http://evil")'
    app = make_app(sqlite_url, dataset)
    text = app.server.test_client().get(f"/api/v1/camps?{WEEK}&format=csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["code", "name", "governorate"]  # (no byte-order mark: programs read the API's CSV)
    assert rows[1][:3] == ["#loc+code", "#loc+name", "#adm1+code"]
    assert rows[2][1] == '\'=HYPERLINK("http://evil")'
    summary = list(
        csv.reader(
            io.StringIO(app.server.test_client().get(f"/api/v1/summary?{WEEK}&format=csv").get_data(as_text=True))
        )
    )
    assert summary[1][0] == "#adm1+code"
    assert summary[-1][:2] == ["IQ", "Total"]
    assert int(summary[-1][2]) == sum(int(row[2]) for row in summary[2:-1])


def test_unknown_endpoint_is_a_json_404(anonymous):
    response = anonymous.get("/api/v1/clinics")
    assert response.status_code == 404
    assert "openapi.json" in response.get_json()["error"]["message"]


def test_openapi_documents_every_endpoint(api_app, anonymous):
    doc = anonymous.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    routes = {
        r.rule.removeprefix("/api/v1")
        for r in api_app.server.url_map.iter_rules()
        if r.rule.startswith("/api/v1/") and "<" not in r.rule and not r.rule.endswith("openapi.json")
    }
    assert (
        routes
        == set(doc["paths"])
        == {
            "/summary",
            "/trends",
            "/camps",
            "/gaps",
            "/alerts",
            "/health",
            "/completeness",
        }
    )
    trend_params = {p["name"] for p in doc["paths"]["/trends"]["get"]["parameters"]}
    assert trend_params == {"start", "end", "governorate", "syndrome", "format", "freq"}


def test_no_api_url_gives_an_anonymous_caller_coordinator_data(anonymous):
    for path in (
        "/api/v1/summary",
        "/api/v1/trends",
        "/api/v1/camps",
        "/api/v1/gaps",
        "/api/v1/alerts",
        "/api/v1/openapi.json",
    ):
        for query in ("", f"?{WEEK}", f"?{WEEK}&format=csv", "?start=2017-01-01&end=2017-12-31&freq=month"):
            text = anonymous.get(path + query).get_data(as_text=True)
            leaked = [s for s in SECRETS if s in text]
            assert not leaked, f"{path}{query} leaked {leaked}"


def test_health_says_when_this_process_answers_from_memory(anonymous, monkeypatch):
    """Readiness: 503 while the process reads the data (it starts the read itself), then 200."""
    import time

    from dashboard.data import columns

    columns.forget()
    first = anonymous.get("/api/v1/health")
    assert first.status_code == 503
    assert first.get_json()["in_memory_totals"] == "reading"
    deadline = time.monotonic() + 20
    while (answer := anonymous.get("/api/v1/health")).status_code == 503 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert answer.status_code == 200
    assert answer.get_json() == {
        "status": "ok",
        "in_memory_totals": "ready",
        "version": answer.get_json()["version"],
    }
    monkeypatch.setattr(columns, "ENABLED", False)  # IN_MEMORY_TOTALS=false: every answer from the database
    assert anonymous.get("/api/v1/health").get_json()["in_memory_totals"] == "off"
    assert "/health" in anonymous.get("/api/v1/openapi.json").get_json()["paths"]


@pytest.mark.parametrize("encoding", ["identity", "gzip, br"])
def test_public_answers_carry_a_validator_and_a_repeat_costs_no_work(api_app, anonymous, coordinator, encoding):
    """A public answer is the same for every visitor of a data version: shared caches (nginx, a CDN) may keep it a
    minute, and a question asked again with its ETag is answered 304 before any figure is computed."""
    from dashboard.data import queries
    from dashboard.services import figures

    url = f"/api/v1/summary?{WEEK}"
    first = anonymous.get(url, headers={"Accept-Encoding": encoding})
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=0, s-maxage=60"
    assert "Cookie" in first.headers["Vary"]
    tag = first.headers["ETag"]
    computed = []
    summary = figures.summary
    figures.summary = lambda *a, **k: computed.append(1) or summary(*a, **k)
    try:
        again = anonymous.get(url, headers={"If-None-Match": tag, "Accept-Encoding": encoding})
        assert again.status_code == 304
        assert computed == []
        assert again.data == b""
        other = anonymous.get(f"/api/v1/summary?{WEEK}&governorate=IQ-DA", headers={"If-None-Match": tag})
        assert other.status_code == 200  # another question, another answer
        # new data: the old validator no longer matches
        queries.load_dataset(api_app.server.config["MMC_ENGINE"], tiny_dataset())
        assert anonymous.get(url, headers={"If-None-Match": tag}).status_code == 200
    finally:
        figures.summary = summary
    signed_in = coordinator.get(url)
    assert "ETag" not in signed_in.headers
    assert signed_in.headers["Cache-Control"] == "no-store"  # never kept: a coordinator's counts are exact
