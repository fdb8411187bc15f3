"""A server's first requests: a gunicorn worker may be sent a page's scripts before it has served any page (another
worker served it), several at a time on its threads."""

from __future__ import annotations

import threading

from tests.helpers import make_app, tiny_dataset

SCRIPTS = [
    "/_dash-component-suites/dash_mantine_components/dash_mantine_components.js",
    "/_dash-component-suites/dash/dcc/dash_core_components.js",
    "/_dash-component-suites/dash/html/dash_html_components.min.js",
    "/_dash-component-suites/dash_leaflet/dash_leaflet.js",
]


def test_scripts_asked_for_at_once_before_any_page_are_all_served(sqlite_url):
    # Dash registers its libraries on a server's first request and marks that done before doing it: requests that
    # arrived meanwhile were refused (500, "not a registered library") and the visitor saw an empty page.
    app = make_app(sqlite_url, tiny_dataset())
    statuses: list[int] = []
    start = threading.Barrier(len(SCRIPTS) * 2)

    def get(path: str) -> None:
        client = app.server.test_client()
        start.wait()
        statuses.append(client.get(path).status_code)

    threads = [threading.Thread(target=get, args=(path,)) for path in SCRIPTS * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * len(threads)
