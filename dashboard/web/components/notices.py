"""What a page says about its own view: what is not loaded yet, a link's parameter it could not use, what the public
policy changed, how counts are protected, a sign-in it needs; and the filters a page takes from its link
(resolve_filters)."""

from __future__ import annotations

import datetime as dt

from dash import html

from dashboard import words
from dashboard.domain import policy
from dashboard.domain.filters import ParameterError, parse_filters
from dashboard.i18n import _, date_text, number
from dashboard.ingest import formats
from dashboard.server import auth
from dashboard.web import ids
from dashboard.web.components import ui


def parameter_notice(parameter: str, error: str, kept: bool = False):
    """The notice a page shows when its link has a parameter it does not understand: the default view is shown, or
    (`kept`) the link's other filters with that one left at its default."""
    text = (
        _(
            "The link's {parameter} was not understood ({error}); its default is shown, with the link's other filters.",
            parameter=parameter,
            error=error,
        )
        if kept
        else _(
            "The link's {parameter} was not understood ({error}); showing the default view.",
            parameter=parameter,
            error=error,
        )
    )
    return ui.alert(text, color="orange", mb="md")


def resolve_filters(query: dict, status, audience: policy.Audience):
    """The filters of a page's URL, as `audience` may use them (policy.py). A parameter that cannot be used is left
    at its default and named in a notice; the link's other filters are kept (a mistyped `freq` does not lose the
    period). What the policy changed (a coordinators' parameter dropped, a period widened to whole weeks) is said
    in a notice too."""
    query = dict(query)
    notices = []
    if audience.public:
        query, dropped = policy.public_query(query)
        notices += [adjustment_notice(a) for a in dropped]
    while True:
        try:
            f = parse_filters(query, status.first_date, status.last_date)
            break
        except ParameterError as exc:
            if exc.parameter not in query:  # not one of the link's own: nothing of it can be kept
                notices.append(parameter_notice(exc.parameter, words.said(exc)))
                f = parse_filters({}, status.first_date, status.last_date)
                break
            notices.append(parameter_notice(exc.parameter, words.said(exc), kept=True))
            del query[exc.parameter]
    f, adjusted = policy.for_audience(f, audience)
    if "start" in query or "end" in query:  # (a default period is the page's own choice: nothing to explain)
        notices += [adjustment_notice(a, f) for a in adjusted if a.code == "whole_weeks"]
    last = data_span(status, audience)[1]  # (the public's is the end of the latest record's week)
    if last and f.end > last:
        notices.append(beyond_data_notice(f, status, audience))
    return f, html.Div(notices) if notices else None


def beyond_data_notice(f, status, audience: policy.Audience):
    """What a page says when its period runs past the latest record (a future `end`, or data not loaded yet): the
    days after it are not reported yet, not days without consultations (and camps show as not reached)."""
    return ui.alert(
        _(
            "The period ends on {end}, beyond the data ({records}): the days after are not reported yet, so their "
            "figures are missing, not zero, and camps visited since show as not reached.",
            end=date_text(f.end),
            records=data_date(status, audience),
        ),
        color="orange",
        mb="md",
        id=ids.BEYOND_DATA,
    )


def data_date(status, audience: policy.Audience) -> str:
    """How recent the figures are: the latest record's day (for the public, the end of its week: a record's own day is
    not public), not the day the data was loaded."""
    if status.last_date is None:
        return _("no records yet")
    if audience.public:
        return _("records to the week ending {date}", date=date_text(data_span(status, audience)[1]))
    return _("records to {date}", date=date_text(status.last_date))


def export_lines(title: str, f, names: dict[str, str], status, audience: policy.Audience) -> list[str]:
    """The lines a page's download starts with (services/exports `preamble`): what it is, the view's filters, how
    recent its data is and when it was made; for the public, how its counts are protected."""
    made = data_date(status, audience) + " · " + _("exported {when}", when=date_text(dt.date.today()))
    lines = [title, view_line(f, names), made]
    return lines + ([protection_note(audience)] if audience.public else [])


