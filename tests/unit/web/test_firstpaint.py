"""The page as first sent (web/firstpaint.py): the shell and the page's content as HTML in the document, made from the
same layouts as Dash's page for the same viewer, without ids, until Dash has drawn it."""

from __future__ import annotations

import json
import re

import dash_leaflet as dl
import pytest
from dash import dcc, html

from dashboard.web import firstpaint
from tests.helpers import add_coordinator, client_with_csrf, make_app, page_content, sign_in, tiny_dataset


def _first_paint(page: str) -> str:
    start = page.index(f'<div id="{firstpaint.ELEMENT_ID}"')
    return page[start : page.index('<div id="react-entry-point"')]


def _figures(markup: str) -> list[str]:
    return re.findall(r'<p class="mmc-text figure-value"[^>]*>([^<]*)</p>', markup)


def test_components_are_written_as_the_browser_would_draw_them():
    tree = html.Div(
        [
            html.H1("Camps & <sites>", className="mmc-title", id="title"),
            html.Label("Find", htmlFor="find", className="mmc-label"),
            dcc.Input(id="find", type="search", list="find-list", placeholder='a "name"', debounce=0.3),
            html.Img(src="/assets/logo.svg", height=28, alt=""),
            html.Details([html.Summary("More")], open=False),
            html.Aside("panel", hidden=True, **{"aria-labelledby": "title", "aria-label": "Camp"}),
            dcc.Link("Trends", href="/trends?governorate=IQ-DA&x=1", className="mmc-link"),
            dcc.Store(id="kept", data={"secret": 1}),
            dcc.Loading(html.P(7)),
            dl.Map([dl.TileLayer()], className="mmc-map", style={"height": 520}, center=[33, 44], zoom=6),
            html.Div(id="content"),
        ],
        style={"gap": "12px", "flexWrap": "nowrap", "--mmc-cards": 4, "marginTop": 0, "opacity": 0.5},
        className="mmc-stack",
    )
    written = firstpaint.html_of(tree, {"content": [html.B("drawn here")]})
    assert written == (
        '<div class="mmc-stack" style="gap:12px;flex-wrap:nowrap;--mmc-cards:4;margin-top:0;opacity:0.5">'
        '<h1 class="mmc-title">Camps &amp; &lt;sites&gt;</h1>'
        '<label class="mmc-label">Find</label>'
        '<input type="search" placeholder="a &quot;name&quot;">'
        '<img alt="" height="28" src="/assets/logo.svg">'
        "<details><summary>More</summary></details>"
        '<aside hidden aria-label="Camp">panel</aside>'
        '<a href="/trends?governorate=IQ-DA&amp;x=1" class="mmc-link">Trends</a>'
        "<p>7</p>"
        '<div class="mmc-map" style="height:520px"></div>'
        "<div><b>drawn here</b></div>"
        "</div>"
    )


@pytest.fixture
def app(sqlite_url):
    return make_app(sqlite_url, tiny_dataset())


def test_the_overview_is_in_the_page_as_first_sent_with_the_figures_dash_draws(app):
    client = app.server.test_client()
    page = client.get("/?governorate=IQ-DA").get_data(as_text=True)
    first = _first_paint(page)
    drawn = json.loads(page_content(client, "/", "?governorate=IQ-DA"))
    assert "Mobile Medical Clinics for displaced people" in first
    assert '<header class="mmc-header">' in first
    assert _figures(first)
    assert _figures(first) == [
        c["props"]["children"] for c in _walk(drawn) if "figure-value" in c.get("props", {}).get("className", "")
    ]
    assert "Diyala" in first  # the view line names the chosen governorate, as the page does
    assert '<img alt="Consultations per week, by governorate' in first  # the chart, drawn on the server
    assert 'class="mmc-map"' in first  # the map's place, kept for it
    assert re.findall(r' id="', first) == [' id="']  # only the first paint's own: Dash's tree has the others
    assert first.index(firstpaint.ELEMENT_ID) < page.index('id="react-entry-point"')


