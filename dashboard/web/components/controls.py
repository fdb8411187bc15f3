"""The filter bar a page draws its period and governorates in; a change navigates (web.callbacks)."""

from __future__ import annotations

import dash_mantine_components as dmc

from dashboard.domain.reference import PROGRAMME_GOVERNORATES
from dashboard.i18n import _
from dashboard.web import ids
from dashboard.web.callbacks import drawn


def filter_bar(f, first, last, names: dict[str, str]):
    """Period and governorates; a change navigates to the same page with the new filters in its URL."""
    return dmc.Group(
        [
            dmc.DatePickerInput(
                id=ids.FILTER_PERIOD,
                type="range",
                label=_("Period"),
                value=[f.start.isoformat(), f.end.isoformat()],
                minDate=first.isoformat() if first else None,
                maxDate=last.isoformat() if last else None,
                valueFormat="DD MMM YYYY",
                allowSingleDateInRange=True,
                w={"base": "100%", "sm": 280},
            ),
            dmc.MultiSelect(
                id=ids.FILTER_GOVERNORATES,
                label=_("Governorates"),
                placeholder=_("All seven"),
                data=[{"value": g.iso, "label": names.get(g.iso, g.name_en)} for g in PROGRAMME_GOVERNORATES],
                value=list(f.governorates),
                clearable=True,
                w={"base": "100%", "sm": 360},
            ),
            drawn(
                ids.FILTER_DRAWN,
                {
                    ids.FILTER_PERIOD: [f.start.isoformat(), f.end.isoformat()],
                    ids.FILTER_GOVERNORATES: list(f.governorates),
                },
            ),
        ],
        align="flex-end",
        className="no-print",
        mb="sm",
    )
