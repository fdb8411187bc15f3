"""The visit plan against what happened (services.figures.completeness), drawn: the headline line, the silent units,
the camps missed weeks running, the unit-by-week table whose misses lead to their unit and week, the missed visits
with their camp and day, and the tables by governorate (coordinators), by governorate and month (everyone) and the
briefing's lines for one week."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from dash import dcc, html

from dashboard.i18n import _, date_text, month_text, ngettext, number, percent
from dashboard.web import ids
from dashboard.web.components import cards

HEAT_UNITS = 20  # units shown in the unit-by-week table, those with the most missed visits first
HEAT_WEEKS = 12  # its latest weeks
MISSES_SHOWN = 25  # the latest missed visits listed (a unit's week, from the table, lists its own; the API all)
LISTED = 20  # silent units and camps missed weeks running listed (the API has them all)


def _named(table_id: str | None) -> dict[str, Any]:
    return {"id": table_id} if table_id else {}


def _link(path: str, **query) -> str:
    return path + "?" + urlencode({k: v for k, v in query.items() if v is not None}, doseq=True)


def no_plan(data_href: str = "/coordinator/data"):
    """What the page says when no rota is loaded."""
    return cards.empty_state(
        [
            _("No visit plan is loaded, so completeness cannot be measured: load a rota on the "),
            dcc.Link(_("data page"), href=data_href),
            _(" (a unit, a camp and the weekdays it visits, or dated visits)."),
        ]
    )


def headline(found: dict, deadline_days: int):
    """One sentence: planned visits made, unplanned visits, and visits reported in time."""
    planned, made = found["planned"], found["made"]
    parts = [
        ngettext(
            "{made} of {n} planned visit made ({share}),",
            "{made} of {n} planned visits made ({share}),",
            planned,
            made=number(made),
            n=number(planned),
            share=percent(found["completeness"]),
        ),
        ngettext(
            "{n} visit nobody planned;",
            "{n} visits nobody planned;",
            found["unplanned"],
            n=number(found["unplanned"]),
        ),
        ngettext(
            "{share} of visits reported within {n} day.",
            "{share} of visits reported within {n} days.",
            deadline_days,
            share=percent(found["timeliness"]),
            n=deadline_days,
        ),
    ]
    return html.P(" ".join(parts), className="plan-headline", id=ids.PLAN_HEADLINE)


def silent_units(table: pd.DataFrame, days: int, f, total: int) -> html.Div:
    """The units with planned visits and no report in the last `days` days (`table`, the first of `total`): first
    on the page, in a warning box."""
    if table.empty:
        return html.Div()
    items = [
        html.Li(
            [
                dcc.Link(
                    f"{r['unit_name']} ({r['unit_code']})",
                    href=_link("/coordinator", clinic=r["unit_code"], start=f.start.isoformat(), end=f.end.isoformat()),
                ),
                " ",
                _(
                    "no report since {day} ({n} days); {planned} visits were planned in the last {days} days.",
                    day=date_text(r["last_visit"]),
                    n=r["days_silent"],
                    planned=r["planned"],
                    days=days,
                )
                if r["last_visit"] is not None and r["last_visit"] == r["last_visit"]
                else _(
                    "no report at all; {planned} visits were planned in the last {days} days.",
                    planned=r["planned"],
                    days=days,
                ),
            ]
        )
        for r in table.to_dict("records")
    ]
    title = ngettext("{n} unit silent", "{n} units silent", total, n=total)
    return _box(title, items, total, _("(the {n} silent longest shown)", n=LISTED), ids.PLAN_SILENT, urgent=True)


def missed_running(table: pd.DataFrame, f, total: int) -> html.Div:
    """Camps whose planned visits were all missed two weeks running or more (`table`, the first of `total`)."""
    if table.empty:
        return html.Div()
    items = [
        html.Li(
            [
                dcc.Link(
                    r["camp_name"],
                    href=_camp_href(r["camp_code"], r["first_week"], r["last_week"] + dt.timedelta(days=6)),
                ),
                " ",
                _(
                    "({governorate}): every planned visit missed for {weeks} weeks, from the week of {first} "
                    "({n} visits).",
                    governorate=r["governorate_name"],
                    weeks=r["weeks"],
                    first=date_text(r["first_week"]),
                    n=r["missed"],
                ),
            ]
        )
        for r in table.to_dict("records")
    ]
    title = ngettext(
        "{n} camp missed two weeks running or more",
        "{n} camps missed two weeks running or more",
        total,
        n=total,
    )
    return _box(title, items, total, _("(the {n} latest shown)", n=LISTED), ids.PLAN_RUNNING)


def _box(title: str, items: list, total: int, more: str, box_id: str, urgent: bool = False) -> html.Div:
    """A warning box of the plan: its title (and `more` when the list holds only the first LISTED of `total`) and
    the list; `urgent`: announced to a screen reader as it arrives."""
    named: dict[str, Any] = {"role": "alert"} if urgent else {}
    heading = html.H3(title + (" " + more if total > LISTED else ""), className="plan-alert-title")
    return html.Div([heading, html.Ul(items)], className="plan-alert", id=box_id, **named)


def _camp_href(code: str, start, end) -> str:
    """The overview of one camp in a period: its visits, units and figures."""
    return _link("/", camp=code, start=start.isoformat(), end=end.isoformat())


def _share_class(share) -> str:
    if share is None or share != share:
        return "plan-cell plan-none"
    return "plan-cell " + ("plan-good" if share >= 0.9 else "plan-fair" if share >= 0.6 else "plan-poor")


def heat_table(table: pd.DataFrame, f):
    """Units (rows) by week (columns): made / planned in each cell, coloured by the share and readable without the
    colour; a cell with misses links to the page for that unit and week, which lists them."""
    if table.empty or not (table["planned"] > 0).any():
        return cards.empty_state(_("No visit was planned in this period for these filters."))
    table = table[table["planned"] > 0]  # (the period's latest HEAT_WEEKS weeks: completeness_table's `weeks`)
    weeks = sorted(table["week"].unique())
    misses = table.groupby("unit_code")["missed"].sum().sort_values(ascending=False, kind="stable")
    shown = list(misses.index[:HEAT_UNITS])
    table = table[table["unit_code"].isin(shown)]
    names = dict(zip(table["unit_code"], table["unit_name"], strict=False))
    cells = {
        (unit, week): (made, planned, missed, share)
        for unit, week, made, planned, missed, share in zip(
            table["unit_code"],
            table["week"],
            table["made"],
            table["planned"],
            table["missed"],
            table["completeness"],
            strict=True,
        )
    }

    def cell(unit: str, week):
        found = cells.get((unit, week))
        if found is None:
            return html.Td("", className="plan-cell plan-none")
        made, planned, missed, share = found
        text = f"{made}/{planned}"  # (its row's and column's headings name the unit and the week to a reader)
        if not missed:
            return html.Td(text, className=_share_class(share))
        end = week + dt.timedelta(days=6)
        href = _link("/coordinator", clinic=unit, start=week.isoformat(), end=end.isoformat())
        return html.Td(dcc.Link(text, href=href), className=_share_class(share))

    head = html.Thead(
        html.Tr([html.Th(_("Unit"), scope="col")] + [html.Th(date_text(w, "dd MMM"), scope="col") for w in weeks])
    )
    body = html.Tbody([html.Tr([html.Th(names[u], scope="row")] + [cell(u, w) for w in weeks]) for u in shown])
    caption = _("Planned visits made by each unit, week by week (made / planned); a cell with misses lists them.")
    more = len(misses) - len(shown)
    return html.Div(
        [
            cards.scrolling(
                html.Table([html.Caption(caption), head, body], className="plan-heat mmc-numbers", id=ids.PLAN_HEAT),
                caption,
            ),
            html.P(
                ngettext(
                    "{n} more unit with fewer misses: choose a governorate or a unit to see it.",
                    "{n} more units with fewer misses: choose a governorate or a unit to see them.",
                    more,
                    n=more,
                ),
                className="plan-note",
            )
            if more > 0
            else None,
        ]
    )


def misses_table(table: pd.DataFrame, total: int):
    """The latest missed visits (`table`, of `total`), latest first: day, unit, camp (to its overview that week)
    and governorate."""
    if table.empty:
        return html.Div()
    shown = table.head(MISSES_SHOWN)
    rows = [
        html.Tr(
            [
                html.Td(date_text(r["date"])),
                html.Td(r["unit_name"]),
                html.Td(
                    dcc.Link(
                        r["camp_name"],
                        href=_camp_href(
                            r["camp_code"], r["date"] - dt.timedelta(days=6), r["date"] + dt.timedelta(days=6)
                        ),
                    )
                ),
                html.Td(r["governorate_name"]),
            ]
        )
        for r in shown.to_dict("records")
    ]
    title = ngettext("{n} planned visit missed", "{n} planned visits missed", total, n=number(total))
    if total > len(shown):
        title += " " + _("(the latest {n} shown)", n=len(shown))
    head = html.Thead(
        html.Tr([html.Th(h, scope="col") for h in (_("Day"), _("Unit"), _("Camp or site"), _("Governorate"))])
    )
    return html.Details(
        [
            html.Summary(title),
            cards.scrolling(
                html.Table([head, html.Tbody(rows)], className="mmc-data-table", id=ids.PLAN_MISSES), title
            ),
        ],
        open=total <= 20,
        className="plan-misses",
    )


def governorate_table(table: pd.DataFrame, deadline_days: int, table_id: str | None = None):
    """Per governorate: planned visits, made, completeness, unplanned and timeliness."""
    header = [
        _("Governorate"),
        _("Planned visits"),
        _("Made"),
        _("Completeness"),
        _("Unplanned visits"),
        ngettext("Reported within {n} day", "Reported within {n} days", deadline_days, n=deadline_days),
    ]
    rows = [
        html.Tr(
            [
                html.Th(r["governorate_name"], scope="row"),
                html.Td(number(r["planned"])),
                html.Td(number(r["made"])),
                html.Td(percent(r["completeness"]), className=_share_class(r["completeness"])),
                html.Td(number(r["unplanned"])),
                html.Td(percent(r["timeliness"])),
            ]
        )
        for r in table.to_dict("records")
    ]
    label = _("Completeness and timeliness by governorate")
    return cards.scrolling(
        html.Table(
            [html.Thead(html.Tr([html.Th(h, scope="col") for h in header])), html.Tbody(rows)],
            className="mmc-data-table mmc-numbers",
            **_named(table_id),
        ),
        label,
    )


def month_table(table: pd.DataFrame, table_id: str | None = None):
    """Governorates (rows) by month (columns): the share of planned visits made. What the public may see."""
    if table.empty:
        return cards.empty_state(_("No visit was planned in this period."))
    months = sorted(table["month"].unique())
    shares = {(r["governorate_name"], r["month"]): r["completeness"] for r in table.to_dict("records")}
    governorates = sorted(table["governorate_name"].unique())
    head = html.Thead(
        html.Tr([html.Th(_("Governorate"), scope="col")] + [html.Th(month_text(m), scope="col") for m in months])
    )
    body = html.Tbody(
        [
            html.Tr(
                [html.Th(g, scope="row")]
                + [html.Td(percent(shares.get((g, m))), className=_share_class(shares.get((g, m)))) for m in months]
            )
            for g in governorates
        ]
    )
    caption = _("Share of planned clinic visits made, by governorate and month")
    return cards.scrolling(
        html.Table(
            [html.Caption(caption), head, body],
            className="plan-heat mmc-numbers",
            **_named(table_id),
        ),
        caption,
    )


def week_columns(table: pd.DataFrame, week, deadline_days: int) -> tuple[tuple[str, dict[str, str]], ...]:
    """The briefing's gap table's columns for one week: each governorate's planned visits made (share, and made of
    planned) and its visits reported in time."""
    rows = table[(table["week"] == week) & (table["planned"] > 0)].to_dict("records")
    made = {r["governorate"]: percent(r["completeness"]) for r in rows}
    timely = {r["governorate"]: percent(r["timeliness"]) for r in rows}
    return (
        (_("Plan made, week of {week}", week=date_text(week, "dd MMM")), made),
        (ngettext("On time ({n} day)", "On time ({n} days)", deadline_days, n=deadline_days), timely),
    )
