"""Pages built from the data layer, checked without a browser: what each audience is shown and not shown."""

from __future__ import annotations

import datetime as dt
import json
import re
from base64 import b64decode

import dash
import numpy as np
import plotly
import pytest
from sqlalchemy import insert, update

from dashboard import factory
from dashboard.data import queries, schema
from dashboard.data.models import Camp, ImportBatch
from dashboard.web import ids, shell
from dashboard.web.components import maps
from tests.helpers import (
    add_coordinator,
    call_callback,
    drawn,
    find,
    make_app,
    run_callback,
    settings_for,
    sign_in_here,
    texts,
    tiny_dataset,
    walk,
)

DRAWN_MAP = {"figure": "rate", "linked": True}  # (the overview's map's hideout as the page draws it: maps.camp_map)
GOVERNORATE_NAMES = ("Anbar", "Baghdad", "Diyala", "Dohuk", "Erbil", "Kirkuk", "Sulaymaniyah")


@pytest.fixture
def tiny_app(sqlite_url):
    app = make_app(sqlite_url, tiny_dataset())
    add_coordinator(app.server.config["MMC_ENGINE"])
    return app


def _overview(app, query: str = "", role: str | None = None):
    """The overview for `query`, as the public sees it or (role "coordinator") a signed-in coordinator."""
    args = dict(pair.split("=", 1) for pair in query.split("&") if pair)
    with app.server.test_request_context("/" + ("?" + query if query else "")):
        if role:
            sign_in_here(1, role)
        return dash.page_registry["dashboard.web.pages.overview"]["layout"](**args)


def test_figures_match_the_data_layer(tiny_app):
    page = _overview(tiny_app, "start=2017-01-30&end=2017-02-05", role="coordinator")
    cards = texts(find(page, ids.OVERVIEW_FIGURES))
    # People reached: A (2,000 at the period's end) + B (500); 85 consultations, 7 referrals; 2 of 3 camps; 3 units.
    assert cards[:3] == ["People reached", "2,500", "living in the camps reached (population at the period's end)"]
    assert cards[3:6] == ["Consultations", "85", "7 referrals"]
    assert cards[6:9] == [
        "Camps reached",
        "2 / 3",
        "visited in the period's last 14 days, of the camps open; 2 visited at any time in the period",
    ]
    assert cards[-2:] == ["3", "MMCs and ambulances with a visit"]
    assert "30 Jan 2017 to 05 Feb 2017 · seven governorates · all syndromes" in texts(page)
    assert any("every count is exact" in t for t in texts(page))


def test_the_public_page_shows_protected_counts_of_whole_weeks(tiny_app):
    """One day asked for: the public gets its whole week, says so, and counts from the protected weekly cells (the
    week's referral cells are each 1 to 3: 0 or 5 each); what is not a count of people stays exact."""
    page = _overview(tiny_app, "start=2017-02-01&end=2017-02-01")
    said = " ".join(texts(page))
    assert "the period asked for was widened to 30 Jan 2017 – 05 Feb 2017" in said
    assert "30 Jan 2017 to 05 Feb 2017 · seven governorates" in said
    assert "each count from 1 to 4 is shown as 0 or 5" in said
    cards = texts(find(page, ids.OVERVIEW_FIGURES))
    assert cards[4] in ("82", "87")  # 35 in Dohuk, 47 in Anbar and its 3 injuries as 0 or 5
    assert int(cards[5].split()[0]) % 5 == 0
    assert cards[:2] == ["People reached", "2,500"]
    assert "2 / 3" in cards


def test_chart_has_one_line_per_governorate_with_weekly_sums(tiny_app):
    page = _overview(tiny_app, "start=2017-01-30&end=2017-02-12", role="coordinator")
    chart = find(page, ids.OVERVIEW_CHART)
    svg = b64decode(chart.src.split(",", 1)[1]).decode()
    lines = {name: [p[1] for p in points] for name, points in drawn(svg)["lines"].items()}
    assert lines == {"Anbar": [50, 0], "Dohuk": [35, 8]}  # a week with no visit is a zero
    assert "Anbar" in chart.alt
    assert "Dohuk" in chart.alt
    # The download is the same picture; "Explore in Trends" keeps the period and governorates.
    assert any(getattr(c, "download", None) and c.href == chart.src for c in walk(page))
    assert any(getattr(c, "href", "") == "/trends?start=2017-01-30&end=2017-02-12" for c in walk(page))


