"""Helpers the test modules share (fixtures are in conftest.py): hand-made datasets, apps on fresh databases, signing
in and asking as the browser does, reading components and pictures, loading files, and the outsider who attacks the
public view with nothing but its public answers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import urlencode

import dash
import pandas as pd

from dashboard.data import loading, queries, schema, users
from dashboard.ingest import formats, pipeline
from dashboard.ingest.demo import Dataset
from dashboard.server import auth
from dashboard.services import exports
from dashboard.web import parts

# -- datasets -----------------------------------------------------------------------------------------------------


def tiny_dataset(records: list[tuple] | None = None) -> Dataset:
    """A hand-made dataset small enough to compute every figure by hand.

    Camps: A (Dohuk, 1,000 people from 2017-01-01, 2,000 from 2017-02-01), B (Anbar, 500 from 2017-01-15),
    C (Anbar, 300, never visited). Units: M1 (MMC, 2 clinicians, Dohuk), M2 (MMC, 3 clinicians, Anbar),
    A1 (ambulance, Anbar).
    """
    camps = pd.DataFrame(
        [
            dict(
                camp_code="A",
                camp_name="Camp A",
                governorate="IQ-DA",
                district=None,
                latitude=36.8,
                longitude=42.9,
                site_type="camp",
                position_approximate=False,
            ),
            dict(
                camp_code="B",
                camp_name="Camp B",
                governorate="IQ-AN",
                district=None,
                latitude=33.4,
                longitude=43.3,
                site_type="camp",
                position_approximate=False,
            ),
            dict(
                camp_code="C",
                camp_name="Camp C",
                governorate="IQ-AN",
                district=None,
                latitude=33.3,
                longitude=43.7,
                site_type="informal_site",
                position_approximate=False,
            ),
        ]
    )
    pops = pd.DataFrame(
        [
            dict(camp_code="A", population_date=dt.date(2017, 1, 1), population=1000),
            dict(camp_code="A", population_date=dt.date(2017, 2, 1), population=2000),
            dict(camp_code="B", population_date=dt.date(2017, 1, 15), population=500),
            dict(camp_code="C", population_date=dt.date(2017, 1, 1), population=300),
        ]
    )
    clinics = pd.DataFrame(
        [
            dict(
                clinic_code="M1",
                clinic_name="Team Alpha",
                unit_type="mmc",
                partner="P",
                governorate="IQ-DA",
                base_latitude=36.85123,
                base_longitude=42.95321,
                clinicians=2,
                active_from=None,
                active_to=None,
            ),
            dict(
                clinic_code="M2",
                clinic_name="Team Bravo",
                unit_type="mmc",
                partner="P",
                governorate="IQ-AN",
                base_latitude=33.42457,
                base_longitude=43.31789,
                clinicians=3,
                active_from=None,
                active_to=None,
            ),
            dict(
                clinic_code="A1",
                clinic_name="Ambulance Charlie",
                unit_type="ambulance",
                partner="P",
                governorate="IQ-AN",
                base_latitude=33.41234,
                base_longitude=43.30987,
                clinicians=0,
                active_from=None,
                active_to=None,
            ),
        ]
    )
    if records is None:
        records = TINY_RECORDS
    cols = ["date", "clinic_code", "camp_code", "syndrome", "sex", "age_group", "consultations", "referrals"]
    frame = pd.DataFrame(records, columns=cols)
    frame["date"] = [dt.date.fromisoformat(d) for d in frame["date"]]
    return Dataset(camps=camps, populations=pops, clinics=clinics, records=iter([frame]), seed=0, scale="tiny")


# (date, clinic, camp, syndrome, sex, age, consultations, referrals)


# (date, clinic, camp, syndrome, sex, age, consultations, referrals)
TINY_RECORDS = [
    ("2017-01-30", "M1", "A", "ari", "female", "under5", 10, 1),  # Monday
    ("2017-01-30", "M1", "A", "ari", "male", "5plus", 20, 0),
    ("2017-02-01", "M1", "A", "awd", "female", "5plus", 5, 0),
    ("2017-02-01", "M2", "B", "ari", "male", "under5", 7, 2),
    ("2017-02-01", "A1", "B", "injury", "male", "5plus", 3, 3),
    ("2017-02-05", "M2", "B", "other", "female", "5plus", 40, 1),  # Sunday
    ("2017-02-06", "M1", "A", "other", "female", "5plus", 8, 0),  # Monday, next week
]


# -- apps, sign-in and requests -----------------------------------------------------------------------------------


def settings_for(url: str, **overrides):
    from dashboard.config import Settings

    # Tests ask many times a minute from one address: a budget far above what they ask (its own tests set theirs).
    defaults = {"database_url": url, "secret_key": "test", "load_demo": False, "rate_limit": "100000 per minute"}
    return Settings.from_env(**{**defaults, **overrides})


def make_app(url: str, dataset: Dataset | None = None, **overrides):
    """An app on the database at `url`, after loading `dataset` (as demo data) when given."""
    from app import create_app

    if dataset is not None:
        eng = schema.make_engine(url)
        schema.upgrade(eng)
        queries.load_dataset(eng, dataset)
        eng.dispose()
    return create_app(settings_for(url, **overrides))


PASSWORD = "correct-horse-battery"


def add_coordinator(engine, username="carol"):
    """A coordinator account with the tests' password, the one sign_in uses."""
    users.add_user(engine, username, auth.hash_password(PASSWORD), "coordinator")


