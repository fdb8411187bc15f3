"""Everything the server answers, asked for as the public and as a coordinator: every callback the app declares (found
from the app itself, so a new one is covered without editing this test), every part, every page and every API route,
with every link parameter the pages know, the coordinators' own, guessed codes and far or malformed periods.

An anonymous answer fails if it holds a unit's code or name, a unit's base, a visit date, or a count that could be a
small one. The data (tests/helpers.privacy_dataset) makes that last check exact: every count of it is a multiple of
100 but the planted ones (1 to 4), so a count shown without protection ends in neither 0 nor 5 once a planted cell is
in it, and a protected one always does. The same requests as a coordinator must trip the same detectors, which
shows that they can fail.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import sys
from urllib.parse import urlencode

import dash
import pytest

from dashboard.data import queries
from dashboard.web import parts
from tests.helpers import (
    UNIT_SECRETS,
    K,
    add_coordinator,
    client_with_csrf,
    make_app,
    privacy_dataset,
    sign_in,
    visit_dates,
)

LINKS = [
    {},
    {"start": "2017-01-02", "end": "2017-02-26"},
    {"start": "2017-01-03", "end": "2017-01-04"},  # a Tuesday and a Wednesday: visit days
    {"start": "2017-01-04", "end": "2017-01-04", "syndrome": "afp", "governorate": "IQ-DA"},
    {
        "start": "2017-01-02",
        "end": "2017-02-26",
        "syndrome": "suspected_measles",
        "governorate": "IQ-AN",
        "freq": "month",
    },
    {"start": "2017-01-09", "end": "2017-01-22", "governorate": ["IQ-DA", "IQ-KI"], "syndrome": "bloody_diarrhoea"},
    {"clinic": "UNIT-QUOKKA-7", "start": "2017-01-02", "end": "2017-02-26"},
    {"camp": "DA1", "start": "2017-01-10", "end": "2017-01-10"},
    {"clinic": "NO-SUCH-UNIT"},  # a guess
    {"start": "0001-01-01", "end": "9999-12-31"},
    {"start": "2017-13-01", "governorate": "IQ-XX", "syndrome": "flu", "freq": "day"},
    {"start": "2017-02-01", "end": "2017-01-01"},
    {"start": "2016-01-04", "end": "2016-02-07"},  # before the data
    {"screen": "all"},
    {"screen": "gaps", "figure": "share", "kind": "records"},
]
COORDINATOR_LINKS = LINKS[1:4] + LINKS[6:8] + LINKS[9:10]
GRID_REQUEST = {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}
UPLOAD = "data:text/csv;base64," + base64.b64encode(b"camp_code,camp_name\nX1,Somewhere\n").decode()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("public-view")
    app = make_app(f"sqlite:///{folder / 'public.db'}", privacy_dataset(), upload_dir=str(folder / "uploads"))
    add_coordinator(app.server.config["MMC_ENGINE"])
    return app


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
        "contents": UPLOAD,
        "filename": "camps.csv",
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
        "map-figure": "share",
        "next-slots": 3,
        "next-radius": 5,
    }
    if prop == "value":
        return by_id.get(component if isinstance(component, str) else "", "x")
    return by_prop.get(prop)


def _concrete(spec: dict, search: str, camp_id: int):
    """An input or state of the dependency list as the browser sends it: pattern-matching ids made concrete."""
    component = spec["id"]
    if isinstance(component, str) and component.startswith("{"):
        pattern = json.loads(component)
        key = next(k for k, v in pattern.items() if isinstance(v, list))
        ids = [{**pattern, key: v} for v in _wildcard_values(key)]
        items = [
            {"id": i, "property": spec["property"], "value": _value(i, spec["property"], search, camp_id)} for i in ids
        ]
        return items if pattern[key] == ["ALL"] else items[0]
    return {**spec, "value": _value(component, spec["property"], search, camp_id)}


def _requests(app, links):
    """(what was asked, how to ask it) for every callback, part, page frame and API route, for each link."""
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
        for dep in deps:
            if dep.get("clientside_function"):
                continue
            outputs = [o for o in dep["output"].strip(".").split("...") if o]
            specs = [output_spec(o) for o in outputs]
            inputs = [_concrete(i, search, camp_id) for i in dep["inputs"]]
            body = {
                "output": dep["output"],
                "outputs": specs if len(specs) > 1 else specs[0],
                "inputs": inputs,
                "state": [_concrete(s, search, camp_id) for s in dep["state"]],
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


def output_spec(spec: str):
    """An output as the browser names it: a pattern-matching one made concrete like its inputs."""
    component, prop = spec.rsplit(".", 1)
    prop = prop.split("@")[0]
    if not component.startswith("{"):
        return {"id": component, "property": prop}
    pattern = json.loads(component)
    key = next(k for k, v in pattern.items() if isinstance(v, list))
    ids = [{**pattern, key: v} for v in _wildcard_values(key)]
    return [{"id": i, "property": prop} for i in ids] if pattern[key] == ["ALL"] else {"id": ids[0], "property": prop}


def _prop_id(item: dict) -> str:
    key = item["id"]
    text = json.dumps(key, separators=(",", ":"), sort_keys=True) if isinstance(key, dict) else key
    return f"{text}.{item['property']}"


def _ask(client, method, what):
    return client.post("/_dash-update-component", json=what) if method == "post" else client.get(what)


# -- detectors -------------------------------------------------------------------------------------------------------

VISIT_DAY_TEXTS = {form for day in visit_dates() for form in (day.isoformat(), f"{day:%d %b %Y}")}
TEXT_KEYS = ("children", "title", "label", "tooltip", "html", "alt", "placeholder", "description", "message", "note")
COUNT_KEYS = ("consultations", "referrals", "count", "observed", "current", "previous", "last_year", "population")


def problems(text: str, asked: str) -> list[str]:
    """What an anonymous answer must not hold (see the module's description); what the request itself said (a link
    kept in a link, a date in a notice) is no leak."""
    found = [f"unit detail {s!r}" for s in UNIT_SECRETS if s in text and s not in asked]
    found += [f"visit date {d}" for d in VISIT_DAY_TEXTS if d in text and d not in asked]
    if "openapi.json" in asked:  # the API's description: words about the API, no data
        return found
    try:
        data = json.loads(text)
    except ValueError:
        return found + _csv_problems(text)
    echoed = set(re.findall(r"\d+", asked))
    found += _json_problems(data, echoed)
    return found


def _bad_count(value) -> bool:
    if value is None or isinstance(value, bool):
        return False
    if isinstance(value, str):
        value = value.replace(",", "")
        if not re.fullmatch(r"-?\d+(\.\d+)?", value):
            return False
        value = float(value)
    return float(value) != int(value) or int(value) % K != 0


def _json_problems(node, echoed: set) -> list[str]:
    found: list[str] = []
    if isinstance(node, list):
        for item in node:
            found += _json_problems(item, echoed)
        return found
    if not isinstance(node, dict):
        return found
    if node.get("type") in ("scatter", "bar") and ("y" in node or "x" in node):
        if node.get("meta") != "derived":
            axis = "x" if node.get("orientation") == "h" else "y"
            found += [f"count {v} in a chart" for v in node.get(axis) or [] if _bad_count(v)]
            found += [f"count {v} in a chart's data" for v in node.get("customdata") or [] if _bad_count(v)]
        return found
    if "content" in node and str(node.get("filename", "")).endswith(".csv"):
        return _csv_problems(node["content"])
    for key, value in node.items():
        if key == "data-hover" and isinstance(value, str):  # the overview chart's figures under a pointer
            lines = json.loads(value).get("lines", [])
            found += [f"count {v} under the chart's pointer" for line in lines for v in line["values"] if _bad_count(v)]
        elif key in COUNT_KEYS and isinstance(value, (int, float)) and not isinstance(value, bool):
            if _bad_count(value):
                found.append(f"{key} {value}")
        elif key in TEXT_KEYS and isinstance(value, str):
            found += _text_problems(value, echoed)
        else:
            found += _json_problems(value, echoed)
    return found


def _text_problems(text: str, echoed: set) -> list[str]:
    """Numbers of 100 or more in words a reader sees, but years, decimals and what the link itself said."""
    found = []
    for token in re.findall(r"(?<![\w.-])\d+(?:,\d{3})*(?:\.\d+)?(?![\w-])", text):
        if "." in token or token.replace(",", "") in echoed:
            continue
        value = int(token.replace(",", ""))
        if "," not in token and 1900 <= value <= 2100:  # a year (a count of 1,900 or more is written with a comma)
            continue
        if value >= 100 and value % K:
            found.append(f"count {token} in {text[:80]!r}")
    return found


def _csv_problems(text: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(text)))
    if len(rows) < 2 or not any(cell.startswith("#") for cell in rows[1]):
        return []
    counted = [
        i
        for i, tag in enumerate(rows[1])
        if any(w in tag for w in ("consultations", "referrals", "#affected", "#population"))
        and not any(w in tag for w in ("+expected", "rate"))
    ]
    return [
        f"count {row[i]} in a CSV column {rows[1][i]}"
        for row in rows[2:]
        for i in counted
        if i < len(row) and _bad_count(row[i] or None)
    ]


# -- the test --------------------------------------------------------------------------------------------------------


def test_no_anonymous_answer_holds_unit_detail_a_visit_date_or_a_small_count(app):
    client = app.server.test_client()
    failures, errors = [], []
    for what, method, body in _requests(app, LINKS):
        response = _ask(client, method, body)
        if response.status_code >= 500:
            errors.append(f"{what}: HTTP {response.status_code}")
            continue
        text = response.get_data(as_text=True)
        asked = json.dumps(body) if method == "post" else body
        failures += [f"{what}: {p}" for p in problems(text, asked)]
    assert not errors, "\n".join(errors[:20])
    assert not failures, f"{len(failures)} leaks, the first:\n" + "\n".join(sorted(set(failures))[:25])


def test_a_coordinator_gets_what_the_public_does_not_and_no_server_error(app):
    """The same requests signed in: the detectors fire (unit detail, visit dates and exact small counts are there),
    so the anonymous test above could fail; and nothing answers 500."""
    client = client_with_csrf(app)
    sign_in(client)
    found, errors = set(), []
    for what, method, body in _requests(app, COORDINATOR_LINKS):
        response = _ask(client, method, body)
        if response.status_code >= 500:
            errors.append(f"{what}: HTTP {response.status_code}")
            continue
        asked = json.dumps(body) if method == "post" else body
        found |= {p.split(" ")[0] + " " + p.split(" ")[1] for p in problems(response.get_data(as_text=True), asked)}
    assert not errors, "\n".join(errors[:20])
    kinds = {f.split(" ")[0] for f in found}
    assert {"unit", "visit", "count"} <= kinds, found
