"""Files for coordinators: import templates, and the database's data in the import format. Signed-in only,
checked on the server for every request."""

from __future__ import annotations

import datetime as dt
import io
import itertools

from flask import Blueprint, Response, abort, send_file, stream_with_context

from dashboard.config import DATA_DIR
from dashboard.data import loading
from dashboard.ingest import formats
from dashboard.server import auth, runtime
from dashboard.services import exports

downloads = Blueprint("downloads", __name__)
TEMPLATES = DATA_DIR / "templates"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_coordinator() -> None:
    if not auth.role_at_least("coordinator"):
        abort(403)


@downloads.get("/coordinator/data/templates/<kind>.<ext>")
def template(kind: str, ext: str):
    _require_coordinator()
    if kind not in (*formats.KINDS, "weekly") or ext not in ("csv", "xlsx"):
        abort(404)
    return send_file(TEMPLATES / f"{kind}.{ext}", as_attachment=True, download_name=f"mmc-{kind}-template.{ext}")


@downloads.get("/coordinator/data/export/<kind>.<ext>")
def export(kind: str, ext: str):
    """The database's camps, clinics or records as a file that loads back without loss; CSV is streamed."""
    _require_coordinator()
    if kind not in formats.KINDS or ext not in ("csv", "xlsx"):
        abort(404)
    engine = runtime.engine()
    columns = formats.template_columns(kind)
    name = f"mmc-{kind}-{dt.date.today().isoformat()}.{ext}"
    if ext == "xlsx":
        data = exports.to_xlsx(loading.export_rows(engine, kind), columns, kind)
        return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)

    def chunks():
        rows = loading.export_rows(engine, kind)
        buffer = io.StringIO()
        buffer.write(exports.BOM)  # (a spreadsheet reads Arabic and Kurdish names right with it; loading skips it)
        exports.write_csv(buffer, itertools.islice(rows, 5_000), columns)
        while buffer.tell():
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            exports.write_rows(buffer, itertools.islice(rows, 5_000), columns)

    return Response(
        stream_with_context(chunks()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
