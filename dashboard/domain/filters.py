"""The filters a view or an API call applies, parsed from URL query arguments with errors that name the parameter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from dashboard.domain import periods
from dashboard.domain.messages import Message, message_of
from dashboard.domain.reference import BY_ISO, SYNDROMES, governorate_iso

FREQUENCIES = ("week", "month")
# Every answer is bounded: a period may reach from the calendar year before the data's first to the year after its
# last (today's, before any data), and no further; and it covers at most MAX_YEARS years.
MAX_YEARS = 20


class ParameterError(ValueError):
    """A query parameter that cannot be used; `parameter` names it."""

    def __init__(self, parameter: str, message: Message | str):
        super().__init__(message)
        self.parameter = parameter


@dataclass(frozen=True)
class Filters:
    start: dt.date
    end: dt.date
    governorates: tuple[str, ...] = field(default=())  # ISO 3166-2 codes; empty means all
    syndrome: str | None = None
    freq: str = "week"
    clinic: str | None = None  # a unit's code
    camp: str | None = None  # a camp's code

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def query(self, **changes) -> dict:
        """The filters as URL query arguments (only what differs from the defaults is worth a link, but all is kept
        so that a link made today shows the same period tomorrow)."""
        values: dict[str, object] = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.governorates:
            values["governorate"] = list(self.governorates)
        if self.syndrome:
            values["syndrome"] = self.syndrome
        if self.freq != "week":
            values["freq"] = self.freq
        if self.clinic:
            values["clinic"] = self.clinic
        if self.camp:
            values["camp"] = self.camp
        values.update(changes)
        return values


def _values(args: Mapping, name: str) -> list[str]:
    """All values of a parameter: Flask's MultiDict, Dash pages' dict (a str or a list), or a plain dict."""
    if hasattr(args, "getlist"):
        raw = args.getlist(name)
    else:
        raw = args.get(name)
        raw = [] if raw is None else raw if isinstance(raw, (list, tuple)) else [raw]
    out: list[str] = []
    for value in raw:
        out.extend(v.strip() for v in str(value).split(",") if v.strip())
    return out


def _one(args: Mapping, name: str) -> str | None:
    values = _values(args, name)
    if len(values) > 1:
        raise ParameterError(name, Message("{name} takes one value, not {n}", name=name, n=len(values)))
    return values[0] if values else None


def _check_bounds(start: dt.date, end: dt.date, first: dt.date | None, last: dt.date | None) -> None:
    """Refuse a period that reaches far outside the data, or is longer than any answer may cover: whole years, so that
    the message says nothing of the data's first or last day."""
    today = dt.date.today()
    earliest = dt.date((first or today).year - 1, 1, 1)
    latest = dt.date((last or today).year + 1, 12, 31)
    if start < earliest:
        raise ParameterError(
            "start",
            Message(
                "start {start} is before {year}, the year before the data begins: use {earliest} or later",
                start=str(start),
                year=earliest.year,
                earliest=str(earliest),
            ),
        )
    if end > latest:
        raise ParameterError(
            "end",
            Message(
                "end {end} is after {year}, the year after the data ends: use {latest} or earlier",
                end=str(end),
                year=latest.year,
                latest=str(latest),
            ),
        )
    if end.year - start.year > MAX_YEARS:
        raise ParameterError(
            "start",
            Message("a period covers at most {n} years: use a later start or an earlier end", n=MAX_YEARS),
        )


def parse_filters(args: Mapping, first: dt.date | None, last: dt.date | None) -> Filters:
    """Filters from query arguments: start and end (YYYY-MM-DD; by default the latest 52 whole weeks of data),
    governorate (ISO 3166-2 code, repeatable or comma-separated), syndrome (a code of docs/formats.md), freq, and a
    clinic's or a camp's code."""
    try:
        start, end = periods.parse_period(_one(args, "start"), _one(args, "end"), first, last)
    except ValueError as exc:
        name = "start" if str(exc).startswith("start") else "end"
        raise ParameterError(name, message_of(exc)) from None
    _check_bounds(start, end, first, last)
    governorates = []
    for value in _values(args, "governorate"):
        iso = governorate_iso(value)
        if iso is None or iso not in BY_ISO:
            raise ParameterError(
                "governorate",
                Message("unknown governorate {value}: use an ISO 3166-2 code such as IQ-DA", value=repr(value)),
            )
        if iso not in governorates:
            governorates.append(iso)
    syndrome = _one(args, "syndrome")
    if syndrome is not None and syndrome not in SYNDROMES:
        raise ParameterError(
            "syndrome",
            Message("unknown syndrome {value}: one of {codes}", value=repr(syndrome), codes=", ".join(SYNDROMES)),
        )
    freq: str = _one(args, "freq") or "week"
    if freq not in FREQUENCIES:
        raise ParameterError("freq", Message("freq must be week or month, not {value}", value=repr(freq)))
    clinic, camp = _one(args, "clinic"), _one(args, "camp")
    for name, code in (("clinic", clinic), ("camp", camp)):
        if code is not None and (len(code) > 32 or not code.replace("-", "").replace("_", "").isalnum()):
            raise ParameterError(
                name, Message("{name} must be a code of letters, digits, hyphens or underscores", name=name)
            )
    return Filters(start, end, tuple(sorted(governorates)), syndrome, freq, clinic, camp)
