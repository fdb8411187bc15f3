"""The data page and its downloads: coordinators only, enforced on the server; progress, errors, preview, history."""

from __future__ import annotations

import base64
import dataclasses
import io
import time

import dash
import pytest

from dashboard.data import loading, uploads, users
from dashboard.ingest import jobs
from dashboard.server import auth
from dashboard.web import ids
from tests.helpers import (
    PASSWORD,
    add_coordinator,
    call_callback,
    client_with_csrf,
    find,
    make_app,
    sign_in,
    sign_in_here,
    texts,
    tiny_dataset,
)

RECORDS = "date,clinic_code,camp_code,syndrome,sex,age_group,consultations,referrals\n"
CAMPS = "camp_code,camp_name,governorate,latitude,longitude,population,population_date\n"


@pytest.fixture
def app(sqlite_url, tmp_path):
    app = make_app(sqlite_url, tiny_dataset())
    engine = app.server.config["MMC_ENGINE"]
    add_coordinator(engine)
    users.add_user(engine, "root", auth.hash_password(PASSWORD), "admin")
    return app


def _layout(app, role=None, uid=1, **query):
    with app.server.test_request_context("/coordinator/data"):
        if role:
            sign_in_here(uid, role)
        return dash.page_registry["dashboard.web.pages.coordinator_data"]["layout"](**query)


def test_the_page_is_not_built_for_the_public(app):
    layout = _layout(app)
    assert find(layout, ids.SIGN_IN_REQUIRED) is not None
    assert find(layout, ids.DATA_UPLOAD) is None


def test_coordinators_see_the_demo_warning_and_the_kind_from_the_url(app):
    layout = _layout(app, "coordinator", kind="clinics")
    assert find(layout, ids.DATA_KIND).value == "clinics"
    words = " ".join(texts(layout))
    assert "The database holds camps and sites: 3; units: 3; service records: 7." in words
    assert "The first file you load removes it" in words
    assert "clinic_code, clinic_name, unit_type" in "".join(texts(layout))  # (each column a code of its own)
    assert find(layout, ids.DATA_HISTORY).children is None  # the history is for admins
    wrong = _layout(app, "coordinator", kind="nonsense")
    assert find(wrong, ids.DATA_KIND).value == "records"
    assert (
        "The link's kind was not understood (use one of camps, clinics, records, weekly, rota, boundaries)"
        in " ".join(texts(wrong))
    )


def test_admins_see_the_import_history(app):
    history = find(_layout(app, "admin", uid=2), ids.DATA_HISTORY)
    assert "Import history" in texts(history)


@pytest.mark.parametrize("path", ["/coordinator/data/templates/camps.csv", "/coordinator/data/export/records.csv"])
def test_downloads_are_refused_to_the_public(app, path):
    assert app.server.test_client().get(path).status_code == 403


def test_templates_and_exports_download_for_coordinators(app):
    client = client_with_csrf(app)
    sign_in(client)
    template = client.get("/coordinator/data/templates/records.xlsx")
    assert template.status_code == 200
    assert template.data[:2] == b"PK"
    exported = client.get("/coordinator/data/export/records.csv")
    lines = exported.get_data(as_text=True).splitlines()
    assert lines[0].startswith("\ufeffdate,clinic_code,camp_code")  # a spreadsheet reads it as UTF-8; loading too
    assert lines[1].startswith("#date,")
    assert len(lines) == 2 + 7
    assert client.get("/coordinator/data/export/users.csv").status_code == 404


def test_callbacks_and_the_upload_route_give_the_public_nothing(app):
    client = client_with_csrf(app)
    sent = _send(client, "camp_code\nX\n", "camps.csv", "camps")
    assert sent.status_code == 403
    assert "Sign in as a coordinator" in sent.get_json()["error"]
    assert uploads.get(app.server.config["MMC_ENGINE"], "x" * 32) is None
    response = call_callback(client, f"{ids.DATA_JOB}.data", {f"{ids.DATA_SENT}.data": {"job": "x" * 32}})
    assert response.status_code == 204  # PreventUpdate: nothing is kept or checked
    poll = call_callback(
        client, f"{ids.DATA_RESULT}.children", {f"{ids.DATA_POLL}.n_intervals": 1, f"{ids.DATA_JOB}.data": "x" * 32}
    )
    assert poll.status_code == 204


