"""Loading the programme's data, for coordinators and admins: upload a file, see its errors or a preview, then load it.

The role is checked on the server when the page is built, in every callback and in every download route. Checking and
loading run in the background (dashboard.ingest.jobs) while the page shows progress; the same code path as
`python -m dashboard import` decides what is written (dashboard.ingest.pipeline).
?kind=camps|clinics|records|boundaries.
"""

from __future__ import annotations

import dash
import dash_ag_grid as dag
import dash_mantine_components as dmc
from dash import Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import words
from dashboard.data import loading, queries
from dashboard.i18n import N_, _, date_text, ngettext, number, rtl
from dashboard.ingest import formats, jobs, pipeline
from dashboard.server import auth, runtime
from dashboard.server.uploads import job_options
from dashboard.web import ids, shell
from dashboard.web.callbacks import drawn, user_changed
from dashboard.web.components import controls, notices, svgcharts

dash.register_page(
    __name__,
    path="/coordinator/data",
    name=N_("Data"),
    title=lambda: _("Load data · MMC Iraq"),
    mantine=True,
    grids=True,
)

BUSY = ("queued", "running", "reading", "checking", "writing", "saving", "summarising")


def _code(name: str):
    """A file's column name as the file must hold it: code, in every language (and read left to right)."""
    return html.Code(name, lang="en", dir="ltr")


def _columns(names) -> list:
    """Column names, listed."""
    out: list = []
    for name in names:
        out += [_(", ")] if out else []
        out.append(_code(name))
    return out


def kind_help(kind: str):
    """What a file of this kind holds, its columns, and its templates."""
    if kind == "boundaries":
        return dmc.Stack(
            [
                dmc.Text(
                    _(
                        "Governorate (ADM1) boundaries as GeoJSON, GeoPackage or a zipped shapefile, from OCHA COD-AB, "
                        "geoBoundaries, GADM or Natural Earth; the schema is detected. OCHA's download of every level "
                        "can be loaded as it is: its governorate layer is found. Other coordinate systems are "
                        "reprojected; the outlines are checked to lie in Iraq and shown on a map before you load them. "
                        "The newest file loaded is used on the map."
                    ),
                    size="sm",
                )
            ]
        )
    if kind == "weekly":
        return _weekly_help()
    required = [c.name for c in formats.SPECS[kind] if c.required]
    optional = [c.name for c in formats.SPECS[kind] if not c.required]
    pattern = []
    if kind == "rota":  # a row is a pattern or one dated visit
        pattern = [", ", _("weekdays and valid_from (a pattern), or date (one visit)")]
        optional = ["valid_to"]
    lines = {
        "camps": _("One row per camp and population date; name, governorate and position come from the latest row."),
        "clinics": _("One row per unit; a row whose code is loaded already replaces it."),
        "records": _(
            "Daily counts per unit, camp, syndrome, sex and age group; load camps and units first. A row whose date, "
            "unit, camp, syndrome, sex and age group are loaded already replaces it: loading a file twice never "
            "counts twice."
        ),
        "rota": _(
            "Where each unit is planned to go: a unit, a camp and either the weekdays it visits from valid_from (to "
            "valid_to, or open) or one date. Completeness and the silent units are measured against it; load camps "
            "and units first. A row whose unit, camp and first day are loaded already replaces it: to change a "
            "team's rota, load its row again with a valid_to, and the new one."
        ),
    }
    return dmc.Stack(
        [
            dmc.Text(lines[kind], size="sm"),
            dmc.Text(
                [html.B(_("Required columns: ")), *_columns(required), *pattern]
                + ([html.Br(), html.B(_("Optional: ")), *_columns(optional)] if optional else []),
                size="sm",
            ),
            dmc.Group(
                [
                    *_templates(kind),
                    dmc.Text(_("Download what is loaded:"), size="sm", ml="md"),
                    dmc.Anchor("CSV", href=f"/coordinator/data/export/{kind}.csv", size="sm", refresh=True),
                    dmc.Anchor("XLSX", href=f"/coordinator/data/export/{kind}.xlsx", size="sm", refresh=True),
                ],
                gap="xs",
            ),
        ],
        gap=6,
    )