# What only coordinators may receive from the tiny dataset: unit bases, names and codes.
SECRETS = (
    "36.85123",
    "42.95321",
    "33.42457",
    "43.31789",
    "33.41234",
    "43.30987",
    "Team Alpha",
    "Team Bravo",
    "Ambulance Charlie",
)


def client_with_csrf(app, token="tok"):
    client = app.server.test_client()
    with client.session_transaction() as session:
        session["csrf"] = token
    return client


def sign_in(client, username="carol", password=PASSWORD, next_path="/coordinator", token="tok"):
    return client.post(
        "/auth/login", data={"username": username, "password": password, "next": next_path, "csrf_token": token}
    )


def page_request(deps: list[dict], pathname: str, search: str = "", origin: str = "http://localhost") -> dict:
    """The body of Dash's page-routing callback for a link, as the browser sends it on arriving at a page (`deps`:
    the app's /_dash-dependencies)."""
    dep = next(d for d in deps if "_pages_content.children" in d["output"])
    values = {"pathname": pathname, "search": search, "hash": "", "href": f"{origin}{pathname}{search}"}
    return {
        "output": dep["output"],
        "outputs": [output_spec(o) for o in dep["output"].strip(".").split("...") if o],
        "inputs": [{**i, "value": values.get(i["property"])} for i in dep["inputs"]],
        "state": [{**s, "value": values.get(s["property"])} for s in dep["state"]],
        "changedPropIds": [f"{dep['inputs'][0]['id']}.{dep['inputs'][0]['property']}"],
    }


def page_content(client, pathname: str, search: str = "") -> str:
    """The response of Dash's page-routing callback for a path, as the browser would ask for it."""
    body = page_request(client.get("/_dash-dependencies").get_json(), pathname, search)
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code in (200, 204), response.data[:300]
    return response.get_data(as_text=True)


def parts_content(client, page: str, search: str) -> str:
    """The answers to the page's parts (dashboard/web/parts.py), as the browser asks for them after the page's frame."""
    names = parts.names_in(json.loads(page)["response"]["_pages_content"]["children"])
    assert names, "the page has parts"
    answers = [client.post("/_dash-update-component", json=parts.request_body(n, search)) for n in names]
    assert all(a.status_code == 200 for a in answers)
    return "".join(a.get_data(as_text=True) for a in answers)


def texts(component) -> list[str]:
    """Every string in a Dash component tree, in order: what a reader of the page would see."""
    out: list[str] = []

    def walk(node):
        if node is None:
            return
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, (int, float)) and not isinstance(node, bool):
            out.append(str(node))
        elif isinstance(node, (list, tuple)):
            for child in node:
                walk(child)
        elif hasattr(node, "to_plotly_json"):
            props = node.to_plotly_json()["props"]
            for key in ("children", "title", "label"):
                walk(props.get(key))

    walk(component)
    return out


def find(component, component_id):
    """The component with `component_id` in a tree, or None."""
    return next((c for c in walk(component) if getattr(c, "id", None) == component_id), None)


