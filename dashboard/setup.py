"""Preparing a database: schema, reference data and, on first start, the demo data."""

from __future__ import annotations

import logging
import time

from dashboard import demo
from dashboard.config import Settings
from dashboard.store import access, schema

log = logging.getLogger(__name__)


def prepare(settings: Settings):
    """An engine on a database at the newest schema; a new one gets the demo data when LOAD_DEMO allows (once: a
    database whose demo data was removed, or that holds imported data, does not get it again)."""
    engine = schema.make_engine(settings.database_url)
    schema.upgrade(engine)
    access.ensure_reference(engine)
    if settings.load_demo and not access.ever_loaded(engine) and not access.data_status(engine).has_data:
        started = time.monotonic()
        log.warning("Empty database: loading the synthetic demo data (once)...")
        summary = access.load_dataset(engine, demo.generate())
        log.warning("Demo data loaded: %s records in %.0f s", f"{summary.records:,}", time.monotonic() - started)
    return engine