def _templates(kind: str):
    return [
        dmc.Text(_("Templates with example rows:"), size="sm"),
        dmc.Anchor("CSV", href=f"/coordinator/data/templates/{kind}.csv", size="sm", refresh=True),
        dmc.Anchor("XLSX", href=f"/coordinator/data/templates/{kind}.xlsx", size="sm", refresh=True),
    ]


def _weekly_help():
    return dmc.Stack(
        [
            dmc.Text(
                _(
                    "Weekly counts as EWARN-style sheets report them: one row per camp (site), unit and "
                    "epidemiological week (year and week, or the week's first day), with one column per syndrome "
                    "(its code or a label such as ARI, AD or Skin diseases, optionally with sex and age group: "
                    '"ARI <5 F"), or with a syndrome column and a cases column. Each week is kept on its last '
                    "day; counts not split by sex or age group are kept as unknown. Load camps and units first."
                ),
                size="sm",
            ),
            dmc.Text(
                [
                    html.B(_("Required columns: ")),
                    *_columns(["camp_code", "clinic_code", "year"]),
                    " + ",
                    _code("week"),
                    " (",
                    _("or"),
                    " ",
                    _code("week_start"),
                    ")",
                ],
                size="sm",
            ),
            dmc.Group(_templates("weekly"), gap="xs"),
        ],
        gap=6,
    )


def holdings(engine) -> dmc.Alert:
    """What the database holds now, and whether it is the demo; while real data is not all loaded, the load order
    with what each step holds and the next step."""
    status = queries.data_status(engine)
    setup = notices.setup_notice(status)
    if setup is not None and not status.is_demo:
        return setup
    counts = loading.count_rows(engine)
    text = _(
        "The database holds camps and sites: {camps}; units: {clinics}; service records: {records}.",
        camps=number(counts["camps"]),
        clinics=number(counts["clinics"]),
        records=number(counts["records"]),
    )
    text += " " + (
        ngettext(
            "The visit plan has {n} row.", "The visit plan has {n} rows.", counts["rota"], n=number(counts["rota"])
        )
        if counts["rota"]
        else _("No visit plan (rota) is loaded.")
    )
    if status.first_date:
        text += " " + _(
            "Records from {first} to {last}.", first=date_text(status.first_date), last=date_text(status.last_date)
        )
    if status.is_demo:
        return dmc.Alert(
            [
                dmc.Text(text, size="sm"),
                dmc.Text(
                    _(
                        "This is the synthetic demo data. The first file you load removes it, so that real and "
                        "invented figures are never mixed."
                    ),
                    size="sm",
                ),
            ],
            title=_("Demo data (synthetic)"),
            color="yellow",
        )
    return dmc.Alert(dmc.Text(text, size="sm"), color="gray", variant="light")


def history_grid(engine):
    """The import history, for admins."""
    rows = loading.history(engine)
    for row in rows:
        row["created_at"] = f"{row['created_at']:%Y-%m-%d %H:%M}"
        row["sha256"] = (row["sha256"] or "")[:12]
    columns = [
        ("created_at", _("When (UTC)")),
        ("created_by", _("Who")),
        ("kind", _("What")),
        ("source", _("File")),
        ("status", _("Status")),
        ("rows_added", _("Added")),
        ("rows_replaced", _("Replaced")),
        ("rows_rejected", _("Rejected")),
        ("note", _("Why refused")),
        ("sha256", _("SHA-256 (first 12)")),
    ]
    return dmc.Stack(
        [
            dmc.Title(_("Import history"), order=4),
            dag.AgGrid(
                rowData=rows,
                columnDefs=[{"field": f, "headerName": h, "sortable": True, "filter": True} for f, h in columns],
                columnSize="autoSize",
                dashGridOptions={
                    "enableRtl": rtl(),
                    "domLayout": "autoHeight",
                    "pagination": True,
                    "paginationPageSize": 20,
                },
                style={"width": "100%"},
            ),
        ]
    )