def test_public_page_sends_no_clinic_base_or_code(tiny_app):
    page = _overview(tiny_app, "start=2017-01-30&end=2017-02-06")
    payload = json.dumps(page, cls=plotly.utils.PlotlyJSONEncoder)
    # Pictures drawn on the server travel as base64: read them too.
    payload += "".join(
        b64decode(p).decode() for p in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", payload)
    )
    assert "<svg" in payload
    for secret in (
        "36.85123",
        "42.95321",
        "33.42457",
        "43.31789",
        "33.41234",
        "43.30987",
        '"M1"',
        "Team Alpha",
        "Team Bravo",
        "Ambulance Charlie",
    ):
        assert secret not in payload
    units = find(page, ids.UNIT_LAYER).data["features"]
    assert sorted(f["properties"]["html"] for f in units) == ["MMC 1 · Amb. 0", "MMC 1 · Amb. 1"]


def test_map_has_the_18_governorates_and_every_camp(tiny_app):
    page = _overview(tiny_app, "start=2017-01-30&end=2017-02-05")
    figures = find(page, ids.GOV_FIGURES).data
    shapes = tiny_app.server.test_client().get(figures["shapes"]).get_json()
    assert len(figures["properties"]) == len(shapes["geometry"]) == 18
    assert [p["iso"] for p in figures["properties"]] == shapes["iso"]  # the browser joins them by position
    cols = find(page, ids.camp_columns(ids.CAMP_LAYER)).data
    places = tiny_app.server.test_client().get(cols["places"]).get_json()
    names = [places["n"][at] for at in np.cumsum(cols["i"])]
    camps = dict(zip(names, [cols["states"][s] for s in cols["s"]], strict=True))
    # Under-served is judged on a camp's own counts: coordinators only; the public map says reached.
    assert camps == {"Camp A": "reached", "Camp B": "reached", "Camp C": "not_reached"}
    cols = find(_overview(tiny_app, "start=2017-01-30&end=2017-02-05", "coordinator"), ids.camp_columns(ids.CAMP_LAYER))
    camps = dict(zip(names, [cols.data["states"][s] for s in cols.data["s"]], strict=True))
    assert camps == {"Camp A": "under_served", "Camp B": "reached", "Camp C": "not_reached"}


def test_camp_places_are_kept_by_browsers_until_data_is_loaded(tiny_app):
    """The places file of the data's version is immutable; another version's address gets the current file, not to
    be kept; loading data gives the page a new address."""
    from dashboard.ingest import demo

    client = tiny_app.server.test_client()
    url = find(_overview(tiny_app, "start=2017-01-30&end=2017-02-05"), ids.camp_columns(ids.CAMP_LAYER)).data["places"]
    response = client.get(url)
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
    assert response.get_json()["n"] == ["Camp A", "Camp B", "Camp C"]
    stale = client.get("/map/camps-0000000000000000-en.json")
    assert stale.status_code == 200
    assert "no-cache" in stale.headers["Cache-Control"]
    outlines = find(_overview(tiny_app, "start=2017-01-30&end=2017-02-05"), ids.GOV_FIGURES).data["shapes"]
    assert "immutable" in client.get(outlines).headers["Cache-Control"]
    assert "no-cache" in client.get("/map/governorates-0000000000000000.json").headers["Cache-Control"]
    engine = tiny_app.server.config["MMC_ENGINE"]
    queries.load_dataset(engine, demo.generate(start=dt.date(2018, 10, 1), end=dt.date(2018, 10, 14)))
    page = _overview(tiny_app, "start=2018-10-01&end=2018-10-14")
    fresh = find(page, ids.camp_columns(ids.CAMP_LAYER)).data["places"]
    assert fresh != url
    assert len(client.get(fresh).get_json()["n"]) == 31
    # in Arabic, the camps file's Arabic names (the demo gives them), at their own address
    assert fresh.endswith("-en.json")
    arabic = client.get(fresh.replace("-en.json", "-ar.json")).get_json()["n"]
    assert "عامرية الفلوجة" in arabic
    assert "Amriyat Al-Fallujah" not in arabic
    assert client.get(fresh.replace("-en.json", "-xx.json")).status_code == 404


