"""Writing checked files into the database, the import history, loaded boundaries and data exports.

Every load runs in one transaction: all of a file lands, or none of it. Rows replace earlier rows with the same key
(docs/formats.md), so loading a file twice never counts anything twice. The first real file removes the demo data.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import bindparam, delete, exists, func, insert, select, text, update
from sqlalchemy.engine import Connection, Engine

from dashboard.data.fields import RECORD_COLUMNS
from dashboard.data.models import BoundarySet, Camp, CampPopulation, Clinic, ImportBatch, RotaRow, ServiceRecord
from dashboard.data.queries import (
    _bulk_insert,
    clear_programme_data,
    exclusive_load,
    refresh_derived_totals,
)
from dashboard.domain.weekdays import weekday_names

Progress = Callable[[str, int, int], None]  # (phase, done, total)
CHUNK = 100_000
RECORD_KEY = ("date", "clinic_id", "camp_id", "syndrome", "sex", "age_group")
HISTORY_COLUMNS = (
    "id",
    "created_at",
    "created_by",
    "kind",
    "source",
    "sha256",
    "status",
    "rows_added",
    "rows_replaced",
    "rows_rejected",
    "note",
)


@dataclass(frozen=True)
class LoadResult:
    batch_id: int
    kind: str
    added: int
    replaced: int
    removed_demo: bool


def known_codes(engine: Engine) -> tuple[dict[str, str], dict[str, str]]:
    """The units and camps the database holds, each code with its name: service records must name one of each."""
    with engine.connect() as conn:
        clinics = dict(conn.execute(select(Clinic.code, Clinic.name)).all())
        camps = dict(conn.execute(select(Camp.code, Camp.name)).all())
    return clinics, camps


def holds_demo(conn: Connection) -> bool:
    """Whether demo camps or units are in the database (the demo's history alone does not count)."""
    demo = select(ImportBatch.id).where(ImportBatch.is_demo.is_(True))
    return bool(
        conn.scalar(select(exists().where(Camp.batch_id.in_(demo))))
        or conn.scalar(select(exists().where(Clinic.batch_id.in_(demo))))
    )


def _new_batch(conn: Connection, kind: str, source: str, sha256: str | None, created_by: str, **values) -> int:
    return conn.execute(
        insert(ImportBatch).returning(ImportBatch.id),
        dict(
            kind=kind,
            source=source[:255],
            sha256=sha256,
            created_at=dt.datetime.now(dt.UTC),
            created_by=created_by[:64],
            rows_added=values.get("rows_added", 0),
            rows_replaced=0,
            rows_rejected=values.get("rows_rejected", 0),
            is_demo=False,
            status=values.get("status", "loaded"),
            note=(values.get("note") or None) and values["note"][:255],
            job=values.get("job"),
        ),
    ).scalar_one()


def batch_of_job(engine: Engine, job: str) -> dict | None:
    """The loaded batch of a data page upload, if it was loaded (its id and counts)."""
    with engine.connect() as conn:
        row = conn.execute(
            select(ImportBatch.id, ImportBatch.rows_added, ImportBatch.rows_replaced).where(ImportBatch.job == job)
        ).one_or_none()
    return None if row is None else {"batch": row.id, "added": row.rows_added, "replaced": row.rows_replaced}


def record_rejected(
    engine: Engine, kind: str, source: str, sha256: str, created_by: str, rejected: int, note: str | None = None
) -> int:
    """Note in the history a file that was refused (none of its rows were written): for its errors, or for `note`."""
    with engine.begin() as conn:
        return _new_batch(conn, kind, source, sha256, created_by, rows_rejected=rejected, status="rejected", note=note)


def load(
    engine: Engine,
    checked,
    *,
    source: str,
    sha256: str,
    created_by: str,
    progress: Progress | None = None,
    label: str | None = None,
    job: str | None = None,
) -> LoadResult:
    """Write a checked table (ingest.validate.Checked without errors) in one transaction and record it in the
    history, under `label` when the file was of another kind than its rows (a weekly sheet's records). A data page
    upload's `job` is recorded with it, once: loading the same upload again fails on the database's unique key."""
    if not checked.ok:
        raise ValueError("a file with errors is never written")
    progress = progress or (lambda *_: None)
    if checked.kind == "records":
        with records_load(engine, progress) as writing:
            writing.stage(checked.frame)
            progress("writing", checked.rows, checked.rows)
            return writing.commit(label or "records", source=source, sha256=sha256, created_by=created_by, job=job)
    with exclusive_load(engine), engine.begin() as conn:
        batch_id, removed_demo = _new_load(conn, label or checked.kind, source, sha256, created_by, job)
        writer = {"camps": _load_camps, "clinics": _load_clinics, "rota": _load_rota}[checked.kind]
        replaced = writer(conn, checked.frame, batch_id, progress)
        added = checked.rows - replaced
        _counted(conn, batch_id, added, replaced)
    return LoadResult(batch_id, checked.kind, added, replaced, removed_demo)


def _new_load(
    conn: Connection, kind: str, source: str, sha256: str, created_by: str, job: str | None
) -> tuple[int, bool]:
    """A load's entry in the history (its batch), the demo data removed first if the database holds it; and whether
    it did."""
    removed_demo = holds_demo(conn)
    if removed_demo:
        clear_programme_data(conn)
    return _new_batch(conn, kind, source, sha256, created_by, job=job), removed_demo


def _counted(conn: Connection, batch_id: int, added: int, replaced: int) -> None:
    conn.execute(update(ImportBatch).where(ImportBatch.id == batch_id).values(rows_added=added, rows_replaced=replaced))


@contextmanager
def records_load(engine: Engine, progress: Progress | None = None) -> Iterator[RecordsLoad]:
    """A load of records on a connection of its own, holding the database's load lock: what it stages is written by
    its `commit`, or by nothing (leaving the block without it rolls everything back)."""
    with exclusive_load(engine), engine.connect() as conn:
        yield RecordsLoad(conn, progress or (lambda *_: None))


class RecordsLoad:
    """A records file written as it is checked: each block of typed rows staged in a temporary table (`stage`),
    then, in one transaction, the records with the same keys replaced by them (`commit`). Only a block's rows are
    held at a time, however long the file."""

    def __init__(self, conn: Connection, progress: Progress):
        self.conn, self.progress = conn, progress
        self.clinic_ids = dict(conn.execute(select(Clinic.code, Clinic.id)).all())
        self.camp_ids = dict(conn.execute(select(Camp.code, Camp.id)).all())
        self.postgres = conn.dialect.name == "postgresql"
        self.rows = 0
        self.span: tuple[dt.date, dt.date] | None = None  # the staged rows' first and last days
        conn.exec_driver_sql("DROP TABLE IF EXISTS staging_records")
        conn.exec_driver_sql(
            "CREATE TEMP TABLE staging_records (date DATE, clinic_id INTEGER, camp_id INTEGER, syndrome VARCHAR(24), "
            "sex VARCHAR(8), age_group VARCHAR(8), consultations INTEGER, referrals INTEGER, batch_id INTEGER, "
            "reported_on DATE)" + (" ON COMMIT DROP" if self.postgres else "")
        )

    def stage(self, frame: pd.DataFrame) -> None:
        """Typed record rows (ingest.validate's, without errors), kept until `commit`."""
        if frame.empty:
            return
        reported = frame["reported_on"] if "reported_on" in frame else pd.Series(pd.NaT, index=frame.index)
        told_as_text = reported.dt.strftime("%Y-%m-%d").astype(object)
        told_as_text = told_as_text.where(reported.notna(), None)
        for start in range(0, len(frame), CHUNK):
            chunk = frame.iloc[start : start + CHUNK]
            rows = zip(
                chunk["date"].dt.strftime("%Y-%m-%d").tolist(),
                chunk["clinic_code"].map(self.clinic_ids).tolist(),
                chunk["camp_code"].map(self.camp_ids).tolist(),
                chunk["syndrome"].tolist(),
                chunk["sex"].tolist(),
                chunk["age_group"].tolist(),
                chunk["consultations"].tolist(),
                chunk["referrals"].tolist(),
                [None] * len(chunk),
                told_as_text.iloc[start : start + CHUNK].tolist(),
                strict=True,
            )
            _bulk_insert(self.conn, "staging_records", RECORD_COLUMNS, rows)
        first, last = frame["date"].min().date(), frame["date"].max().date()
        self.span = (first, last) if self.span is None else (min(self.span[0], first), max(self.span[1], last))
        self.rows += len(frame)

    def commit(self, kind: str, *, source: str, sha256: str, created_by: str, job: str | None) -> LoadResult:
        """Replace the records with the same keys as the staged rows by them, note the load in the history (as a
        file of `kind`), update the derived totals, and commit all of it at once."""
        conn, total = self.conn, self.rows
        batch_id, removed_demo = _new_load(conn, kind, source, sha256, created_by, job)
        self.progress("saving", total, total)
        replaced = 0
        if self.span is not None:
            replaced = self._replace(batch_id, *self.span)
            self.progress("summarising", total, total)
            refresh_derived_totals(conn, *self.span)
        _counted(conn, batch_id, total - replaced, replaced)
        if not self.postgres:
            conn.exec_driver_sql("DROP TABLE staging_records")
        conn.commit()
        if self.postgres and total > 10_000:
            conn.exec_driver_sql("ANALYZE service_records")
            conn.commit()
        return LoadResult(batch_id, "records", total - replaced, replaced, removed_demo)

    def _replace(self, batch_id: int, first: dt.date, last: dt.date) -> int:
        """Delete the records with the staged rows' keys, then insert the staged rows in key order; how many were
        deleted."""
        conn = self.conn
        _keep_first_report(conn, first, last)
        key = ", ".join(RECORD_KEY)
        if self.postgres:  # a delete and an insert: a third faster than an upsert that rewrites every row it finds
            joined = " AND ".join(f"r.{c} = s.{c}" for c in RECORD_KEY)
            deleted = conn.exec_driver_sql(f"DELETE FROM service_records r USING staging_records s WHERE {joined}")
        else:
            deleted = conn.exec_driver_sql(
                f"DELETE FROM service_records WHERE ({key}) IN (SELECT {key} FROM staging_records)"
            )
        columns = ", ".join(RECORD_COLUMNS)
        chosen = ", ".join(f"{int(batch_id)} AS batch_id" if c == "batch_id" else c for c in RECORD_COLUMNS)
        conn.exec_driver_sql(
            f"INSERT INTO service_records ({columns}) SELECT {chosen} FROM staging_records ORDER BY {key}"
        )
        return int(deleted.rowcount)


def _text_or_none(value) -> str | None:
    return None if value is None or pd.isna(value) or value == "" else str(value)


def _date_or_none(value) -> dt.date | None:
    return None if pd.isna(value) else value.date()


def _load_camps(conn: Connection, frame: pd.DataFrame, batch_id: int, progress: Progress) -> int:
    ordered = frame.sort_values("population_date", kind="stable")
    latest = ordered.drop_duplicates("camp_code", keep="last")
    for column in ("camp_name_ar", "camp_name_ku"):  # a name in another language given on any of the camp's rows
        if column in ordered:
            given = ordered.dropna(subset=[column]).drop_duplicates("camp_code", keep="last")
            latest = latest.assign(**{column: latest["camp_code"].map(given.set_index("camp_code")[column])})
    existing = conn.execute(select(Camp.code, Camp.id, Camp.governorate)).all()
    ids = {code: camp_id for code, camp_id, _gov in existing}
    governorates = {code: gov for code, _id, gov in existing}
    rows = [
        dict(
            b_code=r.camp_code,
            name=r.camp_name,
            name_ar=_text_or_none(getattr(r, "camp_name_ar", None)),
            name_ku=_text_or_none(getattr(r, "camp_name_ku", None)),
            governorate=r.governorate,
            district=_text_or_none(r.district),
            latitude=float(r.latitude),
            longitude=float(r.longitude),
            site_type=r.site_type,
            position_approximate=False,
            batch_id=batch_id,
        )
        for r in latest.itertuples(index=False)
    ]
    new = [{("code" if k == "b_code" else k): v for k, v in r.items()} for r in rows if r["b_code"] not in ids]
    old = [r for r in rows if r["b_code"] in ids]
    if new:
        conn.execute(insert(Camp), new)
    if old:
        columns: dict[str, object] = {k: bindparam(k) for k in old[0] if k != "b_code"}
        conn.execute(update(Camp).where(Camp.code == bindparam("b_code")).values(**columns), old)
        if any(r["governorate"] != governorates[r["b_code"]] for r in old):
            progress("summarising", len(frame), len(frame))
            refresh_derived_totals(conn)  # the syndrome totals count a camp's records in its governorate
    ids = dict(conn.execute(select(Camp.code, Camp.id)).all())
    pairs = [(ids[code], d.date()) for code, d in zip(frame["camp_code"], frame["population_date"], strict=True)]
    have = set(
        conn.execute(
            select(CampPopulation.camp_id, CampPopulation.population_date).where(
                CampPopulation.camp_id.in_({camp_id for camp_id, _ in pairs})
            )
        ).all()
    )
    replaced = [dict(b_camp=c, b_date=d) for c, d in pairs if (c, d) in have]
    if replaced:
        conn.execute(
            delete(CampPopulation).where(
                CampPopulation.camp_id == bindparam("b_camp"), CampPopulation.population_date == bindparam("b_date")
            ),
            replaced,
        )
    conn.execute(
        insert(CampPopulation),
        [
            dict(camp_id=c, population_date=d, population=int(p))
            for (c, d), p in zip(pairs, frame["population"], strict=True)
        ],
    )
    progress("writing", len(frame), len(frame))
    return len(replaced)


def _load_clinics(conn: Connection, frame: pd.DataFrame, batch_id: int, progress: Progress) -> int:
    ids = dict(conn.execute(select(Clinic.code, Clinic.id)).all())
    rows = [
        dict(
            b_code=r.clinic_code,
            name=r.clinic_name,
            unit_type=r.unit_type,
            partner=_text_or_none(r.partner),
            governorate=r.governorate,
            base_latitude=float(r.base_latitude),
            base_longitude=float(r.base_longitude),
            clinicians=int(r.clinicians),
            active_from=_date_or_none(r.active_from),
            active_to=_date_or_none(r.active_to),
            batch_id=batch_id,
        )
        for r in frame.itertuples(index=False)
    ]
    new = [{("code" if k == "b_code" else k): v for k, v in r.items()} for r in rows if r["b_code"] not in ids]
    old = [r for r in rows if r["b_code"] in ids]
    if new:
        conn.execute(insert(Clinic), new)
    if old:
        columns: dict[str, object] = {k: bindparam(k) for k in old[0] if k != "b_code"}
        conn.execute(update(Clinic).where(Clinic.code == bindparam("b_code")).values(**columns), old)
    progress("writing", len(frame), len(frame))
    return len(old)


def _keep_first_report(conn: Connection, first: dt.date, last: dt.date) -> None:
    """The staged records that do not say when they were reported: reported when their key was first loaded (a row
    loaded again keeps its day), else today."""
    overlaps = conn.scalar(
        select(exists().where(ServiceRecord.date >= first, ServiceRecord.date <= last)),
    )
    if overlaps:
        same = " AND ".join(f"r.{c} = staging_records.{c}" for c in RECORD_KEY)
        conn.exec_driver_sql(
            f"UPDATE staging_records SET reported_on = (SELECT r.reported_on FROM service_records r WHERE {same}) "
            "WHERE reported_on IS NULL"
        )
    conn.execute(
        text("UPDATE staging_records SET reported_on = :today WHERE reported_on IS NULL"),
        {"today": dt.date.today().isoformat()},
    )


def _load_rota(conn: Connection, frame: pd.DataFrame, batch_id: int, progress: Progress) -> int:
    """Rota rows, replacing those of the same unit, camp and first day."""
    clinic_ids = dict(conn.execute(select(Clinic.code, Clinic.id)).all())
    camp_ids = dict(conn.execute(select(Camp.code, Camp.id)).all())
    rows = [
        dict(
            clinic_id=clinic_ids[r.clinic_code],
            camp_id=camp_ids[r.camp_code],
            weekdays=int(r.weekdays),
            valid_from=r.valid_from.date(),
            valid_to=_date_or_none(r.valid_to),
            dated=bool(r.dated),
            batch_id=batch_id,
        )
        for r in frame.itertuples(index=False)
    ]
    have = set(conn.execute(select(RotaRow.clinic_id, RotaRow.camp_id, RotaRow.valid_from)).all())
    old = [
        dict(b_clinic=r["clinic_id"], b_camp=r["camp_id"], b_from=r["valid_from"])
        for r in rows
        if (r["clinic_id"], r["camp_id"], r["valid_from"]) in have
    ]
    if old:
        conn.execute(
            delete(RotaRow).where(
                RotaRow.clinic_id == bindparam("b_clinic"),
                RotaRow.camp_id == bindparam("b_camp"),
                RotaRow.valid_from == bindparam("b_from"),
            ),
            old,
        )
    conn.execute(insert(RotaRow), rows)
    progress("writing", len(frame), len(frame))
    return len(old)


# -- boundaries ------------------------------------------------------------------------------------------------------


def load_boundaries(
    engine: Engine, collection: dict, *, source: str, sha256: str, created_by: str, job: str | None = None
) -> LoadResult:
    """Keep a standardised boundary FeatureCollection (boundaries.read_boundary_file); the newest one is used."""
    with exclusive_load(engine), engine.begin() as conn:
        added = len(collection["features"])
        batch_id = _new_batch(conn, "boundaries", source, sha256, created_by, rows_added=added, job=job)
        conn.execute(
            insert(BoundarySet),
            dict(batch_id=batch_id, schema=collection.get("schema", ""), geojson=json.dumps(collection)),
        )
    return LoadResult(batch_id, "boundaries", len(collection["features"]), 0, False)


def latest_boundary_id(engine: Engine) -> int | None:
    """The id of the newest loaded boundary set, or None."""
    with engine.connect() as conn:
        return conn.scalar(select(func.max(BoundarySet.id)))


def boundary_geojson(engine: Engine, boundary_id: int) -> dict:
    with engine.connect() as conn:
        text = conn.scalar(select(BoundarySet.geojson).where(BoundarySet.id == boundary_id))
    if text is None:
        raise LookupError(f"no boundary set {boundary_id}")
    return json.loads(text)


# -- history, demo removal, exports ----------------------------------------------------------------------------------


def history(engine: Engine, limit: int = 500) -> list[dict]:
    """The newest imports first: when, who, what, the file's name and SHA-256, status, and the row counts."""
    t = ImportBatch.__table__
    columns = [t.c[name] for name in HISTORY_COLUMNS]
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(*columns).order_by(t.c.id.desc()).limit(limit)).mappings()]


