"""The data model, as docs/formats.md defines it. No patient is ever identified: records are counts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Governorate(Base):
    __tablename__ = "governorates"
    code: Mapped[str] = mapped_column(String(8), primary_key=True)  # ISO 3166-2
    pcode: Mapped[str] = mapped_column(String(8), unique=True)
    name_en: Mapped[str] = mapped_column(String(64))
    name_ar: Mapped[str] = mapped_column(String(64))
    name_ku: Mapped[str] = mapped_column(String(64))


class ImportBatch(Base):
    """The audit trail: one row for each load of data (demo or file)."""

    __tablename__ = "import_batches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # camps, clinics, records, boundaries, demo
    source: Mapped[str] = mapped_column(String(255))  # file name, or "demo seed=N"
    sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))
    rows_added: Mapped[int] = mapped_column(Integer, default=0)
    rows_replaced: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    is_demo: Mapped[bool] = mapped_column(default=False)
    # loaded: its rows are in the database; rejected: the file had errors and nothing of it was written
    status: Mapped[str] = mapped_column(String(16), default="loaded", server_default="loaded")
    note: Mapped[str | None] = mapped_column(String(255))  # why a file was refused, when not for its rows' errors
    # the data page's upload it loaded: one upload is loaded once, whichever worker tries again after a crash
    job: Mapped[str | None] = mapped_column(String(64), unique=True)
    __table_args__ = (CheckConstraint("status in ('loaded', 'rejected')", name="status"),)


class Upload(Base):
    """A file given on the data page, kept where every server and worker can read it until it is loaded, with
    where its check or load stands. Live progress (rows done) is not written here: see ingest.jobs."""

    __tablename__ = "uploads"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(255))
    data: Mapped[bytes | None] = mapped_column(LargeBinary)  # emptied once loaded
    action: Mapped[str] = mapped_column(String(8), default="check")  # check or load
    phase: Mapped[str] = mapped_column(String(16), default="queued")  # queued, running, checked, loaded, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str | None] = mapped_column(Text)  # JSON: what the check or load found
    message: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Camp(Base):
    __tablename__ = "camps"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    name_ar: Mapped[str | None] = mapped_column(String(128))  # the camp's name in Arabic and in Kurdish, when the
    name_ku: Mapped[str | None] = mapped_column(String(128))  # camps file gives them (shown in those languages)
    governorate: Mapped[str] = mapped_column(ForeignKey("governorates.code"), index=True)
    district: Mapped[str | None] = mapped_column(String(64))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    site_type: Mapped[str] = mapped_column(String(16), default="camp")
    position_approximate: Mapped[bool] = mapped_column(default=False)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    __table_args__ = (CheckConstraint("site_type in ('camp', 'informal_site', 'host_community')", name="site_type"),)


class CampPopulation(Base):
    """A camp's population history: one row for each (camp, population_date)."""

    __tablename__ = "camp_populations"
    camp_id: Mapped[int] = mapped_column(ForeignKey("camps.id", ondelete="CASCADE"), primary_key=True)
    population_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    population: Mapped[int] = mapped_column(Integer)
    __table_args__ = (CheckConstraint("population >= 0", name="population"),)


class Clinic(Base):
    __tablename__ = "clinics"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    unit_type: Mapped[str] = mapped_column(String(16))
    partner: Mapped[str | None] = mapped_column(String(128))
    governorate: Mapped[str] = mapped_column(ForeignKey("governorates.code"), index=True)
    base_latitude: Mapped[float] = mapped_column(Float)
    base_longitude: Mapped[float] = mapped_column(Float)
    clinicians: Mapped[int] = mapped_column(Integer, default=0)
    active_from: Mapped[dt.date | None] = mapped_column(Date)
    active_to: Mapped[dt.date | None] = mapped_column(Date)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    __table_args__ = (
        CheckConstraint("unit_type in ('mmc', 'ambulance')", name="unit_type"),
        CheckConstraint("clinicians >= 0", name="clinicians"),
    )