def test_a_bad_period_in_the_link_is_named_and_the_default_shown(tiny_app):
    page = _overview(tiny_app, "start=2017-02-31")
    assert any("start must be a date as YYYY-MM-DD" in t for t in texts(page))
    assert find(page, ids.OVERVIEW_FIGURES) is not None


def test_a_bad_parameter_is_named_and_the_links_other_filters_kept(tiny_app):
    page = _overview(tiny_app, "start=2017-01-30&end=2017-02-05&governorate=IQ-XX&syndrome=flu", "coordinator")
    said = " ".join(texts(page))
    assert "The link's governorate was not understood (unknown governorate 'IQ-XX'" in said
    assert "The link's syndrome was not understood (unknown syndrome 'flu'" in said
    assert "30 Jan 2017 to 05 Feb 2017 · seven governorates" in said  # the period is kept
    assert texts(find(page, ids.OVERVIEW_FIGURES))[3:5] == ["Consultations", "85"]


def test_empty_period_says_so_instead_of_an_empty_axis(tiny_app):
    page = _overview(tiny_app, "start=2017-06-01&end=2017-06-30")
    assert find(page, ids.OVERVIEW_CHART) is None
    assert "No consultations were recorded in this period." in texts(page)


def test_demo_label_while_demo_data_is_loaded(tiny_app):
    with tiny_app.server.test_request_context("/"):
        assert "Demo data (synthetic)" in texts(shell.layout())
        engine = tiny_app.server.config["MMC_ENGINE"]
        with engine.begin() as conn:
            real = conn.execute(
                insert(ImportBatch)
                .returning(ImportBatch.id)
                .values(
                    kind="camps",
                    source="camps.csv",
                    created_at=dt.datetime.now(dt.UTC),
                    created_by="t",
                    rows_added=3,
                    rows_replaced=0,
                    rows_rejected=0,
                    is_demo=False,
                )
            ).scalar_one()
            conn.execute(update(Camp).values(batch_id=real))
        assert "Demo data (synthetic)" not in texts(shell.layout())


def test_every_page_answers(tiny_app):
    client = tiny_app.server.test_client()
    for path in ("/", "/briefing", "/coordinator", "/coordinator/data", "/login"):
        assert client.get(path).status_code == 200
    layout = client.get("/_dash-layout")
    assert layout.status_code == 200
    assert b"Demo data (synthetic)" in layout.data


def test_first_start_creates_the_database_and_loads_the_demo(tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'mmc.db'}"
    engine = factory.prepare(settings_for(url, load_demo=True))
    status = queries.data_status(engine)
    assert status.is_demo
    assert status.first_date.year == 2016
    assert status.last_date.year == 2018
    assert schema.is_current(engine)
    factory.prepare(settings_for(url, load_demo=True))  # a second start keeps the data as it is
    assert queries.data_status(engine).last_loaded_at == status.last_loaded_at


def test_a_bad_boundaries_file_stops_the_start_with_its_reason(sqlite_url, tmp_path, monkeypatch, capsys):
    import app

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("BOUNDARIES_FILE", str(tmp_path / "adm1.geojson"))
    monkeypatch.setenv("LOAD_DEMO", "false")
    assert app.main() == 1
    assert "Boundary file not found" in capsys.readouterr().err


def test_map_figures_per_governorate(tiny_app):
    page = _overview(tiny_app, "start=2017-01-30&end=2017-02-05", "coordinator")
    features = {p["iso"]: p for p in find(page, ids.GOV_FIGURES).data["properties"]}
    # Anbar: 50 consultations for 800 camp residents (B 500, C 300): 62.5 per 1,000; 500 of 800 reached.
    assert "Per 1,000 camp residents: 62.5" in features["IQ-AN"]["tooltip"]
    assert "Camp population reached: 63%" in features["IQ-AN"]["tooltip"]  # (halves up, as every share shown)
    figures = maps.governorate_figures(
        __import__("pandas").DataFrame(
            {"governorate": ["IQ-AN", "IQ-AN"], "population": [500, 300], "status": ["reached", "not_reached"]}
        ),
        {"IQ-AN": {"consultations": 50, "population_reached": 500}},
    )
    assert figures == {"IQ-AN": {"consultations": 50, "rate": 62.5, "share": 0.625, "population": 800}}
    assert features["IQ-BA"]["programme"] is False