def view_line(f, names: dict[str, str]) -> str:
    """The view's filters in one line, as each page, export and PDF states them next to its figures: the period, the
    governorates, the syndrome and (for coordinators) a unit or a camp."""
    parts = [
        _("{start} to {end}", start=date_text(f.start), end=date_text(f.end)),
        ", ".join(names.get(g, g) for g in f.governorates) if f.governorates else _("seven governorates"),
        _("{syndrome} only", syndrome=words.syndrome_name(f.syndrome)) if f.syndrome else _("all syndromes"),
    ]
    if f.clinic:
        parts.append(_("unit {code}", code=f.clinic))
    if f.camp:
        parts.append(_("camp {code}", code=f.camp))
    return " · ".join(parts)


def protection_note(audience: policy.Audience) -> str:
    """What a page says of how its counts are protected."""
    if audience.k is None:
        return _("You are signed in: every count is exact.")
    return _(
        "To protect people in small camps, public counts are sums of weekly counts by governorate and syndrome in "
        "which each count from 1 to {k1} is shown as 0 or {k} (at random, so that totals stay right on average): "
        "small figures are approximate. Periods are whole weeks.",
        k1=audience.k - 1,
        k=audience.k,
    )


def adjustment_notice(adjustment: policy.Adjustment, f=None):
    """What a page says when the public policy changed what its link asked for."""
    if adjustment.code == "coordinators_only":
        text = _(
            "The link's {parameter} is for signed-in coordinators: these figures are for every unit and camp.",
            parameter=adjustment.parameter,
        )
    else:
        text = _(
            "Public figures are for whole weeks: the period asked for was widened to {start} – {end}.",
            start=date_text(f.start),
            end=date_text(f.end),
        )
    return ui.alert(text, color="blue", mb="md")


def data_span(status, audience: policy.Audience):
    """The first and last day a date picker offers: the data's, in whole weeks for the public (a record's own day is
    not public)."""
    if not status.first_date or not audience.public:
        return status.first_date, status.last_date
    return policy.whole_weeks(status.first_date, status.last_date, audience.first_day)


def sign_in_required(path: str):
    """What a page shows, and all it sends, to someone without the role it needs."""
    return ui.alert(
        [
            ui.text(_("This page is for signed-in coordinators.")),
            ui.anchor(_("Sign in"), href=f"/login?next={path}"),
        ],
        title=_("Sign-in required"),
        color="blue",
        id=ids.SIGN_IN_REQUIRED,
    )


def kind_labels() -> dict[str, str]:
    """The name of each kind of file, as the data page's choice and the load order's steps show it."""
    return {kind: words.capitalised(words.say(name)) for kind, name in formats.KIND_NAMES.items()}


def _next_step(kind: str) -> str:
    return {
        "camps": _("Next: load the camps and sites"),
        "clinics": _("Next: load the units (MMCs and ambulances)"),
        "records": _("Next: load the service records (daily records or weekly sheets)"),
    }[kind]


def setup_notice(status):
    """What a page says while the programme's data is not all loaded (None once it is): for coordinators, each step of
    the load order with what it holds and a link to the next; for the public, that figures are not published yet."""
    if not status.missing:
        return None
    if not auth.role_at_least("coordinator"):
        text = (
            _("The programme's service records are not loaded yet: the figures here fill in once they are.")
            if status.has_data
            else _("The programme's data is not loaded yet: the figures appear here once it is.")
        )
        return ui.alert(text, title=_("No figures yet"), color="gray", id=ids.SETUP_NOTICE, mb="md")
    labels = kind_labels()
    held = {
        "camps": _("{n} loaded", n=number(status.camps)) if status.camps else None,
        "clinics": _("{n} loaded", n=number(status.units)) if status.units else None,
        "records": (
            _("from {first} to {last}", first=date_text(status.first_date), last=date_text(status.last_date))
            if status.has_records
            else None
        ),
    }
    steps = [
        html.Li(
            _("{step}: {held}", step=labels[kind], held=held[kind] or _("none loaded yet")),
            className="setup-done" if held[kind] else "setup-todo",
        )
        for kind in ("camps", "clinics", "records")
    ]
    nxt = status.missing[0]
    meanwhile = _("Until service records are loaded, every camp shows as not reached and every count is 0.")
    return ui.alert(
        [
            ui.text(_("Load the programme's files in this order:"), size="sm"),
            html.Ol(steps, className="setup-steps"),
            ui.text(meanwhile, size="sm") if status.has_data else None,
            ui.anchor(_next_step(nxt), href=f"/coordinator/data?kind={nxt}", className="mmc-strong"),
        ],
        title=_("Not all data is loaded yet"),
        color="blue",
        id=ids.SETUP_NOTICE,
        mb="md",
    )
