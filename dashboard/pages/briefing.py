"""Briefing mode: one screen per topic for a projector (being built)."""

import dash
import dash_mantine_components as dmc

from dashboard.i18n import _

dash.register_page(__name__, path="/briefing", name="Briefing", title="Briefing · MMC Iraq", nav_order=1)


def layout(**_query):
    return dmc.Stack([dmc.Title(_("Briefing"), order=2), dmc.Text(_("Briefing mode is being built."))])