def test_the_map_shading_callback_patches_only_the_hideout(tiny_app):
    import sys

    from dash import Patch

    overview = sys.modules["dashboard.web.pages.overview"]
    legends = {"share": {"breaks": [0.5], "span": [0.2, 0.9]}}
    hideout, legend, search = overview.choose_figure("share", legends, "?start=2017-01-30")
    assert isinstance(hideout, Patch)
    assert search == "?start=2017-01-30&figure=share"
    assert "Share of camp population reached:" in texts(legend)
    assert [t for t in texts(legend) if "%" in t] == ["under 50%", "50% and more"]


def test_one_governorate_shown_names_its_value_in_the_legend(tiny_app):
    """With no class breaks (one governorate, or all alike) the one colour is named by the value (it said "all")."""
    page = _overview(tiny_app, "start=2017-01-30&end=2017-02-05&governorate=IQ-DA", "coordinator")
    legend = texts(find(page, ids.MAP_LEGEND))
    assert "all" not in legend
    assert legend[-2:] == ["17.5", "hidden or no data"]  # Dohuk: 35 consultations for 2,000 people, per 1,000


def _suggested(page) -> dict[str, str]:
    """The map finder's suggestions: label -> code."""
    return {o.value: getattr(o, "data-code") for o in find(page, ids.MAP_FIND_LIST).children}


def test_the_map_can_be_used_from_the_keyboard(tiny_app):
    """Every governorate and camp is in a searchable list; choosing one does what a click does."""
    from dashboard.web.pages import overview

    page = _overview(tiny_app, "start=2017-01-30&end=2017-02-05")
    suggested = _suggested(page)
    assert list(suggested)[:7] == [f"Governorate: {name}" for name in sorted(GOVERNORATE_NAMES)]
    assert list(suggested)[7:] == ["Camp A (Dohuk)", "Camp B (Anbar)", "Camp C (Anbar)"]
    camp_b = suggested["Camp B (Anbar)"]
    search = "?start=2017-01-30&end=2017-02-05"
    href, *_rest = run_callback(
        tiny_app, overview.find_on_map, "gov:IQ-AN", search, DRAWN_MAP, triggered=f"{ids.MAP_FIND_CHOSEN}.data"
    )
    assert href == "/?start=2017-01-30&end=2017-02-05&governorate=IQ-AN"
    href, hidden, title, _panel = run_callback(
        tiny_app, overview.find_on_map, camp_b, search, DRAWN_MAP, triggered=f"{ids.MAP_FIND_CHOSEN}.data"
    )
    assert (hidden, title) == (False, "Camp B")  # the camp's panel, as a click on its marker opens it


def test_a_camps_panel_writes_its_days_as_every_page_does(tiny_app):
    """The population's date and the last visit in the reader's words (not ISO dates), "never" for a camp never
    visited."""
    from dashboard import i18n
    from dashboard.web.pages import overview

    page = _overview(tiny_app, "start=2017-01-30&end=2017-02-05")
    items = _suggested(page)
    search = "?start=2017-01-30&end=2017-02-05"

    def panel(camp: str) -> str:
        found = run_callback(
            tiny_app,
            overview.find_on_map,
            items[camp],
            search,
            DRAWN_MAP,
            triggered=f"{ids.MAP_FIND_CHOSEN}.data",
            role="coordinator",
        )
        return " ".join(texts(found[3]))

    assert "500 (as of 15 Jan 2017)" in panel("Camp B (Anbar)")
    assert "Last visit never" in panel("Camp C (Anbar)")
    with i18n.use("ar"):
        assert "(بتاريخ 15 كانون الثاني 2017)" in panel("Camp B (Anbar)")


