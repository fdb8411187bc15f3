"""The coordinators' page: units with their bases and workload. Signed-in coordinators and admins only; the role is
checked on the server when the page is built, so nobody else is ever sent this data.

The URL carries the period: ?start=YYYY-MM-DD&end=YYYY-MM-DD.
"""

from __future__ import annotations

import dash
import dash_ag_grid as dag
import dash_mantine_components as dmc

from dashboard import analytics, auth, components, ids, runtime
from dashboard.i18n import _
from dashboard.store import access

dash.register_page(__name__, path="/coordinator", name="Coordinators", title="Coordinators · MMC Iraq", nav_order=2)


def layout(**query):
    if not auth.role_at_least("coordinator"):
        return components.sign_in_required("/coordinator")
    engine = runtime.engine()
    f, notice = components.resolve_filters(query, access.data_status(engine))
    period_start, period_end = f.start, f.end
    names = access.governorate_names(engine)
    clinics = analytics.clinic_workload(access.clinics_in_period(engine, f))
    clinics["governorate"] = clinics["governorate"].map(names)
    clinics["unit_type"] = clinics["unit_type"].map({"mmc": _("MMC"), "ambulance": _("Ambulance")})
    clinics["last_visit"] = clinics["last_visit"].map(lambda d: d.isoformat() if d else None)
    columns = [
        ("code", _("Code")),
        ("name", _("Unit")),
        ("unit_type", _("Type")),
        ("governorate", _("Governorate")),
        ("base_latitude", _("Base latitude")),
        ("base_longitude", _("Base longitude")),
        ("clinicians", _("Clinicians")),
        ("visits", _("Visits")),
        ("camps_served", _("Camps served")),
        ("consultations", _("Consultations")),
        ("per_clinician_day", _("Per clinician per day")),
        ("last_visit", _("Last visit")),
    ]
    grid = dag.AgGrid(
        id=ids.CLINIC_GRID,
        rowData=clinics[[c for c, _label in columns]].to_dict("records"),
        columnDefs=[{"field": c, "headerName": label, "filter": True, "sortable": True} for c, label in columns],
        defaultColDef={"resizable": True, "minWidth": 90},
        dashGridOptions={"animateRows": False},
        columnSize="autoSize",
        style={"height": "600px"},
    )
    period = _("{start} to {end}", start=f"{period_start:%d %b %Y}", end=f"{period_end:%d %b %Y}")
    return dmc.Stack(
        [
            dmc.Group(
                [dmc.Title(_("Units"), order=2), dmc.Text(period, c="dimmed", size="lg")], justify="space-between"
            ),
            dmc.Text(_("Consultations per clinician per day: the standard is fewer than 50."), size="sm", c="dimmed"),
            grid,
        ]
    )
