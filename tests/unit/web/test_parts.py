"""Parts of a page answered in their own requests: the browser's request fills a part, for the viewer's role only."""

from __future__ import annotations

from dashboard.web import ids, parts
from tests.helpers import TINY_RECORDS, add_coordinator, client_with_csrf, make_app, sign_in, tiny_dataset

MEASLES = ("2017-02-06", "M1", "A", "suspected_measles", "female", "under5", 1, 1)
WEEKS = "?start=2017-01-30&end=2017-02-12"


def _app(sqlite_url):
    app = make_app(sqlite_url, tiny_dataset([*TINY_RECORDS, MEASLES]))
    add_coordinator(app.server.config["MMC_ENGINE"])
    return app


def test_the_query_is_read_as_dash_pages_reads_it():
    assert parts.page_query("?start=2017-01-30&governorate=IQ-AN&governorate=IQ-BG&camp=") == {
        "start": "2017-01-30",
        "governorate": ["IQ-AN", "IQ-BG"],
        "camp": "",
    }
    assert parts.page_query(None) == {}
    assert parts.page_query("") == {}


def test_a_page_names_its_parts_and_the_browser_fills_each(sqlite_url):
    app = _app(sqlite_url)
    client = client_with_csrf(app)
    sign_in(client, "carol")
    body = {  # what the browser posts when it opens the page: Dash pages' router
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": "/trends"},
            {"id": "_pages_location", "property": "search", "value": WEEKS},
        ],
        "changedPropIds": ["_pages_location.search"],
    }
    frame = client.post("/_dash-update-component", json=body).get_json()["response"]["_pages_content"]["children"]
    names = parts.names_in(frame)
    assert names[0] == "trends.alerts"
    assert "trends.syndrome" in names
    assert len(names) == 8
    answer = client.post("/_dash-update-component", json=parts.request_body("trends.alerts", WEEKS))
    assert answer.status_code == 200
    assert ids.ALERT_GRID in answer.get_data(as_text=True)
    chart = client.post("/_dash-update-component", json=parts.request_body("trends.syndrome", WEEKS)).get_json()
    assert "Suspected measles" in str(chart)


def test_a_part_for_coordinators_answers_nothing_to_anyone_else(sqlite_url):
    app = _app(sqlite_url)
    client = app.server.test_client()
    refused = client.post("/_dash-update-component", json=parts.request_body("trends.alerts", WEEKS))
    assert refused.status_code == 204
    assert b"camp" not in refused.data.lower()
    public = client.post("/_dash-update-component", json=parts.request_body("trends.syndrome", WEEKS))
    assert public.status_code == 200  # the public charts are public
    unknown = client.post("/_dash-update-component", json=parts.request_body("trends.nothing", WEEKS))
    assert unknown.status_code == 204


def test_a_placeholder_is_only_made_for_a_registered_part():
    import pytest

    with pytest.raises(KeyError, match=r"no part is named 'nowhere\.chart'"):
        parts.placeholder("nowhere.chart", 100)


def test_a_part_that_fails_says_so_in_its_place_and_logs_why(sqlite_url, caplog):
    app = _app(sqlite_url)

    @parts.part("test.broken")
    def broken(query):
        raise RuntimeError("the database went away")

    answer = app.server.test_client().post("/_dash-update-component", json=parts.request_body("test.broken", WEEKS))
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "could not be drawn" in text
    assert "database went away" not in text
    assert any("test.broken" in r.getMessage() and r.exc_info for r in caplog.records)
    del parts._PARTS["test.broken"]
