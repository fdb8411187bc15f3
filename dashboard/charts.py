"""Plotly figures for the trends, built from the report tables. Plain functions: a table in, a figure out."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from dashboard.i18n import _

# Okabe-Ito, then greys: safe for the common colour-vision deficiencies.
PALETTE = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#000000",
    "#F0E442",
    "#999999",
    "#666666",
    "#332288",
    "#882255",
    "#44AA99",
    "#117733",
]
SYNDROME_NAMES = {
    "ari": "Acute respiratory infection",
    "awd": "Acute watery diarrhoea",
    "bloody_diarrhoea": "Bloody diarrhoea",
    "suspected_measles": "Suspected measles",
    "afp": "Acute flaccid paralysis",
    "acute_jaundice": "Acute jaundice",
    "suspected_meningitis": "Suspected meningitis",
    "leishmaniasis": "Leishmaniasis",
    "scabies": "Scabies",
    "hypertension": "Hypertension",
    "diabetes": "Diabetes",
    "mental_health": "Mental health",
    "injury": "Injury",
    "other": "Other",
}


_AXIS = {"gridcolor": "#EBF0F8", "linecolor": "#EBF0F8", "zerolinecolor": "#EBF0F8", "ticks": "", "automargin": True}
# The look of plotly's "plotly_white" in a few layout properties. Its full template describes every trace type and
# plotly.py copies it into each figure: that copying took most of a page's time (0.9 s for the trends' 21 charts).
pio.templates["mmc"] = go.layout.Template(
    layout={
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "colorway": PALETTE,
        "font": {"color": "#2a3f5f"},
        "xaxis": _AXIS,
        "yaxis": _AXIS,
        "hoverlabel": {"align": "left"},
    }
)
pio.templates.default = "mmc"
TEMPLATE = "mmc"


def syndrome_name(code: str) -> str:
    return _(SYNDROME_NAMES.get(code, code))


def _layout(fig: go.Figure, title: str, height: int = 380, y_title: str | None = None) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "font": {"size": 15}},
        template=TEMPLATE,
        height=height,
        margin={"l": 55, "r": 10, "t": 48, "b": 40},
        legend={"orientation": "h", "y": -0.18},
        hovermode="x unified",
    )
    if y_title:
        fig.update_yaxes(title=y_title, rangemode="tozero")
    return fig


def _partial_note(fig: go.Figure, table: pd.DataFrame) -> None:
    if "partial" in table and table["partial"].any():
        fig.add_annotation(
            text=_("Hollow points: periods cut by the start or end"),
            showarrow=False,
            xref="paper",
            yref="paper",
            x=1,
            y=1.08,
            xanchor="right",
            font={"size": 10, "color": "#666"},
        )


def _line(table: pd.DataFrame, gov: str, names: dict[str, str], colour: str, partial_size: int, **extra) -> go.Scatter:
    """One governorate's consultations per period; periods cut by the start or end as hollow points."""
    part = table[table["governorate"] == gov]
    return go.Scatter(
        x=part["period"],
        y=part["consultations"],
        mode="lines+markers",
        name=names.get(gov, gov),
        line={"color": colour, "width": 2},
        marker={"size": [partial_size if p else 0 for p in part["partial"]], "symbol": "circle-open"},
        **extra,
    )