@shell.with_mantine
def layout(kind: str | None = None, **_query):
    if not auth.role_at_least("coordinator"):
        return notices.sign_in_required("/coordinator/data")
    engine = runtime.engine()
    status = queries.data_status(engine)
    first = status.missing[0] if status.missing and not status.is_demo else "records"  # the next file to load
    notice = None
    if kind is not None and kind not in pipeline.KINDS:
        notice = notices.parameter_notice("kind", _("use one of {kinds}", kinds=", ".join(pipeline.KINDS)))
        kind = None
    kind = kind or first
    labels = notices.kind_labels()
    max_mb = runtime.settings().max_upload_mb
    return dmc.Stack(
        [
            controls.navigator(),  # (the choice of kind changes the address)
            notice,
            dmc.Group(
                [
                    dmc.Title(_("Load data"), order=1, size="h2"),
                    dmc.Anchor(_("Formats, other names and definitions"), href="/formats", size="sm"),
                ],
                justify="space-between",
            ),
            html.Div(holdings(engine), id=ids.DATA_HOLDINGS),
            dmc.Paper(
                dmc.Stack(
                    [
                        dmc.Text(_("1. What the file holds"), fw=600),
                        dmc.SegmentedControl(
                            id=ids.DATA_KIND,
                            value=kind,
                            data=[{"value": k, "label": labels[k]} for k in pipeline.KINDS],
                        ),
                        html.Div(kind_help(kind), id=ids.DATA_HELP),
                        dmc.Text(_("2. The file"), fw=600, mt="sm"),
                        upload_zone(kind, max_mb),
                    ],
                    gap="xs",
                ),
                withBorder=True,
                p="md",
            ),
            html.Div(id=ids.DATA_RESULT),
            dmc.Button(_("Load"), id=ids.DATA_LOAD, style={"display": "none"}, color="blue"),
            dcc.Store(id=ids.DATA_JOB),
            dcc.Store(id=ids.DATA_SENT),
            drawn(ids.DATA_DRAWN, {ids.DATA_KIND: kind}),
            dcc.Interval(id=ids.DATA_POLL, interval=500, disabled=True),
            html.Div(history_grid(engine) if auth.role_at_least("admin") else None, id=ids.DATA_HISTORY),
        ],
        gap="md",
    )


# -- what the page shows of a job ------------------------------------------------------------------------------------


def _problem_table(items: list[dict], total: int, color: str):
    """Each kind of problem once, with the rows that have it (the first few named, all counted)."""
    rows = [
        html.Tr(
            [
                html.Td(words.rows_text(p) or "–"),
                html.Td(p["column"] or "–"),
                html.Td(words.say(p.get("text", p["message"]))),
            ]
        )
        for p in items
    ]
    unlisted = total - sum(p.get("count", 1) for p in items)
    more = (
        [dmc.Text(_("… and {n} more, of other kinds.", n=number(unlisted)), size="sm", c=color)] if unlisted > 0 else []
    )
    head = html.Thead(html.Tr([html.Th(_("Rows")), html.Th(_("Column")), html.Th(_("Problem"))]))
    table = dmc.Table([head, html.Tbody(rows)], fz="sm", striped=True, horizontalSpacing="sm", className="data-table")
    return dmc.Stack([table, *more], gap=4)