def _wait(app, job_id, user, phases=("checked", "loaded", "failed")):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        current = jobs.status(app.server.config["MMC_ENGINE"], job_id, user)
        if current["phase"] in phases:
            return current
        time.sleep(0.05)
    raise AssertionError(f"job still {current['phase']}")


def _send(client, content: str | bytes, filename: str, kind: str, token: str | None = None):
    """The file as the page's script sends it to the upload route: multipart, with the session's token (which the
    page carries; signing in gives a new one)."""
    data = content.encode() if isinstance(content, str) else content
    if token is None:
        with client.session_transaction() as session:
            token = session.get("csrf", "")
    return client.post(
        "/coordinator/data/upload",
        data={"kind": kind, "file": (io.BytesIO(data), filename)},
        headers={"X-CSRF-Token": token},
        content_type="multipart/form-data",
    )


def _start(client, content: str, filename: str, kind: str) -> str:
    sent = _send(client, content, filename, kind)
    assert sent.status_code == 200, sent.get_data(as_text=True)
    started = call_callback(
        client, f"{ids.DATA_JOB}.data", {f"{ids.DATA_SENT}.data": sent.get_json()}, triggered=f"{ids.DATA_SENT}.data"
    )
    return started.get_json()["response"][ids.DATA_JOB]["data"]


def test_the_upload_route_refuses_a_foreign_form_a_large_file_and_an_unknown_kind(app):
    client = client_with_csrf(app)
    sign_in(client)
    assert _send(client, "x", "camps.csv", "camps", token="forged").status_code == 400
    assert _send(client, "x", "camps.csv", "patients").status_code == 400
    app.server.config["MMC_SETTINGS"] = dataclasses.replace(app.server.config["MMC_SETTINGS"], max_upload_mb=1)
    large = _send(client, b"x" * (2**20 + 10), "camps.csv", "camps")
    assert large.status_code == 413, large.get_data(as_text=True)
    assert "files of up to 1 MB are accepted" in large.get_json()["error"]
    refused = call_callback(
        client,
        f"{ids.DATA_RESULT}.children",
        {f"{ids.DATA_SENT}.data": large.get_json()},
        triggered=f"{ids.DATA_SENT}.data",
    ).get_json()["response"]
    assert "files of up to 1 MB are accepted" in str(refused[ids.DATA_RESULT]["children"])


def test_upload_check_then_load_through_the_callbacks(app):
    client = client_with_csrf(app)
    sign_in(client)
    engine = app.server.config["MMC_ENGINE"]
    job_id = _start(client, CAMPS + "D,Camp D,Kirkuk,35.4,44.3,700,2017-01-01\n", "camps.csv", "camps")
    checked = _wait(app, job_id, "carol")
    assert checked["outcome"]["rows"] == 1
    assert checked["outcome"]["replaces_demo"]
    assert loading.count_rows(engine)["camps"] == 3  # a check writes nothing
    view = call_callback(
        client, f"{ids.DATA_RESULT}.children", {f"{ids.DATA_POLL}.n_intervals": 1, f"{ids.DATA_JOB}.data": job_id}
    )
    body = view.get_json()["response"]
    assert body[ids.DATA_LOAD]["children"] == "Load 1 row"
    assert body[ids.DATA_POLL]["disabled"] is True
    assert "Loading this file removes the synthetic demo data." in str(body[ids.DATA_RESULT]["children"])
    with pytest.raises(jobs.JobError):  # another user can neither see nor load it
        jobs.status(app.server.config["MMC_ENGINE"], job_id, "root")
    call_callback(
        client,
        f"{ids.DATA_JOB}.data",
        {f"{ids.DATA_LOAD}.n_clicks": 1, f"{ids.DATA_JOB}.data": job_id},
        triggered=f"{ids.DATA_LOAD}.n_clicks",
    )
    loaded = _wait(app, job_id, "carol", ("loaded", "failed"))
    assert loaded["phase"] == "loaded", loaded
    assert loaded["outcome"]["removed_demo"]
    assert loading.count_rows(engine) == {"camps": 1, "clinics": 0, "records": 0, "rota": 0}
    done = call_callback(
        client, f"{ids.DATA_RESULT}.children", {f"{ids.DATA_POLL}.n_intervals": 2, f"{ids.DATA_JOB}.data": job_id}
    ).get_json()["response"]
    assert done[ids.DEMO_BANNER]["style"] == {"display": "none"}  # the page drops the demo label at once


