"""Settings, read once from the environment. Each one is documented in the README's settings table."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"


def _default_database_url() -> str:
    return f"sqlite:///{DATA_DIR / 'mmc.db'}"


def _secret_key() -> str:
    """SECRET_KEY, or a random key kept in data/.secret_key so that sessions survive a restart."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    keyfile = DATA_DIR / ".secret_key"
    if not keyfile.exists():
        keyfile.parent.mkdir(parents=True, exist_ok=True)
        keyfile.write_text(secrets.token_hex(32))
        keyfile.chmod(0o600)
    return keyfile.read_text().strip()


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


WEEKDAYS = {"monday": 0, "saturday": 5, "sunday": 6}


@dataclass(frozen=True)
class Settings:
    """Each field's metadata holds its environment variable and its help text for the README."""

    database_url: str = field(metadata={"env": "DATABASE_URL", "help": "SQLAlchemy URL of the database"})
    secret_key: str = field(metadata={"env": "SECRET_KEY", "help": "key that signs sessions"}, repr=False)
    host: str = field(default="127.0.0.1", metadata={"env": "HOST", "help": "address `python app.py` listens on"})
    port: int = field(default=8050, metadata={"env": "PORT", "help": "port `python app.py` listens on"})
    debug: bool = field(default=False, metadata={"env": "DEBUG", "help": "Dash debug mode; never in production"})
    load_demo: bool = field(
        default=True, metadata={"env": "LOAD_DEMO", "help": "load the demo data when the database is empty"}
    )
    boundaries_file: str = field(
        default="", metadata={"env": "BOUNDARIES_FILE", "help": "authoritative ADM1 boundaries to use instead"}
    )
    aliases_file: str = field(
        default="",
        metadata={
            "env": "ALIASES_FILE",
            "help": "a TOML file of more names for columns, governorates and coded values (syndrome labels...), laid "
            "out like dashboard/domain/aliases.toml; added to the shipped names",
        },
    )
    max_upload_mb: int = field(
        default=100,
        metadata={"env": "MAX_UPLOAD_MB", "help": "the largest file a coordinator may load, in MB (refused unread)"},
    )
    secure_cookies: bool = field(
        default=False,
        metadata={"env": "SECURE_COOKIES", "help": "send the session cookie over HTTPS only, and ask for HTTPS (HSTS)"},
    )
    redis_url: str = field(
        default="",
        metadata={
            "env": "REDIS_URL",
            "help": "Redis for what the server processes and hosts share: request limits, the queue of checks and "
            "loads (run by `python -m dashboard worker`), results; none: one process runs everything",
        },
    )
    rate_limit: str = field(
        default="600 per minute",
        metadata={
            "env": "RATE_LIMIT",
            "help": "requests an address may make to the API and the pages' callbacks when not signed in; off: none",
        },
    )
    db_pool_size: int = field(
        default=5,
        metadata={
            "env": "DB_POOL_SIZE",
            "help": "PostgreSQL connections each server process keeps open (as many more may open at busy times); "
            "hosts x workers x 2 x this must stay under the server's max_connections",
        },
    )
    proxy_hops: int = field(
        default=0,
        metadata={
            "env": "PROXY_HOPS",
            "help": "proxies in front of the app whose X-Forwarded-For is trusted (1 behind one nginx)",
        },
    )
    tile_url: str = field(
        default="",
        metadata={
            "env": "TILE_URL",
            "help": "optional map tiles under the governorates, e.g. "
            "https://tile.example.org/{z}/{x}/{y}.png; none by default (works offline)",
        },
    )
    tile_attribution: str = field(
        default="", metadata={"env": "TILE_ATTRIBUTION", "help": "the tiles' attribution, shown on the map"}
    )
    in_memory_totals: bool = field(
        default=True,
        metadata={
            "env": "IN_MEMORY_TOTALS",
            "help": "answer filters from the visit totals held in each server process's memory (about 25 MB and "
            "80 MB per 10 million records)",
        },
    )
    suppression_k: int = field(
        default=5, metadata={"env": "SUPPRESSION_K", "help": "public outputs hide counts from 1 to k-1"}
    )
    not_reached_days: int = field(
        default=14, metadata={"env": "NOT_REACHED_DAYS", "help": "a camp without a visit for longer is not reached"}
    )
    min_utilisation: float = field(
        default=1.0,
        metadata={
            "env": "MIN_UTILISATION",
            "help": "consultations per person per year below which a reached camp is under-served",
        },
    )
    max_per_clinician_day: int = field(
        default=50, metadata={"env": "MAX_PER_CLINICIAN_DAY", "help": "workload standard for an MMC clinician"}
    )
    week_start: str = field(
        default="monday",
        metadata={"env": "WEEK_START", "help": "first day of a reporting week: monday (ISO), sunday or saturday"},
    )
    alert_ratio: float = field(
        default=2.0,
        metadata={
            "env": "ALERT_RATIO",
            "help": "threshold alert: a week at least this many times the mean of the previous weeks",
        },
    )
    alert_baseline_weeks: int = field(
        default=3, metadata={"env": "ALERT_BASELINE_WEEKS", "help": "threshold alert: how many previous weeks"}
    )
    alert_min_count: int = field(
        default=10,
        metadata={"env": "ALERT_MIN_COUNT", "help": "threshold alert: the smallest weekly count that can raise one"},
    )
    access_km: float = field(
        default=5.0, metadata={"env": "ACCESS_KM", "help": "distance to a clinic base within which a camp has access"}
    )
    report_deadline_days: int = field(
        default=7,
        metadata={
            "env": "REPORT_DEADLINE_DAYS",
            "help": "timeliness: a visit reported within this many days of it is on time (EWARN's weekly deadline)",
        },
    )
    digits: str = field(
        default="latn",
        metadata={
            "env": "DIGITS",
            "help": "digits of figures and dates in Arabic and Kurdish: latn (0-9, the common choice in Iraqi health "
            "reporting) or arab (Arabic-Indic)",
        },
    )
    silent_days: int = field(
        default=14,
        metadata={
            "env": "SILENT_DAYS",
            "help": "a unit with visits planned in this many days before the period's end and no report is silent",
        },
    )

    @property
    def first_day(self) -> int:
        """The first day of a reporting week as pandas numbers it (0 is Monday)."""
        return WEEKDAYS[self.week_start]

    def __post_init__(self):
        if self.digits not in ("latn", "arab"):
            raise ValueError(f"Setting DIGITS must be latn or arab, not {self.digits!r}")
        if self.week_start not in WEEKDAYS:
            raise ValueError(f"Setting WEEK_START must be one of {', '.join(WEEKDAYS)}, not {self.week_start!r}")
        if self.rate_limit.strip().lower() not in ("off", ""):
            from limits import parse_many

            try:
                parse_many(self.rate_limit)
            except ValueError:
                raise ValueError(
                    f"Setting RATE_LIMIT must read like '600 per minute' (or off), not {self.rate_limit!r}"
                ) from None
        if self.max_upload_mb < 1 or self.proxy_hops < 0 or self.db_pool_size < 1:
            raise ValueError("Settings MAX_UPLOAD_MB and DB_POOL_SIZE must be 1 or more, and PROXY_HOPS 0 or more")
        if self.report_deadline_days < 0 or self.silent_days < 1:
            raise ValueError("Setting REPORT_DEADLINE_DAYS must be 0 or more, and SILENT_DAYS 1 or more")

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        """Settings from the environment, with keyword overrides (tests use them)."""
        values: dict = {}
        for f in fields(cls):
            raw = os.environ.get(f.metadata["env"])
            if raw is None or raw == "":
                continue
            try:
                values[f.name] = (
                    _bool(raw)
                    if f.type == "bool"
                    else int(raw)
                    if f.type == "int"
                    else float(raw)
                    if f.type == "float"
                    else raw
                )
            except ValueError:
                kind = "a whole number" if f.type == "int" else "a number"
                raise ValueError(f"Setting {f.metadata['env']} must be {kind}, not {raw!r}") from None
        values.setdefault("database_url", _default_database_url())
        values.update(overrides)
        if "secret_key" not in values:
            values["secret_key"] = _secret_key()
        return cls(**values)
