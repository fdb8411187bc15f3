"""Every state a database passes through renders: empty; camps only; camps and units without records; one record;
one governorate; data that ends today; data only from last month; and a link to a period outside the data. Each
state is made through the import path as a data manager makes it, on SQLite and PostgreSQL, and every callback,
part, page and API route is asked in it, as the public and as a coordinator (tests/helpers.every_request): none may
answer with a server error or show "nan", "None" or "NaT", and while records are missing the pages say what to load.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from dashboard.ingest import pipeline
from tests.helpers import add_coordinator, ask, client_with_csrf, every_request, make_app, page_content, sign_in

TODAY = dt.date.today()
CAMPS = (
    "camp_code,camp_name,governorate,latitude,longitude,population,population_date\n"
    "K1,Khanke,Dohuk,36.97,42.73,16500,{day}\n"
    "B1,Baharka,Erbil,36.27,43.97,4310,{day}\n"
)
UNITS = (
    "clinic_code,clinic_name,unit_type,governorate,base_latitude,base_longitude,clinicians\n"
    "M1,Team Dohuk,mmc,Dohuk,36.90,42.80,2\n"
    "M2,Team Erbil,mmc,Erbil,36.20,44.00,3\n"
)
RECORD = "date,clinic_code,camp_code,syndrome,sex,age_group,consultations,referrals\n"
NOT_SHOWN = re.compile(r"(?<![\w-])(nan|NaN|NaT|None|Infinity|undefined)(?![\w-])")


def _records(rows: list[tuple[dt.date, str, str, int]]) -> str:
    return RECORD + "".join(f"{d},{unit},{camp},ari,female,5plus,{n},0\n" for d, unit, camp, n in rows)


def _last_month() -> list[dt.date]:
    first = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return [first + dt.timedelta(days=i) for i in range(0, 28, 3)]


STATES = {
    "empty": [],
    "camps only": ["camps"],
    "camps and units, no records": ["camps", "clinics"],
    "one record": ["camps", "clinics", ("records", [(TODAY - dt.timedelta(days=40), "M1", "K1", 7)])],
    "one governorate": [
        "camps",
        "clinics",
        ("records", [(TODAY - dt.timedelta(days=d), "M1", "K1", 12) for d in range(30, 200, 10)]),
    ],
    "data that ends today": [
        "camps",
        "clinics",
        (
            "records",
            [(TODAY - dt.timedelta(days=d), u, c, 9) for d in range(0, 60, 4) for u, c in (("M1", "K1"),)]
            + [(TODAY, "M2", "B1", 6)],
        ),
    ],
    "data only from last month": [
        "camps",
        "clinics",
        ("records", [(d, u, c, 8) for d in _last_month() for u, c in (("M1", "K1"), ("M2", "B1"))]),
    ],
}


def _load(engine, steps) -> None:
    day = TODAY - dt.timedelta(days=400)
    for step in steps:
        kind, rows = step if isinstance(step, tuple) else (step, None)
        content = {"camps": CAMPS.format(day=day), "clinics": UNITS}.get(kind) or _records(rows)
        outcome = pipeline.run(engine, kind, content.encode(), f"{kind}.csv", user="setup", today=TODAY)
        assert outcome.loaded, outcome.errors


@pytest.fixture(params=list(STATES))
def state(request, db_url, tmp_path):
    app = make_app(db_url, load_demo=False)
    engine = app.server.config["MMC_ENGINE"]
    _load(engine, STATES[request.param])
    add_coordinator(engine)
    return request.param, app


OUTSIDE = {"start": f"{TODAY.year - 1}-01-05", "end": f"{TODAY.year - 1}-02-01"}  # before every state's records


def _failures(app, client) -> list[str]:
    found = []
    for what, method, body in every_request(app, [{}, OUTSIDE]):
        response = ask(client, method, body)
        if response.status_code >= 500 and "/health" not in what:
            found.append(f"{what}: HTTP {response.status_code}")
            continue
        text = response.get_data(as_text=True)
        for shown in _shown_texts(text):
            if NOT_SHOWN.search(shown):
                found.append(f"{what}: {shown[:120]!r}")
    return found


def _shown_texts(text: str) -> list[str]:
    """The strings of an answer a person reads: every string of a JSON answer, or the lines of a CSV."""
    try:
        data = json.loads(text)
    except ValueError:
        return text.splitlines()
    out: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key not in ("id", "type", "namespace", "className"):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, str):
            out.append(node)

    walk(data)
    return out


def test_every_answer_renders_in_every_state_for_the_public_and_for_coordinators(state):
    name, app = state
    public = app.server.test_client()
    coordinator = client_with_csrf(app)
    sign_in(coordinator)
    failures = _failures(app, public) + _failures(app, coordinator)
    assert not failures, f"{name}:\n" + "\n".join(failures[:30])


@pytest.mark.parametrize(
    ("steps", "shown"),
    [
        ([], ["Camps and sites: none loaded yet", "Next: load the camps and sites"]),
        (
            ["camps"],
            ["Camps and sites: 2 loaded", "Units (MMCs and ambulances): none loaded yet", "Next: load the units"],
        ),
        (["camps", "clinics"], ["Units (MMCs and ambulances): 2 loaded", "Next: load the service records"]),
    ],
)
@pytest.mark.parametrize("path", ["/", "/trends", "/briefing", "/coordinator", "/coordinator/data"])
def test_while_records_are_missing_each_page_says_what_is_loaded_and_what_to_load_next(
    sqlite_url, tmp_path, steps, shown, path
):
    app = make_app(sqlite_url, load_demo=False)
    _load(app.server.config["MMC_ENGINE"], steps)
    add_coordinator(app.server.config["MMC_ENGINE"])
    client = client_with_csrf(app)
    sign_in(client)
    page = page_content(client, path)
    for words in shown:
        assert words in page, (path, words)


@pytest.mark.parametrize("steps", [[], ["camps"]])
def test_the_public_is_told_there_are_no_figures_yet(sqlite_url, tmp_path, steps):
    app = make_app(sqlite_url, load_demo=False)
    _load(app.server.config["MMC_ENGINE"], steps)
    page = page_content(app.server.test_client(), "/")
    assert "No figures yet" in page
    assert "Next: load" not in page
    assert "/coordinator/data" not in page


def test_before_any_record_the_period_is_the_latest_whole_weeks_to_today(sqlite_url, tmp_path):
    app = make_app(sqlite_url, load_demo=False)
    _load(app.server.config["MMC_ENGINE"], ["camps"])
    page = page_content(app.server.test_client(), "/")
    last_sunday = TODAY - dt.timedelta(days=TODAY.isoweekday() % 7)
    first_monday = last_sunday - dt.timedelta(days=7 * 52 - 1)
    assert f"{first_monday:%d %b %Y} to {last_sunday:%d %b %Y}" in page
