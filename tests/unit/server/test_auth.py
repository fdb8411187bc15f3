"""Sign-in, sessions and the server-side access rule: anonymous requests never receive coordinator data."""

from __future__ import annotations

import re

import dash
import pytest

from dashboard.cli import main
from dashboard.data import schema, users
from dashboard.server import auth
from dashboard.web import parts
from tests.helpers import (
    PASSWORD,
    SECRETS,
    add_coordinator,
    client_with_csrf,
    make_app,
    output_spec,
    page_content,
    parts_content,
    sign_in,
    tiny_dataset,
)


@pytest.fixture
def app_with_users(sqlite_url):
    app = make_app(sqlite_url, tiny_dataset())
    engine = app.server.config["MMC_ENGINE"]
    add_coordinator(engine)
    users.add_user(engine, "adam", auth.hash_password(PASSWORD), "admin")
    return app


def test_accounts_on_both_databases(engine):
    account = users.add_user(engine, "dana.k", auth.hash_password(PASSWORD), "coordinator")
    assert (account.username, account.role) == ("dana.k", "coordinator")
    assert account.password_hash != PASSWORD
    assert PASSWORD not in account.password_hash
    with pytest.raises(users.UserError, match="already exists"):
        users.add_user(engine, "dana.k", auth.hash_password(PASSWORD), "admin")
    with pytest.raises(users.UserError, match="role must be one of"):
        users.add_user(engine, "eve", auth.hash_password(PASSWORD), "donor")
    with pytest.raises(users.UserError, match="username must be"):
        users.add_user(engine, "no spaces", auth.hash_password(PASSWORD), "admin")
    users.remove_user(engine, "dana.k")
    assert users.list_users(engine) == []
    with pytest.raises(users.UserError, match="no user named"):
        users.remove_user(engine, "dana.k")


def test_short_passwords_are_refused():
    with pytest.raises(users.UserError, match="at least 10 characters"):
        auth.hash_password("short")


def test_users_command(sqlite_url, monkeypatch, capsys):
    import io

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "add", "frank", "--role", "admin", "--password-stdin"]) == 0
    assert main(["users", "list"]) == 0
    assert "frank\tadmin" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("tooshort\n"))
    assert main(["users", "set-password", "frank", "--password-stdin"]) == 1
    assert "at least 10 characters" in capsys.readouterr().err
    assert main(["users", "remove", "frank"]) == 0
    assert users.list_users(schema.make_engine(sqlite_url)) == []


# -- signing in -----------------------------------------------------------------------------------------------------


def test_sign_in_and_out(app_with_users):
    client = client_with_csrf(app_with_users)
    response = sign_in(client)
    assert response.status_code == 303
    assert response.headers["Location"] == "/coordinator"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    with client.session_transaction() as session:
        assert session["role"] == "coordinator"
        session["csrf"] = "tok2"
    out = client.post("/auth/logout", data={"csrf_token": "tok2"})
    assert out.status_code == 303
    assert out.headers["Location"] == "/"
    with client.session_transaction() as session:
        assert "uid" not in session


def test_sign_out_works_whichever_response_sets_the_cookie_last(app_with_users):
    """After sign-in, the browser loads a page with several requests at once, and each response re-sends the signed-in
    session. The sign-out form's token must already be in the session that sign-in sets; were it made by the page
    that shows the form, a response sent at the same time without it would overwrite it and sign-out would fail."""
    client = client_with_csrf(app_with_users)
    sign_in(client)
    signed_in = client.get_cookie("session").value  # the session as sign-in left it
    page = client.get("/_dash-layout").get_data(as_text=True)  # the header's sign-out form, with its token
    token = page.split('"name":"csrf_token"')[0].rsplit('"value":"', 1)[1].split('"')[0]
    client.set_cookie("session", signed_in)  # another response of the same page load came last
    out = client.post("/auth/logout", data={"csrf_token": token})
    assert out.status_code == 303
    assert out.headers["Location"] == "/"


@pytest.mark.parametrize("token", ["", "forged"])
def test_forms_without_the_sessions_token_are_refused(app_with_users, token):
    client = client_with_csrf(app_with_users)
    assert sign_in(client, token=token).status_code == 400
    with client.session_transaction() as session:
        assert "uid" not in session
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 400


def test_wrong_password_and_unknown_user_look_the_same(app_with_users):
    client = client_with_csrf(app_with_users)
    wrong = sign_in(client, password="not-the-password")
    unknown = sign_in(client, username="nobody")
    assert wrong.status_code == unknown.status_code == 303
    assert wrong.headers["Location"] == unknown.headers["Location"] == "/login?error=invalid&next=/coordinator"


