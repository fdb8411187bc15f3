"""Words for the codes analytics returns, made when a page or an answer is rendered (never inside cached results):
syndromes, coverage statuses and the reasons for them. Shared by the pages and the API."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from dashboard.analytics import coverage
from dashboard.domain import policy
from dashboard.i18n import _

SYNDROME_NAMES = {
    "ari": "Acute respiratory infection",
    "awd": "Acute watery diarrhoea",
    "bloody_diarrhoea": "Bloody diarrhoea",
    "suspected_measles": "Suspected measles",
    "afp": "Acute flaccid paralysis",
    "acute_jaundice": "Acute jaundice",
    "suspected_meningitis": "Suspected meningitis",
    "leishmaniasis": "Leishmaniasis",
    "scabies": "Scabies",
    "hypertension": "Hypertension",
    "diabetes": "Diabetes",
    "mental_health": "Mental health",
    "injury": "Injury",
    "other": "Other",
}


def syndrome_name(code: str) -> str:
    return _(SYNDROME_NAMES.get(code, code))


def status_label(status: str) -> str:
    return {
        coverage.REACHED: _("Reached"),
        coverage.UNDER_SERVED: _("Reached, under-served"),
        coverage.CLOSED: _("Closed"),
        coverage.NOT_REACHED: _("Not reached"),
        coverage.MISSED: _("Planned but missed"),
    }[status]


def reached_meaning(audience, not_reached_days: int) -> str:
    """What "reached" means for `audience`, as the headline cards, the map's legend and the briefing say it: visited
    in the period's last days (coverage.reached), whole weeks for the public (policy.public_not_reached_days)."""
    if audience.public:
        weeks = (policy.public_not_reached_days(not_reached_days) + 1) // 7
        return _("visited in the period's last {n} weeks", n=weeks)
    return _("visited in the period's last {n} days", n=not_reached_days)


def with_reasons(table: pd.DataFrame, settings) -> pd.DataFrame:
    """A camp table (status, days_since_visit, utilisation) with each camp's `reason` in words."""
    reasons = status_reasons(
        table["status"],
        table["days_since_visit"],
        table["utilisation"],
        settings.not_reached_days,
        settings.min_utilisation,
    )
    return table.assign(reason=reasons)


def status_reasons(
    status: Iterable[str],
    days_since_visit: Iterable,
    utilisation: Iterable,
    not_reached_days: int,
    min_utilisation: float,
) -> list[str]:
    """Why each camp of a table has its status, in words a coordinator can act on (each wording translated once,
    and each sentence written once: camps share their numbers of days and their rates)."""
    closed = _("Closed: no population at the period's end")
    never = _("Never visited")
    not_reached = _("No visit for {days} days (more than {limit})")
    missed = _("Planned visits missed: no visit for {days} days (more than {limit})")
    missed_never = _("Planned visits missed: never visited")
    under = _("{u:.2f} consultations per person per year, below {limit:g}")
    reached = _("Visited {days} days before the period's end")
    written: dict[tuple, str] = {}

    def sentence(s, days, u) -> str:
        missing = days is None or days is pd.NA or days != days  # (NaN is not equal to itself)
        if s == coverage.CLOSED:
            return closed
        if s == coverage.NOT_REACHED:
            return never if missing else not_reached.format(days=int(days), limit=not_reached_days)
        if s == coverage.MISSED:
            return missed_never if missing else missed.format(days=int(days), limit=not_reached_days)
        if s == coverage.UNDER_SERVED:
            return under.format(u=u, limit=min_utilisation)
        return reached.format(days=int(days))

    out = []
    # plain Python values: a pandas Series yields numpy scalars, each slow to test and to format
    columns = (list(c.tolist() if hasattr(c, "tolist") else c) for c in (status, days_since_visit, utilisation))
    for key in zip(*columns, strict=True):
        try:
            out.append(written[key])
        except KeyError:
            out.append(written.setdefault(key, sentence(*key)))
        except TypeError:  # (pd.NA cannot be a key: it is no number to share)
            out.append(sentence(*key))
    return out
