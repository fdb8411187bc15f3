"""The public overview: headline figures, the map and the weekly trend.

The URL carries the view: ?start=YYYY-MM-DD&end=YYYY-MM-DD&governorate=IQ-DA (repeatable)&syndrome=ari. Public:
no clinic bases, no visit dates; consultation and referral counts from 1 to k-1 are hidden. Signed-in coordinators
see the same page unsuppressed.
"""

from __future__ import annotations

from dataclasses import replace

import dash
import dash_mantine_components as dmc

from dashboard import analytics, auth, components, ids, reports, runtime
from dashboard.boundaries import load_boundaries
from dashboard.i18n import _, number
from dashboard.store import access

dash.register_page(__name__, path="/", name="Overview", title="Mobile Medical Clinics, Iraq", nav_order=0)


def unit_badges(units, labels: dict) -> dict:
    """Units as one badge per governorate: counts only, placed on the governorate's label point."""
    features = []
    points = {f["properties"]["iso"]: f["geometry"] for f in labels["features"]}
    for gov, rows in units.groupby("governorate"):
        counts = dict(zip(rows["unit_type"], rows["units"], strict=True))
        text = _("MMC {mmc} · Amb. {amb}", mmc=counts.get("mmc", 0), amb=counts.get("ambulance", 0))
        if gov in points:
            features.append({"type": "Feature", "geometry": points[gov], "properties": {"html": text}})
    return {"type": "FeatureCollection", "features": features}


def map_layers(engine, settings, f, camp_table, gov_figures: dict[str, dict]):
    """The public map's layers: governorates with their figures, names, camps by status, unit counts."""
    names = access.governorate_names(engine)
    values = {
        g: {
            "tooltip": f"<b>{names.get(g, g)}</b><br>"
            + _("Consultations: {n}", n=number(v.get("consultations")))
            + "<br>"
            + _("Camps reached: {n}", n=v.get("camps_reached", 0))
        }
        for g, v in gov_figures.items()
    }
    for gov in camp_table["governorate"].unique():
        values.setdefault(gov, {})
    gov_layer = analytics.governorate_features(load_boundaries(settings.boundaries_file or None), values, names)
    labels = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"iso": ft["properties"]["iso"], "name": ft["properties"]["name"]},
                "geometry": {"type": "Point", "coordinates": list(analytics.label_point(ft["geometry"]))},
            }
            for ft in gov_layer["features"]
            if ft["properties"]["programme"]
        ],
    }

    def tooltip(row) -> str:
        population = analytics.suppress(int(row.population), settings.suppression_k)
        return (
            f"<b>{row.name}</b><br>{names.get(row.governorate, row.governorate)}<br>"
            + _("Population: {n}", n=number(population))
            + "<br>"
            + components.status_label(row.status)
        )

    camps = analytics.camp_features(camp_table, tooltip)
    return gov_layer, labels, camps, unit_badges(reports.units(engine, f), labels)


def layout(**query):
    engine, settings = runtime.engine(), runtime.settings()
    status = access.data_status(engine)
    if not status.has_data:
        return components.empty_state(_("No data is loaded yet. Load the demo data or import the programme's files."))
    f, notice = components.resolve_filters(query, status)
    k = None if auth.role_at_least("coordinator") else settings.suppression_k
    names = access.governorate_names(engine)
    camp_table = reports.camps(engine, f, settings.not_reached_days, settings.min_utilisation)
    summary = reports.summary(engine, f, k, camp_table)
    figures = summary["totals"]
    by_gov = {row["governorate"]: row for row in summary["governorates"]}
    gov_layer, labels, camps, units = map_layers(engine, settings, f, camp_table, by_gov)
    weekly = reports.trends(engine, replace(f, freq="week"), k)

    cards = components.figure_cards(
        [
            (
                _("People reached"),
                number(figures["population_reached"]),
                _("in camps visited in the period (population at its end)"),
            ),
            (_("Consultations"), number(figures["consultations"]), _("{n} referrals", n=number(figures["referrals"]))),
            (_("Camps reached"), f"{figures['camps_reached']} / {figures['camps']}", _("camps and sites with a visit")),
            (_("Units active"), number(figures["active_units"]), _("MMCs and ambulances with a visit")),
        ]
    )
    period = _("{start} to {end}", start=f"{f.start:%d %b %Y}", end=f"{f.end:%d %b %Y}")
    chart = (
        components.weekly_chart(weekly, names)
        if not weekly.empty
        else components.empty_state(_("No consultations were recorded in this period."))
    )
    hidden = (
        _(
            "Counts from 1 to {k1} are hidden to protect small camps, with as many others as needed so that "
            "they cannot be worked out from the totals.",
            k1=k - 1,
        )
        if k
        else _("You are signed in: no count is hidden.")
    )
    return dmc.Stack(
        [
            notice,
            dmc.Group(
                [
                    dmc.Title(_("Mobile Medical Clinics for displaced people"), order=2),
                    dmc.Text(period, id=ids.PERIOD_TEXT, c="dimmed", size="lg"),
                ],
                justify="space-between",
            ),
            cards,
            dmc.Grid(
                [
                    dmc.GridCol(
                        dmc.Stack(
                            [components.camp_map(gov_layer, labels, camps, units), components.legend()], gap="xs"
                        ),
                        span={"base": 12, "lg": 7},
                    ),
                    dmc.GridCol(chart, span={"base": 12, "lg": 5}),
                ]
            ),
            dmc.Text(
                _(
                    "Data loaded {when}. Camp lists: CCCM Cluster Iraq; boundaries: Natural Earth (public domain).",
                    when=f"{status.last_loaded_at:%d %b %Y}" if status.last_loaded_at else "–",
                )
                + " "
                + hidden,
                size="xs",
                c="dimmed",
                id=ids.SOURCES,
            ),
        ],
        gap="sm",
    )