def remove_demo(engine: Engine) -> bool:
    """Delete the demo camps, units and records; False when there were none. Imported data is never touched."""
    with exclusive_load(engine), engine.begin() as conn:
        if not holds_demo(conn):
            return False
        real = select(ImportBatch.id).where(ImportBatch.is_demo.is_(False), ImportBatch.status == "loaded")
        if conn.scalar(select(exists().where(Camp.batch_id.in_(real)))):
            raise RuntimeError("demo and imported data are mixed in this database; nothing was removed")
        clear_programme_data(conn)
        _new_batch(conn, "demo-removed", "remove-demo", None, "command line")
    return True


def export_rows(engine: Engine, kind: str) -> Iterator[dict]:
    """The database's camps, clinics or records as rows of the import format: exporting and loading loses nothing."""
    with engine.connect() as conn:
        if kind == "camps":
            stmt = (
                select(Camp.__table__, CampPopulation.population_date, CampPopulation.population)
                .join(CampPopulation, CampPopulation.camp_id == Camp.id)
                .order_by(Camp.code, CampPopulation.population_date)
            )
            for camp in conn.execute(stmt):
                yield dict(
                    camp_code=camp.code,
                    camp_name=camp.name,
                    camp_name_ar=camp.name_ar,
                    camp_name_ku=camp.name_ku,
                    governorate=camp.governorate,
                    district=camp.district,
                    latitude=camp.latitude,
                    longitude=camp.longitude,
                    population=camp.population,
                    population_date=camp.population_date.isoformat(),
                    site_type=camp.site_type,
                )
        elif kind == "clinics":
            for c in conn.execute(select(Clinic.__table__).order_by(Clinic.code)):
                yield dict(
                    clinic_code=c.code,
                    clinic_name=c.name,
                    unit_type=c.unit_type,
                    partner=c.partner,
                    governorate=c.governorate,
                    base_latitude=c.base_latitude,
                    base_longitude=c.base_longitude,
                    clinicians=c.clinicians,
                    active_from=c.active_from.isoformat() if c.active_from else None,
                    active_to=c.active_to.isoformat() if c.active_to else None,
                )
        elif kind == "records":
            stmt = (
                select(
                    ServiceRecord.date,
                    Clinic.code.label("clinic_code"),
                    Camp.code.label("camp_code"),
                    ServiceRecord.syndrome,
                    ServiceRecord.sex,
                    ServiceRecord.age_group,
                    ServiceRecord.consultations,
                    ServiceRecord.referrals,
                    ServiceRecord.reported_on,
                )
                .join(Clinic, Clinic.id == ServiceRecord.clinic_id)
                .join(Camp, Camp.id == ServiceRecord.camp_id)
                .order_by(ServiceRecord.date, Clinic.code, Camp.code)
            )
            for row in conn.execution_options(yield_per=50_000).execute(stmt):
                yield dict(
                    row._mapping,
                    date=row.date.isoformat(),
                    reported_on=row.reported_on.isoformat() if row.reported_on else None,
                )
        elif kind == "rota":
            stmt = (
                select(Clinic.code, Camp.code, RotaRow.weekdays, RotaRow.valid_from, RotaRow.valid_to, RotaRow.dated)
                .join(Clinic, Clinic.id == RotaRow.clinic_id)
                .join(Camp, Camp.id == RotaRow.camp_id)
                .order_by(Clinic.code, Camp.code, RotaRow.valid_from)
            )
            for unit_code, camp_code, weekdays, valid_from, valid_to, dated in conn.execute(stmt):
                yield dict(
                    clinic_code=unit_code,
                    camp_code=camp_code,
                    weekdays=None if dated else weekday_names(weekdays),
                    valid_from=None if dated else valid_from.isoformat(),
                    valid_to=None if dated or valid_to is None else valid_to.isoformat(),
                    date=valid_from.isoformat() if dated else None,
                )
        else:
            raise ValueError(f"unknown kind {kind!r}")


def count_rows(engine: Engine) -> dict[str, int]:
    """How many camps, units, records and rota rows the database holds."""
    with engine.connect() as conn:
        return {
            name: conn.scalar(select(func.count()).select_from(model)) or 0
            for name, model in (("camps", Camp), ("clinics", Clinic), ("records", ServiceRecord), ("rota", RotaRow))
        }
