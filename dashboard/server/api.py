"""The read-only JSON API, /api/v1, documented at /api/v1/openapi.json.

Public endpoints apply the public policy as the public pages do (policy.py: whole weeks, protected counts); a
signed-in coordinator (the same session cookie) gets exact counts for any period. /api/v1/gaps and /api/v1/alerts
are for coordinators only. `format=csv` gives CSV with an HXL row. A bad parameter gives 400 with a JSON error that
names it. A public answer is kept and validated as every public answer is (server/answers.py): an ETag, a 304
for a repeat, s-maxage=60 for nginx.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import NamedTuple

from flask import Blueprint, Response, jsonify, request

from dashboard import __version__, words
from dashboard.data import columns, queries, version
from dashboard.domain import policy
from dashboard.domain.filters import Filters, ParameterError, parse_filters
from dashboard.domain.messages import Message, message_of
from dashboard.domain.policy import Audience
from dashboard.domain.reference import SYNDROMES
from dashboard.i18n import _, language
from dashboard.server import auth, runtime
from dashboard.services import exports, figures

api = Blueprint("api", __name__, url_prefix="/api/v1")
COMMON = ("start", "end", "governorate", "syndrome", "format")


class ApiError(Exception):
    """An answer's refusal: its HTTP status, what it says (a Message, said in the reader's language as the 429's
    message is; programs read the status and `parameter`, which never change) and the parameter at fault."""

    def __init__(self, status: int, message: Message | str, parameter: str | None = None):
        super().__init__(message)
        self.status, self.message, self.parameter = status, message, parameter


@api.errorhandler(ApiError)
def _api_error(exc: ApiError):
    body = {"error": {"message": words.say(exc.message)}}
    if exc.parameter:
        body["error"]["parameter"] = exc.parameter
    return jsonify(body), exc.status


class Asked(NamedTuple):
    """A request's filters as its viewer may use them, what the policy changed of them, and the data's state."""

    f: Filters
    status: queries.DataStatus
    audience: Audience
    adjusted: list


def _filters(allowed: tuple[str, ...] = COMMON) -> Asked:
    unknown = sorted(set(request.args) - set(allowed) - {"lang"})  # (lang: the names' language, server/language.py)
    if unknown:
        raise ApiError(
            400,
            Message("unknown parameter {name}: use {allowed}", name=repr(unknown[0]), allowed=", ".join(allowed)),
            unknown[0],
        )
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "csv"):
        raise ApiError(400, Message("format must be json or csv, not {value}", value=repr(fmt)), "format")
    status = queries.data_status(runtime.engine())
    try:
        f = parse_filters(request.args, status.first_date, status.last_date)
    except ParameterError as exc:
        raise ApiError(400, message_of(exc), exc.parameter) from None
    audience = auth.audience()
    f, adjusted = policy.for_audience(f, audience)
    if "start" not in request.args and "end" not in request.args:  # the default period: nothing was asked to widen
        adjusted = [a for a in adjusted if a.code != "whole_weeks"]
    return Asked(f, status, audience, adjusted)


def _meta(asked: Asked) -> dict:
    k = asked.audience.k
    return {
        "filters": asked.f.query(),
        "adjusted": [{"parameter": a.parameter, "reason": a.code} for a in asked.adjusted],
        "data_loaded_at": asked.status.last_loaded_at.isoformat() if asked.status.last_loaded_at else None,
        "demo_data": asked.status.is_demo,
        "suppression": {
            "k": k,
            "method": "weekly_cells_rounded" if k else None,
            "note": _(
                "Counts are sums of weekly counts by governorate and syndrome in which each count from 1 to k-1 is 0 "
                "or k (at random, the same way every time): small figures are approximate. Periods are whole weeks."
            )
            if k
            else None,
        },
    }


def _plain(value):
    """JSON-safe scalars: dates as ISO strings, NaN and NA as null, numpy numbers as Python numbers."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    try:
        if value != value:  # pandas NA
            return None
    except TypeError:
        return None
    return value