def _outlines(features: list[dict]):
    """A boundary file's outlines on a small map, to see before Load that they are Iraq's governorates."""
    if not features:
        return None
    names = ", ".join(f["properties"]["name"] for f in features)
    return dmc.Stack(
        [
            dmc.Text(_("The outlines as they will be drawn, the programme's governorates shaded:"), size="sm", fw=600),
            html.Img(
                src=svgcharts.data_uri(svgcharts.outlines(features)),
                alt=_("Map of the file's governorates: {names}", names=names),
                id=ids.DATA_OUTLINES,
                style={"maxWidth": "480px", "width": "100%"},
            ),
        ],
        gap=4,
    )


def _preview(rows: list[dict]):
    if not rows:
        return None
    columns = list(rows[0])
    return dmc.Stack(
        [
            dmc.Text(_("The first rows, as they will be stored:"), size="sm", fw=600),
            dmc.ScrollArea(
                dmc.Table(
                    [
                        html.Thead(html.Tr([html.Th(c) for c in columns])),
                        html.Tbody([html.Tr([html.Td(r[c]) for c in columns]) for r in rows]),
                    ],
                    fz="xs",
                    striped=True,
                    className="data-table",
                )
            ),
        ],
        gap=4,
    )


HIDDEN = {"display": "none"}


def upload_zone(kind: str, max_mb: int):
    """Where a file is dropped or chosen: assets/upload.js puts the file input in this label (Dash has no plain file
    input), sends the file to the upload route (server/uploads.py) as it is, with the session's token, and shows how
    much is sent; the route's answer comes back through ids.DATA_SENT."""
    words = {
        "data-kind": kind,
        "data-csrf": auth.csrf_token(),
        "data-input": ids.DATA_FILE,
        "data-sending": _("Sending the file: {percent}%", percent="{percent}"),
        "data-failed": _("The file could not be sent: check the connection and choose it again."),
        "data-max-bytes": str(max_mb * 2**20),  # (a larger file is refused here, before minutes of sending)
        "data-too-large": _(
            "The file is larger than the {n} MB accepted (MAX_UPLOAD_MB): split it, for example by year, and load "
            "the parts one after another.",
            n=max_mb,
        ),
    }
    return html.Label(
        [
            html.Span(
                [
                    _("Drop a file here or "),
                    html.Span(_("choose one"), className="upload-choose"),
                    html.Span(" " + _("(CSV UTF-8 or XLSX; up to {n} MB)", n=max_mb), className="upload-hint"),
                ]
            ),
            html.Span(className="upload-sending", role="status"),
        ],
        id=ids.DATA_UPLOAD,
        className="upload-zone",
        **words,  # type: ignore[arg-type]  # (data-* attributes, which Dash passes on as they are)
    )


def job_view(current: dict) -> tuple[object, dict, str | None]:
    """(what to show, the Load button's style, its label) for a job's status."""
    phase = current.get("phase")
    name = current.get("filename", "")
    outcome = current.get("outcome") or {}
    if phase in BUSY:
        return _progress(phase, name, current.get("done", 0), current.get("total", 0)), HIDDEN, None
    if phase == "failed":
        failed = _("Nothing was loaded: {message}", message=current.get("message", ""))
        return dmc.Alert(failed, color="red", title=_("Failed")), HIDDEN, None
    if outcome.get("error_count"):
        return _refused(name, outcome), HIDDEN, None
    if phase == "loaded":
        return _loaded(name, outcome), HIDDEN, None
    return (
        _ready(name, outcome),
        {"alignSelf": "flex-start"},
        ngettext("Load {n} row", "Load {n} rows", outcome.get("rows", 0), n=number(outcome.get("rows", 0))),
    )


