"""The HTML document around the app: language and direction, a skip link, 404 for a path that is no page, robots.txt."""

from __future__ import annotations

import pytest

from tests.helpers import make_app, tiny_dataset


@pytest.fixture
def client(sqlite_url):
    return make_app(sqlite_url, tiny_dataset()).server.test_client()


@pytest.mark.parametrize("path", ["/", "/trends", "/briefing", "/coordinator", "/formats", "/trends/"])
def test_pages_answer_200_with_language_direction_and_a_skip_link(client, path):
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in page
    assert page.index('class="skip-link" href="#main-content"') < page.index('id="react-entry-point"')


@pytest.mark.parametrize("path", ["/no-such-page", "/coordinator/nothing", "/wp-admin.php", "/trends/x"])
def test_a_path_that_is_no_page_answers_404_with_the_app_saying_so(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "react-entry-point" in response.get_data(as_text=True)  # the app, whose router shows "Page not found"


def test_robots_txt_lets_the_public_pages_be_indexed_and_nothing_else(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    rules = [line for line in response.get_data(as_text=True).splitlines() if line and not line.startswith("#")]
    assert rules[0] == "User-agent: *"
    for private in ("/login", "/coordinator", "/api/", "/auth/"):
        assert f"Disallow: {private}" in rules
    assert "Allow: /" in rules


def test_the_page_tells_the_browser_to_write_arabic_indic_digits_only_when_set_and_not_in_english(sqlite_url):
    from dashboard import i18n

    try:
        client = make_app(sqlite_url, tiny_dataset(), digits="arab").server.test_client()
        assert '<html lang="ar" dir="rtl" data-digits="arab">' in client.get("/?lang=ar").get_data(as_text=True)
        assert '<html lang="en" dir="ltr">' in client.get("/?lang=en").get_data(as_text=True)
    finally:
        i18n.configure("latn")  # (the setting is the process's)
    client = make_app(sqlite_url).server.test_client()
    assert '<html lang="ar" dir="rtl">' in client.get("/?lang=ar").get_data(as_text=True)