def test_sign_in_is_rate_limited(app_with_users):
    client = client_with_csrf(app_with_users)
    for _ in range(auth.MAX_FAILURES):
        sign_in(client, password="not-the-password")
    locked = sign_in(client)  # the right password, too late
    assert locked.headers["Location"].startswith("/login?error=locked")
    with client.session_transaction() as session:
        assert "uid" not in session


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/coordinator/data", "/coordinator/data"),
        ("//evil.example/x", "/coordinator"),
        ("https://evil.example/", "/coordinator"),
        ("javascript:alert(1)", "/coordinator"),
        (None, "/coordinator"),
    ],
)
def test_sign_in_only_returns_to_this_site(target, expected):
    assert auth.safe_next(target) == expected


def test_a_removed_user_is_signed_out(app_with_users):
    client = client_with_csrf(app_with_users)
    sign_in(client)
    users.remove_user(app_with_users.server.config["MMC_ENGINE"], "carol")
    body = page_content(client, "/coordinator")
    assert "Sign-in required" in body
    assert "Team Alpha" not in body


# -- what each request may receive ----------------------------------------------------------------------------------


def test_coordinator_pages_need_a_coordinator(app_with_users):
    anonymous = app_with_users.server.test_client()
    for path in ("/coordinator", "/coordinator/data"):
        body = page_content(anonymous, path, "?start=2017-01-01&end=2017-12-31")
        assert "Sign-in required" in body
        assert not any(s in body for s in SECRETS)
    client = client_with_csrf(app_with_users)
    sign_in(client)
    body = page_content(client, "/coordinator", "?start=2017-01-01&end=2017-12-31")
    assert "Team Alpha" not in body  # the frame: the units come in the page's parts
    filled = parts_content(client, body, "?start=2017-01-01&end=2017-12-31")
    assert all(s in filled for s in ("Team Alpha", "33.42457", "43.31789"))


def test_no_callback_gives_an_anonymous_caller_coordinator_data(app_with_users):
    """Every callback the app declares, called anonymously with every page path and crafted inputs."""
    client = app_with_users.server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    assert deps, "the app declares callbacks"
    paths = [p["path"] for p in dash.page_registry.values()] + ["/coordinator/../coordinator", "/COORDINATOR"]
    crafted = ["", "?start=2017-01-01&end=2017-12-31", "?role=admin", "?start=2017-01-01&end=2017-12-31&admin=1"]
    for dep in deps:
        if dep.get("clientside_function"):
            continue
        for path in paths:
            for search in crafted:
                values = {"pathname": path, "search": search, "hash": "", "href": f"http://localhost{path}{search}"}
                outputs = [output_spec(o) for o in dep["output"].strip(".").split("...") if o]
                body = {
                    "output": dep["output"],
                    "outputs": outputs if len(outputs) > 1 else outputs[0],
                    "inputs": [{**i, "value": values.get(i["property"])} for i in dep["inputs"]],
                    "state": [{**s, "value": values.get(s["property"])} for s in dep["state"]],
                    "changedPropIds": [f"{i['id']}.{i['property']}" for i in dep["inputs"]],
                }
                text = client.post("/_dash-update-component", json=body).get_data(as_text=True)
                leaked = [s for s in SECRETS if s in text]
                assert not leaked, f"{dep['output']} leaked {leaked} for {path}{search}"
    # the parts' callback, asked for every part there is (whatever page the browser claims to be on)
    for name in parts._PARTS:
        for search in crafted:
            text = client.post("/_dash-update-component", json=parts.request_body(name, search)).get_data(as_text=True)
            leaked = [s for s in SECRETS if s in text]
            assert not leaked, f"part {name} leaked {leaked} for {search}"


def test_security_headers(app_with_users):
    response = app_with_users.server.test_client().get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert re.search(r"script-src 'self'( 'sha256-[^']+')+", csp)
    assert "unsafe-inline" not in csp.split("style-src")[0]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_debug_is_off_by_default(app_with_users):
    assert app_with_users.server.debug is False


def test_no_route_gives_an_anonymous_visitor_coordinator_data(app_with_users):
    """Every GET route of the server without a path parameter, and every page path, called anonymously."""
    client = app_with_users.server.test_client()
    rules = [r.rule for r in app_with_users.server.url_map.iter_rules() if "GET" in r.methods and "<" not in r.rule]
    paths = rules + [p["path"] for p in dash.page_registry.values()]
    assert "/api/v1/summary" in paths
    assert "/_dash-layout" in paths
    for path in paths:
        for query in ("", "?start=2017-01-01&end=2017-12-31"):
            text = client.get(path + query).get_data().decode("utf-8", errors="replace")
            leaked = [s for s in SECRETS if s in text]
            assert not leaked, f"{path}{query} leaked {leaked}"
