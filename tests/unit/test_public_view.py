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

import json
import re

import pytest

from tests.helpers import (
    UNIT_SECRETS,
    K,
    add_coordinator,
    ask,
    client_with_csrf,
    csv_table,
    every_request,
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


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("public-view")
    app = make_app(f"sqlite:///{folder / 'public.db'}", privacy_dataset())
    add_coordinator(app.server.config["MMC_ENGINE"])
    return app


# -- detectors -------------------------------------------------------------------------------------------------------

VISIT_DAY_TEXTS = {form for day in visit_dates() for form in (day.isoformat(), f"{day:%d %b %Y}")}
TEXT_KEYS = ("children", "title", "label", "tooltip", "html", "alt", "placeholder", "description", "message", "note")
COUNT_KEYS = ("consultations", "referrals", "count", "observed", "current", "previous", "last_year", "population")


def problems(text: str, asked: str) -> list[str]:
    """What an anonymous answer must not hold (see the module's description); what the request itself said (a link
    kept in a link, a date in a notice) is no leak."""
    found = [f"unit detail {s!r}" for s in UNIT_SECRETS if s in text and s not in asked]
    found += [f"visit date {d}" for d in VISIT_DAY_TEXTS if d in text and d not in asked]
    if "openapi.json" in asked or '"/formats"' in asked:  # the API's and the formats' documents: words, no data
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
        if key == "data-hover" and isinstance(value, str):  # a picture chart's figures under a pointer
            lines = [line for line in json.loads(value).get("lines", []) if not line.get("derived")]
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
    try:
        _header, tags, rows = csv_table(text)
    except AssertionError:  # (no hashtag row: not one of our tables)
        return []
    counted = [
        i
        for i, tag in enumerate(tags)
        if any(w in tag for w in ("consultations", "referrals", "#affected", "#population"))
        and not any(w in tag for w in ("+expected", "rate"))
    ]
    return [
        f"count {row[i]} in a CSV column {tags[i]}"
        for row in rows
        for i in counted
        if i < len(row) and _bad_count(row[i] or None)
    ]


# -- the test --------------------------------------------------------------------------------------------------------


def test_no_anonymous_answer_holds_unit_detail_a_visit_date_or_a_small_count(app):
    client = app.server.test_client()
    failures, errors = [], []
    for what, method, body in every_request(app, LINKS):
        response = ask(client, method, body)
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
    for what, method, body in every_request(app, COORDINATOR_LINKS):
        response = ask(client, method, body)
        if response.status_code >= 500:
            errors.append(f"{what}: HTTP {response.status_code}")
            continue
        asked = json.dumps(body) if method == "post" else body
        found |= {p.split(" ")[0] + " " + p.split(" ")[1] for p in problems(response.get_data(as_text=True), asked)}
    assert not errors, "\n".join(errors[:20])
    kinds = {f.split(" ")[0] for f in found}
    assert {"unit", "visit", "count"} <= kinds, found
