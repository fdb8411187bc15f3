"""Helpers shared by several test modules: a dataset with known small cells, and an outsider who attacks the public
view with nothing but its public answers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from dashboard.demo import Dataset

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
        found: list[Claim] = []
        govs = sorted({c[2] for c in CAMPS})
        syndromes = sorted({p[0] for p in PLANTED})
        ends = [w + dt.timedelta(days=6) for w in WEEKS]

        def claim(cell, value, how):
            if value is not None and 0 < value < K:
                found.append(Claim(cell, int(value), how))

        for measure, gov, syndrome in itertools.product(("consultations", "referrals"), govs, syndromes):
            # Shifted periods: the same end, a start a week later (or a day later: a period need not be whole weeks).
            for w in range(len(WEEKS)):
                for shift in (dt.timedelta(days=7), dt.timedelta(days=1), dt.timedelta(days=3)):
                    a = self.total(measure, WEEKS[w], ends[-1], gov, syndrome)
                    b = self.total(measure, WEEKS[w] + shift, ends[-1], gov, syndrome)
                    if a is not None and b is not None:
                        claim((measure, gov, w, syndrome, None, None), a - b, f"start moved by {shift.days} days")
                direct = self.total(measure, WEEKS[w], ends[w], gov, syndrome)
                claim((measure, gov, w, syndrome, None, None), direct, "one week asked for")
                # The governorate against all the others.
                everyone = self.total(measure, WEEKS[w], ends[w], None, syndrome)
                others = [self.total(measure, WEEKS[w], ends[w], g, syndrome) for g in govs if g != gov]
                if everyone is not None and None not in others:
                    claim((measure, gov, w, syndrome, None, None), everyone - sum(others), "other governorates")
        for measure, gov, w in itertools.product(("consultations", "referrals"), govs, range(len(WEEKS))):
            # Every syndrome against the syndromes other than the one of interest.
            everything = self.total(measure, WEEKS[w], ends[w], gov)
            per = {s: self.total(measure, WEEKS[w], ends[w], gov, s) for s in _all_syndromes()}
            for syndrome in syndromes:
                rest = [v for s, v in per.items() if s != syndrome]
                if everything is not None and None not in rest:
                    claim((measure, gov, w, syndrome, None, None), everything - sum(rest), "other syndromes")
        # Visits in which the syndrome was recorded, when each saw one case (if the syndrome changes the visits).
        for gov, w in itertools.product(govs, range(len(WEEKS))):
            period = {"start": WEEKS[w].isoformat(), "end": ends[w].isoformat(), "governorate": gov}
            every = (self.summary(**period).get("totals") or {}).get("visits")
            for syndrome in syndromes:
                visits = (self.summary(**period, syndrome=syndrome).get("totals") or {}).get("visits")
                if visits != every:
                    claim(("consultations", gov, w, syndrome, None, None), visits, "visits with the syndrome")
        # Sex and age: the trends page's download by age group and sex, and each cell against the others.
        for gov, syndrome in itertools.product(govs, syndromes):
            rows = self.download(
                "age_sex",
                {"start": WEEKS[0].isoformat(), "end": ends[-1].isoformat(), "governorate": gov, "syndrome": syndrome},
            )
            for row in rows:
                w = (dt.date.fromisoformat(row["period"]) - FIRST_MONDAY).days // 7
                for measure in ("consultations", "referrals"):
                    value = _int(row[measure])
                    cell = (measure, gov, w, syndrome, row["sex"], row["age_group"])
                    claim(cell, value, "age and sex chart")
                    total = self.total(measure, WEEKS[w], ends[w], gov, syndrome)
                    others = [
                        _int(r[measure])
                        for r in rows
                        if r["period"] == row["period"] and (r["sex"], r["age_group"]) != (row["sex"], row["age_group"])
                    ]
                    if total is not None and None not in others:
                        claim(cell, total - sum(others), "other sexes and age groups")
        return found


def _all_syndromes() -> tuple[str, ...]:
    from dashboard.reference import SYNDROMES

    return tuple(SYNDROMES)


def _int(value) -> int | None:
    return None if value in (None, "") else int(float(value))


def csv_rows(text: str) -> list[dict]:
    """The data rows of one of our CSV files (its second row holds HXL hashtags)."""
    rows = list(csv.DictReader(io.StringIO(text)))
    return [r for r in rows if not any(str(v).startswith("#") for v in r.values())]


def trends_download(client, chart: str, query: dict) -> list[dict]:
    """The rows of a trends chart's CSV download, posted as the browser posts it (for this client's session)."""
    import json
    from urllib.parse import urlencode

    from dashboard import ids

    key = {"chart": chart, "type": ids.CSV_BUTTON}
    body = {
        "output": f"{ids.TRENDS_DOWNLOAD}.data",
        "outputs": {"id": ids.TRENDS_DOWNLOAD, "property": "data"},
        "inputs": [[{"id": key, "property": "n_clicks", "value": 1}]],
        "state": [{"id": "_pages_location", "property": "search", "value": "?" + urlencode(query, doseq=True)}],
        "changedPropIds": [json.dumps(key, separators=(",", ":"), sort_keys=True) + ".n_clicks"],
    }
    response = client.post("/_dash-update-component", json=body)
    if response.status_code != 200:
        return []
    return csv_rows(response.get_json()["response"][ids.TRENDS_DOWNLOAD]["data"]["content"])