def _progress(phase: str, name: str, done: int, total: int):
    """A job on its way: what it does now, and how far it is."""
    words = {
        "queued": _("Waiting to start…"),
        "running": _("Working on {file}…", file=name),
        "reading": _("Reading {file}…", file=name),
        "checking": ngettext("Checking {n} row…", "Checking {n} rows…", total, n=number(total)),
        "writing": ngettext(
            "Writing {done} of {total} row…",
            "Writing {done} of {total} rows…",
            total,
            done=number(done),
            total=number(total),
        ),
        "saving": ngettext("Saving {n} row…", "Saving {n} rows…", total, n=number(total)),
        "summarising": _("Updating the dashboards' totals…"),
    }
    share = (
        100 * done / total
        if total and phase in ("checking", "writing")
        else (100 if phase in ("saving", "summarising") else 0)
    )
    return dmc.Stack(
        [
            dmc.Text(words[phase], size="sm"),
            dmc.Progress(value=share if share else 100, animated=True, striped=True, size="lg"),
        ],
        gap=4,
    )


def _notes_and_warnings(outcome: dict) -> tuple[list, list]:
    notes = [dmc.Text(words.say(n), size="sm", c="dimmed") for n in outcome.get("notes_text", outcome.get("notes", []))]
    warnings = (
        [
            dmc.Text(_("Warnings: the file can be loaded, but check these figures."), size="sm", fw=600, c="orange"),
            _problem_table(outcome["warnings"], outcome["warning_count"], "orange"),
        ]
        if outcome.get("warning_count")
        else []
    )
    return notes, warnings


def _refused(name: str, outcome: dict):
    """A file with errors: every error by row and column, and nothing loaded."""
    notes, warnings = _notes_and_warnings(outcome)
    message = ngettext(
        "{n} error in {file}: nothing was loaded. Correct it and load the file again.",
        "{n} errors in {file}: nothing was loaded. Correct them and load the file again.",
        outcome["error_count"],
        n=number(outcome["error_count"]),
        file=name,
    )
    return dmc.Stack(
        [
            dmc.Alert(message, color="red", title=_("The file has errors")),
            *notes,
            _problem_table(outcome["errors"], outcome["error_count"], "red"),
            *warnings,
        ],
        gap="xs",
    )


def _loaded(name: str, outcome: dict):
    """A file loaded: what it added and replaced, and where to see it."""
    _notes, warnings = _notes_and_warnings(outcome)
    text = ngettext(
        "{file}: {added} row added, {replaced} replaced. The dashboards show the new data now.",
        "{file}: {added} rows added, {replaced} replaced. The dashboards show the new data now.",
        outcome["added"],
        file=name,
        added=number(outcome["added"]),
        replaced=number(outcome["replaced"]),
    )
    if outcome.get("removed_demo"):
        text += " " + _("The demo data was removed.")
    return dmc.Stack(
        [
            dmc.Alert(text, color="green", title=_("Loaded")),
            dmc.Group(  # plain links: a full load, so the header drops the demo label too
                [html.A(_("Overview"), href="/"), html.A(_("Coverage gaps"), href="/coordinator")]
            ),
            *warnings,
        ],
        gap="xs",
    )


def _ready(name: str, outcome: dict):
    """A file checked without errors: a preview, and nothing written until Load."""
    notes, warnings = _notes_and_warnings(outcome)
    demo = (
        [dmc.Alert(_("Loading this file removes the synthetic demo data."), color="yellow")]
        if outcome.get("replaces_demo")
        else []
    )
    ready = ngettext(
        "No errors in the {n} row of {file}. Nothing is written until you press Load.",
        "No errors in {n} rows of {file}. Nothing is written until you press Load.",
        outcome.get("rows", 0),
        n=number(outcome.get("rows", 0)),
        file=name,
    )
    return dmc.Stack(
        [
            dmc.Alert(ready, color="blue", title=_("Ready to load")),
            *notes,
            *demo,
            *warnings,
            _outlines(outcome.get("outlines") or []),
            _preview(outcome.get("preview", [])),
        ],
        gap="xs",
    )


# -- callbacks -------------------------------------------------------------------------------------------------------


def _account():
    """The signed-in coordinator or admin (checked against the database once per callback); nothing for anyone else."""
    account = auth.current_user()
    if account is None or auth.RANK[account.role] < auth.RANK["coordinator"]:
        raise PreventUpdate
    return account


