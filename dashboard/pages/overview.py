"""The public overview: headline figures, the map and the weekly trend, from the data-access layer.

The URL carries the view: ?start=YYYY-MM-DD&end=YYYY-MM-DD. Public: no clinic bases, no visit dates; counts from 1
to k-1 are hidden.
"""

from __future__ import annotations

import dash
import dash_mantine_components as dmc

from dashboard import analytics, components, ids, runtime
from dashboard.i18n import _, number
from dashboard.store import access

dash.register_page(__name__, path="/", name="Overview", title="Mobile Medical Clinics, Iraq", nav_order=0)


def _unit_features(units, labels: dict) -> dict:
    """Units as one badge per governorate: counts only, placed on the governorate's label point."""
    features = []
    points = {f["properties"]["iso"]: f["geometry"] for f in labels["features"]}
    for gov, rows in units.groupby("governorate"):
        counts = dict(zip(rows["unit_type"], rows["units"], strict=True))
        text = _("MMC {mmc} · Amb. {amb}", mmc=counts.get("mmc", 0), amb=counts.get("ambulance", 0))
        if gov in points:
            features.append({"type": "Feature", "geometry": points[gov], "properties": {"html": text}})
    return {"type": "FeatureCollection", "features": features}


def layout(start: str | None = None, end: str | None = None, **_query):
    engine, settings = runtime.engine(), runtime.settings()
    status = access.data_status(engine)
    if not status.has_data:
        return components.empty_state(_("No data is loaded yet. Load the demo data or import the programme's files."))
    notice = None
    try:
        period_start, period_end = analytics.parse_period(start, end, status.first_date, status.last_date)
    except ValueError as exc:
        notice = dmc.Alert(
            _("The link's period was not understood ({error}); showing the latest year instead.", error=str(exc)),
            color="orange",
            mb="md",
        )
        period_start, period_end = analytics.parse_period(None, None, status.first_date, status.last_date)

    names = access.governorate_names(engine)
    camps = analytics.camp_status(
        access.camps_in_period(engine, period_start, period_end),
        access.population_history(engine),
        period_start,
        period_end,
    )
    figures = analytics.headline(access.period_totals(engine, period_start, period_end), camps)
    k = settings.suppression_k

    from dashboard.boundaries import load_boundaries

    boundaries = load_boundaries(settings.boundaries_file or None)
    programme = {g: {} for g in camps["governorate"].unique()}
    gov_layer = analytics.governorate_features(boundaries, programme, names)
    labels = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"iso": f["properties"]["iso"], "name": f["properties"]["name"]},
                "geometry": {"type": "Point", "coordinates": list(analytics.label_point(f["geometry"]))},
            }
            for f in gov_layer["features"]
            if f["properties"]["programme"]
        ],
    }

    def tooltip(row) -> str:
        return (
            f"<b>{row.name}</b><br>{names.get(row.governorate, row.governorate)}<br>"
            + _("Population: {n}", n=number(row.population))
            + "<br>"
            + components.status_label(row.status)
        )

    camp_layer = analytics.camp_features(camps, tooltip)
    units = _unit_features(access.units_by_governorate(engine, period_start, period_end), labels)
    weekly = analytics.weekly(access.daily_totals(engine, period_start, period_end), period_start, period_end)

    cards = components.figure_cards(
        [
            (
                _("People reached"),
                number(figures["population_reached"]),
                _("in camps visited in the period (population at its end)"),
            ),
            (
                _("Consultations"),
                number(analytics.suppress(figures["consultations"], k)),
                _("{n} referrals", n=number(analytics.suppress(figures["referrals"], k))),
            ),
            (_("Camps reached"), f"{figures['camps_reached']} / {figures['camps']}", _("camps and sites with a visit")),
            (_("Units active"), number(figures["active_units"]), _("MMCs and ambulances with a visit")),
        ]
    )
    period = _("{start} to {end}", start=f"{period_start:%d %b %Y}", end=f"{period_end:%d %b %Y}")
    chart = (
        components.weekly_chart(weekly, names, k)
        if not weekly.empty
        else components.empty_state(_("No consultations were recorded in this period."))
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
                            [components.camp_map(gov_layer, labels, camp_layer, units), components.legend()], gap="xs"
                        ),
                        span={"base": 12, "lg": 7},
                    ),
                    dmc.GridCol(chart, span={"base": 12, "lg": 5}),
                ]
            ),
            dmc.Text(
                _(
                    "Data loaded {when}. Camp lists: CCCM Cluster Iraq; boundaries: Natural Earth (public domain). "
                    "Counts from 1 to {k1} are hidden to protect small camps.",
                    when=f"{status.last_loaded_at:%d %b %Y}" if status.last_loaded_at else "–",
                    k1=k - 1,
                ),
                size="xs",
                c="dimmed",
            ),
        ],
        gap="sm",
    )
