"""The sign-in page: a plain form rendered on the server, a few KB with no script, that signs a coordinator in."""

from __future__ import annotations

import re

import pytest

from dashboard.web import ids
from tests.helpers import add_coordinator, make_app, sign_in, tiny_dataset


@pytest.fixture
def app(sqlite_url):
    app = make_app(sqlite_url, tiny_dataset())
    add_coordinator(app.server.config["MMC_ENGINE"])
    return app


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_the_sign_in_page_is_a_small_form_with_no_script(app):
    response = app.server.test_client().get("/login")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"  # it holds the session's form token
    assert len(response.data) < 10_000
    assert "<script" not in page
    assert "react-entry-point" not in page
    assert '<html lang="en" dir="ltr">' in page
    assert page.index('class="skip-link" href="#main-content"') < page.index("<header")
    assert re.search(r"<label>Username\s*<input[^>]*name=\"username\"[^>]*required", page)
    assert re.search(r"<label>Password\s*<input type=\"password\"", page)
    for name, path in (("Overview", "/"), ("Trends", "/trends"), ("Briefing", "/briefing")):
        assert f'<a href="{path}">{name}</a>' in page  # the header's pages, as the app lists them
    assert f'id="{ids.DEMO_BANNER}"' in page  # the tiny dataset is loaded as demo data


def test_a_coordinator_signs_in_with_the_pages_token_and_goes_where_the_link_said(app):
    client = app.server.test_client()
    page = client.get("/login?next=/coordinator/data").get_data(as_text=True)
    assert '<input type="hidden" name="next" value="/coordinator/data">' in page
    answer = sign_in(client, next_path="/coordinator/data", token=_token(page))
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/coordinator/data"
    signed = client.get("/login").get_data(as_text=True)
    assert "You are signed in as carol (coordinator)." in signed
    again = client.get("/login?next=/login").get_data(as_text=True)
    assert '<a class="mmc-button" href="/coordinator">Continue</a>' in again  # never back to the sign-in page
    assert client.post("/auth/logout", data={"csrf_token": _token(signed)}).status_code == 303
    assert "You are signed in" not in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize(
    ("error", "said"),
    [("invalid", "The username or password is not right."), ("locked", "Too many failed attempts.")],
)
def test_a_failed_sign_in_says_why_to_a_screen_reader_too(app, error, said):
    page = app.server.test_client().get(f"/login?error={error}").get_data(as_text=True)
    assert re.search(rf'<p class="error" role="alert" id="{ids.LOGIN_ERROR}">{re.escape(said)}', page)
    assert f'aria-describedby="{ids.LOGIN_ERROR}"' in page


def test_the_page_escapes_what_the_link_carries_and_sends_nowhere_else(app):
    client = app.server.test_client()
    page = client.get('/login?error=<b>&next=/trends"><script>alert(1)</script>').get_data(as_text=True)
    assert "<script" not in page
    assert 'role="alert"' not in page
    assert 'name="next" value="/trends&#34;&gt;&lt;script&gt;' in page
    page = client.get("/login?next=https://evil.example/").get_data(as_text=True)
    assert '<input type="hidden" name="next" value="/coordinator">' in page
