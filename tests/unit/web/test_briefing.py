"""Briefing mode without a browser: the screens each audience gets, and links that carry the whole state."""

from __future__ import annotations

import dash
import pytest

from dashboard.web import ids
from tests.helpers import (
    add_coordinator,
    client_with_csrf,
    find,
    make_app,
    page_content,
    sign_in,
    texts,
    tiny_dataset,
)


@pytest.fixture
def app(sqlite_url):
    app = make_app(sqlite_url, tiny_dataset())
    add_coordinator(app.server.config["MMC_ENGINE"])
    return app


def _briefing(app, **query):
    with app.server.test_request_context("/briefing"):
        return dash.page_registry["dashboard.web.pages.briefing"]["layout"](**query)


def test_each_screen_carries_period_and_data_date(app):
    for screen, title in (
        ("figures", "what the programme reaches"),
        ("map", "Where the clinics reach"),
        ("trends", "Consultations week by week"),
    ):
        page = _briefing(app, screen=screen, start="2017-01-30", end="2017-02-05")
        words = " ".join(texts(page))
        assert title in words
        assert "30 Jan 2017 to 05 Feb 2017 · seven governorates · all syndromes" in words
        # the data's date is its latest record's (Monday 6 Feb, in whole weeks for the public), not the load's
        assert "records to the week ending 12 Feb 2017" in words
        assert "Demo data (synthetic)" in words


def test_links_carry_the_whole_state(app):
    page = _briefing(app, screen="map", start="2017-01-30", end="2017-02-05", governorate="IQ-AN")
    assert find(page, ids.BRIEFING_NEXT).href == (
        "/briefing?start=2017-01-30&end=2017-02-05&governorate=IQ-AN&screen=trends"
    )
    assert find(page, ids.BRIEFING_PREV).href.endswith("screen=figures")
    assert find(page, ids.BRIEFING_PRINT).href.endswith("screen=all")
    assert "Anbar" in " ".join(texts(page))


def test_public_briefing_has_three_screens_and_no_gaps(app):
    page = _briefing(app, screen="trends")
    assert find(page, ids.BRIEFING_NEXT) is None
    assert "3 of 3" in texts(page)
    body = page_content(app.server.test_client(), "/briefing", "?screen=gaps")
    assert "Sign-in required" in body
    assert ids.BRIEFING_GAPS not in body


def test_coordinators_get_the_gaps_screen(app):
    client = client_with_csrf(app)
    sign_in(client)
    body = page_content(client, "/briefing", "?screen=gaps&start=2017-01-30&end=2017-02-05")
    assert ids.BRIEFING_GAPS in body
    assert "Who we are missing" in body
    assert "4 of 4" in body


def test_all_screens_for_printing(app):
    page = _briefing(app, screen="all", start="2017-01-30", end="2017-02-05")
    for screen in ("figures", "map", "trends"):
        assert find(page, f"{ids.BRIEFING_SCREEN}-{screen}") is not None
    assert find(page, f"{ids.BRIEFING_SCREEN}-gaps") is None


def test_an_unknown_screen_shows_the_first(app):
    assert find(_briefing(app, screen="nonsense"), f"{ids.BRIEFING_SCREEN}-figures") is not None


def test_the_trend_screens_figures_are_a_table_too(app):
    """A screen reader or a keyboard reaches the chart's figures: each governorate's consultations week by week."""
    page = _briefing(app, screen="trends", start="2017-01-30", end="2017-02-12")
    table = find(page, ids.OVERVIEW_CHART_TABLE)
    words = texts(table)
    assert "The figures as a table" in texts(page)
    assert {"Week", "Anbar", "Dohuk"} <= set(words)
    assert "30 Jan 2017" in words
