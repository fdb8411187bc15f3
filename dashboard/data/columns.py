"""The visit totals (and, once asked for, the per-syndrome totals of each visit and the syndrome totals by sex and age
group) held in memory as sorted columns, so that a filter change is answered in milliseconds at ten million records
instead of a scan of the database.

One `Columns` per database and data version, in each server process: loading data (any import, the demo) changes
the version, and the next question builds new columns from the database. The columns answer the same questions as
the SQL in `queries` and give the same frames (tests compare them on SQLite and PostgreSQL); `queries` asks here first
and keeps its SQL for what the columns do not hold (sex and age group of one camp or unit) and for when they are
turned off (`IN_MEMORY_TOTALS=false`).

Days are whole numbers (days since 1970-01-01); camps and units are positions in `camps` and `clinics`. Rows are
sorted by day, so a period is one slice found by binary search, and each figure is a count or a sum over that slice.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from dashboard.data.fields import CAMP_FIELDS, CLINIC_FIELDS
from dashboard.data.models import Camp, Clinic
from dashboard.domain.filters import Filters

log = logging.getLogger(__name__)
ENABLED = True  # the factory sets it from the IN_MEMORY_TOTALS setting
CHUNK = 250_000  # rows fetched at a time: the columns grow by arrays, never by a list of every row
_EPOCH = np.datetime64("1970-01-01", "D")
_DENSE_LIMIT = 20_000_000  # group keys up to this many are counted in an array; beyond it, by sorting
WARM_FROM = 100_000  # from this many visits, each visit's syndromes are read in the background as soon as possible
MAX_DATABASES = 4
SELECTIONS_KEPT = 8  # rows() selections kept per data version...
ROWS_KEPT = 3_000_000  # ...holding at most this many copied rows (about 55 MB); a slice of a period copies none
_lock = threading.Lock()
_current: dict[str, Columns] = {}  # by engine URL, oldest first


def _day(value: dt.date) -> int:
    return (value - dt.date(1970, 1, 1)).days


def _dates(days: np.ndarray) -> np.ndarray:
    """Day numbers as datetime.date objects (what the database gives for a date), None for -1 (no date)."""
    dates = (_EPOCH + np.maximum(days, 0).astype("int64")).astype(object)
    dates[days < 0] = None
    return dates


def _timestamps(days: np.ndarray) -> pd.Series:
    return pd.Series((_EPOCH + days.astype("int64")).astype("datetime64[s]"))


def _small(values: np.ndarray, high: int) -> np.ndarray:
    return values.astype(np.min_scalar_type(max(high, 1)))


class StaleRead(RuntimeError):
    """Data was loaded while the columns were being read: read them again."""


@dataclass
class Rows:
    """Visit rows (or visit-and-syndrome rows) in memory, sorted by day."""

    day: np.ndarray
    camp: np.ndarray  # position in Columns.camps
    clinic: np.ndarray  # position in Columns.clinics
    consultations: np.ndarray
    referrals: np.ndarray
    syndrome: np.ndarray | None = None  # position in Columns.syndromes
    governorate: np.ndarray | None = None  # position in Columns.governorates (of the camp): filters need no lookup
    pair: np.ndarray | None = None  # visit rows: their (camp, unit) pair, a position in Columns.pair_camp/pair_clinic
    reported: np.ndarray | None = None  # visit rows: the day the visit was first reported, -1 when not known

    def __len__(self) -> int:
        return len(self.day)

    def take(self, index) -> Rows:
        return Rows(
            self.day[index],
            self.camp[index],
            self.clinic[index],
            self.consultations[index],
            self.referrals[index],
            None if self.syndrome is None else self.syndrome[index],
            None if self.governorate is None else self.governorate[index],
            None if self.pair is None else self.pair[index],
            None if self.reported is None else self.reported[index],
        )

    @staticmethod
    def concat(parts: list[Rows]) -> Rows:
        if len(parts) == 1:
            return parts[0]
        return Rows(
            np.concatenate([p.day for p in parts]),
            np.concatenate([p.camp for p in parts]),
            np.concatenate([p.clinic for p in parts]),
            np.concatenate([p.consultations for p in parts]),
            np.concatenate([p.referrals for p in parts]),
            np.concatenate([p.need("syndrome") for p in parts]),
            np.concatenate([p.need("governorate") for p in parts]),
            None if any(p.pair is None for p in parts) else np.concatenate([p.need("pair") for p in parts]),
            None if any(p.reported is None for p in parts) else np.concatenate([p.need("reported") for p in parts]),
        )

    def need(self, name: str) -> np.ndarray:
        """One of the columns only some rows carry (syndrome, governorate, pair), which these rows must carry."""
        column = getattr(self, name)
        if column is None:
            raise ValueError(f"these rows carry no {name}")
        return column

    def period(self, start: dt.date, end: dt.date) -> Rows:
        # the bounds as the column's own type: a Python int would make numpy convert the whole column first
        lo = np.searchsorted(self.day, self.day.dtype.type(_day(start)), side="left")
        hi = np.searchsorted(self.day, self.day.dtype.type(_day(end)), side="right")
        return self.take(slice(int(lo), int(hi)))


class Columns:
    """The programme's visits in memory for one data version (see the module's description)."""

    def __init__(self, engine: Engine, version: tuple):
        self.engine = engine
        self.version = version
        with engine.connect() as conn:
            self.camps, self.clinics = (
                pd.DataFrame(conn.execute(select(*fields.values()).order_by(key)).all(), columns=list(fields))
                for fields, key in ((CAMP_FIELDS, Camp.id), (CLINIC_FIELDS, Clinic.id))
            )
        self.camp_ids = self.camps["camp_id"].to_numpy(dtype="int64")
        self.clinic_ids = self.clinics["clinic_id"].to_numpy(dtype="int64")
        self.governorates = sorted(set(self.camps["governorate"]))
        self.camp_gov = _small(
            np.searchsorted(self.governorates, self.camps["governorate"].to_numpy()), len(self.governorates)
        )
        self.camp_by_code = {code: i for i, code in enumerate(self.camps["code"])}
        self.clinic_by_code = {code: i for i, code in enumerate(self.clinics["code"])}
        self.visits = self._fetch(
            "SELECT {day}, clinic_id, camp_id, consultations, referrals, "
            f"COALESCE({self._day_sql('reported_on')}, -1) FROM visit_totals ORDER BY date",
            False,
            reported=True,
        )
        # every (camp, unit) pair that ever met, and each visit's pair: "how many units served each camp" (and
        # camps each unit served) is then a count over the pairs a period's visits touch, not over its visits
        pairs, pair = np.unique(
            self.visits.camp.astype("int64") * len(self.clinic_ids) + self.visits.clinic, return_inverse=True
        )
        self.pair_camp = (pairs // max(len(self.clinic_ids), 1)).astype("int64")
        self.pair_clinic = (pairs % max(len(self.clinic_ids), 1)).astype("int64")
        self.visits.pair = _small(pair, len(pairs))
        # each camp's (and unit's) visit days in order, for the last visit on or before a day
        self._camp_last = self._last_index(self.visits.camp)
        self._clinic_last = self._last_index(self.visits.clinic)
        self._by_syndrome: dict[int, Rows] | None = None  # syndrome position -> its rows
        self._detail: dict[str, np.ndarray] = {}  # the syndrome totals, read with the syndromes (_fetch_detail)
        self._sexes: list[str] = []
        self._ages: list[str] = []
        self._lock = threading.Lock()
        self.syndromes: list[str] = []
        self._selected: OrderedDict[tuple, Rows] = OrderedDict()  # see rows()
        self._selected_lock = threading.Lock()

    # -- loading ------------------------------------------------------------------------------------------------------

    def _day_sql(self, column: str = "date") -> str:
        """A row's date (or another date column) as a day number (days since 1970-01-01), in this database's SQL."""
        if self.engine.dialect.name == "postgresql":
            return f"({column} - DATE '1970-01-01')"
        return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"

    def _fetch(self, sql: str, syndromes: bool, reported: bool = False) -> Rows:
        day_sql = self._day_sql()
        parts: list[list[np.ndarray]] = []
        with self.engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None  # (a connection that is open has its driver's)
            # plain rows, no per-row work by SQLAlchemy; on PostgreSQL a server-side cursor, so that only CHUNK rows
            # are held at a time on this side (SQLite's cursor reads as it goes)
            named = self.engine.dialect.name == "postgresql"
            cursor = raw.cursor(name="mmc_columns") if named else raw.cursor()
            try:
                cursor.execute(sql.format(day=day_sql))
                while chunk := cursor.fetchmany(CHUNK):
                    values = list(zip(*chunk, strict=True))
                    part = [np.fromiter(c, dtype="int64", count=len(chunk)) for c in values[:3]]
                    if syndromes:
                        codes = pd.Categorical(values[3], categories=self.syndromes).codes
                        if (codes < 0).any():
                            raise RuntimeError("a syndrome appeared while the in-memory totals were read")
                        part.append(codes.astype("int8"))
                    tail = values[-3:] if reported else values[-2:]
                    part += [np.fromiter(c, dtype="int64", count=len(chunk)) for c in tail]
                    parts.append(part)
            finally:
                cursor.close()
        if not parts:
            width = (6 if syndromes else 5) + reported
            parts = [[np.zeros(0, dtype="int64") for _ in range(width)]]
        joined = [np.concatenate(c) for c in zip(*parts, strict=True)]
        day, clinic_id, camp_id = joined[:3]
        camp = _position(self.camp_ids, camp_id)
        clinic = _position(self.clinic_ids, clinic_id)
        sums = joined[4:] if syndromes else joined[3:]
        return Rows(
            day.astype("int32"),
            camp,
            clinic,
            sums[0].astype("int32"),
            sums[1].astype("int32"),
            joined[3] if syndromes else None,
            self.camp_gov[camp],
            reported=sums[2].astype("int32") if reported else None,
        )

    def answers(self, f: Filters, dims: Sequence[str] = ()) -> bool:
        """Whether these columns can answer now: a question about a syndrome (or by sex or age group) waits for each
        visit's syndromes, which a large database reads in the background (meanwhile the database answers it, as
        slowly as without them). By sex or age group they know no camp or unit."""
        detailed = bool(set(dims) & {"sex", "age_group"})
        if detailed and (f.camp or f.clinic or "camp_id" in dims):
            return False
        if not (f.syndrome or "syndrome" in dims or detailed) or self._by_syndrome is not None:
            return True
        if len(self.visits) < WARM_FROM:
            self.by_syndrome()
            return True
        return False

    def warm(self) -> None:
        try:
            self.by_syndrome()
        except Exception as exc:  # the question that needs them will read them again and report the error
            log.warning("reading each visit's syndromes in the background failed: %s", exc)

    def by_syndrome(self) -> dict[int, Rows]:
        """Each visit's totals per syndrome, one set of rows (sorted by day) per syndrome: read on first use or in
        the background (see `of`)."""
        with self._lock:
            if self._by_syndrome is None:
                with self.engine.connect() as conn:
                    self.syndromes = sorted(
                        conn.exec_driver_sql("SELECT DISTINCT syndrome FROM syndrome_totals").scalars()
                    )
                rows = self._fetch(
                    "SELECT {day}, clinic_id, camp_id, syndrome, sum(consultations), sum(referrals) "
                    "FROM service_records GROUP BY date, clinic_id, camp_id, syndrome ORDER BY date",
                    True,
                )
                syndrome = rows.need("syndrome")
                order = np.argsort(syndrome, kind="stable")  # by syndrome, and by day within each
                bounds = np.searchsorted(syndrome[order], np.arange(len(self.syndromes) + 1, dtype="int8"))
                self._detail = self._fetch_detail()
                self._by_syndrome = {i: rows.take(order[bounds[i] : bounds[i + 1]]) for i in range(len(self.syndromes))}
        return self._by_syndrome

    def _fetch_detail(self) -> dict[str, np.ndarray]:
        """The syndrome totals (per day, governorate, syndrome, sex and age group) as columns sorted by day, for the
        breakdowns by sex and age group."""
        day = self._day_sql()
        with self.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                f"SELECT {day}, governorate, syndrome, sex, age_group, consultations, referrals "
                "FROM syndrome_totals ORDER BY date"
            ).all()
        values = list(zip(*rows, strict=True)) if rows else [()] * 7
        self._sexes, self._ages = (sorted(set(values[i])) for i in (3, 4))
        codes = {}
        for i, name, labels in (
            (1, "governorate", self.governorates),
            (2, "syndrome", self.syndromes),
            (3, "sex", self._sexes),
            (4, "age_group", self._ages),
        ):
            found = pd.Categorical(values[i], categories=list(labels)).codes
            if (found < 0).any():
                raise StaleRead("the syndrome totals changed while the in-memory totals were read")
            codes[name] = found.astype("int8")
        return {
            "day": np.asarray(values[0], dtype="int32"),
            **codes,
            "consultations": np.asarray(values[5], dtype="int64"),
            "referrals": np.asarray(values[6], dtype="int64"),
        }

    def _last_index(self, who: np.ndarray) -> np.ndarray:
        """Sorted keys (who, day) of every visit, for `_last_visit`."""
        return np.sort(who.astype("int64") * 1_000_000 + self.visits.day)

    def _last_visit(self, keys: np.ndarray, n: int, end: dt.date) -> np.ndarray:
        """For positions 0..n-1: the day of the last visit on or before `end`, or -1."""
        who = np.arange(n, dtype="int64")
        if not len(keys):  # no visit yet (camps and units loaded, no records)
            return np.full(n, -1, dtype="int64")
        pos = np.searchsorted(keys, who * 1_000_000 + _day(end), side="right") - 1
        found = (pos >= 0) & (keys[np.maximum(pos, 0)] // 1_000_000 == who)
        return np.where(found, keys[np.maximum(pos, 0)] % 1_000_000, -1)

    # -- selecting ----------------------------------------------------------------------------------------------------

    def _syndrome_code(self, syndrome: str) -> int:
        """A syndrome's position in `syndromes`, or -1 for one the data does not have."""
        return self.syndromes.index(syndrome) if syndrome in self.syndromes else -1

    def _gov_mask(self, governorates: Sequence[str]) -> np.ndarray:
        """Which governorate positions the filter keeps."""
        return np.isin(np.asarray(self.governorates, dtype=object), list(governorates))

    def rows(self, f: Filters, syndromes: bool = False, governorates: bool = True) -> Rows:
        """The rows the filters select: the period, the camps' governorates, the camp, the unit and the syndrome.
        Visit rows, unless a syndrome is chosen or `syndromes` asks for each visit's syndromes. The latest few
        selections are kept: a page asks several questions of the same filters, and a selection by governorate
        copies every row it keeps."""
        key = (f, bool(f.syndrome or syndromes), governorates)
        with self._selected_lock:
            if key in self._selected:
                self._selected.move_to_end(key)
                return self._selected[key]
        rows = self._select(f, syndromes, governorates)
        with self._selected_lock:
            self._selected[key] = rows
            while len(self._selected) > SELECTIONS_KEPT or sum(map(_copied, self._selected.values())) > ROWS_KEPT:
                self._selected.popitem(last=False)
        return rows

    def _select(self, f: Filters, syndromes: bool, governorates: bool) -> Rows:
        if f.syndrome or syndromes:
            partitions = self.by_syndrome()
            v = self.visits
            none = Rows(
                v.day[:0],
                v.camp[:0],
                v.clinic[:0],
                v.consultations[:0],
                v.referrals[:0],
                np.zeros(0, dtype="int8"),
                self.camp_gov[:0],
            )
            if f.syndrome:
                sources = [partitions.get(self._syndrome_code(f.syndrome), none)]
            else:
                sources = list(partitions.values()) or [none]
        else:
            sources = [self.visits]
        return Rows.concat([self._scope(source.period(f.start, f.end), f, governorates) for source in sources])

    def _scope(self, rows: Rows, f: Filters, governorates: bool) -> Rows:
        keep = None

        def both(mask):
            return mask if keep is None else keep & mask

        if governorates and f.governorates:
            keep = both(self._gov_mask(f.governorates)[rows.need("governorate")])
        if f.camp:
            keep = both(rows.camp == self.camp_by_code.get(f.camp, -1))
        if f.clinic:
            keep = both(rows.clinic == self.clinic_by_code.get(f.clinic, -1))
        return rows if keep is None else rows.take(keep)

    def _active_pairs(self, rows: Rows) -> np.ndarray:
        """The (camp, unit) pairs (positions in pair_camp, pair_clinic) that `rows` (visit rows) touch."""
        return np.flatnonzero(np.bincount(rows.need("pair"), minlength=len(self.pair_camp)))

    # -- answers (each as the SQL of data.queries gives it) ----------------------------------------------------------

    def period_totals(self, f: Filters) -> dict:
        rows = self.rows(f)
        return dict(
            consultations=int(rows.consultations.sum(dtype="int64")),
            referrals=int(rows.referrals.sum(dtype="int64")),
            visits=len(rows),
            camps_visited=_distinct(rows.camp),
            active_units=_distinct(rows.clinic),
        )

    def totals_by_governorate(self, f: Filters) -> pd.DataFrame:
        rows = self.rows(f)
        n = len(self.governorates)
        gov = rows.need("governorate").astype("int64")
        visits = np.bincount(gov, minlength=n)
        present = np.flatnonzero(visits)
        reached = np.flatnonzero(np.bincount(rows.camp, minlength=len(self.camp_ids)))
        camps = np.bincount(self.camp_gov[reached].astype("int64"), minlength=n)
        if rows.pair is not None:  # the units of each governorate among the pairs touched
            active = self._active_pairs(rows)
            active_gov = self.camp_gov[self.pair_camp[active]].astype("int64")
            units = _distinct_pairs(active_gov, self.pair_clinic[active], len(self.clinic_ids), n)
        else:
            units = _distinct_pairs(gov, rows.clinic, len(self.clinic_ids), n)
        out = pd.DataFrame(
            {
                "governorate": [self.governorates[i] for i in present],
                "consultations": _sum_by(gov, rows.consultations, n)[present],
                "referrals": _sum_by(gov, rows.referrals, n)[present],
                "visits": visits[present],
                "camps_visited": camps[present],
                "active_units": units[present],
            }
        )
        return out.astype({c: "int64" for c in out.columns[1:]})

    def daily(self, f: Filters, dims: Sequence[str], week_first_day: int | None = None) -> pd.DataFrame:
        """Consultations and referrals per day and per each of `dims` (governorate, camp_id, syndrome, or with sex
        and age group: governorate and syndrome); per week (dated by its first day) when `week_first_day` is given
        (0 Monday to 6 Sunday)."""
        syndromes = bool(f.syndrome) or "syndrome" in dims
        if set(dims) & {"sex", "age_group"} or (
            syndromes and not (f.camp or f.clinic) and set(dims) <= {"governorate", "syndrome"}
        ):
            return self._detailed_daily(f, dims, week_first_day)
        rows = self.rows(f, syndromes=syndromes)
        codes = {
            "governorate": lambda: (rows.need("governorate"), self.governorates),
            "camp_id": lambda: (rows.camp, self.camp_ids),
            "syndrome": lambda: (rows.need("syndrome"), self.syndromes),
        }
        parts = [(d, *codes[d]()) for d in dims]
        return _sums(f, rows.day, parts, rows.consultations, rows.referrals, week_first_day)

    def _detailed_daily(self, f: Filters, dims: Sequence[str], week_first_day: int | None) -> pd.DataFrame:
        """daily() from the syndrome totals (per day, governorate, syndrome, sex and age group; no camp or unit): by
        sex or age group, and a question of syndromes by governorate, for which they are a few hundred thousand rows
        where each visit's syndromes are millions (a year of them by syndrome took 10 to 40 ms)."""
        self.by_syndrome()  # (reads the syndrome totals with each visit's syndromes)
        detail = self._detail
        lo = int(np.searchsorted(detail["day"], _day(f.start), side="left"))
        hi = int(np.searchsorted(detail["day"], _day(f.end), side="right"))
        keep = np.ones(hi - lo, dtype=bool)
        if f.governorates:
            keep &= self._gov_mask(f.governorates)[detail["governorate"][lo:hi]]
        if f.syndrome:
            keep &= detail["syndrome"][lo:hi] == self._syndrome_code(f.syndrome)
        pick = {name: column[lo:hi][keep] for name, column in detail.items()}
        labels = {
            "governorate": self.governorates,
            "syndrome": self.syndromes,
            "sex": self._sexes,
            "age_group": self._ages,
        }
        parts = [(d, pick[d], labels[d]) for d in dims]
        return _sums(f, pick["day"], parts, pick["consultations"], pick["referrals"], week_first_day)

    def camps_in_period(self, f: Filters) -> pd.DataFrame:
        n = len(self.camp_ids)
        visits = self.visits.period(f.start, f.end)
        scoped = self.rows(f, governorates=False)
        figures = {
            "visits": np.bincount(visits.camp, minlength=n).astype("int64"),
            "units": np.bincount(self.pair_camp[self._active_pairs(visits)], minlength=n).astype("int64"),
            "consultations": _sum_by(scoped.camp, scoped.consultations, n),
            "last_visit": _dates(self._last_visit(self._camp_last, n, f.end)),
        }
        if f.governorates:  # the camps of these governorates only, chosen by position (no string comparison)
            keep = np.flatnonzero(self._gov_mask(f.governorates)[self.camp_gov])
            return self.camps.take(keep).reset_index(drop=True).assign(**{k: v[keep] for k, v in figures.items()})
        return self.camps.assign(**figures)

    def visit_list(self, f: Filters) -> pd.DataFrame:
        """Every visit the filters select (whatever the syndrome): date, unit, camp and the day it was reported."""
        rows = self.rows(replace(f, syndrome=None))
        reported = rows.need("reported")
        frame = pd.DataFrame(
            {
                "date": _timestamps(rows.day),
                "clinic_id": self.clinic_ids[rows.clinic],
                "camp_id": self.camp_ids[rows.camp],
                "reported_on": _timestamps(np.maximum(reported, 0)).where(pd.Series(reported >= 0)),
            }
        )
        return frame.sort_values(["date", "clinic_id", "camp_id"], ignore_index=True)

    def clinics_in_period(self, f: Filters) -> pd.DataFrame:
        n = len(self.clinic_ids)
        visits = self.visits.period(f.start, f.end)
        frame = self.clinics.copy()
        frame["visits"] = np.bincount(visits.clinic, minlength=n)
        frame["camps_served"] = np.bincount(self.pair_clinic[self._active_pairs(visits)], minlength=n)
        frame["visit_days"] = _distinct_pairs(visits.clinic, visits.day - _day(f.start), f.days, n)
        frame["consultations"] = _sum_by(visits.clinic, visits.consultations, n)
        last = self._last_visit(self._clinic_last, n, f.end)
        frame["last_visit"] = _dates(last)
        if f.governorates:
            frame = frame[frame["governorate"].isin(f.governorates)]
        frame = frame.sort_values(["unit_type", "code"], ascending=[False, True], ignore_index=True)
        return frame.astype(
            {"visits": "int64", "camps_served": "int64", "visit_days": "int64", "consultations": "int64"}
        )

    def camp_units(self, f: Filters) -> pd.DataFrame:
        visits = self.visits.period(f.start, f.end)
        key = visits.camp.astype("int64") * len(self.clinic_ids) + visits.clinic
        groups, counts = np.unique(key, return_counts=True)
        clinics = self.clinics.iloc[groups % len(self.clinic_ids)]
        frame = pd.DataFrame(
            {
                "camp_id": self.camp_ids[groups // len(self.clinic_ids)],
                "clinic_code": clinics["code"].tolist(),
                "clinic_name": clinics["name"].tolist(),
                "visits": counts.astype("int64"),
            }
        )
        return frame.sort_values(["camp_id", "clinic_code"], ignore_index=True)

    def units_by_governorate(self, f: Filters) -> pd.DataFrame:
        visits = self.visits.period(f.start, f.end)
        active = np.bincount(visits.clinic, minlength=len(self.clinic_ids)) > 0
        if f.governorates:
            active &= np.isin(self.clinics["governorate"].to_numpy(), list(f.governorates))
        kinds, kind = self._unit_kinds
        counts = np.bincount(kind[active], minlength=len(kinds))
        present = np.flatnonzero(counts)
        return pd.DataFrame(
            {
                "governorate": [kinds[i][0] for i in present],
                "unit_type": [kinds[i][1] for i in present],
                "units": counts[present].astype("int64"),
            }
        )

    @functools.cached_property
    def _unit_kinds(self) -> tuple[list[tuple[str, str]], np.ndarray]:
        """The (governorate, unit type) pairs in order, and each unit's position among them."""
        pairs = list(zip(self.clinics["governorate"], self.clinics["unit_type"], strict=True))
        kinds = sorted(set(pairs))
        index = {k: i for i, k in enumerate(kinds)}
        return kinds, np.array([index[p] for p in pairs], dtype="int64")


def _sums(
    f: Filters,
    day: np.ndarray,
    dims: Sequence[tuple[str, np.ndarray, Sequence]],
    consultations: np.ndarray,
    referrals: np.ndarray,
    week_first_day: int | None,
) -> pd.DataFrame:
    """Consultations and referrals summed by day (or week) and by each dimension (name, each row's code, the codes'
    labels), as queries' daily frames: one row per combination present, in order."""
    origin, step = _day(f.start), 1
    if week_first_day is not None:
        origin -= (f.start.weekday() - week_first_day) % 7
        step = 7
    parts = [((day - origin) // step, (_day(f.end) - origin) // step + 1)]
    parts += [(codes, len(labels)) for _name, codes, labels in dims]
    key = np.zeros(len(day), dtype="int64")
    size = 1
    for values, n in parts:
        key = key * n + values
        size *= n
    groups, inverse = _groups(key, size)
    count = len(groups)
    rest = groups.copy()
    decoded = []
    for _, n in reversed(parts):
        decoded.append(rest % n)
        rest //= n
    decoded.reverse()
    out = {"date": _timestamps(decoded[0] * step + origin)}
    for (name, _codes, labels), values in zip(dims, decoded[1:], strict=True):
        out[name] = (
            labels[values] if isinstance(labels, np.ndarray) else np.asarray(labels, dtype=object)[values].tolist()
        )
    out["consultations"] = _sum_by(inverse, consultations, count)
    out["referrals"] = _sum_by(inverse, referrals, count)
    return pd.DataFrame(out).astype({"consultations": "int64", "referrals": "int64"})


def _copied(rows: Rows) -> int:
    """How many rows a selection holds of its own (a period's slice shares the columns' memory)."""
    return 0 if rows.day.base is not None else len(rows)


def _position(ids: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Each id's position in the sorted `ids`; an id not there means the data changed while it was read."""
    pos = np.minimum(np.searchsorted(ids, values), max(len(ids) - 1, 0))
    if len(values) and (not len(ids) or (ids[pos] != values).any()):
        raise StaleRead("camps or units changed while the in-memory totals were read")
    return _small(pos, len(ids))


def _distinct(values: np.ndarray) -> int:
    return int(np.count_nonzero(np.bincount(values))) if len(values) else 0


def _sum_by(group: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(group, weights=values, minlength=n).round().astype("int64")


def _groups(key: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys in order, and each row's position among them."""
    if size <= min(_DENSE_LIMIT, max(1_000_000, 4 * len(key))):  # an array of every key costs its size
        present = np.bincount(key, minlength=size) > 0
        groups = np.flatnonzero(present)
        position = np.cumsum(present) - 1
        return groups, position[key]
    return np.unique(key, return_inverse=True)


def _distinct_pairs(group: np.ndarray, other: np.ndarray, n_other: int, n_groups: int) -> np.ndarray:
    """For each group 0..n_groups-1: how many distinct `other` values its rows have."""
    key = group.astype("int64") * n_other + other
    if n_groups * n_other <= min(_DENSE_LIMIT, 100 * len(key)):  # a short period: sorting its keys costs less
        seen = np.zeros(n_groups * n_other, dtype=bool)
        seen[key] = True
        return seen.reshape(n_groups, n_other).sum(axis=1)
    return np.bincount(np.unique(key) // n_other, minlength=n_groups)


# -- the columns of a database ---------------------------------------------------------------------------------------


def of(engine: Engine, data_version: tuple) -> Columns | None:
    """The columns of `engine`'s data at `data_version`, built on first use; None when turned off."""
    if not ENABLED:
        return None
    key = str(engine.url)
    for held in (_current.get(key), _previous.get(key)):  # (a request that began just before a switch)
        if held is not None and held.version == data_version:
            return held
    with _lock:
        columns = _current.get(key)
        if columns is None or columns.version != data_version:
            try:
                columns = Columns(engine, data_version)
            except StaleRead:  # a load landed meanwhile: its version is newer, and so will be the next question's
                columns = Columns(engine, data_version)
            _current[key] = columns
            while len(_current) > MAX_DATABASES:
                _current.pop(next(iter(_current)))
            if len(columns.visits) >= WARM_FROM:
                threading.Thread(target=columns.warm, daemon=True, name="mmc-columns").start()
    return columns


SWITCH_WAIT = 1.0  # seconds a request waits for new data's columns before it is answered from those held
PREVIOUS_KEPT_S = 150.0  # the columns held before a switch, for requests begun before it (gunicorn's timeout: 120 s)
_previous: dict[str, Columns] = {}  # by engine URL: the columns held before the latest switch
_switching: dict[tuple, threading.Event] = {}  # (database, data version) being read for a switch -> set when read


def serving(engine: Engine, newest: tuple) -> tuple:
    """The data version this process answers from, given the newest loaded one.

    After a load, every process reads the new data's columns in the background (once) and keeps answering from the
    ones it holds until they are read (at ten million records, about 15 s); a request waits up to SWITCH_WAIT for
    them first, so small loads show at once. A process that holds none (just started) answers from the newest, and
    reads it on its first question, as before. The few figures read from the database directly (sex and age group
    of one camp) may show the new rows a few seconds before the rest."""
    if not ENABLED:
        return newest
    key = str(engine.url)
    held = _current.get(key)
    if held is None or held.version == newest:
        return newest
    with _lock:
        done = _switching.get((key, newest))
        if done is None:
            done = _switching[(key, newest)] = threading.Event()
            threading.Thread(target=_switch, args=(engine, newest, done), daemon=True, name="mmc-switch").start()
    if done.wait(SWITCH_WAIT) and _current.get(key) is not None and _current[key].version == newest:
        return newest
    return held.version


def _switch(engine: Engine, newest: tuple, done: threading.Event) -> None:
    """Read the columns of the newest data, each visit's syndromes too, then answer from them."""
    key = str(engine.url)
    try:
        try:
            columns = Columns(engine, newest)
        except StaleRead:  # yet newer data landed meanwhile: the next question starts its own switch
            return
        columns.by_syndrome()
        with _lock:
            held = _current.get(key)
            if held is not None and held.version != newest:
                _previous[key] = held
                # kept for the requests that began before the switch, then given back (at ten million records the
                # columns are about 120 MB: two sets must not stay in memory)
                timer = threading.Timer(PREVIOUS_KEPT_S, _forget_previous, args=(key, held))
                timer.daemon = True
                timer.start()
            _current[key] = columns
    except Exception as exc:  # the processes keep answering from what they hold; the next question tries again
        log.warning("reading the new data into memory failed: %s", exc)
    finally:
        done.set()
        with _lock:
            _switching.pop((key, newest), None)


def _forget_previous(key: str, held: Columns) -> None:
    with _lock:
        if _previous.get(key) is held:
            del _previous[key]


_reading: set = set()  # (database, data version) whose columns a background thread is reading for `state`


def state(engine: Engine, data_version: tuple) -> str:
    """Whether this process answers from memory: "ready" (the visits and each visit's syndromes are read), "off",
    or "reading" (then a read is started in the background if none is under way), for readiness checks: a worker
    that has just started answers slowly until it is ready. After a load, `serving` keeps it ready on the data it
    holds while it reads the new."""
    if not ENABLED:
        return "off"
    columns = _current.get(str(engine.url))
    if columns is not None and columns.version == data_version and columns._by_syndrome is not None:
        return "ready"
    key = (str(engine.url), data_version)
    with _lock:
        if key in _reading:
            return "reading"
        _reading.add(key)

    def read() -> None:
        try:
            read_columns = of(engine, data_version)
            if read_columns is not None:
                read_columns.by_syndrome()
        except Exception as exc:  # the next question reads them again and meets the error itself
            log.warning("reading the in-memory totals for a readiness check failed: %s", exc)
        finally:
            with _lock:
                _reading.discard(key)

    threading.Thread(target=read, daemon=True, name="mmc-columns-ready").start()
    return "reading"


def forget() -> None:
    """Drop every process's columns (tests; a data load makes them stale by itself)."""
    with _lock:
        _current.clear()
        _previous.clear()