def test_beyond_so_many_camps_the_finder_sends_none_and_typing_asks_the_server(tiny_app, monkeypatch):
    """At 10,000 camps the finder's list was 40 ms and 400 KB of every filter change: beyond FINDER_ALL only the
    governorates go with the page, and what a visitor types is matched on the server, by name, in any case."""
    from dashboard.web.pages import overview

    monkeypatch.setattr(overview, "FINDER_ALL", 2)  # the three camps of the test data count as many
    page = _overview(tiny_app, "start=2017-01-30&end=2017-02-05")
    finder = find(page, ids.MAP_FIND)
    assert len(_suggested(page)) == 7  # (the governorates)
    assert finder.placeholder == "Type to search 3 camps"
    assert find(page, ids.typed(ids.MAP_FIND)).data == {"many": True}  # (typing asks the server; with few, it does not)
    client = tiny_app.server.test_client()

    def camps(typed):
        response = call_callback(
            client,
            f"{ids.MAP_FIND_LIST}.children",
            {
                f"{ids.typed(ids.MAP_FIND)}.data": {"many": True, "typed": typed},  # (the browser's, from the finder)
                "_pages_location.search": "?start=2017-01-30&end=2017-02-05",
            },
        )
        options = [o["props"] for o in response.get_json()["response"][ids.MAP_FIND_LIST]["children"]]
        assert [o["value"] for o in options[:7]] == [f"Governorate: {name}" for name in sorted(GOVERNORATE_NAMES)]
        return {o["value"]: o["data-code"] for o in options[7:]}

    assert list(camps("camp b")) == ["Camp B (Anbar)"]
    assert list(camps("CAMP")) == ["Camp A (Dohuk)", "Camp B (Anbar)", "Camp C (Anbar)"]
    assert camps("zzz") == {}


@pytest.mark.parametrize(
    ("role", "records"), [(None, "records to the week ending 12 Feb 2017"), ("coordinator", "records to 06 Feb 2017")]
)
def test_a_period_past_the_latest_record_says_its_figures_are_missing(tiny_app, role, records):
    page = _overview(tiny_app, "start=2017-01-30&end=2017-03-05", role)
    said = " ".join(texts(find(page, ids.BEYOND_DATA)))
    assert "The period ends on 05 Mar 2017" in said
    assert records in said  # as each viewer may know it: the public's in whole weeks, not a visit's day
    assert find(_overview(tiny_app, "start=2017-01-30&end=2017-02-05", role), ids.BEYOND_DATA) is None


def test_a_governorate_clicked_on_a_map_filters_the_page_the_map_is_on(tiny_app):
    """The overview's map filters the overview; the coordinators' map filters the coordinators' page (it sent its
    reader to the overview)."""
    from dashboard.web.pages import overview

    click = {"properties": {"iso": "IQ-AN", "programme": True}}
    search = "?start=2017-01-30&end=2017-02-05"
    maps_shown = {"/": {"figure": "rate", "linked": True}, "/coordinator": {"figure": "share", "linked": False}}
    for path, hideout in maps_shown.items():
        href = run_callback(
            tiny_app,
            overview.filter_to_governorate,
            click,
            path,
            search,
            hideout,
            triggered=f"{ids.GOV_LAYER}.clickData",
        )
        assert href == f"{path}?start=2017-01-30&end=2017-02-05&governorate=IQ-AN"
    again = run_callback(
        tiny_app,
        overview.filter_to_governorate,
        click,
        "/coordinator",
        search + "&governorate=IQ-AN",
        maps_shown["/coordinator"],
        triggered=f"{ids.GOV_LAYER}.clickData",
    )
    assert again == "/coordinator?start=2017-01-30&end=2017-02-05"  # a second click shows every governorate again


def test_a_governorate_chosen_keeps_the_figure_the_overviews_map_shows(tiny_app):
    """A figure chosen on the overview's map changes the address bar, not the address the page was loaded with: a
    governorate then clicked or found dropped the figure (the map went back to its default shading)."""
    from dashboard.web.pages import overview

    click = {"properties": {"iso": "IQ-AN", "programme": True}}
    search = "?start=2017-01-30&end=2017-02-05"  # (as loaded, before the figure was chosen)
    shown = {"figure": "share", "linked": True}
    href = run_callback(
        tiny_app, overview.filter_to_governorate, click, "/", search, shown, triggered=f"{ids.GOV_LAYER}.clickData"
    )
    assert href == "/?start=2017-01-30&end=2017-02-05&figure=share&governorate=IQ-AN"
    found, *_rest = run_callback(
        tiny_app,
        overview.find_on_map,
        "gov:IQ-AN",
        search,
        {"figure": "consultations", "linked": True},
        triggered=f"{ids.MAP_FIND_CHOSEN}.data",
    )
    assert found == "/?start=2017-01-30&end=2017-02-05&figure=consultations&governorate=IQ-AN"
    assert find(_overview(tiny_app, found.split("?", 1)[1]), ids.MAP_FIGURE).data == "consultations"  # (its map)
