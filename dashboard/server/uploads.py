"""The data page's files, received by a plain route as the browser sends them (multipart, streamed to a temporary
file by Werkzeug rather than held as base64 text in a callback), kept in the database and queued for checking.

`POST /coordinator/data/upload` with the fields `kind` and `file` and the session's token in `X-CSRF-Token`: a
signed-in coordinator's only. Answers `{"job": id}`, or `{"error": message}` with 400, 403 or 413.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from dashboard import words
from dashboard.i18n import _
from dashboard.ingest import jobs, pipeline
from dashboard.server import auth, runtime

uploads = Blueprint("uploads", __name__)


def job_options(settings) -> dict:
    """How this deployment runs checks and loads (ingest.jobs.start's options): on the queue when it has Redis, with
    the size limit and the reporting week of its settings. The route and the data page's Load share it."""
    return {
        "redis_url": settings.redis_url,
        "max_bytes": settings.max_upload_mb * 2**20,
        "first_day": settings.first_day,
    }


def _refused(status: int, message: str):
    return jsonify({"error": message}), status


@uploads.post("/coordinator/data/upload")
def receive():
    account = auth.current_user()
    if account is None or auth.RANK[account.role] < auth.RANK["coordinator"]:
        return _refused(403, _("Sign in as a coordinator to load files."))
    if not auth.csrf_matches(request.headers.get("X-CSRF-Token", "")):
        return _refused(400, _("The page has expired: reload it and choose the file again."))
    settings = runtime.settings()
    limit = settings.max_upload_mb * 2**20
    if request.content_length and request.content_length > limit + 2**20:  # refused before a byte is read
        return _refused(413, words.say(pipeline.too_large(request.content_length, limit)))
    kind, sent = request.form.get("kind", ""), request.files.get("file")
    if kind not in pipeline.KINDS:
        return _refused(400, _("Choose what the file holds first."))
    if sent is None or not sent.filename:
        return _refused(400, _("No file was received: choose it again."))
    data = sent.stream.read(limit + 1)
    if len(data) > limit:
        return _refused(413, words.say(pipeline.too_large(len(data), limit)))
    engine = runtime.engine()
    job = jobs.create(engine, user=account.username, kind=kind, filename=sent.filename, data=data)
    jobs.start(engine, job, account.username, load=False, **job_options(settings))
    return jsonify({"job": job})
