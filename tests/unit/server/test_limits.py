"""Every request bounded and every session able to end: request budgets (in memory and shared through Redis), the
sign-in lockout shared by every process, sessions that end everywhere, periods refused before any data is read,
uploads bounded, one load at a time, and the headers that keep signed-in answers out of caches."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import event

from dashboard.data import loading, queries, users
from dashboard.ingest import jobs
from dashboard.server import auth
from tests.helpers import (
    add_coordinator,
    client_with_csrf,
    make_app,
    settings_for,
    sign_in,
    texts,
    tiny_dataset,
)
from tests.helpers import run_import as run

WEEK = "start=2017-01-30&end=2017-02-05"
CAMPS_HEADER = "camp_code,camp_name,governorate,latitude,longitude,population,population_date"


def _app(url, **settings):
    app = make_app(url, tiny_dataset(), **settings)
    engine = app.server.config["MMC_ENGINE"]
    if users.user_by_name(engine, "carol") is None:
        add_coordinator(engine)
    return app


# -- request budgets -------------------------------------------------------------------------------------------------


def test_an_address_gets_its_budget_of_api_and_callback_requests_then_429(sqlite_url):
    app = _app(sqlite_url, rate_limit="4 per minute")
    client = app.server.test_client()
    assert client.get(f"/api/v1/summary?{WEEK}").status_code == 200
    assert client.post("/_dash-update-component", json={}).status_code != 429  # a callback counts too
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/health").status_code in (200, 503)
    assert client.get(f"/api/v1/trends?{WEEK}").status_code == 200
    assert client.get(f"/api/v1/camps?{WEEK}").status_code == 200
    refused = client.get(f"/api/v1/summary?{WEEK}")
    assert refused.status_code == 429
    assert "Too many requests" in refused.get_json()["error"]["message"]
    assert refused.headers["Retry-After"]
    assert client.post("/_dash-update-component", json={}).status_code == 429
    # another address has a budget of its own; a signed-in coordinator is not counted
    assert client.get(f"/api/v1/summary?{WEEK}", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    coordinator = client_with_csrf(app)
    sign_in(coordinator)
    assert all(coordinator.get(f"/api/v1/summary?{WEEK}").status_code == 200 for _ in range(6))


def test_behind_a_proxy_each_visitor_has_a_budget_only_when_its_hops_are_trusted(sqlite_url, tmp_path):
    forwarded = [{"X-Forwarded-For": f"203.0.113.{i}"} for i in (1, 2)]
    trusting = _app(sqlite_url, rate_limit="2 per minute", proxy_hops=1).server.test_client()
    for headers in forwarded:
        assert [trusting.get("/api/v1/summary", headers=headers).status_code for _ in range(2)] == [200, 200]
    assert trusting.get("/api/v1/summary", headers=forwarded[0]).status_code == 429
    other = f"sqlite:///{tmp_path / 'other.db'}"
    naive = _app(other, rate_limit="2 per minute").server.test_client()  # PROXY_HOPS=0: the header is not believed
    codes = [naive.get("/api/v1/summary", headers=h).status_code for h in (*forwarded, forwarded[0])]
    assert codes == [200, 200, 429]


def test_processes_on_one_redis_share_each_addresss_budget(db_url, redis_url):
    """Two apps on one database and one Redis (as two gunicorn workers, or two hosts): one budget between them."""
    first = _app(db_url, rate_limit="5 per minute", redis_url=redis_url).server.test_client()
    second = _app(db_url, rate_limit="5 per minute", redis_url=redis_url).server.test_client()
    address = {"REMOTE_ADDR": f"10.{uuid.uuid4().int % 250}.0.1"}  # (a fresh address: Redis outlives test runs)
    codes = [c.get("/api/v1/summary", environ_base=address).status_code for c in (first, second) * 3]
    assert codes == [200, 200, 200, 200, 200, 429]


def test_a_bad_rate_limit_setting_names_itself():
    with pytest.raises(ValueError, match="RATE_LIMIT must read like"):
        settings_for("sqlite://", rate_limit="lots")


# -- sign-in lockout and sessions ------------------------------------------------------------------------------------


def test_failed_sign_ins_are_counted_by_every_process(db_url):
    """Failures reaching two processes (two apps on one database) add up to one lockout."""
    first, second = _app(db_url), _app(db_url)
    clients = [client_with_csrf(first), client_with_csrf(second)]
    for i in range(auth.MAX_FAILURES):
        clients[i % 2].post(
            "/auth/login", data={"username": "carol", "password": "wrong-password!", "csrf_token": "tok"}
        )
    for client in clients:
        locked = sign_in(client)  # the right password, on either process
        assert locked.headers["Location"].startswith("/login?error=locked")


def test_a_copied_cookie_is_refused_after_sign_out_and_after_a_new_password(db_url):
    app = _app(db_url)
    engine = app.server.config["MMC_ENGINE"]
    client = client_with_csrf(app)
    sign_in(client)
    copied = client.get_cookie("session").value

    def as_copy(path="/api/v1/gaps"):
        thief = app.server.test_client()
        thief.set_cookie("session", copied)
        return thief.get(path)

    assert as_copy().status_code == 200
    with client.session_transaction() as session:
        token = session["csrf"]
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 303
    assert as_copy().status_code == 401  # signed out: the copy is worth nothing
    sign_in(client_with_csrf(app, "t2"), token="t2")  # (a sign-in elsewhere ends no other session)
    client = client_with_csrf(app)
    sign_in(client)
    copied = client.get_cookie("session").value
    assert as_copy().status_code == 200
    users.set_password(engine, "carol", auth.hash_password("another-long-password"))
    assert as_copy().status_code == 401
    assert client.get("/api/v1/gaps").status_code == 401


def test_sessions_expire(db_url, monkeypatch):
    app = _app(db_url)
    client = client_with_csrf(app)
    sign_in(client)
    assert client.get("/api/v1/gaps").status_code == 200
    engine = app.server.config["MMC_ENGINE"]
    from sqlalchemy import update

    from dashboard.data.models import UserSession

    with engine.begin() as conn:
        conn.execute(update(UserSession).values(expires_at=UserSession.created_at))
    assert client.get("/api/v1/gaps").status_code == 401


# -- periods ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("start=0001-01-01&end=9999-12-31", "start"),
        ("start=2017-01-01&end=9999-12-31", "end"),
        ("start=1900-01-01", "start"),
        ("start=2016-01-01&end=2018-12-31&freq=month", None),  # the year before to the year after: answered
    ],
)
def test_far_periods_are_refused_before_any_data_is_read(db_url, query, parameter):
    app = _app(db_url)
    client = app.server.test_client()
    client.get("/api/v1/summary")  # the data's status, read once per data version
    statements: list[str] = []
    engine = app.server.config["MMC_ENGINE"]
    listener = lambda *args: statements.append(args[2])
    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = client.get(f"/api/v1/trends?{query}")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    if parameter is None:
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert response.get_json()["error"]["parameter"] == parameter
    read = [s for s in statements if any(t in s for t in ("service_records", "visit_totals", "syndrome_totals"))]
    assert read == []  # refused on the parameters alone: bounded whatever the period asked for


def test_far_periods_on_a_page_are_named_and_the_default_shown(sqlite_url):
    import dash

    app = _app(sqlite_url)
    with app.server.test_request_context("/"):
        page = dash.page_registry["dashboard.web.pages.overview"]["layout"](start="0001-01-01", end="9999-12-31")
    said = " ".join(texts(page))
    assert "The link's start was not understood (start 0001-01-01 is before 2016" in said


# -- uploads and loads -----------------------------------------------------------------------------------------------


def test_a_file_above_the_limit_is_refused_unread_and_recorded(db_url):
    engine = access_engine(db_url)
    outcome = run(engine, "camps", b"x" * 3000, max_bytes=2048, record_refusal=True)
    assert not outcome.loaded
    assert "files of up to" in outcome.errors[0]["message"]
    history = loading.history(engine)[0]
    assert (history["status"], history["note"]) == ("rejected", "file too large")


def test_the_import_command_refuses_a_large_file_before_reading_it(sqlite_url, tmp_path, monkeypatch, capsys):
    from dashboard.cli import main

    big = tmp_path / "camps.csv"
    big.write_bytes(b"a" * (2 * 2**20))
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("MAX_UPLOAD_MB", "1")
    assert main(["import", "camps", str(big)]) == 1
    assert "files of up to 1 MB are accepted (MAX_UPLOAD_MB)" in capsys.readouterr().err


def test_a_second_load_at_the_same_time_is_refused_and_recorded(db_url):
    """While one load holds the database, another is told so, writes nothing and is in the history."""
    engine = access_engine(db_url)
    holding, release = threading.Event(), threading.Event()

    def long_load():
        with queries.exclusive_load(engine):
            holding.set()
            release.wait(10)

    loader = threading.Thread(target=long_load)
    loader.start()
    try:
        assert holding.wait(10)
        outcome = run(engine, "camps", f"{CAMPS_HEADER}\nK1,Khanke,IQ-DA,36.9,42.7,100,2017-01-01")
    finally:
        release.set()
        loader.join()
    assert not outcome.loaded
    assert "Another load is running" in outcome.errors[0]["message"]
    assert loading.count_rows(engine)["camps"] == 0
    latest = loading.history(engine)[0]
    assert latest["status"] == "rejected"
    assert "Another load is running" in latest["note"]
    assert run(engine, "camps", f"{CAMPS_HEADER}\nK1,Khanke,IQ-DA,36.9,42.7,100,2017-01-01").loaded  # then it can


def test_a_control_character_is_refused_at_check_time_with_row_and_column(db_url):
    engine = access_engine(db_url)
    outcome = run(engine, "camps", f"{CAMPS_HEADER}\nK1,Khan\x00ke,IQ-DA,36.9,42.7,100,2017-01-01", dry_run=True)
    assert outcome.error_count == 1
    error = outcome.errors[0]
    assert (error["row"], error["column"]) == (2, "camp_name")
    assert "U+0000" in error["message"]
    assert not run(engine, "camps", f"{CAMPS_HEADER}\nK1,Khan\x00ke,IQ-DA,36.9,42.7,100,2017-01-01").loaded


def test_load_never_runs_for_a_file_whose_check_failed(sqlite_url):
    engine = access_engine(sqlite_url)
    job = jobs.create(engine, user="carol", kind="camps", filename="camps.csv", data=b"not,a,camps,file\n")
    jobs.run(engine, job)  # (queued by create, run here rather than in a thread)
    assert jobs.status(engine, job, "carol")["outcome"]["error_count"] > 0
    with pytest.raises(jobs.NotChecked):
        jobs.start(engine, job, "carol", load=True)


def access_engine(url):
    from dashboard.data import schema

    engine = schema.make_engine(url)
    schema.upgrade(engine)
    queries.ensure_reference(engine)
    return engine


# -- answers the server never gets wrong -----------------------------------------------------------------------------


def test_signed_in_answers_are_never_stored_and_https_is_asked_for(sqlite_url):
    app = _app(sqlite_url, secure_cookies=True)
    anonymous = app.server.test_client()
    public = anonymous.get(f"/api/v1/summary?{WEEK}")
    assert "no-store" not in public.headers.get("Cache-Control", "")
    assert public.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    coordinator = client_with_csrf(app)
    sign_in(coordinator)
    for path in (f"/api/v1/gaps?{WEEK}", f"/api/v1/summary?{WEEK}", "/_dash-layout", "/coordinator"):
        assert coordinator.get(path, base_url="https://localhost").headers["Cache-Control"] == "no-store", path
    assert "no-store" not in coordinator.get("/assets/style.css").headers.get("Cache-Control", "")
    assert "Strict-Transport-Security" not in _app(sqlite_url).server.test_client().get("/").headers


def test_made_up_script_paths_and_periods_before_the_data_are_not_server_errors(sqlite_url):
    app = _app(sqlite_url)
    anonymous = app.server.test_client()
    assert anonymous.get("/_dash-component-suites/nothing/x.js").status_code == 404
    assert anonymous.get("/_dash-component-suites/dash/made-up.js").status_code == 404
    coordinator = client_with_csrf(app)
    sign_in(coordinator)
    early = coordinator.get("/api/v1/alerts?start=2016-01-01&end=2016-02-01")
    assert early.status_code == 200
    assert early.get_json()["rows"] == []