def call_callback(client, output: str, values: dict, triggered: str | None = None):
    """POST to a callback as the browser would: `output` names one of its outputs ("id.prop"); `values` maps
    "id.prop" to the value of each input and state (missing ones are None). Returns the Flask response."""
    deps = client.get("/_dash-dependencies").get_json()

    def outputs_of(dep):
        return [o.split("@")[0] for o in dep["output"].strip(".").split("...")]

    def inputs_of(dep):
        return {f"{i['id']}.{i['property']}" for i in dep["inputs"]}

    matching = [d for d in deps if output in outputs_of(d)]
    dep = next((d for d in matching if (triggered or next(iter(values), "")) in inputs_of(d)), matching[0])
    outputs = []
    for spec in dep["output"].strip(".").split("..."):
        component, prop = spec.rsplit(".", 1)
        outputs.append({"id": component, "property": prop})

    def fill(items):
        return [{**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in items]

    first = dep["inputs"][0]
    body = {
        "output": dep["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": fill(dep["inputs"]),
        "state": fill(dep["state"]),
        "changedPropIds": [triggered or f"{first['id']}.{first['property']}"],
    }
    return client.post("/_dash-update-component", json=body)


def sign_in_here(uid: int = 1, role: str | None = None) -> None:
    """Inside a test's request: sign in the user `uid` as the sign-in form does (a session recorded in the database),
    if that user has `role` (any role when None); a user with another role, or none, leaves the request anonymous."""
    from dashboard.data import users
    from dashboard.server import auth, runtime

    account = users.user_by_id(runtime.engine(), uid)
    if account is not None and role in (None, account.role):
        auth.start_session(account)


def run_callback(app, function, *args, triggered: str, role: str | None = None):
    """Call a callback's function as Dash would, inside a request (signed in with `role` when given) and with
    `triggered` ("id.prop", the id JSON for a pattern-matching one) as what fired it."""
    from contextvars import copy_context

    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    def call():
        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": triggered, "value": 1}]))
        with app.server.test_request_context("/_dash-update-component", method="POST"):
            if role:
                sign_in_here(1, role)
            return function(*args)

    return copy_context().run(call)


def walk(component):
    """Every component in a Dash component tree, parents before their children."""
    if hasattr(component, "to_plotly_json"):
        yield component
        children = component.to_plotly_json()["props"].get("children")
        yield from walk(children if isinstance(children, (list, tuple)) else [children])
    elif isinstance(component, (list, tuple)):
        for child in component:
            yield from walk(child)


def with_parts(page, query: dict):
    """The page as the browser shows it once every part has answered (dashboard/web/parts.py): each placeholder filled
    with its part for the same link and viewer, or left empty when the viewer may not see it. Call it inside the
    page's request, as the page's layout is called."""
    from urllib.parse import urlencode

    from dash.exceptions import PreventUpdate

    from dashboard.web import ids, parts

    search = "?" + urlencode(query, doseq=True)
    for component in walk(page):
        key = getattr(component, "id", None)
        if isinstance(key, dict) and key.get("type") == ids.PART:
            try:
                component.children = parts.render(key["part"], search)
            except PreventUpdate:
                component.children = None
    return page


# -- pictures -----------------------------------------------------------------------------------------------------


NS = {"s": "http://www.w3.org/2000/svg"}


def drawn(svg: str) -> dict:
    """What the picture shows: each line's values (read off the axis; None where the line is broken), the open
    circles' values, the dots drawn for lone points, the legend's names and the axis values."""
    root = ET.fromstring(svg)
    grid = [(float(e.get("y1")), float(e.get("data-value"))) for e in root.iterfind("s:line[@data-value]", NS)]
    (y0, v0), (y1, v1) = grid[0], grid[-1]

    def value(y: float) -> float:
        return round(v0 + (y - y0) * (v1 - v0) / (y1 - y0))

    lines = {}
    for path in root.iterfind("s:path[@data-governorate]", NS):
        points = []
        for command, x, y in re.findall(r"([ML])([\d.]+),([\d.]+)", path.get("d")):
            point = (float(x), value(float(y)))
            if command == "L" and points and points[-1] == point:
                continue  # a lone point: drawn as a dot
            if command == "M" and points:
                points.append(None)
            points.append(point)
        lines[path.get("data-governorate")] = points
    circles = [value(float(c.get("cy"))) for c in root.iterfind("s:circle", NS) if not c.get("data-lone")]
    dots = [value(float(c.get("cy"))) for c in root.iterfind("s:circle[@data-lone]", NS)]
    texts = [t.text for t in root.iterfind("s:text", NS)]
    return {"lines": lines, "circles": circles, "dots": dots, "texts": texts, "axis": [v for _, v in grid]}


# -- imports ------------------------------------------------------------------------------------------------------


IMPORT_TODAY = dt.date(2017, 3, 1)  # the day the import tests load files on


def run_import(engine, kind, content, filename=None, **kwargs):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return pipeline.run(engine, kind, data, filename or f"{kind}.csv", user="tester", today=IMPORT_TODAY, **kwargs)


# -- the public view's privacy ------------------------------------------------------------------------------------


K = 5  # the suppression threshold the privacy tests use (the default)

# Units with names and codes found nowhere else, based at positions with distinctive decimals: an anonymous answer
# that holds any of them has leaked unit detail.
UNITS = [
    ("UNIT-QUOKKA-7", "Team Wombat", "mmc", "IQ-DA", 36.861234, 42.971234, 2),
    ("UNIT-NUMBAT-3", "Team Bilby", "mmc", "IQ-AN", 33.431234, 43.321234, 3),
    ("UNIT-DINGO-9", "Ambulance Echidna", "ambulance", "IQ-KI", 35.471234, 44.391234, 0),
]
UNIT_SECRETS = tuple(
    str(x) for code, name, _t, _g, lat, lon, _c in UNITS for x in (code, name, f"{lat:.4f}", f"{lon:.4f}")
)
CAMPS = [  # code, name, governorate, latitude, longitude, population
    ("DA1", "Camp Dohuk One", "IQ-DA", 36.80, 42.90, 4000),
    ("DA2", "Camp Dohuk Two", "IQ-DA", 36.90, 43.10, 3000),
    ("AN1", "Camp Anbar One", "IQ-AN", 33.40, 43.30, 5000),
    ("AN2", "Camp Anbar Two", "IQ-AN", 33.30, 43.70, 2000),
    ("KI1", "Camp Kirkuk One", "IQ-KI", 35.45, 44.40, 1500),
]
UNIT_OF = {"IQ-DA": "UNIT-QUOKKA-7", "IQ-AN": "UNIT-NUMBAT-3", "IQ-KI": "UNIT-DINGO-9"}
FIRST_MONDAY = dt.date(2017, 1, 2)
WEEKS = [FIRST_MONDAY + dt.timedelta(days=7 * i) for i in range(8)]
VISIT_DAYS = (1, 3)  # Tuesday and Thursday: no visit falls on a week's first or last day or a month's first day,
# which public labels use
SEXES_AGES = [("female", "under5"), ("female", "5plus"), ("male", "under5"), ("male", "5plus")]

# The planted small cells: (syndrome, camp, week number, sex, age group, visit day, consultations, referrals). Each
# governorate, week, syndrome, sex and age group holds one of them at most, so each is a cell of its own.
PLANTED = [
    ("afp", "DA1", 0, "female", "under5", 1, 2, 0),
    ("afp", "DA2", 1, "male", "5plus", 2, 1, 1),
    ("afp", "DA1", 2, "female", "5plus", 1, 3, 0),
    ("afp", "DA2", 4, "male", "under5", 2, 2, 2),
    ("suspected_measles", "AN1", 1, "female", "under5", 1, 4, 0),
    ("suspected_measles", "AN2", 5, "female", "under5", 2, 3, 3),
    ("suspected_measles", "AN1", 6, "male", "under5", 1, 4, 1),
    ("bloody_diarrhoea", "KI1", 2, "male", "5plus", 2, 1, 0),
    ("bloody_diarrhoea", "KI1", 3, "female", "5plus", 1, 3, 2),
]


def visit_dates() -> set[dt.date]:
    return {week + dt.timedelta(days=d) for week in WEEKS for d in VISIT_DAYS}


def privacy_dataset() -> Dataset:
    """Five camps in three governorates, one unit each, visited on Tuesdays and Thursdays for eight weeks from
    2017-01-02. Every count is a multiple of 100 but for the planted cells (1 to 4): any sum that holds a planted cell
    without protection ends in neither 00 nor 50."""
    camps = pd.DataFrame(
        [
            dict(
                camp_code=code,
                camp_name=name,
                governorate=gov,
                district=None,
                latitude=lat,
                longitude=lon,
                site_type="camp",
                position_approximate=False,
            )
            for code, name, gov, lat, lon, _p in CAMPS
        ]
    )
    pops = pd.DataFrame([dict(camp_code=c[0], population_date=dt.date(2016, 12, 1), population=c[5]) for c in CAMPS])
    clinics = pd.DataFrame(
        [
            dict(
                clinic_code=code,
                clinic_name=name,
                unit_type=kind,
                partner="P",
                governorate=gov,
                base_latitude=lat,
                base_longitude=lon,
                clinicians=clinicians,
                active_from=None,
                active_to=None,
            )
            for code, name, kind, gov, lat, lon, clinicians in UNITS
        ]
    )
    records = []
    for week, (code, _n, gov, *_rest) in itertools.product(WEEKS, CAMPS):
        for day, syndrome, (sex, age) in itertools.product(VISIT_DAYS, ("ari", "other"), SEXES_AGES):
            records.append((week + dt.timedelta(days=day), UNIT_OF[gov], code, syndrome, sex, age, 100, 100))
    for syndrome, camp, week, sex, age, day, consultations, referrals in PLANTED:
        gov = next(c[2] for c in CAMPS if c[0] == camp)
        records.append(
            (WEEKS[week] + dt.timedelta(days=day), UNIT_OF[gov], camp, syndrome, sex, age, consultations, referrals)
        )
    cols = ["date", "clinic_code", "camp_code", "syndrome", "sex", "age_group", "consultations", "referrals"]
    return Dataset(
        camps=camps,
        populations=pops,
        clinics=clinics,
        records=iter([pd.DataFrame(records, columns=cols)]),
        seed=0,
        scale="privacy",
    )


def hidden_cells() -> dict[tuple, int]:
    """The true value of every cell from 1 to K-1 that the public must not be able to work out: by governorate,
    week, syndrome, sex and age group (consultations and referrals), and by governorate, week and syndrome."""
    out: dict[tuple, int] = defaultdict(int)
    gov_of = {c[0]: c[2] for c in CAMPS}
    for syndrome, camp, week, sex, age, _day, consultations, referrals in PLANTED:
        for measure, value in (("consultations", consultations), ("referrals", referrals)):
            out[(measure, gov_of[camp], week, syndrome, sex, age)] += value
            out[(measure, gov_of[camp], week, syndrome, None, None)] += value
    return {key: value for key, value in out.items() if 0 < value < K}


@dataclass
class Claim:
    cell: tuple
    value: int
    how: str


class Outsider:
    """Someone with a browser and curl who wants the small counts: asks the public API (and the trends page's CSV
    downloads) over shifted periods, governorate sets, and syndrome, sex and age complements, and claims every
    difference of published numbers that comes out between 1 and K-1."""

    def __init__(self, client, download):
        self.client = client
        self.download = download  # (chart, query) -> CSV text of the trends page's download, as a visitor gets it
        self.requests = 0

    def summary(self, **query) -> dict:
        self.requests += 1
        response = self.client.get("/api/v1/summary", query_string=query)
        return response.get_json() if response.status_code == 200 else {}

    def total(self, measure: str, start: dt.date, end: dt.date, governorate=None, syndrome=None) -> int | None:
        query = {"start": start.isoformat(), "end": end.isoformat()}
        if syndrome:
            query["syndrome"] = syndrome
        if governorate:
            query["governorate"] = governorate
        body = self.summary(**query)
        return (body.get("totals") or {}).get(measure)

    def claims(self) -> list[Claim]:
        """Every difference of published numbers that comes out between 1 and K-1, with how it was found."""
        self.found: list[Claim] = []
        self._periods_and_governorates()
        self._syndrome_complements()
        self._visits_with_a_syndrome()
        self._sexes_and_ages()
        return self.found

    GOVERNORATES: ClassVar[list[str]] = sorted({c[2] for c in CAMPS})
    SYNDROMES: ClassVar[list[str]] = sorted({p[0] for p in PLANTED})
    ENDS: ClassVar[list[dt.date]] = [w + dt.timedelta(days=6) for w in WEEKS]

    def _claim(self, cell, value, how) -> None:
        if value is not None and 0 < value < K:
            self.found.append(Claim(cell, int(value), how))

    def _periods_and_governorates(self) -> None:
        """Shifted periods (the same end, a start a week, a day or three days later: a period need not be whole
        weeks), one week asked for alone, and a governorate against all the others."""
        ends = self.ENDS
        for measure, gov, syndrome in itertools.product(
            ("consultations", "referrals"), self.GOVERNORATES, self.SYNDROMES
        ):
            for w in range(len(WEEKS)):
                cell = (measure, gov, w, syndrome, None, None)
                for shift in (dt.timedelta(days=7), dt.timedelta(days=1), dt.timedelta(days=3)):
                    a = self.total(measure, WEEKS[w], ends[-1], gov, syndrome)
                    b = self.total(measure, WEEKS[w] + shift, ends[-1], gov, syndrome)
                    if a is not None and b is not None:
                        self._claim(cell, a - b, f"start moved by {shift.days} days")
                self._claim(cell, self.total(measure, WEEKS[w], ends[w], gov, syndrome), "one week asked for")
                everyone = self.total(measure, WEEKS[w], ends[w], None, syndrome)
                others = [self.total(measure, WEEKS[w], ends[w], g, syndrome) for g in self.GOVERNORATES if g != gov]
                if everyone is not None and None not in others:
                    self._claim(cell, everyone - sum(others), "other governorates")

    def _syndrome_complements(self) -> None:
        """Every syndrome against the syndromes other than the one of interest."""
        for measure, gov, w in itertools.product(("consultations", "referrals"), self.GOVERNORATES, range(len(WEEKS))):
            everything = self.total(measure, WEEKS[w], self.ENDS[w], gov)
            per = {s: self.total(measure, WEEKS[w], self.ENDS[w], gov, s) for s in _all_syndromes()}
            for syndrome in self.SYNDROMES:
                rest = [v for s, v in per.items() if s != syndrome]
                if everything is not None and None not in rest:
                    self._claim((measure, gov, w, syndrome, None, None), everything - sum(rest), "other syndromes")

    def _visits_with_a_syndrome(self) -> None:
        """Visits in which the syndrome was recorded, when each saw one case (if the syndrome changes the visits)."""
        for gov, w in itertools.product(self.GOVERNORATES, range(len(WEEKS))):
            period = {"start": WEEKS[w].isoformat(), "end": self.ENDS[w].isoformat(), "governorate": gov}
            every = (self.summary(**period).get("totals") or {}).get("visits")
            for syndrome in self.SYNDROMES:
                visits = (self.summary(**period, syndrome=syndrome).get("totals") or {}).get("visits")
                if visits != every:
                    self._claim(("consultations", gov, w, syndrome, None, None), visits, "visits with the syndrome")

    def _sexes_and_ages(self) -> None:
        """The trends page's download by age group and sex, and each of its cells against the others."""
        for gov, syndrome in itertools.product(self.GOVERNORATES, self.SYNDROMES):
            period = {"start": WEEKS[0].isoformat(), "end": self.ENDS[-1].isoformat()}
            rows = self.download("age_sex", {**period, "governorate": gov, "syndrome": syndrome})
            for row in rows:
                w = (dt.date.fromisoformat(row["period"]) - FIRST_MONDAY).days // 7
                for measure in ("consultations", "referrals"):
                    cell = (measure, gov, w, syndrome, row["sex"], row["age_group"])
                    self._claim(cell, _int(row[measure]), "age and sex chart")
                    total = self.total(measure, WEEKS[w], self.ENDS[w], gov, syndrome)
                    others = [
                        _int(r[measure])
                        for r in rows
                        if r["period"] == row["period"] and (r["sex"], r["age_group"]) != (row["sex"], row["age_group"])
                    ]
                    if total is not None and None not in others:
                        self._claim(cell, total - sum(others), "other sexes and age groups")


def _all_syndromes() -> tuple[str, ...]:
    from dashboard.domain.reference import SYNDROMES

    return tuple(SYNDROMES)


def _int(value) -> int | None:
    return None if value in (None, "") else int(float(value))


def csv_table(text: str) -> tuple[list[str], list[str], list[list[str]]]:
    """One of our CSV files as (header, HXL hashtags, data rows): the hashtag row is found as HXL readers find it,
    below any lines that say what the file is of (a page's export starts with its title and filters)."""
    rows = list(csv.reader(io.StringIO(text)))
    for i, row in enumerate(rows[1:], start=1):
        if row and all(cell.startswith("#") for cell in row if cell):
            return rows[i - 1], row, rows[i + 1 :]
    raise AssertionError(f"no HXL hashtag row in {text[:200]!r}")


def csv_rows(text: str) -> list[dict]:
    """The data rows of one of our CSV files, as dicts by header."""
    header, _tags, rows = csv_table(text)
    return [dict(zip(header, row, strict=False)) for row in rows]


def trends_download(client, chart: str, query: dict) -> list[dict]:
    """The rows of a trends chart's CSV download, posted as the browser posts it (for this client's session)."""
    import json
    from urllib.parse import urlencode

    from dashboard.web import ids

    key = {"chart": chart, "type": ids.CSV_BUTTON}
    target = {"chart": chart, "type": ids.CSV_DOWNLOAD}
    body = {
        "output": json.dumps({"chart": ["MATCH"], "type": ids.CSV_DOWNLOAD}, separators=(",", ":")) + ".data",
        "outputs": {"id": target, "property": "data"},
        "inputs": [{"id": key, "property": "n_clicks", "value": 1}],
        "state": [{"id": "_pages_location", "property": "search", "value": "?" + urlencode(query, doseq=True)}],
        "changedPropIds": [json.dumps(key, separators=(",", ":"), sort_keys=True) + ".n_clicks"],
    }
    response = client.post("/_dash-update-component", json=body)
    if response.status_code != 200:
        return []
    answer = response.get_json()["response"]
    return csv_rows(answer[json.dumps(target, separators=(",", ":"), sort_keys=True)]["data"]["content"])


# -- every request the app answers ---------------------------------------------------------------------------------

GRID_REQUEST = {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}


def _wildcard_values(key: str) -> list[str]:
    """The concrete values a pattern-matching id's wildcard key takes in this app."""
    charts = sys.modules["dashboard.web.pages.trends"].CSV_COLUMNS  # (pages are imported by the app that uses them)
    known = {"part": list(parts._PARTS), "chart": list(charts)}
    return known.get(key, ["x"])


def _value(component, prop: str, search: str, camp_id: int):
    """A value for an input or state, as a browser showing the page of `search` could send."""
    query = dict(re.findall(r"([^?&=]+)=([^&]*)", search))
    by_prop = {
        "search": search,
        "pathname": "/",
        "n_clicks": 1,
        "n_intervals": 1,
        "clickData": {"properties": {"id": camp_id, "iso": "IQ-DA", "programme": True, "code": "UNIT-QUOKKA-7"}},
        "getRowsRequest": GRID_REQUEST,
        "selectedRows": [{"latitude": 36.8, "longitude": 42.9}],
        "searchValue": "a",
    }
    by_id = {
        "filter-period": [query.get("start", "2017-01-02"), query.get("end", "2017-02-26")],
        "filter-governorates": ["IQ-DA"],
        "trends-preset": "4",
        "trends-syndrome": "afp",
        "trends-freq": "month",
        "trends-clinic": "UNIT-QUOKKA-7",
        "trends-camp": "DA1",
        "data-kind": "camps",
        "data-sent": {"job": "x" * 32},
        "map-figure": "share",
        "next-slots": 3,
        "next-radius": 5,
    }
    if prop == "value":
        return by_id.get(component if isinstance(component, str) else "", "x")
    return by_prop.get(prop)


def _concrete(spec: dict, search: str, camp_id: int, pick: int = 0):
    """An input or state of the dependency list as the browser sends it: pattern-matching ids made concrete (a MATCH
    wildcard as its `pick`-th value)."""
    component = spec["id"]
    if isinstance(component, str) and component.startswith("{"):
        pattern = json.loads(component)
        key = next(k for k, v in pattern.items() if isinstance(v, list))
        ids = [{**pattern, key: v} for v in _wildcard_values(key)]
        items = [
            {"id": i, "property": spec["property"], "value": _value(i, spec["property"], search, camp_id)} for i in ids
        ]
        return items if pattern[key] == ["ALL"] else items[pick % len(items)]
    return {**spec, "value": _value(component, spec["property"], search, camp_id)}


def _with_each_match(deps: list[dict]):
    """Each dependency once; one with a MATCH wildcard (a callback per chart, say) once for each of its values."""
    for dep in deps:
        matched = [json.loads(i["id"]) for i in dep["inputs"] if '"MATCH"' in str(i["id"])]
        keys = [k for k, v in matched[0].items() if v == ["MATCH"]] if matched else []
        for pick in range(len(_wildcard_values(keys[0])) if keys else 1):
            yield dep, pick


def every_request(app, links):
    """(what was asked, how to ask it) for every callback, part, page frame and API route, for each link: found from
    the app itself (its callbacks, parts, pages and routes), so that what is added later is asked too."""
    client = app.server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    places = queries.camp_places(app.server.config["MMC_ENGINE"])
    camp_id = int(places["camp_id"].iloc[0]) if len(places) else 1
    paths = [p["path"] for p in dash.page_registry.values()]
    routes = [
        r.rule
        for r in app.server.url_map.iter_rules()
        if "GET" in r.methods and r.rule.startswith("/api/") and "<" not in r.rule
    ]
    out = []
    for link in links:
        search = "?" + urlencode(link, doseq=True) if link else ""
        for dep, pick in _with_each_match(deps):
            if dep.get("clientside_function"):
                continue
            outputs = [o for o in dep["output"].strip(".").split("...") if o]
            specs = [output_spec(o, pick) for o in outputs]
            inputs = [_concrete(i, search, camp_id, pick) for i in dep["inputs"]]
            body = {
                "output": dep["output"],
                "outputs": specs if len(specs) > 1 else specs[0],
                "inputs": inputs,
                "state": [_concrete(s, search, camp_id, pick) for s in dep["state"]],
                "changedPropIds": [_prop_id(i[0] if isinstance(i, list) else i) for i in inputs],
            }
            if "_pages_content.children" in dep["output"]:
                for path in paths:
                    routed = json.loads(json.dumps(body))
                    for item in routed["inputs"]:
                        item["value"] = path if item["property"] == "pathname" else search
                    out.append((f"page {path}{search}", "post", routed))
            else:
                out.append((f"callback {dep['output'][:60]} {search}", "post", body))
        for name in parts._PARTS:
            out.append((f"part {name} {search}", "post", parts.request_body(name, search)))
        for route in routes:
            for fmt in ("", "&format=csv" if search else "?format=csv"):
                out.append((f"route {route}{search}{fmt}", "get", route + search + fmt))
    return out


def output_spec(spec: str, pick: int = 0):
    """An output as the browser names it: a pattern-matching one made concrete like its inputs."""
    component, prop = spec.rsplit(".", 1)
    prop = prop.split("@")[0]
    if not component.startswith("{"):
        return {"id": component, "property": prop}
    pattern = json.loads(component)
    key = next(k for k, v in pattern.items() if isinstance(v, list))
    ids = [{**pattern, key: v} for v in _wildcard_values(key)]
    if pattern[key] == ["ALL"]:
        return [{"id": i, "property": prop} for i in ids]
    return {"id": ids[pick % len(ids)], "property": prop}


def _prop_id(item: dict) -> str:
    key = item["id"]
    text = json.dumps(key, separators=(",", ":"), sort_keys=True) if isinstance(key, dict) else key
    return f"{text}.{item['property']}"


def ask(client, method, what):
    return client.post("/_dash-update-component", json=what) if method == "post" else client.get(what)


# -- the tiny dataset loaded as real files ------------------------------------------------------------------------


def load_tiny_as_files(engine):
    """The tiny dataset, loaded through the import path (as real data), from exports of a demo copy of it."""
    for kind in ("camps", "clinics", "records"):
        outcome = run_import(engine, kind, export_text(tiny_demo_engine(engine), kind))
        assert outcome.loaded, outcome.errors


_DEMO: dict[str, object] = {}


def tiny_demo_engine(engine):
    """A SQLite database holding the tiny dataset as demo data (made once per test run)."""
    if "engine" not in _DEMO:
        import tempfile

        from dashboard.data import schema

        folder = tempfile.mkdtemp()
        eng = schema.make_engine(f"sqlite:///{folder}/demo.db")
        schema.upgrade(eng)
        queries.ensure_reference(eng)
        queries.load_dataset(eng, tiny_dataset())
        _DEMO["engine"] = eng
    return _DEMO["engine"]


def export_text(engine, kind) -> str:
    return exports.to_csv(loading.export_rows(engine, kind), formats.template_columns(kind))
