"""No words bypass the translation function: every page, callback and part is asked in a pseudo-language whose
catalogue marks each translated string (⟦like this⟧), as the public and as a coordinator, and every text a reader
sees in the answers (components' text, titles, labels, placeholders, options, table headers, chart titles and axes)
must be marked, or be data (names, codes, figures and dates) or a code the interface keeps as it is."""

from __future__ import annotations

import base64
import gettext
import json
import re
import xml.etree.ElementTree as ET

import pytest

from dashboard import i18n
from dashboard.data import queries
from tests.helpers import add_coordinator, ask, client_with_csrf, every_request, make_app, sign_in, tiny_dataset

SVG = "data:image/svg+xml;base64,"
PSEUDO = "qps"  # (a private-use language code)
TEXT_PROPS = {"children", "title", "label", "placeholder", "description", "error", "aria-label", "alt", "text"}
# kept as they are in every language: codes, formats, units of measure, and the names of data sources
KEPT = re.compile(
    r"\b(MMC|CSV|XLSX|SVG|PDF|UTC|HXL|SHA-256|UTF-8|km|MB|OCHA|CCCM|Natural Earth|GeoJSON|GeoPackage|EWARN|ADM1|"
    r"IQ(-[A-Z]{2})?|DEMO-[A-Z0-9-]+|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|January|February|March|April|"
    r"June|July|August|September|October|November|December)\b"
)


class Marked(gettext.NullTranslations):
    def gettext(self, message):
        return f"⟦{message}⟧"

    def ngettext(self, singular, plural, n):
        return f"⟦{singular if n == 1 else plural}⟧"

    def pgettext(self, context, message):
        return f"⟦{message}⟧"


@pytest.fixture
def pseudo(monkeypatch):
    monkeypatch.setitem(i18n.LANGUAGES, PSEUDO, ("Pseudo", "ltr", "en"))
    real = i18n.translations
    monkeypatch.setattr(i18n, "translations", lambda code: Marked() if code == PSEUDO else real(code))


def _shown(node, prop: str | None = None, out: list | None = None) -> list[str]:
    """The texts of an answer a reader sees."""
    out = [] if out is None else out
    if isinstance(node, str):
        if prop in TEXT_PROPS:
            out.append(node)
    elif isinstance(node, list):
        for item in node:
            _shown(item, prop, out)
    elif isinstance(node, dict):
        if "props" in node and "type" in node:  # a component
            _component_texts(node["props"], out)
        else:
            for key, value in node.items():
                _shown(value, key if key in TEXT_PROPS else prop if key == "props" else None, out)
    return out


def _component_texts(props: dict, out: list) -> None:
    if props.get("lang") == "en":  # a document kept in English, and marked so
        return
    for key, value in props.items():
        if key in TEXT_PROPS:
            _shown(value, key, out)
        elif key in ("data", "options") and isinstance(value, list):
            _shown([o.get("label") for o in value if isinstance(o, dict) and "value" in o], "label", out)
        elif key == "columnDefs":
            _shown([c.get("headerName") for c in value if isinstance(c, dict)], "label", out)
        elif key == "figure" and isinstance(value, dict):
            _figure_texts(value, out)
        elif key in ("src", "srcSet", "href") and isinstance(value, str) and value.startswith(SVG):
            _picture_texts(value, out)
        elif isinstance(value, (dict, list)):
            _shown(value, None, out)


def _picture_texts(uri: str, out: list) -> None:
    """The words of a chart drawn on the server (an SVG picture): its title, axes, legend and notes."""
    root = ET.fromstring(base64.b64decode(uri[len(SVG) :]))
    out.extend("".join(node.itertext()) for node in root.iter("{http://www.w3.org/2000/svg}text"))
    out.extend(node.text or "" for node in root.iter("{http://www.w3.org/2000/svg}title"))


def _figure_texts(figure: dict, out: list) -> None:
    layout = figure.get("layout", {})
    for value in layout.values():
        if isinstance(value, dict) and isinstance(value.get("title"), dict):
            out.append(value["title"].get("text") or "")
    title = layout.get("title")
    out.append(title.get("text", "") if isinstance(title, dict) else title or "")
    out.extend(trace.get("name") or "" for trace in figure.get("data", []) if isinstance(trace.get("name"), str))


def _answer_texts(response) -> list[str]:
    try:
        data = json.loads(response.get_data(as_text=True))
    except ValueError:
        return []
    if isinstance(data, dict) and "response" in data:
        out: list[str] = []
        for outputs in data["response"].values():
            for prop, value in outputs.items():
                _shown(value, prop, out)
        return out
    return []


def _unmarked(text: str, names: set[str]) -> str:
    rest = text
    while re.search(r"⟦[^⟦⟧]*⟧", rest):  # (marked text inside marked text: the innermost first)
        rest = re.sub(r"⟦[^⟦⟧]*⟧", " ", rest)
    if re.fullmatch(r"\s*[a-z][a-z0-9_]*(\s*,\s*[a-z][a-z0-9_]*)*\s*", rest) and "_" in rest:
        return ""  # a file's column names, as the file must hold them (the data page's formats)
    for name in sorted(names, key=len, reverse=True):
        if name and name in rest:
            rest = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", rest)
    rest = KEPT.sub(" ", rest)
    return rest if re.search(r"[A-Za-z]{2,}", rest) else ""


def test_every_text_a_reader_sees_went_through_the_translation_function(sqlite_url, pseudo):
    app = make_app(sqlite_url, tiny_dataset())
    engine = app.server.config["MMC_ENGINE"]
    add_coordinator(engine)
    names = set(queries.governorate_names(engine).values()) | set(queries.governorate_names(engine)) | {"carol"}
    with engine.connect() as conn:
        from sqlalchemy import text

        for table in ("clinics", "camps"):
            names |= {r[0] for r in conn.execute(text(f"SELECT name FROM {table}"))}
            names |= {r[0] for r in conn.execute(text(f"SELECT code FROM {table}"))}
    public = app.server.test_client()
    coordinator = client_with_csrf(app)
    sign_in(coordinator)
    failures: dict[str, str] = {}
    for client in (public, coordinator):
        client.set_cookie("mmc_lang", PSEUDO)
        for what, method, body in every_request(app, [{}]):
            if what.startswith("route "):
                continue
            for text_ in _answer_texts(ask(client, method, body)):
                left = _unmarked(text_, names)
                if left:
                    failures.setdefault(text_[:100], what)
    assert not failures, "\n".join(f"{text!r}  ({what})" for text, what in list(failures.items())[:60])