def _walk(node):
    if isinstance(node, dict):
        if "props" in node:
            yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_the_first_paint_is_in_the_readers_language_and_for_the_readers_role(app):
    client = app.server.test_client()
    arabic = _first_paint(client.get("/?lang=ar").get_data(as_text=True))
    assert "العيادات الطبية المتنقلة" in arabic
    public = _first_paint(client.get("/?lang=en").get_data(as_text=True))
    assert "Sign in" in public
    assert "Sign out" not in public
    assert "Load data" not in public
    add_coordinator(app.server.config["MMC_ENGINE"])
    signed_in = client_with_csrf(app)
    sign_in(signed_in)
    theirs = _first_paint(signed_in.get("/").get_data(as_text=True))
    assert "Sign out" in theirs
    assert "Load data" in theirs
    assert "carol" in theirs


def test_a_page_drawn_with_mantine_shows_its_headings_texts_and_the_blocks_of_its_parts(app):
    first = _first_paint(app.server.test_client().get("/trends").get_data(as_text=True))
    assert '<header class="mmc-header">' in first
    assert '<h1 class="mmc-title mmc-h2">Caseload trends</h1>' in first
    assert "public counts are sums of weekly counts" in first  # (the public's note on protected counts)
    assert first.count('class="mmc-skeleton"') == 6  # the public's six charts, on their way
    assert first.count('class="mmc-fp-col"') == 6  # in Mantine's grid's columns
    assert "<input" not in first  # (its pickers are look-alikes until Dash draws Mantine's)


def test_a_mantine_page_as_first_sent_shows_its_choices_as_chosen_in_the_link():
    """The trends' filters as first sent: each picker's label over what the link chose (or its placeholder), each
    segmented choice with the chosen one raised; inert, and without Mantine."""
    import dash_mantine_components as dmc

    from dashboard import i18n

    bar = dmc.Stack(
        [
            dmc.SegmentedControl(
                id="preset", data=[{"value": "4", "label": "4 weeks"}, "2025"], value="2025", size="xs"
            ),
            dmc.Group(
                [
                    dmc.DatePickerInput(
                        id="period", type="range", label="Period", value=["2025-01-06", "2025-03-30"], w=280
                    ),
                    dmc.MultiSelect(
                        id="govs",
                        label="Governorates",
                        placeholder="All seven",
                        data=[{"value": "IQ-DA", "label": "Dohuk"}, {"value": "IQ-AN", "label": "Anbar"}],
                        value=["IQ-AN", "IQ-DA"],
                        w={"base": "100%", "sm": 360},
                    ),
                    dmc.Select(id="syndrome", label="Syndrome", placeholder="All syndromes", data=[], value=None),
                ],
                align="flex-end",
                mb="sm",
            ),
            dmc.Grid([dmc.GridCol("wide", span={"base": 12, "lg": 7}), dmc.GridCol("narrow", span=5)]),
        ],
        gap="xs",
        className="no-print",
    )
    with i18n.use("en"):
        written = firstpaint.html_of(bar)
    assert written == (
        '<div class="mmc-stack no-print" style="gap:10px">'
        '<div class="mmc-fp-segmented mmc-fp-segmented-xs"><span>4 weeks</span>'
        '<span class="mmc-fp-chosen">2025</span></div>'
        '<div class="mmc-group" style="gap:16px;align-items:flex-end;margin-bottom:12px">'
        '<div class="mmc-fp-field" style="--mmc-fp-width:280px"><div class="mmc-fp-label">Period</div>'
        '<div class="mmc-fp-box">06 Jan 2025 \u2013 30 Mar 2025</div></div>'
        '<div class="mmc-fp-field" style="--mmc-fp-width:360px"><div class="mmc-fp-label">Governorates</div>'
        '<div class="mmc-fp-box">Anbar, Dohuk</div></div>'
        '<div class="mmc-fp-field"><div class="mmc-fp-label">Syndrome</div>'
        '<div class="mmc-fp-box mmc-fp-empty">All syndromes</div></div>'
        "</div>"
        '<div class="mmc-fp-grid"><div class="mmc-fp-col" style="--mmc-span:7">wide</div>'
        '<div class="mmc-fp-col" style="--mmc-span:5">narrow</div></div>'
        "</div>"
    )


