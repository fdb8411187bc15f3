"""Answers that are the same for every visitor of the public view, made once per data version.

A public visit asks the app for the page's HTML, its layout (`/_dash-layout`), the callbacks' plan
(`/_dash-dependencies`), the page itself (`/_dash-page`, preloaded) and then its parts (POSTs to
`/_dash-update-component`); a donor's dashboard asks the API (`/api/v1/`).
Without a session these depend only on the release, the data's version, the language, the day (exports are dated)
and the question (path, query and body): a crowd asks the same few questions. So, for a visitor without a session:

- an answer is kept in this process (`KEPT_BYTES` in all, least recently used first out, forgotten when data is
  loaded) and a repeat is sent from there, without computing or serialising it again;
- a GET answer carries an ETag from all of the above, and a repeat with it gets 304 before any work;
- every such answer says `Cache-Control: public, max-age=0, s-maxage=60` and `Vary: Cookie`, so nginx in front of
  the fleet may keep it a minute (deploy/nginx.conf keeps the callbacks' POSTs too, keyed by their body), and a
  crowd reaches Python once per question and minute.

A signed-in session never gets a kept answer, and its answers are never kept (factory._security_headers makes them
`no-store`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Set
from typing import NamedTuple

from flask import Flask, Response, g, request, session

from dashboard import __version__, i18n
from dashboard.server import runtime
from dashboard.server.compression import PAGE_ANSWER
from dashboard.services import figures

CALLBACKS = "/_dash-update-component"  # POSTs that only read
PAGE_GETS = ("/_dash-layout", "/_dash-dependencies", "/" + PAGE_ANSWER)
API = "/api/v1/"
NOT_KEPT = ("/api/v1/health",)  # the process's own state, asked by load balancers
KEPT_TYPES = ("application/json", "text/csv", "text/html")
KEPT_BYTES = 64 * 2**20  # all kept answers of one process together
LARGEST_KEPT = 4 * 2**20  # an answer above this is sent, not kept
LARGEST_QUESTION = 64 * 2**10  # a callback's body above this is answered, not kept (nginx keys by the body too)
SHARED_MAX_AGE = 60  # seconds a shared cache (nginx, a CDN) may give an answer without asking again
HEADER = "X-MMC-Answer"  # "kept" when the answer came from this process's kept answers (for tests and the benchmark)


class Answer(NamedTuple):
    body: bytes
    mimetype: str
    disposition: str | None  # a CSV's file name (Content-Disposition)


class Kept:
    """Answers by key, at most `limit` bytes together, the least recently used given up first; all forgotten when
    the data's token changes."""

    def __init__(self, limit: int = KEPT_BYTES):
        self.limit = limit
        self._answers: OrderedDict[str, Answer] = OrderedDict()
        self._size = 0
        self._token = ""
        self._lock = threading.Lock()

    def get(self, token: str, key: str) -> Answer | None:
        with self._lock:
            if token != self._token:
                return None
            found = self._answers.get(key)
            if found is not None:
                self._answers.move_to_end(key)
            return found

    def put(self, token: str, key: str, answer: Answer) -> None:
        if len(answer.body) > min(self.limit, LARGEST_KEPT):
            return
        with self._lock:
            if token != self._token:  # data loaded since: what was kept answers an older version
                self._answers.clear()
                self._size, self._token = 0, token
            old = self._answers.pop(key, None)
            self._size += len(answer.body) - (len(old.body) if old is not None else 0)
            self._answers[key] = answer
            while self._size > self.limit:
                _key, dropped = self._answers.popitem(last=False)
                self._size -= len(dropped.body)

    def __len__(self) -> int:
        return len(self._answers)


def _same_for_everyone(pages: Callable[[], Set[str]]) -> bool:
    path, method = request.path, request.method
    if session.get("sid"):
        return False
    if method == "POST":
        return path == CALLBACKS and (request.content_length or 0) <= LARGEST_QUESTION
    if method != "GET":
        return False
    return path in PAGE_GETS or (path.startswith(API) and path not in NOT_KEPT) or path in pages()


def _question(pages: Callable[[], Set[str]]) -> tuple[str, str] | None:
    """(the data's token, the key of this request's answer), or None when its answer is not the same for everyone."""
    if not _same_for_everyone(pages):
        return None
    token = figures.data_token(runtime.engine())
    asked = hashlib.sha256(
        f"{__version__}|{token}|{i18n.language()}|{dt.date.today()}|{request.method}|{request.full_path}|".encode()
    )
    if request.method == "POST":
        asked.update(request.get_data(cache=True))
    return token, asked.hexdigest()[:32]


def _shared(response: Response, key: str) -> Response:
    if request.method == "GET":
        response.set_etag(key)
    response.headers["Cache-Control"] = f"public, max-age=0, s-maxage={SHARED_MAX_AGE}"
    response.vary.add("Cookie")
    return response


def init_app(server: Flask, pages: Callable[[], Set[str]] = frozenset) -> Kept:
    """Keep the public's answers; `pages()`: the paths of the app's pages, whose HTML is the same for everyone too
    (web.document.same_for_everyone makes it so)."""
    kept = Kept()
    server.extensions["mmc_answers"] = kept

    @server.before_request
    def _kept_answer():
        question = _question(pages)
        if question is None:
            return None
        token, key = g.mmc_answer = question
        # (flask-compress names a compressed answer's ETag "<tag>:gzip", "<tag>:br"...)
        if request.method == "GET" and any(tag.split(":", 1)[0] == key for tag in request.if_none_match.as_set()):
            return _shared(Response(status=304), key)
        answer = kept.get(token, key)
        if answer is None:
            return None
        g.mmc_answer_sent = True
        response = _shared(Response(answer.body, mimetype=answer.mimetype), key)
        if answer.disposition:
            response.headers["Content-Disposition"] = answer.disposition
        response.headers[HEADER] = "kept"
        return response

    @server.after_request
    def _keep(response: Response) -> Response:
        question = g.get("mmc_answer")
        if question is None or response.status_code != 200 or g.get("mmc_answer_sent"):
            return response
        if response.mimetype not in KEPT_TYPES or "Set-Cookie" in response.headers or session.get("sid"):
            return response
        token, key = question
        kept.put(
            token, key, Answer(response.get_data(), response.mimetype, response.headers.get("Content-Disposition"))
        )
        return _shared(response, key)

    return kept