class ServiceRecord(Base):
    """Aggregate counts for one day, unit, camp, syndrome, sex and age group; keyed as docs/formats.md says."""

    __tablename__ = "service_records"
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), primary_key=True)
    camp_id: Mapped[int] = mapped_column(ForeignKey("camps.id"), primary_key=True)
    syndrome: Mapped[str] = mapped_column(String(24), primary_key=True)
    sex: Mapped[str] = mapped_column(String(8), primary_key=True)
    age_group: Mapped[str] = mapped_column(String(8), primary_key=True)
    consultations: Mapped[int] = mapped_column(Integer)
    referrals: Mapped[int] = mapped_column(Integer)
    batch_id: Mapped[int | None] = mapped_column(Integer)
    # the day the record reached the programme: the file's reported_on, else the day its key was first loaded
    reported_on: Mapped[dt.date | None] = mapped_column(Date)
    __table_args__ = (
        CheckConstraint("consultations >= 0", name="consultations"),
        CheckConstraint("referrals >= 0 AND referrals <= consultations", name="referrals"),
        Index("ix_service_records_camp_date", "camp_id", "date"),
        Index("ix_service_records_clinic_date", "clinic_id", "date"),
    )


class VisitTotal(Base):
    """One row per visit (date, unit, camp) with its totals over every syndrome, sex and age group: derived from the
    service records whenever they change (data.queries.refresh_derived_totals), and read instead of them whenever no
    syndrome, sex or age group is asked for, which is most views. Ten to thirty times fewer rows."""

    __tablename__ = "visit_totals"
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    camp_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultations: Mapped[int] = mapped_column(Integer)
    referrals: Mapped[int] = mapped_column(Integer)
    records: Mapped[int] = mapped_column(Integer)
    reported_on: Mapped[dt.date | None] = mapped_column(Date)  # the visit's first record's reported_on
    __table_args__ = (
        Index("ix_visit_totals_camp_date", "camp_id", "date"),
        Index("ix_visit_totals_clinic_date", "clinic_id", "date"),
    )


class SyndromeTotal(Base):
    """Consultations and referrals per day, governorate (of the camp), syndrome, sex and age group: derived from the
    service records like VisitTotal, for the breakdowns by syndrome, sex and age when no camp or unit is chosen."""

    __tablename__ = "syndrome_totals"
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    governorate: Mapped[str] = mapped_column(String(8), primary_key=True)
    syndrome: Mapped[str] = mapped_column(String(24), primary_key=True)
    sex: Mapped[str] = mapped_column(String(8), primary_key=True)
    age_group: Mapped[str] = mapped_column(String(8), primary_key=True)
    consultations: Mapped[int] = mapped_column(Integer)
    referrals: Mapped[int] = mapped_column(Integer)


class RotaRow(Base):
    """A visit plan: a unit is to visit a camp on some weekdays from one day to another (open-ended when valid_to is
    empty), or on one day (`dated`: valid_from = valid_to, its weekday). Keyed by unit, camp and first day; what a
    plan means for completeness is in docs/formats.md. Visit schedules are for coordinators only."""

    __tablename__ = "rota"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    camp_id: Mapped[int] = mapped_column(ForeignKey("camps.id"))
    weekdays: Mapped[int] = mapped_column(Integer)  # bit 0 Monday ... bit 6 Sunday
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    dated: Mapped[bool] = mapped_column(default=False)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    __table_args__ = (
        UniqueConstraint("clinic_id", "camp_id", "valid_from"),
        CheckConstraint("weekdays > 0 AND weekdays < 128", name="weekdays"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="period"),
    )


class BoundarySet(Base):
    """Governorate boundaries a coordinator loaded, standardised as boundaries.py describes; the newest one is used."""

    __tablename__ = "boundary_sets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"))
    schema: Mapped[str] = mapped_column(String(32))
    geojson: Mapped[str] = mapped_column(Text)


class User(Base):
    """A person who signs in. Only coordinators and admins have accounts; the public needs none."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (CheckConstraint("role in ('coordinator', 'admin')", name="role"),)


class UserSession(Base):
    """A signed-in session, so that signing out or changing a password ends it everywhere: the cookie holds a random
    token, this table its SHA-256 (a copied cookie is worth nothing once the row is gone)."""

    __tablename__ = "user_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the cookie's token, hex
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class SignInFailure(Base):
    """A failed sign-in, by address or by username: the lockout counts them, whichever server process they reached."""

    __tablename__ = "sign_in_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(160), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class SiteKey(Base):
    """Secrets of this database that every server process shares and nobody outside ever sees (the key that decides
    how the public view rounds small counts)."""

    __tablename__ = "site_keys"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