def _csv(rows: list[dict], columns, name: str) -> Response:
    return Response(
        exports.to_csv(rows, columns),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


SUMMARY_COLUMNS = [
    ("governorate", "governorate", "#adm1+code"),
    ("name", "name", "#adm1+name"),
    ("consultations", "consultations", "#indicator+consultations+num"),
    ("referrals", "referrals", "#indicator+referrals+num"),
    ("visits", "visits", "#indicator+visits+num"),
    ("camps_visited", "camps_visited", "#indicator+camps_visited+num"),
    ("camps", "camps", "#indicator+camps+num"),
    ("camps_reached", "camps_reached", "#indicator+camps_reached+num"),
    ("population_reached", "population_reached", "#population+reached"),
    ("active_units", "active_units", "#indicator+units+num"),
]


@api.get("/summary")
def summary():
    asked = _filters()
    data = figures.summary(
        runtime.engine(), asked.f, asked.audience, runtime.settings().not_reached_days, language=language()
    )
    totals = {key: _plain(v) for key, v in data["totals"].items()}
    if request.args.get("format") == "csv":
        rows = [*data["governorates"], {**totals, "governorate": "IQ", "name": _("Total")}]
        return _csv(rows, SUMMARY_COLUMNS, "mmc-summary")
    return jsonify({**_meta(asked), "totals": totals, "governorates": data["governorates"]})


TREND_COLUMNS = [
    ("period", "period", "#date"),
    ("governorate", "governorate", "#adm1+code"),
    ("consultations", "consultations", "#indicator+consultations+num"),
    ("referrals", "referrals", "#indicator+referrals+num"),
    ("partial", "partial", "#meta+partial"),
]


@api.get("/trends")
def trends():
    asked = _filters((*COMMON, "freq"))
    table = figures.trends(runtime.engine(), asked.f, asked.audience)
    rows = [{key: _plain(row[key]) for key, _h, _t in TREND_COLUMNS} for row in table.to_dict("records")]
    if request.args.get("format") == "csv":
        return _csv(rows, TREND_COLUMNS, f"mmc-trends-{asked.f.freq}")
    return jsonify({**_meta(asked), "freq": asked.f.freq, "rows": rows})


PUBLIC_CAMP_FIELDS = (
    "code",
    "name",
    "governorate",
    "site_type",
    "position_approximate",
    "population",
    "population_date",
    "status",
)
COORDINATOR_CAMP_FIELDS = ("visits", "units", "consultations", "last_visit", "days_since_visit", "utilisation")
CAMP_COLUMNS = [
    ("code", "code", "#loc+code"),
    ("name", "name", "#loc+name"),
    ("governorate", "governorate", "#adm1+code"),
    ("site_type", "site_type", "#loc+type"),
    ("latitude", "latitude", "#geo+lat"),
    ("longitude", "longitude", "#geo+lon"),
    ("population", "population", "#population"),
    ("population_date", "population_date", "#date+population"),
    ("status", "status", "#status"),
]


@api.get("/camps")
def camps():
    asked = _filters()
    engine = runtime.engine()
    table = figures.camps_named(
        engine, figures.camp_table(engine, asked.f, asked.audience, runtime.settings()), language()
    )
    fields = PUBLIC_CAMP_FIELDS + (() if asked.audience.public else COORDINATOR_CAMP_FIELDS)
    records = [(row, {key: _plain(row[key]) for key in fields}) for row in table.to_dict("records")]
    if request.args.get("format") == "csv":
        rows = [
            {**props, "latitude": round(row["latitude"], 4), "longitude": round(row["longitude"], 4)}
            for row, props in records
        ]
        return _csv(rows, CAMP_COLUMNS, "mmc-camps")
    features = [
        {
            "type": "Feature",
            "properties": props,
            "geometry": {"type": "Point", "coordinates": [round(row["longitude"], 4), round(row["latitude"], 4)]},
        }
        for row, props in records
    ]
    return jsonify({"type": "FeatureCollection", **_meta(asked), "features": features})


@api.get("/gaps")
def gaps():
    return _coordinators_table(
        figures.gaps, figures.GAP_COLUMNS, "mmc-gaps", Message("the gap table"), words.with_reasons
    )


@api.get("/alerts")
def alerts():
    return _coordinators_table(figures.alerts, figures.ALERT_COLUMNS, "mmc-alerts", Message("the alerts"))


def _coordinators_table(report, columns, name: str, what: Message, render=None):
    """A coordinators-only report's rows for the filters, as JSON or (format=csv) CSV; `render(table, settings)`
    adds the words a reader needs."""
    if not auth.role_at_least("coordinator"):
        raise ApiError(401, Message("sign in as a coordinator to read {what}", what=what))
    asked = _filters()
    table = report(runtime.engine(), asked.f, runtime.settings(), language=language())  # names in `lang`'s words
    if render is not None:
        table = render(table, runtime.settings())
    rows = [{key: _plain(row[key]) for key, _h, _t in columns} for row in table.to_dict("records")]
    if request.args.get("format") == "csv":
        return _csv(rows, columns, name)
    return jsonify({**_meta(asked), "rows": rows})


COMPLETENESS_BY = tuple(figures.COMPLETENESS_COLUMNS)


@api.get("/completeness")
def completeness():
    """The visit plan against what happened. Coordinators: `by` governorate (the default), month, week, unit (and
    week), misses, silent or running. The public: the share of planned visits made by governorate and month only."""
    asked = _filters((*COMMON, "by"))
    by = request.args.get("by", "governorate" if not asked.audience.public else "month")
    if by not in COMPLETENESS_BY:
        raise ApiError(
            400,
            Message("by must be one of {names}, not {value}", names=", ".join(COMPLETENESS_BY), value=repr(by)),
            "by",
        )
    engine, settings = runtime.engine(), runtime.settings()
    if asked.audience.public:
        if by != "month":
            raise ApiError(
                401,
                Message("by={by} is for coordinators: sign in, or use by=month (each governorate and month)", by=by),
                "by",
            )
        table, columns = (
            figures.public_completeness(engine, asked.f, asked.audience, settings, language=language()),
            (figures.PUBLIC_COMPLETENESS_COLUMNS),
        )
    else:
        table, columns = (
            figures.completeness_table(engine, asked.f, settings, by, language=language()),
            figures.COMPLETENESS_COLUMNS[by],
        )
    rows = [{key: _plain(row[key]) for key, _h, _t in columns} for row in table.to_dict("records")]
    if request.args.get("format") == "csv":
        return _csv(rows, columns, f"mmc-completeness-{by}")
    return jsonify({**_meta(asked), "by": by, "has_rota": figures.has_rota(engine), "rows": rows})


@api.get("/health")
def health():
    """For load balancers and readiness checks: 200 once this server process answers from memory (or does not use
    memory), 503 while it is still reading the data after a start or a data load (it answers meanwhile, slowly)."""
    engine = runtime.engine()
    state = columns.state(engine, version.data_version(engine))
    body = {"status": "ok" if state != "reading" else "starting", "in_memory_totals": state, "version": __version__}
    return jsonify(body), 503 if state == "reading" else 200


@api.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@api.route("/<path:rest>")
def not_found(rest: str):
    raise ApiError(404, Message("no such endpoint: {path}; see /api/v1/openapi.json", path=f"/api/v1/{rest}"))


def openapi_document() -> dict:
    def param(name, description, schema, many=False):
        p = {"name": name, "in": "query", "required": False, "description": description, "schema": schema}
        if many:
            p.update(schema={"type": "array", "items": schema}, style="form", explode=True)
        return p

    common = [
        param(
            "start",
            "First day, YYYY-MM-DD (default: the start of the latest 52 whole weeks of data)",
            {"type": "string", "format": "date"},
        ),
        param(
            "end",
            "Last day, YYYY-MM-DD, included (default: the last Sunday of the data)",
            {"type": "string", "format": "date"},
        ),
        param("governorate", "ISO 3166-2 code such as IQ-DA; repeat for several", {"type": "string"}, many=True),
        param("syndrome", "A syndrome code", {"type": "string", "enum": list(SYNDROMES)}),
        param("format", "json (default) or csv with an HXL hashtag row", {"type": "string", "enum": ["json", "csv"]}),
    ]
    error = {
        "description": "A parameter that cannot be used; the error names it",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }

    def op(summary, description, params, public=True):
        responses = {"200": {"description": "OK", "content": {"application/json": {}, "text/csv": {}}}, "400": error}
        if not public:
            responses["401"] = {"description": "Not signed in as a coordinator"}
        return {
            "get": {
                "summary": summary,
                "description": description,
                "parameters": params,
                "responses": responses,
                "security": [] if public else [{"session": []}],
            }
        }

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Mobile Medical Clinics, Iraq: read-only API",
            "version": __version__,
            "description": "Figures follow the definitions of the project's data formats. Public calls answer "
            "for whole weeks (a period is widened to the weeks that hold its first and last day, and `adjusted` "
            "says so), and their consultation and referral counts are sums of weekly counts by governorate and "
            "syndrome in which each count from 1 to k-1 is 0 or k; their visits, camps "
            "reached and units count activity whatever the syndrome. A signed-in coordinator's calls are exact.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/summary": op(
                "Totals and figures per governorate",
                "consultations, referrals, visits, camps_visited (a visit in the period), camps (open at its end), "
                "camps_reached and population_reached (camps with the status reached or under-served on /camps: a "
                "visit in the period's last NOT_REACHED_DAYS days, whole weeks for the public), active_units",
                common,
            ),
            "/trends": op(
                "Consultations and referrals per week or month and governorate",
                "Rows of period (Monday of the ISO week, or first of the month), governorate, "
                "consultations, referrals, partial (the period cuts the week or month)",
                [*common, param("freq", "week (default) or month", {"type": "string", "enum": ["week", "month"]})],
            ),
            "/camps": op(
                "Camps and sites as GeoJSON with coverage status",
                "Public fields: code, name, governorate, site_type, position_approximate, population, "
                "population_date, status (reached, under_served, not_reached). Coordinators also get "
                "visits, units, consultations, last_visit, days_since_visit, utilisation.",
                common,
            ),
            "/gaps": op(
                "The per-camp gap table (coordinators only)",
                "Population, units served, visits, last visit, days since, consultations, utilisation, "
                "distance to the nearest base, status and its reason",
                common,
                public=False,
            ),
            "/completeness": op(
                "The visit plan against what happened",
                "Planned visits (from the rota), those made (a visit of the unit to the camp that day or another day "
                "of its week), missed, unplanned visits, completeness (made / planned), and timeliness (visits "
                "reported within REPORT_DEADLINE_DAYS). The public: by=month only, the completeness of each "
                "governorate and month. Coordinators: by=governorate (default), month, week, unit, misses (each "
                "missed visit), silent (units with planned visits and no report in SILENT_DAYS) or running (camps "
                "whose planned visits were all missed two weeks running).",
                [
                    *common,
                    param(
                        "by",
                        "What a row is (the public: month only)",
                        {"type": "string", "enum": list(figures.COMPLETENESS_COLUMNS)},
                    ),
                ],
            ),
            "/health": {
                "get": {
                    "summary": "Whether this server process is ready",
                    "description": "200 with in_memory_totals ready (or off) once the process answers from memory; "
                    "503 with in_memory_totals reading while it reads the data after a start or a data load.",
                    "parameters": [],
                    "responses": {"200": {"description": "Ready"}, "503": {"description": "Still reading the data"}},
                    "security": [],
                }
            },
            "/alerts": op(
                "Outbreak alerts in the period (coordinators only)",
                "Newest first: week (its first day), camp code and name, governorate, syndrome, count, baseline "
                "(mean of the previous weeks) and rule (single_case or threshold)",
                common,
                public=False,
            ),
        },
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {
                        "error": {
                            "type": "object",
                            "properties": {"message": {"type": "string"}, "parameter": {"type": "string"}},
                        }
                    },
                }
            },
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "session"}},
        },
    }
