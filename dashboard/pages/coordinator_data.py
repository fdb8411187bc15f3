"""Loading the programme's data (being built). Coordinators and admins only."""

import dash
import dash_mantine_components as dmc

from dashboard import auth, components
from dashboard.i18n import _

dash.register_page(__name__, path="/coordinator/data", name="Data", title="Data · MMC Iraq")


def layout(**_query):
    if not auth.role_at_least("coordinator"):
        return components.sign_in_required("/coordinator/data")
    return dmc.Stack([dmc.Title(_("Load data"), order=2), dmc.Text(_("Loading files is being built."))])