def test_a_coordinators_page_as_first_sent_is_theirs_alone(app):
    public = _first_paint(app.server.test_client().get("/coordinator").get_data(as_text=True))
    assert "<h1" not in public  # (the page asks the public to sign in)
    add_coordinator(app.server.config["MMC_ENGINE"])
    signed_in = client_with_csrf(app)
    sign_in(signed_in)
    response = signed_in.get("/coordinator")
    assert response.headers["Cache-Control"] == "no-store"
    assert "<h1" in _first_paint(response.get_data(as_text=True))


def test_a_path_that_is_no_page_shows_the_not_found_page_at_once(app):
    response = app.server.test_client().get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in _first_paint(response.get_data(as_text=True))


def test_a_page_that_cannot_be_drawn_is_still_sent_without_its_first_paint(app, monkeypatch, caplog):
    from dashboard.server import runtime

    def broken(**_query):
        raise RuntimeError("boom")

    with app.server.test_request_context("/formats"):
        page = runtime.page_at("/formats")
    monkeypatch.setitem(page, "layout", broken)
    response = app.server.test_client().get("/formats")
    assert response.status_code == 200
    assert firstpaint.ELEMENT_ID not in response.get_data(as_text=True)
    assert "the first paint of /formats could not be made" in caplog.text


def test_the_page_preloads_its_answer_the_routers_own_for_this_viewer(app):
    """The page's HTML preloads Dash pages' router's answer for itself as a GET (assets/firstpaint.js gives it to the
    router's first question): the same answer as the router's callback, for the same viewer, kept and validated for
    the public like the layout; a bad parameter is refused, named."""
    client = app.server.test_client()
    page = client.get("/?governorate=IQ-DA&lang=ar").get_data(as_text=True)
    [href] = re.findall(
        r'<link rel="preload" href="([^"]+)" as="fetch" crossorigin fetchpriority="low" data-mmc-page>', page
    )
    assert href == "/_dash-page?path=%2F&amp;query=governorate%3DIQ-DA%26lang%3Dar&amp;lang=ar"
    without_cookies = app.server.test_client(use_cookies=False).get(href.replace("&amp;", "&"))
    assert "العيادات الطبية المتنقلة" in json.dumps(without_cookies.get_json(), ensure_ascii=False)  # (as the page)
    assert page.index("_dash-layout") < page.index("_dash-page")
    answer = client.get(href.replace("&amp;", "&"))
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "public, max-age=0, s-maxage=60"  # (the public's: answers.py)
    assert client.get(href.replace("&amp;", "&"), headers={"If-None-Match": answer.headers["ETag"]}).status_code == 304
    routed = json.loads(page_content(client, "/", "?governorate=IQ-DA&lang=ar"))
    assert json.loads(answer.get_data(as_text=True)) == routed
    assert "العيادات الطبية المتنقلة" in json.dumps(routed, ensure_ascii=False)  # (in the reader's language)
    english = app.server.test_client()
    trends = json.loads(english.get("/_dash-page?path=/trends&query=").get_data(as_text=True))["response"]
    assert trends["_pages_store"]["data"]["title"] == "Trends and alerts · MMC Iraq"
    missing = json.loads(english.get("/_dash-page?path=/no-such-page").get_data(as_text=True))["response"]
    assert "Page not found" in json.dumps(missing["_pages_content"])
    long_link = english.get("/?note=" + "x" * 3000)  # (longer than a request line may be: the router asks instead)
    assert long_link.status_code == 200
    assert "data-mmc-page" not in long_link.get_data(as_text=True)
    refused = english.get("/_dash-page?path=trends")
    assert refused.status_code == 400
    assert "`path`" in refused.get_json()["error"]