@dash.callback(
    Output(ids.PAGE_NAVIGATE, "href", allow_duplicate=True),
    Input(ids.DATA_KIND, "value"),
    State(ids.DATA_DRAWN, "data"),
    prevent_initial_call=True,
)
def choose_kind(kind, drawn_values):
    _account()
    if not user_changed(drawn_values) or kind not in pipeline.KINDS:
        return no_update  # a control reporting itself as it is drawn must not replace a link (and its notice)
    return f"/coordinator/data?kind={kind}"


@dash.callback(
    Output(ids.DATA_JOB, "data"),
    Output(ids.DATA_POLL, "disabled"),
    Output(ids.DATA_RESULT, "children"),
    Output(ids.DATA_LOAD, "style"),
    Input(ids.DATA_SENT, "data"),
    Input(ids.DATA_LOAD, "n_clicks"),
    State(ids.DATA_JOB, "data"),
    prevent_initial_call=True,
)
def start(sent, _load_clicks, job):
    """A file the upload route received is being checked (it queued the check); Load loads the checked file
    (checking it again first)."""
    user = _account().username
    settings, engine = runtime.settings(), runtime.engine()
    hidden = HIDDEN
    expired = dmc.Alert(_("That upload has expired: choose the file again."), color="red")
    if dash.ctx.triggered_id == ids.DATA_LOAD:
        if not job:
            raise PreventUpdate
        try:
            jobs.start(engine, job, user, load=True, **job_options(settings))
        except jobs.JobError:
            return None, True, expired, hidden
        except jobs.NotChecked:
            not_ready = _("Only a file whose check found no errors can be loaded: correct it and choose it again.")
            return job, True, dmc.Alert(not_ready, color="red"), hidden
        return job, False, job_view({"phase": "queued"})[0], hidden
    if not sent:
        raise PreventUpdate
    if sent.get("error") or not sent.get("job"):
        refused = sent.get("error") or _("The file could not be received: try again.")
        return None, True, dmc.Alert(refused, color="red"), hidden
    try:
        jobs.status(engine, sent["job"], user, settings.redis_url)  # (the route made it for this user; not another's)
    except jobs.JobError:
        return None, True, expired, hidden
    return sent["job"], False, job_view({"phase": "queued"})[0], hidden


@dash.callback(
    Output(ids.DATA_RESULT, "children", allow_duplicate=True),
    Output(ids.DATA_LOAD, "style", allow_duplicate=True),
    Output(ids.DATA_LOAD, "children"),
    Output(ids.DATA_POLL, "disabled", allow_duplicate=True),
    Output(ids.DATA_HOLDINGS, "children"),
    Output(ids.DATA_HISTORY, "children"),
    Output(ids.DEMO_BANNER, "style"),
    Output(ids.DEMO_BADGE, "children"),
    Input(ids.DATA_POLL, "n_intervals"),
    State(ids.DATA_JOB, "data"),
    prevent_initial_call=True,
)
def poll(_n, job):
    account = _account()
    if not job:
        raise PreventUpdate
    try:
        current = jobs.status(runtime.engine(), job, account.username, runtime.settings().redis_url)
    except jobs.JobError:
        expired = dmc.Alert(_("That upload has expired: choose the file again."), color="red")
        return expired, no_update, no_update, True, no_update, no_update, no_update, no_update
    view, style, label = job_view(current)
    finished = current.get("phase") not in BUSY
    engine = runtime.engine()
    loaded = finished and current.get("phase") == "loaded"
    demo_gone = loaded and (current.get("outcome") or {}).get("removed_demo")
    return (
        view,
        style,
        label or no_update,
        finished,
        holdings(engine) if loaded else no_update,
        history_grid(engine) if finished and account.role == "admin" else no_update,
        {"display": "none"} if demo_gone else no_update,
        None if demo_gone else no_update,
    )
