"""Words for the codes analytics returns, made when a page or an answer is rendered (never inside cached results):
syndromes, coverage statuses and the reasons for them. Shared by the pages and the API."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from dashboard.analytics import coverage
from dashboard.domain import policy
from dashboard.domain.messages import Message, as_data, message_of
from dashboard.i18n import N_, _, decimal, ngettext, number

SYNDROME_NAMES = {
    "ari": N_("Acute respiratory infection"),
    "awd": N_("Acute watery diarrhoea"),
    "bloody_diarrhoea": N_("Bloody diarrhoea"),
    "suspected_measles": N_("Suspected measles"),
    "afp": N_("Acute flaccid paralysis"),
    "acute_jaundice": N_("Acute jaundice"),
    "suspected_meningitis": N_("Suspected meningitis"),
    "leishmaniasis": N_("Leishmaniasis"),
    "scabies": N_("Scabies"),
    "hypertension": N_("Hypertension"),
    "diabetes": N_("Diabetes"),
    "mental_health": N_("Mental health"),
    "injury": N_("Injury"),
    "other": N_("Other"),
}


def syndrome_name(code: str) -> str:
    return _(SYNDROME_NAMES.get(code, code))


def say(text) -> str:
    """Words made below the rendering layer (domain.messages: a Message, or its data after a trip through JSON) in the
    reader's language: the template translated, its values filled in (translated too when they are Texts; a list
    of them written as a list). A plain str is shown as it is."""
    if isinstance(text, Message):
        text = as_data(text)
    if isinstance(text, list):
        return _(", ").join(say(item) for item in text)
    if not isinstance(text, dict) or "text" not in text:
        return "" if text is None else str(text)
    values = {key: say(value) for key, value in text.get("values", {}).items()}
    if text.get("plural") is not None:
        return ngettext(text["text"], text["plural"], text.get("count") or 0, **values)
    return _(text["text"], **values)


def capitalised(text: str) -> str:
    """`text` starting with a capital letter, as a label does ("camps and sites" as "Camps and sites"); Arabic
    script, which has none, as it is."""
    return text[:1].upper() + text[1:]


def said(exc: Exception) -> str:
    """An exception's message in the reader's language (a Message made below rendering), or its words."""
    return say(message_of(exc))


def rows_text(problem: dict) -> str:
    """The rows a problem is on, as a spreadsheet numbers them: "row 6", "rows 6, 7, 9", "576 rows: 6, 7, 9, …"."""
    rows, count = problem.get("rows") or ([problem["row"]] if problem.get("row") else []), problem.get("count", 1)
    if not rows:
        return ""
    listed = _(", ").join(str(r) for r in rows)
    if count > len(rows):
        return ngettext("{n} row: {rows}, …", "{n} rows: {rows}, …", count, n=number(count), rows=listed)
    return ngettext("row {rows}", "rows {rows}", len(rows), rows=listed)


def age_group_name(code: str) -> str:
    """An age group's code (under5, 5plus, unknown) in words."""
    return {"under5": _("Under 5"), "5plus": _("5 and over"), "unknown": _("Age not recorded")}.get(code, code)


def sex_name(code: str) -> str:
    """A sex's code (female, male, unknown) in words."""
    return {"female": _("Female"), "male": _("Male"), "unknown": _("Sex not recorded")}.get(code, code)


def role_name(role: str) -> str:
    """A user's role in words."""
    return {"coordinator": _("coordinator"), "admin": _("administrator")}.get(role, role)


def weekday_name(day: str) -> str:
    """A week's first day (the WEEK_START setting) in words."""
    return {"monday": _("Monday"), "sunday": _("Sunday"), "saturday": _("Saturday")}.get(day, day)


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
        return ngettext(
            "visited in the period's last week", "visited in the period's last {n} weeks", weeks, n=number(weeks)
        )
    return ngettext(
        "visited in the period's last day",
        "visited in the period's last {n} days",
        not_reached_days,
        n=number(not_reached_days),
    )


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
    under = _("{u} consultations per person per year, below {limit}")

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
            return under.format(u=decimal(u, 2), limit=number(min_utilisation))
        days = int(days)
        if days == 0:
            return _("Visited on the period's last day")
        return ngettext(
            "Visited {days} day before the period's end", "Visited {days} days before the period's end", days, days=days
        )

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