def by_governorate(table: pd.DataFrame, names: dict[str, str], small_multiples: bool) -> go.Figure:
    """Consultations per period by governorate: one line each, or one small panel each when there are many."""
    govs = sorted(table["governorate"].unique(), key=lambda g: names.get(g, g))
    if small_multiples:
        cols = 4 if len(govs) > 6 else 3
        rows = -(-len(govs) // cols)
        fig = make_subplots(
            rows=rows,
            cols=cols,
            subplot_titles=[names.get(g, g) for g in govs],
            shared_xaxes=True,
            vertical_spacing=0.12,
            horizontal_spacing=0.05,
        )
        for i, gov in enumerate(govs):
            fig.add_trace(
                _line(table, gov, names, PALETTE[0], 7, showlegend=False), row=i // cols + 1, col=i % cols + 1
            )
        fig.update_annotations(font_size=12)
        _layout(fig, _("Consultations by governorate"), height=230 * rows + 60)
    else:
        fig = go.Figure()
        for i, gov in enumerate(govs):
            fig.add_trace(_line(table, gov, names, PALETTE[i % len(PALETTE)], 8))
        _layout(fig, _("Consultations by governorate"), y_title=_("Consultations"))
    _partial_note(fig, table)
    return fig


def by_syndrome(table: pd.DataFrame) -> go.Figure:
    """Consultations per period, stacked by syndrome (largest at the bottom)."""
    order = table.groupby("syndrome")["consultations"].sum().sort_values(ascending=False).index
    fig = go.Figure()
    for i, code in enumerate(order):
        part = table[table["syndrome"] == code]
        fig.add_trace(
            go.Bar(
                x=part["period"],
                y=part["consultations"],
                name=syndrome_name(code),
                marker_color=PALETTE[i % len(PALETTE)],
            )
        )
    fig.update_layout(barmode="stack")
    return _layout(fig, _("Consultations by syndrome"), height=420, y_title=_("Consultations"))


def by_age_and_sex(table: pd.DataFrame) -> go.Figure:
    """Consultations in the period by age group, split by sex."""
    totals = table.groupby(["age_group", "sex"], as_index=False)["consultations"].sum(min_count=1)
    ages = {"under5": _("Under 5"), "5plus": _("5 and over")}
    sexes = {"female": _("Female"), "male": _("Male")}
    fig = go.Figure()
    for i, (sex, label) in enumerate(sexes.items()):
        part = totals[totals["sex"] == sex].set_index("age_group").reindex(list(ages))
        fig.add_trace(
            go.Bar(
                x=[ages[a] for a in ages],
                y=part["consultations"],
                name=label,
                marker_color=PALETTE[i],
                text=part["consultations"],
                texttemplate="%{text:,}",
            )
        )
    fig.update_layout(barmode="group", hovermode="closest")
    return _layout(fig, _("Consultations by age group and sex"), y_title=_("Consultations"))


def referrals(table: pd.DataFrame) -> go.Figure:
    """Referrals per period, with the share of consultations referred on a second axis."""
    sums = table.groupby("period", as_index=False)[["consultations", "referrals"]].sum(min_count=1)
    share = (sums["referrals"] / sums["consultations"] * 100).round(1)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Bar(x=sums["period"], y=sums["referrals"], name=_("Referrals"), marker_color=PALETTE[0]))
    fig.add_trace(
        go.Scatter(
            x=sums["period"],
            y=share,
            name=_("Share referred (%)"),
            mode="lines",
            line={"color": PALETTE[5], "width": 2},
        ),
        secondary_y=True,
    )
    fig.update_yaxes(title_text=_("Referrals"), secondary_y=False, rangemode="tozero")
    fig.update_yaxes(title_text=_("% of consultations"), secondary_y=True, rangemode="tozero", showgrid=False)
    return _layout(fig, _("Referrals"))


def rates(table: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Weekly consultations per 1,000 camp residents, by governorate."""
    fig = go.Figure()
    for i, gov in enumerate(sorted(table["governorate"].unique(), key=lambda g: names.get(g, g))):
        part = table[table["governorate"] == gov]
        fig.add_trace(
            go.Scatter(
                x=part["period"],
                y=part["rate"],
                name=names.get(gov, gov),
                mode="lines",
                line={"color": PALETTE[i % len(PALETTE)], "width": 2},
            )
        )
    return _layout(fig, _("Consultations per 1,000 camp residents, per week"), y_title=_("per 1,000 residents"))


def comparison(table: pd.DataFrame) -> go.Figure:
    """The period against the one before and the same period a year earlier, by governorate."""
    periods = table.attrs.get("periods", {})
    labels = {"current": _("This period"), "previous": _("Period before"), "last_year": _("A year earlier")}
    fig = go.Figure()
    for i, (key, label) in enumerate(labels.items()):
        start, end = periods.get(key, (None, None))
        hover = f"{start:%d %b %Y} – {end:%d %b %Y}" if start else ""
        fig.add_trace(
            go.Bar(
                x=table["name"],
                y=table[key],
                name=label,
                marker_color=PALETTE[[0, 8, 1][i]],
                hovertemplate="%{x}: %{y:,}<br>" + hover + "<extra>" + label + "</extra>",
            )
        )
    fig.update_layout(barmode="group", hovermode="closest")
    return _layout(fig, _("Consultations against earlier periods"), y_title=_("Consultations"))


def expected(table: pd.DataFrame, alert_weeks: pd.DataFrame | None = None) -> go.Figure:
    """Observed weekly consultations against the expected band (mean of the previous weeks, two standard
    deviations either side); weeks with alerts marked when given."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=table["period"], y=table["high"], mode="lines", line={"width": 0}, showlegend=False, hoverinfo="skip"
        )
    )
    fig.add_trace(
        go.Scatter(
            x=table["period"],
            y=table["low"],
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor="rgba(86,180,233,0.25)",
            name=_("Expected range"),
        )
    )
    fig.add_trace(
        go.Scatter(
            x=table["period"],
            y=table["expected"],
            mode="lines",
            name=_("Expected"),
            line={"color": PALETTE[4], "dash": "dash"},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=table["period"],
            y=table["observed"],
            mode="lines+markers",
            name=_("Observed"),
            line={"color": PALETTE[0], "width": 2},
            marker={
                "size": [8 if p else 5 for p in table["partial"]],
                "symbol": ["circle-open" if p else "circle" for p in table["partial"]],
            },
        )
    )
    if alert_weeks is not None and not alert_weeks.empty:
        marks = alert_weeks.merge(table[["period", "observed"]], left_on="week", right_on="period")
        fig.add_trace(
            go.Scatter(
                x=marks["period"],
                y=marks["observed"],
                mode="markers",
                name=_("Alerts that week"),
                marker={"symbol": "triangle-up", "size": 13, "color": PALETTE[5]},
                customdata=marks["alerts"],
                hovertemplate="%{customdata} " + _("alerts"),
            )
        )
    return _layout(fig, _("Observed and expected consultations per week"), y_title=_("Consultations"))
