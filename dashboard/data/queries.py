"""Reading and writing the programme's data. Every function takes an engine and returns plain data."""

from __future__ import annotations

import datetime as dt
import fcntl
import secrets
import threading
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from sqlalchemy import Date, String, cast, delete, distinct, exists, func, insert, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from dashboard.data import columns
from dashboard.data.fields import CAMP_FIELDS, CLINIC_FIELDS, RECORD_COLUMNS
from dashboard.data.models import (
    Camp,
    CampPopulation,
    Clinic,
    Governorate,
    ImportBatch,
    RotaRow,
    ServiceRecord,
    SiteKey,
    SyndromeTotal,
    VisitTotal,
)
from dashboard.data.version import data_version, once_per_request, per_version
from dashboard.domain import periods
from dashboard.domain.filters import Filters
from dashboard.domain.messages import Message
from dashboard.domain.reference import GOVERNORATES


class DataError(RuntimeError):
    """A request the data cannot satisfy, with a message for the user."""


class LoadBusy(DataError):
    """Another load is writing to this database: loads run one at a time."""


@contextmanager
def exclusive_load(engine: Engine):
    """Hold this database's load lock while the block runs, or raise LoadBusy at once if another process (or thread)
    holds it. PostgreSQL: an advisory lock of the schema, released by the server if the process dies; SQLite: a lock
    on a file beside the database, released by the system if the process dies."""
    busy = LoadBusy(Message("Another load is running on this database: try again when it has finished."))
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            key = conn.scalar(text("SELECT hashtext(current_schema() || '.mmc-load')"))
            if not conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}):
                raise busy
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                conn.commit()
        return
    database = engine.url.database
    if not database or database == ":memory:":
        with _memory_lock(str(engine.url)) as got:
            if not got:
                raise busy
            yield
        return
    with open(f"{database}.load-lock", "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise busy from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_memory_locks: dict[str, threading.Lock] = {}


@contextmanager
def _memory_lock(name: str):
    lock = _memory_locks.setdefault(name, threading.Lock())
    got = lock.acquire(blocking=False)
    try:
        yield got
    finally:
        if got:
            lock.release()


@dataclass(frozen=True)
class DataStatus:
    has_data: bool
    is_demo: bool
    first_date: dt.date | None
    last_date: dt.date | None
    last_loaded_at: dt.datetime | None
    camps: int = 0  # camps and sites loaded
    units: int = 0  # MMCs and ambulances loaded

    @property
    def has_records(self) -> bool:
        """Whether any service record is loaded (camps and units may be loaded before them)."""
        return self.last_date is not None

    @property
    def missing(self) -> tuple[str, ...]:
        """What is still to load, in the order it is loaded: camps, clinics (the units), records."""
        return tuple(
            kind
            for kind, have in (("camps", self.camps), ("clinics", self.units), ("records", self.has_records))
            if not have
        )

    @property
    def whole(self) -> Filters | None:
        """Every day of the data, as filters; None before any record is loaded."""
        if self.first_date is None or self.last_date is None:
            return None
        return Filters(self.first_date, self.last_date)


@dataclass(frozen=True)
class LoadSummary:
    batch_id: int
    camps: int
    populations: int
    clinics: int
    records: int


# -- writing ---------------------------------------------------------------------------------------------------------


def ensure_reference(engine: Engine) -> None:
    """Insert the 18 governorates when they are missing."""
    with engine.begin() as conn:
        have = set(conn.scalars(select(Governorate.code)))
        rows = [
            dict(code=g.iso, pcode=g.pcode, name_en=g.name_en, name_ar=g.name_ar, name_ku=g.name_ku)
            for g in GOVERNORATES
            if g.iso not in have
        ]
        if rows:
            conn.execute(insert(Governorate), rows)


def _bulk_insert(conn: Connection, table: str, columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """Insert many rows fast: COPY on PostgreSQL, executemany on SQLite."""
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        assert raw is not None  # (a connection that is open has its driver's)
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in columns)
        conn.exec_driver_sql(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", list(rows))


def has_real_data(engine: Engine) -> bool:
    """Whether camps or units from an imported file (not the demo) are in the database."""
    real = select(ImportBatch.id).where(ImportBatch.is_demo.is_(False))
    with engine.connect() as conn:
        return bool(
            conn.scalar(select(exists().where(Camp.batch_id.in_(real))))
            or conn.scalar(select(exists().where(Clinic.batch_id.in_(real))))
        )


def ever_loaded(engine: Engine) -> bool:
    """Whether anything was ever loaded (the demo included): the demo is only created in a database that never was."""
    with engine.connect() as conn:
        return bool(conn.scalar(select(exists().where(ImportBatch.id.isnot(None)))))


def clear_programme_data(conn: Connection) -> None:
    """Delete every camp, clinic and record (governorates and the import history stay)."""
    for model in (RotaRow, VisitTotal, SyndromeTotal, ServiceRecord, CampPopulation, Camp, Clinic):
        conn.execute(delete(model))


def refresh_derived_totals(conn: Connection, start: dt.date | None = None, end: dt.date | None = None) -> None:
    """Recompute the derived totals (visit totals, syndrome totals) from the service records, for the days from
    `start` to `end` (all days when not given), in the caller's transaction."""
    where, params = "", {}
    if start is not None:
        assert end is not None, "a period needs both ends"
        where, params = "WHERE date >= :start AND date <= :end", {"start": start.isoformat(), "end": end.isoformat()}
    conn.execute(text(f"DELETE FROM visit_totals {where}"), params)
    conn.execute(
        text(
            "INSERT INTO visit_totals (date, clinic_id, camp_id, consultations, referrals, records, reported_on) "
            "SELECT date, clinic_id, camp_id, sum(consultations), sum(referrals), count(*), min(reported_on) "
            "FROM service_records "
            f"{where} GROUP BY date, clinic_id, camp_id"
        ),
        params,
    )
    conn.execute(text(f"DELETE FROM syndrome_totals {where}"), params)
    conn.execute(
        text(
            "INSERT INTO syndrome_totals (date, governorate, syndrome, sex, age_group, consultations, referrals) "
            "SELECT date, governorate, syndrome, sex, age_group, sum(consultations), sum(referrals) FROM ("
            "SELECT r.date, c.governorate, r.syndrome, r.sex, r.age_group, r.consultations, r.referrals "
            f"FROM service_records r JOIN camps c ON c.id = r.camp_id) AS records {where} "
            "GROUP BY date, governorate, syndrome, sex, age_group"
        ),
        params,
    )


def load_dataset(
    engine: Engine, dataset, created_by: str = "demo", progress: Callable[[int], None] | None = None
) -> LoadSummary:
    """Replace the demo data with a generated dataset, in one transaction: all of it lands, or nothing does."""
    if has_real_data(engine):
        raise DataError("The database holds imported data; the demo data is only loaded into a database without it.")
    ensure_reference(engine)
    with exclusive_load(engine), engine.begin() as conn:
        clear_programme_data(conn)
        batch_id = conn.execute(
            insert(ImportBatch).returning(ImportBatch.id),
            dict(
                kind="demo",
                source=f"demo scale={dataset.scale} seed={dataset.seed}",
                sha256=None,
                created_at=dt.datetime.now(dt.UTC),
                created_by=created_by,
                rows_added=0,
                rows_replaced=0,
                rows_rejected=0,
                is_demo=True,
            ),
        ).scalar_one()
        camps = dataset.camps.assign(batch_id=batch_id)
        conn.execute(
            insert(Camp),
            [
                dict(
                    code=r.camp_code,
                    name=r.camp_name,
                    name_ar=getattr(r, "camp_name_ar", None),
                    name_ku=getattr(r, "camp_name_ku", None),
                    governorate=r.governorate,
                    district=r.district,
                    latitude=r.latitude,
                    longitude=r.longitude,
                    site_type=r.site_type,
                    position_approximate=bool(r.position_approximate),
                    batch_id=batch_id,
                )
                for r in camps.itertuples(index=False)
            ],
        )
        camp_ids = dict(conn.execute(select(Camp.code, Camp.id)).all())
        conn.execute(
            insert(Clinic),
            [
                dict(
                    code=r.clinic_code,
                    name=r.clinic_name,
                    unit_type=r.unit_type,
                    partner=r.partner,
                    governorate=r.governorate,
                    base_latitude=r.base_latitude,
                    base_longitude=r.base_longitude,
                    clinicians=int(r.clinicians),
                    active_from=r.active_from,
                    active_to=r.active_to,
                    batch_id=batch_id,
                )
                for r in dataset.clinics.itertuples(index=False)
            ],
        )
        clinic_ids = dict(conn.execute(select(Clinic.code, Clinic.id)).all())
        pops = dataset.populations
        _bulk_insert(
            conn,
            "camp_populations",
            ("camp_id", "population_date", "population"),
            zip(
                pops["camp_code"].map(camp_ids).tolist(),
                [d.isoformat() for d in pops["population_date"]],
                pops["population"].astype(int).tolist(),
                strict=True,
            ),
        )
        n_records = 0
        for chunk in dataset.records:
            rows = zip(
                [d.isoformat() for d in chunk["date"]],
                chunk["clinic_code"].map(clinic_ids).tolist(),
                chunk["camp_code"].map(camp_ids).tolist(),
                chunk["syndrome"].tolist(),
                chunk["sex"].tolist(),
                chunk["age_group"].tolist(),
                chunk["consultations"].astype(int).tolist(),
                chunk["referrals"].astype(int).tolist(),
                [batch_id] * len(chunk),
                # a dataset that does not say when its records were reported: on the visit's day
                [d.isoformat() for d in chunk["reported_on" if "reported_on" in chunk else "date"]],
                strict=True,
            )
            _bulk_insert(conn, "service_records", RECORD_COLUMNS, rows)
            n_records += len(chunk)
            if progress:
                progress(n_records)
        rota = pd.concat(dataset.rota, ignore_index=True) if dataset.rota else pd.DataFrame()
        if len(rota):  # (filled as the records were read)
            _bulk_insert(
                conn,
                "rota",
                ("clinic_id", "camp_id", "weekdays", "valid_from", "valid_to", "dated", "batch_id"),
                zip(
                    rota["clinic_code"].map(clinic_ids).tolist(),
                    rota["camp_code"].map(camp_ids).tolist(),
                    rota["weekdays"].astype(int).tolist(),
                    [d.isoformat() for d in rota["valid_from"]],
                    [d.isoformat() for d in rota["valid_to"]],
                    [False] * len(rota),
                    [batch_id] * len(rota),
                    strict=True,
                ),
            )
        refresh_derived_totals(conn)
        total = len(camps) + len(pops) + len(dataset.clinics) + n_records + len(rota)
        conn.execute(update(ImportBatch).where(ImportBatch.id == batch_id).values(rows_added=total))
    if engine.dialect.name == "postgresql":  # the planner's statistics of the tables just filled, and only them (a
        # bare ANALYZE walks every schema of the database, and deadlocked with another schema's DDL)
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "ANALYZE camps, camp_populations, clinics, service_records, visit_totals, syndrome_totals, rota"
            )
    return LoadSummary(batch_id, len(camps), len(pops), len(dataset.clinics), n_records)


# -- reading ---------------------------------------------------------------------------------------------------------


def _frame(rows: Sequence, columns: Sequence[str]) -> pd.DataFrame:
    """Query rows as a DataFrame, column by column: ten times faster than handing pandas the row objects."""
    if not rows:
        return pd.DataFrame(columns=list(columns))
    return pd.DataFrame(dict(zip(columns, map(list, zip(*rows, strict=True)), strict=True)))


def data_status(engine: Engine) -> DataStatus:
    """What is loaded: whether there is data, whether it is the demo, its date range and when it was loaded. Read
    again only when the data's version changes (six queries; a page asks at least once)."""
    return once_per_request(engine, "status", _read_data_status)


@per_version
def _read_data_status(engine: Engine) -> DataStatus:
    with engine.connect() as conn:
        # Two queries: each reads one end of the date index; one query with both would scan every row (SQLite).
        first = conn.scalar(select(func.min(VisitTotal.date, type_=Date)))
        last = conn.scalar(select(func.max(VisitTotal.date, type_=Date)))
        batch = conn.execute(
            select(ImportBatch.is_demo, ImportBatch.created_at)
            .where(ImportBatch.status == "loaded")
            .order_by(ImportBatch.created_at.desc())
            .limit(1)
        ).first()
        n_camps = conn.scalar(select(func.count()).select_from(Camp))
        n_units = conn.scalar(select(func.count()).select_from(Clinic))
        is_demo = bool(
            conn.scalar(
                select(func.count())
                .select_from(Camp)
                .join(ImportBatch, Camp.batch_id == ImportBatch.id)
                .where(ImportBatch.is_demo.is_(True))
            )
        )
    return DataStatus(
        has_data=bool(n_camps or first),
        is_demo=is_demo,
        first_date=first,
        last_date=last,
        last_loaded_at=batch.created_at if batch else None,
        camps=int(n_camps or 0),
        units=int(n_units or 0),
    )


def _in_memory(engine: Engine, f: Filters, dims: Sequence[str] = ()) -> columns.Columns | None:
    """The data's columns in memory (data.columns), which answer most questions without a scan; None when they are
    off or cannot answer yet."""
    cols = columns.of(engine, data_version(engine)) if columns.ENABLED else None
    return cols if cols is not None and cols.answers(f, dims) else None


def _source(f: Filters, dims: Sequence[str] = ()):
    """What a query reads: the visit totals, unless a syndrome is chosen or asked for by sex, age or syndrome."""
    if f.syndrome or set(dims) & {"syndrome", "sex", "age_group"}:
        return ServiceRecord
    return VisitTotal


def _scope(stmt, f: Filters, camp_joined: bool = False, syndrome: bool = True, source=ServiceRecord):
    """Restrict a statement on `source` (service records or visit totals) to the filters' period, governorates (of
    the camp), camp, unit and syndrome."""
    stmt = stmt.where(source.date >= f.start, source.date <= f.end)
    if (f.governorates or f.camp) and not camp_joined:
        stmt = stmt.join(Camp, Camp.id == source.camp_id)
    if f.governorates:
        stmt = stmt.where(Camp.governorate.in_(f.governorates))
    if f.camp:
        stmt = stmt.where(Camp.code == f.camp)
    if f.clinic:
        stmt = stmt.where(source.clinic_id == select(Clinic.id).where(Clinic.code == f.clinic).scalar_subquery())
    if syndrome and f.syndrome:
        stmt = stmt.where(ServiceRecord.syndrome == f.syndrome)  # never with the visit totals: see _source
    return stmt


def _breakdowns(source) -> dict:
    return {
        "syndrome": ServiceRecord.syndrome,
        "sex": ServiceRecord.sex,
        "age_group": ServiceRecord.age_group,
        "camp_id": source.camp_id,
        "governorate": Camp.governorate,
    }


def daily_breakdown(engine: Engine, f: Filters, dims: Sequence[str]) -> pd.DataFrame:
    """Consultations and referrals per day and per each of `dims` (governorate, syndrome, sex, age_group, camp_id),
    aggregated in the database."""
    if cols := _in_memory(engine, f, dims):
        return cols.daily(f, dims)
    detailed = f.syndrome or set(dims) & {"syndrome", "sex", "age_group"}
    if detailed and not f.camp and not f.clinic and set(dims) <= {"governorate", "syndrome", "sex", "age_group"}:
        return _syndrome_breakdown(engine, f, dims)
    R = _source(f, dims)
    columns = [_breakdowns(R)[d] for d in dims]
    stmt = _scope(
        select(R.date, *columns, func.sum(R.consultations), func.sum(R.referrals)).join(Camp, Camp.id == R.camp_id),
        f,
        camp_joined=True,
        source=R,
    ).group_by(R.date, *columns)
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return _daily_frame(rows, dims)


def weekly_breakdown(engine: Engine, f: Filters, dims: Sequence[str], first_day: int = 0) -> pd.DataFrame:
    """daily_breakdown summed by week, each dated by its first day (0 Monday to 6 Sunday): far fewer rows for long
    periods. Only the period's own days are counted in the weeks it cuts."""
    if cols := _in_memory(engine, f, dims):
        return cols.daily(f, dims, week_first_day=first_day)
    daily = daily_breakdown(engine, f, dims)
    daily["date"] = periods.week_start(daily["date"], first_day).astype(daily["date"].dtype)
    weekly = daily.groupby(["date", *dims], as_index=False, sort=True)[["consultations", "referrals"]].sum()
    return weekly.astype({"consultations": "int64", "referrals": "int64"})


def _syndrome_breakdown(engine: Engine, f: Filters, dims: Sequence[str]) -> pd.DataFrame:
    """daily_breakdown from the syndrome totals: by syndrome, sex or age group with no camp or unit chosen."""
    S = SyndromeTotal
    columns = [getattr(S, d) for d in dims]
    stmt = select(S.date, *columns, func.sum(S.consultations), func.sum(S.referrals)).where(
        S.date >= f.start, S.date <= f.end
    )
    if f.governorates:
        stmt = stmt.where(S.governorate.in_(f.governorates))
    if f.syndrome:
        stmt = stmt.where(S.syndrome == f.syndrome)
    with engine.connect() as conn:
        rows = conn.execute(stmt.group_by(S.date, *columns)).all()
    return _daily_frame(rows, dims)


def _daily_frame(rows, dims: Sequence[str]) -> pd.DataFrame:
    frame = _frame(rows, ["date", *dims, "consultations", "referrals"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.astype({"consultations": "int64", "referrals": "int64"})


def period_totals(engine: Engine, f: Filters) -> dict:
    """Consultations, referrals, visits, camps reached and active units for the filters (as docs/formats.md defines
    them)."""
    if cols := _in_memory(engine, f):
        return cols.period_totals(f)
    R = _source(f)
    sums = _scope(
        select(func.coalesce(func.sum(R.consultations), 0), func.coalesce(func.sum(R.referrals), 0)), f, source=R
    )
    visits = _scope(select(R.date, R.clinic_id, R.camp_id).distinct(), f, source=R).subquery()
    with engine.connect() as conn:
        consultations, referrals = conn.execute(sums).one()
        n_visits, camps, units = conn.execute(
            select(func.count(), func.count(distinct(visits.c.camp_id)), func.count(distinct(visits.c.clinic_id)))
        ).one()
    return dict(
        consultations=int(consultations),
        referrals=int(referrals),
        visits=int(n_visits),
        camps_visited=int(camps),
        active_units=int(units),
    )


def totals_by_governorate(engine: Engine, f: Filters) -> pd.DataFrame:
    """The period totals for each governorate (of the camp): consultations, referrals, visits, camps_visited,
    active_units. Governorates without a record are absent."""
    if cols := _in_memory(engine, f):
        return cols.totals_by_governorate(f)
    R = _source(f)
    sums = _scope(
        select(Camp.governorate, func.sum(R.consultations), func.sum(R.referrals)).join(Camp, Camp.id == R.camp_id),
        f,
        camp_joined=True,
        source=R,
    ).group_by(Camp.governorate)
    visits = (
        _scope(
            select(Camp.governorate, R.date, R.clinic_id, R.camp_id).join(Camp, Camp.id == R.camp_id),
            f,
            camp_joined=True,
            source=R,
        )
        .distinct()
        .subquery()
    )
    counts = select(
        visits.c.governorate,
        func.count(),
        func.count(distinct(visits.c.camp_id)),
        func.count(distinct(visits.c.clinic_id)),
    ).group_by(visits.c.governorate)
    with engine.connect() as conn:
        a = _frame(conn.execute(sums).all(), ["governorate", "consultations", "referrals"])
        b = _frame(conn.execute(counts).all(), ["governorate", "visits", "camps_visited", "active_units"])
    out = a.merge(b, on="governorate", how="outer").fillna(0)
    counted = ["consultations", "referrals", "visits", "camps_visited", "active_units"]
    return out.astype(dict.fromkeys(counted, "int64")).sort_values("governorate", ignore_index=True)


def camps_in_period(engine: Engine, f: Filters) -> pd.DataFrame:
    """Every camp of the filters' governorates with its visits, consultations (of the syndrome, when one is chosen)
    and units in the period, and its last visit on or before the end. A visit is a visit whatever the syndrome."""
    if cols := _in_memory(engine, f):
        return cols.camps_in_period(f)
    R = _source(f)
    in_period = (
        _scope(
            select(R.camp_id, func.sum(R.consultations).label("consultations")), replace(f, governorates=()), source=R
        )
        .group_by(R.camp_id)
        .subquery()
    )
    distinct_visits = (
        select(VisitTotal.date, VisitTotal.clinic_id, VisitTotal.camp_id)
        .where(VisitTotal.date >= f.start, VisitTotal.date <= f.end)
        .subquery()
    )
    visits = (
        select(
            distinct_visits.c.camp_id,
            func.count().label("visits"),
            func.count(distinct(distinct_visits.c.clinic_id)).label("units"),
        )
        .group_by(distinct_visits.c.camp_id)
        .subquery()
    )
    last = (
        select(VisitTotal.camp_id, func.max(VisitTotal.date, type_=Date).label("last_visit"))
        .where(VisitTotal.date <= f.end)
        .group_by(VisitTotal.camp_id)
        .subquery()
    )
    stmt = (
        select(
            *CAMP_FIELDS.values(),
            func.coalesce(visits.c.visits, 0),
            func.coalesce(visits.c.units, 0),
            func.coalesce(in_period.c.consultations, 0),
            last.c.last_visit,
        )
        .outerjoin(in_period, in_period.c.camp_id == Camp.id)
        .outerjoin(visits, visits.c.camp_id == Camp.id)
        .outerjoin(last, last.c.camp_id == Camp.id)
        .order_by(Camp.id)
    )
    if f.governorates:
        stmt = stmt.where(Camp.governorate.in_(f.governorates))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    frame = _frame(rows, [*CAMP_FIELDS, "visits", "units", "consultations", "last_visit"])
    return frame.astype({"visits": "int64", "units": "int64", "consultations": "int64"})


def camp_places(engine: Engine) -> pd.DataFrame:
    """Every camp's id, position and names (name; name_ar and name_ku, None where the camps file gave none), ordered
    by id: what a map needs of a camp whatever the filters, and each camp's name in each language."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Camp.id, Camp.longitude, Camp.latitude, Camp.name, Camp.name_ar, Camp.name_ku).order_by(Camp.id)
        ).all()
    return _frame(rows, ["camp_id", "longitude", "latitude", "name", "name_ar", "name_ku"])


def population_history(engine: Engine) -> pd.DataFrame:
    """Every camp's population rows: camp_id, population_date (as timestamps), population."""
    with engine.connect() as conn:  # dates as text: parsing 'YYYY-MM-DD' in bulk is 50 times faster than date objects
        rows = conn.execute(
            select(CampPopulation.camp_id, cast(CampPopulation.population_date, String), CampPopulation.population)
        ).all()
    frame = _frame(rows, ["camp_id", "population_date", "population"])
    frame["population_date"] = pd.to_datetime(np.asarray(frame["population_date"].tolist(), dtype="datetime64[D]"))
    return frame


def units_by_governorate(engine: Engine, f: Filters) -> pd.DataFrame:
    """Units with at least one visit in the period, counted by governorate and type: no positions, no dates."""
    if cols := _in_memory(engine, f):
        return cols.units_by_governorate(f)
    active = (
        select(VisitTotal.clinic_id).distinct().where(VisitTotal.date >= f.start, VisitTotal.date <= f.end).subquery()
    )
    stmt = (
        select(Clinic.governorate, Clinic.unit_type, func.count())
        .join(active, active.c.clinic_id == Clinic.id)
        .group_by(Clinic.governorate, Clinic.unit_type)
    )
    if f.governorates:
        stmt = stmt.where(Clinic.governorate.in_(f.governorates))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return _frame(rows, ["governorate", "unit_type", "units"])


NAME_COLUMNS = {"en": 0, "ar": 1, "ckb": 2}  # a language's code: its place in _read_governorate_names' tuples


def governorate_names(engine: Engine, language: str = "en") -> dict[str, str]:
    """Each governorate's name in `language` (en, ar or ckb; English where the database has none in it)."""
    at = NAME_COLUMNS.get(language, 0)
    # a new dict: callers may change it
    return {code: names[at] or names[0] for code, names in once_per_request(engine, "names", _read_names).items()}


def _read_names(engine: Engine) -> dict[str, tuple[str, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(select(Governorate.code, Governorate.name_en, Governorate.name_ar, Governorate.name_ku))
        return {code: (en, ar, ku) for code, en, ar, ku in rows.all()}


def clinics_in_period(engine: Engine, f: Filters) -> pd.DataFrame:
    """Every unit with its base, its visits, camps served, visit days and consultations in the period, and its
    last visit on or before the end. Coordinators only: bases and dates are sensitive."""
    if cols := _in_memory(engine, f):
        return cols.clinics_in_period(f)
    visits = (
        select(VisitTotal.date, VisitTotal.clinic_id, VisitTotal.camp_id)
        .where(VisitTotal.date >= f.start, VisitTotal.date <= f.end)
        .subquery()
    )
    per_clinic = (
        select(
            visits.c.clinic_id,
            func.count().label("visits"),
            func.count(distinct(visits.c.camp_id)).label("camps_served"),
            func.count(distinct(visits.c.date)).label("visit_days"),
        )
        .group_by(visits.c.clinic_id)
        .subquery()
    )
    sums = (
        select(VisitTotal.clinic_id, func.sum(VisitTotal.consultations).label("consultations"))
        .where(VisitTotal.date >= f.start, VisitTotal.date <= f.end)
        .group_by(VisitTotal.clinic_id)
        .subquery()
    )
    last = (
        select(VisitTotal.clinic_id, func.max(VisitTotal.date, type_=Date).label("last_visit"))
        .where(VisitTotal.date <= f.end)
        .group_by(VisitTotal.clinic_id)
        .subquery()
    )
    stmt = (
        select(
            *CLINIC_FIELDS.values(),
            func.coalesce(per_clinic.c.visits, 0),
            func.coalesce(per_clinic.c.camps_served, 0),
            func.coalesce(per_clinic.c.visit_days, 0),
            func.coalesce(sums.c.consultations, 0),
            last.c.last_visit,
        )
        .outerjoin(per_clinic, per_clinic.c.clinic_id == Clinic.id)
        .outerjoin(sums, sums.c.clinic_id == Clinic.id)
        .outerjoin(last, last.c.clinic_id == Clinic.id)
        .order_by(Clinic.unit_type.desc(), Clinic.code)
    )
    if f.governorates:
        stmt = stmt.where(Clinic.governorate.in_(f.governorates))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    frame = _frame(rows, [*CLINIC_FIELDS, "visits", "camps_served", "visit_days", "consultations", "last_visit"])
    return frame.astype({"visits": "int64", "camps_served": "int64", "visit_days": "int64", "consultations": "int64"})


def camp_units(engine: Engine, f: Filters) -> pd.DataFrame:
    """Which units visited which camp in the period: camp_id, clinic code, clinic name, visits."""
    if cols := _in_memory(engine, f):
        return cols.camp_units(f)
    visits = (
        select(VisitTotal.date, VisitTotal.clinic_id, VisitTotal.camp_id)
        .where(VisitTotal.date >= f.start, VisitTotal.date <= f.end)
        .subquery()
    )
    stmt = (
        select(visits.c.camp_id, Clinic.code, Clinic.name, func.count())
        .join(Clinic, Clinic.id == visits.c.clinic_id)
        .group_by(visits.c.camp_id, Clinic.code, Clinic.name)
        .order_by(visits.c.camp_id, Clinic.code)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return _frame(rows, ["camp_id", "clinic_code", "clinic_name", "visits"])


def visit_list(engine: Engine, f: Filters) -> pd.DataFrame:
    """Every visit in the period of the filters' governorates (of the camp), camp and unit, whatever the syndrome:
    date, clinic_id, camp_id and reported_on (the day its first record was reported), ordered by date, unit, camp."""
    f = replace(f, syndrome=None)
    if cols := _in_memory(engine, f):
        return cols.visit_list(f)
    V = VisitTotal
    stmt = _scope(select(V.date, V.clinic_id, V.camp_id, V.reported_on), f, source=V).order_by(
        V.date, V.clinic_id, V.camp_id
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    frame = _frame(rows, ["date", "clinic_id", "camp_id", "reported_on"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["reported_on"] = pd.to_datetime(frame["reported_on"])
    return frame.astype({"clinic_id": "int64", "camp_id": "int64"})


def rota_rows(engine: Engine) -> pd.DataFrame:
    """Every row of the rota: unit and camp ids, weekdays (a mask, bit 0 Monday), valid_from, valid_to (NaT: open),
    whether the row is one dated visit, and its unit's active_from and active_to (NaT: not known, or still active)."""
    stmt = (
        select(
            RotaRow.clinic_id,
            RotaRow.camp_id,
            RotaRow.weekdays,
            RotaRow.valid_from,
            RotaRow.valid_to,
            RotaRow.dated,
            Clinic.active_from,
            Clinic.active_to,
        )
        .join(Clinic, Clinic.id == RotaRow.clinic_id)
        .order_by(RotaRow.clinic_id, RotaRow.camp_id, RotaRow.valid_from)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    columns_ = ["clinic_id", "camp_id", "weekdays", "valid_from", "valid_to", "dated", "active_from", "active_to"]
    frame = _frame(rows, columns_)
    for column in ("valid_from", "valid_to", "active_from", "active_to"):
        frame[column] = pd.to_datetime(frame[column])
    return frame.astype({"clinic_id": "int64", "camp_id": "int64", "weekdays": "int64", "dated": bool})


def names_by_id(engine: Engine) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every camp (code, name, governorate) and every unit (code, name, unit_type, governorate), indexed by id."""
    with engine.connect() as conn:
        camps = conn.execute(select(Camp.id, Camp.code, Camp.name, Camp.governorate).order_by(Camp.id)).all()
        units = conn.execute(
            select(Clinic.id, Clinic.code, Clinic.name, Clinic.unit_type, Clinic.governorate).order_by(Clinic.id)
        ).all()
    return (
        _frame(camps, ["camp_id", "code", "name", "governorate"]).set_index("camp_id"),
        _frame(units, ["clinic_id", "code", "name", "unit_type", "governorate"]).set_index("clinic_id"),
    )


def has_rota(engine: Engine) -> bool:
    """Whether any visit plan is loaded."""
    with engine.connect() as conn:
        return bool(conn.scalar(select(exists().where(RotaRow.id.is_not(None)))))


def site_key(engine: Engine, name: str) -> str:
    """This database's secret named `name`: made at random the first time it is asked for, then the same for every
    server process that uses the database. Never shown to anyone."""
    with engine.connect() as conn:
        value = conn.scalar(select(SiteKey.value).where(SiteKey.name == name))
    if value is not None:
        return value
    try:
        with engine.begin() as conn:
            conn.execute(insert(SiteKey).values(name=name, value=secrets.token_hex(32)))
    except IntegrityError:  # another process made it first: theirs is the one
        pass
    with engine.connect() as conn:
        made = conn.scalar(select(SiteKey.value).where(SiteKey.name == name))
    if made is None:
        raise DataError(f"the database's secret {name!r} could not be made")
    return made