def test_records_into_the_demo_database_are_checked_and_ask_for_camps_and_units_first(app):
    client = client_with_csrf(app)
    sign_in(client)
    job_id = _start(client, RECORDS + "2017-02-20,M2,C,ari,female,under5,100,0\n", "feb.csv", "records")
    outcome = _wait(app, job_id, "carol")["outcome"]
    by_code = {e["message"].split(":")[0]: e for e in outcome["errors"]}
    assert by_code["unknown camp code 'C'"]["rows"] == [2]
    assert by_code["unknown unit code 'M2'"]["rows"] == [2]
    assert "load your camps file first" in by_code["unknown camp code 'C'"]["message"]
    assert "load your units file first" in by_code["unknown unit code 'M2'"]["message"]


def test_job_view_states(app):
    from dashboard.web.pages import coordinator_data as page  # pages are registered once an app exists

    busy, style, label = page.job_view({"phase": "writing", "done": 250_000, "total": 1_000_000})
    assert "Writing 250,000 of 1,000,000 rows…" in texts(busy)
    assert style == {"display": "none"}
    assert label is None
    checking, _style, _label = page.job_view({"phase": "checking", "done": 250_000, "total": 1_000_000})
    assert "Checking 1,000,000 rows…" in texts(checking)
    assert [bar.value for bar in checking.children if hasattr(bar, "striped")] == [25]  # (the bar moves as it checks)
    outcome = {
        "rows": 3,
        "error_count": 120,
        "errors": [{"row": 2, "rows": [2, 3, 4], "count": 100, "column": "date", "message": "bad"}],
        "warning_count": 0,
        "warnings": [],
        "notes": [],
        "preview": [],
    }
    errors, style, _label = page.job_view({"phase": "checked", "filename": "f.csv", "outcome": outcome})
    words = texts(errors)
    assert "120 errors in f.csv: nothing was loaded. Correct them and load the file again." in words
    assert "100 rows: 2, 3, 4, …" in words
    assert "… and 20 more, of other kinds." in words
    assert style == {"display": "none"}
    done, _style, _label = page.job_view(
        {
            "phase": "loaded",
            "filename": "f.csv",
            "outcome": {**outcome, "error_count": 0, "errors": [], "added": 5, "replaced": 2, "removed_demo": True},
        }
    )
    assert "f.csv: 5 rows added, 2 replaced. The dashboards show the new data now. The demo data was removed." in texts(
        done
    )


def test_a_checked_boundary_file_is_shown_on_a_small_map_before_load(app):
    from dashboard.web.pages import coordinator_data as page

    outline = {"type": "Polygon", "coordinates": [[[42.0, 36.0], [43.0, 36.0], [43.0, 37.0], [42.0, 36.0]]]}
    features = [
        {
            "type": "Feature",
            "properties": {"iso": "IQ-DA", "name": "Dohuk", "programme": True, "label": [42.7, 36.3]},
            "geometry": outline,
        },
    ]
    outcome = {"rows": 1, "error_count": 0, "warning_count": 0, "notes": [], "preview": [], "outlines": features}
    view, style, _label = page.job_view({"phase": "checked", "filename": "adm1.geojson", "outcome": outcome})
    picture = find(view, ids.DATA_OUTLINES)
    assert picture.alt == "Map of the file's governorates: Dohuk"
    svg = base64.b64decode(picture.src.split(",", 1)[1]).decode()
    assert svg.count("<path") == 1
    assert ">Dohuk</text>" in svg
    assert style != {"display": "none"}  # Load is offered
