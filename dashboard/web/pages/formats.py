"""The data formats and the definition of every figure (docs/formats.md), for everyone: a coordinator preparing a
file, and a reader asking what a figure means. The document is the repository's own, shown as it is."""

from __future__ import annotations

from functools import lru_cache

import dash
from dash import dcc

from dashboard.config import ROOT
from dashboard.web import ids

dash.register_page(__name__, path="/formats", name="Formats", title="Data formats and definitions · MMC Iraq")

DOCUMENT = ROOT / "docs" / "formats.md"


@lru_cache(maxsize=1)
def _text() -> str:
    return DOCUMENT.read_text(encoding="utf-8")


def layout(**_query):
    return dcc.Markdown(_text(), id=ids.FORMATS_DOC, className="formats-doc", link_target="_blank")
