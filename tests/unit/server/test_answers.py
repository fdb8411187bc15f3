"""Answers the same for every visitor of the public view (server/answers.py): made once per data version and
question, sent again from memory, with validators and cache headers that let nginx keep them; never for a session."""

from __future__ import annotations

import json

import dash
import pytest

from dashboard.data import queries
from dashboard.server import answers
from tests.helpers import SECRETS, add_coordinator, client_with_csrf, make_app, page_request, sign_in, tiny_dataset

HEADER = answers.HEADER


@pytest.fixture
def app(sqlite_url):
    app = make_app(sqlite_url, tiny_dataset())
    add_coordinator(app.server.config["MMC_ENGINE"])
    return app


def _page_body(client, pathname: str, search: str = "") -> dict:
    return page_request(client.get("/_dash-dependencies").get_json(), pathname, search)


def test_a_public_question_asked_again_is_answered_from_memory_and_shared_caches_may_keep_it(app, monkeypatch):
    client = app.server.test_client()
    body = _page_body(client, "/", "?start=2017-01-02&end=2017-03-05")
    first = client.post("/_dash-update-component", json=body)
    assert first.status_code == 200
    assert HEADER not in first.headers
    assert first.headers["Cache-Control"] == "public, max-age=0, s-maxage=60"
    assert "Cookie" in first.headers["Vary"]
    # asked again: nothing is computed (the page's layout function would fail if it were called)
    page = next(p for p in dash.page_registry.values() if p["path"] == "/")
    monkeypatch.setitem(page, "layout", lambda **_: 1 / 0)
    again = client.post("/_dash-update-component", json=body)
    assert again.status_code == 200
    assert again.headers[HEADER] == "kept"
    assert again.data == first.data
    assert again.headers["Cache-Control"] == "public, max-age=0, s-maxage=60"
    other = client.post("/_dash-update-component", json=_page_body(client, "/", "?start=2017-01-02&end=2017-04-02"))
    assert other.status_code == 500  # another question is computed (and here fails, as it was told to)


def test_after_a_load_the_kept_answers_are_not_sent_again(app):
    client = app.server.test_client()
    body = _page_body(client, "/")
    first = client.post("/_dash-update-component", json=body)
    assert client.post("/_dash-update-component", json=body).headers[HEADER] == "kept"
    layout = client.get("/_dash-layout")
    assert client.get("/_dash-layout", headers={"If-None-Match": layout.headers["ETag"]}).status_code == 304
    queries.load_dataset(app.server.config["MMC_ENGINE"], tiny_dataset())  # new data: a new version
    after = client.post("/_dash-update-component", json=body)
    assert after.status_code == 200
    assert HEADER not in after.headers
    assert json.loads(after.data).keys() == json.loads(first.data).keys()
    assert client.get("/_dash-layout", headers={"If-None-Match": layout.headers["ETag"]}).status_code == 200


def test_a_signed_in_coordinator_never_gets_or_leaves_a_kept_answer(app):
    anonymous = app.server.test_client()
    coordinator = client_with_csrf(app)
    sign_in(coordinator)
    body = _page_body(anonymous, "/coordinator")
    public = anonymous.post("/_dash-update-component", json=body)
    assert public.status_code == 200
    assert not any(secret in public.get_data(as_text=True) for secret in SECRETS)
    for _ in range(2):
        signed = coordinator.post("/_dash-update-component", json=body)
        assert HEADER not in signed.headers
        assert signed.headers["Cache-Control"] == "no-store"
        assert signed.data != public.data  # the coordinators' page, not the sign-in notice the public was sent
    layout = coordinator.get("/_dash-layout")
    assert "ETag" not in layout.headers
    assert "carol (coordinator)" in layout.get_data(as_text=True)
    # and what the coordinator was sent was not kept for the public
    again = anonymous.post("/_dash-update-component", json=body)
    assert again.headers[HEADER] == "kept"
    assert again.data == public.data


def test_layout_and_plan_carry_an_etag_and_a_repeat_is_a_304_whatever_the_encoding(app):
    client = app.server.test_client()
    for path in ("/_dash-layout", "/_dash-dependencies"):
        first = client.get(path, headers={"Accept-Encoding": "br"})
        assert first.headers["Cache-Control"] == "public, max-age=0, s-maxage=60"
        tag = first.headers["ETag"].strip('"')  # flask-compress adds ":br" to it
        again = client.get(path, headers={"If-None-Match": f'"{tag}"', "Accept-Encoding": "br"})
        assert again.status_code == 304
        assert again.data == b""


def _answer(body: bytes) -> answers.Answer:
    return answers.Answer(body, "application/json", None)


def test_kept_answers_stay_within_their_bytes_least_recently_used_first_out():
    kept = answers.Kept(limit=100)
    kept.put("v1", "a", _answer(b"x" * 40))
    kept.put("v1", "b", _answer(b"y" * 40))
    assert kept.get("v1", "a").body == b"x" * 40  # a is now the most recently used
    kept.put("v1", "c", _answer(b"z" * 40))  # 120 bytes: b goes
    assert kept.get("v1", "b") is None
    assert kept.get("v1", "a") is not None
    assert kept.get("v1", "c") is not None
    kept.put("v1", "big", _answer(b"!" * 101))  # larger than all: not kept, nothing given up for it
    assert kept.get("v1", "big") is None
    assert len(kept) == 2
    assert kept.get("v2", "a") is None  # another data version: nothing of v1's
    kept.put("v2", "d", _answer(b"d"))
    assert len(kept) == 1


def test_the_apis_public_answers_are_kept_csv_with_its_file_name_and_health_never(app):
    client = app.server.test_client()
    url = "/api/v1/summary?start=2017-01-02&end=2017-03-05&format=csv"
    first = client.get(url)
    again = client.get(url)
    assert first.status_code == again.status_code == 200
    assert again.headers[HEADER] == "kept"
    assert again.data == first.data
    assert again.mimetype == "text/csv"
    assert again.headers["Content-Disposition"] == first.headers["Content-Disposition"]
    assert again.headers["ETag"] == first.headers["ETag"]
    other = client.get(url + "&governorate=IQ-DA")  # the query is part of the question
    assert HEADER not in other.headers
    assert other.data != first.data
    client.get("/api/v1/health")
    health = client.get("/api/v1/health")
    assert HEADER not in health.headers
    assert "ETag" not in health.headers


def test_a_pages_html_is_the_same_for_every_visitor_and_kept_but_never_a_coordinators(app):
    anonymous = app.server.test_client()
    first = anonymous.get("/trends")
    again = anonymous.get("/trends")
    assert again.headers[HEADER] == "kept"
    assert again.data == first.data
    assert again.mimetype == "text/html"
    assert "end_id" not in first.get_data(as_text=True)  # Dash's per-load token: only background callbacks use it
    assert anonymous.get("/trends", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert anonymous.get("/no-such-page").status_code == 404  # not a page: the app says so, nothing kept
    coordinator = client_with_csrf(app)
    sign_in(coordinator)
    signed = coordinator.get("/trends")
    assert HEADER not in signed.headers
    assert "ETag" not in signed.headers
    assert "/dash_ag_grid/dash_ag_grid." in signed.get_data(as_text=True)  # the coordinators' tables, not the public's
    assert "/dash_ag_grid/dash_ag_grid." not in anonymous.get("/trends").get_data(as_text=True)


def test_no_callback_is_a_background_one_so_pages_need_no_per_load_token(app):
    assert not [key for key, spec in app.callback_map.items() if spec.get("background") or spec.get("long")]
